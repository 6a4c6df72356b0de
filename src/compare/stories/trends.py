"""A district's trends: the change table, the quasi-Poisson trend or why there is none, derived values."""

from __future__ import annotations

import html

from ..data.population import DEFAULT_DENOMINATOR, canonical_denominator
from ..data.tables import Dataset
from ..stats.rates import rate_export
from ..stats.trends import CHANGE_COLUMNS, STOCK, USED, Trend, trend
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
from .sentences import fmt_rate, listing, period_words, say, unit_words, use_reason, use_words, value_labels
from .story import Chart, Story, Table


def no_trend_reason(result: Trend, lang: str = "en") -> str:
    """Why there is no trend, in words ('' when there is one)."""
    return say(f"reason.{result.no_model_code}", lang, **result.no_model_fields) if result.no_model_code else ""


def model_sentence(result: Trend, metric: str, lang: str = "en") -> str:
    """The trend in one plain sentence (with φ and the method in words), or why there is none."""
    model = result.model
    if model is None:
        return say("trend.none", lang, metric=metric, reason=no_trend_reason(result, lang))
    used = result.changes[result.changes["trend_use"] == USED]
    inexact = used[used["qualifier"].isin(["at_least", "at_most", "approx"])]
    text = say(
        "trend.model",
        lang,
        metric=metric,
        about=say("qualifier.approx", lang) if len(inexact) else "",
        change=f"{model.annual_change_pct:+.1f}%",
        n=model.periods,
        first=period_words(used["period"].iloc[0], lang),
        last=period_words(used["period"].iloc[-1], lang),
        ci=say("trend.ci", lang, level=f"{100 * (1 - model.alpha):g}"),
        low=f"{model.ci_low_pct:+.1f}%",
        high=f"{model.ci_high_pct:+.1f}%",
        p=f"{model.p_value:.2g}",
        spread=say(
            "trend.spread_beyond" if model.pearson_phi > 1 else "trend.spread_floor",
            lang,
            phi=f"{model.pearson_phi:.2g}",
            df=model.df,
            dof=say("trend.dof_one" if model.df == 1 else "trend.dof_many", lang),
        ),
    )
    if len(inexact):
        items = [
            f"{period_words(r['period'], lang)}: {say('inexact.' + r['qualifier'], lang)}"
            for _, r in inexact.iterrows()
        ]
        text += say("trend.inexact", lang, items="; ".join(items))
    return text


QUALIFIER_KEYS = {"at least": "at_least", "at most": "at_most", "about": "approx"}


def change_sentence(result: Trend, metric: str, lang: str = "en") -> str:
    """The change from the previous used period to the latest, qualified by its counts ('' when none)."""
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
        basis=say("trend.basis_flow" if result.kind == "flow" else "trend.basis_stock", lang),
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


def district_trends(
    ds: Dataset, district: str, metrics=(), denominator: str = DEFAULT_DENOMINATOR, lang: str = "en"
) -> Story:
    """Each metric's rate over time for one district: the change table (every row, with what it is used for),
    the quasi-Poisson trend with φ in words or the reason there is none, and derived previous-year values.
    Undated, open and overlapping periods are listed but kept out of changes, the model and the chart's axis."""
    denominator = canonical_denominator(denominator)
    district_info = ds.district(district)
    name = district_name({"district_zh": district_info["name_zh"], "district_en": district_info["name_en"]}, lang)
    story = Story(say("story.trends", lang, district=html.unescape(name)), lang, data_version=ds.version)
    doc_ids, modelled, chosen = [], 0, list(metrics) or _reportable_metrics(ds, district)
    for metric_id in chosen:
        info = ds.metric(metric_id)
        result = trend(ds, metric_id, district, denominator)
        modelled += result.model is not None
        changes, derived = result.changes, result.derived
        doc_ids += list(changes["doc_id"]) + list(derived.get("doc_id", []))
        label, title = unit_label(info, lang), html.unescape(metric_name(info, lang, False))
        figure = trend_plot(changes, derived, label, title=f"{html.unescape(name)}: {title}", lang=lang)
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
        story.charts[metric_id] = Chart(figure, alt, model_sentence(result, title, lang), rate_export(ds, changes))
        rows = changes.assign(
            trend_use=changes["trend_use"].map(lambda u: use_words(u, lang)),
            period=changes["period"].map(lambda p: period_words(p, lang)),
        )
        rows = rows[CHANGE_COLUMNS].reset_index(drop=True)
        story.tables[metric_id] = Table(
            rows, f"{title} ({label})", headers(rows, lang), value_labels(rows.columns, lang)
        )
        story.findings += [rate_sentence(row, info, lang) for _, row in changes.iterrows()]
        for sentence in (
            change_sentence(result, title, lang),
            model_sentence(result, title, lang),
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
                shown, say("table.derived", lang, metric=title), headers(shown, lang)
            )
    story.lead = say("trend.lead", lang, district=name, k=modelled, m=len(chosen))
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
