"""Comparison windows: which units may be compared with each other, and on which period.

A comparison (a ranking, a funnel, rate ratios, a profile's peers) is made within one window of time:
by default the most recent calendar year that at least `min_units` units report (if none does, the year the
most units report, the most recent of equals), or a window the user names ('2021', '2020-2022', '2021H1').
A unit's observation belongs to the window when its whole period lies inside it; of several (Q1, H1 and the
year), the longest is kept, then the latest. A unit with no observation inside is listed as not comparable,
with the periods it does report, and is never ranked or placed on a funnel. Flows without an end date
(undated, year to date) never enter a window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..data.periods import parse_period, period_label
from ..errors import PeriodError
from .rates import comparable_rate

MIN_UNITS = 10  # fewer units than this share a window: show intervals, classify nothing (Spiegelhalter 2005)


@dataclass(frozen=True)
class Window:
    """A closed span of days that every compared observation lies inside."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end.month == 12 and self.end.day == 31:
            years = (self.start.year, self.end.year)
            return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
        return period_label(self.start, self.end)

    def contains(self, start: pd.Series, end: pd.Series) -> pd.Series:
        return start.ge(self.start) & end.le(self.end) & start.notna() & end.notna()


@dataclass(frozen=True)
class ComparisonSet:
    """The units compared in one window, and those left out because they report other periods."""

    window: Window | None
    units: pd.DataFrame
    not_comparable: pd.DataFrame

    @property
    def n_units(self) -> int:
        return int(self.units["district_code"].nunique())

    @property
    def label(self) -> str:
        return self.window.label if self.window else "no common period"


def parse_window(label: str) -> Window:
    """A window from a label: a year ('2021'), a span of years ('2020-2022'), or any period label
    compare.data.periods.parse_period reads ('2021H1', '2022Q1', '2016-01..2018-05')."""
    label = label.strip()
    years = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", label)
    if years:
        first, last = int(years.group(1)), int(years.group(2))
        if last < first:
            raise PeriodError(f"The window '{label}' ends before it starts.")
        return Window(pd.Timestamp(first, 1, 1), pd.Timestamp(last, 12, 31))
    period = parse_period(label)
    if period.start is None or period.end is None:
        raise PeriodError(f"The window '{label}' needs a start and an end, e.g. 2021, 2020-2022 or 2021H1.")
    return Window(pd.Timestamp(period.start), pd.Timestamp(period.end))


def home_window(start: pd.Timestamp, end: pd.Timestamp) -> Window:
    """The window an observation is compared in by default: its calendar year, or its own span when it
    runs over more than one year."""
    if start.year == end.year:
        return Window(pd.Timestamp(start.year, 1, 1), pd.Timestamp(start.year, 12, 31))
    return Window(start, end)


def _dated(rates: pd.DataFrame) -> pd.DataFrame:
    rate = comparable_rate(rates)
    return rates[rate.notna() & rates["period_start"].notna() & rates["period_end"].notna()]


def choose_window(rates: pd.DataFrame, min_units: int = MIN_UNITS) -> Window | None:
    """The most recent home window that min_units units report; else the one most units report (the most
    recent of equals); None when no observation is dated."""
    dated = _dated(rates)
    if dated.empty:
        return None
    homes = pd.DataFrame(
        [(w.start, w.end) for w in map(home_window, dated["period_start"], dated["period_end"])],
        columns=["start", "end"],
        index=dated.index,
    )
    units = homes.assign(code=dated["district_code"]).groupby(["start", "end"])["code"].nunique().reset_index()
    enough = units[units["code"] >= min_units]
    pick = enough if not enough.empty else units[units["code"] == units["code"].max()]
    best = pick.sort_values(["end", "start"]).iloc[-1]
    return Window(best["start"], best["end"])


def comparison_set(rates: pd.DataFrame, period: str | Window = "", min_units: int = MIN_UNITS) -> ComparisonSet:
    """One row per unit inside the window (a Window, a label such as '2021' or '2020-2022', else the one
    choose_window picks), and the units left out."""
    if isinstance(period, Window):
        window = period
    else:
        window = parse_window(period) if period else choose_window(rates, min_units)
    inside = (
        window.contains(rates["period_start"], rates["period_end"]) if window else rates["period_start"].isna() & False
    )
    candidates = rates[inside & comparable_rate(rates).notna()]
    span = candidates["period_end"] - candidates["period_start"]
    units = (
        candidates.assign(_span=span)
        .sort_values(["district_code", "_span", "period_end"])
        .drop_duplicates("district_code", keep="last")
        .drop(columns="_span")
        .reset_index(drop=True)
    )
    left_out = rates[~rates["district_code"].isin(units["district_code"])]
    return ComparisonSet(window, units, _reports(left_out))


def _reports(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per unit: its names and the periods it does report, newest first."""
    columns = ["district_code", "district_zh", "district_en", "reports"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    ordered = rows.sort_values("period_end", ascending=False, na_position="last")
    reports = ordered.groupby("district_code", sort=False)["period"].agg(
        lambda p: ", ".join(dict.fromkeys(p.astype(str)))
    )
    names = ordered.drop_duplicates("district_code").set_index("district_code")[["district_zh", "district_en"]]
    return names.join(reports.rename("reports")).reset_index()[columns]
