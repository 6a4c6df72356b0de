"""Phrase helpers every kind of story shares: names, units, rates and intervals in words, citations, tables."""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.cells import CELL_COLUMNS, CELL_KEY, table_docs
from ..data.tables import Dataset, data_version, load_dataset, read_table
from ..paths import data_dir as default_data_dir
from ..stats.comparisons import Funnel, funnel
from ..stats.rates import ALPHA, comparable_rate, rateable_metrics, rateable_observations
from ..stats.windows import ComparisonSet
from .sentences import (
    HEADERS,
    count_units,
    count_words,
    fmt_number,
    fmt_rate,
    period_words,
    say,
    unit_words,
    value_labels,
)
from .story import Table

OUTSTANDING = ("above 99.8%", "below 99.8%")


_LOADED: dict = {}  # folder -> the Dataset last loaded from it


def load(data_dir=None) -> Dataset:
    """The curated dataset (default data/). While no file under the folder has changed (its version is a hash
    of every file) each call returns a new Dataset holding the same tables, so a kernel that runs brief after
    brief computes each metric's rates once (see rates.rate_table), and a table replaced on one Dataset
    (`ds.observations = …`) is not seen by the next. Treat the tables as read-only: copy one before changing
    it in place."""
    folder = Path(data_dir or default_data_dir()).resolve()
    cached = _LOADED.get(folder)
    if cached is not None and cached.version == data_version(folder):
        return replace(cached)
    _LOADED.clear()
    _LOADED[folder] = load_dataset(folder)
    return replace(_LOADED[folder])


# ---------------------------------------------------------------- words


def district_name(row, lang: str) -> str:
    """'环翠区 Huancui District' / '环翠区', escaped."""
    zh, en = row["district_zh"], row["district_en"]
    return html.escape(zh if lang == "zh" else f"{zh} {en}")


def metric_name(metric: pd.Series, lang: str, in_sentence: bool = True) -> str:
    """The catalogue's name of a metric ('legal aid cases accepted or handled' / '法律援助案件'), escaped."""
    if lang == "zh":
        return html.escape(metric["name_zh"])
    return html.escape(metric["name_en"].lower() if in_sentence else metric["name_en"])


def unit_label(metric: pd.Series, lang: str) -> str:
    """'cases per 10,000 residents per year' / '每万名居民每年件数'."""
    kind = "flow" if metric["kind"] == "flow" else "stock"
    return say(f"unit_label.{kind}", lang, units=unit_words(metric["unit"], lang))


def qualifier_words(qualifier: str, lang: str) -> str:
    return say(f"qualifier.{qualifier}", lang) if qualifier in ("at_least", "approx", "at_most") else ""


def rate_words(row: pd.Series, metric: pd.Series, lang: str) -> str:
    """'at least 1,627 cases per 10,000 residents per year': the rate, with the words its count carries and the
    unit it counts in (the quote's own measure word where it counts in another: '68次' -> times)."""
    words = qualifier_words(row["qualifier"], lang)
    rate = comparable_rate(row.to_frame().T).iloc[0]
    unit = count_words(metric["unit"], lang, quote=row.get("quote", ""))
    if metric["kind"] == "flow" and pd.notna(rate):
        return say("rate.flow", lang, qualifier=words, rate=fmt_rate(rate), unit=unit)
    return say("rate.stock", lang, qualifier=words, rate=fmt_rate(row["rate_per_10k"]), unit=unit)


def interval_words(row: pd.Series, lang: str) -> str:
    """The uncertainty clause of a rate: an exact interval, a range that covers the report's rounding and
    chance, or why there is none. Never a two-sided exact interval for a lower bound."""
    flags = str(row["flags"])
    if pd.isna(row["ci_low"]):
        return say("interval.open" if "open_period" in flags or "undated" in flags else "interval.none", lang)
    low, high = fmt_rate(row["ci_low"]), fmt_rate(row["ci_high"])
    if np.isinf(row["ci_high"]):
        return say("interval.open_above", lang, low=low)
    if row["count_low"] != row["count_high"]:
        return say("interval.range", lang, low=low, high=high)
    return say("interval.exact", lang, confidence=f"{100 * (1 - ALPHA):g}", low=low, high=high)


def population_words(row: pd.Series, lang: str) -> str:
    """'population 446,193 (census 2020 residents)' / '人口 1,294,900（2022年末常住人口，不含常州经开区）'."""
    definition = say(f"population.{row['population_definition']}", lang, year=row["population_year"])
    scope = str(row["population_scope"])
    if scope.startswith("excluding "):
        zone = html.escape(scope.removeprefix("excluding "))
        scope = say("population.scope", lang, scope=say("scope.excluding", lang, zone=zone))
    else:
        scope = ""
    return say("population", lang, population=fmt_number(row["population"]), definition=definition, scope=scope)


