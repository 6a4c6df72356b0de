"""The district profile: one district against the peers reporting the same period, on every metric it reports.

The peers are every unit of the district's level, the codes given, or (peers="neighbours") for each metric its
statistical neighbours among the units reporting that metric's period in the same definition: the k of them most
like it on the 2020 census (compare.stats.neighbours)."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..data.population import DEFAULT_DENOMINATOR, canonical_denominator
from ..data.tables import Dataset
from ..errors import CompareError
from ..stats.comparisons import Funnel
from ..stats.neighbours import DEFAULT_NEIGHBOURS, Neighbours, statistical_neighbours
from ..stats.rates import comparable_rate, rate_export, rate_table, tier
from ..stats.windows import MIN_UNITS, ComparisonSet, Window, comparison_set, home_window, parse_window
from .benchmarks import benchmark_story, chart_benchmarks
from .charts import district_colours, dot_chart
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
from .sentences import (
    count_units,
    count_words,
    counted_sentence,
    fmt_number,
    fmt_rate,
    listing,
    period_words,
    say,
    spread_words,
    unit_words,
)
from .story import Chart, Story, file_name


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


def profile_rate_rows(
    ds: Dataset, district: str, denominator: str = DEFAULT_DENOMINATOR, min_units: int = MIN_UNITS
) -> pd.DataFrame:
    """The rate rows a profile (default peers and period) judges against its benchmarks: per metric it reports,
    the district's row in that metric's home window, chosen as _profile_entry chooses it (the run's index shows
    them as an overview)."""
    level = tier(pd.Series([ds.district(district)["level"]])).iloc[0]
    rows = []
    for metric_id in _reportable_metrics(ds, district):
        rates = rate_table(ds, metric_id, level=level, denominator=canonical_denominator(denominator))
        window = _home_window(rates[rates["district_code"] == district], "")
        cs = comparison_set(rates, window, min_units) if window else None
        own = cs.units[cs.units["district_code"] == district] if cs else pd.DataFrame()
        if not own.empty:
            rows.append(own.iloc[[0]])
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def reporting_set(
    ds: Dataset, district: str, metric_id: str, period: str = "", denominator: str = DEFAULT_DENOMINATOR
) -> ComparisonSet:
    """The units a profile compares the district with on one metric by default, the district among them: every
    unit of its level reporting the metric's window (the named period, else the district's latest) in the
    definition most of them share. CompareError when the district has no dated figure there in that definition."""
    info = ds.district(district)
    level = tier(pd.Series([info["level"]])).iloc[0]
    rates = rate_table(ds, metric_id, level=level, denominator=canonical_denominator(denominator))
    window = _home_window(rates[rates["district_code"] == district], period)
    cs = comparison_set(rates, window) if window else None
    if cs is None or district not in set(cs.units["district_code"]):
        where = f" for {window.label}" if window else ""
        raise CompareError(
            f"{info['name_zh']} ({district}) has no dated {metric_id} figure{where} in the definition the units "
            "reporting it share."
        )
    return cs


@dataclass(frozen=True)
class ProfileEntry:
    """What a district profile says about one metric."""

    sentence: str
    key_finding: str | None
    alt: str
    row: dict
    peers: pd.DataFrame
    rate_row: pd.DataFrame  # the district's own rate row that the entry describes
    neighbours: Neighbours | None = None  # the statistical neighbours it is compared with (peers="neighbours")


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
    neighbours: int = 0,
) -> ProfileEntry | None:
    """One metric of a profile: the district's rate in its window, where it stands among the units reporting
    that window (given `neighbours`, only the nearest that many of them on the census), and whether that is a
    key finding; None when the district has no dated rate to compare."""
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
    found = None
    if neighbours:
        cs, found = _nearest_reporting(ds, district, cs, neighbours)
    latest = own_rows.iloc[0]
    funnel_fit = _window_funnel(cs, adjustment, min_units)
    placement = _placement(funnel_fit, cs, district, level, min_units, metric, lang)
    window_words, level_words = period_words(cs.label, lang), say(f"level.{level}", lang)
    placed = funnel_fit is not None and funnel_fit.classified and metric["variation"] != "none"
    sentence = " ".join(
        [
            rate_sentence(latest, metric, lang),
            say("profile.placed", lang, n=cs.n_units, level=level_words, window=window_words, place=placement)
            if placed
            else say("profile.unplaced", lang, place=placement),
            counted_sentence(latest["basis"], latest["scope"], metric["unit"], lang),
        ]
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
    return ProfileEntry(sentence, key, alt, row, cs.units, own_rows.iloc[[0]], found)


def _nearest_reporting(ds: Dataset, district: str, cs: ComparisonSet, k: int) -> tuple[ComparisonSet, Neighbours]:
    """The comparison set cut to the district and its k statistical neighbours among the units in it (those
    reporting its window in its definition), and those neighbours."""
    found = statistical_neighbours(ds, district, k, among=cs.units["district_code"])
    kept = cs.units[cs.units["district_code"].isin([district, *found.codes])].reset_index(drop=True)
    return replace(cs, units=kept), found


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
        "value": say(  # the count with its unit: '591 cases', '68 times' where the quote counts in 次
            "amount",
            lang,
            qualifier=qualifier_words(latest["qualifier"], lang),
            number=fmt_number(latest["value"]),
            unit=count_words(metric["unit"], lang, latest["value"], latest.get("quote", "")),
        ),
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
    neighbours: int = DEFAULT_NEIGHBOURS,
) -> Story:
    """One district against the peers that report the same period, on every per-capita metric it reports.

    peers: district codes, empty for every unit of the district's level, or "neighbours": for each metric, the
    `neighbours` units most like it on the census among those reporting that metric's period and definition."""
    denominator = canonical_denominator(denominator)
    district_info = ds.district(district)
    level = tier(pd.Series([district_info["level"]])).iloc[0]
    peers, k = _peer_codes(ds, district, peers, neighbours)
    metrics = _reportable_metrics(ds, district)
    if not metrics:
        raise CompareError(f"{district_info['name_zh']} ({district}) reports no metric with a per-capita rate.")
    entries = {
        m: _profile_entry(ds, district, m, level, peers, period, denominator, adjustment, min_units, lang, k)
        for m in metrics
    }
    entries = {m: e for m, e in entries.items() if e is not None}
    if not entries:
        raise CompareError(f"{district_info['name_zh']} ({district}) has no dated observation in period '{period}'.")
    key = [e.key_finding for e in entries.values() if e.key_finding]
    doc_ids = [e.row["doc_id"] for e in entries.values()] + [d for e in entries.values() for d in e.peers["doc_id"]]
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
    story.tables["summary"] = table(
        summary, "summary", lang, name=file_name(district_info["name_en"], district, "summary")
    )
    if not bench_table.empty:
        story.tables["benchmarks"] = table(
            bench_table, "benchmarks", lang, name=file_name(district_info["name_en"], district, "benchmarks")
        )
    comparison = "profile.comparison_neighbours" if k else "profile.comparison"
    story.about = [
        (say("about.district", lang), f"{html.unescape(name)} ({district})"),
        (say("about.comparison", lang), say(comparison, lang, level=say(f"level.{level}", lang), min_units=min_units)),
        (say("about.denominator", lang), say(f"denominator.{denominator}", lang)),
        (say("about.method", lang), say("method.rates", lang)),
    ]
    if k:
        story.about.insert(1, (say("about.peers", lang), _neighbours_words(ds, entries, k, level, name, lang)))
    nearest = _neighbours_table(ds, entries)
    if not nearest.empty:
        story.tables["neighbours"] = table(
            nearest, "neighbours", lang, name=file_name(district_info["name_en"], district, "statistical-neighbours")
        )
    story.charts.update(_metric_charts(ds, entries, district, name, level, bench_table, lang))
    return story


