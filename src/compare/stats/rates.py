"""Per-capita rates with honest intervals: one row per district, period and observation.

rate_per_10k         value / population × 10,000 (for the period as reported)
annual_rate_per_10k  flows only: value / exposure × 10,000, i.e. per 10,000 residents per year
count_low/high       the counts the report's words allow: 36000余 -> 36000..36999, 约3万 -> 25000..35000
                     (the figure's rounding step, from its trailing zeros); equal to the value when exact
ci_low, ci_high      for events (the catalogue's variation `poisson`): the exact (Garwood) 95% Poisson
                     interval of the annual rate for flows (of the rate for stocks), from the Poisson lower
                     limit of count_low to the upper limit of count_high, so it covers rounding and chance;
                     none for quantities that are not event counts (variation `none`: stocks in post, money,
                     copies, person-times)
exposure             resident-years for flows (each calendar year of the period: its population × the part
                     of the year covered, summed), residents for stocks
flags                lower_bound (余/多/以上), approx (约/近), upper_bound (不到), small_count (< 10 events),
                     population_fallback, population_year_gap (census 2020 for a year outside 2018-2022),
                     population_scope (the report's own narrower territory), undated / open_period (no
                     annual rate), not_a_count (no interval), part_exceeds_whole (the document states a part
                     larger than its whole, or a share's numerator larger than its denominator)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.rates import confint_poisson

from ..data.numerals import range_side
from ..data.periods import period_label, years_between
from ..data.population import (
    DEFAULT_DENOMINATOR,
    FLAG_COLUMNS,
    PER_10K,
    attach_population,
    canonical_denominator,
    require_population,
    resident_years,
)
from ..data.tables import Dataset
from ..errors import CompareError, MixedLevelsError, RateNotMeaningfulError, UnknownDistrictError
from .intervals import wilson_interval

ALPHA = 0.05
SMALL_COUNT = 10  # fewer events than this: a rate too unstable to rank (PHE's small-number convention)
METHODS = {
    "exact": "exact Poisson (Garwood) 95%",
    "range": "exact Poisson (Garwood) 95% over the range the report's rounding allows",
    "none": "no interval: not an event count",
}
QUALIFIER_FLAGS = {"at_least": "lower_bound", "approx": "approx", "at_most": "upper_bound"}
RATE_COLUMNS = [
    "district_code",
    "district_zh",
    "district_en",
    "level",
    "metric_id",
    "kind",
    "subset",
    "period_start",
    "period_end",
    "period",
    "years",
    "value",
    "qualifier",
    "basis",
    "scope",
    "count_low",
    "count_high",
    "population",
    "population_year",
    "population_definition",
    "population_scope",
    "exposure",
    "rate_per_10k",
    "annual_rate_per_10k",
    "ci_low",
    "ci_high",
    "method",
    "flags",
    "doc_id",
    "quote",
]


def tier(levels: pd.Series) -> pd.Series:
    """The level districts are ranked at: development zones rank with county-level units."""
    return levels.astype(str).replace({"zone": "county"})


def rateable_metrics(ds: Dataset) -> pd.DataFrame:
    """Catalogue rows of the metrics a per-capita rate makes sense for (not ratios, per_capita yes)."""
    return ds.metrics[(ds.metrics["kind"] != "ratio") & ds.metrics["per_capita"]]


def _rateable_totals(ds: Dataset) -> pd.DataFrame:
    obs = ds.observations
    return obs[
        (obs["statement"] == "actual")
        & (obs["subset"] == "")
        & obs["metric_id"].isin(rateable_metrics(ds)["metric_id"])
    ]


def rateable_observations(ds: Dataset) -> pd.DataFrame:
    """Actual totals of rateable metrics, each with its district's ranking tier."""
    obs = _rateable_totals(ds)
    return obs.assign(tier=obs["district_code"].map(tier(ds.districts.set_index("code")["level"])))


def check_rate_metric(ds: Dataset, metric_id: str) -> pd.Series:
    """The catalogue row of a metric for which per-capita rates make sense, else a clear error."""
    metric = ds.metric(metric_id)
    if metric["kind"] == "ratio":
        raise RateNotMeaningfulError(
            f"{metric_id} is a ratio ({metric['unit']}); a per-capita rate of it makes no sense."
        )
    if not metric["per_capita"]:
        raise RateNotMeaningfulError(f"{metric_id} is not a per-capita quantity ({metric['definition']})")
    return metric


