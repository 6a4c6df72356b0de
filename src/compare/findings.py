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
from .comparisons import NOT_CLASSIFIED, Funnel, funnel, rate_ratios
from .data import Dataset, UNITS, load_dataset, validate
from .errors import CompareError
from .population import DEFAULT_DENOMINATOR, reconcile, reconciliation_verdicts
from .rates import (ALPHA, check_rate_metric, comparable_rate, rate_table, rateable_metrics, rateable_observations, tier,
                    unit_label)
from .trends import change_sentence, model_sentence, set_aside_sentence, trend
from .windows import MIN_UNITS, ComparisonSet, Window, comparison_set, home_window, parse_window

SINGULAR = {"person_time": "person-time", "org": "organisation", "CNY": "yuan", "copy": "copy", "percent": "percent"}
QUALIFIER_WORDS = {"at_least": "at least ", "approx": "about ", "at_most": "at most ", "exact": ""}


@dataclass
class Story:
    """A brief's content: key findings first, then tables and figures, and the documents cited."""

    findings: list[str] = field(default_factory=list)
    about: dict[str, str] = field(default_factory=dict)
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


def fmt_interval(row: pd.Series) -> str:
    """The uncertainty clause of a rate: an exact interval, a range that covers the report's rounding and
    chance, or why there is none. Never a two-sided exact interval for a lower bound."""
    flags = str(row["flags"])
    if pd.isna(row["ci_low"]):
        if "open_period" in flags or "undated" in flags:
            return "no annual rate: the report gives no end to its period"
        return "no interval: not a count of chance events"
    if row["count_low"] != row["count_high"]:
        return (f"between {fmt_rate(row['ci_low'])} and {fmt_rate(row['ci_high'])} allowing for the report's "
                f"rounding and for chance")
    confidence = f"{100 * (1 - ALPHA):.0f}%"
    return f"{confidence} CI {fmt_rate(row['ci_low'])}–{fmt_rate(row['ci_high'])}"


def rate_words(row: pd.Series, metric: pd.Series) -> str:
    """'at least 1,627 per 10,000 residents per year': the rate, with the words its count carries."""
    words = QUALIFIER_WORDS.get(row["qualifier"], "")
    rate = comparable_rate(row.to_frame().T).iloc[0]
    if metric["kind"] == "flow" and pd.notna(rate):
        return f"{words}{fmt_rate(rate)} per 10,000 residents per year"
    return f"{words}{fmt_rate(row['rate_per_10k'])} per 10,000 residents"


def rate_sentence(row: pd.Series, metric: pd.Series) -> str:
    """'环翠区 Huancui District: 591 cases (legal aid cases …) in 2021H1: 26.7 per 10,000 residents per year
    (95% CI 24.6–29.0), population … .' followed by the quote it comes from. Returns escaped HTML."""
    unit = SINGULAR.get(metric["unit"], metric["unit"]) if row["value"] == 1 else UNITS[metric["unit"]]
    amount = f"{QUALIFIER_WORDS.get(row['qualifier'], '')}{fmt_number(row['value'])} {unit}"
    when = f"on {row['period']}" if metric["kind"] == "stock" else f"in {row['period']}"
    scope = "" if not str(row["population_scope"]).startswith("excluding") else f", {row['population_scope']}"
    text = (f"<b>{html.escape(row['district_zh'])} {html.escape(row['district_en'])}</b>: {amount} "
            f"({html.escape(metric['name_en'].lower())}) {when}: {rate_words(row, metric)} "
            f"({fmt_interval(row)}), population {fmt_number(row['population'])} "
            f"({row['population_definition']} {row['population_year']}{html.escape(scope)}).")
    return text + " " + cite(row)


def cite(row) -> str:
    """The quote a number comes from, and its document, as escaped HTML."""
    quote = row.get("quote", "")
    source = f"<code>{html.escape(row['doc_id'])}</code>"
    if quote:
        return f"<span class='quote'>Source: “{html.escape(quote)}” ({source}).</span>"
    return f"<span class='quote'>Source: {source}, cited by URL.</span>"


PLACES = {"above 95%": "above the 95% limit", "above 99.8%": "above the 99.8% limit", "within": "within the limits",
          "below 95%": "below the 95% limit", "below 99.8%": "below the 99.8% limit"}
