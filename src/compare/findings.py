"""What the notebooks show: findings in sentences, tables and charts for each kind of brief.

Each story function returns a Story (findings, tables, figures, the documents it cites); the notebooks
only call these and display the result. Every string that comes from a source document (quotes,
titles, names) is HTML-escaped here, before it reaches a notebook output.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from . import __version__
from .charts import coverage_heatmap, district_colours, funnel_plot, ranked_intervals, small_multiples, trend_plot
from .comparisons import funnel, pairwise_rate_ratios
from .data import Dataset, UNITS, load_dataset, validate
from .errors import CompareError
from .periods import parse_period
from .population import reconcile, reconciliation_verdicts
from .rates import check_rate_metric, rate_table, rateable_metrics, rateable_observations, tier, unit_label
from .trends import trend

SINGULAR = {"person_time": "person-time", "org": "organisation", "CNY": "yuan", "copy": "copy", "percent": "percent"}
QUALIFIER_WORDS = {"at_least": "at least ", "approx": "about ", "at_most": "at most ", "exact": ""}


@dataclass
class Story:
    """A brief's content: key findings first, then tables and figures, and the documents cited."""

    findings: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    doc_ids: list[str] = field(default_factory=list)


def load(data_dir=None) -> Dataset:
    """The curated dataset (default data/)."""
    return load_dataset(data_dir)


# ---------------------------------------------------------------- sentences


def fmt_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"


def fmt_rate(x: float) -> str:
    """A rate with sensible precision: 1,627 · 26.7 · 2.06 · 0.452."""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}" if abs(x) >= 1 else f"{x:.3f}"


def fmt_interval(low, high, flags: str = "") -> str:
    if pd.isna(low):
        if "open_period" in flags or "undated" in flags:
            return "no interval: the report gives no end to its period"
        return "no interval: not a count"
    return f"95% CI {fmt_rate(low)}–{fmt_rate(high)}"


def rate_sentence(row: pd.Series, metric: pd.Series) -> str:
    """'环翠区 Huancui District: 591 Legal aid cases … in 2021H1: 26.7 per 10,000 residents per year
    (95% CI 24.6–29.0).' followed by the quote it comes from. Returns escaped HTML."""
    unit = SINGULAR.get(metric["unit"], metric["unit"]) if row["value"] == 1 else UNITS[metric["unit"]]
    amount = f"{QUALIFIER_WORDS.get(row['qualifier'], '')}{fmt_number(row['value'])} {unit}"
    when = f"on {row['period']}" if metric["kind"] == "stock" else f"in {row['period']}"
    if metric["kind"] == "flow" and pd.notna(row["annual_rate_per_10k"]):
        rate = f"{fmt_rate(row['annual_rate_per_10k'])} per 10,000 residents per year"
    else:
        rate = f"{fmt_rate(row['rate_per_10k'])} per 10,000 residents"
    bound = " (a lower bound)" if "lower_bound" in row["flags"] else ""
    text = (f"<b>{html.escape(row['district_zh'])} {html.escape(row['district_en'])}</b>: {amount} "
            f"({html.escape(metric['name_en'].lower())}) {when}: {rate}{bound} ({fmt_interval(row['ci_low'], row['ci_high'], row['flags'])}), "
            f"population {fmt_number(row['population'])} ({row['population_definition']} {row['population_year']}).")
    return text + " " + cite(row)


def cite(row) -> str:
    """The quote a number comes from, and its document, as escaped HTML."""
    quote = row.get("quote", "")
    source = f"<code>{html.escape(row['doc_id'])}</code>"
    if quote:
        return f"<span class='quote'>Source: “{html.escape(quote)}” ({source}).</span>"
    return f"<span class='quote'>Source: {source}, cited by URL.</span>"


def funnel_sentence(row: pd.Series, peers: int, level: str) -> str:
    where = {"within": "within the funnel limits", "above 95%": "above the 95% limit", "above 99.8%": "above the 99.8% limit",
             "below 95%": "below the 95% limit", "below 99.8%": "below the 99.8% limit"}[row["classification"]]
    return (f"Among {peers} {level}-level units reporting it, {html.escape(row['district_zh'])} lies {where} "
            f"around the pooled rate of {fmt_rate(row['pooled_rate'])}.")


# ---------------------------------------------------------------- stories