def select_observations(
    ds: Dataset, metric_id: str, districts=None, level=None, subset: str = "", statement: str = "actual"
) -> pd.DataFrame:
    """Observations of one metric (total by default), optionally for some districts or one level.

    level: 'county' (counties, county-level cities and zones), 'prefecture', or 'all' to mix levels
    on purpose. Without it, a selection spanning both levels is refused (MixedLevelsError)."""
    obs = ds.observations
    obs = obs[(obs["metric_id"] == metric_id) & (obs["statement"] == statement) & (obs["subset"] == subset)]
    if districts:
        unknown = set(districts) - set(ds.districts["code"])
        if unknown:
            raise UnknownDistrictError(
                f"Unknown district code '{sorted(unknown)[0]}'; codes are 6-digit GB/T 2260 codes."
            )
        obs = obs[obs["district_code"].isin(districts)]
    info = ds.districts[["code", "name_zh", "name_en", "level"]].rename(
        columns={"code": "district_code", "name_zh": "district_zh", "name_en": "district_en"}
    )
    obs = obs.merge(info, on="district_code", how="left")
    tiers = tier(obs["level"])
    if level in ("county", "prefecture", "province", "nation"):
        obs = obs[tiers == level]
    elif level not in (None, "all"):
        raise CompareError(f"Unknown level '{level}'; use county, prefecture, province or all.")
    elif level is None and tiers.nunique() > 1:
        raise MixedLevelsError(
            f"The {metric_id} observations mix levels ({', '.join(sorted(tiers.unique()))}); "
            "pass level='county', 'prefecture' or 'province' (--level), or 'all' to list them together on purpose."
        )
    return obs.reset_index(drop=True)


