"""Each unit against a benchmark, the Fingertips way: the rate of a unit above it (its prefecture, its province,
the nation) for the same period, metric, basis and scope. No minimum number of units is needed.

vs_benchmark         higher / similar / lower: the unit's exact Poisson interval (95%, or 99.8% on request) lies
                     wholly above the benchmark's rate, around it, or wholly below it (Public Health England,
                     Fingertips technical guidance: "comparison with a benchmark"; the benchmark's value is taken
                     as known, its population being far larger); "not compared" otherwise. A benchmark stated as a
                     range (约, 余, 以上: compare.stats.rates.count_range) counts by its whole range: higher only
                     above its top, lower only below its bottom, similar only when the interval holds all of it.
vs_benchmark_reason  why a unit was not compared (a code; the briefs put it in words): no_benchmark (no figure of
                     the benchmark unit for the metric), other_period (figures only for other periods: a part-year
                     is never set against a full year), scope (the benchmark also counts the work of bodies above
                     the unit, e.g. provincial legal aid centres, or court-referred mediation), basis (cases
                     received against cases concluded), not_events (no interval: not a count of chance events),
                     no_interval (no dated annual rate), not_below (the unit is not below the benchmark's level),
                     benchmark_range (the benchmark is stated as a range, e.g. "at least", that the unit's interval
                     straddles: it could lie on either side).
                     For a compared unit: basis_unstated when one side does not say which cases it counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.population import DEFAULT_DENOMINATOR
from ..data.reference import NATION_CODE
from ..data.tables import BASES, Dataset
from .rates import METHODS, comparable_rate, poisson_interval, rate_table

BENCHMARK_LEVELS = ("nation", "province", "prefecture")
CONFIDENCE_LEVELS = (0.95, 0.998)
RANK = {"nation": 0, "province": 1, "prefecture": 2, "county": 3, "zone": 3}


def benchmark_units(ds: Dataset, codes: pd.Series, level: str) -> pd.Series:
    """The code of each unit's benchmark unit at level ('' where it has none, e.g. a prefecture's prefecture)."""
    if level == "nation":
        return pd.Series(NATION_CODE, index=codes.index)
    parents = ds.districts.set_index("code")[f"{level}_code"]
    return codes.astype(str).map(parents).fillna("").astype(str)


def against_benchmark(
    ds: Dataset,
    rates: pd.DataFrame,
    level: str = "province",
    confidence: float = 0.95,
    denominator: str = DEFAULT_DENOMINATOR,
) -> pd.DataFrame:
    """rates (rows of compare.stats.rates) with BENCHMARK_COLUMNS added."""
    if level not in BENCHMARK_LEVELS:
        raise ValueError(f"benchmark level must be one of {BENCHMARK_LEVELS}")
    out = rates.copy()
    out["benchmark"] = benchmark_units(ds, out["district_code"], level)
    low, high = interval_at(out, confidence)
    bench = benchmark_rows(ds, out, denominator)
    matched, reasons, periods = match(out, bench, level)
    out["benchmark_period"] = periods
    out["benchmark_rate"] = matched["rate"].to_numpy()
    bench_low, bench_high = matched["rate_low"].to_numpy(), matched["rate_high"].to_numpy()
    verdict = np.select(
        [low > bench_high, high < bench_low, (low <= bench_low) & (bench_high <= high)],
        ["higher", "lower", "similar"],
        default="",
    )
    reasons = reasons.mask(reasons.isin(["", "basis_unstated"]).to_numpy() & (verdict == ""), "benchmark_range")
    compared = reasons.isin(["", "basis_unstated"]).to_numpy()
    out["vs_benchmark"] = np.where(compared, verdict, "not compared")
    out["vs_benchmark_reason"] = reasons.to_numpy()
    out.loc[~compared, "benchmark_rate"] = np.nan
    if confidence != 0.95:  # the interval shown is the one judged
        out["ci_low"], out["ci_high"] = low, high
        out["method"] = out["method"].astype(str).str.replace("95%", f"{100 * confidence:g}%", regex=False)
    return out


def interval_at(rates: pd.DataFrame, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Each row's exact interval of its compared rate at the confidence level (the table's own at 95%)."""
    if confidence == 0.95:
        return rates["ci_low"].to_numpy(float), rates["ci_high"].to_numpy(float)
    low, high = np.full(len(rates), np.nan), np.full(len(rates), np.nan)
    rows = rates["ci_low"].notna().to_numpy()
    if rows.any():
        low[rows], high[rows] = poisson_interval(
            rates["count_low"].to_numpy(float)[rows],
            rates["exposure"].to_numpy(float)[rows],
            alpha=1 - confidence,
            count_high=rates["count_high"].to_numpy(float)[rows],
        )
    return low, high


