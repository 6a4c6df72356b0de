"""The data-quality brief: coverage, qualifiers and targets, validation status and provenance."""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd

from ..data.tables import Dataset, validate
from .phrases import sources_of, table
from .sentences import HEADERS, period_words, say
from .story import Story


def data_quality(ds: Dataset, lang: str = "en") -> Story:
    """Coverage, qualifiers and targets, validation status and provenance of every document."""
    obs = ds.observations.merge(
        ds.districts[["code", "name_zh", "level"]].rename(columns={"code": "district_code"}), on="district_code"
    )
    problems, _ = validate(ds.data_dir)
    story = Story(
        say("story.data_quality", lang),
        lang,
        data_version=ds.version,
        synthetic=ds.synthetic,
        sources=sources_of(ds, ds.sources["doc_id"]),  # every document, as the documents table lists them
    )
    names = ds.metrics.set_index("metric_id")["name_zh" if lang == "zh" else "name_en"]
    obs = obs.assign(metric=obs["metric_id"].map(names))  # the catalogue's names, never ids
    # per unit: how many observations, of how many metrics, over which years; the download adds the whole
    # unit × metric matrix (too wide for a page: the catalogue has over 30 metrics)
    above = obs["level"].isin(["nation", "province"])  # benchmarks, in a table of their own
    for key, rows, name in (
        ("coverage", ~above, "observations-by-district-and-metric"),
        ("coverage_benchmarks", above, "benchmark-observations-by-unit-and-metric"),
    ):
        if rows.any():
            story.tables[key] = replace(
                table(_coverage(obs[rows], lang), key, lang, name=name),
                csv_only=tuple(sorted(set(obs.loc[rows, "metric"]))),
            )
    year = obs["period_start"].dt.year.map(lambda y: period_words("undated", lang) if pd.isna(y) else str(int(y)))
    by_year = pd.crosstab(obs["metric"], year).rename_axis(index="metric", columns=None).reset_index()
    story.tables["coverage_by_period"] = table(
        by_year, "coverage_by_period", lang, name="observations-by-metric-and-year"
    )
    kinds = pd.crosstab(obs["statement"], obs["qualifier"], margins=True, margins_name=HEADERS[lang]["total"])
    story.tables["qualifiers_and_statements"] = table(
        kinds.rename_axis(index="statement", columns=None).reset_index(),
        "qualifiers_and_statements",
        lang,
        name="observations-by-qualifier-and-statement",
    )
    counts = obs.groupby("doc_id").agg(observations=("value", "size"), quoted=("quote", lambda q: int(q.ne("").sum())))
    prov = ds.sources.merge(counts, left_on="doc_id", right_index=True, how="left").fillna(
        {"observations": 0, "quoted": 0}
    )
    prov["text_held"] = prov["doc_id"].isin(list(ds.texts))
    story.tables["provenance"] = table(
        prov[
            [
                "doc_id",
                "title",
                "district_zh",
                "period_label",
                "published",
                "text_held",
                "observations",
                "quoted",
                "url",
            ]
        ].rename(columns={"period_label": "period"}),
        "provenance",
        lang,
        name="documents",
    )
    # every title, address and whether its text is held are in the page's list of sources, by the same document
    # id: the download keeps them, the table does not repeat them
    story.tables["provenance"] = replace(story.tables["provenance"], csv_only=("title", "text_held", "url"))
    status = say("dq.clean", lang) if not problems else say("dq.problems", lang, n=len(problems))
    story.lead = say("dq.validation", lang, status=status, version=ds.version)
    story.findings = [
        say(
            "dq.counts",
            lang,
            observations=len(obs),
            metrics=obs["metric_id"].nunique(),
            districts=obs["district_code"].nunique(),
            documents=obs["doc_id"].nunique(),
            quoted=int(obs["quote"].ne("").sum()),
            cited=int(obs["quote"].eq("").sum()),
        ),
        say(
            "dq.kinds",
            lang,
            targets=int((obs["statement"] == "target").sum()),
            lower=int((obs["qualifier"] == "at_least").sum()),
            approx=int((obs["qualifier"] == "approx").sum()),
        ),
    ] + [html.escape(str(p)) for p in problems]
    story.about = [(say("about.data", lang), say("about.data_files", lang))]  # never the machine's own path
    return story


def _coverage(obs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per unit: observations, metrics, documents, first and last year, then its count per metric."""
    unit = obs["name_zh"] + " " + obs["district_code"]
    years = obs["period_start"].dt.year
    summary = (
        obs.assign(unit=unit, year=years)
        .groupby("unit")
        .agg(
            observations=("value", "size"),
            metrics=("metric_id", "nunique"),
            documents=("doc_id", "nunique"),
            first_year=("year", "min"),
            last_year=("year", "max"),
        )
    )
    matrix = pd.crosstab(unit, obs["metric"])
    frame = summary.join(matrix).sort_values("observations", ascending=False)
    for column in ("first_year", "last_year"):  # a unit with undated figures only says so, in words
        frame[column] = frame[column].map(lambda y: period_words("undated", lang) if pd.isna(y) else str(int(y)))
    return frame.rename_axis("district").reset_index()
