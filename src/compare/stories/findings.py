"""What the briefs say: one story per kind of brief, in English or Chinese.

Each story function computes what may honestly be said (comparisons only within one comparison window,
nothing judged below the minimum number of units, 余/约 figures as ranges) and returns a compare.story.Story;
the wording comes from compare.sentences, so every sentence exists in both languages. Every string that
comes from a source document (quotes, titles, names) is HTML-escaped here, before it reaches an output.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..data.population import DEFAULT_DENOMINATOR, canonical_denominator, reconcile, reconciliation_verdicts
from ..data.tables import Dataset, data_version, load_dataset, validate
from ..errors import CompareError
from ..paths import data_dir as default_data_dir
from ..stats.comparisons import PLACEMENT_COLUMNS, Funnel, funnel, funnel_rate_ratios
from ..stats.rates import (
    ALPHA,
    check_rate_metric,
    comparable_rate,
    rate_export,
    rate_table,
    rateable_metrics,
    rateable_observations,
    tier,
)
from ..stats.trends import CHANGE_COLUMNS, STOCK, USED, Trend, trend
from ..stats.windows import MIN_UNITS, ComparisonSet, Window, comparison_set, home_window, parse_window
from .charts import coverage_heatmap, district_colours, funnel_plot, ranked_intervals, small_multiples, trend_plot
from .sentences import (
    HEADERS,
    count_units,
    fmt_number,
    fmt_rate,
    listing,
    method_words,
    period_words,
    say,
    spread_words,
    unit_words,
    use_reason,
    use_words,
    value_labels,
)
from .story import Chart, Story, Table

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
    """'at least 1,627 per 10,000 residents per year': the rate, with the words its count carries."""
    words = qualifier_words(row["qualifier"], lang)
    rate = comparable_rate(row.to_frame().T).iloc[0]
    unit = unit_words(metric["unit"], lang)
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
        unit=unit_words(metric["unit"], lang, row["value"]),
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
    """The quote a number comes from, and its document, as escaped HTML."""
    quote, doc = row.get("quote", ""), f"<code>{html.escape(row['doc_id'])}</code>"
    words = say("source.quote", lang, quote=html.escape(quote), doc=doc) if quote else say("source.url", lang, doc=doc)
    return f"<span class='quote'>{words}</span>"


NOTES = {
    "both counts are zero: no ratio": "ratio.both_zero",
    "one count is zero: no overdispersed interval": "ratio.one_zero",
}


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


def table(frame: pd.DataFrame, key: str, lang: str, **fields) -> Table:
    """A Table with the catalogue's title, readable headers and words for coded values."""
    return Table(
        frame.reset_index(drop=True),
        say(f"table.{key}", lang, **fields),
        headers(frame, lang),
        value_labels(frame.columns, lang),
    )


def sources_of(ds: Dataset, doc_ids) -> pd.DataFrame:
    rows = ds.sources[ds.sources["doc_id"].isin(sorted(set(doc_ids)))]
    return rows.assign(text_held=rows["doc_id"].isin(list(ds.texts)))


# ---------------------------------------------------------------- comparisons


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


def _placement(
    funnel_fit: Funnel | None, cs: ComparisonSet, code: str, level: str, min_units: int, metric: pd.Series, lang: str
) -> str:
    """Where one unit stands, in words a reader can check."""
    if metric["variation"] == "none":
        return say("place.not_event", lang)
    if funnel_fit is None or code not in set(funnel_fit.table["district_code"]):
        return say("place.no_peers", lang)
    if not funnel_fit.classified:
        return say("place.too_few", lang, too_few=too_few(cs, level, min_units, lang))
    return say(f"place.{funnel_fit.table.set_index('district_code').loc[code, 'classification']}", lang)


def _home_window(own_rows: pd.DataFrame, period: str) -> Window | None:
    """The window a district's metric is compared in: the named period, else the home window of its latest
    dated observation."""
    if period:
        return parse_window(period)
    dated = own_rows[
        comparable_rate(own_rows).notna() & own_rows["period_start"].notna() & own_rows["period_end"].notna()
    ]
    if dated.empty:
        return None
    latest = dated.sort_values(["period_end", "period_start"]).iloc[-1]
    return home_window(latest["period_start"], latest["period_end"])