def _reportable_metrics(ds: Dataset, code: str) -> list[str]:
    """The rateable metrics a district reports a total for, in catalogue order."""
    obs = rateable_observations(ds)
    mine = set(obs.loc[obs["district_code"] == code, "metric_id"])
    return [m for m in rateable_metrics(ds)["metric_id"] if m in mine]


def _match_period(rates: pd.DataFrame, period: str) -> pd.DataFrame:
    if not period:
        return rates
    p = parse_period(period)
    start, end = pd.Timestamp(p.start) if p.start else None, pd.Timestamp(p.end) if p.end else None
    return rates[(rates["period_start"] == start) & ((rates["period_end"] == end) if end is not None else True)]


def district_profile(ds: Dataset, district: str, peers=(), period: str = "", denominator: str = "census2020") -> Story:
    """One district against its peers on every per-capita metric it reports."""
    me = ds.district(district)
    level = tier(pd.Series([me["level"]])).iloc[0]
    colours = district_colours(ds.observations["district_code"])
    story, panels, units, rows = Story(), {}, {}, []
    metrics = _reportable_metrics(ds, district)
    if not metrics:
        raise CompareError(f"{me['name_zh']} ({district}) reports no metric with a per-capita rate.")
    for metric_id in metrics:
        metric = ds.metric(metric_id)
        selection = [district, *peers] if peers else None
        rates = rate_table(ds, metric_id, districts=selection, level=level, denominator=denominator)
        mine = _match_period(rates[rates["district_code"] == district], period)
        if mine.empty:
            continue
        latest = mine.sort_values("period_end").iloc[-1]
        others = rates[rates["district_code"] != district]
        shown = pd.concat([mine, others.sort_values("period_end").drop_duplicates("district_code", keep="last")])
        panels[metric_id], units[metric_id] = shown, unit_label(ds, metric_id)
        sentence = rate_sentence(latest, metric)
        classification = "no peers"
        if others["district_code"].nunique() >= 1 and pd.notna(latest["ci_low"]):
            fun = funnel(pd.concat([mine.tail(1), others]))
            mine_fun = fun[fun["district_code"] == district]
            if not mine_fun.empty:
                classification = mine_fun["classification"].iloc[0]
                sentence += " " + funnel_sentence(mine_fun.iloc[0], fun["district_code"].nunique(), level)
        rows.append({"metric": metric_id, "period": latest["period"], "value": latest["value"], "qualifier": latest["qualifier"],
                     "rate": latest["annual_rate_per_10k"] if pd.notna(latest["annual_rate_per_10k"]) else latest["rate_per_10k"],
                     "ci_low": latest["ci_low"], "ci_high": latest["ci_high"], "unit": units[metric_id],
                     "peers": others["district_code"].nunique(), "funnel": classification, "doc_id": latest["doc_id"],
                     "_sentence": sentence})
        story.doc_ids += list(shown["doc_id"])
    if not rows:
        raise CompareError(f"{me['name_zh']} ({district}) has no observation in period '{period}'.")
    table = pd.DataFrame(rows)
    notable = ~table["funnel"].isin(["within", "no peers"])
    table = pd.concat([table[notable], table[~notable]])  # key findings first
    story.findings = list(table.pop("_sentence"))
    story.tables["summary"] = table.reset_index(drop=True)
    names = {m: f"{ds.metric(m)['name_zh']} {ds.metric(m)['name_en']}" for m in panels}
    story.figures["peers"] = small_multiples(panels, units, district, colours, titles=names,
                                             title=f"{me['name_zh']} {me['name_en']} and its peers")
    story.doc_ids = sorted(set(story.doc_ids))
    return story