def rate_sentence(row: pd.Series, metric: pd.Series, lang: str = "en") -> str:
    """One observation as a sentence a reader can check, with the quote it comes from. Escaped HTML."""
    amount = say(
        "amount",
        lang,
        qualifier=qualifier_words(row["qualifier"], lang),
        number=fmt_number(row["value"]),
        unit=count_words(metric["unit"], lang, row["value"], row.get("quote", "")),
    )
    when = say(
        "when.stock" if metric["kind"] == "stock" else "when.flow", lang, period=period_words(row["period"], lang)
    )
    text = say(
        "rate_sentence",
        lang,
        district=district_name(row, lang),
        amount=amount,
        metric=metric_name(metric, lang),
        when=when,
        rate=rate_words(row, metric, lang),
        interval=interval_words(row, lang),
        population=population_words(row, lang),
    )
    return text + " " + cite(row, lang)


def cite(row, lang: str = "en") -> str:
    """The quote a number comes from, or the table cell (with_cells), and its document, as escaped HTML."""
    quote, cell, doc = row.get("quote", ""), row.get("cell", ""), f"<code>{html.escape(row['doc_id'])}</code>"
    if quote:
        words = say("source.quote", lang, quote=html.escape(quote), doc=doc)
    elif isinstance(cell, str) and cell:
        words = say("source.cell", lang, cell=f"<code>{html.escape(cell)}</code>", doc=doc)
    else:
        words = say("source.url", lang, doc=doc)
    return f"<span class='quote'>{words}</span>"


def with_cells(ds: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    """rows (rate rows) with a `cell` column: 'file!B3' for a figure imported from a table, '' otherwise."""
    tables = {doc: path for doc, path in table_docs(ds.data_dir).items() if doc in set(rows["doc_id"])}
    if not tables:
        return rows.assign(cell="")
    cells = pd.concat([read_table(path, CELL_COLUMNS) for path in tables.values()], ignore_index=True)
    cells["cell"] = (
        cells["file"] + np.where(cells["sheet"].ne(""), "[" + cells["sheet"] + "]", "") + "!" + cells["cell"]
    )
    key = ["doc_id", *CELL_KEY]
    found = rows[key].astype(str).merge(cells[[*key, "cell"]], on=key, how="left")
    return rows.assign(cell=found["cell"].fillna("").to_numpy())


def holds(funnel_fit: Funnel | None) -> bool:
    """Whether a funnel's placements may be stated as findings: enough units, and overdispersion allowed for."""
    return (
        funnel_fit is not None
        and funnel_fit.classified
        and (not funnel_fit.overdispersed or funnel_fit.adjustment != "none")
    )


def too_few(cs: ComparisonSet, level: str, min_units: int, lang: str) -> str:
    return say(
        "too_few",
        lang,
        units=count_units(cs.n_units, level, lang),
        window=period_words(cs.label, lang),
        min_units=min_units,
    )


def headers(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    return {c: HEADERS[lang].get(c, c) for c in frame.columns}


def table(frame: pd.DataFrame, key: str, lang: str, name: str = "", **fields) -> Table:
    """A Table with the catalogue's title, readable headers, words for coded values and the file name its
    download gets (without .csv; default: the key)."""
    return Table(
        frame.reset_index(drop=True),
        say(f"table.{key}", lang, **fields),
        headers(frame, lang),
        value_labels(frame.columns, lang),
        name=name,
    )


def sources_of(ds: Dataset, doc_ids) -> pd.DataFrame:
    rows = ds.sources[ds.sources["doc_id"].isin(sorted(set(doc_ids)))]
    tables = table_docs(ds.data_dir)
    return rows.assign(text_held=rows["doc_id"].isin(list(ds.texts)), table_held=rows["doc_id"].isin(list(tables)))


def _reportable_metrics(ds: Dataset, code: str) -> list[str]:
    """The rateable metrics a district reports a total for, in catalogue order."""
    obs = rateable_observations(ds)
    own_rows = set(obs.loc[obs["district_code"] == code, "metric_id"])
    return [m for m in rateable_metrics(ds)["metric_id"] if m in own_rows]


def _window_funnel(cs: ComparisonSet, adjustment: str, min_units: int) -> Funnel | None:
    """The funnel of a comparison set's event counts, or None when fewer than two units have one."""
    events = cs.units[cs.units["ci_low"].notna()]
    if events["district_code"].nunique() < 2:
        return None
    return funnel(events, adjustment=adjustment, min_units=min_units)