@dataclass(frozen=True)
class ProfileEntry:
    """What a district profile says about one metric."""

    sentence: str
    key_finding: str | None
    alt: str
    row: dict
    peers: pd.DataFrame


def _profile_entry(
    ds: Dataset,
    district: str,
    metric_id: str,
    level: str,
    peers,
    period: str,
    denominator: str,
    adjustment: str,
    min_units: int,
    lang: str,
) -> ProfileEntry | None:
    """One metric of a profile: the district's rate in its window, where it stands among the units reporting
    that window, and whether that is a key finding; None when the district has no dated rate to compare."""
    metric = ds.metric(metric_id)
    rates = rate_table(
        ds, metric_id, districts=[district, *peers] if peers else None, level=level, denominator=denominator
    )
    own_all = rates[rates["district_code"] == district]
    window = _home_window(own_all, period)
    cs = comparison_set(rates, window, min_units) if window else None
    own_rows = cs.units[cs.units["district_code"] == district] if cs else pd.DataFrame()
    if own_rows.empty:
        return None if period or own_all.empty else _undated_entry(ds, own_all, metric, lang)
    latest = own_rows.iloc[0]
    funnel_fit = _window_funnel(cs, adjustment, min_units)
    placement = _placement(funnel_fit, cs, district, level, min_units, metric, lang)
    window_words, level_words = period_words(cs.label, lang), say(f"level.{level}", lang)
    placed = funnel_fit is not None and funnel_fit.classified and metric["variation"] != "none"
    sentence = (
        rate_sentence(latest, metric, lang)
        + " "
        + (
            say("profile.placed", lang, n=cs.n_units, level=level_words, window=window_words, place=placement)
            if placed
            else say("profile.unplaced", lang, place=placement)
        )
    )
    classification = funnel_fit.table.set_index("district_code")["classification"].get(district) if placed else None
    key = None
    if holds(funnel_fit) and classification in OUTSTANDING:
        key = say(
            "profile.key",
            lang,
            metric=metric_name(metric, lang, False),
            place=placement,
            rate=rate_words(latest, metric, lang),
            n=cs.n_units,
            level=level_words,
            window=window_words,
            pooled=fmt_rate(funnel_fit.pooled_rate),
            spread=spread_words(funnel_fit, lang),
        )
    rate, unit = comparable_rate(own_rows).iloc[0], unit_label(metric, lang)
    alt, row = _entry_words(latest, metric, lang, window_words, rate, unit, cs.n_units - 1, placement)
    return ProfileEntry(sentence, key, alt, row, cs.units)


def _entry_words(latest, metric, lang, window: str, rate: float, unit: str, peers: int, placement: str):
    """A profile entry's alt-text fragment and summary row (the interval is the row's own, NaN if none)."""
    alt = say(
        "alt.peers_metric",
        lang,
        metric=metric_name(metric, lang, False),
        district=district_name(latest, lang),
        rate=rate_words(latest, metric, lang),
        place=placement,
    )
    row = {
        "metric": f"{metric['name_zh']} {metric['name_en']}" if lang == "en" else metric["name_zh"],
        "window": window,
        "value": f"{qualifier_words(latest['qualifier'], lang)}{fmt_number(latest['value'])}",
        "rate": rate,
        "ci_low": latest["ci_low"],
        "ci_high": latest["ci_high"],
        "unit": unit,
        "peers_in_window": peers,
        "placement": placement,
        "doc_id": latest["doc_id"],
    }
    return alt, row


def _undated_entry(ds: Dataset, own_all: pd.DataFrame, metric: pd.Series, lang: str) -> ProfileEntry:
    """A metric the district reports only for undated or open periods: listed, never compared."""
    latest = own_all.sort_values(["period_start", "period_end"], na_position="first").iloc[-1]
    placement = say("place.undated", lang)
    sentence = rate_sentence(latest, metric, lang) + " " + say("profile.unplaced", lang, place=placement)
    unit = say("unit_label.stock", lang, units=unit_words(metric["unit"], lang))
    window = period_words(latest["period"], lang)
    alt, row = _entry_words(latest, metric, lang, window, latest["rate_per_10k"], unit, 0, placement)
    return ProfileEntry(sentence, None, alt, row, own_all.iloc[0:0])


