"""A district's trends: the change table, the quasi-Poisson trend from five or more annual points or why it was
not assessed, the latest change between two periods of the same span, derived values."""

from __future__ import annotations

import html

import pandas as pd

from ..data.population import DEFAULT_DENOMINATOR, canonical_denominator
from ..data.tables import Dataset
from ..stats.rates import rate_export
from ..stats.trends import CHANGE_COLUMNS, STOCK, USED, Trend, change_qualifier, trend
from .charts import trend_plot
from .phrases import (
    _reportable_metrics,
    cite,
    district_name,
    headers,
    metric_name,
    qualifier_words,
    rate_sentence,
    sources_of,
    unit_label,
)
from .sentences import (
    counted_words,
    fmt_number,
    fmt_rate,
    listing,
    period_words,
    say,
    unit_words,
    use_reason,
    use_words,
    value_labels,
)
from .story import Chart, Story, Table, file_name


def no_trend_reason(result: Trend, lang: str = "en") -> str:
    """Why the trend was not assessed, in words ('' when it was)."""
    return say(f"reason.{result.no_model_code}", lang, **result.no_model_fields) if result.no_model_code else ""


def inexact_items(rows, lang: str) -> str:
    """'2022: a lower bound; 2023: approximate' for the rows whose count is not exact."""
    return "; ".join(
        f"{period_words(period, lang)}: {say('inexact.' + qualifier, lang)}"
        for period, qualifier in rows
        if qualifier in ("at_least", "at_most", "approx")
    )


def model_sentence(result: Trend, metric: str, lang: str = "en") -> str:
    """The trend in one plain sentence (with φ and the method in words), or why it was not assessed."""
    model = result.model
    if model is None:
        return say("trend.none", lang, metric=metric, reason=no_trend_reason(result, lang))
    points = result.changes.loc[list(result.model_rows)]
    inexact = inexact_items(zip(points["period"], points["qualifier"]), lang)
    dof = say("trend.dof_one" if model.df == 1 else "trend.dof_many", lang)
    beyond = model.pearson_phi > 1
    text = say(
        "trend.model",
        lang,
        metric=metric,
        about=say("qualifier.approx", lang) if inexact else "",
        change=f"{model.annual_change_pct:+.1f}%",
        n=model.periods,
        first=period_words(points["period"].iloc[0], lang),
        last=period_words(points["period"].iloc[-1], lang),
        ci=say("trend.ci", lang, level=f"{100 * (1 - model.alpha):g}"),
        low=f"{model.ci_low_pct:+.1f}%",
        high=f"{model.ci_high_pct:+.1f}%",
        p=f"{model.p_value:.2g}",
        spread=say(
            "trend.spread_beyond" if beyond else "trend.spread_floor",
            lang,
            phi=f"{model.pearson_phi:.2g}",
            df=model.df,
            dof=dof,
        ),
    )
    if inexact:
        text += say("trend.inexact", lang, items=inexact)
    return text


QUALIFIER_KEYS = {"at least": "at_least", "at most": "at_most", "about": "approx"}


def fmt_ratio(x: float) -> str:
    """A rate ratio: 1.25 · 0.80 · 12.3."""
    return f"{x:.3g}" if x >= 10 else f"{x:.2f}"


def span_change_sentence(result: Trend, metric: str, lang: str = "en") -> str:
    """The latest same-span change as a rate ratio with its exact interval, in words, or why there is none
    ('' when there is nothing to compare, or when a trend was assessed)."""
    change = result.span_change
    if change is None:
        if not result.span_change_code:
            return ""
        return say("change.none", lang, metric=metric, reason=say(f"reason.{result.span_change_code}", lang))
    earlier, later = period_words(change.earlier, lang), period_words(change.later, lang)
    level = f"{100 * (1 - change.alpha):g}"
    qualifier = change_qualifier(pd.Series([change.earlier_qualifier]), pd.Series([change.later_qualifier])).iloc[0]
    about = qualifier_words(QUALIFIER_KEYS.get(qualifier, ""), lang)
    fields = dict(
        metric=metric,
        later=later,
        earlier=earlier,
        about=about,
        ratio=fmt_ratio(change.rate_ratio),
        count=fmt_number(change.later_count),
        level=level,
        low=fmt_ratio(change.ci_low),
        high=fmt_ratio(change.ci_high),
    )  # each sentence takes the fields it names
    if not change.events:
        return say("change.ratio_no_interval", lang, **fields)
    text = say("change.ratio_open" if change.earlier_count == 0 else "change.ratio", lang, **fields)
    if not change.exact_counts:
        items = inexact_items(
            [(change.earlier, change.earlier_qualifier), (change.later, change.later_qualifier)], lang
        )
        text += say("change.ranged", lang, items=items)
    return text


def change_sentence(result: Trend, metric: str, lang: str = "en") -> str:
    """What changed, in words ('' when nothing can be said): for a flow the latest same-span change
    (span_change_sentence); for a stock the change in its rate at the date from the previous date."""
    if result.kind == "flow":
        return span_change_sentence(result, metric, lang)
    rows = result.changes[result.changes["change_on_previous_pct"].notna()]
    if rows.empty:
        return ""
    last = rows.iloc[-1]
    used = result.changes[result.changes["trend_use"].isin([USED, STOCK])]
    previous = used.loc[used.index[used.index.get_loc(last.name) - 1], "period"]
    qualifier = qualifier_words(QUALIFIER_KEYS.get(last["change_qualifier"], ""), lang)
    return say(
        "trend.change",
        lang,
        metric=metric,
        qualifier=qualifier,
        change=f"{last['change_on_previous_pct']:+.1f}%",
        basis=say("trend.basis_stock", lang),
        previous=period_words(previous, lang),
        last=period_words(last["period"], lang),
    )


