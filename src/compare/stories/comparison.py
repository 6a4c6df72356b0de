"""The metric comparison: rates within one window, a funnel when enough units share it, rate ratios (every pair
in a small panel; in a large one, the pairs the funnel points to)."""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd

from ..data.population import DEFAULT_DENOMINATOR, canonical_denominator, reconcile
from ..data.tables import Dataset
from ..stats.comparisons import PLACEMENT_COLUMNS, Funnel, funnel_rate_ratios
from ..stats.rates import check_rate_metric, comparable_rate, rate_export, rate_table
from ..stats.windows import MIN_UNITS, ComparisonSet, comparison_set
from .benchmarks import benchmark_story, chart_benchmarks
from .charts import district_colours, funnel_plot, ranked_intervals
from .phrases import (
    OUTSTANDING,
    _window_funnel,
    district_name,
    holds,
    metric_name,
    rate_sentence,
    rate_words,
    sources_of,
    table,
    too_few,
    unit_label,
    with_cells,
)
from .sentences import (
    count_units,
    counted_sentence,
    fmt_rate,
    listing,
    method_words,
    period_words,
    say,
    spread_words,
    unit_words,
)
from .story import Chart, Story, file_name

NOTES = {
    "both counts are zero: no ratio": "ratio.both_zero",
    "one count is zero: no overdispersed interval": "ratio.one_zero",
    "different periods: not compared": "ratio.other_period",
}
# More pairs than this (26 units and up) are too many for a page or its download: 90 counties make 4,005 pairs,
# 1.3 MB of table and CSV. The funnel places every unit of such a panel, so only the pairs with a unit it flags
# are listed, at most this many (see listed_ratios). Up to 25 units every pair is listed.
MAX_PAIRS = 300
FLAGGED = ("above 99.8%", "above 95%", "below 95%", "below 99.8%")  # outside a funnel's 95% or 99.8% limits


