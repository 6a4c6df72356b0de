"""Comparing units on one metric within one comparison window: funnel plots and pairwise rate ratios.

Every function here receives rows that already are one unit each in one window (compare.rates picks
the window); exposure is resident-years for flows, so counts over different spans compare per
resident-year, never raw.

Funnel (Spiegelhalter 2005, *Funnel plots for comparing institutional performance*, Stat Med 24:1185;
*Handling over-dispersion of performance indicators*, QSHC 14:347; Spiegelhalter, Sherlaw-Johnson et
al. 2012, JRSS A 175:1):

- target: the pooled rate (all counts / all exposure); unit i expects E_i = pooled × exposure_i.
- z-scores on the square-root scale of the standardised ratio O/E: z_i = 2(√O_i − √E_i), s_i = 1/(2√E_i).
- φ: mean of the squared z-scores after Winsorising them at their 10th and 90th percentiles
  (numpy's linear quantile, R type 7, as FunnelPlotR does); a χ² test (n·φ against χ² on n − 1 degrees
  of freedom) decides whether the units vary more than chance allows. No limit widens unless it rejects
  at 5%.
- τ²: DerSimonian-Laird between-unit variance, (n·φ − (n − 1)) / (Σw − Σw²/Σw), w_i = 1/s_i².
- limits: exact Poisson quantiles when not overdispersed or `adjustment="none"`; otherwise
  (1 ± z_p √(s_i² + τ²))² × pooled (additive random effects, the default) or (1 ± z_p √φ s_i)² × pooled
  (multiplicative).
- a unit stated as a range of counts (36000余 → [36000, 37000)) is above a limit only when its lowest
  count is, below only when its highest is; fewer than `min_units` units: nothing is classified.

Rate ratio of A to B: (count_A / exposure_A) / (count_B / exposure_B). Exact conditional interval
(Clopper-Pearson on count_A given count_A + count_B) and p-value (statsmodels test_poisson_2indep
"exact-cond") when the units are not overdispersed; otherwise a Wald interval on the log scale whose
variance is multiplied by φ (quasi-Poisson) or gets the between-unit variance added (8τ²: the funnel's
τ² is on the square-root scale, ≈ 4τ² per unit on the log scale). Holm-adjusted p-values across pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import test_poisson_2indep

from .errors import CompareError
from .rates import PER

LIMITS = {"95": 0.95, "99.8": 0.998}
ADJUSTMENTS = ("random_effects", "multiplicative", "none")
WINSORISE = 0.1
OVERDISPERSION_ALPHA = 0.05
NOT_CLASSIFIED = "not classified"
CLASSES = ["above 99.8%", "above 95%", "within", "below 95%", "below 99.8%", NOT_CLASSIFIED]
FUNNEL_GROUPS = ["metric_id", "period_start", "period_end"]
LIMIT_WORDS = "95%/99.8% limits"


@dataclass(frozen=True)
class Funnel:
    """One window's funnel: the placed units and the facts that qualify every placement."""

    table: pd.DataFrame
    pooled_rate: float
    n_units: int
    phi: float
    chi2_p: float
    tau2: float
    method: str
    classified: bool
    note: str
    adjustment: str  # what the limits used: "random_effects", "multiplicative" or "none" (exact Poisson)
    overdispersed: bool
    min_units: int

    @property
    def facts(self) -> str:
        """The facts that qualify every placement, in one line: units, φ and its χ² test, τ², method."""
        return (f"{self.n_units} units · φ = {self.phi:.3g} (χ² {p_words(self.chi2_p)}) · τ² = {self.tau2:.3g} · "
                f"{self.method}")


