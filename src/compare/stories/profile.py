"""The district profile: one district against the peers reporting the same period, on every metric it reports."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ..data.population import DEFAULT_DENOMINATOR, canonical_denominator
from ..data.tables import Dataset
from ..errors import CompareError
from ..stats.comparisons import Funnel
from ..stats.rates import comparable_rate, rate_export, rate_table, tier
from ..stats.windows import MIN_UNITS, ComparisonSet, Window, comparison_set, home_window, parse_window
from .benchmarks import benchmark_story
from .charts import district_colours, small_multiples
from .phrases import (
    OUTSTANDING,
    _reportable_metrics,
    _window_funnel,
    district_name,
    holds,
    metric_name,
    qualifier_words,
    rate_sentence,
    rate_words,
    sources_of,
    table,
    too_few,
    unit_label,
)
from .sentences import fmt_number, fmt_rate, period_words, say, spread_words, unit_words
from .story import Chart, Story


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
    rate_row: pd.DataFrame  # the district's own rate row that the entry describes


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
    return ProfileEntry(sentence, key, alt, row, cs.units, own_rows.iloc[[0]])


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
    return ProfileEntry(sentence, None, alt, row, own_all.iloc[0:0], own_all.iloc[0:0])


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
        synthetic=ds.synthetic,
        sources=sources_of(ds, doc_ids),
    )
    own = pd.concat([e.rate_row for e in entries.values()], ignore_index=True)
    bench_lead, bench_findings, bench_table = benchmark_story(ds, own, denominator, lang)
    story.lead = " ".join(filter(None, [bench_lead, _profile_lead(name, key, summary, level, lang)]))
    story.findings = bench_findings + key + [e.sentence for e in entries.values()]
    story.tables["summary"] = table(summary, "summary", lang)
    if not bench_table.empty:
        story.tables["benchmarks"] = table(bench_table, "benchmarks", lang)
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
        title=say(
            "title.peers" if any(len(p) > 1 for p in panels.values()) else "title.own",
            lang,
            district=html.unescape(name),
        ),
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