def metric_comparison(ds: Dataset, metric: str, level: str = "county", districts=(), denominator: str = "census2020",
                      overdispersion: bool = False) -> Story:
    """Ranked rates, funnel, pairwise rate ratios and denominator reconciliation for one metric."""
    info = check_rate_metric(ds, metric)
    rates = rate_table(ds, metric, districts=list(districts) or None, level=level, denominator=denominator)
    colours = district_colours(ds.observations["district_code"])
    label = unit_label(ds, metric)
    story = Story(doc_ids=sorted(set(rates["doc_id"])))
    ordered = rates.assign(_r=rates["annual_rate_per_10k"].fillna(rates["rate_per_10k"])).sort_values("_r", ascending=False)
    story.findings = [rate_sentence(row, info) for _, row in ordered.iterrows()]
    story.figures["ranked"] = ranked_intervals(rates, label, colours, title=f"{info['name_zh']} {info['name_en']}")
    story.tables["rates"] = ordered.drop(columns="_r")
    if rates.loc[rates["ci_low"].notna(), "district_code"].nunique() >= 2:
        fun = funnel(rates, adjust_overdispersion=overdispersion)
        story.tables["funnel"] = fun[["district_code", "district_zh", "district_en", "period", "value", "exposure",
                                      "observed_rate", "lower_95", "upper_95", "lower_99.8", "upper_99.8", "classification"]]
        story.figures["funnel"] = funnel_plot(fun, label, colours, title=f"{info['name_en']}: funnel plot")
        phi = fun["phi"].iloc[0]
        story.findings.insert(0, (
            f"Pooled rate {fmt_rate(fun['pooled_rate'].iloc[0])} {html.escape(label)}; {int((fun['classification'] != 'within').sum())} of "
            f"{len(fun)} units lie outside the 95% limits. Between-district dispersion φ = {phi:.3g}"
            + (" (limits widened for overdispersion)." if fun['overdispersion_adjusted'].iloc[0] else
               (" — far more than chance allows; treat the limits as a lower bound on real variation." if phi > 2 else "."))))
        story.tables["rate_ratios"] = pairwise_rate_ratios(rates)
    rec = reconcile(ds)
    if not rec.empty:
        rec = rec[(rec["metric_id"] == metric) & rec["district_code"].isin(rates["district_code"])]
        if not rec.empty:
            story.tables["reconciliation"] = reconciliation_verdicts(rec)
    return story


def district_trends(ds: Dataset, district: str, metrics=(), denominator: str = "census2020") -> Story:
    """Each metric's rate over time for one district: the change table (every row, with what it is used for),
    the quasi-Poisson trend with φ in words or the reason there is none, and derived previous-year values.
    Undated, open and overlapping periods are listed but kept out of changes, the model and the chart's axis."""
    from .trends import change_sentence, model_sentence, set_aside_sentence

    me = ds.district(district)
    colours = district_colours(ds.observations["district_code"])
    story = Story()
    for metric_id in list(metrics) or _reportable_metrics(ds, district):
        info = ds.metric(metric_id)
        result = trend(ds, metric_id, district, denominator)
        changes, derived = result.changes, result.derived
        story.doc_ids += list(changes["doc_id"]) + list(derived.get("doc_id", []))
        label = unit_label(ds, metric_id)
        story.figures[metric_id] = trend_plot(changes, derived, label, colours,
                                              title=f"{me['name_zh']} {me['name_en']}: {info['name_en']}")
        story.tables[metric_id] = changes[["period", "value", "qualifier", "comparable_rate", "ci_low", "ci_high",
                                           "change_on_previous_pct", "change_qualifier", "change_on_year_before_pct",
                                           "trend_use", "flags"]].rename(columns={"comparable_rate": label})
        for _, row in changes.iterrows():
            story.findings.append(rate_sentence(row, info))
        name = info["name_en"]
        for sentence in (change_sentence(result, name), model_sentence(result, name), set_aside_sentence(result)):
            if sentence:
                story.findings.append(html.escape(sentence))
        for _, d in derived.iterrows():
            part = f" ({html.escape(d['subset'])})" if d["subset"] else ""
            story.findings.append(f"Derived: the report's {d['yoy_pct']:+g}% change{part} implies about {d['previous_value']:,.0f} "
                                  f"{UNITS[info['unit']]} a year earlier (derived, not reported). " + cite({"doc_id": d["doc_id"], "quote": d["quote_pct"]}))
            story.tables[f"{metric_id}_derived"] = derived
    story.doc_ids = sorted(set(story.doc_ids))
    return story