def district_profile(
    ds: Dataset,
    district: str,
    peers=(),
    period: str = "",
    denominator: str = DEFAULT_DENOMINATOR,
    adjustment: str = "random_effects",
    min_units: int = MIN_UNITS,
    lang: str = "en",
) -> Story:
    """One district against the peers that report the same period, on every per-capita metric it reports."""
    denominator = canonical_denominator(denominator)
    district_info = ds.district(district)
    level = tier(pd.Series([district_info["level"]])).iloc[0]
    metrics = _reportable_metrics(ds, district)
    if not metrics:
        raise CompareError(f"{district_info['name_zh']} ({district}) reports no metric with a per-capita rate.")
    entries = {
        m: _profile_entry(ds, district, m, level, peers, period, denominator, adjustment, min_units, lang)
        for m in metrics
    }
    entries = {m: e for m, e in entries.items() if e is not None}
    if not entries:
        raise CompareError(f"{district_info['name_zh']} ({district}) has no dated observation in period '{period}'.")
    key = [e.key_finding for e in entries.values() if e.key_finding]
    doc_ids = [e.row["doc_id"] for e in entries.values()] + [d for e in entries.values() for d in e.peers["doc_id"]]
    panels = {m: e.peers for m, e in entries.items() if not e.peers.empty}
    units = {m: e.row["unit"] for m, e in entries.items()}
    alts = [e.alt for e in entries.values()]
    district_row = {"district_zh": district_info["name_zh"], "district_en": district_info["name_en"]}
    summary = pd.DataFrame([e.row for e in entries.values()])
    name = district_name(district_row, lang)
    story = Story(
        say("story.profile", lang, district=html.unescape(name)),
        lang,
        data_version=ds.version,
        sources=sources_of(ds, doc_ids),
    )
    story.lead = _profile_lead(name, key, summary, level, lang)
    story.findings = key + [e.sentence for e in entries.values()]
    story.tables["summary"] = table(summary, "summary", lang)
    story.about = [
        (say("about.district", lang), f"{html.unescape(name)} ({district})"),
        (
            say("about.comparison", lang),
            say("profile.comparison", lang, level=say(f"level.{level}", lang), min_units=min_units),
        ),
        (say("about.denominator", lang), say(f"denominator.{denominator}", lang)),
        (say("about.method", lang), say("method.rates", lang)),
    ]
    if panels:
        story.charts["peers"] = _peers_chart(ds, panels, units, district, name, alts, lang)
    return story


def _peers_chart(ds: Dataset, panels: dict, units: dict, district: str, name: str, alts: list[str], lang: str) -> Chart:
    """The small multiples of a profile: one panel per metric, the district among the units of its window."""
    titles = {m: html.unescape(metric_name(ds.metric(m), lang, False)) for m in panels}
    figure = small_multiples(
        panels,
        units,
        district,
        district_colours(ds.observations["district_code"]),
        titles=titles,
        title=say("title.peers", lang, district=html.unescape(name)),
        lang=lang,
    )
    panel_data = pd.concat([p.assign(metric_id=m) for m, p in panels.items()], ignore_index=True)
    alt = html.unescape(say("alt.peers", lang, district=name, m=len(panels), details="; ".join(alts)))
    return Chart(figure, alt, say("caption.peers", lang, district=html.unescape(name)), rate_export(ds, panel_data))


def _profile_lead(name: str, key: list[str], summary: pd.DataFrame, level: str, lang: str) -> str:
    judged = summary["placement"].isin(
        [say(f"place.{c}", lang) for c in ("above 95%", "above 99.8%", "within", "below 95%", "below 99.8%")]
    )
    level_words = say(f"level.{level}", lang)
    if key:
        return say("profile.lead_key", lang, k=len(key), m=len(summary), district=name, level=level_words)
    if summary["placement"].eq(say("place.undated", lang)).all():
        return say("profile.lead_undated", lang, district=name, m=len(summary))
    if not judged.any():
        return say("profile.lead_unjudged", lang, district=name, m=len(summary), level=level_words)
    return say("profile.lead_calm", lang, j=int(judged.sum()), district=name)


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
        sources=sources_of(ds, units["doc_id"]),
    )
    story.lead = comparison_lead(info, cs, funnel_fit, level, min_units, label, lang)
    story.findings = _outstanding(funnel_fit, info, lang) + [
        rate_sentence(row, info, lang) for _, row in units.iterrows()
    ]
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
    if not units.empty:
        story.charts["ranked"] = _ranked_chart(ds, units, info, label, window, colours, lang)
    if funnel_fit is not None:
        story.charts["funnel"] = _funnel_chart(ds, funnel_fit, info, label, window, colours, lang)
        story.tables["funnel"] = table(funnel_fit.table[["district_zh", *PLACEMENT_COLUMNS]], "funnel", lang)
        ratios = funnel_rate_ratios(funnel_fit)
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
            method=method,
        )
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
        "rates",
        lang,
    )
    if not cs.not_comparable.empty:
        story.tables["not_comparable"] = table(
            cs.not_comparable[["district_code", "district_zh", "reports"]], "not_comparable", lang
        )
    rec = reconcile(ds)
    if not rec.empty:
        rec = rec[(rec["metric_id"] == metric) & rec["district_code"].isin(rates["district_code"])]
        if not rec.empty:
            story.tables["reconciliation"] = table(reconciliation_verdicts(rec), "reconciliation", lang)
    return story