@dataclass(frozen=True)
class RateRatio:
    """Rate ratio of unit 1 to unit 2 with its interval and two-sided p-value."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str
    note: str = ""


# ---------------------------------------------------------------- overdispersion, one group or many


def _group_ids(frame: pd.DataFrame, by) -> np.ndarray:
    if not by:
        return np.zeros(len(frame), dtype=np.int64)
    return frame.groupby(list(by), dropna=False, sort=False).ngroup().to_numpy()


def _group_order(values: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """Row order sorting by group, then by value within each group (a stable sort of the group ids)."""
    by_value = np.argsort(values)
    ids = gid[by_value]
    if ids.size and ids.max() < np.iinfo(np.int16).max:
        ids = ids.astype(np.int16)  # numpy radix-sorts small integers: much faster than a lexsort
    return by_value[np.argsort(ids, kind="stable")]


def _group_quantiles(values: np.ndarray, gid: np.ndarray, sizes: np.ndarray, qs) -> list[np.ndarray]:
    """Linear-interpolation quantiles (numpy default, R type 7) of values within each group, one per group."""
    ordered = values[_group_order(values, gid)]
    starts = np.cumsum(sizes) - sizes
    out = []
    for q in qs:
        h = (sizes - 1) * q
        low = np.floor(h).astype(np.int64)
        high = np.minimum(low + 1, sizes - 1)
        at_low, at_high = ordered[starts + low], ordered[starts + high]
        out.append(at_low + (h - low) * (at_high - at_low))
    return out


def _winsorise_groups(z: np.ndarray, gid: np.ndarray, sizes: np.ndarray, q: float = WINSORISE) -> np.ndarray:
    low, high = _group_quantiles(z, gid, sizes, (q, 1 - q))
    return np.clip(z, low[gid], high[gid])


def winsorised_phi(z, q: float = WINSORISE) -> float:
    """Overdispersion φ: the mean squared z-score after Winsorising at the q and 1 − q quantiles.

    Parameters
    ----------
    z : array-like
        Unadjusted z-scores of the units.
    q : float
        Share Winsorised at each end (Spiegelhalter 2005: 10%).

    Returns
    -------
    float
        φ; about 1 when units vary as chance allows.
    """
    z = np.asarray(z, dtype=float)
    sizes = np.array([len(z)])
    return float(np.mean(_winsorise_groups(z, np.zeros(len(z), np.int64), sizes, q) ** 2))


def dispersion_test_p(phi, n):
    """p-value of the χ² test of no overdispersion: n·φ against χ² on n − 1 degrees of freedom (NaN if n < 2)."""
    phi, n = np.asarray(phi, float), np.asarray(n, float)
    with np.errstate(invalid="ignore"):
        return np.where(n >= 2, stats.chi2.sf(n * phi, np.maximum(n - 1, 1)), np.nan)


def dersimonian_laird_tau2(phi, n, weight_sum, weight_sq_sum):
    """DerSimonian-Laird between-unit variance from φ: max(0, (n·φ − (n − 1)) / (Σw − Σw²/Σw)).

    Parameters
    ----------
    phi : float or array
        Dispersion (mean squared z-score), so n·φ plays the part of Cochran's Q.
    n : int or array
        Number of units.
    weight_sum, weight_sq_sum : float or array
        Σw and Σw² of the inverse within-unit variances w_i = 1/s_i².

    Returns
    -------
    float or array
        τ², 0 where n·φ ≤ n − 1 or the weights carry no information.
    """
    phi, n = np.asarray(phi, float), np.asarray(n, float)
    w1, w2 = np.asarray(weight_sum, float), np.asarray(weight_sq_sum, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau2 = (n * phi - (n - 1)) / (w1 - w2 / w1)
    tau2 = np.where(np.isfinite(tau2) & (tau2 > 0), tau2, 0.0)
    return float(tau2) if tau2.ndim == 0 else tau2


def overdispersion(counts, exposure, q: float = WINSORISE) -> tuple[float, float, float]:
    """Winsorised φ, the χ² test's p-value and the DerSimonian-Laird τ² of one set of units (Poisson counts)."""
    counts, exposure = np.asarray(counts, float), np.asarray(exposure, float)
    expected = counts.sum() / exposure.sum() * exposure
    z = 2 * (np.sqrt(counts) - np.sqrt(expected))
    phi = winsorised_phi(z, q)
    w = 4 * expected
    return phi, float(dispersion_test_p(phi, len(counts))), dersimonian_laird_tau2(phi, len(counts), w.sum(), (w**2).sum())


# ---------------------------------------------------------------- limits


def _z(level: float) -> float:
    return stats.norm.ppf(1 - (1 - level) / 2)


def _half_width(expected, level: float, multiplier, additive) -> np.ndarray:
    """Half-width of normal limits on the √(O/E) scale: z √(multiplier / (4E) + additive)."""
    with np.errstate(divide="ignore"):
        within = 1 / (4 * expected)
    return _z(level) * np.sqrt(multiplier * within + additive)


