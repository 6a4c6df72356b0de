"""Change over time for one district and metric.

periods       only dated, closed flow periods enter changes and the trend model. Where they overlap (Q1, H1 and
              the year of one district and metric), the finest non-overlapping set covering the most days is
              kept for the change table (weighted interval scheduling: most days first, then most periods) and
              the rest set aside, so no event is counted twice. Undated and open-period flows are listed, never
              used; stocks are rates at a date and get no trend model.
change table  every observation, with `comparable_rate` (the annual rate of a dated flow, the rate of a dated
              stock, empty otherwise), the change on the previous used period (for a flow only when that period
              has the same span: never a part-year against a full year, nor a multi-year total against one
              year) and on the same period a year earlier (percent), `change_qualifier` ("at least", "at most",
              "about") when a count is a bound or approximate, and `trend_use` saying whether and why a row is used
trend model   only from MIN_ANNUAL_POINTS (five) or more annual points: full calendar years, one per year (the
              Fingertips rule for trend markers). Quasi-Poisson: Poisson GLM, log link, offset log(exposure in
              resident-years), on the period's midpoint in years; the scale φ = max(1, Pearson χ² / (n - 2)) (never
              narrower than plain Poisson) widens the standard error by √φ and the interval uses t quantiles on
              n - 2 degrees of freedom (statsmodels GLM fit(scale=φ, use_t=True)). exp(slope) - 1 is the annual
              rate of change.
same span     without a trend model, the change between the latest two non-overlapping periods of the same span
              (2021 and 2022; 2021H1 and 2022H1; the same calendar days a whole number of years apart) as a rate
              ratio, later to earlier, on resident-years, with an exact conditional interval (SpanChange)
degenerate    too few annual points, all zero, events in one period only, an exact fit, or no two periods of
              the same span: a reason CODE with its numeric fields (no_model_code, span_change_code), which
              the sentence catalogue words in each language (key reason.<code>); never a number
derived       a report's own year-on-year percentage gives the previous year's value
              value / (1 + pct / 100), marked derived
"""

from __future__ import annotations

import warnings
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning
from statsmodels.tools.tools import add_constant

from ..data.periods import years_between
from ..data.population import DEFAULT_DENOMINATOR
from ..data.tables import Dataset
from ..errors import CompareError
from .comparisons import rate_ratio
from .rates import PER_10K, count_range, has_exposure, rate_table

ALPHA = 0.05
METHOD = "quasi-Poisson GLM (scale φ = max(1, Pearson χ²/df), t interval)"
MIN_PERIODS = 3  # the model's own minimum: one residual degree of freedom to estimate φ from
MIN_ANNUAL_POINTS = 5  # a trend is stated only from this many annual points (Fingertips)
RATIO_METHOD = (
    "exact conditional: Clopper-Pearson interval of the later count given both, as a rate ratio; "
    "p from statsmodels test_poisson_2indep exact-cond"
)
USED = "used"
OTHER_DEFINITION = "not used: counted another way"
STOCK = "stock: rate at a date"
NO_DATES = "not used: no dates"
NO_END = "not used: no end date"
BOUND_WORDS = {"at_least": "at least", "at_most": "at most", "approx": "about"}
CHANGE_COLUMNS = [  # the change table as shown: every row, its comparable rate, its changes and its use
    "period", "value", "qualifier", "comparable_rate", "ci_low", "ci_high", "change_on_previous_pct",
    "change_qualifier", "change_on_year_before_pct", "trend_use", "flags",
]  # fmt: skip
TREND_COLUMNS = [
    "district_code",
    "metric_id",
    "annual_change_pct",
    "ci_low_pct",
    "ci_high_pct",
    "p_value",
    "periods",
    "phi",
    "df",
    "slope",
    "pearson_chi2",
    "converged",
    "method",
    "set_aside",
    "reason",
]


class TrendNotEstimable(CompareError):
    """A series from which no rate of change can honestly be estimated. `code` says why (too_few_periods,
    bad_count, all_zero, one_nonzero, exact_fit) and `fields` hold its numbers; the words, in each language, are
    the sentence catalogue's (reason.<code>); statistics imports nothing from the layers above it."""

    def __init__(self, code: str, **fields):
        self.code, self.fields = code, fields
        details = ", ".join(f"{k}={v}" for k, v in fields.items())
        super().__init__(f"No trend estimated: {code}" + (f" ({details})" if details else ""))


