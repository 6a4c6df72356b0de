"""Change over time for one district and metric.

change table  annualised rates per period, with the change on the previous period and on the same
              period a year earlier (percent)
trend model   for three or more periods: Poisson GLM, log link, offset log(exposure in resident-years),
              on the period's midpoint in years; exp(slope) - 1 is the annual rate of change (statsmodels)
derived       a report's own year-on-year percentage gives the previous year's value
              value / (1 + pct / 100), marked derived
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from .data import Dataset
from .errors import CompareError
from .rates import rate_table


def change_table(rates: pd.DataFrame) -> pd.DataFrame:
    """Rates of one district over time with period-on-period and year-on-year change (percent)."""
    out = rates.sort_values(["period_start", "period_end"]).reset_index(drop=True).copy()
    rate = out["annual_rate_per_10k"].fillna(out["rate_per_10k"])
    out["change_on_previous_pct"] = (rate / rate.shift(1) - 1) * 100
    year_before = out.assign(period_start=out["period_start"] + pd.DateOffset(years=1),
                             period_end=out["period_end"] + pd.DateOffset(years=1), _prev=rate)
    out = out.merge(year_before[["period_start", "period_end", "_prev"]], on=["period_start", "period_end"], how="left")
    out["change_on_year_before_pct"] = (rate / out.pop("_prev") - 1) * 100
    return out


def midpoint_years(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Midpoint of each span as a decimal year (2021-07-01 is about 2021.5)."""
    mid = start + (end - start) / 2
    return (mid.dt.year + (mid.dt.day_of_year - 1) / np.where(mid.dt.is_leap_year, 366, 365)).to_numpy(float)


def fit_trend(counts, exposure, time) -> dict[str, float]:
    """Poisson GLM log(rate) = a + b·time with log-exposure offset; annual change exp(b) - 1 with 95% CI."""
    counts = np.asarray(counts, float)
    if len(counts) < 3:
        raise CompareError("A trend model needs at least three periods.")
    time = np.asarray(time, float)
    design = sm.add_constant(time - time.mean())
    result = sm.GLM(counts, design, family=sm.families.Poisson(), offset=np.log(np.asarray(exposure, float))).fit()
    slope = result.params[1]
    low, high = result.conf_int(alpha=0.05)[1]
    return {
        "annual_change_pct": (np.exp(slope) - 1) * 100,
        "ci_low_pct": (np.exp(low) - 1) * 100,
        "ci_high_pct": (np.exp(high) - 1) * 100,
        "p_value": float(result.pvalues[1]),
        "periods": len(counts),
        "slope": float(slope),
        "pearson_chi2": float(result.pearson_chi2),
    }