def _peer_codes(ds: Dataset, district: str, peers, k: int) -> tuple[list[str], int]:
    """The codes to compare with (empty: every unit of the level) and how many statistical neighbours each
    metric is compared with (0 unless peers='neighbours', checked here: k, the census figures, the level)."""
    if isinstance(peers, str):
        if peers.strip() != "neighbours":
            raise CompareError(f"peers must be a list of district codes or 'neighbours', not '{peers}'.")
        statistical_neighbours(ds, district, k, among=())
        return [], k
    return list(peers), 0


def _neighbours_words(ds: Dataset, entries: dict, k: int, level: str, name: str, lang: str) -> str:
    """'for each metric, the 10 county-level units most like 武进区 Wujin District ... among those reporting the
    same period and definition ... Legal aid cases accepted or handled, 2022Q1: 江阴市 Jiangyin City (0.52), …'."""
    level_words = say(f"level.{level}", lang)
    parts = [say("profile.neighbours", lang, k=k, level=level_words, district=html.unescape(name))]
    groups: dict[tuple, tuple[Neighbours, list[str]]] = {}  # metrics with the same window and neighbours: together
    for metric_id, entry in entries.items():
        if entry.neighbours is not None:
            key = (entry.row["window"], entry.neighbours.codes)
            groups.setdefault(key, (entry.neighbours, []))[1].append(metric_id)
    for (window, _), (found, metric_ids) in groups.items():
        metrics = [metric_name(ds.metric(m), lang, i > 0) for i, m in enumerate(metric_ids)]
        metrics_words = html.unescape(listing(metrics, lang))
        parts.append(_metric_neighbours_words(ds, found, metrics_words, window, k, lang))
    return ("" if lang == "zh" else " ").join(parts)