OUTSTANDING = ("above 99.8%", "below 99.8%")


def spread_words(fun: Funnel) -> str:
    """How much units vary, in words: 'φ = 4.2: they vary more than chance allows, so the limits allow for it'."""
    if fun.overdispersed and not fun.classified:
        return f"φ = {fun.phi:.3g}: the units vary more than chance allows"
    if fun.overdispersed:
        held = {"random_effects": f"the limits add that variation (τ² = {fun.tau2:.3g})",
                "multiplicative": "the limits are widened by √φ", "none": "the limits do NOT allow for it"}[fun.adjustment]
        return f"φ = {fun.phi:.3g}: the units vary more than chance allows, and {held}"
    return f"φ = {fun.phi:.3g}: the units vary no more than chance allows"


def holds(fun: Funnel | None) -> bool:
    """Whether a funnel's placements may be stated as findings: enough units, and overdispersion allowed for."""
    return fun is not None and fun.classified and (not fun.overdispersed or fun.adjustment != "none")


def too_few_sentence(cs: ComparisonSet, level: str, min_units: int) -> str:
    return (f"{cs.n_units} {level}-level unit{'s' if cs.n_units != 1 else ''} report this for {cs.label}; at least "
            f"{min_units} must share a period before any can be judged against the others")


# ---------------------------------------------------------------- stories


def _reportable_metrics(ds: Dataset, code: str) -> list[str]:
    """The rateable metrics a district reports a total for, in catalogue order."""
    obs = rateable_observations(ds)
    mine = set(obs.loc[obs["district_code"] == code, "metric_id"])
    return [m for m in rateable_metrics(ds)["metric_id"] if m in mine]


def _window_funnel(cs: ComparisonSet, adjustment: str, min_units: int) -> Funnel | None:
    """The funnel of a comparison set's event counts, or None when fewer than two units have one."""
    events = cs.units[cs.units["ci_low"].notna()]
    if events["district_code"].nunique() < 2:
        return None
    return funnel(events, adjustment=adjustment, min_units=min_units)


def _placement(fun: Funnel | None, cs: ComparisonSet, code: str, level: str, min_units: int, metric: pd.Series) -> str:
    """Where one unit stands, in words a reader can check."""
    if metric["variation"] == "none":
        return "not judged: not a count of chance events"
    if fun is None:
        return "no comparison: fewer than two units with an event count share its period"
    row = fun.table[fun.table["district_code"] == code]
    if row.empty:
        return "no comparison: not an event count"
    if not fun.classified:
        return f"not judged: {too_few_sentence(cs, level, min_units)}"
    return PLACES[row["classification"].iloc[0]]