def poisson_interval(
    count, exposure, scale: float = PER_10K, alpha: float = ALPHA, count_high=None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of count / exposure × scale, vectorised (statsmodels ``confint_poisson``,
    method "exact-c").

    Parameters
    ----------
    count, exposure : array-like
        Event counts and exposures (resident-years, or residents for stocks).
    alpha : float
        1 - confidence level.
    count_high : array-like, optional
        When a report's words allow a range of counts (count..count_high), the lower limit is taken at
        count and the upper at count_high, so the interval covers both the rounding and chance; an infinite
        count_high (3万以上) gives an infinite upper limit.

    Notes
    -----
    The limits scale linearly with exposure, so statsmodels computes them once per distinct count at
    exposure 1 and each row divides by its own exposure (millions of rows hold few distinct counts).

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.
    """
    count, exposure = np.atleast_1d(np.asarray(count, dtype=float)), np.atleast_1d(np.asarray(exposure, dtype=float))
    high_count = count if count_high is None else np.atleast_1d(np.asarray(count_high, dtype=float))
    open_above = np.isinf(high_count)
    high_count = np.where(open_above, count, high_count)
    distinct, inverse = np.unique(np.concatenate([count, high_count]), return_inverse=True)
    low, high = confint_poisson(distinct, np.ones_like(distinct), method="exact-c", alpha=alpha)
    low, high = np.atleast_1d(low).astype(float), np.atleast_1d(high).astype(float)
    inverse = inverse.ravel()
    upper = np.where(open_above, np.inf, high[inverse[len(count) :]] / exposure * scale)
    return low[inverse[: len(count)]] / exposure * scale, upper


def rounding_step(values) -> np.ndarray:
    """The rounding step of each figure as stated: 10 to the power of its trailing zeros (36000 -> 1000,
    30000 -> 10000, 591 -> 1); 1 for zero and for non-integers."""
    values = np.abs(np.atleast_1d(np.asarray(values, dtype=float)))
    whole = np.isfinite(values) & (values > 0) & (values == np.round(values))
    step = np.ones(len(values))
    for power in range(1, 13):
        step = np.where(whole & (np.mod(values, 10.0**power) == 0), 10.0**power, step)
    return step


def count_range(value, qualifier, quote=None) -> tuple[np.ndarray, np.ndarray]:
    """The counts a stated figure allows, from its qualifier, its words and its rounding step.

    exact: the value; at_least (余/多): value .. value + step - 1 (36000余 -> 36000..36999), and with no upper end
    when the words say 以上/超过 (3万以上 -> 30000..∞); approx (约): value ± step / 2 (约3万 -> 25000..35000), and
    below the value when the words say 近 (近3万 -> 25000..30000); at_most (不到): value - step .. value."""
    value = np.asarray(value, dtype=float)
    qualifier = np.asarray(qualifier, dtype=object)
    sides = np.full(len(value), "", dtype=object)
    if quote is not None:
        quotes = pd.Series(quote, dtype=object).fillna("").astype(str).to_numpy()
        worded = np.isin(qualifier, ["at_least", "approx"]) & (quotes != "")
        known: dict = {}  # one reading per distinct figure and quote (millions of rows hold few)
        for i in np.flatnonzero(worded):
            key = (value[i], quotes[i])
            sides[i] = known[key] if key in known else known.setdefault(key, range_side(*key))
    open_above = (qualifier == "at_least") & (sides == "open")
    below = (qualifier == "approx") & (sides == "below")
    step = rounding_step(value)
    low = np.select(
        [qualifier == "approx", qualifier == "at_most"], [np.ceil(value - step / 2), value - step], default=value
    )
    high = np.select(
        [open_above, qualifier == "at_least", below, qualifier == "approx"],
        [np.inf, value + step - 1, value, np.floor(value + step / 2)],
        default=value,
    )
    low = np.clip(low, 0, None)
    return low, np.maximum(high, low)


def has_exposure(rates: pd.DataFrame) -> pd.Series:
    """Rows with a positive exposure (resident-years or residents): the only ones a rate can be compared on."""
    return rates["exposure"].notna() & rates["exposure"].gt(0)


def comparable_rate(rates: pd.DataFrame) -> pd.Series:
    """The rate districts are compared on: per 10,000 per year for flows (NaN when the period has no end,
    so it can never sit on a per-year axis), per 10,000 at a date for stocks."""
    is_flow = rates["annual_rate_per_10k"].notna() | rates.get("kind", pd.Series("flow", index=rates.index)).eq("flow")
    return rates["annual_rate_per_10k"].where(is_flow, rates["rate_per_10k"])


def compute_rates(
    obs: pd.DataFrame,
    kind: str | None = None,
    unit: str | None = None,
    variation: str | None = None,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Rates, exposure, count ranges, intervals and flags for observations that already carry a population.

    kind, unit and variation apply to every row, or come per row from columns of those names (several metrics)."""
    out = obs.copy()
    for column, given in (("kind", kind), ("unit", unit), ("variation", variation)):
        if given is not None:
            out[column] = given
    for column in FLAG_COLUMNS:  # rows that never went through attach_population carry no population flags
        if column not in out:
            out[column] = False
    flow = out["kind"].eq("flow").to_numpy()
    out["years"] = np.where(flow, years_between(out["period_start"], out["period_end"]), np.nan)
    person_years = out["resident_years"] if "resident_years" in out else out["population"] * out["years"]
    out["exposure"] = np.where(flow, person_years, out["population"])
    out["rate_per_10k"] = out["value"] / out["population"] * PER_10K
    with np.errstate(divide="ignore", invalid="ignore"):
        out["annual_rate_per_10k"] = np.where(flow, out["value"] / out["exposure"] * PER_10K, np.nan)
    quotes = out["quote"].astype(object) if "quote" in out else None
    out["count_low"], out["count_high"] = count_range(out["value"], out["qualifier"].astype(object), quotes)
    events = out["variation"].eq("poisson").to_numpy()
    rows = events & has_exposure(out).to_numpy()
    low, high = np.full(len(out), np.nan), np.full(len(out), np.nan)
    if rows.any():
        low[rows], high[rows] = poisson_interval(
            out["count_low"].to_numpy()[rows],
            out["exposure"].to_numpy()[rows],
            alpha=alpha,
            count_high=out["count_high"].to_numpy()[rows],
        )
    out["ci_low"], out["ci_high"] = low, high
    ranged = (out["count_low"] != out["count_high"]).to_numpy()
    out["method"] = pd.Categorical.from_codes(
        np.where(~events, 2, np.where(ranged, 1, 0)).astype(np.int8),
        [METHODS["exact"], METHODS["range"], METHODS["none"]],
    )
    out["period"] = per_distinct(
        out, ["period_start", "period_end"], lambda r: period_label(r.period_start, r.period_end)
    )
    out["events"] = events
    out["small"] = events & (out["count_high"] < SMALL_COUNT).to_numpy()
    flag_columns = [
        "qualifier",
        "population_fallback",
        "population_year_gap",
        "population_scope_report",
        "kind",
        "events",
        "small",
        "period_start",
        "period_end",
        "part_exceeds_whole",
    ]
    if "part_exceeds_whole" not in out:
        out["part_exceeds_whole"] = False
    out["flags"] = per_distinct(out, flag_columns, _flags)
    return out.drop(columns=["events", "small"])


def per_distinct(frame: pd.DataFrame, columns: list[str], fn) -> pd.Categorical:
    """fn applied once per distinct combination of columns, mapped back to every row as a categorical
    (labels and flags take few distinct values among millions of rows)."""
    if frame.empty:
        return pd.Categorical([])
    codes = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        k, _ = pd.factorize(frame[column], use_na_sentinel=False)
        codes = codes * (int(k.max()) + 1) + k
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    values = pd.Series([fn(row) for row in frame.iloc[first][columns].itertuples(index=False)], dtype=object)
    categories, remap = pd.unique(values), None
    remap = pd.Index(categories).get_indexer(values)
    return pd.Categorical.from_codes(remap[inverse.ravel()], categories=categories)


def _flags(row) -> str:
    flags = [QUALIFIER_FLAGS.get(row.qualifier, ""), "small_count" if row.small else ""]
    flags.append("population_fallback" if row.population_fallback else "")
    flags.append("population_year_gap" if row.population_year_gap else "")
    flags.append("population_scope" if row.population_scope_report else "")
    if row.kind == "flow":
        flags.append("undated" if pd.isna(row.period_start) else "open_period" if pd.isna(row.period_end) else "")
    flags.append("" if row.events else "not_a_count")
    flags.append("part_exceeds_whole" if row.part_exceeds_whole else "")
    return ",".join(f for f in flags if f)


WHOLE_KEY = ["doc_id", "district_code", "period_start", "period_end", "statement", "basis", "scope"]
NOT_PARTS = ("concluded",)  # a subset that counts the same cases another way (cases concluded may include those
# carried over from earlier periods, so they can outnumber the cases received): never checked as a part


def parts_exceeding_wholes(ds: Dataset) -> pd.DataFrame:
    """The figures a document states that cannot both be right: a part (其中…) larger than its whole, or a share's
    numerator larger than its denominator (17,356 successful mediations of 17,128 disputes). Both sides are
    listed (WHOLE_KEY, metric_id, subset), so every rate table that shows either can flag it."""
    obs = ds.observations[ds.observations["qualifier"].isin(["exact", "at_least"])]
    wholes = obs[obs["subset"].eq("") & obs["qualifier"].eq("exact")]
    parts = obs[obs["subset"].ne("") & ~obs["subset"].isin(NOT_PARTS)].merge(
        wholes, on=[*WHOLE_KEY, "metric_id"], suffixes=("", "_whole")
    )
    parts = parts.assign(metric_id_whole=parts["metric_id"])
    shares = ds.metrics[ds.metrics["numerator"].ne("") & ds.metrics["denominator"].ne("")]
    numerators = obs[obs["subset"].eq("")].merge(
        shares[["numerator", "denominator"]], left_on="metric_id", right_on="numerator"
    )
    numerators = numerators.merge(
        wholes, left_on=[*WHOLE_KEY, "denominator"], right_on=[*WHOLE_KEY, "metric_id"], suffixes=("", "_whole")
    )
    pairs = pd.concat([parts, numerators], ignore_index=True)
    pairs = pairs[pairs["value"] > pairs["value_whole"]]
    sides = [
        pairs[[*WHOLE_KEY, "metric_id", "subset"]],
        pairs[[*WHOLE_KEY, "metric_id_whole", "subset_whole"]].set_axis([*WHOLE_KEY, "metric_id", "subset"], axis=1),
    ]
    return pd.concat(sides, ignore_index=True).drop_duplicates()


def mark_inconsistent_parts(obs: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """obs with part_exceeds_whole: True where the row is either side of a part larger than its whole."""
    bad = parts_exceeding_wholes(ds).assign(part_exceeds_whole=True)
    key = [*WHOLE_KEY, "metric_id", "subset"]
    if bad.empty:
        return obs.assign(part_exceeds_whole=False)
    plain = obs[key].astype(object).astype(str)
    marked = plain.merge(bad[key].astype(object).astype(str).assign(_bad=True), on=key, how="left")["_bad"]
    return obs.assign(part_exceeds_whole=marked.fillna(False).astype(bool).to_numpy())


def rate_table(
    ds: Dataset, metric_id: str, districts=None, level=None, denominator: str = DEFAULT_DENOMINATOR, subset: str = ""
) -> pd.DataFrame:
    """Per-capita rates of one metric for every district and period that reports it.

    One row per observation, columns RATE_COLUMNS. Flows also get an annualised rate, so a quarter
    and a year compare on the same footing; stocks are rates at a date."""
    memo = _memo_for(ds)
    key = (metric_id, tuple(districts) if districts else (), level, canonical_denominator(denominator), subset)
    if key not in memo:
        memo[key] = _rate_table(ds, metric_id, districts, level, denominator, subset)
    return memo[key].copy(deep=False)  # copy-on-write: a caller's change never reaches the memo


_MEMO: list = []  # [the tables of the last dataset asked about, {rate_table arguments: table}]


def _memo_for(ds: Dataset) -> dict:
    """rate_table's results for this dataset's tables; emptied whenever another dataset's tables are asked
    about. A profile asks for every metric at its level, and so does the next profile in the same kernel."""
    tables = (ds.observations, ds.populations, ds.metrics, ds.districts)
    if not _MEMO or any(a is not b for a, b in zip(_MEMO[0], tables)):
        _MEMO[:] = [tables, {}]
    return _MEMO[1]


def _rate_table(ds: Dataset, metric_id: str, districts, level, denominator: str, subset: str) -> pd.DataFrame:
    metric = check_rate_metric(ds, metric_id)
    obs = select_observations(ds, metric_id, districts, level, subset)
    if obs.empty:
        where = f" for {', '.join(districts)}" if districts else ""
        raise CompareError(
            f"No actual {metric_id} observations{where}"
            f"{f' at {level} level' if level in ('county', 'prefecture') else ''}."
        )
    out = compute_rates(with_denominators(obs, ds, denominator), metric["kind"], metric["unit"], metric["variation"])
    return out[RATE_COLUMNS].sort_values(["district_code", "period_start"]).reset_index(drop=True)


def all_rates(ds: Dataset, level: str = "county", denominator: str = DEFAULT_DENOMINATOR) -> pd.DataFrame:
    """Rates of every per-capita metric (actual totals) at one level, in one vectorised pass."""
    metrics = rateable_metrics(ds)[["metric_id", "kind", "unit", "variation"]]
    obs = _rateable_totals(ds).astype(
        {c: "category" for c in ("doc_id", "district_code", "metric_id", "subset", "qualifier", "statement", "quote")}
    )
    info = ds.districts.set_index("code").assign(tier=lambda d: tier(d["level"]))
    codes = obs["district_code"].cat
    for column, source in (
        ("district_zh", "name_zh"),
        ("district_en", "name_en"),
        ("level", "level"),
        ("tier", "tier"),
    ):
        names = pd.Categorical(info[source].reindex(codes.categories).fillna(""))  # one entry per code
        obs[column] = pd.Categorical.from_codes(names.codes[codes.codes], names.categories)
    obs = obs[obs["tier"] == level].drop(columns="tier")
    by_metric = metrics.set_index("metric_id")
    for column in ("kind", "unit", "variation"):
        obs[column] = obs["metric_id"].map(by_metric[column]).astype("category")
    return compute_rates(with_denominators(obs, ds, denominator))[RATE_COLUMNS].reset_index(drop=True)


def with_denominators(obs: pd.DataFrame, ds: Dataset, denominator: str) -> pd.DataFrame:
    """obs ready for compute_rates: parts larger than wholes marked, the population of each row and its
    resident-years attached, and one sentence if any unit has no population at all."""
    obs = resident_years(attach_population(mark_inconsistent_parts(obs, ds), ds, denominator), ds, denominator)
    require_population(obs, ds)
    return obs


def unit_label(ds: Dataset, metric_id: str, annual: bool = True) -> str:
    """Axis title such as 'cases per 10,000 residents per year'."""
    from ..data.tables import UNITS

    metric = ds.metric(metric_id)
    per_year = " per year" if annual and metric["kind"] == "flow" else ""
    return f"{UNITS[metric['unit']]} per 10,000 residents{per_year}"


EXPORT_COLUMNS = [  # what `compare rates --format csv` and every brief's CSV download give a researcher
    "district_code",
    "district",
    "level",
    "period",
    "period_start",
    "period_end",
    "value",
    "qualifier",
    "basis",
    "scope",
    "count_low",
    "count_high",
    "population",
    "population_year",
    "population_definition",
    "population_scope",
    "rate_per_10k_in_period",
    "rate",
    "rate_ci_low",
    "rate_ci_high",
    "rate_unit",
    "method",
    "flags",
    "doc_id",
    "quote",
]
BENCHMARK_COLUMNS = ["benchmark", "benchmark_period", "benchmark_rate", "vs_benchmark", "vs_benchmark_reason"]


def rate_export(ds: Dataset, rates: pd.DataFrame) -> pd.DataFrame:
    """A rate table as a researcher downloads it: the compared rate (per year for flows) beside its own
    interval and unit, every row's metric first when there are several."""
    units = rates["metric_id"].map(lambda m: unit_label(ds, m)) if "metric_id" in rates else ""
    out = rates.assign(
        district=rates["district_zh"].astype(str) + " " + rates["district_en"].astype(str),
        rate_per_10k_in_period=rates["rate_per_10k"],
        rate=comparable_rate(rates),
        rate_ci_low=rates["ci_low"],
        rate_ci_high=rates["ci_high"],
        rate_unit=units,
    )
    columns = [c for c in EXPORT_COLUMNS + BENCHMARK_COLUMNS if c in out.columns]
    return out[(["metric_id"] if "metric_id" in out.columns else []) + columns]


SHARE_COLUMNS = [
    "district_code",
    "district_zh",
    "district_en",
    "level",
    "metric_id",
    "period_start",
    "period_end",
    "period",
    "value",
    "trials",
    "share_pct",
    "ci_low",
    "ci_high",
    "method",
    "doc_id",
]


def share_table(ds: Dataset, metric_id: str, districts=None, level="all", alpha: float = ALPHA) -> pd.DataFrame:
    """A binomial share (e.g. mediation_success_rate) recomputed from the counts its catalogue entry names:
    one row per document and period stating both, `value` the successes, `trials` the denominator, with a
    Wilson interval in percent (statsmodels proportion_confint, method "wilson")."""
    metric = ds.metric(metric_id)
    if metric["variation"] != "binomial" or not metric["numerator"]:
        raise CompareError(
            f"{metric_id} is not a share with a known numerator and denominator; see the variation, "
            "numerator and denominator columns of data/metrics.csv."
        )
    key = ["doc_id", "district_code", "period_start", "period_end"]
    parts = [select_observations(ds, metric[side], districts, level) for side in ("numerator", "denominator")]
    pairs = parts[0].merge(parts[1][key + ["value"]].rename(columns={"value": "trials"}), on=key)
    if pairs.empty:
        raise CompareError(
            f"No document states both {metric['numerator']} and {metric['denominator']}, "
            f"so no {metric_id} can be recomputed from counts."
        )
    consistent = (pairs["trials"] > 0) & pairs["value"].between(0, pairs["trials"])
    low, high = np.full(len(pairs), np.nan), np.full(len(pairs), np.nan)
    if consistent.any():
        low[consistent], high[consistent] = wilson_interval(
            pairs.loc[consistent, "value"].round(), pairs.loc[consistent, "trials"].round(), alpha=alpha
        )
    method = np.where(
        consistent,
        f"Wilson {100 * (1 - alpha):g}%",
        "no interval: the numerator exceeds the denominator (the report counts them on different bases)",
    )
    pairs = pairs.assign(
        metric_id=metric_id,
        share_pct=pairs["value"] / pairs["trials"] * 100,
        ci_low=low * 100,
        ci_high=high * 100,
        method=method,
        period=per_distinct(
            pairs, ["period_start", "period_end"], lambda r: period_label(r.period_start, r.period_end)
        ),
    )
    return pairs[SHARE_COLUMNS].sort_values(["district_code", "period_start"]).reset_index(drop=True)