def set_aside_sentence(result: Trend, lang: str = "en") -> str:
    """Which rows are listed but kept out of changes, the model and the per-year chart, and why ('' if none)."""
    rows = result.set_aside
    rows = rows[rows["trend_use"] != STOCK]
    if rows.empty:
        return ""
    items = [f"{period_words(r['period'], lang)} ({use_reason(r['trend_use'], lang)})" for _, r in rows.iterrows()]
    return say("trend.set_aside", lang, items=listing(items, lang))


def counted_metric_sentence(result: Trend, metric: str, lang: str = "en") -> str:
    """What the periods set side by side count: 'Legal aid cases: counted as received (受理).' ('' when no row is
    used; rows counted another way are set aside, so the used rows share one basis and scope)."""
    used = result.changes[result.changes["trend_use"].isin([USED, STOCK])]
    if used.empty:
        return ""
    first = used.iloc[0]
    return say("counted.metric", lang, metric=metric, counted=counted_words(first["basis"], first["scope"], lang))


def district_trends(
    ds: Dataset, district: str, metrics=(), denominator: str = DEFAULT_DENOMINATOR, lang: str = "en"
) -> Story:
    """Each metric's rate over time for one district: the change table (every row, with what it is used for),
    the quasi-Poisson trend with φ in words where five or more annual points allow one, else "not assessed" and
    why, with the latest change between two periods of the same span as a rate ratio, and derived previous-year
    values. Undated and open periods are listed but kept off the chart's axis."""
    denominator = canonical_denominator(denominator)
    district_info = ds.district(district)
    name = district_name({"district_zh": district_info["name_zh"], "district_en": district_info["name_en"]}, lang)
    story = Story(
        say("story.trends", lang, district=html.unescape(name)), lang, data_version=ds.version, synthetic=ds.synthetic
    )
    doc_ids, modelled, changed, chosen = [], 0, 0, list(metrics) or _reportable_metrics(ds, district)
    for metric_id in chosen:
        info = ds.metric(metric_id)
        result = trend(ds, metric_id, district, denominator)
        modelled += result.model is not None
        changed += result.span_change is not None
        changes, derived = result.changes, result.derived
        doc_ids += list(changes["doc_id"]) + list(derived.get("doc_id", []))
        label, title = unit_label(info, lang), html.unescape(metric_name(info, lang, False))
        figure = trend_plot(
            changes,
            derived,
            label,
            title=f"{html.unescape(name)}: {title}",
            lang=lang,
            model=result.model,
            model_rows=result.model_rows,
            note=say("chart.not_assessed", lang, reason=no_trend_reason(result, lang)) if result.model is None else "",
        )
        shown = changes[changes["comparable_rate"].notna()]
        alt = (
            (
                f"{title} ({label}): "
                + "; ".join(
                    f"{period_words(r['period'], lang)} {fmt_rate(r['comparable_rate'])}" for _, r in shown.iterrows()
                )
            )
            if len(shown)
            else title
        )
        caption = " ".join(t for t in (model_sentence(result, title, lang), change_sentence(result, title, lang)) if t)
        stem = file_name(metric_id, district_info["name_en"], district)
        story.charts[metric_id] = Chart(figure, alt, caption, rate_export(ds, changes), name=stem)
        rows = changes.assign(
            trend_use=changes["trend_use"].map(lambda u: use_words(u, lang)),
            period=changes["period"].map(lambda p: period_words(p, lang)),
        )
        rows = rows[CHANGE_COLUMNS].reset_index(drop=True)
        story.tables[metric_id] = Table(
            rows, f"{title} ({label})", headers(rows, lang), value_labels(rows.columns, lang), name=f"{stem}-changes"
        )
        story.tables[metric_id].headers["value"] = say("header.count_in", lang, units=unit_words(info["unit"], lang))
        story.findings += [rate_sentence(row, info, lang) for _, row in changes.iterrows()]
        for sentence in (
            model_sentence(result, title, lang),
            change_sentence(result, title, lang),
            counted_metric_sentence(result, title, lang),
            set_aside_sentence(result, lang),
        ):
            if sentence:
                story.findings.append(html.escape(sentence))
        for _, d in derived.iterrows():
            part = f" ({html.escape(d['subset'])})" if d["subset"] else ""
            story.findings.append(
                say(
                    "trend.derived",
                    lang,
                    pct=f"{d['yoy_pct']:+g}%",
                    part=part,
                    previous=f"{d['previous_value']:,.0f}",
                    unit=unit_words(info["unit"], lang),
                )
                + " "
                + cite({"doc_id": d["doc_id"], "quote": d["quote_pct"]}, lang)
            )
        if not derived.empty:
            shown = derived[["period_start", "period_end", "subset", "value", "yoy_pct", "previous_value", "doc_id"]]
            story.tables[f"{metric_id}_derived"] = Table(
                shown, say("table.derived", lang, metric=title), headers(shown, lang), name=f"{stem}-derived"
            )
    story.lead = say("trend.lead", lang, district=name, k=modelled, m=len(chosen), j=changed)
    story.about = [
        (say("about.district", lang), f"{html.unescape(name)} ({district})"),
        (
            say("about.metrics", lang),
            listing([html.unescape(metric_name(ds.metric(m), lang, False)) for m in chosen], lang),
        ),
        (say("about.denominator", lang), say(f"denominator.{denominator}", lang)),
    ]
    story.sources = sources_of(ds, doc_ids)
    return story