def district_profile(ds: Dataset, district: str, peers=(), period: str = "", denominator: str = DEFAULT_DENOMINATOR,
                     adjustment: str = "random_effects", min_units: int = MIN_UNITS) -> Story:
    """One district against the peers that report the same period, on every per-capita metric it reports."""
    me = ds.district(district)
    level = tier(pd.Series([me["level"]])).iloc[0]
    colours = district_colours(ds.observations["district_code"])
    story, panels, units, rows, key = Story(), {}, {}, [], []
    metrics = _reportable_metrics(ds, district)
    if not metrics:
        raise CompareError(f"{me['name_zh']} ({district}) reports no metric with a per-capita rate.")
    for metric_id in metrics:
        metric = ds.metric(metric_id)
        selection = [district, *peers] if peers else None
        rates = rate_table(ds, metric_id, districts=selection, level=level, denominator=denominator)
        window = _home_window(rates[rates["district_code"] == district], period)
        if window is None:
            continue
        cs = comparison_set(rates, window, min_units)
        mine = cs.units[cs.units["district_code"] == district]
        if mine.empty:
            continue
        latest = mine.iloc[0]
        fun = _window_funnel(cs, adjustment, min_units)
        placement = _placement(fun, cs, district, level, min_units, metric)
        panels[metric_id], units[metric_id] = cs.units, unit_label(ds, metric_id)
        sentence = rate_sentence(latest, metric)
        peers_in_window = cs.n_units - 1
        sentence += (f" Among the {cs.n_units} {level}-level units reporting {cs.label}, it lies {placement}."
                     if fun is not None and fun.classified else f" Placement: {placement}.")
        if holds(fun) and fun.table.set_index("district_code").loc[district, "classification"] in OUTSTANDING:
            key.append(f"{html.escape(metric['name_en'])}: {rate_words(latest, metric)}, {placement} of "
                       f"{cs.n_units} {level}-level units reporting {cs.label} (pooled rate {fmt_rate(fun.pooled_rate)}; "
                       f"{spread_words(fun)}).")
        rows.append({"metric": f"{metric['name_zh']} {metric['name_en']}", "window": cs.label,
                     "value": f"{QUALIFIER_WORDS.get(latest['qualifier'], '')}{fmt_number(latest['value'])}",
                     "rate": comparable_rate(mine).iloc[0], "ci_low": latest["ci_low"], "ci_high": latest["ci_high"],
                     "unit": units[metric_id], "peers_in_window": peers_in_window, "placement": placement,
                     "doc_id": latest["doc_id"], "_sentence": sentence})
        story.doc_ids += list(cs.units["doc_id"])
    if not rows:
        raise CompareError(f"{me['name_zh']} ({district}) has no dated observation in period '{period}'.")
    table = pd.DataFrame(rows)
    story.findings = [_profile_lead(me, key, table, level)] + key + list(table.pop("_sentence"))
    story.tables["summary"] = table.reset_index(drop=True)
    story.about = {"district": f"{me['name_zh']} {me['name_en']} ({district})", "level": level,
                   "comparison": f"each metric within the period the district reports, against the {level}-level "
                                 f"units reporting the same period; at least {min_units} needed to judge",
                   "denominator": denominator}
    names = {m: f"{ds.metric(m)['name_zh']} {ds.metric(m)['name_en']}" for m in panels}
    story.figures["peers"] = small_multiples(panels, units, district, colours, titles=names,
                                             title=f"{me['name_zh']} {me['name_en']} and the peers reporting the same period")
    story.doc_ids = sorted(set(story.doc_ids))
    return story


def _home_window(mine: pd.DataFrame, period: str) -> Window | None:
    """The window a district's metric is compared in: the named period, else the home window of its latest
    dated observation."""
    if period:
        return parse_window(period)
    dated = mine[comparable_rate(mine).notna() & mine["period_start"].notna() & mine["period_end"].notna()]
    if dated.empty:
        return None
    latest = dated.sort_values(["period_end", "period_start"]).iloc[-1]
    return home_window(latest["period_start"], latest["period_end"])


def _profile_lead(me: pd.Series, key: list[str], table: pd.DataFrame, level: str) -> str:
    name = html.escape(f"{me['name_zh']} {me['name_en']}")
    judged = table["placement"].isin(PLACES.values())
    if key:
        return f"<b>{len(key)} of {len(table)} metrics set {name} apart</b> from the {level}-level units reporting the same period:"
    if not judged.any():
        return (f"<b>Nothing stands out</b>, because too few units report the same periods as {name}: on none of its "
                f"{len(table)} metrics do enough {level}-level units share a period to judge it against them. "
                "Its rates are shown with their intervals.")
    return (f"<b>Nothing stands out</b>: on the {int(judged.sum())} metrics where enough units share its period, {name} "
            "lies within the 99.8% limits of its peers.")


