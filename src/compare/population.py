"""Denominators: which population each observation is divided by, and what reports' own
per-10,000 figures imply about theirs.

Denominators:
    census2020          census 2020 resident count (every district has one). The default.
    resident_yearend    year-end resident (常住) population for the period's year;
    registered_yearend  year-end registered (户籍) population for the period's year.
For the year-end definitions the fallback is explicit and recorded in `flags`: the nearest earlier
year of the same definition, else the nearest later one, else the census 2020 count
(`population_fallback`). Where a district has several scopes (with or without a development zone),
the whole-district scope is used, the one not marked "excluding".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Dataset
from .errors import CompareError, MissingPopulationError

DENOMINATORS = {
    "census2020": "census_resident",
    "resident_yearend": "resident_yearend",
    "registered_yearend": "registered_yearend",
}
POPULATION_COLUMNS = ["population", "population_year", "population_definition", "population_scope", "population_source"]


def _candidates(ds: Dataset, definition: str) -> pd.DataFrame:
    pops = ds.populations[ds.populations["definition"] == definition]
    whole = ~pops["scope"].str.startswith("excluding")
    return pops[whole].rename(columns={"year": "population_year", "definition": "population_definition",
                                       "scope": "population_scope", "source": "population_source"})


def attach_population(obs: pd.DataFrame, ds: Dataset, denominator: str = "census2020") -> pd.DataFrame:
    """obs with the population used for each row (value, year, definition, scope, source) and a
    `population_fallback` flag. Rows with no population at all get NaN (see require_population)."""
    if denominator not in DENOMINATORS:
        raise CompareError(f"Unknown denominator '{denominator}'; use one of {', '.join(DENOMINATORS)}.")
    obs = obs.drop(columns=[c for c in POPULATION_COLUMNS + ["population_fallback"] if c in obs.columns])
    census = _candidates(ds, "census_resident").drop_duplicates("district_code")
    if denominator == "census2020":
        out = obs.merge(census, on="district_code", how="left")
        out["population_fallback"] = False
        return _as_categories(out)
    wanted_year = obs["period_end"].fillna(obs["period_start"]).dt.year
    keyed = obs.assign(_row=np.arange(len(obs)), _year=wanted_year.astype("float64"))
    pops = _candidates(ds, DENOMINATORS[denominator])
    pairs = keyed[["_row", "district_code", "_year"]].merge(pops, on="district_code", how="inner")
    pairs["_distance"] = (pairs["population_year"].astype("float64") - pairs["_year"]).abs()
    pairs["_later"] = pairs["population_year"].astype("float64") > pairs["_year"]
    best = pairs.sort_values(["_row", "_distance", "_later"]).drop_duplicates("_row")
    best = best.assign(population_fallback=best["_distance"].fillna(1).ne(0))
    out = keyed.merge(best[["_row"] + POPULATION_COLUMNS + ["population_fallback"]], on="_row", how="left")
    missing = out["population"].isna()
    if missing.any():
        fill = keyed.loc[missing.to_numpy(), ["_row", "district_code"]].merge(census, on="district_code", how="left")
        out.loc[missing, POPULATION_COLUMNS] = fill[POPULATION_COLUMNS].to_numpy()
        out.loc[missing, "population_fallback"] = True
    out["population_fallback"] = out["population_fallback"].astype(bool)
    out["population"] = out["population"].astype("float64")
    return _as_categories(out.drop(columns=["_row", "_year"]))


def _as_categories(table: pd.DataFrame) -> pd.DataFrame:
    """The population's definition, scope and source repeat on every row: store each once."""
    return table.astype({c: "category" for c in ("population_definition", "population_scope", "population_source")})


def require_population(table: pd.DataFrame, ds: Dataset) -> None:
    """MissingPopulationError naming the first district that has no population."""
    missing = table[table["population"].isna()]
    if not missing.empty:
        code = missing["district_code"].iloc[0]
        name = ds.district(code)["name_zh"] if code in set(ds.districts["code"]) else code
        raise MissingPopulationError(f"No population is known for {name} ({code}); add one to data/reference/populations.csv.")


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
    pairs["implied_population"] = pairs["value_count"] / pairs["value_rate"] * 1e4
    pairs["implied_low"] = pairs["value_count"] / (pairs["value_rate"] + half) * 1e4
    pairs["implied_high"] = pairs["value_count"] / (pairs["value_rate"] - half) * 1e4
    refs = ds.populations.rename(columns={"population": "reference_population", "year": "reference_year",
                                          "definition": "reference_definition", "scope": "reference_scope"})
    out = pairs.merge(refs.drop(columns=["source"]), on="district_code", how="left")
    out["difference_pct"] = (out["reference_population"] / out["implied_population"] - 1) * 100
    out["consistent"] = out["reference_population"].between(out["implied_low"], out["implied_high"])
    closest = out.groupby(key)["difference_pct"].transform(lambda d: d.abs().min())
    out["best"] = out["difference_pct"].abs().eq(closest)
    names = ds.districts[["code", "name_zh", "name_en"]].rename(columns={"code": "district_code", "name_zh": "district_zh", "name_en": "district_en"})
    out = out.merge(names, on="district_code", how="left")
    cols = ["doc_id", "district_code", "district_zh", "district_en", "metric_id", "period_start", "period_end",
            "value_count", "value_rate", "implied_population", "implied_low", "implied_high",
            "reference_population", "reference_year", "reference_definition", "reference_scope",
            "difference_pct", "consistent", "best", "quote_count", "quote_rate"]
    return out[cols].rename(columns={"value_count": "count", "value_rate": "reported_rate_per_10k"}).sort_values(
        ["doc_id", "metric_id", "difference_pct"], key=lambda s: s.abs() if s.name == "difference_pct" else s
    ).reset_index(drop=True)


def reconciliation_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """One line per reported rate: which reference population(s) it is consistent with."""
    if table.empty:
        return table
    key = ["doc_id", "district_zh", "metric_id", "count", "reported_rate_per_10k", "implied_population"]

    def describe(group: pd.DataFrame) -> str:
        hits = group[group["consistent"]]
        if hits.empty:
            best = group[group["best"]].iloc[0]
            return (f"no reference population fits; closest is {best.reference_definition} {best.reference_year} "
                    f"({best.reference_scope}), {best.difference_pct:+.1f}%")
        return "; ".join(f"{r.reference_definition} {r.reference_year} ({r.reference_scope})" for r in hits.itertuples())

    return table.groupby(key, sort=False).apply(describe, include_groups=False).rename("matches").reset_index()
