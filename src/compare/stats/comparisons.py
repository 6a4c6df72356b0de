"""Comparing units on one metric within one comparison window: funnel plots and pairwise rate ratios.

Every function here receives rows that already are one unit each in one window (compare.stats.windows picks
the window); exposure is resident-years for flows, so counts over different spans compare per
resident-year, never raw.

Funnel (Spiegelhalter 2005, *Funnel plots for comparing institutional performance*, Stat Med 24:1185;
*Handling over-dispersion of performance indicators*, QSHC 14:347; Spiegelhalter, Sherlaw-Johnson et
al. 2012, JRSS A 175:1):

- target: the pooled rate (all counts / all exposure); unit i expects E_i = pooled × exposure_i.
- z-scores on the square-root scale of the standardised ratio O/E: z_i = 2(√O_i − √E_i), s_i = 1/(2√E_i)
  (proportions: arcsin √p around arcsin √p0, s_i = 1/(2√n_i)).
- φ: mean of the squared z-scores after Winsorising them at their 10th and 90th percentiles
  (numpy's linear quantile, R type 7, as FunnelPlotR does); a χ² test (n·φ against χ² on n − 1 degrees
  of freedom) decides whether the units vary more than chance allows. No limit widens unless it rejects
  at 5%. Winsorising pulls φ down: about a third when the units spread normally (benchmarks/dispersion.py).
- τ²: DerSimonian-Laird between-unit variance, (n·φ − (n − 1)) / (Σw − Σw²/Σw), w_i = 1/s_i².
- how many units: φ, its χ² test and τ² are estimated only from MIN_UNITS (10) units; below that the funnel
  carries NaN for them, its limits (if any) are exact and no ratio is widened. τ² is used (and reported) only
  from MIN_UNITS_ADDITIVE units, where this project's simulation (benchmarks/dispersion.py) finds the estimate
  stable; between the two the default random-effects adjustment falls back to multiplicative √φ widening.
  Both numbers are this project's choice, not Spiegelhalter's.
- limits: exact Poisson (binomial) quantiles when not overdispersed or `adjustment="none"`; otherwise the
  target ± z_p √(s_i² + τ²) (additive random effects, the default) or ± z_p √φ s_i (multiplicative),
  transformed back: (1 ± …)² × pooled for rates, sin²(…) for proportions, never below zero.
- a unit stated as a range of counts (36000余 → [36000, 37000)) is above a limit only when its lowest
  count is, below only when its highest is; fewer than `min_units` units: nothing is classified.

Rate ratio of A to B: (count_A / exposure_A) / (count_B / exposure_B), only between units of one period.
Exact conditional interval (Clopper-Pearson on count_A given count_A + count_B) and p-value (statsmodels
test_poisson_2indep "exact-cond") when the units are not overdispersed, and always below MIN_UNITS units;
otherwise a Wald interval on the log scale whose variance is multiplied by φ (quasi-Poisson) or gets the
between-unit variance added (8τ²: the funnel's τ² is on the square-root scale, ≈ 4τ² per unit on the log
scale). Holm-adjusted p-values across pairs.

Proportions: Wilson score intervals (statsmodels proportion_confint "wilson").
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

from ..errors import CompareError
from .intervals import wilson_interval
from .rates import PER_10K, has_exposure
from .windows import MIN_UNITS

PLACEMENT_COLUMNS = [  # a unit's place on a funnel, as tables show it
    "period", "value", "qualifier", "exposure", "observed_rate", "lower_95", "upper_95", "lower_99.8",
    "upper_99.8", "classification", "small_count",
]  # fmt: skip
LIMITS = {"95": 0.95, "99.8": 0.998}
ADJUSTMENTS = ("random_effects", "multiplicative", "none")
WINSORISE = 0.1
OVERDISPERSION_ALPHA = 0.05
NOT_CLASSIFIED = "not classified"
CLASSES = ["above 99.8%", "above 95%", "within", "below 95%", "below 99.8%", NOT_CLASSIFIED]
FUNNEL_GROUPS = ["metric_id", "period_start", "period_end"]
LIMIT_WORDS = "95%/99.8% limits"
# φ, its χ² test and τ² need units to be estimated from. Below MIN_UNITS (10, this project's choice) none is
# estimated. τ² only from MIN_UNITS_ADDITIVE: in benchmarks/dispersion.py (log-normal and gamma spreads, φ about
# 180) its relative SD is 0.36-0.37 at 10 units, 0.25 at 20 and 0.20-0.21 at 30, the first window size clearly
# within 0.25; its bias (-36% to -40%, the Winsorising's) does not shrink with more units, so it cannot decide
# the size. From MIN_UNITS up to it the default random-effects adjustment widens by √φ instead.
MIN_UNITS_ADDITIVE = 30
OTHER_PERIOD = "different periods: not compared"


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
    unit: str = "per 10,000"  # what observed_rate, pooled_rate and the limits are in: "per 10,000" or "%"
    additive_from: int = MIN_UNITS_ADDITIVE  # τ² is estimated and used only from this many units

    @property
    def dispersion_estimated(self) -> bool:
        """Whether φ and its χ² test were estimated: only from MIN_UNITS units (else phi, chi2_p, tau2 are NaN)."""
        return bool(np.isfinite(self.phi))

    @property
    def facts(self) -> str:
        """The facts that qualify every placement, in one line: units, φ and its χ² test, τ² where estimated,
        method."""
        if not self.dispersion_estimated:
            return f"{self.n_units} units · φ and τ² not estimated (fewer than {MIN_UNITS} units) · {self.method}"
        tau2 = f"τ² = {self.tau2:.3g}" if np.isfinite(self.tau2) else f"τ² not estimated (below {self.additive_from})"
        return f"{self.n_units} units · φ = {self.phi:.3g} (χ² {p_words(self.chi2_p)}) · {tau2} · {self.method}"


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
    tau2 = dersimonian_laird_tau2(phi, len(counts), w.sum(), (w**2).sum())
    return phi, float(dispersion_test_p(phi, len(counts))), tau2


# ---------------------------------------------------------------- limits


def _z(level: float) -> float:
    return stats.norm.ppf(1 - (1 - level) / 2)


def _half_width(level: float, within_var, multiplier, additive) -> np.ndarray:
    """Half-width of normal limits on the variance-stabilised scale: z √(multiplier × s² + additive)."""
    return _z(level) * np.sqrt(multiplier * within_var + additive)


def _stabilised(counts, sizes, pooled, binomial: bool):
    """(y, target, s², z) on the variance-stabilised scale: √(O/E) around 1 with s² = 1/(4E) for Poisson counts,
    arcsin √p around arcsin √p0 with s² = 1/(4n) for binomial proportions (Spiegelhalter 2005, Table I)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if binomial:
            y, target = np.arcsin(np.sqrt(counts / sizes)), np.arcsin(np.sqrt(pooled))
            return y, target, 1 / (4 * sizes), 2 * np.sqrt(sizes) * (y - target)
        expected = pooled * sizes
        z = 2 * (np.sqrt(counts) - np.sqrt(expected))
        return np.sqrt(counts / expected), np.ones_like(expected), 1 / (4 * expected), z