def metric_comparison(ds: Dataset, metric: str, level: str = "county", districts=(), denominator: str = DEFAULT_DENOMINATOR,
                      period: str = "", adjustment: str = "random_effects", min_units: int = MIN_UNITS) -> Story:
    """Rates within one comparison window, a funnel when enough units share it, pairwise rate ratios, the
    units left out (other periods) and denominator reconciliation for one metric."""
    info = check_rate_metric(ds, metric)
    rates = rate_table(ds, metric, districts=list(districts) or None, level=level, denominator=denominator)
    cs = comparison_set(rates, period, min_units)
    colours = district_colours(ds.observations["district_code"])
    label = unit_label(ds, metric)
    units = cs.units.assign(_r=comparable_rate(cs.units)).sort_values("_r", ascending=False).drop(columns="_r")
    story = Story(doc_ids=sorted(set(units["doc_id"])))
    fun = _window_funnel(cs, adjustment, min_units)
    story.findings = [comparison_lead(info, cs, fun, level, min_units, label)]
    story.findings += _outstanding(fun, units, info)
    story.findings += [rate_sentence(row, info) for _, row in units.iterrows()]
    if not cs.not_comparable.empty:
        others = "; ".join(f"{html.escape(r.district_zh)} (reports {html.escape(r.reports or 'no dated period')})"
                           for r in cs.not_comparable.itertuples())
        story.findings.append(f"Not comparable with {cs.label} (other periods): {others}.")
    story.about = {"comparison window": cs.label, "units compared": str(cs.n_units), "level": level,
                   "denominator": denominator}
    if not units.empty:
        story.figures["ranked"] = ranked_intervals(units, label, colours,
                                                   title=f"{info['name_zh']} {info['name_en']}, {cs.label}")
    story.tables["rates"] = units
    if fun is not None:
        story.about["method"] = fun.method
        story.about["between-unit variation"] = spread_words(fun)
        story.tables["funnel"] = fun.table.assign(window=cs.label, n_units=fun.n_units, phi=fun.phi, tau2=fun.tau2,
                                                  method=fun.method)
        story.figures["funnel"] = funnel_plot(fun, label, colours, title=f"{info['name_en']}, {cs.label}")
        story.tables["rate_ratios"] = rate_ratios(fun.table, phi=fun.phi if fun.overdispersed else 1.0)
    if not cs.not_comparable.empty:
        story.tables["not_comparable"] = cs.not_comparable
    rec = reconcile(ds)
    if not rec.empty:
        rec = rec[(rec["metric_id"] == metric) & rec["district_code"].isin(rates["district_code"])]
        if not rec.empty:
            story.tables["reconciliation"] = reconciliation_verdicts(rec)
    return story


def comparison_lead(info: pd.Series, cs: ComparisonSet, fun: Funnel | None, level: str, min_units: int,
                     label: str) -> str:
    """The one-paragraph main message of a metric comparison."""
    what = html.escape(info["name_en"].lower())
    if cs.window is None or cs.units.empty:
        return f"<b>Nothing to compare</b>: no {level}-level unit reports {what} for a dated period."
    if info["variation"] == "none":
        return (f"<b>Nothing is judged</b>: {what} ({UNITS[info['unit']]}) are not a count of chance events, so the "
                f"{cs.n_units} units reporting {cs.label} are shown as rates without intervals or limits.")
    if fun is None:
        return f"<b>Nothing to compare</b> for {cs.label}: fewer than two {level}-level units report {what} for it."
    if not fun.classified:
        return (f"<b>Nothing stands out, because too few units share a period</b>: {too_few_sentence(cs, level, min_units)}. "
                "The rates below are shown with their intervals; where intervals overlap, the order is not settled.")
    if not holds(fun):
        return (f"<b>Nothing can be stated</b>: the units vary more than chance allows (φ = {fun.phi:.3g}) and the limits "
                "do not allow for it; choose the random-effects or multiplicative adjustment.")
    outside = fun.table["classification"].isin(OUTSTANDING)
    pooled = f"the pooled rate of {fmt_rate(fun.pooled_rate)} {html.escape(label)}"
    if not outside.any():
        return (f"<b>Nothing stands out</b>: all {fun.n_units} {level}-level units reporting {cs.label} lie within the "
                f"99.8% limits around {pooled} ({spread_words(fun)}).")
    return (f"<b>{int(outside.sum())} of {fun.n_units} {level}-level units reporting {cs.label} lie outside the 99.8% "
            f"limits</b> around {pooled} ({spread_words(fun)}).")


def _outstanding(fun: Funnel | None, units: pd.DataFrame, info: pd.Series) -> list[str]:
    """One key finding per unit outside the 99.8% limits, when the funnel's placements hold."""
    if not holds(fun):
        return []
    out = []
    for _, row in fun.table[fun.table["classification"].isin(OUTSTANDING)].iterrows():
        out.append(f"<b>{html.escape(row['district_zh'])} {html.escape(row['district_en'])}</b>: "
                   f"{rate_words(row, info)}, {PLACES[row['classification']]}.")
    return out


def district_trends(ds: Dataset, district: str, metrics=(), denominator: str = DEFAULT_DENOMINATOR) -> Story:
    """Each metric's rate over time for one district: the change table (every row, with what it is used for),
    the quasi-Poisson trend with φ in words or the reason there is none, and derived previous-year values.
    Undated, open and overlapping periods are listed but kept out of changes, the model and the chart's axis."""
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
