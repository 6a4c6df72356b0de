"""Denominators: which population each observation is divided by, and what reports' own
per-10,000 figures imply about theirs.

Denominators (the data's own names, as in populations.csv):
    resident            the default: the year-end resident (常住) population of the observation's year where
                        the reference has it, else the census 2020 resident count; census 2020 standing for a
                        year outside 2018-2022 is flagged `population_year_gap`.
    census_resident     the census 2020 resident count for every year (gap flagged the same way).
    resident_yearend    year-end resident population; registered_yearend: year-end registered (户籍).
                        When the observation's year is missing, the nearest year is used (ties go to the
                        earlier year), else the census 2020 count; either is flagged `population_fallback`.
The year of an observation is the year its period ends (else starts). The territory is the whole district
(the scope not marked "excluding"), unless the document's own per-10,000 figure reconciles only with a
narrower scope (e.g. excluding a development zone the bureau does not serve): then that document's rates use
the narrower scope and are flagged `population_scope`. "census2020" is accepted for census_resident.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CompareError, MissingPopulationError
from .tables import Dataset

PER_10K = 1e4  # rates are per 10,000 residents
DEFAULT_DENOMINATOR = "resident"
DENOMINATORS = ("resident", "census_resident", "resident_yearend", "registered_yearend")
ALIASES = {"census2020": "census_resident"}
CENSUS_STANDS_FOR = (2018, 2022)  # years the census 2020 count stands for without a flag
USED_POPULATION_COLUMNS = [
    "population",
    "population_year",
    "population_definition",
    "population_scope",
    "population_source",
]
FLAG_COLUMNS = ["population_fallback", "population_year_gap", "population_scope_report"]


def canonical_denominator(denominator: str) -> str:
    """The denominator's name in the data's vocabulary, or a one-sentence error."""
    name = ALIASES.get(denominator, denominator)
    if name not in DENOMINATORS:
        raise CompareError(f"Unknown denominator '{denominator}'; use one of {', '.join(DENOMINATORS)}.")
    return name


def _renamed(pops: pd.DataFrame) -> pd.DataFrame:
    return pops.rename(
        columns={
            "year": "population_year",
            "definition": "population_definition",
            "scope": "population_scope",
            "source": "population_source",
        }
    )


def _whole(pops: pd.DataFrame) -> pd.Series:
    return ~pops["scope"].str.startswith("excluding")


_SCOPES_CACHE: list = []  # (observations, populations, scopes) of the last dataset asked about


def document_scopes(ds: Dataset) -> pd.Series:
    """doc_id -> the narrower scope its own per-10,000 figure reconciles with, for documents whose figure
    fits no whole-district population but does fit one of narrower scope. Remembered for the last tables
    asked about (a profile asks once per metric), recomputed whenever either table object changes."""
    if _SCOPES_CACHE and _SCOPES_CACHE[0] is ds.observations and _SCOPES_CACHE[1] is ds.populations:
        return _SCOPES_CACHE[2]
    rec = reconcile(ds)
    scopes = pd.Series(dtype=object)
    if not rec.empty:
        fits = rec[rec["consistent"]]
        whole_fit = set(fits.loc[~fits["reference_scope"].str.startswith("excluding"), "doc_id"])
        narrow = fits[fits["reference_scope"].str.startswith("excluding") & ~fits["doc_id"].isin(whole_fit)]
        scopes = narrow.drop_duplicates("doc_id").set_index("doc_id")["reference_scope"]
    _SCOPES_CACHE[:] = [ds.observations, ds.populations, scopes]
    return scopes


def attach_population(obs: pd.DataFrame, ds: Dataset, denominator: str = DEFAULT_DENOMINATOR) -> pd.DataFrame:
    """obs with the population used for each row (value, year, definition, scope, source) and the flags
    population_fallback, population_year_gap and population_scope_report. Rows with no population at all
    get NaN (see require_population)."""
    denominator = canonical_denominator(denominator)
    obs = obs.drop(columns=[c for c in USED_POPULATION_COLUMNS + FLAG_COLUMNS if c in obs.columns])
    year = obs["period_end"].fillna(obs["period_start"]).dt.year.astype("float64")
    scopes = document_scopes(ds)
    doc_scope = obs["doc_id"].astype(object).map(scopes).fillna("") if len(scopes) else ""
    keyed = obs.assign(_row=np.arange(len(obs)), _year=year.to_numpy(), _scope=doc_scope)
    census = _renamed(ds.populations[(ds.populations["definition"] == "census_resident") & _whole(ds.populations)])
    census = census.drop_duplicates("district_code")
    chosen = pd.DataFrame(columns=["_row", *USED_POPULATION_COLUMNS, "population_fallback", "population_scope_report"])
    if denominator != "census_resident":
        chosen = _yearend_match(
            keyed,
            ds,
            "resident_yearend" if denominator == "resident" else denominator,
            exact_year_only=denominator == "resident",
        )
    out = keyed.merge(chosen, on="_row", how="left")
    missing = out["population"].isna().to_numpy()
    if missing.any():
        fill = out.loc[missing, ["district_code"]].merge(census, on="district_code", how="left")
        out.loc[missing, USED_POPULATION_COLUMNS] = fill[USED_POPULATION_COLUMNS].to_numpy()
        out.loc[missing, "population_fallback"] = denominator in ("resident_yearend", "registered_yearend")
        out.loc[missing, "population_scope_report"] = False
    census_used = out["population_definition"].eq("census_resident")
    outside = ~out["_year"].between(*CENSUS_STANDS_FOR)
    out["population_year_gap"] = (census_used & outside).astype(bool)
    out["population_fallback"] = out["population_fallback"].fillna(False).astype(bool)
    out["population_scope_report"] = out["population_scope_report"].fillna(False).astype(bool)
    out["population"] = pd.to_numeric(out["population"], errors="coerce").astype("float64")
    return _as_categories(out.drop(columns=["_row", "_year", "_scope"]))


def _yearend_match(keyed: pd.DataFrame, ds: Dataset, definition: str, exact_year_only: bool) -> pd.DataFrame:
    """Per row, the year-end population of the row's territory (whole, or its document's narrower scope):
    its own year, else the nearest year (ties to the earlier) unless exact_year_only. A narrower scope may
    always take the nearest year: the territory matters more than the year."""
    pops = _renamed(ds.populations[ds.populations["definition"] == definition])
    pairs = keyed[["_row", "district_code", "_year", "_scope"]].merge(pops, on="district_code", how="inner")
    whole = ~pairs["population_scope"].astype(str).str.startswith("excluding")
    scoped = pairs["_scope"].ne("")
    pairs = pairs[(scoped & pairs["population_scope"].eq(pairs["_scope"])) | (~scoped & whole)]
    distance = (pairs["population_year"].astype("float64") - pairs["_year"]).abs()
    pairs = pairs.assign(_distance=distance, _later=pairs["population_year"].astype("float64") > pairs["_year"])
    if exact_year_only:
        pairs = pairs[pairs["_distance"].eq(0) | pairs["_scope"].ne("")]
    best = pairs.sort_values(["_row", "_distance", "_later"]).drop_duplicates("_row")
    best = best.assign(
        population_fallback=best["_distance"].fillna(1).ne(0), population_scope_report=best["_scope"].ne("")
    )
    return best[["_row", *USED_POPULATION_COLUMNS, "population_fallback", "population_scope_report"]]


def _as_categories(table: pd.DataFrame) -> pd.DataFrame:
    """The population's definition, scope and source repeat on every row: store each once."""
    return table.astype({c: "category" for c in ("population_definition", "population_scope", "population_source")})