def fit_trends(rates: pd.DataFrame, min_periods: int = 3, tolerance: float = 1e-12, max_iter: int = 50) -> pd.DataFrame:
    """fit_trend for every district and metric at once: the same Poisson GLM (log link, log-exposure
    offset, centred time), fitted by batched IRLS over all pairs together instead of one statsmodels fit
    per pair. Tested to agree with statsmodels on every pair (tests/test_trends.py).

    One row per pair with min_periods or more dated periods: annual_change_pct, its 95% CI (Wald, as
    statsmodels' GLM.conf_int), p_value, periods, slope, pearson_chi2, converged."""
    usable = rates[rates["exposure"].notna() & rates["exposure"].gt(0) & rates["period_start"].notna() & rates["period_end"].notna()]
    usable = usable.sort_values(["district_code", "metric_id", "period_start"])
    sizes = usable.groupby(["district_code", "metric_id"], sort=False).size()
    usable = usable[np.repeat(sizes.to_numpy() >= min_periods, sizes.to_numpy())]
    sizes = sizes[sizes >= min_periods]
    if sizes.empty:
        return pd.DataFrame(columns=["district_code", "metric_id", "annual_change_pct", "ci_low_pct", "ci_high_pct",
                                     "p_value", "periods", "slope", "pearson_chi2", "converged"])
    groups, width = len(sizes), int(sizes.max())
    row = np.repeat(np.arange(groups), sizes.to_numpy())
    col = np.arange(len(usable)) - np.repeat(np.cumsum(sizes.to_numpy()) - sizes.to_numpy(), sizes.to_numpy())
    y, exposure, t, w = (np.zeros((groups, width)) for _ in range(4))
    y[row, col] = usable["value"].round().to_numpy()
    exposure[row, col] = usable["exposure"].to_numpy()
    t[row, col] = midpoint_years(usable["period_start"], usable["period_end"])
    w[row, col] = 1.0
    x = (t - (t * w).sum(1, keepdims=True) / w.sum(1, keepdims=True)) * w
    offset = np.log(np.where(w > 0, exposure, 1.0))
    b0 = np.log(np.maximum((y * w).sum(1), 1e-300) / (exposure * w).sum(1))
    b1 = np.zeros(groups)
    converged = np.zeros(groups, dtype=bool)
    for _ in range(max_iter):
        mu = np.exp(offset + b0[:, None] + b1[:, None] * x) * w
        u0, u1 = (y - mu).sum(1), (x * (y - mu)).sum(1)
        i00, i01, i11 = mu.sum(1), (mu * x).sum(1), (mu * x * x).sum(1)
        det = i00 * i11 - i01 ** 2
        d0, d1 = (i11 * u0 - i01 * u1) / det, (i00 * u1 - i01 * u0) / det
        b0, b1 = b0 + d0, b1 + d1
        converged = (np.abs(d0) < tolerance * (1 + np.abs(b0))) & (np.abs(d1) < tolerance * (1 + np.abs(b1)))
        if converged.all():
            break
    mu = np.exp(offset + b0[:, None] + b1[:, None] * x) * w
    i00, i01, i11 = mu.sum(1), (mu * x).sum(1), (mu * x * x).sum(1)
    se = np.sqrt(i00 / (i00 * i11 - i01 ** 2))
    z = stats.norm.ppf(0.975)
    pearson = (np.where(w > 0, (y - mu) ** 2 / np.where(mu > 0, mu, 1.0), 0.0)).sum(1)
    keys = sizes.index.to_frame(index=False)
    return keys.assign(
        annual_change_pct=(np.exp(b1) - 1) * 100, ci_low_pct=(np.exp(b1 - z * se) - 1) * 100,
        ci_high_pct=(np.exp(b1 + z * se) - 1) * 100, p_value=2 * stats.norm.sf(np.abs(b1 / se)),
        periods=sizes.to_numpy(), slope=b1, pearson_chi2=pearson, converged=converged,
    )


def derived_previous_year(ds: Dataset, metric_id: str, district_code: str) -> pd.DataFrame:
    """Previous-year values implied by a report's own year-on-year percentage (statement yoy_pct)."""
    obs = ds.observations
    key = ["doc_id", "district_code", "period_start", "period_end", "metric_id", "subset"]
    sel = obs[(obs["metric_id"] == metric_id) & (obs["district_code"] == district_code)]
    pairs = sel[sel["statement"] == "yoy_pct"].merge(sel[sel["statement"] == "actual"], on=key, suffixes=("_pct", ""))
    if pairs.empty:
        return pd.DataFrame(columns=key + ["value", "yoy_pct", "previous_value", "derived"])
    pairs["yoy_pct"] = pairs["value_pct"]
    pairs["previous_value"] = pairs["value"] / (1 + pairs["yoy_pct"] / 100)
    pairs["previous_period_start"] = pairs["period_start"] - pd.DateOffset(years=1)
    pairs["previous_period_end"] = pairs["period_end"] - pd.DateOffset(years=1)
    pairs["derived"] = True
    return pairs[key + ["value", "yoy_pct", "previous_period_start", "previous_period_end", "previous_value", "derived", "quote_pct"]]


def trend(ds: Dataset, metric_id: str, district_code: str, denominator: str = "census2020") -> dict:
    """Everything known about one district's metric over time: the change table, the GLM fit when
    there are three or more dated flow periods, and values derived from reported changes."""
    rates = rate_table(ds, metric_id, districts=[district_code], level="all", denominator=denominator)
    changes = change_table(rates)
    dated = rates[rates["exposure"].notna() & rates["period_start"].notna() & rates["period_end"].notna()]
    model = None
    if len(dated) >= 3 and ds.metric(metric_id)["kind"] == "flow":
        model = fit_trend(dated["value"].round(), dated["exposure"], midpoint_years(dated["period_start"], dated["period_end"]))
    return {"changes": changes, "model": model, "derived": derived_previous_year(ds, metric_id, district_code)}