def _back(x, pooled, binomial: bool):
    """From the stabilised scale back to a rate (per unit exposure) or a proportion."""
    if binomial:
        return np.sin(np.clip(x, 0, np.pi / 2)) ** 2
    return pooled * np.clip(x, 0, None) ** 2


def _widening(adjustment, phi, tau2):
    """(exact, multiplier, additive) from the adjustment names: exact quantiles, × φ, or + τ²."""
    adjustment = np.asarray(adjustment)
    exact = adjustment == "none"
    multiplier = np.where(adjustment == "multiplicative", phi, 1.0)  # φ, τ² NaN (not estimated) never reach
    additive = np.where(adjustment == "random_effects", tau2, 0.0)  # a group that uses them
    return exact, multiplier, additive


def _limits(pooled, sizes, exact, multiplier, additive, binomial: bool = False) -> pd.DataFrame:
    """Limits (per 10,000 for rates, percent for proportions) around pooled at each size."""
    _, target, within_var, _ = _stabilised(pooled * sizes, sizes, pooled, binomial)
    scale = 100 if binomial else PER_10K
    out = {}
    for name, level in LIMITS.items():
        tail = (1 - level) / 2
        half = _half_width(level, within_var, multiplier, additive)
        with np.errstate(invalid="ignore", divide="ignore"):
            if binomial:
                trials = np.round(sizes)
                exact_low, exact_high = stats.binom.ppf(tail, trials, pooled), stats.binom.ppf(1 - tail, trials, pooled)
            else:
                trials = sizes
                mean = pooled * sizes
                exact_low, exact_high = stats.poisson.ppf(tail, mean), stats.poisson.ppf(1 - tail, mean)
            low = np.where(exact, exact_low / trials, _back(target - half, pooled, binomial))
            high = np.where(exact, exact_high / trials, _back(target + half, pooled, binomial))
        out[f"lower_{name}"] = low * scale
        out[f"upper_{name}"] = high * scale
    return pd.DataFrame(out)


