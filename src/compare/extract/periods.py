"""Which period a number covers: the last period word before it in its sentence, else the document's.

Numbers dated to a year outside the document's period, and totals over several years, averages and
lifetimes, are not the period's counts.
"""

from __future__ import annotations

import calendar
import re

import pandas as pd

from .context import Context

PERIOD_WORDS = [
    (re.compile(r"一季度|第一季度|1季度"), (1, 3)), (re.compile(r"上半年|1-6月|1至6月|一至六月"), (1, 6)),
    (re.compile(r"前三季度|1-9月|1至9月"), (1, 9)), (re.compile(r"全年|年度|1-12月|1至12月"), (1, 12)),
]
UP_TO_MONTH = re.compile(r"截至(\d{1,2})月底|截至(\d{1,2})月末|1-(\d{1,2})月|1至(\d{1,2})月")
# Totals over several years, averages and lifetimes are not the period's counts.
MULTI_YEAR = re.compile(r"截至20\d\d年(底|末)?累计|(19|20)\d\d年?(至|到|-|—)(19|20)\d\d年|年均|平均每年|\d+(多|余)年")


def month_end(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year, month, calendar.monthrange(year, month)[1])


def cues(sentence: str) -> list[tuple[int, tuple[int, int] | None]]:
    """Where the sentence names a period, and which months (None: 今年以来, the document's period)."""
    found = [(m.start(), None) for m in re.finditer(r"今年以来|截至目前|目前", sentence)]
    for pattern, months in PERIOD_WORDS:
        found += [(m.start(), months) for m in pattern.finditer(sentence)]
    for m in UP_TO_MONTH.finditer(sentence):
        month = int(next(g for g in m.groups() if g))
        if 1 <= month <= 12:
            found.append((m.start(), (1, month)))
    return sorted(found)


def period_at(sentence: str, sentence_cues, position: int, ctx: Context):
    """The period of a number: the last period cue before it in the sentence, else the document's."""
    year = ctx.period_start.year if ctx.period_start is not None else None
    explicit = [int(y) for y in re.findall(r"(20\d\d)年", sentence[:position])]
    if explicit:
        year = explicit[-1]
    before = [months for pos, months in sentence_cues if pos < position]
    if year is None or not before or before[-1] is None:
        last_year = (ctx.period_end or ctx.period_start).year if ctx.period_start is not None else None
        if explicit and ctx.period_start is not None and not (ctx.period_start.year <= year <= last_year):
            return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        return ctx.period_start, ctx.period_end
    first, last = before[-1]
    return pd.Timestamp(year, first, 1), month_end(year, last)


def outside_document_years(sentence: str, position: int, ctx: Context) -> bool:
    """A number the sentence dates to a year the document's period does not cover (history, plans)."""
    if ctx.period_start is None:
        return False
    years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", sentence[:position])]
    last = (ctx.period_end or ctx.period_start).year
    return bool(years) and not ctx.period_start.year <= years[-1] <= last