def _widening(adjustment, phi, tau2):
    """(exact, multiplier, additive) from the adjustment names: exact Poisson, √φ, or + τ²."""
    adjustment = np.asarray(adjustment)
    exact = adjustment == "none"
    multiplier = np.where(adjustment == "multiplicative", phi, 1.0)
    additive = np.where(adjustment == "random_effects", tau2, 0.0)
    return exact, multiplier, additive


def _limits(pooled, exposure, exact, multiplier, additive) -> pd.DataFrame:
    expected = pooled * exposure
    out = {}
    for name, level in LIMITS.items():
        tail = (1 - level) / 2
        half = _half_width(expected, level, multiplier, additive)
        with np.errstate(invalid="ignore", divide="ignore"):
            low = np.where(exact, stats.poisson.ppf(tail, expected) / exposure, pooled * np.clip(1 - half, 0, None) ** 2)
            high = np.where(exact, stats.poisson.ppf(1 - tail, expected) / exposure, pooled * (1 + half) ** 2)
        out[f"lower_{name}"] = low * PER
        out[f"upper_{name}"] = high * PER
    return pd.DataFrame(out)


def funnel_limits(pooled_rate, exposure, adjustment="none", phi=1.0, tau2=0.0) -> pd.DataFrame:
    """Control limits (per 10,000) around pooled_rate (per unit exposure) at each exposure.

    adjustment "none": exact Poisson quantiles; "random_effects": (1 ± z √(1/(4E) + τ²))² × pooled;
    "multiplicative": (1 ± z √φ / (2√E))² × pooled. Every argument may be one value or one per row."""
    exposure = np.asarray(exposure, dtype=float)
    pooled = np.broadcast_to(np.asarray(pooled_rate, dtype=float), exposure.shape)
    exact, multiplier, additive = _widening(adjustment, np.asarray(phi, float), np.asarray(tau2, float))
    return _limits(pooled, exposure, exact, multiplier, additive)


# ---------------------------------------------------------------- classification