def _metric_neighbours_words(ds: Dataset, found: Neighbours, metric: str, window: str, k: int, lang: str) -> str:
    """One metric's neighbours with their distances, or how many fewer than k report its window."""
    names = ds.districts.set_index("code")
    listed = [
        (names.loc[c, "name_zh"] if lang == "zh" else f"{names.loc[c, 'name_zh']} {names.loc[c, 'name_en']}")
        + say("neighbours.distance", lang, distance=f"{d:.2f}")
        for c, d in zip(found.codes, found.distances)
    ]
    n = len(listed)
    key = "metric" if n >= k else "none" if n == 0 else "metric_one" if n == 1 else "metric_fewer"
    return say(f"neighbours.{key}", lang, metric=metric, window=window, n=n, names=listing(listed, lang))


def _neighbours_table(ds: Dataset, entries: dict) -> pd.DataFrame:
    """One row per metric and neighbour compared on it, nearest first: its census covariates and distance."""
    names = ds.districts.set_index("code")["name_zh"]
    frames = [
        e.neighbours.values.drop(index=e.neighbours.district)
        .reset_index()
        .assign(metric=e.row["metric"], window=e.row["window"])
        for e in entries.values()
        if e.neighbours is not None
    ]
    if not frames:
        return pd.DataFrame()
    columns = ["metric", "window", "district_code", "district_zh", "distance", "population"]
    percent = ["urban_share", "share_65_plus", "share_0_14"]
    rows = pd.concat(frames, ignore_index=True).rename(columns={"code": "district_code"})
    return rows.assign(
        district_zh=rows["district_code"].map(names),
        distance=rows["distance"].round(2),
        population=np.exp(rows["log_population"]).round().astype("int64"),  # the census count, back from its log
        **{c: (100 * rows[c]).round(1) for c in percent},
    )[[*columns, *percent, "mean_years_schooling"]]


def _metric_charts(
    ds: Dataset, entries: dict, district: str, name: str, level: str, bench: pd.DataFrame, lang: str
) -> dict:
    """One small chart per metric with units to show: the district among the units of its window, with the
    benchmarks it was compared with marked (Fingertips' spine-chart way)."""
    colours = district_colours(ds.observations["district_code"])
    marks = chart_benchmarks(bench)
    charts = {}
    for metric_id, entry in entries.items():
        if entry.peers.empty:
            continue
        period = str(entry.rate_row["period"].iloc[0])
        own = marks[
            (marks["metric_id"] == metric_id) & (marks["district_code"] == district) & (marks["period"] == period)
        ]
        metric = html.unescape(metric_name(ds.metric(metric_id), lang, False))
        figure = dot_chart(
            entry.peers,
            entry.row["unit"],
            colours,
            district,
            title=say("title.metric_panel", lang, metric=metric, window=entry.row["window"]),
            benchmarks=own,
            lang=lang,
        )
        n = entry.peers["district_code"].nunique()
        caption = say(
            "caption.metric_panel" if n > 1 else "caption.metric_panel_alone",
            lang,
            district=html.unescape(name),
            units=count_units(n, level, lang),
            window=entry.row["window"],
        ) + (
            say("caption.benchmarks_drawn", lang, names=listing(list(own["name"]), lang))
            if len(own)
            else say("caption.no_benchmark", lang)
        )
        charts[metric_id] = Chart(
            figure,
            html.unescape(entry.alt),
            caption,
            rate_export(ds, entry.peers.assign(metric_id=metric_id)),
            name=file_name(metric_id, district, period),
        )
    return charts


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