@dataclass(frozen=True)
class TrendFit:
    """A quasi-Poisson trend: annual change in percent with its (1 - alpha) interval, φ and its df."""

    annual_change_pct: float
    ci_low_pct: float
    ci_high_pct: float
    p_value: float
    periods: int
    phi: float
    df: int
    alpha: float
    slope: float
    pearson_chi2: float
    method: str = METHOD
    intercept: float = np.nan  # log rate per resident-year at time_centre
    time_centre: float = np.nan  # mean period midpoint (decimal years)

    @property
    def confidence_label(self) -> str:
        """'95% CI' for alpha 0.05."""
        return f"{100 * (1 - self.alpha):g}% CI"

    @property
    def pearson_phi(self) -> float:
        """Pearson χ² / df before the floor: below 1 the counts vary less than chance would make them."""
        return self.pearson_chi2 / self.df

    def rate_per_10k(self, time) -> np.ndarray:
        """The fitted annual rate per 10,000 residents at `time` (decimal years)."""
        return np.exp(self.intercept + self.slope * (np.asarray(time, float) - self.time_centre)) * PER_10K


@dataclass(frozen=True)
class SpanChange:
    """The change between two non-overlapping periods of the same span: the later period's rate over the
    earlier's (resident-years), with its exact (1 - alpha) interval and two-sided p-value.

    When a report's words allow a range of counts (36000余, 约3万) the lower limit is taken at the lowest later
    and highest earlier count, the upper at the opposite ends, so the interval covers the rounding and chance
    (as compare.stats.rates.poisson_interval does for one rate). `events` False: not a count of chance events,
    so the ratio has no interval (NaN)."""

    earlier: str
    later: str
    earlier_count: float
    later_count: float
    earlier_exposure: float
    later_exposure: float
    earlier_qualifier: str
    later_qualifier: str
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    alpha: float
    events: bool = True
    method: str = RATIO_METHOD

    @property
    def exact_counts(self) -> bool:
        return self.earlier_qualifier in ("", "exact") and self.later_qualifier in ("", "exact")


@dataclass(frozen=True)
class Trend:
    """Everything known about one district's metric over time (see the module docstring).

    model / no_model_code: the trend over the annual points `model_rows`, or why there is none (stock,
    few_annual_points, all_zero, one_nonzero, exact_fit, bad_count; numbers in no_model_fields). span_change /
    span_change_code: without a model, the latest same-span change of a flow, or why there is none (no_same_span,
    both_zero, bad_count; '' when there is one, or when a model exists or the metric is a stock)."""

    changes: pd.DataFrame
    model: TrendFit | None
    no_model_code: str
    no_model_fields: dict
    derived: pd.DataFrame
    kind: str
    model_rows: tuple = ()  # index labels in `changes` of the annual points the model was fitted to
    span_change: SpanChange | None = None
    span_change_code: str = ""

    @property
    def set_aside(self) -> pd.DataFrame:
        """Rows the change table lists but leaves out of its change on the previous period (overlapping, undated
        or open periods), with the reason. An overlapping full year can still be an annual point of the trend, and
        any dated period one side of a same-span change: those sentences name the periods they use."""
        return self.changes[self.changes["trend_use"] != USED]


# ---------------------------------------------------------------- overlapping periods


