"""Figures a sentence gives year by year, each dated to its own year.

Two shapes of report grammar:
- year-keyed items: '2019年调解纠纷1200件，2020年1350件，2021年1500件', '调解纠纷2019年1200件、2020年1350件':
  two or more counts, each right after its year ('YYYY年', '…年为', '…年底'), counted alike, in distinct years;
- a span of years then 分别: '2019年至2021年，分别办理法律援助案件300件、320件、356件': as many counts after
  分别, counted alike, as the span has years, taken in order.
An item with no words but its year ('2020年1350件') takes the metric of the item before it. A year's figure
inside a multi-year total ('近三年…1200件，其中2021年356件') is that year's whole figure, not a part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from ...data.numerals import Number
from .rules import Candidate, Reading, same_measure
from .text import unit_of

# A year right before a count: '2019年1200件', '2020年为1350件', '2021年底达到1500个', '2017年的440件'.
YEAR_KEY = re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*(?:度|底|末)?\s*(?:全年)?\s*(?:的|为|是|达到?|共|有|共有)?\s*$")
# An item whose only words are its year (after a separator, an opener or the sentence's start).
BARE_ITEM = re.compile(r"(?:^|[,，、;；:：]|其中|和|及)\s*(?:其中\s*[,，]?\s*)?$")
YEAR_KEY_CHARS = 14
SPAN_RESPECTIVELY = re.compile(r"(?P<a>(?:19|20)\d\d)\s*年?\s*[-—–~至到]\s*(?P<b>(?:19|20)\d\d)\s*年[^。;；]*?分别")
SERIES_SEPARATORS = re.compile(r"\s*(?:[,，、]|和|及)\s*$")
MAX_YEARS = 10


@dataclass(frozen=True)
class YearItem:
    """A count the sentence gives for one year: its year, and whether its only words are that year."""

    year: int
    bare: bool
    words_start: int
    in_series: bool = False  # one of two or more items by year (a single keyed item may be a year inside a total)


def years_in(sentence: str, numbers: list[Number]) -> dict[int, YearItem]:
    """The counts of a sentence right after a year, by their start, in_series when they form a series by year
    (two or more, counted alike, distinct years), and the counts after a span of years and 分别."""
    if "年" not in sentence:
        return {}
    counted = [(n, unit_of(sentence, n)[0]) for n in numbers]
    found = _spanned(sentence, counted)
    keyed: dict[int, YearItem] = {}
    for n, unit in counted:
        m = YEAR_KEY.search(sentence, max(0, n.start - YEAR_KEY_CHARS), n.start)
        if unit is not None and m is not None and m.end() == n.start:
            keyed[n.start] = YearItem(int(m["year"]), bool(BARE_ITEM.search(sentence, 0, m.start())), m.start())
    for unit in {u for _, u in counted if u}:
        alike = [n for n, u in counted if u == unit]
        starts = [n.start for n in alike if n.start in keyed]
        head = _head(sentence, alike, keyed)
        if head is not None:
            keyed[head.start], starts = head.item, [head.start, *starts]
        series = len(starts) >= 2 and len({keyed[s].year for s in starts}) == len(starts)
        for s in starts:
            found.setdefault(s, replace(keyed[s], in_series=series))
    return found


@dataclass(frozen=True)
class _Head:
    start: int
    item: YearItem


# The year a series' first figure is given for, opening its clause: '2019年，全区共调解纠纷1200件，2020年…'.
CLAUSE_YEAR = re.compile(r"(?:^|[,，;；。])\s*(?P<year>(?:19|20)\d\d)\s*年(?:度|全年)?(?![\d月底末])\s*[,，]?")


def _head(sentence: str, alike: list[Number], keyed: dict[int, YearItem]) -> _Head | None:
    """The first figure of a series whose later items are bare years ('2019年全区共调解纠纷1200件，2020年1350件'):
    the count of the same counting word right before the first bare item, when a year opens its clause."""
    first = next((i for i, n in enumerate(alike) if n.start in keyed and keyed[n.start].bare), None)
    if not first:
        return None
    before = alike[first - 1]
    if before.start in keyed:
        return None
    opened = [m for m in CLAUSE_YEAR.finditer(sentence, 0, before.start)]
    if not opened or re.search(r"[,，;；。]", sentence[opened[-1].end() : before.start]):
        return None
    return _Head(before.start, YearItem(int(opened[-1]["year"]), False, opened[-1].start("year")))


def _spanned(sentence: str, counted: list[tuple[Number, str | None]]) -> dict[int, YearItem]:
    """'2019年至2021年…分别…300件、320件、356件': each count after 分别 dated to its year, in order, when there are
    as many as the span has years and they are counted alike and separated only by 、，和."""
    found: dict[int, YearItem] = {}
    for m in SPAN_RESPECTIVELY.finditer(sentence):
        first, last = int(m["a"]), int(m["b"])
        if not 2 <= last - first + 1 <= MAX_YEARS:
            continue
        after = [(n, u) for n, u in counted if n.start >= m.end() and u]
        run = after[:1]
        for (n, u), (prev, _) in zip(after[1:], after):
            gap = sentence[unit_of(sentence, prev)[1] : n.start]
            if u != run[0][1] or not SERIES_SEPARATORS.match(gap):
                break
            run.append((n, u))
        if len(run) == last - first + 1:
            found.update({n.start: YearItem(first + i, i > 0, n.start, True) for i, (n, _) in enumerate(run)})
    return found


def reading(
    sentence: str, n: Number, item: YearItem, unit: str, unit_end: int, previous: list[Candidate]
) -> Reading | None:
    """A bare year's item read as the same figure as the item before it in its sentence (the series' item
    before it, or the multi-year total it is one year of), for its year."""
    if not item.bare:
        return None
    head = next(
        (
            c
            for c in reversed(previous)
            if c.sentence == sentence and c.number_end <= n.start and c.statement == "actual" and c.unit_word
        ),
        None,
    )
    if head is None or not same_measure(unit, head.unit_word):
        return None
    why = f"the {item.year} figure of a series by year, after {head.value:g}" + (
        f" ({head.subset})" if head.subset else ""
    )
    return Reading(head.metric_id, head.kind, head.subset, "actual", n.value, item.words_start, unit_end, why)


def whole_year(sentence: str, n: Number, item: YearItem, previous: list[Candidate]) -> bool:
    """Whether a bare year's item stands inside a total over several years given before it in its sentence
    ('近三年…1200件，其中2021年356件'): then it is that year's whole figure, no part."""
    return item.bare and any(
        c.sentence == sentence
        and c.number_end <= n.start
        and not c.subset
        and c.period_start[:4] != c.period_end[:4]
        and c.period_start[:4] <= str(item.year) <= c.period_end[:4]
        for c in previous
    )


def dated(item: YearItem, kind: str, report_date: pd.Timestamp | None) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """(first day, last day, how) for a series item: its year, up to the report's date when that falls inside
    it; a stock at the year's end (or the report's date)."""
    first, last = pd.Timestamp(item.year, 1, 1), pd.Timestamp(item.year, 12, 31)
    how = f"'{item.year}年' in a series by year"
    if report_date is not None and first <= report_date < last:
        last, how = report_date, f"{how}, to the report's date"
    return (last if kind == "stock" else first), last, how