def require_population(table: pd.DataFrame, ds: Dataset) -> None:
    """MissingPopulationError naming the first district that has no population."""
    missing = table[table["population"].isna()]
    if not missing.empty:
        code = missing["district_code"].iloc[0]
        name = ds.district(code)["name_zh"] if code in set(ds.districts["code"]) else code
        raise MissingPopulationError(
            f"No population is known for {name} ({code}); add one to data/reference/populations.csv."
        )


def reconcile(ds: Dataset) -> pd.DataFrame:
    """For every per-10,000 figure a report states, the population it implies and how each reference
    population of that district compares.

    The implied population is count / rate × 10,000. Because the report rounds its rate, every
    population inside [count / (rate + h), count / (rate − h)] × 10,000 (h = half a unit of the rate's
    last digit) is consistent with it; those reference rows are marked `consistent`, and the closest
    one is `best`."""
    obs = ds.observations
    key = ["doc_id", "district_code", "period_start", "period_end", "metric_id", "subset"]
    reported = obs[obs["statement"] == "reported_per_10k"]
    counts = obs[obs["statement"] == "actual"][key + ["value", "quote"]]
    pairs = reported.merge(counts, on=key, suffixes=("_rate", "_count"))
    if pairs.empty:
        return pd.DataFrame()
    decimals = pairs["quote_rate"].str.extract(r"\d+\.(\d+)")[0].str.len().fillna(0)
    half = 0.5 * 10.0 ** (-decimals)
    pairs["implied_population"] = pairs["value_count"] / pairs["value_rate"] * PER_10K
    pairs["implied_low"] = pairs["value_count"] / (pairs["value_rate"] + half) * PER_10K
    pairs["implied_high"] = pairs["value_count"] / (pairs["value_rate"] - half) * PER_10K
    refs = ds.populations.rename(
        columns={
            "population": "reference_population",
            "year": "reference_year",
            "definition": "reference_definition",
            "scope": "reference_scope",
        }
    )
    out = pairs.merge(refs.drop(columns=["source"]), on="district_code", how="left")
    out["difference_pct"] = (out["reference_population"] / out["implied_population"] - 1) * 100
    out["consistent"] = out["reference_population"].between(out["implied_low"], out["implied_high"])
    closest = out.groupby(key)["difference_pct"].transform(lambda d: d.abs().min())
    out["best"] = out["difference_pct"].abs().eq(closest)
    names = ds.districts[["code", "name_zh", "name_en"]].rename(
        columns={"code": "district_code", "name_zh": "district_zh", "name_en": "district_en"}
    )
    out = out.merge(names, on="district_code", how="left")
    cols = [
        "doc_id",
        "district_code",
        "district_zh",
        "district_en",
        "metric_id",
        "period_start",
        "period_end",
        "value_count",
        "value_rate",
        "implied_population",
        "implied_low",
        "implied_high",
        "reference_population",
        "reference_year",
        "reference_definition",
        "reference_scope",
        "difference_pct",
        "consistent",
        "best",
        "quote_count",
        "quote_rate",
    ]
    return (
        out[cols]
        .rename(columns={"value_count": "count", "value_rate": "reported_rate_per_10k"})
        .sort_values(
            ["doc_id", "metric_id", "difference_pct"], key=lambda s: s.abs() if s.name == "difference_pct" else s
        )
        .reset_index(drop=True)
    )


