"""A learned second opinion on one decision the rules carry over poorly: is a count the whole unit's total or
a part (one provider's, one centre's, one kind's)?

A logistic regression over the sentence's features (the rules' own reading and why, cue words before and
after the number, its counting word, metric and statement, the report unit's level, 其中/含/共/全, the
count's position in its sentence, characters just before it) gives the chance that the count is a part. Where
it disagrees with the rules with confidence of at least the model's threshold, its reading replaces theirs and
the review file's part_note says so, with the chance and the cues that weighed most.

The model is a small JSON file (role_model.json: weights, intercept, threshold) applied without scikit-learn;
benchmarks/extraction_loso.py trains it (scikit-learn, deterministic) from the gold rows of the four sets and
scores it leaving whole sets out and leaving whole documents out; it writes the file only when the model
measured better than the rules alone both ways. Measured (December 2026): leaving sets out, strict F1 0.8357
-> 0.8371 (2 more rows right, 1 more false alarm, of 541); leaving documents out, no change. So no model is
shipped and extraction uses the rules alone (shipped() is None) until more gold makes it measure better.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .rules import Candidate
from .text import CLAUSE_END

MODEL_FILE = Path(__file__).with_name("role_model.json")
CUES = (
    "其中",
    "含",
    "共",
    "全",
    "各级",
    "各类",
    "累计",
    "总",
    "合计",
    "中心",
    "律师",
    "顾问",
    "乡镇",
    "村",
    "社区",
    "街道",
    "调委会",
    "分别",
    "、",
    "(",
    "等",
    "办结",
    "受理",
    "办理",
    "指派",
    "刑事",
    "民事",
    "热线",
    "窗口",
    "工作站",
    "达",
    "为",
    "其他",
    "本级",
    "市",
    "县",
    "区",
)
COUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万|余|多)?\s*[件起宗名人个家次场]")
BEFORE_CHARS = 8


def role_features(c: Candidate, earlier: list[Candidate]) -> list[str]:
    """The features of one candidate, given the document's candidates before it."""
    s, at = c.sentence, c.number_start
    clause_start = max((m.end() for m in CLAUSE_END.finditer(s, 0, at)), default=0)
    before, after, earlier_text = s[clause_start:at], s[c.number_end : c.number_end + 8], s[:clause_start]
    why = c.why.split(":")[0].split("(")[0].strip()[:24]
    feats = [
        "rule:part" if c.subset else "rule:total",
        f"why:{why}",
        f"metric:{c.metric_id}",
        f"unit:{c.unit_word}",
        f"kind:{c.kind}",
        f"statement:{c.statement}",
        f"level:{c.level}",
        f"clause_first:{clause_start == 0}",
    ]
    feats += [f"before:{w}" for w in CUES if w in before]
    feats += [f"earlier:{w}" for w in CUES if w in earlier_text]
    feats += [f"after:{w}" for w in CUES if w in after]
    counts_before = len(COUNT.findall(s, 0, at))
    feats.append(f"position:{min(counts_before, 3)}")
    near = s[max(clause_start, at - BEFORE_CHARS) : at]
    feats += [f"b:{near[i : i + 2]}" for i in range(len(near) - 1)]
    same = [e for e in earlier if e.metric_id == c.metric_id]
    feats.append(f"same_metric_before:{bool(same)}")
    feats.append(f"same_metric_in_sentence:{any(e.sentence == s for e in same)}")
    feats.append(f"total_before:{any(not e.subset and e.statement == 'actual' for e in same)}")
    return feats


@dataclass(frozen=True)
class RoleModel:
    """Weights of a logistic regression over role_features, and the confidence it needs to overrule the rules."""

    weights: dict
    intercept: float
    threshold: float
    trained_on: str = ""

    def chance_part(self, feats: list[str]) -> float:
        z = self.intercept + sum(self.weights.get(f, 0.0) for f in feats)
        return 1 / (1 + math.exp(-z))

    def reasons(self, feats: list[str], toward_part: bool, k: int = 3) -> str:
        weighed = sorted((self.weights.get(f, 0.0) * (1 if toward_part else -1), f) for f in feats)
        return ", ".join(f for w, f in reversed(weighed[-k:]) if w > 0)

    def to_json(self) -> str:
        body = {"intercept": self.intercept, "threshold": self.threshold, "trained_on": self.trained_on}
        return json.dumps({**body, "weights": dict(sorted(self.weights.items()))}, ensure_ascii=False, indent=1)


@lru_cache(maxsize=1)
def shipped() -> RoleModel | None:
    """The model shipped with the package, or None when there is none."""
    if not MODEL_FILE.is_file():
        return None
    return load(MODEL_FILE)


def load(path: Path) -> RoleModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return RoleModel(data["weights"], data["intercept"], data["threshold"], data.get("trained_on", ""))


def apply(found: list[Candidate], model: RoleModel | None) -> list[Candidate]:
    """A document's candidates with the model's reading where it overrules the rules' (actual counts only)."""
    if model is None or model.threshold > 1:
        return found
    out = []
    for i, c in enumerate(found):
        if c.statement != "actual" or c.kind == "ratio":
            out.append(c)
            continue
        feats = role_features(c, found[:i])
        p = model.chance_part(feats)
        if not c.subset and p >= model.threshold:
            why = f"learned: a part (chance {p:.2f}; cues {model.reasons(feats, True)}); the rules read a total"
            out.append(replace(c, subset="part", why=why))
        elif c.subset and 1 - p >= model.threshold:
            why = (
                f"learned: the whole unit's total (chance of a part {p:.2f}; cues {model.reasons(feats, False)}); "
                f"the rules read a part ({c.why or c.subset})"
            )
            out.append(replace(c, subset="", why=why))
        else:
            out.append(c)
    return out
