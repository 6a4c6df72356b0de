"""Counts that take their metric from the heading above them.

Statistical reports break one metric down under a heading that names it ('(一)行政复议案件', then '受理1243件，
上期结转126件 … 驳回68件'): each count under it that names no metric of its own but a stage, outcome or the
word 案件, counted in cases, is a part of the heading's metric, named by its stage or outcome. A heading is a
short line of its own with no clause or count in it; the next heading ends the section, whether it names a metric
or not, and so does a paragraph numbered at the heading's rank or above ('二、…' after '（一）…').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...data.numerals import Number
from .rules import OUTCOMES, Reading
from .text import CASE_WORDS, UNIT_FITS, UNIT_PATTERN
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
    "受理": "accepted",
    "审理": "under_review",
    "收到": "received",
    "确认违法": "confirmed_illegal",
    "变更": "varied",
    "纠错": "corrected",
    "调解": "mediated",
    "和解": "settled",
    "败诉": "lost",
    **OUTCOMES,  # 维持, 撤销, 驳回, 责令履行, 终止, 撤回, 结转: as a list of parts names them
}
STAGE = re.compile("|".join(sorted(STAGES, key=len, reverse=True)))
OTHER_OBJECTS = re.compile("来信|来访|信访|许可|咨询|培训|宣传|会议|听证|纠纷")


# What numbers a part of a report: 一、 (rank 1), （一） (2), 1. / 一是 (3). A paragraph numbered at the heading's
# rank or above ends its section; one numbered below it ('1.申请数量情况。…' under '(一)行政复议案件') is inside.
ENUMERATORS = (
    (1, re.compile(r"\s*[一二三四五六七八九十]+\s*、")),
    (2, re.compile(r"\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]")),
    (3, re.compile(r"\s*(\d{1,2}\s*[.、．]|[一二三四五六七八九十]+是)")),
)
COUNTED = re.compile(r"\d\s*(?:" + UNIT_PATTERN.pattern + ")")


@dataclass(frozen=True)
class Section:
    """The metric a heading names, and the rank of the enumerator it carries (2 when it carries none)."""

    heading: PhraseHit
    rank: int


def rank_of(line: str) -> int | None:
    """The rank of the enumerator a paragraph opens with, or None."""
    return next((rank for rank, pattern in ENUMERATORS if pattern.match(line)), None)


def is_heading(line: str) -> bool:
    """Whether a paragraph of one line is a heading: short, with no clause and no count in it ('二、2022年工作回顾')."""
    line = line.strip(" \u3000\t\r\n")
    return bool(line) and len(line) <= HEADING_CHARS and not NOT_A_HEADING.search(line) and not COUNTED.search(line)


def section_after(line: str, one_line: bool, phrases: Phrases, current: Section | None) -> Section | None:
    """The section a paragraph opening with line leaves the text in: a heading naming one metric opens one; a
    heading naming none or several, or a paragraph numbered at the current heading's rank or above, ends it."""
    rank = rank_of(line)
    if one_line and is_heading(line):
        hits = phrases.hits(line)
        if len({h.metric_id for h in hits}) == 1:
            return Section(hits[0], rank or 2)
        return None
    if current is not None and rank is not None and rank <= current.rank:
        return None
    return current


def section_part(
    sentence: str, n: Number, unit: str, unit_end: int, item_start: int, heading: PhraseHit
) -> Reading | None:
    """Number n as a part of the heading's metric, when its own words name a stage or outcome of cases and it is
    counted in cases; else None."""
    if n.percent or unit not in CASE_WORDS or not heading.counts(unit, UNIT_FITS.get(unit, set())):
        return None
    words = sentence[item_start : n.start]
    if OTHER_OBJECTS.search(words):  # '受理群众来信30件', '撤销违法行政许可3件': counts of something else
        return None
    stages = [STAGES[m.group(0)] for m in STAGE.finditer(words)]
    if not stages:
        return None
    subset = "/".join(dict.fromkeys(stages))
    why = f"a {subset} count under the heading that names {heading.metric_id}"
    return Reading(heading.metric_id, heading.kind, subset, "actual", n.value, item_start, unit_end, why)