def metric_comparison(
    ds: Dataset,
    metric: str,
    level: str = "county",
    districts=(),
    denominator: str = DEFAULT_DENOMINATOR,
    period: str = "",
    adjustment: str = "random_effects",
    min_units: int = MIN_UNITS,
    lang: str = "en",
) -> Story:
    """Rates within one comparison window, a funnel when enough units share it, pairwise rate ratios, the
    units left out (other periods) and denominator reconciliation for one metric."""
    denominator = canonical_denominator(denominator)
    info = check_rate_metric(ds, metric)
    rates = rate_table(ds, metric, districts=list(districts) or None, level=level, denominator=denominator)
    cs = comparison_set(rates, period, min_units)
    colours = district_colours(ds.observations["district_code"])
    label, window = unit_label(info, lang), period_words(cs.label, lang)
    units = cs.units.assign(_r=comparable_rate(cs.units)).sort_values("_r", ascending=False).drop(columns="_r")
    funnel_fit = _window_funnel(cs, adjustment, min_units)
    story = Story(
        say(
            "story.comparison",
            lang,
            metric=html.unescape(metric_name(info, lang, False)),
            level=say(f"level.{level}", lang),
        ),
        lang,
        data_version=ds.version,
        synthetic=ds.synthetic,
        sources=sources_of(ds, units["doc_id"]),
    )
    bench_lead, bench_findings, bench_table = benchmark_story(ds, units, denominator, lang)
    story.lead = " ".join(
        filter(None, [bench_lead, comparison_lead(info, cs, funnel_fit, level, min_units, label, lang)])
    )
    story.findings = (
        bench_findings
        + _outstanding(funnel_fit, info, lang)
        + [rate_sentence(row, info, lang) for _, row in with_cells(ds, units).iterrows()]
    )
    if not cs.not_comparable.empty:
        others = [
            say(
                "not_comparable.unit",
                lang,
                district=html.escape(r.district_zh),
                periods=listing([period_words(p, lang) for p in r.reports.split(", ") if p], lang)
                or say("not_comparable.none", lang),
            )
            for r in cs.not_comparable.itertuples()
        ]
        story.findings.append(say("not_comparable", lang, window=window, units=listing(others, lang)))
    story.about = [
        (say("about.window", lang), window),
        (say("about.units", lang), str(cs.n_units)),
        (say("about.level", lang), say(f"level.{level}", lang)),
        (say("about.denominator", lang), say(f"denominator.{denominator}", lang)),
        (
            say("about.method", lang),
            method_words(funnel_fit, lang) if funnel_fit is not None else say("method.rates", lang),
        ),
    ]
    if funnel_fit is not None:
        story.about.append((say("about.variation", lang), spread_words(funnel_fit, lang)))
    if not units.empty:  # one definition per window (compare.stats.windows.one_definition): say which
        first = units.iloc[0]
        story.about.insert(
            1, (say("about.counted", lang), counted_sentence(first["basis"], first["scope"], info["unit"], lang))
        )
    stem = [metric, level, cs.window.label if cs.window is not None else ""]
    if not units.empty:
        marks = chart_benchmarks(bench_table)
        marks = marks[marks["metric_id"] == metric]
        story.charts["ranked"] = _ranked_chart(ds, units, info, label, window, colours, level, lang, marks)
    if funnel_fit is not None and funnel_fit.classified:  # below min_units a funnel has no limits to draw
        story.charts["funnel"] = _funnel_chart(ds, funnel_fit, info, label, window, colours, lang)
    if funnel_fit is not None:
        story.tables["funnel"] = table(
            funnel_fit.table[["district_zh", *PLACEMENT_COLUMNS]],
            "funnel_in",
            lang,
            name=file_name(*stem, "funnel"),
            unit_label=label,
        )
        story.tables["funnel"].headers["value"] = say("header.count_in", lang, units=unit_words(info["unit"], lang))
        ratios, left_out = listed_ratios(funnel_rate_ratios(funnel_fit), funnel_fit, level, lang)
        ratios = ratios.assign(note=ratios["note"].map(lambda n: say(NOTES[n], lang) if n in NOTES else n))
        method = say("ratio.widened" if funnel_fit.overdispersed else "ratio.exact", lang)
        story.tables["rate_ratios"] = table(
            ratios[
                [
                    "district_zh_a",
                    "period_a",
                    "district_zh_b",
                    "period_b",
                    "rate_ratio",
                    "ci_low",
                    "ci_high",
                    "p_holm",
                    "note",
                ]
            ],
            "rate_ratios",
            lang,
            name=file_name(*stem, "rate-ratios"),
            method=method,
        )
        story.tables["rate_ratios"] = replace(story.tables["rate_ratios"], note=left_out)  # what it leaves out
    story.tables["rates"] = table(
        units.assign(rate=comparable_rate(units))[  # per year for flows, at the date for stocks
            [
                "district_zh",
                "period",
                "value",
                "qualifier",
                "population",
                "population_definition",
                "rate",
                "ci_low",
                "ci_high",
                "flags",
                "doc_id",
            ]
        ],
        "rates_in",
        lang,
        name=file_name(*stem, "rates"),
        unit_label=label,
    )
    story.tables["rates"].headers["value"] = say("header.count_in", lang, units=unit_words(info["unit"], lang))
    if not bench_table.empty:
        story.tables["benchmarks"] = table(bench_table, "benchmarks", lang, name=file_name(*stem, "benchmarks"))
    if not cs.not_comparable.empty:
        other = cs.not_comparable[["district_code", "district_zh", "reports"]]
        other = other.assign(reports=other["reports"].map(lambda r: _periods(r, lang)))
        story.tables["not_comparable"] = table(other, "not_comparable", lang, name=file_name(*stem, "other-periods"))
    rec = reconcile(ds)
    if not rec.empty:
        rec = rec[(rec["metric_id"] == metric) & rec["district_code"].isin(rates["district_code"])]
        if not rec.empty:
            story.tables["reconciliation"] = table(
                reconciliation_words(rec, lang), "reconciliation", lang, name=file_name(metric, "implied-population")
            )
    return story


