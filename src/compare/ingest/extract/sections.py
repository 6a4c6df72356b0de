"""Counts that take their metric from the heading above them.

Statistical reports break one metric down under a heading that names it ('(一)行政复议案件', then '受理1243件，
上期结转126件 … 驳回68件'): each count under it that names no metric of its own but a stage, outcome or the
word 案件, counted in cases, is a part of the heading's metric, named by its stage or outcome. A heading is a
short line of its own with no clause in it; the next heading ends the section, whether it names a metric or not.
"""

from __future__ import annotations

import re

from ...data.numerals import Number
from .rules import Reading
from .text import UNIT_FITS
from .vocabulary import PhraseHit, Phrases

HEADING_CHARS = 30
NOT_A_HEADING = re.compile(r"[,，;；。:：!！?？]")
# What a count under a metric's heading must name to be one of its parts: a stage or an outcome of its cases.
STAGES = {
    "未审结": "pending",
    "未办结": "pending",
    "已审结": "concluded",
    "审结": "concluded",
    "办结": "concluded",
    "结转": "carried_over",
    "受理": "accepted",
    "审理": "under_review",
    "收到": "received",
    "维持": "upheld",
    "撤销": "revoked",
    "确认违法": "confirmed_illegal",
    "变更": "varied",
    "责令履行": "ordered_to_perform",
    "终止": "terminated",
    "撤回": "withdrawn",
    "驳回": "rejected",
    "纠错": "corrected",
    "调解": "mediated",
    "和解": "settled",
    "败诉": "lost",
}
STAGE = re.compile("|".join(sorted(STAGES, key=len, reverse=True)))
CASE_UNITS = ("件", "宗", "起")


def is_heading(line: str) -> bool:
    """Whether a paragraph of one line is a heading: short, with no clause in it ('二、2022年工作回顾')."""
    line = line.strip(" \u3000\t\r\n")
    return bool(line) and len(line) <= HEADING_CHARS and not NOT_A_HEADING.search(line)


def heading_metric(line: str, phrases: Phrases) -> PhraseHit | str | None:
    """The phrase of the one metric a heading line names ('(一)行政复议案件'); '' for a heading that names none
    or several (it ends the section above); None when the line is no heading."""
    if not is_heading(line):
        return None
    hits = phrases.hits(line)
    return hits[0] if len({h.metric_id for h in hits}) == 1 else ""


def section_part(
    sentence: str, n: Number, unit: str, unit_end: int, item_start: int, heading: PhraseHit
) -> Reading | None:
    """Number n as a part of the heading's metric, when its own words name a stage or outcome of cases and it is
    counted in cases; else None."""
    if n.percent or unit not in CASE_UNITS or not heading.counts(unit, UNIT_FITS.get(unit, set())):
        return None
    words = sentence[item_start : n.start]
    stages = [STAGES[m.group(0)] for m in STAGE.finditer(words)]
    if not stages:
        return None
    subset = "/".join(dict.fromkeys(stages))
    why = f"a {subset} count under the heading that names {heading.metric_id}"
    return Reading(heading.metric_id, heading.kind, subset, "actual", n.value, item_start, unit_end, why)
