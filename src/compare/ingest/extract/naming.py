"""A learned reading of which metric a count names where no catalogue phrase does (issue 24: most misses on
unseen reports are phrasings the vocabulary lacks: '发放各类普法资料1万余份', '来电来访咨询637人次').

A multinomial logistic regression over the words just before a count (character 1- to 3-grams of up to
CONTEXT_CHARS characters of its clause), its counting word and the characters after it gives the chance
that the count is each catalogue metric, or none. It is asked only about counts the rules read as nothing;
where its best metric is not 'none', fits the counting word, and has at least the model's threshold, the
words before the count are read as that metric's phrase and the rules go on as for any phrase (total or
part, target, period). The review file's `why` says so, with the chance and the cues that weighed most.

The model is a small JSON file (naming_model.json: classes, weights, intercepts, threshold) applied without
scikit-learn. benchmarks/extraction_naming.py builds it from the gold rows of the four development sets and
scores it leaving whole sets out; the file records what it was trained on. Measured (December 2026): leaving
sets out, its best threshold changes nothing (strict F1 0.888 either way); on blind sets it was never trained
on, 0.7 added 7 rows right and 9 false alarms. So no file is shipped (shipped() is None) and extraction uses
the rules alone until more gold rows make it measure better.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ...data.numerals import find_numbers
from .text import CLAUSE_END, UNIT_FITS, is_count, reading_text, sentences, unit_after
from .vocabulary import PhraseHit

MODEL_FILE = Path(__file__).with_name("naming_model.json")
NONE = "none"  # the class of a count that is no catalogue metric
CONTEXT_CHARS = 10  # how much of the clause before a count the model reads
AFTER_CHARS = 3


def features(sentence: str, start: int, unit: str, unit_end: int, clause_start: int) -> list[str]:
    """What the model reads of one count: the words before it in its clause, its counting word, what follows."""
    before = sentence[max(clause_start, start - CONTEXT_CHARS) : start].strip()
    after = sentence[unit_end : unit_end + AFTER_CHARS]
    grams = {f"b:{before[i : i + k]}" for k in (1, 2, 3) for i in range(len(before) - k + 1)}
    ending = {f"end:{before[-k:]}" for k in (2, 3, 4) if len(before) >= k}
    return sorted(grams | ending | {f"unit:{unit}"} | {f"a:{after[i : i + 2]}" for i in range(len(after) - 1)})


@dataclass(frozen=True)
class NamingModel:
    """Weights of a multinomial logistic regression over `features`, and the chance it needs to name a metric."""

    classes: tuple
    weights: dict  # feature -> {class: weight}
    intercepts: dict  # class -> intercept
    threshold: float
    trained_on: str = ""

    def chances(self, feats: list[str]) -> dict[str, float]:
        z = dict(self.intercepts)
        for f in feats:
            for c, w in self.weights.get(f, {}).items():
                z[c] += w
        top = max(z.values())
        e = {c: math.exp(v - top) for c, v in z.items()}
        total = sum(e.values())
        return {c: v / total for c, v in e.items()}

    def cues(self, feats: list[str], metric: str, k: int = 3) -> str:
        weighed = sorted(((self.weights.get(f, {}).get(metric, 0.0), f) for f in feats), reverse=True)
        return ", ".join(f for w, f in weighed[:k] if w > 0)

    def to_json(self) -> str:
        body = {"classes": list(self.classes), "intercepts": self.intercepts, "threshold": self.threshold}
        weights = {f: {c: round(w, 4) for c, w in sorted(ws.items())} for f, ws in sorted(self.weights.items())}
        return json.dumps({**body, "trained_on": self.trained_on, "weights": weights}, ensure_ascii=False, indent=0)


def load(path: Path) -> NamingModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return NamingModel(
        tuple(data["classes"]), data["weights"], data["intercepts"], data["threshold"], data.get("trained_on", "")
    )


@lru_cache(maxsize=1)
def shipped() -> NamingModel | None:
    """The model shipped with the package, or None when there is none."""
    return load(MODEL_FILE) if MODEL_FILE.is_file() else None


@dataclass(frozen=True)
class Naming:
    """The model's reading of one count: a phrase hit for the words before it, and why."""

    hit: PhraseHit
    why: str