def listed_ratios(ratios: pd.DataFrame, funnel_fit: Funnel, level: str, lang: str) -> tuple[pd.DataFrame, str]:
    """The pairs a page lists, and the sentence saying what it leaves out ('' when nothing): every pair up to
    MAX_PAIRS; beyond, the pairs with a unit the funnel places outside its 95% or 99.8% limits, and of these (or
    of all pairs, when the funnel classifies nothing) at most MAX_PAIRS, those of the smallest Holm-adjusted
    p-values, in the table's order. The p-values stay adjusted over all pairs."""
    if len(ratios) <= MAX_PAIRS:
        return ratios, ""
    fields = {"units": count_units(funnel_fit.n_units, level, lang), "pairs": f"{len(ratios):,}"}
    key, pool = "ratio.capped", ratios
    if funnel_fit.classified:
        placed = funnel_fit.table
        flagged = set(placed.loc[placed["classification"].isin(FLAGGED), "district_code"])
        if not flagged:
            return ratios.iloc[:0], say("ratio.none_flagged", lang, **fields)
        pool = ratios[ratios["district_a"].isin(flagged) | ratios["district_b"].isin(flagged)]
        fields.update(flagged=len(flagged), involved=f"{len(pool):,}")
        if len(pool) <= MAX_PAIRS:
            return pool, say("ratio.flagged", lang, shown=f"{len(pool):,}", **fields)
        key = "ratio.flagged_capped"
    kept = pool[pool["p_holm"].rank(method="first", na_option="bottom").le(MAX_PAIRS)]
    return kept, say(key, lang, shown=f"{len(kept):,}", **fields)


def _periods(reports: str, lang: str) -> str:
    return listing([period_words(p, lang) for p in str(reports).split(", ") if p], lang) or say(
        "not_comparable.none", lang
    )