def _ranked_chart(
    ds: Dataset, units: pd.DataFrame, info: pd.Series, label: str, window: str, colours: dict, lang: str
) -> Chart:
    name = html.unescape(metric_name(info, lang, False))
    figure = ranked_intervals(
        units, label, colours, title=say("title.ranked", lang, metric=name, window=window), lang=lang
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
    return Chart(figure, alt, say("caption.ranked", lang, n=len(ordered), window=window), rate_export(ds, units))


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
    return Chart(figure, alt, caption, rate_export(ds, funnel_fit.table))


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
    if cs.window is None or cs.units.empty:
        return say("lead.no_window", lang, level=level_words, metric=what)
    if info["variation"] == "none":
        return say(
            "lead.not_events", lang, metric=what, units=unit_words(info["unit"], lang), n=cs.n_units, window=window
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


# ---------------------------------------------------------------- trends


def model_sentence(result: Trend, metric: str, lang: str = "en") -> str:
    """The trend in one plain sentence (with φ and the method in words), or why there is none."""
    model = result.model
    if model is None:
        return say("trend.none", lang, metric=metric, reason=say(result.no_model_key, lang, **result.no_model_fields))
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
        spread=say("trend.spread_beyond" if model.phi >= 1 else "trend.spread_less", lang),
        phi=f"{model.phi:.2g}",
        df=model.df,
        dof=say("trend.dof_one" if model.df == 1 else "trend.dof_many", lang),
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


# ---------------------------------------------------------------- data quality


def data_quality(ds: Dataset, lang: str = "en") -> Story:
    """Coverage, qualifiers and targets, validation status and provenance of every document."""
    obs = ds.observations.merge(
        ds.districts[["code", "name_zh"]].rename(columns={"code": "district_code"}), on="district_code"
    )
    problems, _ = validate(ds.data_dir)
    story = Story(say("story.data_quality", lang), lang, data_version=ds.version, sources=sources_of(ds, obs["doc_id"]))
    names = ds.metrics.set_index("metric_id")["name_zh" if lang == "zh" else "name_en"]
    obs = obs.assign(metric=obs["metric_id"].map(names))  # the catalogue's names, never ids
    coverage = pd.crosstab(obs["name_zh"] + " " + obs["district_code"], obs["metric"])
    figure = coverage_heatmap(coverage, title=say("dq.title.coverage", lang), lang=lang)
    alt = say("alt.coverage", lang, districts=coverage.shape[0], metrics=coverage.shape[1], observations=len(obs))
    story.charts["coverage"] = Chart(
        figure, alt, say("dq.title.coverage", lang), coverage.rename_axis(index="district", columns=None).reset_index()
    )
    year = obs["period_start"].dt.year.astype("Int64").astype(str).replace("<NA>", period_words("undated", lang))
    by_year = pd.crosstab(obs["metric"], year).rename_axis(index="metric", columns=None).reset_index()
    story.tables["coverage_by_period"] = table(by_year, "coverage_by_period", lang)
    kinds = pd.crosstab(obs["statement"], obs["qualifier"], margins=True, margins_name=HEADERS[lang]["total"])
    story.tables["qualifiers_and_statements"] = table(
        kinds.rename_axis(index="statement", columns=None).reset_index(), "qualifiers_and_statements", lang
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
    )
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
    story.about = [(say("about.data", lang), str(ds.data_dir))]
    return story
