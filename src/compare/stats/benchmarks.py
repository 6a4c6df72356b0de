"""Each unit against a benchmark, the Fingertips way: the rate of a unit above it (its prefecture, its province,
the nation) for the same period, metric, basis and scope. No minimum number of units is needed.

vs_benchmark         higher / similar / lower: the unit's exact Poisson interval (95%, or 99.8% on request) lies
                     wholly above the benchmark's rate, around it, or wholly below it (Public Health England,
                     Fingertips technical guidance: "comparison with a benchmark"; the benchmark's value is taken
                     as known, its population being far larger); "not compared" otherwise.
vs_benchmark_reason  why a unit was not compared (a code; the briefs put it in words): no_benchmark (no figure of
                     the benchmark unit for the metric), other_period (figures only for other periods: a part-year
                     is never set against a full year), scope (the benchmark also counts the work of bodies above
                     the unit, e.g. provincial legal aid centres, or court-referred mediation), basis (cases
                     received against cases concluded), not_events (no interval: not a count of chance events),
                     no_interval (no dated annual rate), not_below (the unit is not below the benchmark's level).
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
    verdict = np.select(
        [low > out["benchmark_rate"], high < out["benchmark_rate"]], ["higher", "lower"], default="similar"
    )
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
    return rows.assign(rate=comparable_rate(rows))


def match(units: pd.DataFrame, bench: pd.DataFrame, level: str) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Per unit: its benchmark's row (rate), the reason code ('' when compared) and the benchmark's period."""
    rows, reasons, periods = [], [], []
    by_key = {key: group for key, group in bench.groupby(["district_code", "metric_id", "subset"], observed=True)}
    for unit in units.itertuples(index=False):
        candidates = by_key.get((unit.benchmark, unit.metric_id, unit.subset))
        row, reason, period = _one(unit, candidates, level)
        rows.append(row)
        reasons.append(reason)
        periods.append(period)
    return pd.DataFrame({"rate": rows}, dtype=float), pd.Series(reasons, dtype=object), periods


def _one(unit, candidates: pd.DataFrame | None, level: str) -> tuple[float, str, str]:
    if RANK.get(str(unit.level), 3) <= RANK[level] or not unit.benchmark:
        return np.nan, "not_below", ""
    if candidates is None or candidates.empty:
        return np.nan, "no_benchmark", ""
    if pd.isna(unit.ci_low):
        return np.nan, ("not_events" if unit.method == METHODS["none"] else "no_interval"), ""
    same = candidates[candidates["period_start"].eq(unit.period_start) & candidates["period_end"].eq(unit.period_end)]
    if same.empty:
        return np.nan, "other_period", ", ".join(dict.fromkeys(candidates["period"].astype(str)))
    label = str(same["period"].iloc[0])
    same = same[same["scope"].astype(str) == str(unit.scope)]
    if same.empty:
        return np.nan, "scope", label
    stated = same[same["basis"].astype(str) == str(unit.basis)]
    if not stated.empty:
        return float(stated["rate"].iloc[0]), "", label
    unstated = same if not unit.basis else same[same["basis"].astype(str) == ""]
    if unstated.empty:
        return np.nan, "basis", label
    first = unstated["basis"].astype(str).map(BASES.index).sort_values().index[0]  # received before concluded
    return float(unstated.loc[first, "rate"]), "basis_unstated", label
