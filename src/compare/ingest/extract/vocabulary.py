"""The catalogue's vocabulary as data: which phrase names which metric (and which part of it).

Phrases come from two tables in the data folder: the catalogue's own `typical_phrases` (metrics.csv)
and the sidecar `metric_phrases.csv` (one row a phrasing: metric_id, phrase, subset, example), so adding
a phrasing is one line with the sentence that shows it. A phrase written 'phrase=subset' in
typical_phrases, or with a subset in the sidecar, names a part of its metric (训诫=reprimand). The sidecar's
optional measure_words column lists counting words a phrasing takes besides its metric's unit ('法律帮助' is
counted in 人次 as well as 件: '人次').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from ...data.tables import Dataset, per_version
from .text import ExtractionError

PHRASES_FILE = "metric_phrases.csv"
PHRASE_COLUMNS = ["metric_id", "phrase", "subset", "example"]
OPTIONAL_COLUMNS = ["measure_words"]  # '|'-separated counting words besides the metric's unit


@dataclass(frozen=True)
class PhraseMeaning:
    """What a catalogue phrase names: a metric (its unit and kind) and, for a part, the subset."""

    metric_id: str
    unit: str
    kind: str
    subset: str
    measure_words: tuple = ()


@dataclass(frozen=True)
class PhraseHit:
    """One occurrence of a catalogue phrase in a sentence."""

    start: int
    end: int
    metric_id: str
    unit: str
    kind: str
    subset: str
    measure_words: tuple = ()  # counting words it takes besides its metric's unit

    def counts(self, unit_word: str, fits: set) -> bool:
        """Whether a number in unit_word (件, 人次 ...) can be this phrase's count."""
        return self.unit in fits or unit_word in self.measure_words


@dataclass(frozen=True)
class Phrases:
    """The catalogue's phrases: one regular expression trying the longest first, and what each means."""

    pattern: re.Pattern  # the longest phrase at every position (overlapping), in group 1
    meaning: dict  # phrase -> PhraseMeaning

    def hits(self, sentence: str) -> list[PhraseHit]:
        """Non-overlapping phrase occurrences, left to right, the longest phrase at each position; of two
        that overlap, the one ending later (a compound's head is its last word: '法治宣传资料' is 资料)."""
        kept: list[tuple[int, int]] = []
        for m in self.pattern.finditer(sentence):
            start, end = m.span(1)
            if kept and start < kept[-1][1]:
                if end > kept[-1][1]:
                    kept[-1] = (start, end)
                continue
            kept.append((start, end))
        found = []
        for start, end in kept:
            meaning = self.meaning[sentence[start:end]]
            found.append(
                PhraseHit(
                    start,
                    end,
                    meaning.metric_id,
                    meaning.unit,
                    meaning.kind,
                    meaning.subset,
                    meaning.measure_words,
                )
            )
        return found

    def units(self) -> dict[str, str]:
        """Each metric's unit."""
        return {m.metric_id: m.unit for m in self.meaning.values()}

    @cached_property
    def catalogue(self) -> dict[str, tuple[str, str]]:
        """Each metric's unit and kind."""
        return {m.metric_id: (m.unit, m.kind) for m in self.meaning.values()}


def sidecar_phrases(folder: Path | None) -> pd.DataFrame:
    """The rows of <folder>/metric_phrases.csv (empty when the data folder has none)."""
    path = Path(folder) / PHRASES_FILE if folder else None
    if path is None or not path.is_file():
        return pd.DataFrame(columns=PHRASE_COLUMNS + OPTIONAL_COLUMNS)
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in PHRASE_COLUMNS if c not in table.columns]
    if missing:
        raise ExtractionError(f"{PHRASES_FILE}: missing column(s) {', '.join(missing)}.")
    for column in OPTIONAL_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table[PHRASE_COLUMNS + OPTIONAL_COLUMNS]


_TABLES: dict[tuple, Phrases] = {}  # by data folder and data version: read once, not for every report


def phrase_table(ds: Dataset) -> Phrases:
    """Every catalogue phrase with its metric, unit, kind and subset (metrics.csv, then the sidecar)."""
    return per_version(_TABLES, ds, lambda: _read_phrases(ds))


def _read_phrases(ds: Dataset) -> Phrases:
    catalogue = {m.metric_id: (m.unit, m.kind) for m in ds.metrics.itertuples()}
    rows = []
    for m in ds.metrics.itertuples():
        for entry in str(m.typical_phrases).split("|"):
            phrase, _, subset = entry.partition("=")
            rows.append((m.metric_id, m.unit, m.kind, phrase, subset, ()))
    for r in sidecar_phrases(getattr(ds, "data_dir", None)).itertuples():
        if r.metric_id not in catalogue:
            raise ExtractionError(
                f"{PHRASES_FILE}: phrase '{r.phrase}' names metric '{r.metric_id}', which is not in metrics.csv."
            )
        words = tuple(w for w in str(r.measure_words).split("|") if w)
        rows.append((r.metric_id, *catalogue[r.metric_id], r.phrase, r.subset, words))
    between = _with_between(rows, VERBS_BEFORE_KINDS, EVERY_KIND) + _with_between(rows, VERBS_OF_RECOVERY, WHOSE)
    return _phrases(tuple(rows + between + _older_names(rows)))


# Words typed between a phrase's verb and its object: 各类 (every kind of: '调处各类民间纠纷', '挽回各类经济损失'),
# and whose money was recovered ('挽回群众经济损失369万余元').
VERBS_BEFORE_KINDS = ("调解", "调处", "化解", "排查", "受理", "办理", "承办", "挽回", "解答", "开展", "发放")
EVERY_KIND = ("各类", "各种")
VERBS_OF_RECOVERY = ("挽回", "避免", "追回")
WHOSE = ("群众", "当事人", "受援人", "农民工", "企业")


def _with_between(rows: list[tuple], verbs: tuple, words: tuple) -> list[tuple]:
    """The catalogue's phrases of one of verbs (its first two characters) again with each of words between the
    verb and its object, unless the object already starts with one."""
    return [
        (metric_id, unit, kind, phrase[:2] + word + phrase[2:], subset, measure_words)
        for metric_id, unit, kind, phrase, subset, measure_words in rows
        if phrase[:2] in verbs and len(phrase) > 3 and not phrase[2:].startswith(words)
        for word in words
    ]


# '开展法制宣传活动13场次': 法制 (legal system) was the name of the same work before 法治 (rule of law), in
# reports up to the mid-2010s and in many since.
OLDER_NAMES = (("法治", "法制"),)


def _older_names(rows: list[tuple]) -> list[tuple]:
    """The catalogue's phrases again as older reports write them."""
    return [
        (metric_id, unit, kind, phrase.replace(new, old), subset, words)
        for metric_id, unit, kind, phrase, subset, words in rows
        for new, old in OLDER_NAMES
        if new in phrase
    ]


@lru_cache(maxsize=8)
def _phrases(rows: tuple) -> Phrases:
    meaning = {}
    for metric_id, unit, kind, phrase, subset, words in rows:
        if phrase and phrase not in meaning:
            meaning[phrase] = PhraseMeaning(metric_id, unit, kind, subset, words)
    ordered = sorted(meaning, key=lambda p: -len(p))
    # A phrase can start only at one of the phrases' first characters: the class before the alternation lets
    # the search pass every other position at once (4x faster, the same matches).
    starts = "".join(sorted({p[0] for p in ordered}))
    alternatives = "|".join(re.escape(p) for p in ordered)
    return Phrases(re.compile(f"(?=[{re.escape(starts)}])(?=({alternatives}))" if starts else "(?=())"), meaning)