def funnel_limits(pooled_rate, exposure, adjustment="none", phi=1.0, tau2=0.0, binomial: bool = False) -> pd.DataFrame:
    """Control limits around pooled_rate (per unit exposure; a proportion with binomial=True) at each exposure
    (number of trials), per 10,000 (percent for proportions).

    adjustment "none": exact Poisson (binomial) quantiles; "random_effects": back-transformed
    target ± z √(s² + τ²), "multiplicative": target ± z √φ s, on the √(O/E) (arcsin √p) scale.
    Every argument may be one value or one per row."""
    exposure = np.asarray(exposure, dtype=float)
    pooled = np.broadcast_to(np.asarray(pooled_rate, dtype=float), exposure.shape)
    exact, multiplier, additive = _widening(adjustment, np.asarray(phi, float), np.asarray(tau2, float))
    return _limits(pooled, exposure, exact, multiplier, additive, binomial)


# ---------------------------------------------------------------- classification


def _count_range(rows: pd.DataFrame, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low = rows["count_low"].to_numpy(dtype=float) if "count_low" in rows else np.full(len(rows), np.nan)
    high = rows["count_high"].to_numpy(dtype=float) if "count_high" in rows else np.full(len(rows), np.nan)
    low, high = np.where(np.isnan(low), counts, np.round(low)), np.where(np.isnan(high), counts, np.round(high))
    return np.minimum(low, counts), np.maximum(high, counts)


def _classify(low, high, sizes, pooled, exact, multiplier, additive, binomial: bool = False) -> np.ndarray:
    """Class code of each row (an index into CLASSES): above a limit only when its lowest count is, below only
    when its highest is. Exact rows use the Poisson (binomial) CDF: a count lies above the q-quantile exactly
    when F(count - 1) >= q, below it when F(count) < q; widened rows compare on the stabilised scale."""
    n = len(sizes)
    cdf_below_low, cdf_at_high = np.full(n, np.nan), np.full(n, np.nan)
    lo, hi, size, p0 = low[exact], high[exact], sizes[exact], pooled[exact]
    if binomial:
        size = np.round(size).astype(np.int64)
        cdf_below_low[exact] = np.where(lo > 0, special.bdtr(np.maximum(lo - 1, 0), size, p0), 0.0)
        cdf_at_high[exact] = np.where(hi < size, special.bdtr(np.minimum(hi, size), size, p0), 1.0)
    else:
        cdf_below_low[exact] = np.where(lo > 0, special.pdtr(np.maximum(lo - 1, 0), p0 * size), 0.0)
        cdf_at_high[exact] = special.pdtr(hi, p0 * size)
    y_low, target, within_var, _ = _stabilised(low, sizes, pooled, binomial)
    y_high = _stabilised(high, sizes, pooled, binomial)[0]
    codes = np.full(n, CLASSES.index("within"), dtype=np.int8)
    for level, above, below in ((0.95, 1, 3), (0.998, 0, 4)):
        tail = (1 - level) / 2
        half = _half_width(level, within_var, multiplier, additive)
        with np.errstate(invalid="ignore"):
            codes[np.where(exact, cdf_below_low >= 1 - tail, y_low > target + half)] = above
            codes[np.where(exact, cdf_at_high < tail, y_high < target - half)] = below
    return codes


def _usable(rates: pd.DataFrame) -> pd.DataFrame:
    keep = has_exposure(rates) & rates["value"].notna()
    if "ci_low" in rates:
        keep &= rates["ci_low"].notna()
    return rates[keep].reset_index(drop=True)


def _observed_rate(rows: pd.DataFrame, counts: np.ndarray) -> pd.Series:
    fallback = pd.Series(counts / rows["exposure"].to_numpy(dtype=float) * PER_10K, index=rows.index)
    for column in ("rate_per_10k", "annual_rate_per_10k"):
        if column in rows:
            fallback = rows[column].astype(float).fillna(fallback)
    return fallback


def funnel_table(
    rates: pd.DataFrame,
    by=FUNNEL_GROUPS,
    adjustment: str = "random_effects",
    min_units: int = 10,
    small_count: int = 10,
    limits: bool = True,
    additive_from: int = MIN_UNITS_ADDITIVE,
) -> pd.DataFrame:
    """Funnel classification of every row against its group (by default each metric and period), all groups
    at once; rows without a positive exposure (or, when the column exists, without a count interval) are left out.

    Adds per row: count_low, count_high, expected, z, observed_rate, pooled_rate (per 10,000), n_units, phi,
    chi2_p, tau2, overdispersed, adjustment (what the limits used), classified, classification (categorical),
    small_count and, with limits=True, lower_95 … upper_99.8 (NaN where not classified). phi and chi2_p are NaN
    in groups of fewer than MIN_UNITS units, tau2 in groups of fewer than additive_from (never below MIN_UNITS);
    there "random_effects" limits are multiplicative (√φ) instead. Exact-Poisson classes come from the Poisson
    CDF at the counts, so the limits (slow quantiles) are computed only when asked for."""
    out = _usable(rates)
    counts = out["value"].to_numpy(dtype=float).round()
    out = _place(
        out,
        counts,
        out["exposure"].to_numpy(dtype=float),
        by,
        adjustment,
        min_units,
        small_count,
        limits,
        binomial=False,
        additive_from=additive_from,
    )
    out.insert(
        out.columns.get_loc("z"), "expected", out["pooled_rate"].to_numpy() / PER_10K * out["exposure"].to_numpy()
    )
    out["observed_rate"] = _observed_rate(out, counts)
    return out


def _dispersion(z, within_var, gid, n_g, groups, additive_from):
    """Per group: φ, the χ² test's p, whether it rejects, and the DerSimonian-Laird τ². φ and p are NaN below
    MIN_UNITS units, τ² below additive_from; τ² is 0 where the test does not reject."""
    estimable = n_g >= MIN_UNITS
    phi_g = np.bincount(gid, _winsorise_groups(z, gid, n_g) ** 2, groups) / np.maximum(n_g, 1)
    phi_g = np.where(estimable, phi_g, np.nan)
    p_g = np.where(estimable, dispersion_test_p(phi_g, n_g), np.nan)
    with np.errstate(invalid="ignore"):
        over_g = estimable & (p_g < OVERDISPERSION_ALPHA)
    with np.errstate(divide="ignore"):
        w = np.where(within_var > 0, 1 / within_var, 0.0)
    tau2_g = dersimonian_laird_tau2(phi_g, n_g, np.bincount(gid, w, groups), np.bincount(gid, w**2, groups))
    tau2_g = np.where(n_g >= max(additive_from, MIN_UNITS), np.where(over_g, tau2_g, 0.0), np.nan)
    return phi_g, p_g, over_g, tau2_g


def _applied(adjustment: str, over_g, n_g, additive_from) -> np.ndarray:
    """Index into ADJUSTMENTS of what each group's limits use: exact ("none") unless the χ² test found
    overdispersion; "random_effects" becomes "multiplicative" below additive_from units."""
    wanted = np.full(len(n_g), ADJUSTMENTS.index(adjustment))
    if adjustment == "random_effects":
        wanted = np.where(n_g >= additive_from, wanted, ADJUSTMENTS.index("multiplicative"))
    return np.where(over_g, wanted, ADJUSTMENTS.index("none")).astype(np.int8)


def _place(
    out, counts, sizes, by, adjustment, min_units, small_count, limits, binomial, additive_from=MIN_UNITS_ADDITIVE
) -> pd.DataFrame:
    """The funnel columns for rows of counts out of sizes (exposures or trials), grouped by the columns `by`."""
    if adjustment not in ADJUSTMENTS:
        raise CompareError(f"The funnel adjustment must be one of {', '.join(ADJUSTMENTS)}, not {adjustment!r}.")
    gid = _group_ids(out, by)
    groups = int(gid.max()) + 1 if len(gid) else 0
    n_g = np.bincount(gid, minlength=groups)
    pooled_g = np.bincount(gid, counts, groups) / np.bincount(gid, sizes, groups)
    pooled = pooled_g[gid]
    _, _, within_var, z = _stabilised(counts, sizes, pooled, binomial)
    z = np.where(np.isfinite(z), z, 0.0)  # a group of zero counts (or all successes) varies not at all
    phi_g, p_g, over_g, tau2_g = _dispersion(z, within_var, gid, n_g, groups, additive_from)
    applied_g = _applied(adjustment, over_g, n_g, additive_from)
    exact_g, multiplier_g, additive_g = _widening(np.asarray(ADJUSTMENTS)[applied_g], phi_g, tau2_g)
    classified = (n_g >= min_units)[gid]
    low, high = _count_range(out, counts)
    exact, multiplier, additive = exact_g[gid], multiplier_g[gid], additive_g[gid]
    codes = _classify(low, high, sizes, pooled, exact, multiplier, additive, binomial)
    codes[~classified] = CLASSES.index(NOT_CLASSIFIED)
    out["count_low"], out["count_high"], out["z"] = low, high, z
    out["pooled_rate"] = pooled * (100 if binomial else PER_10K)
    out["n_units"], out["phi"], out["chi2_p"], out["tau2"] = n_g[gid], phi_g[gid], p_g[gid], tau2_g[gid]
    out["overdispersed"], out["classified"] = over_g[gid], classified
    out["adjustment"] = pd.Categorical.from_codes(applied_g[gid], categories=list(ADJUSTMENTS))
    out["classification"] = pd.Categorical.from_codes(codes, categories=CLASSES)
    out["small_count"] = low < small_count
    if limits:
        bounds = _limits(pooled, sizes, exact, multiplier, additive, binomial)
        bounds.loc[~classified] = np.nan
        out = pd.concat([out, bounds], axis=1)
    return out


def p_words(p: float) -> str:
    """A p-value as words: "p < 0.001" below a thousandth, else two significant figures."""
    return "p not computed" if not np.isfinite(p) else "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _method(adjustment: str, first: pd.Series, min_units: int, exact: str, additive_from: int) -> str:
    n = int(first["n_units"])
    if not first["classified"]:
        return f"no limits: {n} units, fewer than the minimum of {min_units}"
    if not np.isfinite(first["phi"]):
        return f"exact {exact}, overdispersion not estimated ({n} units, fewer than {MIN_UNITS}), {LIMIT_WORDS}"
    if first["adjustment"] == "random_effects":
        return (
            f"additive random effects (DerSimonian-Laird τ², 10% Winsorised φ; τ² used from {additive_from} units), "
            f"{LIMIT_WORDS}"
        )
    if first["adjustment"] == "multiplicative":
        fewer = f"; τ² not used below {additive_from} units" if n < additive_from else ""
        return f"multiplicative overdispersion (limits widened by √φ, 10% Winsorised φ{fewer}), {LIMIT_WORDS}"
    if adjustment == "none":
        return f"exact {exact}, no overdispersion adjustment, {LIMIT_WORDS}"
    return f"exact {exact} (χ² test found no overdispersion, {p_words(first['chi2_p'])}), {LIMIT_WORDS}"


def _note(first: pd.Series, min_units: int, exact: str, additive_from: int) -> str:
    n, phi, p, tau2 = int(first["n_units"]), first["phi"], first["chi2_p"], first["tau2"]
    if not first["classified"]:
        return (
            f"Only {n} units share this window, fewer than the {min_units} a funnel needs, so no unit is "
            f"classified and only their intervals are shown."
        )
    if not np.isfinite(phi):
        return (
            f"Only {n} units share this window, too few to estimate whether they vary more than chance allows "
            f"(that needs {MIN_UNITS}), so the limits are exact {exact} and allow for chance alone."
        )
    varies = f"The units vary more than chance allows (φ = {phi:.3g}, χ² {p_words(p)})"
    if first["adjustment"] == "random_effects":
        return f"{varies}, so the limits add the between-unit variance τ² = {tau2:.3g}."
    if first["adjustment"] == "multiplicative":
        if n < additive_from:
            return (
                f"{varies}, so the limits widen by √φ; with fewer than {additive_from} units the between-unit "
                f"variance τ² is too unstable to add."
            )
        return f"{varies}, so the limits widen by √φ."
    if first["overdispersed"]:
        return f"{varies}, but the limits were not widened."
    return f"The units vary as chance allows (φ = {phi:.3g}, χ² {p_words(p)}), so the limits are exact {exact}."


def _one_window(
    table: pd.DataFrame, adjustment: str, min_units: int, unit: str, exact: str, additive_from: int
) -> Funnel:
    if table.empty:
        raise CompareError("A funnel needs at least one unit with a count and a denominator; none was given.")
    table = table.astype({"classification": str, "adjustment": str})
    first = table.iloc[0]
    return Funnel(
        table=table,
        pooled_rate=float(first["pooled_rate"]),
        n_units=int(first["n_units"]),
        phi=float(first["phi"]),
        chi2_p=float(first["chi2_p"]),
        tau2=float(first["tau2"]),
        method=_method(adjustment, first, min_units, exact, additive_from),
        classified=bool(first["classified"]),
        note=_note(first, min_units, exact, additive_from),
        adjustment=str(first["adjustment"]),
        overdispersed=bool(first["overdispersed"]),
        min_units=min_units,
        unit=unit,
        additive_from=additive_from,
    )


def _one_row_per_unit(units: pd.DataFrame) -> None:
    if units["district_code"].duplicated().any():
        raise CompareError("A funnel takes one row per unit; choose one period per district first.")


def funnel(
    units: pd.DataFrame,
    adjustment: str = "random_effects",
    min_units: int = 10,
    small_count: int = 10,
    additive_from: int = MIN_UNITS_ADDITIVE,
) -> Funnel:
    """Place each unit (one row per district, all in one comparison window) on a funnel around the pooled rate.

    Parameters
    ----------
    units : DataFrame
        district_code, value (the count), exposure, and optionally annual_rate_per_10k / rate_per_10k and
        count_low / count_high (the range of counts the report's words allow).
    adjustment : {"random_effects", "multiplicative", "none"}
        How limits widen when the χ² test finds overdispersion; "none" keeps exact Poisson limits.
        "random_effects" adds τ² only from additive_from units and widens by √φ below that. Below MIN_UNITS
        (10) units φ, its test and τ² are not estimated (NaN) and limits are never widened.
    min_units : int
        Below this many units nothing is classified and no limits are given.
    small_count : int
        Units whose lowest count is below this are flagged small_count.
    additive_from : int
        Fewest units from which τ² is estimated and used (MIN_UNITS_ADDITIVE, from benchmarks/dispersion.py).

    Returns
    -------
    Funnel
    """
    _one_row_per_unit(units)
    table = funnel_table(
        units, by=[], adjustment=adjustment, min_units=min_units, small_count=small_count, additive_from=additive_from
    )
    return _one_window(table, adjustment, min_units, "per 10,000", "Poisson", additive_from)


def proportion_funnel(
    units: pd.DataFrame,
    adjustment: str = "random_effects",
    min_units: int = 10,
    small_count: int = 10,
    additive_from: int = MIN_UNITS_ADDITIVE,
) -> Funnel:
    """Place each unit's proportion (successes out of trials) on a funnel around the pooled proportion.

    Exact binomial limits, or on the arcsin √p scale (s² = 1/(4n)) the same Winsorised φ, χ² test and
    DerSimonian-Laird τ² as the rate funnel. Rates and limits are percentages (Funnel.unit "%").

    Parameters
    ----------
    units : DataFrame
        district_code, value (successes), trials, and optionally count_low / count_high (the range of successes
        the words allow); ci_low / ci_high (percent) default to the Wilson 95% interval.
    adjustment, min_units, small_count, additive_from
        As for funnel.

    Returns
    -------
    Funnel
    """
    _one_row_per_unit(units)
    keep = units["trials"].notna() & units["trials"].gt(0) & units["value"].notna()
    out = units[keep].reset_index(drop=True)
    successes, trials = out["value"].to_numpy(float).round(), out["trials"].to_numpy(float).round()
    if np.any(successes > trials):
        raise CompareError("A proportion's numerator cannot exceed its denominator; check the successes and trials.")
    if "ci_low" not in out:
        low, high = wilson_interval(successes, trials)
        out["ci_low"], out["ci_high"] = low * 100, high * 100
    out["observed_rate"] = successes / trials * 100
    out = _place(
        out, successes, trials, [], adjustment, min_units, small_count, True, binomial=True, additive_from=additive_from
    )
    out.insert(out.columns.get_loc("z"), "expected", out["pooled_rate"].to_numpy() / 100 * trials)
    return _one_window(out, adjustment, min_units, "%", "binomial", additive_from)


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
    method = (
        f"Wald on the log scale, between-unit variance added (τ² = {tau2:.3g})"
        if tau2 > 0
        else f"Wald on the log scale, variance × φ = {phi:.3g} (quasi-Poisson)"
    )
    if count1 == 0 or count2 == 0:
        ratio = 0.0 if count1 == 0 else np.inf
        return RateRatio(ratio, np.nan, np.nan, np.nan, method, "one count is zero: no overdispersed interval")
    log_ratio = np.log(count1 / exposure1) - np.log(count2 / exposure2)
    within = 1 / count1 + 1 / count2
    se = np.sqrt(within + 8 * tau2) if tau2 > 0 else np.sqrt(phi * within)
    z = stats.norm.ppf(1 - alpha / 2)
    return RateRatio(
        float(np.exp(log_ratio)),
        float(np.exp(log_ratio - z * se)),
        float(np.exp(log_ratio + z * se)),
        float(2 * stats.norm.sf(abs(log_ratio) / se)),
        method,
    )


def rate_ratio(
    count1: float,
    exposure1: float,
    count2: float,
    exposure2: float,
    alpha: float = 0.05,
    phi: float = 1.0,
    tau2: float = 0.0,
) -> RateRatio:
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
        The window's overdispersion; unless phi > 1 or tau2 > 0 (NaN, not estimated, is neither) the interval
        and p-value are exact conditional (Clopper-Pearson on count1 given the total), otherwise Wald on the
        log scale, widened.

    Returns
    -------
    RateRatio
    """
    count1, count2 = round(float(count1)), round(float(count2))
    if count1 == 0 and count2 == 0:
        raise CompareError("Both counts are zero, so they have no rate ratio.")
    if not (phi > 1 or tau2 > 0):  # NaN (not estimated) is neither
        return _exact_rate_ratio(count1, exposure1, count2, exposure2, alpha)
    return _widened_rate_ratio(count1, exposure1, count2, exposure2, alpha, phi, tau2)


PAIR_LABELS = ("district_zh", "district_en", "period")


def _period_keys(units: pd.DataFrame) -> pd.Series:
    """What a unit's period is, as one comparable value: its start and end dates, else its label."""
    if "period_start" in units and "period_end" in units:
        return units["period_start"].astype(str) + "/" + units["period_end"].astype(str)
    if "period" in units:
        return units["period"].astype(str)
    return pd.Series("", index=units.index)


def _no_ratio(pair: dict, note: str) -> dict:
    return {**pair, "rate_ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "method": "",
            "note": note}  # fmt: skip


def rate_ratios(units: pd.DataFrame, phi: float = 1.0, alpha: float = 0.05, tau2: float = 0.0) -> pd.DataFrame:
    """Rate ratios between every two units of one period (one row per unit, one window), with Holm-adjusted
    p-values.

    Columns: district_a, district_b (and their names and periods when given), count_a, count_b, rate_ratio,
    ci_low, ci_high, p_value, p_holm (statsmodels multipletests "holm" over the pairs with a p-value),
    method and note: "both counts are zero: no ratio" instead of an error, and "different periods: not
    compared" for two units whose periods (period_start and period_end, else period) differ. Widening
    (phi > 1 or tau2 > 0) needs MIN_UNITS units, from which φ can be estimated; below that it is refused."""
    if units["district_code"].duplicated().any():
        raise CompareError("Rate ratios take one row per unit; choose one period per district first.")
    if len(units) < 2:
        raise CompareError("Rate ratios need at least two units in the window.")
    if len(units) < MIN_UNITS and (phi > 1 or tau2 > 0):
        raise CompareError(
            f"Rate ratios are widened for between-unit variation only from {MIN_UNITS} units, where it can be "
            f"estimated; compare these {len(units)} exactly (phi=1, tau2=0)."
        )
    labels = [c for c in PAIR_LABELS if c in units]
    periods = _period_keys(units)
    rows = []
    for (i, a), (j, b) in combinations(units.iterrows(), 2):
        pair = {
            "district_a": a["district_code"],
            "district_b": b["district_code"],
            **{f"{c}_a": a[c] for c in labels},
            **{f"{c}_b": b[c] for c in labels},
            "count_a": round(a["value"]),
            "count_b": round(b["value"]),
        }
        if periods[i] != periods[j]:
            rows.append(_no_ratio(pair, OTHER_PERIOD))
            continue
        if pair["count_a"] == 0 and pair["count_b"] == 0:
            rows.append(_no_ratio(pair, "both counts are zero: no ratio"))
            continue
        rr = rate_ratio(a["value"], a["exposure"], b["value"], b["exposure"], alpha=alpha, phi=phi, tau2=tau2)
        rows.append(
            {
                **pair,
                "rate_ratio": rr.rate_ratio,
                "ci_low": rr.ci_low,
                "ci_high": rr.ci_high,
                "p_value": rr.p_value,
                "method": rr.method,
                "note": rr.note,
            }
        )
    out = pd.DataFrame(rows)
    tested = out["p_value"].notna().to_numpy()
    out["p_holm"] = np.nan
    if tested.any():
        out.loc[tested, "p_holm"] = multipletests(out.loc[tested, "p_value"].to_numpy(), method="holm")[1]
    return out[[c for c in out if c not in ("method", "note")] + ["method", "note"]]


def funnel_rate_ratios(funnel_fit: Funnel, alpha: float = 0.05) -> pd.DataFrame:
    """Pairwise rate ratios of a funnel's units of one period, widened by its φ only when the χ² test found
    overdispersion (never below MIN_UNITS units, where φ is not estimated): otherwise exact conditional."""
    return rate_ratios(funnel_fit.table, phi=funnel_fit.phi if funnel_fit.overdispersed else 1.0, alpha=alpha)