def data_quality(ds: Dataset) -> Story:
    """Coverage, qualifiers and targets, validation status and provenance of every document."""
    obs = ds.observations.merge(ds.districts[["code", "name_zh"]].rename(columns={"code": "district_code"}), on="district_code")
    problems, _ = validate(ds.data_dir)
    story = Story(doc_ids=sorted(set(obs["doc_id"])))
    coverage = pd.crosstab(obs["name_zh"] + " " + obs["district_code"], obs["metric_id"])
    story.figures["coverage"] = coverage_heatmap(coverage, title="Observations per district and metric")
    periods = obs.assign(period=obs["period_start"].dt.year.astype("Int64").astype(str).replace("<NA>", "undated"))
    story.tables["coverage_by_period"] = pd.crosstab(periods["metric_id"], periods["period"])
    story.tables["qualifiers_and_statements"] = pd.crosstab(obs["statement"], obs["qualifier"], margins=True)
    counts = obs.groupby("doc_id").agg(observations=("value", "size"), quoted=("quote", lambda q: int(q.ne("").sum())))
    prov = ds.sources.merge(counts, left_on="doc_id", right_index=True, how="left").fillna({"observations": 0, "quoted": 0})
    prov["text_held"] = prov["doc_id"].isin(list(ds.texts))
    story.tables["provenance"] = prov[["doc_id", "title", "district_zh", "period_label", "published", "text_held", "observations", "quoted", "url"]]
    status = "clean" if not problems else f"{len(problems)} problem(s)"
    story.findings = [
        f"Validation: <b>{status}</b> (data version <code>{ds.version}</code>).",
        f"{len(obs)} observations of {obs['metric_id'].nunique()} metrics for {obs['district_code'].nunique()} districts from "
        f"{obs['doc_id'].nunique()} documents; {int(obs['quote'].ne('').sum())} carry a verbatim quote, "
        f"{int(obs['quote'].eq('').sum())} are cited by URL.",
        f"{int((obs['statement'] == 'target').sum())} targets and plans kept apart from actual figures; "
        f"{int((obs['qualifier'] == 'at_least').sum())} lower bounds (余/多/以上) and {int((obs['qualifier'] == 'approx').sum())} approximations.",
    ] + [html.escape(str(p)) for p in problems]
    return story


# ---------------------------------------------------------------- display in a notebook


def header_html(title: str, ds: Dataset, **parameters) -> str:
    """Title, parameters, data version and generation time, as escaped HTML."""
    params = "".join(f"<li><code>{html.escape(k)}</code> = <code>{html.escape(repr(v))}</code></li>" for k, v in parameters.items())
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<h1>{html.escape(title)}</h1><p class='meta'>Generated {now} by compare {__version__} · data version "
            f"<code>{ds.version}</code></p><details open><summary>Parameters</summary><ul>{params}</ul></details>")


def findings_html(findings: list[str]) -> str:
    """The findings as a list (already escaped HTML)."""
    return "<h2>Key findings</h2><ul class='findings'>" + "".join(f"<li>{f}</li>" for f in findings) + "</ul>"


def table_html(table: pd.DataFrame, title: str = "") -> str:
    """A table as escaped HTML, numbers rounded, dates as ISO."""
    table = table.copy()
    for col in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[col]):
            table[col] = table[col].dt.strftime("%Y-%m-%d").fillna("")
    heading = f"<h3>{html.escape(title)}</h3>" if title else ""
    return heading + table.to_html(index=False, escape=True, na_rep="", float_format=lambda x: f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}", border=0, classes="dataframe")


def sources_html(ds: Dataset, doc_ids) -> str:
    """The documents a brief cites, with titles and links, as escaped HTML."""
    rows = ds.sources[ds.sources["doc_id"].isin(list(doc_ids))]
    items = []
    for _, r in rows.iterrows():
        link = f" <a href='{html.escape(r['url'], quote=True)}'>{html.escape(r['url'])}</a>" if r["url"].startswith(("http://", "https://")) else ""
        held = "text held in data/sources" if r["doc_id"] in ds.texts else "cited by URL"
        items.append(f"<li><code>{html.escape(r['doc_id'])}</code> {html.escape(r['title'])} ({held}).{link}</li>")
    return "<h2>Sources</h2><ul class='sources'>" + "".join(items) + "</ul>"


def figure(fig, dpi: int = 110):
    """A chart as an embedded PNG image, whatever matplotlib backend the kernel runs."""
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return Image(data=buffer.getvalue(), format="png")


def show(*parts: str) -> None:
    """Display HTML in the notebook."""
    from IPython.display import HTML, display

    display(HTML("".join(parts)))
