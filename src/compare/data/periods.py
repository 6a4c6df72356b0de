"""Reporting periods: parse labels and measure spans in years (flows are annualised on resident-years, in
compare.stats.rates).

A period is a closed span of calendar days [start, end]. Its length in years counts each calendar
year's days against that year's own length (365 or 366), so a full year is exactly 1.0 and its four
quarters add up to exactly 1.0. Flows (counted over a period) are annualised by that length; stocks
(existing at a date) are not; ratios are never summed or annualised.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..errors import PeriodError

QUARTERS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
HALVES = {1: (1, 6), 2: (7, 12)}


@dataclass(frozen=True)
class Period:
    """A span of days; start or end is None when the report does not say (undated, year to date)."""

    start: date | None
    end: date | None


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(label: str) -> Period:
    """A period from a label: '2023', '2022Q1', '2021H1', '2024-10' (a month), '2021-01..08',
    '2016-01..2018-05', '2020-ytd' (start known, end not), '' (undated); else PeriodError."""
    label = label.strip()
    if not label:
        return Period(None, None)
    patterns = [
        (r"(\d{4})", lambda y: (date(int(y), 1, 1), date(int(y), 12, 31))),
        (
            r"(\d{4})Q([1-4])",
            lambda y, q: (date(int(y), QUARTERS[int(q)][0], 1), month_end(int(y), QUARTERS[int(q)][1])),
        ),
        (r"(\d{4})H([12])", lambda y, h: (date(int(y), HALVES[int(h)][0], 1), month_end(int(y), HALVES[int(h)][1]))),
        (r"(\d{4})-(\d{2})", lambda y, m: (date(int(y), int(m), 1), month_end(int(y), int(m)))),
        (r"(\d{4})-(\d{2})\.\.(\d{2})", lambda y, m1, m2: (date(int(y), int(m1), 1), month_end(int(y), int(m2)))),
        (
            r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})",
            lambda y1, m1, y2, m2: (date(int(y1), int(m1), 1), month_end(int(y2), int(m2))),
        ),
        (r"(\d{4})-ytd", lambda y: (date(int(y), 1, 1), None)),
    ]
    for pattern, build in patterns:
        m = re.fullmatch(pattern, label)
        if m:
            try:
                start, end = build(*m.groups())
            except ValueError as exc:
                raise PeriodError(f"Period '{label}' names a month or day that does not exist.") from exc
            if end is not None and end < start:
                raise PeriodError(f"Period '{label}' ends before it starts.")
            return Period(start, end)
    raise PeriodError(
        f"Cannot read the period '{label}'; use 2023, 2022Q1, 2021H1, 2024-10, 2021-01..08, 2016-01..2018-05 "
        "or 2020-ytd."
    )


def period_label(start, end) -> str:
    """A short label for a span: 2023, 2022Q1, 2021H1, 2024-10-31 (a date), else start..end."""
    if start is None or pd.isna(start):
        return "undated"
    start = pd.Timestamp(start).date()
    if end is None or pd.isna(end):
        return f"{start.isoformat()}..(open)"
    end = pd.Timestamp(end).date()
    if start == end:
        return start.isoformat()
    if start.day == 1 and end == month_end(end.year, end.month) and start.year == end.year:
        months = (start.month, end.month)
        if months == (1, 12):
            return str(start.year)
        for q, span in QUARTERS.items():
            if months == span:
                return f"{start.year}Q{q}"
        for h, span in HALVES.items():
            if months == span:
                return f"{start.year}H{h}"
    return f"{start.isoformat()}..{end.isoformat()}"


def years_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Length of each closed span [start, end] in years (ACT/ACT: each day counts 1/365 or 1/366
    of its own year). NaN where either end is missing."""
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    start_len = np.where(start.dt.is_leap_year, 366, 365)
    end_len = np.where(end.dt.is_leap_year, 366, 365)
    years = (end.dt.year - start.dt.year) + end.dt.day_of_year / end_len - (start.dt.day_of_year - 1) / start_len
    return years.astype("float64")
