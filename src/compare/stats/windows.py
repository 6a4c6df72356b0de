"""Comparison windows: which units may be compared with each other, and on which period.

A comparison (a ranking, a funnel, rate ratios, a profile's peers) is made within one window of time, and a
window is one exact period: units are compared only when they report the very same span of days (the full year
2022 with the full year 2022, 2021H1 with 2021H1). Annualising assumes an even flow over the year, which
seasonality and the year-end closing of cases break, so a part-year is never put beside a full year, nor a
multi-year total beside one year. By default the window is the most recent period that at least `min_units`
units report (if none does, the period the most units report, the most recent of equals), or the one the
user names ('2021', '2020-2022', '2021H1'). A unit that does not report that period is listed as not
comparable, with the periods it does report, and is never ranked or placed on a funnel. Flows without an end
date (undated, year to date) never enter a window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..data.periods import parse_period, period_label
from ..errors import PeriodError
from .rates import comparable_rate

# Fewer units than this share a window: show intervals, classify nothing, estimate no overdispersion. This
# project's choice, not the literature's: φ and τ² need enough units to be estimated (benchmarks/dispersion.py).
MIN_UNITS = 10


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
        """Observations of exactly this period (never a part of it, never a longer one)."""
        return start.eq(self.start) & end.eq(self.end)


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
    """The window an observation is compared in: its own period."""
    return Window(start, end)


def _dated(rates: pd.DataFrame) -> pd.DataFrame:
    rate = comparable_rate(rates)
    return rates[rate.notna() & rates["period_start"].notna() & rates["period_end"].notna()]


def choose_window(rates: pd.DataFrame, min_units: int = MIN_UNITS) -> Window | None:
    """The most recent period that min_units units report; else the one most units report (the most recent of
    equals); None when no observation is dated."""
    dated = _dated(rates)
    if dated.empty:
        return None
    periods = pd.DataFrame({"start": dated["period_start"], "end": dated["period_end"], "code": dated["district_code"]})
    units = periods.groupby(["start", "end"])["code"].nunique().reset_index()
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
    candidates = one_definition(rates[inside & comparable_rate(rates).notna()])
    units = candidates.drop_duplicates("district_code", keep="last").reset_index(drop=True)
    left_out = rates[~rates["district_code"].isin(units["district_code"])]
    return ComparisonSet(window, units, _reports(left_out))


def one_definition(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows that count one way (basis and scope): those most units share, figures of unstated basis first
    among equals. Figures counted another way (cases concluded beside cases received) are never compared."""
    if rows.empty or "basis" not in rows or "scope" not in rows:
        return rows
    definition = rows["basis"].astype(str) + "|" + rows["scope"].astype(str)
    counts = rows.groupby(definition)["district_code"].nunique()
    best = counts[counts == counts.max()].sort_index().index[0]
    return rows[definition == best]


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