def reconciliation_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """One line per reported rate: which reference population(s) it is consistent with."""
    if table.empty:
        return table
    key = ["doc_id", "district_zh", "metric_id", "count", "reported_rate_per_10k", "implied_population"]

    def describe(group: pd.DataFrame) -> str:
        hits = group[group["consistent"]]
        if hits.empty:
            best = group[group["best"]].iloc[0]
            return (
                f"no reference population fits; closest is {best.reference_definition} {best.reference_year} "
                f"({best.reference_scope}), {best.difference_pct:+.1f}%"
            )
        return "; ".join(
            f"{r.reference_definition} {r.reference_year} ({r.reference_scope})" for r in hits.itertuples()
        )

    return table.groupby(key, sort=False).apply(describe, include_groups=False).rename("matches").reset_index()


def resident_years(obs: pd.DataFrame, ds: Dataset, denominator: str = DEFAULT_DENOMINATOR) -> pd.DataFrame:
    """obs (with attach_population's columns) with `resident_years`: for a flow whose period runs over several
    calendar years, the sum over those years of each year's population times the part of the year covered (its
    denominator is the people living there in each year, not the end year's alone); for other rows the
    population times the span. population_year_gap and population_fallback then hold if they hold for any year
    of the span."""
    from .periods import years_between

    out = obs.copy()
    span = years_between(out["period_start"], out["period_end"])
    out["resident_years"] = (out["population"] * span).to_numpy()
    start, end = out["period_start"], out["period_end"]
    multi = (start.notna() & end.notna() & start.dt.year.ne(end.dt.year)).to_numpy()
    if not multi.any():
        return out
    rows = out[multi]
    pieces = []
    for row_id, s, e in zip(np.flatnonzero(multi), rows["period_start"], rows["period_end"]):
        for year in range(s.year, e.year + 1):
            pieces.append((row_id, max(s, pd.Timestamp(year, 1, 1)), min(e, pd.Timestamp(year, 12, 31))))
    parts = pd.DataFrame(pieces, columns=["_piece_of", "period_start", "period_end"])
    parts = parts.assign(
        district_code=out["district_code"].astype(str).to_numpy()[parts["_piece_of"]],
        doc_id=out["doc_id"].astype(str).to_numpy()[parts["_piece_of"]],
    )
    parts = attach_population(parts, ds, denominator)
    parts["_exposure"] = parts["population"] * years_between(parts["period_start"], parts["period_end"])
    summed = parts.groupby("_piece_of").agg(
        resident_years=("_exposure", lambda x: x.sum(min_count=len(x))),
        gap=("population_year_gap", "any"),
        fallback=("population_fallback", "any"),
    )
    index = out.index[summed.index]
    out.loc[index, "resident_years"] = summed["resident_years"].to_numpy()
    out.loc[index, "population_year_gap"] = summed["gap"].to_numpy() | out.loc[index, "population_year_gap"]
    out.loc[index, "population_fallback"] = summed["fallback"].to_numpy() | out.loc[index, "population_fallback"]
    return out