def benchmark_rows(ds: Dataset, units: pd.DataFrame, denominator: str) -> pd.DataFrame:
    """The rate rows of every benchmark unit named, for the units' metrics and subsets."""
    frames = []
    obs = ds.observations
    actual = obs[obs["statement"].eq("actual") & obs["district_code"].isin(set(units["benchmark"]) - {""})]
    for (metric, subset), _ in units.groupby(["metric_id", "subset"], observed=True):
        wanted = sorted(set(actual.loc[actual["metric_id"].eq(metric) & actual["subset"].eq(subset), "district_code"]))
        if wanted:
            frames.append(rate_table(ds, metric, wanted, "all", denominator, subset))
    if not frames:
        return pd.DataFrame(columns=[*units.columns, "rate"])
    rows = pd.concat(frames, ignore_index=True)
    rate = comparable_rate(rows)
    per_count = rate / rows["value"].astype(float).where(lambda v: v > 0)  # the rate of one case
    low = (rows["count_low"].astype(float) * per_count).fillna(rate)
    high = (rows["count_high"].astype(float) * per_count).fillna(rate)
    return rows.assign(rate=rate, rate_low=low, rate_high=high)


def match(units: pd.DataFrame, bench: pd.DataFrame, level: str) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Per unit: its benchmark's rate and the range its stated figure allows (rate, rate_low, rate_high), the reason
    code ('' when compared) and the benchmark's period."""
    rows, reasons, periods = [], [], []
    by_key = {key: group for key, group in bench.groupby(["district_code", "metric_id", "subset"], observed=True)}
    for unit in units.itertuples(index=False):
        candidates = by_key.get((unit.benchmark, unit.metric_id, unit.subset))
        row, reason, period = _one(unit, candidates, level)
        rows.append(row)
        reasons.append(reason)
        periods.append(period)
    frame = pd.DataFrame(rows, columns=["rate", "rate_low", "rate_high"], dtype=float)
    return frame, pd.Series(reasons, dtype=object), periods


NO_RATE = (np.nan, np.nan, np.nan)


def _one(unit, candidates: pd.DataFrame | None, level: str) -> tuple[tuple[float, float, float], str, str]:
    if RANK.get(str(unit.level), 3) <= RANK[level] or not unit.benchmark:
        return NO_RATE, "not_below", ""
    if candidates is None or candidates.empty:
        return NO_RATE, "no_benchmark", ""
    if pd.isna(unit.ci_low):
        return NO_RATE, ("not_events" if unit.method == METHODS["none"] else "no_interval"), ""
    same = candidates[candidates["period_start"].eq(unit.period_start) & candidates["period_end"].eq(unit.period_end)]
    if same.empty:
        return NO_RATE, "other_period", ", ".join(dict.fromkeys(candidates["period"].astype(str)))
    label = str(same["period"].iloc[0])
    same = same[same["scope"].astype(str) == str(unit.scope)]
    if same.empty:
        return NO_RATE, "scope", label
    stated = same[same["basis"].astype(str) == str(unit.basis)]
    if not stated.empty:
        return _rates(stated, stated.index[0]), "", label
    unstated = same if not unit.basis else same[same["basis"].astype(str) == ""]
    if unstated.empty:
        return NO_RATE, "basis", label
    first = unstated["basis"].astype(str).map(BASES.index).sort_values().index[0]  # received before concluded
    return _rates(unstated, first), "basis_unstated", label


def _rates(rows: pd.DataFrame, at) -> tuple[float, float, float]:
    return tuple(float(rows.loc[at, c]) for c in ("rate", "rate_low", "rate_high"))
