"""Per-capita rates with exact Poisson intervals: one row per district, period and observation.

rate_per_10k         value / population × 10,000 (for the period as reported)
annual_rate_per_10k  flows only: value / (population × years) × 10,000, i.e. per 10,000 residents per year
ci_low, ci_high      exact (Garwood) 95% Poisson interval of the annual rate for flows, of the rate for
                     stocks (statsmodels confint_poisson, method "exact-c"); none for money amounts
exposure             resident-years for flows (population × years), residents for stocks
flags                lower_bound (余/多/以上), approx (约/近), upper_bound (不到), population_fallback,
                     undated / open_period (no annual rate), not_a_count (no interval)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.rates import confint_poisson

from .data import Dataset
from .errors import CompareError, MixedLevelsError, RateNotMeaningfulError, UnknownDistrictError
from .periods import period_label, years_between
from .population import attach_population, require_population

PER = 1e4
CONFIDENCE = 0.95
METHOD = "exact Poisson (Garwood) 95%"
QUALIFIER_FLAGS = {"at_least": "lower_bound", "approx": "approx", "at_most": "upper_bound"}
NOT_COUNTS = {"CNY", "percent"}
RATE_COLUMNS = [
    "district_code", "district_zh", "district_en", "level", "metric_id", "subset", "period_start", "period_end",
    "period", "years", "value", "qualifier", "population", "population_year", "population_definition",
    "population_scope", "exposure", "rate_per_10k", "annual_rate_per_10k", "ci_low", "ci_high", "method",
    "flags", "doc_id", "quote",
]


def check_rate_metric(ds: Dataset, metric_id: str) -> pd.Series:
    """The catalogue row of a metric for which per-capita rates make sense, else a clear error."""
    metric = ds.metric(metric_id)
    if metric["kind"] == "ratio":
        raise RateNotMeaningfulError(f"{metric_id} is a ratio ({metric['unit']}); a per-capita rate of it makes no sense.")
    if not metric["per_capita"]:
        raise RateNotMeaningfulError(f"{metric_id} is not a per-capita quantity ({metric['definition']})")
    return metric


def select_observations(ds: Dataset, metric_id: str, districts=None, level=None, subset: str = "",
                        statement: str = "actual") -> pd.DataFrame:
    """Observations of one metric (total by default), optionally for some districts or one level.

    level: 'county' (counties, county-level cities and zones), 'prefecture', or 'all' to mix levels
    on purpose. Without it, a selection spanning both levels is refused (MixedLevelsError)."""
    obs = ds.observations
    obs = obs[(obs["metric_id"] == metric_id) & (obs["statement"] == statement) & (obs["subset"] == subset)]
    if districts:
        unknown = set(districts) - set(ds.districts["code"])
        if unknown:
            raise UnknownDistrictError(f"Unknown district code '{sorted(unknown)[0]}'; codes are 6-digit GB/T 2260 codes.")
        obs = obs[obs["district_code"].isin(districts)]
    info = ds.districts[["code", "name_zh", "name_en", "level"]].rename(
        columns={"code": "district_code", "name_zh": "district_zh", "name_en": "district_en"})
    obs = obs.merge(info, on="district_code", how="left")
    tier = obs["level"].replace({"zone": "county"})
    if level in ("county", "prefecture"):
        obs = obs[tier == level]
    elif level not in (None, "all"):
        raise CompareError(f"Unknown level '{level}'; use county, prefecture or all.")
    elif level is None and tier.nunique() > 1:
        raise MixedLevelsError(
            f"The {metric_id} observations mix prefecture-level cities and county-level units; "
            "pass level='county' or 'prefecture' (--level), or 'all' to rank them together on purpose."
        )
    return obs.reset_index(drop=True)


def poisson_interval(count, exposure, scale: float = PER) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) 95% interval of count / exposure × scale, vectorised (statsmodels)."""
    count, exposure = np.asarray(count, dtype=float), np.asarray(exposure, dtype=float)
    low, high = confint_poisson(count, exposure, method="exact-c", alpha=1 - CONFIDENCE)
    return np.atleast_1d(low).astype(float) * scale, np.atleast_1d(high).astype(float) * scale


def compute_rates(obs: pd.DataFrame, kind: str, unit: str) -> pd.DataFrame:
    """Rates, exposure, intervals and flags for observations that already carry a population."""
    out = obs.copy()
    out["years"] = years_between(out["period_start"], out["period_end"]) if kind == "flow" else np.nan
    out["exposure"] = out["population"] * out["years"] if kind == "flow" else out["population"]
    out["rate_per_10k"] = out["value"] / out["population"] * PER
    out["annual_rate_per_10k"] = out["value"] / out["exposure"] * PER if kind == "flow" else np.nan
    countable = unit not in NOT_COUNTS
    has_exposure = out["exposure"].notna() & out["exposure"].gt(0)
    low = np.full(len(out), np.nan)
    high = np.full(len(out), np.nan)
    if countable and has_exposure.any():
        rows = has_exposure.to_numpy()
        low[rows], high[rows] = poisson_interval(out.loc[rows, "value"].round(), out.loc[rows, "exposure"])
    out["ci_low"], out["ci_high"] = low, high
    out["method"] = METHOD if countable else "no interval: not a count"
    out["period"] = [period_label(s, e) for s, e in zip(out["period_start"], out["period_end"])]
    out["flags"] = _flags(out, kind, countable)
    return out


def _flags(out: pd.DataFrame, kind: str, countable: bool) -> pd.Series:
    parts = pd.DataFrame(index=out.index)
    parts["qualifier"] = out["qualifier"].map(QUALIFIER_FLAGS).fillna("")
    parts["fallback"] = np.where(out["population_fallback"], "population_fallback", "")
    undated = out["period_start"].isna()
    open_end = out["period_start"].notna() & out["period_end"].isna()
    parts["period"] = np.where(undated, "undated", np.where(open_end, "open_period", "")) if kind == "flow" else ""
    parts["count"] = "" if countable else "not_a_count"
    return pd.Series([",".join(x for x in row if x) for row in parts.itertuples(index=False)], index=out.index, dtype=str)


def rate_table(ds: Dataset, metric_id: str, districts=None, level=None, denominator: str = "census2020",
               subset: str = "") -> pd.DataFrame:
    """Per-capita rates of one metric for every district and period that reports it.

    One row per observation, columns RATE_COLUMNS. Flows also get an annualised rate, so a quarter
    and a year compare on the same footing; stocks are rates at a date."""
    metric = check_rate_metric(ds, metric_id)
    obs = select_observations(ds, metric_id, districts, level, subset)
    if obs.empty:
        where = f" for {', '.join(districts)}" if districts else ""
        raise CompareError(f"No actual {metric_id} observations{where}{f' at {level} level' if level in ('county', 'prefecture') else ''}.")
    obs = attach_population(obs, ds, denominator)
    require_population(obs, ds)
    out = compute_rates(obs, metric["kind"], metric["unit"])
    return out[RATE_COLUMNS].sort_values(["district_code", "period_start"]).reset_index(drop=True)


def unit_label(ds: Dataset, metric_id: str, annual: bool = True) -> str:
    """Axis title such as 'cases per 10,000 residents per year'."""
    from .data import UNITS

    metric = ds.metric(metric_id)
    per_year = " per year" if annual and metric["kind"] == "flow" else ""
    return f"{UNITS[metric['unit']]} per 10,000 residents{per_year}"