def name(
    model: NamingModel | None,
    sentence: str,
    start: int,
    unit: str,
    unit_end: int,
    clause_start: int,
    item_start: int,
    metrics: dict[str, tuple[str, str]],
) -> Naming | None:
    """The metric the model names for a count no phrase claims, as a phrase hit ending at the count, or None
    when it names none with enough confidence, or one the counting word cannot count (metrics: id -> unit, kind)."""
    if model is None or unit not in UNIT_FITS or unit == "%":
        return None
    feats = features(sentence, start, unit, unit_end, clause_start)
    chances = model.chances(feats)
    metric, p = max(chances.items(), key=lambda kv: kv[1])
    if metric == NONE or p < model.threshold or metric not in metrics:
        return None
    metric_unit, kind = metrics[metric]
    if metric_unit not in UNIT_FITS[unit]:
        return None
    hit_start = max(item_start, clause_start, start - CONTEXT_CHARS)
    why = f"metric learned: {metric} (chance {p:.2f}; cues {model.cues(feats, metric)}); no catalogue phrase names it"
    return Naming(PhraseHit(hit_start, start, metric, metric_unit, kind, ""), why)


def examples(text: str, gold: pd.DataFrame) -> list[tuple[list[str], str]]:
    """Training rows from one report and its gold rows: each count's features, labelled with the metric of the
    gold row stating that value there (its quote holds the count), else 'none'."""
    simple, _ = reading_text(text)
    quoted = [
        (reading_text(str(q))[0], float(v), m) for q, v, m in zip(gold["quote"], gold["value"], gold["metric_id"])
    ]
    values = {}
    for _, v, m in quoted:
        values.setdefault(v, m)
    rows = []
    for s0, s1, _ in sentences(simple):
        sentence = simple[s0:s1]
        clause_starts = [0] + [m.end() for m in CLAUSE_END.finditer(sentence)]
        for n in find_numbers(sentence):
            found = unit_after(sentence, n.end) if is_count(sentence, n) and not n.percent else None
            if found is None:
                continue
            unit, unit_end = found
            clause_start = max(c for c in clause_starts if c <= n.start)
            label = _label(sentence, n, unit_end, quoted, values)
            rows.append((features(sentence, n.start, unit, unit_end, clause_start), label))
    return rows


def _label(sentence: str, n, unit_end: int, quoted: list, values: dict) -> str:
    """The gold metric of a count: a gold row of its value whose quote covers it, or (gold cited by URL, with no
    quote) the first gold row of its value; else 'none'."""
    for quote, value, metric in quoted:
        if value != n.value:
            continue
        at = sentence.find(quote) if quote else -1
        while at >= 0:
            if at <= n.start and n.end <= at + len(quote):
                return metric
            at = sentence.find(quote, at + 1)
    if not any(q for q, v, _ in quoted if v == n.value):
        return values.get(n.value, NONE)
    return NONE


def fit(rows: list[tuple[list[str], str]], threshold: float, c: float = 1.0, trained_on: str = "") -> NamingModel:
    """A NamingModel trained on rows (scikit-learn, deterministic)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = DictVectorizer()
    x = vectoriser.fit_transform([dict.fromkeys(f, 1) for f, _ in rows])
    y = [label for _, label in rows]
    if len(set(y)) < 3:  # with two, scikit-learn fits one row of weights, not one per class
        raise ValueError("The naming model needs at least three classes (metrics and 'none').")
    regression = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    classes, coef = tuple(str(k) for k in regression.classes_), regression.coef_
    weights: dict[str, dict[str, float]] = {}
    for j, feature in enumerate(vectoriser.get_feature_names_out()):
        column = {k: float(coef[i, j]) for i, k in enumerate(classes) if abs(coef[i, j]) >= 1e-3}
        if column:
            weights[str(feature)] = column
    intercepts = {k: float(b) for k, b in zip(classes, regression.intercept_)}
    return NamingModel(classes, weights, intercepts, threshold, trained_on)