def _count_range(rows: pd.DataFrame, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low = rows["count_low"].to_numpy(dtype=float) if "count_low" in rows else np.full(len(rows), np.nan)
    high = rows["count_high"].to_numpy(dtype=float) if "count_high" in rows else np.full(len(rows), np.nan)
    low, high = np.where(np.isnan(low), counts, np.round(low)), np.where(np.isnan(high), counts, np.round(high))
    return np.minimum(low, counts), np.maximum(high, counts)


def _classify(low, high, expected, exact, multiplier, additive) -> np.ndarray:
    """Class code of each row (an index into CLASSES): above a limit only when its lowest count is, below only
    when its highest is. Exact rows use the Poisson CDF (a count lies above the q-quantile exactly when
    F(count - 1) >= q, below it when F(count) < q); widened rows compare √(count/E) with 1 ± the half-width."""
    n = len(expected)
    cdf_below_low, cdf_at_high = np.full(n, np.nan), np.full(n, np.nan)
    e = expected[exact]
    cdf_below_low[exact] = np.where(low[exact] > 0, special.pdtr(np.maximum(low[exact] - 1, 0), e), 0.0)
    cdf_at_high[exact] = special.pdtr(high[exact], e)
    with np.errstate(divide="ignore", invalid="ignore"):
        root_low, root_high = np.sqrt(low / expected), np.sqrt(high / expected)
    codes = np.full(n, CLASSES.index("within"), dtype=np.int8)
    for name, level, above, below in (("95", 0.95, 1, 3), ("99.8", 0.998, 0, 4)):
        tail = (1 - level) / 2
        half = _half_width(expected, level, multiplier, additive)
        codes[np.where(exact, cdf_below_low >= 1 - tail, root_low > 1 + half)] = above
        codes[np.where(exact, cdf_at_high < tail, root_high < 1 - half)] = below
    return codes


def _usable(rates: pd.DataFrame) -> pd.DataFrame:
    keep = rates["exposure"].notna() & rates["exposure"].gt(0) & rates["value"].notna()
    if "ci_low" in rates:
        keep &= rates["ci_low"].notna()
    return rates[keep].reset_index(drop=True)


def _observed_rate(rows: pd.DataFrame, counts: np.ndarray) -> pd.Series:
    fallback = pd.Series(counts / rows["exposure"].to_numpy(dtype=float) * PER, index=rows.index)
    for column in ("rate_per_10k", "annual_rate_per_10k"):
        if column in rows:
            fallback = rows[column].astype(float).fillna(fallback)
    return fallback


def funnel_table(rates: pd.DataFrame, by=FUNNEL_GROUPS, adjustment: str = "random_effects", min_units: int = 10,
                 small_count: int = 10, limits: bool = True) -> pd.DataFrame:
    """Funnel classification of every row against its group (by default each metric and period), all groups
    at once; rows without a positive exposure (or, when the column exists, without a count interval) are left out.

    Adds per row: count_low, count_high, expected, z, observed_rate, pooled_rate (per 10,000), n_units, phi,
    chi2_p, tau2, overdispersed, adjustment (what the limits used), classified, classification, small_count and,
    with limits=True, lower_95 … upper_99.8 (NaN where not classified). Exact-Poisson classes come from the
    Poisson CDF at the counts, so the limits (slow quantiles) are computed only when asked for."""
    if adjustment not in ADJUSTMENTS:
        raise CompareError(f"The funnel adjustment must be one of {', '.join(ADJUSTMENTS)}, not {adjustment!r}.")
    out = _usable(rates)
    counts = out["value"].to_numpy(dtype=float).round()
    exposure = out["exposure"].to_numpy(dtype=float)
    gid = _group_ids(out, by)
    groups = int(gid.max()) + 1 if len(gid) else 0
    sizes = np.bincount(gid, minlength=groups)
    pooled_g = np.bincount(gid, counts, groups) / np.bincount(gid, exposure, groups)
    expected = pooled_g[gid] * exposure
    z = 2 * (np.sqrt(counts) - np.sqrt(expected))
    phi_g = np.bincount(gid, _winsorise_groups(z, gid, sizes) ** 2, groups) / np.maximum(sizes, 1)
    p_g = dispersion_test_p(phi_g, sizes)
    over_g = p_g < OVERDISPERSION_ALPHA
    w = 4 * expected
    tau2_g = np.where(over_g, dersimonian_laird_tau2(phi_g, sizes, np.bincount(gid, w, groups),
                                                     np.bincount(gid, w**2, groups)), 0.0)
    applied_g = np.full(groups, ADJUSTMENTS.index(adjustment if adjustment != "none" else "none"), dtype=np.int8)
    applied_g[~over_g] = ADJUSTMENTS.index("none")
    exact_g, multiplier_g, additive_g = _widening(np.asarray(ADJUSTMENTS)[applied_g], phi_g, tau2_g)
    classified = (sizes >= min_units)[gid]
    low, high = _count_range(out, counts)
    exact, multiplier, additive = exact_g[gid], multiplier_g[gid], additive_g[gid]
    codes = _classify(low, high, expected, exact, multiplier, additive)
    codes[~classified] = CLASSES.index(NOT_CLASSIFIED)
    out["count_low"], out["count_high"], out["expected"], out["z"] = low, high, expected, z
    out["observed_rate"] = _observed_rate(out, counts)
    out["pooled_rate"] = pooled_g[gid] * PER
    out["n_units"], out["phi"], out["chi2_p"], out["tau2"] = sizes[gid], phi_g[gid], p_g[gid], tau2_g[gid]
    out["overdispersed"], out["classified"] = over_g[gid], classified
    out["adjustment"] = pd.Categorical.from_codes(applied_g[gid], categories=list(ADJUSTMENTS))
    out["classification"] = pd.Categorical.from_codes(codes, categories=CLASSES)
    out["small_count"] = low < small_count
    if limits:
        bounds = _limits(pooled_g[gid], exposure, exact, multiplier, additive)
        bounds.loc[~classified] = np.nan
        out = pd.concat([out, bounds], axis=1)
    return out


def p_words(p: float) -> str:
    """A p-value as words: "p < 0.001" below a thousandth, else two significant figures."""
    return "p not computed" if not np.isfinite(p) else "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _method(adjustment: str, applied: str, classified: bool, n_units: int, min_units: int, chi2_p: float) -> str:
    if not classified:
        return f"no limits: {n_units} units, fewer than the minimum of {min_units}"
    if applied == "random_effects":
        return f"additive random effects (DerSimonian-Laird τ², 10% Winsorised φ), {LIMIT_WORDS}"
    if applied == "multiplicative":
        return f"multiplicative overdispersion (limits widened by √φ, 10% Winsorised φ), {LIMIT_WORDS}"
    if adjustment == "none":
        return f"exact Poisson, no overdispersion adjustment, {LIMIT_WORDS}"
    return f"exact Poisson (χ² test found no overdispersion, {p_words(chi2_p)}), {LIMIT_WORDS}"


def _note(funnel_row: pd.Series, adjustment: str, min_units: int) -> str:
    n, phi, p, tau2 = int(funnel_row["n_units"]), funnel_row["phi"], funnel_row["chi2_p"], funnel_row["tau2"]
    if not funnel_row["classified"]:
        return (f"Only {n} units share this window, fewer than the {min_units} a funnel needs, so no unit is "
                f"classified and only their intervals are shown.")
    if funnel_row["adjustment"] == "random_effects":
        return f"The units vary more than chance allows (φ = {phi:.3g}, χ² {p_words(p)}), so the limits add τ² = {tau2:.3g}."
    if funnel_row["adjustment"] == "multiplicative":
        return f"The units vary more than chance allows (φ = {phi:.3g}, χ² {p_words(p)}), so the limits widen by √φ."
    if funnel_row["overdispersed"]:
        return f"The units vary more than chance allows (φ = {phi:.3g}, χ² {p_words(p)}), but the limits were not widened."
    return f"The units vary as chance allows (φ = {phi:.3g}, χ² {p_words(p)}), so the limits are exact Poisson."


def funnel(units: pd.DataFrame, adjustment: str = "random_effects", min_units: int = 10,
           small_count: int = 10) -> Funnel:
    """Place each unit (one row per district, all in one comparison window) on a funnel around the pooled rate.

    Parameters
    ----------
    units : DataFrame
        district_code, value (the count), exposure, and optionally annual_rate_per_10k / rate_per_10k and
        count_low / count_high (the range of counts the report's words allow).
    adjustment : {"random_effects", "multiplicative", "none"}
        How limits widen when the χ² test finds overdispersion; "none" keeps exact Poisson limits.
    min_units : int
        Below this many units nothing is classified and no limits are given.
    small_count : int
        Units whose lowest count is below this are flagged small_count.

    Returns
    -------
    Funnel
    """
    if units["district_code"].duplicated().any():
        raise CompareError("A funnel takes one row per unit; choose one period per district first.")
    table = funnel_table(units, by=[], adjustment=adjustment, min_units=min_units, small_count=small_count)
    table = table.astype({"classification": str, "adjustment": str})
    if table.empty:
        raise CompareError("A funnel needs at least one unit with a count and a population; none was given.")
    first = table.iloc[0]
    classified = bool(first["classified"])
    return Funnel(table=table, pooled_rate=float(first["pooled_rate"]), n_units=int(first["n_units"]),
                  phi=float(first["phi"]), chi2_p=float(first["chi2_p"]), tau2=float(first["tau2"]),
                  method=_method(adjustment, first["adjustment"], classified, int(first["n_units"]), min_units,
                                 float(first["chi2_p"])),
                  classified=classified, note=_note(first, adjustment, min_units), adjustment=str(first["adjustment"]),
                  overdispersed=bool(first["overdispersed"]), min_units=min_units)


# ---------------------------------------------------------------- rate ratios


def _exact_rate_ratio(count1, exposure1, count2, exposure2, alpha) -> RateRatio:
    ratio = (count1 / exposure1) / (count2 / exposure2) if count2 > 0 else np.inf
    p_low, p_high = proportion_confint(count1, count1 + count2, alpha=alpha, method="beta")
    odds = exposure2 / exposure1
    low = p_low / (1 - p_low) * odds if p_low < 1 else np.inf
    high = p_high / (1 - p_high) * odds if p_high < 1 else np.inf
    with np.errstate(divide="ignore", invalid="ignore"):  # its point ratio for a zero count; the p-value is fine
        p_value = float(test_poisson_2indep(count1, exposure1, count2, exposure2, method="exact-cond").pvalue)
    return RateRatio(float(ratio), float(low), float(high), p_value, "exact conditional")


def _widened_rate_ratio(count1, exposure1, count2, exposure2, alpha, phi, tau2) -> RateRatio:
    method = (f"Wald on the log scale, between-unit variance added (τ² = {tau2:.3g})" if tau2 > 0
              else f"Wald on the log scale, variance × φ = {phi:.3g} (quasi-Poisson)")
    if count1 == 0 or count2 == 0:
        ratio = 0.0 if count1 == 0 else np.inf
        return RateRatio(ratio, np.nan, np.nan, np.nan, method, "one count is zero: no overdispersed interval")
    log_ratio = np.log(count1 / exposure1) - np.log(count2 / exposure2)
    within = 1 / count1 + 1 / count2
    se = np.sqrt(within + 8 * tau2) if tau2 > 0 else np.sqrt(phi * within)
    z = stats.norm.ppf(1 - alpha / 2)
    return RateRatio(float(np.exp(log_ratio)), float(np.exp(log_ratio - z * se)), float(np.exp(log_ratio + z * se)),
                     float(2 * stats.norm.sf(abs(log_ratio) / se)), method)


def rate_ratio(count1: float, exposure1: float, count2: float, exposure2: float, alpha: float = 0.05,
               phi: float = 1.0, tau2: float = 0.0) -> RateRatio:
    """Rate ratio of unit 1 to unit 2 with its (1 − alpha) interval and two-sided p-value.

    Parameters
    ----------
    count1, count2 : float
        Event counts (rounded to whole events).
    exposure1, exposure2 : float
        Exposures (resident-years).
    alpha : float
        1 − confidence level.
    phi, tau2 : float
        The window's overdispersion; with phi ≤ 1 and tau2 = 0 the interval and p-value are exact conditional
        (Clopper-Pearson on count1 given the total), otherwise Wald on the log scale, widened.

    Returns
    -------
    RateRatio
    """
    count1, count2 = round(float(count1)), round(float(count2))
    if count1 == 0 and count2 == 0:
        raise CompareError("Both counts are zero, so they have no rate ratio.")
    if phi <= 1 and tau2 <= 0:
        return _exact_rate_ratio(count1, exposure1, count2, exposure2, alpha)
    return _widened_rate_ratio(count1, exposure1, count2, exposure2, alpha, phi, tau2)


PAIR_LABELS = ("district_zh", "district_en", "period")


def rate_ratios(units: pd.DataFrame, phi: float = 1.0, alpha: float = 0.05, tau2: float = 0.0) -> pd.DataFrame:
    """Rate ratios between every two units (one row per unit, one window), with Holm-adjusted p-values.

    Columns: district_a, district_b (and their names and periods when given), count_a, count_b, rate_ratio,
    ci_low, ci_high, p_value, p_holm (statsmodels multipletests "holm" over the pairs with a p-value),
    method and note ("both counts are zero: no ratio" instead of an error)."""
    if units["district_code"].duplicated().any():
        raise CompareError("Rate ratios take one row per unit; choose one period per district first.")
    if len(units) < 2:
        raise CompareError("Rate ratios need at least two units in the window.")
    labels = [c for c in PAIR_LABELS if c in units]
    rows = []
    for (_, a), (_, b) in combinations(units.iterrows(), 2):
        pair = {"district_a": a["district_code"], "district_b": b["district_code"],
                **{f"{c}_a": a[c] for c in labels}, **{f"{c}_b": b[c] for c in labels},
                "count_a": round(a["value"]), "count_b": round(b["value"])}
        if pair["count_a"] == 0 and pair["count_b"] == 0:
            rows.append({**pair, "rate_ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                         "method": "", "note": "both counts are zero: no ratio"})
            continue
        rr = rate_ratio(a["value"], a["exposure"], b["value"], b["exposure"], alpha=alpha, phi=phi, tau2=tau2)
        rows.append({**pair, "rate_ratio": rr.rate_ratio, "ci_low": rr.ci_low, "ci_high": rr.ci_high,
                     "p_value": rr.p_value, "method": rr.method, "note": rr.note})
    out = pd.DataFrame(rows)
    tested = out["p_value"].notna().to_numpy()
    out["p_holm"] = np.nan
    if tested.any():
        out.loc[tested, "p_holm"] = multipletests(out.loc[tested, "p_value"].to_numpy(), method="holm")[1]
    return out[[c for c in out if c not in ("method", "note")] + ["method", "note"]]


# ---------------------------------------------------------------- proportions


def wilson_interval(successes, trials, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for successes out of trials (statsmodels proportion_confint "wilson"), vectorised.

    Parameters
    ----------
    successes, trials : array-like
        Counts; successes must lie within 0 … trials and trials must be positive.
    alpha : float
        1 − confidence level.

    Returns
    -------
    (low, high) : arrays of proportions
    """
    successes, trials = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    if np.any(trials <= 0) or np.any(successes < 0) or np.any(successes > trials):
        raise CompareError("A proportion needs a positive denominator and a numerator between 0 and it.")
    low, high = proportion_confint(successes, trials, alpha=alpha, method="wilson")
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)