def finest_cover(start_day: np.ndarray, end_day: np.ndarray) -> np.ndarray:
    """Boolean mask of the closed spans [start_day, end_day] to keep: no two kept spans share a day, the kept
    spans cover the most days, and among equal covers the most spans (the finest). Ties keep the earlier row.

    Weighted interval scheduling by dynamic programming over spans sorted by end (O(n log n))."""
    start_day, end_day = np.asarray(start_day, np.int64), np.asarray(end_day, np.int64)
    order = np.lexsort((np.arange(len(end_day)), start_day, end_day))
    ends = end_day[order].tolist()
    best = [(0, 0)]  # (days covered, spans) using the first k spans in `order`
    take = []
    for k, i in enumerate(order):
        before = bisect_left(ends, start_day[i], 0, k)  # spans ending before this one starts
        days, spans = best[before]
        candidate = (days + int(end_day[i] - start_day[i]) + 1, spans + 1)
        take.append((candidate > best[k], before))
        best.append(max(best[k], candidate))
    keep = np.zeros(len(order), dtype=bool)
    k = len(order)
    while k > 0:
        taken, before = take[k - 1]
        if taken:
            keep[order[k - 1]] = True
            k = before
        else:
            k -= 1
    return keep


def _days(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy("datetime64[D]").astype(np.int64)


def overlap_use(rows: pd.DataFrame, labels: pd.Series) -> pd.Series:
    """For dated closed flow rows of one series: 'used', or 'set aside: overlaps <kept periods>'."""
    keep = finest_cover(_days(rows["period_start"]), _days(rows["period_end"]))
    use = pd.Series(USED, index=rows.index, dtype=object)
    kept = rows[keep]
    for idx in rows.index[~keep]:
        hit = kept[
            (kept["period_start"] <= rows.at[idx, "period_end"]) & (kept["period_end"] >= rows.at[idx, "period_start"])
        ]
        use[idx] = f"set aside: overlaps {', '.join(labels[hit.index])}"
    return use


def resolve_overlaps_batched(rows: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Mask of rows kept after finest_cover within each group of `keys`; rows sorted by keys and period_start.
    Groups without any overlap (checked vectorised) are kept whole; only the others run the dynamic programme."""
    group = rows.groupby(keys, sort=False, observed=True).ngroup().to_numpy()
    start, end = _days(rows["period_start"]), _days(rows["period_end"])
    reach = pd.Series(end).groupby(group).cummax().groupby(group).shift(1).to_numpy()
    overlapping = np.unique(group[start <= np.nan_to_num(reach, nan=-np.inf)])
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])  # groups are contiguous: rows are sorted by keys
    bounds = np.r_[first, len(rows)]
    keep = np.ones(len(rows), dtype=bool)
    for g in overlapping:
        span = slice(bounds[g], bounds[g + 1])
        keep[span] = finest_cover(start[span], end[span])
    return keep


# ---------------------------------------------------------------- the model


def midpoint_years(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Midpoint of each span as a decimal year (2021-07-01 is about 2021.5)."""
    mid = start + (end - start) / 2
    return (mid.dt.year + (mid.dt.day_of_year - 1) / np.where(mid.dt.is_leap_year, 366, 365)).to_numpy(float)


def trend_obstacle(counts) -> tuple[str, dict] | None:
    """Why no rate of change can be estimated from these per-period counts: a reason code and its numeric
    fields (None when one can)."""
    counts = np.asarray(counts, float)
    n, nonzero = len(counts), int((counts > 0).sum())
    if n < MIN_PERIODS:
        return "too_few_periods", {"min_periods": MIN_PERIODS, "n": n}
    if (counts < 0).any() or not np.isfinite(counts).all():
        return "bad_count", {}
    if nonzero == 0:
        return "all_zero", {"n": n}
    if nonzero == 1:
        return "one_nonzero", {"n": n}
    return None


def exact_fit(pearson_chi2: float, counts) -> bool:
    """Whether the counts sit exactly on the fitted curve (φ = 0: no variation to estimate uncertainty from)."""
    return pearson_chi2 <= 1e-12 * max(1.0, float(np.sum(counts)))


def fit_trend(counts, exposure, time, alpha: float = ALPHA) -> TrendFit:
    """Quasi-Poisson trend of counts over time.

    Parameters
    ----------
    counts : array_like
        Count (or other non-negative total) per period; non-overlapping periods.
    exposure : array_like
        Resident-years per period (the offset is log exposure).
    time : array_like
        Period midpoints in decimal years.
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    TrendFit
        exp(slope) - 1 in percent with its interval from t quantiles on n - 2 df and the standard error
        scaled by √φ, φ = max(1, Pearson χ² / (n - 2)) (statsmodels GLM(Poisson).fit(scale=φ, use_t=True)).
        The floor keeps the interval from being narrower than the plain Poisson one when the counts happen to
        vary less than chance would make them (500, 525, 551: Pearson χ²/df = 0.00002 would give 4.8 to
        5.2% a year); the t quantile stays, since φ is still estimated from n - 2 degrees of freedom.

    Raises
    ------
    TrendNotEstimable
        Fewer than three periods, all zero, one non-zero period, or an exact fit.

    Notes
    -----
    This is the estimator alone; a trend is stated (trend()) only from MIN_ANNUAL_POINTS annual points.
    """
    counts = np.asarray(counts, float)
    obstacle = trend_obstacle(counts)
    if obstacle:
        raise TrendNotEstimable(obstacle[0], **obstacle[1])
    time = np.asarray(time, float)
    centre = float(time.mean())
    design = add_constant(time - centre)
    model = GLM(counts, design, family=families.Poisson(), offset=np.log(np.asarray(exposure, float)))
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):  # an exact fit is reported below
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        pearson = model.fit().pearson_chi2  # the same estimates at any scale; φ comes from their residuals
    if exact_fit(pearson, counts):
        raise TrendNotEstimable("exact_fit")
    floored = pearson / (len(counts) - 2) < 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        result = model.fit(scale=1.0 if floored else "X2", use_t=True)  # scale = max(1, Pearson χ²/df)
    slope = float(result.params[1])
    low, high = result.conf_int(alpha=alpha)[1]
    return TrendFit(
        annual_change_pct=float(np.expm1(slope) * 100),
        ci_low_pct=float(np.expm1(low) * 100),
        ci_high_pct=float(np.expm1(high) * 100),
        p_value=float(result.pvalues[1]),
        periods=len(counts),
        phi=float(result.scale),
        df=int(result.df_resid),
        alpha=alpha,
        slope=slope,
        pearson_chi2=float(pearson),
        intercept=float(result.params[0]),
        time_centre=centre,
    )


def _dated_flows(rates: pd.DataFrame) -> pd.DataFrame:
    closed = rates["period_start"].notna() & rates["period_end"].notna() & has_exposure(rates)
    if "years" in rates:
        closed &= rates["years"].notna()  # stocks have no span in years
    return rates[closed]


def _irls(y, exposure, x, w, tolerance, max_iter):
    """Batched Newton-Raphson (= IRLS for the canonical log link) of log mu = log exposure + b0 + b1 x."""
    offset = np.log(np.where(w > 0, exposure, 1.0))
    b0 = np.log(np.maximum((y * w).sum(1), 1e-300) / (exposure * w).sum(1))
    b1 = np.zeros(len(y))
    converged = np.zeros(len(y), dtype=bool)
    for _ in range(max_iter):
        mu = np.exp(offset + b0[:, None] + b1[:, None] * x) * w
        u0, u1 = (y - mu).sum(1), (x * (y - mu)).sum(1)
        i00, i01, i11 = mu.sum(1), (mu * x).sum(1), (mu * x * x).sum(1)
        det = i00 * i11 - i01**2
        d0, d1 = (i11 * u0 - i01 * u1) / det, (i00 * u1 - i01 * u0) / det
        b0, b1 = b0 + d0, b1 + d1
        converged = (np.abs(d0) < tolerance * (1 + np.abs(b0))) & (np.abs(d1) < tolerance * (1 + np.abs(b1)))
        if converged.all():
            break
    mu = np.exp(offset + b0[:, None] + b1[:, None] * x) * w
    i00, i01, i11 = mu.sum(1), (mu * x).sum(1), (mu * x * x).sum(1)
    se = np.sqrt(i00 / (i00 * i11 - i01**2))
    pearson = (np.where(w > 0, (y - mu) ** 2 / np.where(mu > 0, mu, 1.0), 0.0)).sum(1)
    return b1, se, pearson, converged


def fit_trends(
    rates: pd.DataFrame,
    min_periods: int = MIN_PERIODS,
    tolerance: float = 1e-12,
    max_iter: int = 50,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """fit_trend for every district and metric at once: the same quasi-Poisson GLM (log link, log-exposure
    offset, centred time, φ = max(1, Pearson χ²/(n - 2)), t quantiles on n - 2 df), fitted by batched IRLS over
    all pairs together instead of one statsmodels fit per pair. Tested to agree with statsmodels GLM
    fit(scale=φ) on every pair (tests/test_trends.py).

    The estimator alone, for bulk work (benchmarks): it fits any min_periods dated periods, while a trend is
    stated (trend()) only from MIN_ANNUAL_POINTS full calendar years. Uses dated, closed flow periods only
    (stocks and undated or open periods are left out) and resolves overlapping periods within a pair with
    finest_cover. One row per pair with min_periods or more such periods, columns TREND_COLUMNS: `set_aside`
    counts overlapping rows left out; a pair whose series is degenerate has empty estimates, an empty
    `converged` and its `reason` code (all_zero, one_nonzero, exact_fit; '' when fitted)."""
    keys = ["district_code", "metric_id"]
    usable = _dated_flows(rates).sort_values([*keys, "period_start", "period_end"])
    keep = resolve_overlaps_batched(usable, keys)
    set_aside = pd.Series(~keep, index=usable.index).groupby([usable[k] for k in keys], sort=False, observed=True).sum()
    usable = usable[keep]
    sizes = usable.groupby(keys, sort=False, observed=True).size()
    usable = usable[np.repeat(sizes.to_numpy() >= min_periods, sizes.to_numpy())]
    sizes = sizes[sizes >= min_periods]
    if sizes.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    groups, width, n = len(sizes), int(sizes.max()), sizes.to_numpy()
    row = np.repeat(np.arange(groups), n)
    col = np.arange(len(usable)) - np.repeat(np.cumsum(n) - n, n)
    y, exposure, t, w = (np.zeros((groups, width)) for _ in range(4))
    y[row, col] = usable["value"].to_numpy(float)
    exposure[row, col] = usable["exposure"].to_numpy(float)
    t[row, col] = midpoint_years(usable["period_start"], usable["period_end"])
    w[row, col] = 1.0
    x = (t - (t * w).sum(1, keepdims=True) / w.sum(1, keepdims=True)) * w
    nonzero = ((y > 0) & (w > 0)).sum(1)
    reason = np.select([nonzero == 0, nonzero == 1], ["all_zero", "one_nonzero"], "").astype(object)
    fit = reason == ""
    b1, se, pearson, converged = (np.full(groups, np.nan) for _ in range(4))
    if fit.any():
        b1[fit], se[fit], pearson[fit], converged[fit] = _irls(
            y[fit], exposure[fit], x[fit], w[fit], tolerance, max_iter
        )
    df = n - 2
    phi = np.maximum(1.0, pearson / df)  # never narrower than plain Poisson (see fit_trend)
    exact = fit & (pearson <= 1e-12 * np.maximum(1.0, y.sum(1)))
    reason[exact] = "exact_fit"
    fit &= ~exact
    quasi_se = np.where(fit, se * np.sqrt(phi), np.nan)
    quantile = stats.t.ppf(1 - alpha / 2, df)
    slope = np.where(fit, b1, np.nan)
    keys_frame = sizes.index.to_frame(index=False)
    return keys_frame.assign(
        annual_change_pct=np.expm1(slope) * 100,
        ci_low_pct=np.expm1(slope - quantile * quasi_se) * 100,
        ci_high_pct=np.expm1(slope + quantile * quasi_se) * 100,
        p_value=2 * stats.t.sf(np.abs(slope / quasi_se), df),
        periods=n,
        phi=np.where(fit, phi, np.nan),
        df=df,
        slope=slope,
        pearson_chi2=np.where(fit, pearson, np.nan),
        converged=pd.Series(np.where(fit, converged, 0).astype(bool), dtype="boolean").mask(~fit).to_numpy(),
        method=METHOD,
        set_aside=set_aside.reindex(sizes.index).to_numpy(int),
        reason=reason,
    )[TREND_COLUMNS]


# ---------------------------------------------------------------- one district's metric


def _row_use(rates: pd.DataFrame, kind: str) -> pd.Series:
    """trend_use of every rate row: used, set aside (overlap), or why it is not on a per-year axis."""
    if kind != "flow":
        return pd.Series(np.where(rates["period_start"].notna(), STOCK, NO_DATES), index=rates.index, dtype=object)
    use = pd.Series(NO_DATES, index=rates.index, dtype=object)
    use[rates["period_start"].notna() & rates["period_end"].isna()] = NO_END
    other = other_definition(rates)
    closed = _dated_flows(rates[~other])
    if not closed.empty:
        use[closed.index] = overlap_use(closed, rates["period"])
    use[other] = OTHER_DEFINITION
    return use


def other_definition(rates: pd.DataFrame) -> pd.Series:
    """Rows counted another way (basis, scope) than most rows of the series (unstated first among equals):
    cases concluded are never set beside cases received, nor a total with court referrals beside one without."""
    if "basis" not in rates or "scope" not in rates or rates.empty:
        return pd.Series(False, index=rates.index)
    definition = rates["basis"].astype(str) + "|" + rates["scope"].astype(str)
    counts = definition.value_counts()
    return definition.ne(sorted(counts[counts == counts.max()].index)[0])


def change_qualifier(earlier: pd.Series, later: pd.Series) -> pd.Series:
    """Words that qualify later / earlier - 1 when either count is a bound or approximate."""
    later_word, earlier_word = later.map(BOUND_WORDS).fillna(""), earlier.map(BOUND_WORDS).fillna("")
    flipped = earlier_word.map({"at least": "at most", "at most": "at least", "about": "about"}).fillna("")
    word = np.where(
        earlier_word == "",
        later_word,
        np.where(later_word == "", flipped, np.where(later_word == flipped, later_word, "about")),
    )
    return pd.Series(word, index=later.index, dtype=object)


def change_table(rates: pd.DataFrame, kind: str = "flow") -> pd.DataFrame:
    """Rates of one district over time with period-on-period and year-on-year change (percent).

    `comparable_rate` is the annual rate of a dated, closed flow period and the rate of a dated stock; undated
    and open flows have none (their un-annualised rate_per_10k is never put on a per-year footing). Changes
    use comparable rates only, and the change on the previous period only rows with trend_use 'used'; for a flow
    only when the previous used period has the same span (span_key), so a part-year is never set beside a full
    year, nor a five-year total beside one year."""
    out = rates.sort_values(["period_start", "period_end"]).reset_index(drop=True).copy()
    out["trend_use"] = _row_use(out, kind)
    out["comparable_rate"] = (
        out["annual_rate_per_10k"] if kind == "flow" else out["rate_per_10k"].where(out["period_start"].notna())
    )
    used = out[out["trend_use"].isin([USED, STOCK])]
    previous = used["comparable_rate"].shift(1)
    if kind == "flow":
        span = span_key(used["period_start"], used["period_end"])
        previous = previous.where(span == span.shift(1))
    out["change_on_previous_pct"] = (used["comparable_rate"] / previous - 1) * 100
    out["change_qualifier"] = (
        change_qualifier(used["qualifier"].shift(1), used["qualifier"]).reindex(out.index).fillna("")
    )
    out.loc[out["change_on_previous_pct"].isna(), "change_qualifier"] = ""
    dated = out[out["comparable_rate"].notna()]
    year_before = dated.assign(
        period_start=dated["period_start"] + pd.DateOffset(years=1),
        period_end=dated["period_end"] + pd.DateOffset(years=1),
        _prev=dated["comparable_rate"],
    )
    year_before = year_before.drop_duplicates(["period_start", "period_end"])
    out = out.merge(year_before[["period_start", "period_end", "_prev"]], on=["period_start", "period_end"], how="left")
    out["change_on_year_before_pct"] = (out["comparable_rate"] / out.pop("_prev") - 1) * 100
    return out


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
    return pairs[
        key
        + ["value", "yoy_pct", "previous_period_start", "previous_period_end", "previous_value", "derived", "quote_pct"]
    ]


def with_previous_rate(derived: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Derived previous-year values with `previous_comparable_rate`: the annual rate of a derived total, on the
    population of the reported period it comes from (NaN for a subset or when that period has no comparable rate)."""
    if derived.empty:
        return derived.assign(previous_comparable_rate=pd.Series(dtype=float))
    key = ["doc_id", "period_start", "period_end"]
    source = changes[changes["comparable_rate"].notna()].drop_duplicates(key)[[*key, "population"]]
    out = derived.merge(source, on=key, how="left")
    years = years_between(out["previous_period_start"], out["previous_period_end"])
    rate = out["previous_value"] / (out["population"] * years) * PER_10K
    out["previous_comparable_rate"] = rate.where(out["subset"] == "")  # a subset's rate is not the total's
    return out.drop(columns="population")


def span_key(start: pd.Series, end: pd.Series) -> pd.Series:
    """A key that periods of the same span share: the same first and last calendar day (a month's last day
    counts as one day, so a February ends alike in leap years) and as many year ends crossed. 2021 and 2022
    share one, as do 2021H1 and 2022H1; 2021H1 and 2021, or 2016-2020 and 2021, do not."""
    last = end.dt.day.where(~end.dt.is_month_end, 99)
    return (
        start.dt.strftime("%m-%d")
        + "/"
        + end.dt.month.astype("Int64").astype(str)
        + "-"
        + last.astype("Int64").astype(str)
        + "/"
        + (end.dt.year - start.dt.year).astype("Int64").astype(str)
    )


def _one_definition_flows(changes: pd.DataFrame) -> pd.DataFrame:
    """The dated, closed flow rows of a change table that count the way the series does."""
    if "trend_use" in changes:
        changes = changes[changes["trend_use"].ne(OTHER_DEFINITION)]
    return _dated_flows(changes)


def annual_points(changes: pd.DataFrame) -> pd.DataFrame:
    """The rows a trend is fitted to: dated flows covering exactly one calendar year, one per year (of two
    reports of the same year, the one the change table uses), in time order."""
    rows = _one_definition_flows(changes)
    start, end = rows["period_start"], rows["period_end"]
    full_year = (
        (start.dt.month == 1) & (start.dt.day == 1) & (end.dt.month == 12) & (end.dt.day == 31)
        & (start.dt.year == end.dt.year)
    )  # fmt: skip
    rows = rows[full_year].sort_values(["period_start", "period_end"], kind="stable")
    return rows[finest_cover(_days(rows["period_start"]), _days(rows["period_end"]))]


def same_span_pair(rows: pd.DataFrame) -> tuple | None:
    """Index labels (earlier, later) of the latest two non-overlapping periods of the same span among dated,
    closed flow rows, or None. Latest: the pair whose later period ends last, then the one with the longer
    span, then the one whose earlier period is the more recent. A period reported twice counts once."""
    rows = rows.sort_values(["period_start", "period_end"], kind="stable").drop_duplicates(
        ["period_start", "period_end"]
    )
    best, best_rank = None, None
    for _, group in rows.groupby(span_key(rows["period_start"], rows["period_end"]), sort=False):
        later = group.iloc[-1]
        earlier = group[group["period_end"] < later["period_start"]]
        if earlier.empty:
            continue
        rank = (later["period_end"], later["period_end"] - later["period_start"], earlier["period_start"].iloc[-1])
        if best_rank is None or rank > best_rank:
            best, best_rank = (earlier.index[-1], later.name), rank
    return best


def _ratio_limits(later: float, later_exposure: float, earlier: float, earlier_exposure: float, alpha: float):
    """The exact conditional rate ratio of later to earlier: compare.stats.comparisons.rate_ratio, which takes
    the Clopper-Pearson interval of the later count given both (statsmodels proportion_confint "beta") and the
    p-value of statsmodels test_poisson_2indep "exact-cond". statsmodels' confint_poisson_2indep has no exact
    method (0.15 lists "exact-cond" as not yet implemented), hence the binomial route; tests/test_trends.py
    checks it against scipy's beta quantiles and binomtest. Returns (ratio, low, high, p)."""
    if later == 0 and earlier == 0:
        return np.nan, 0.0, np.inf, np.nan
    rr = rate_ratio(later, later_exposure, earlier, earlier_exposure, alpha=alpha)
    return rr.rate_ratio, rr.ci_low, rr.ci_high, rr.p_value


def span_change(changes: pd.DataFrame, alpha: float = ALPHA, events: bool = True) -> tuple[SpanChange | None, str]:
    """The change between the latest two non-overlapping periods of the same span of a flow (same_span_pair),
    as a rate ratio on resident-years with an exact conditional interval (none when `events` is False: not a
    count of chance events), or why there is none: a reason code (no_same_span, bad_count, both_zero), or ''
    when fewer than two dated periods leave nothing to compare."""
    rows = _one_definition_flows(changes)
    if len(rows.drop_duplicates(["period_start", "period_end"])) < 2:
        return None, ""
    pair = same_span_pair(rows)
    if pair is None:
        return None, "no_same_span"
    earlier, later = changes.loc[pair[0]], changes.loc[pair[1]]
    counts = np.array([earlier["value"], later["value"]], float)
    if not np.isfinite(counts).all() or (counts < 0).any():
        return None, "bad_count"
    if (counts == 0).all():
        return None, "both_zero"
    e_exp, l_exp = float(earlier["exposure"]), float(later["exposure"])
    ratio, low, high, p_value = _ratio_limits(counts[1], l_exp, counts[0], e_exp, alpha)
    (e_low, l_low), (e_high, l_high) = count_range(counts, [earlier["qualifier"], later["qualifier"]])
    if (e_low, l_low) != (e_high, l_high):  # ranged counts: the interval's ends at the ends of the ranges
        low = _ratio_limits(l_low, l_exp, e_high, e_exp, alpha)[1]
        high = _ratio_limits(l_high, l_exp, e_low, e_exp, alpha)[2]
        p_value = np.nan
    if not events:
        low = high = p_value = np.nan
    return (
        SpanChange(
            earlier=str(earlier["period"]),
            later=str(later["period"]),
            earlier_count=float(counts[0]),
            later_count=float(counts[1]),
            earlier_exposure=e_exp,
            later_exposure=l_exp,
            earlier_qualifier=str(earlier["qualifier"]),
            later_qualifier=str(later["qualifier"]),
            rate_ratio=float(ratio),
            ci_low=float(low),
            ci_high=float(high),
            p_value=float(p_value),
            alpha=alpha,
            events=bool(events),
        ),
        "",
    )


def trend(
    ds: Dataset, metric_id: str, district_code: str, denominator: str = DEFAULT_DENOMINATOR, alpha: float = ALPHA
) -> Trend:
    """One district's metric over time: the change table; for a flow with MIN_ANNUAL_POINTS or more annual
    points the quasi-Poisson trend over them, otherwise (or when the trend cannot be estimated) the latest
    same-span change; reason codes for what is missing; and values derived from reported changes."""
    metric = ds.metric(metric_id)
    kind = metric["kind"]
    rates = rate_table(ds, metric_id, districts=[district_code], level="all", denominator=denominator)
    changes = change_table(rates, kind)
    model, no_model, rows, change, change_code = None, ("", {}), (), None, ""
    if kind != "flow":
        no_model = ("stock", {})
    else:
        points = annual_points(changes)
        if len(points) < MIN_ANNUAL_POINTS:
            no_model = ("few_annual_points", {"n": len(points), "min_points": MIN_ANNUAL_POINTS})
        else:
            try:
                time = midpoint_years(points["period_start"], points["period_end"])
                model = fit_trend(points["value"], points["exposure"], time, alpha)
                rows = tuple(points.index)
            except TrendNotEstimable as exc:
                no_model = (exc.code, exc.fields)
        if model is None:
            change, change_code = span_change(changes, alpha, events=metric["variation"] == "poisson")
    derived = (
        with_previous_rate(derived_previous_year(ds, metric_id, district_code), changes)
        if kind == "flow"
        else derived_previous_year(ds, metric_id, district_code)
    )
    return Trend(
        changes=changes,
        model=model,
        no_model_code=no_model[0],
        no_model_fields=no_model[1],
        derived=derived,
        kind=kind,
        model_rows=rows,
        span_change=change,
        span_change_code=change_code,
    )