def reconciliation_words(rec: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One line per reported per-10,000 figure: the population it implies and, in words, the reference
    populations it is consistent with (or the closest one and how far off)."""
    key = ["doc_id", "district_zh", "metric_id", "count", "reported_rate_per_10k", "implied_population"]

    def reference(r) -> str:
        scope = str(r["reference_scope"])
        if scope.startswith(("excluding ", "including ")):
            side, zone = scope.split(" ", 1)
            scope = say(f"scope.{side}", lang, zone=zone)
        else:
            scope = say("scope.census" if scope == "census tabulation" else "scope.whole", lang)
        definition = say(f"population.{r['reference_definition']}", lang, year=int(r["reference_year"]))
        return say("reconcile.reference", lang, definition=definition, scope=scope)

    def describe(group: pd.DataFrame) -> str:
        hits = group[group["consistent"]]
        if hits.empty:
            best = group[group["best"]].iloc[0]
            return say("reconcile.none", lang, reference=reference(best), difference=f"{best['difference_pct']:+.1f}%")
        return ("；" if lang == "zh" else "; ").join(reference(r) for _, r in hits.iterrows())

    out = rec.groupby(key, sort=False).apply(describe, include_groups=False).rename("matches").reset_index()
    return out


def _ranked_chart(
    ds: Dataset,
    units: pd.DataFrame,
    info: pd.Series,
    label: str,
    window: str,
    colours: dict,
    level: str,
    lang: str,
    marks: pd.DataFrame,
) -> Chart:
    name = html.unescape(metric_name(info, lang, False))
    figure = ranked_intervals(
        units,
        label,
        colours,
        title=say("title.ranked", lang, metric=name, window=window),
        lang=lang,
        benchmarks=marks,
    )
    ordered = units.assign(_r=comparable_rate(units)).dropna(subset=["_r"]).sort_values("_r")
    top, bottom = ordered.iloc[-1], ordered.iloc[0]
    alt = say(
        "alt.ranked",
        lang,
        metric=name,
        unit_label=label,
        window=window,
        n=len(ordered),
        top=html.unescape(district_name(top, lang)),
        top_rate=fmt_rate(top["_r"]),
        bottom=html.unescape(district_name(bottom, lang)),
        bottom_rate=fmt_rate(bottom["_r"]),
    )
    caption = "caption.ranked" if units["ci_low"].notna().any() else "caption.ranked_counts"
    words = say(caption, lang, units=count_units(len(ordered), level, lang), window=window)
    if len(marks):
        words += say("caption.benchmarks_marked", lang)
    periods = units["period"].unique()
    stem = file_name(info["metric_id"], level, periods[0] if len(periods) == 1 else "")
    return Chart(figure, alt, words, rate_export(ds, units), name=stem)


def _funnel_chart(
    ds: Dataset, funnel_fit: Funnel, info: pd.Series, label: str, window: str, colours: dict, lang: str
) -> Chart:
    name = html.unescape(metric_name(info, lang, False))
    caption = say("caption.funnel", lang, method=method_words(funnel_fit, lang))
    figure = funnel_plot(
        funnel_fit, label, colours, title=say("title.funnel", lang, metric=name, window=window), lang=lang
    )
    outside = int(funnel_fit.table["classification"].isin(OUTSTANDING).sum())
    placed = (
        say("alt.funnel_placed", lang, k=outside)
        if funnel_fit.classified
        else say("alt.funnel_unplaced", lang, reason=method_words(funnel_fit, lang))
    )
    alt = say(
        "alt.funnel",
        lang,
        metric=name,
        unit_label=label,
        window=window,
        n=funnel_fit.n_units,
        pooled=fmt_rate(funnel_fit.pooled_rate),
        placed=placed,
    )
    periods = funnel_fit.table["period"].unique() if "period" in funnel_fit.table else []
    stem = file_name(info["metric_id"], periods[0] if len(periods) == 1 else "", "funnel")
    return Chart(figure, alt, caption, rate_export(ds, funnel_fit.table), name=stem)


def comparison_lead(
    info: pd.Series,
    cs: ComparisonSet,
    funnel_fit: Funnel | None,
    level: str,
    min_units: int,
    label: str,
    lang: str = "en",
) -> str:
    """The one-paragraph main message of a metric comparison."""
    what, level_words = metric_name(info, lang), say(f"level.{level}", lang)
    window = period_words(cs.label, lang)
    if cs.window is None:
        return say("lead.no_window", lang, level=level_words, metric=what)
    if cs.units.empty:  # a period was named that no unit reports exactly
        return say("lead.one_unit", lang, window=window, level=level_words, metric=what)
    if info["variation"] == "none":
        return say(
            "lead.not_events",
            lang,
            metric=what,
            units=unit_words(info["unit"], lang),
            reporting=count_units(cs.n_units, level, lang),
            window=window,
        )
    if funnel_fit is None:
        return say("lead.one_unit", lang, window=window, level=level_words, metric=what)
    if not funnel_fit.classified:
        return say("lead.too_few", lang, too_few=too_few(cs, level, min_units, lang))
    if not holds(funnel_fit):
        return say("lead.unadjusted", lang, phi=fmt_rate(funnel_fit.phi))
    outside = int(funnel_fit.table["classification"].isin(OUTSTANDING).sum())
    fields = dict(
        n=funnel_fit.n_units,
        level=level_words,
        window=window,
        pooled=fmt_rate(funnel_fit.pooled_rate),
        unit_label=html.escape(label),
        spread=spread_words(funnel_fit, lang),
    )
    return say("lead.outliers", lang, k=outside, **fields) if outside else say("lead.calm", lang, **fields)


def _outstanding(funnel_fit: Funnel | None, info: pd.Series, lang: str) -> list[str]:
    """One key finding per unit outside the 99.8% limits, when the funnel's placements hold."""
    if not holds(funnel_fit):
        return []
    rows = funnel_fit.table[funnel_fit.table["classification"].isin(OUTSTANDING)]
    return [
        say(
            "outlier",
            lang,
            district=district_name(row, lang),
            rate=rate_words(row, info, lang),
            place=say(f"place.{row['classification']}", lang),
        )
        for _, row in rows.iterrows()
    ]
