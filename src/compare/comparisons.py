"""Comparing districts on one metric: pairwise rate ratios and funnel-plot classification.

Both work on a rate table (compare.rates.rate_table), whose exposure is resident-years for flows, so
a quarter's count and a year's count are compared per resident-year, never raw.

Rate ratio of A to B: (count_A / exposure_A) / (count_B / exposure_B), with the exact conditional
95% interval (Clopper-Pearson on count_A given count_A + count_B, statsmodels proportion_confint
"beta") and the exact conditional test's p-value (statsmodels test_poisson_2indep "exact-cond").

Funnel: the pooled rate (all counts / all exposure) and, for each district's exposure, exact Poisson
control limits at 95% and 99.8% (scipy's Poisson quantiles). With overdispersion adjustment the
limits widen by sqrt(phi), phi the Pearson chi-square over n - 1 (Spiegelhalter 2005), when phi > 1.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import test_poisson_2indep

from .errors import CompareError
from .rates import PER

LIMITS = {"95": 0.95, "99.8": 0.998}


def latest_per_district(rates: pd.DataFrame) -> pd.DataFrame:
    """One row per district: its most recent period with an exposure (ties: the longest span)."""
    usable = rates[rates["exposure"].notna() & rates["exposure"].gt(0) & rates["ci_low"].notna()]
    return (usable.sort_values(["district_code", "period_end", "period_start"], ascending=[True, False, True])
            .drop_duplicates("district_code").reset_index(drop=True))


def rate_ratio(count1: float, exposure1: float, count2: float, exposure2: float) -> dict[str, float]:
    """Rate ratio of sample 1 to sample 2 with exact conditional 95% interval and p-value."""
    n = count1 + count2
    ratio = (count1 / exposure1) / (count2 / exposure2) if count2 > 0 else np.inf
    p_low, p_high = proportion_confint(count1, n, alpha=0.05, method="beta")
    odds = exposure2 / exposure1
    low = p_low / (1 - p_low) * odds if p_low < 1 else np.inf
    high = p_high / (1 - p_high) * odds if p_high < 1 else np.inf
    p_value = test_poisson_2indep(count1, exposure1, count2, exposure2, method="exact-cond").pvalue
    return {"rate_ratio": ratio, "ci_low": low, "ci_high": high, "p_value": float(p_value)}


def pairwise_rate_ratios(rates: pd.DataFrame) -> pd.DataFrame:
    """Rate ratios between every two districts, each on its most recent period."""
    latest = latest_per_district(rates)
    if len(latest) < 2:
        raise CompareError("A comparison needs at least two districts with a rate; widen the selection.")
    rows = []
    for a, b in combinations(latest.itertuples(), 2):
        rr = rate_ratio(round(a.value), a.exposure, round(b.value), b.exposure)
        rows.append({"district_a": a.district_code, "district_a_zh": a.district_zh, "period_a": a.period,
                     "district_b": b.district_code, "district_b_zh": b.district_zh, "period_b": b.period, **rr})
    return pd.DataFrame(rows)


def widened_half(expected, phi, tail: float) -> np.ndarray:
    """Half-width of the overdispersion-widened limits: z × sqrt(phi × expected) (normal approximation)."""
    return stats.norm.ppf(1 - tail) * np.sqrt(np.asarray(phi, float) * expected)


def funnel_limits(pooled_rate, exposure, phi=1.0) -> pd.DataFrame:
    """Control limits (per 10,000) around pooled_rate (per unit exposure) for each exposure: exact Poisson
    quantiles, or widened by sqrt(phi) where phi > 1. pooled_rate and phi may be one value or one per row."""
    exposure = np.asarray(exposure, dtype=float)
    expected = np.asarray(pooled_rate, dtype=float) * exposure
    phi = np.broadcast_to(np.asarray(phi, dtype=float), expected.shape)
    widen = phi > 1
    out = {}
    for name, level in LIMITS.items():
        tail = (1 - level) / 2
        half = widened_half(expected, np.where(widen, phi, 1.0), tail)
        low = np.where(widen, expected - half, stats.poisson.ppf(tail, expected))
        high = np.where(widen, expected + half, stats.poisson.ppf(1 - tail, expected))
        out[f"lower_{name}"] = np.clip(low, 0, None) / exposure * PER
        out[f"upper_{name}"] = high / exposure * PER
    return pd.DataFrame(out)


def overdispersion(counts, exposure, pooled_rate, groups=None):
    """Pearson chi-square / (n - 1): 1 when districts vary as Poisson allows, more when they vary more.

    With groups (key columns, one value per row), each row gets its own group's value; pooled_rate may then
    be one value per row."""
    counts, exposure = np.asarray(counts, float), np.asarray(exposure, float)
    expected = np.asarray(pooled_rate, float) * exposure
    chi = pd.Series((counts - expected) ** 2 / np.where(expected > 0, expected, np.nan))
    if groups is None:
        n = len(counts)
        return float(chi.sum() / (n - 1)) if n > 1 else 1.0
    grouped = chi.groupby([pd.Series(np.asarray(g)) for g in groups], dropna=False, sort=False)
    n = grouped.transform("size").to_numpy()
    return np.where(n > 1, grouped.transform("sum").to_numpy() / np.maximum(n - 1, 1), 1.0)


def funnel(rates: pd.DataFrame, adjust_overdispersion: bool = False) -> pd.DataFrame:
    """Each district's most recent rate against funnel limits around the pooled rate, classed as
    'above 99.8%', 'above 95%', 'within', 'below 95%' or 'below 99.8%'."""
    latest = latest_per_district(rates)
    if len(latest) < 2:
        raise CompareError("A funnel plot needs at least two districts with a rate; widen the selection.")
    return funnel_table(latest, by=[], adjust_overdispersion=adjust_overdispersion)


FUNNEL_GROUPS = ["metric_id", "period_start", "period_end"]


def funnel_table(rates: pd.DataFrame, by=FUNNEL_GROUPS, adjust_overdispersion: bool = False,
                 limits: bool = True) -> pd.DataFrame:
    """Funnel classification of every row against the pooled rate of its group (by default each metric
    and period), vectorised over all groups at once; rows without a count interval are left out.

    The class comes from the Poisson CDF at the observed count (a count lies above the q-quantile exactly
    when F(count - 1) >= q, below it when F(count) < q), so the limits themselves (Poisson quantiles,
    slow to invert) are computed only when asked for, for plotting."""
    out = rates[rates["exposure"].notna() & rates["exposure"].gt(0) & rates["ci_low"].notna()].copy()
    out = out.reset_index(drop=True)
    counts = out["value"].round()
    keys = [out[c] for c in by] if by else [pd.Series(0, index=out.index)]
    grouped = pd.DataFrame({"c": counts, "e": out["exposure"]}).groupby(keys, dropna=False, sort=False)
    pooled = (grouped["c"].transform("sum") / grouped["e"].transform("sum")).to_numpy()
    exposure = out["exposure"].to_numpy()
    expected = pooled * exposure
    phi = overdispersion(counts, exposure, pooled, groups=keys)
    widen = adjust_overdispersion & (phi > 1)
    c = counts.to_numpy()
    cdf_below = np.where(c > 0, special.pdtr(np.maximum(c - 1, 0), expected), 0.0)  # F(count - 1)
    cdf_at = special.pdtr(c, expected)  # F(count)
    above, below = {}, {}
    for name, level in LIMITS.items():
        tail = (1 - level) / 2
        half = widened_half(expected, np.where(widen, phi, 1.0), tail)
        above[name] = np.where(widen, c > expected + half, cdf_below >= 1 - tail)
        below[name] = np.where(widen, c < expected - half, cdf_at < tail)
    if limits:
        out = pd.concat([out, funnel_limits(pooled, exposure, np.where(widen, phi, 1.0))], axis=1)
    out["observed_rate"] = out["annual_rate_per_10k"].fillna(out["rate_per_10k"])
    out["pooled_rate"] = pooled * PER
    out["phi"] = phi
    out["overdispersion_adjusted"] = widen
    out["classification"] = np.select(
        [above["99.8"], above["95"], below["99.8"], below["95"]],
        ["above 99.8%", "above 95%", "below 99.8%", "below 95%"],
        default="within",
    )
    return out
