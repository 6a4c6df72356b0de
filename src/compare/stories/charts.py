"""Charts (matplotlib + seaborn) that read the tables of compare.stats: rates, comparisons and trends.

Conventions for every chart: Chinese names render through the bundled Noto Sans CJK SC font (mplfonts);
labels show the Chinese and English names; colours come from seaborn's colour-blind-safe palette with one
fixed colour per district for the whole run (district_colours); lower bounds (余, 多) are drawn as
right-pointing triangles, approximations as diamonds, derived values hollow; every axis says its unit.

Sizes are for reading on any screen: a chart is SMALL (4.4 in, 440 px) with TEXT_PT (10 pt) text or larger, so
that shrunk to a 390 px phone's column its smallest text is still MIN_LABEL_PX (displayed_px computes it).
Axes reach past every interval end, benchmarks are drawn only where a unit was compared with them, and legends
sit under the chart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from ..stats.comparisons import funnel_limits  # noqa: E402
from ..stats.rates import PER_10K, comparable_rate  # noqa: E402
from .sentences import fmt_rate, funnel_facts, period_words, say, use_reason  # noqa: E402
from .story import DPI  # noqa: E402  (pixels per inch of every chart's PNG)

FONT_FILE = "NotoSansCJKsc-Regular.otf"
MARKERS = {"lower_bound": ">", "approx": "D", "upper_bound": "<"}
MARKER_WORDS = {"o": "chart.exact", ">": "chart.lower_bound", "D": "chart.approx", "<": "chart.upper_bound"}
SINGLE_SERIES = "#1b2f5e"  # one series: a dark navy with high contrast on white (not a pale palette colour)
SMALL = 4.4  # inches: a chart for any screen, 440 px, shown whole on a desktop and shrunk to fit a phone
PHONE_WIDTH = 369  # px: what a 390 px phone shows a chart at (the viewport less the page's 2 × 0.7rem padding)
MIN_LABEL_PX = 11  # the smallest text a chart may show, as displayed
TEXT_PT = 10  # every chart's smallest text: 13.9 px at 100 dpi, 11.6 px on a phone (440 px shrunk to 369)
BENCHMARK_STYLE = {"nation": "--", "province": "-.", "prefecture": ":"}
BENCHMARK_MARKER = {"nation": "|", "province": "x", "prefecture": "+"}


def font_path() -> Path:
    """Noto Sans CJK SC as bundled with mplfonts: the one CJK font charts and brief pages use."""
    import mplfonts

    return Path(mplfonts.__file__).parent / "fonts" / FONT_FILE


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register mplfonts' Noto Sans CJK SC and put it first for sans-serif text; return its name."""
    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, *plt.rcParams["font.sans-serif"]]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.dpi"] = DPI
    for key in ("font.size", "xtick.labelsize", "ytick.labelsize", "legend.fontsize", "legend.title_fontsize"):
        plt.rcParams[key] = TEXT_PT
    for key in ("axes.labelsize", "axes.titlesize", "figure.titlesize"):
        plt.rcParams[key] = TEXT_PT + 1
    return name


def displayed_px(fig, points: float) -> float:
    """How tall text of `points` looks on the smallest screen a chart is shown on: a chart shrinks to
    PHONE_WIDTH when its PNG is wider."""
    natural = fig.get_figwidth() * DPI
    shown = min(natural, PHONE_WIDTH)
    return points * DPI / 72 * shown / natural


def wrap(text: str, width_px: float, points: float = TEXT_PT + 1) -> str:
    """text broken into lines that fit width_px at `points`: between Latin words, or between any two CJK
    characters (one counts as two Latin ones)."""
    import unicodedata

    per_line = max(10, int(width_px / (points * DPI / 72 * 0.55)))
    lines = []
    for paragraph in str(text).split("\n"):
        line, used = "", 0
        for token in re.findall(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+", paragraph):
            cost = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in token.rstrip())
            if used + cost > per_line and line.strip():
                lines.append(line.rstrip())
                line, used = token.lstrip(), cost
            else:
                line, used = line + token, used + len(token) - len(token.rstrip()) + cost
        lines.append(line.rstrip())
    return "\n".join(lines)


def finish(fig, rect=None) -> None:
    """Lay the figure out once (tight) and close it. The layout is then fixed: left with tight_layout's
    placeholder engine, every savefig would lay it out again in a dry-run draw."""
    fig.tight_layout(rect=rect)
    fig.set_layout_engine(None)
    plt.close(fig)


def district_colours(codes) -> dict[str, tuple]:
    """One colour per district code, fixed by sorted code order (seaborn 'colorblind' palette, cycled)."""
    codes = sorted(set(codes))
    palette = sns.color_palette("colorblind", 10)
    return {code: palette[i % len(palette)] for i, code in enumerate(codes)}


def marker_for(flags: str) -> str:
    for flag, marker in MARKERS.items():
        if flag in str(flags).split(","):
            return marker
    return "o"


def district_label(row, lang: str = "en") -> str:
    """'环翠区 Huancui District' in English, '环翠区' in Chinese."""
    return row["district_zh"] if lang == "zh" else f"{row['district_zh']} {row['district_en']}"


def _marker_handles(markers_used, lang: str = "en") -> list:
    """Legend handles for the markers that need words (any but a lone exact dot)."""
    handles = [
        plt.Line2D([], [], marker=m, linestyle="", color="0.3", label=say(MARKER_WORDS[m], lang))
        for m in MARKER_WORDS
        if m in markers_used
    ]
    return handles if len(handles) > 1 or (handles and handles[0].get_marker() != "o") else []


def _row_label(row, lang: str, with_period: bool) -> str:
    name = district_label(row, lang)
    return f"{name} ({period_words(row['period'], lang)})" if with_period else name


def _dot_intervals(
    ax,
    rates: pd.DataFrame,
    colours: dict,
    focus: str | None = None,
    lang: str = "en",
    with_period: bool = True,
    extra_x=(),
) -> tuple[set[str], pd.DataFrame]:
    """Draw each row's rate (per year for flows; a flow with no end date has none and is left out) as a dot
    with its interval, highest at the top, labelled 'name (period)' (or the name alone); the focus district
    larger. The x axis runs from 0 past every interval end and every value in extra_x (benchmarks), so no
    interval is cut; an interval open above (∞) runs to the edge and ends in an arrow. Returns the markers
    used and the rows drawn, in drawing order."""
    table = (
        rates.assign(_rate=comparable_rate(rates)).dropna(subset=["_rate"]).sort_values("_rate").reset_index(drop=True)
    )
    ends = pd.concat([table["_rate"], table["ci_low"], table["ci_high"], pd.Series(list(extra_x), dtype=float)])
    ends = ends[np.isfinite(ends.astype(float))]
    right = float(ends.max()) * 1.08 if len(ends) and ends.max() > 0 else 1.0
    markers = set()
    for i, row in table.iterrows():
        colour = colours.get(row["district_code"], SINGLE_SERIES)
        big = row["district_code"] == focus
        if pd.notna(row["ci_low"]):
            high = row["ci_high"] if np.isfinite(row["ci_high"]) else right
            ax.plot([row["ci_low"], high], [i, i], color=colour, lw=2 + 1.5 * big, alpha=0.7)
            if not np.isfinite(row["ci_high"]):
                ax.annotate("", (right, i), (row["_rate"], i), arrowprops={"arrowstyle": "->", "color": colour})
        marker = marker_for(row["flags"])
        markers.add(marker)
        ax.plot(row["_rate"], i, marker=marker, color=colour, ms=7 + 3 * big, linestyle="")
    ax.set_yticks(range(len(table)), [_row_label(r, lang, with_period) for _, r in table.iterrows()])
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.set_xlim(0, right)
    return markers, table


def _benchmark_handle(level: str, label: str):
    return plt.Line2D([], [], color="0.15", lw=1.3, ls=BENCHMARK_STYLE.get(level, "--"), label=label)


def benchmark_lines(ax, benchmarks: pd.DataFrame, lang: str = "en") -> list:
    """One vertical line per benchmark (columns level, name, rate), styled by its level; legend handles
    naming each with its rate."""
    handles = []
    for _, b in benchmarks.iterrows():
        ax.axvline(b["rate"], color="0.15", lw=1.3, ls=BENCHMARK_STYLE.get(b["level"], "--"), zorder=1)
        handles.append(
            _benchmark_handle(b["level"], say("chart.benchmark", lang, name=b["name"], rate=fmt_rate(b["rate"])))
        )
    return handles


def benchmark_marks(ax, drawn: pd.DataFrame, benchmarks: pd.DataFrame, lang: str = "en") -> list:
    """Each row's own benchmarks (columns district_code, period, level, name, rate) as a mark on its line: for
    a comparison whose units sit in different provinces. Legend: the benchmark's name where every row shares
    it, else its level ('each unit's province')."""
    handles = []
    for level, marks in benchmarks.groupby("level", sort=False):
        rows = drawn.reset_index().merge(marks, on=["district_code", "period"])
        if rows.empty:
            continue
        marker = BENCHMARK_MARKER.get(level, "|")
        ax.plot(rows["rate"], rows["index"], marker=marker, ms=13, mew=2, color="0.1", ls="", zorder=3)
        names = rows["name"].unique()
        label = (
            say("chart.benchmark", lang, name=names[0], rate=fmt_rate(rows["rate"].iloc[0]))
            if len(names) == 1 and rows["rate"].nunique() == 1
            else say("chart.benchmark_each", lang, level=say(f"benchmark.level.{level}", lang))
        )
        handles.append(plt.Line2D([], [], marker=marker, ms=10, mew=2, color="0.1", ls="", label=label))
    return handles


def ranked_intervals(
    rates: pd.DataFrame,
    unit_label: str,
    colours: dict,
    title: str = "",
    lang: str = "en",
    benchmarks: pd.DataFrame | None = None,
):
    """Dot-and-interval plot of rates, highest first, one row per district and period, each row's benchmark
    (benchmarks: district_code, period, level, name, rate) marked on it."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(SMALL, 1))
    bench = benchmarks if benchmarks is not None else pd.DataFrame(columns=["district_code", "period", "rate"])
    with_period = rates["period"].nunique() > 1
    markers, drawn = _dot_intervals(ax, rates, colours, lang=lang, with_period=with_period, extra_x=bench["rate"])
    handles = benchmark_marks(ax, drawn, bench, lang) if not bench.empty else []
    return _finish_dots(fig, ax, drawn, markers, handles, unit_label, title, lang)


def dot_chart(
    rates: pd.DataFrame,
    unit_label: str,
    colours: dict,
    focus: str,
    title: str = "",
    benchmarks: pd.DataFrame | None = None,
    lang: str = "en",
):
    """One metric of a profile, Fingertips' spine-chart way: the focus district (larger) among the units of its
    window, with its own benchmarks (benchmarks: level, name, rate) as labelled vertical lines."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(SMALL, 1))
    bench = benchmarks if benchmarks is not None else pd.DataFrame(columns=["level", "name", "rate"])
    markers, drawn = _dot_intervals(
        ax, rates, colours, focus=focus, lang=lang, with_period=rates["period"].nunique() > 1, extra_x=bench["rate"]
    )
    handles = benchmark_lines(ax, bench, lang)
    return _finish_dots(fig, ax, drawn, markers, handles, unit_label, title, lang)


def _finish_dots(fig, ax, drawn, markers, handles, unit_label: str, title: str, lang: str):
    """Size a dot chart to its rows, title lines and legend (under the chart, one entry a line), then lay it
    out once."""
    title = wrap(title, SMALL * DPI * 0.96)
    if title:  # over the whole figure, from its left edge: a long title never runs past the image
        fig.suptitle(title, x=0.02, ha="left")
    ax.set_xlabel(wrap(unit_label, SMALL * DPI * 0.7))
    handles = _marker_handles(markers, lang) + list(handles)
    for handle in handles:
        handle.set_label(wrap(handle.get_label(), SMALL * DPI * 0.85, TEXT_PT))
    lines = sum(h.get_label().count("\n") + 1 for h in handles)
    legend_in = 0.2 * lines + 0.12 * bool(handles)
    height = 0.34 * max(len(drawn), 1) + 1.25 + 0.2 * (title.count("\n") + 1) + legend_in
    fig.set_figheight(height)
    if handles:
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.01), frameon=False, borderaxespad=0)
    finish(fig, rect=(0, legend_in / height, 1, 1))
    return fig


def funnel_plot(funnel_fit, unit_label: str, colours: dict, title: str = "", caption: str = "", lang: str = "en"):
    """Funnel plot of a compare.stats.comparisons.Funnel (rates, or proportions from proportion_funnel): each unit's
    rate with its interval (and its range of counts when the words allow one) against its exposure (trials).
    With enough units, the pooled rate and the 95% and 99.8% limits the Funnel used; below the minimum,
    intervals only and the title says why. Under the chart: the units, φ, τ² and the method in the brief's
    language, then any caption given (e.g. the comparison window)."""
    use_cjk_font()
    size = "trials" if funnel_fit.unit == "%" else "exposure"
    table = funnel_fit.table.sort_values(size).reset_index(drop=True)
    exposure = table[size]
    fig, ax = plt.subplots(figsize=(SMALL, 5.6))
    if funnel_fit.classified:
        grid = np.geomspace(exposure.min() * 0.5, exposure.max() * 1.5, 200)
        pooled = funnel_fit.pooled_rate / (100 if funnel_fit.unit == "%" else PER_10K)
        limits = funnel_limits(
            pooled, grid, funnel_fit.adjustment, funnel_fit.phi, funnel_fit.tau2, binomial=funnel_fit.unit == "%"
        )
        ax.axhline(
            funnel_fit.pooled_rate,
            color="0.2",
            lw=1,
            label=say("chart.pooled", lang, rate=f"{funnel_fit.pooled_rate:.3g}"),
        )
        for level, style in (("95", "--"), ("99.8", ":")):
            ax.plot(
                grid, limits[f"upper_{level}"], style, color="0.4", lw=1, label=say("chart.limits", lang, level=level)
            )
            ax.plot(grid, limits[f"lower_{level}"], style, color="0.4", lw=1)
    for i, row in table.iterrows():
        colour = colours.get(row["district_code"], "0.3")
        if pd.notna(row.get("ci_low")) and pd.notna(row.get("ci_high")):
            ax.plot([row[size]] * 2, [row["ci_low"], row["ci_high"]], color=colour, lw=1.5, alpha=0.6)
        if row["count_high"] > row["count_low"]:
            per = row["observed_rate"] / row["value"] if row["value"] else np.nan
            ax.plot(
                [row[size]] * 2,
                [row["count_low"] * per, row["count_high"] * per],
                color=colour,
                lw=5,
                alpha=0.35,
                solid_capstyle="butt",
            )
        ax.plot(
            row[size], row["observed_rate"], marker=marker_for(row.get("flags", "")), ms=9, linestyle="", color=colour
        )
        name = district_label(row, lang) if "district_zh" in row and "district_en" in row else str(row["district_code"])
        if not funnel_fit.classified or str(row.get("classification", "")).startswith(("above", "below")):
            ax.annotate(  # only the units outside the limits are named on a funnel; the table names every unit
                name, (row[size], row["observed_rate"]), xytext=(5, 3 if i % 2 else -11), textcoords="offset points"
            )
    ax.set_xscale("log")
    years = table["years"] if "years" in table else pd.Series(dtype=float)
    ax.set_xlabel(
        say(
            "chart.trials"
            if funnel_fit.unit == "%"
            else "chart.exposure_years"
            if years.notna().any()
            else "chart.exposure_residents",
            lang,
        )
    )
    ax.set_ylabel(unit_label)
    ends = pd.concat([table["observed_rate"], table.get("ci_low", pd.Series()), table.get("ci_high", pd.Series())])
    ends = ends[np.isfinite(ends.astype(float))]
    ax.set_ylim(0, max(ax.get_ylim()[1], float(ends.max()) * 1.05 if len(ends) else 1))
    if funnel_fit.classified:
        ax.set_title(wrap(title, SMALL * DPI * 0.8))
        ax.legend(loc="upper right")
    else:
        reason = say("chart.not_classified", lang, n=funnel_fit.n_units, min_units=funnel_fit.min_units)
        ax.set_title(wrap(f"{title}\n{reason}" if title else reason, SMALL * DPI * 0.8))
    facts = wrap("\n".join(t for t in (funnel_facts(funnel_fit, lang), caption) if t), SMALL * DPI * 0.95, TEXT_PT)
    lines = facts.count("\n") + 1
    fig.set_figheight(5.6 + 0.2 * lines)
    fig.text(0.01, 0.01, facts, ha="left", va="bottom", color="0.25")
    finish(fig, rect=(0, (0.2 * lines + 0.1) / fig.get_figheight(), 1, 1))
    return fig


def trend_plot(
    changes: pd.DataFrame,
    derived: pd.DataFrame,
    unit_label: str,
    title: str = "",
    lang: str = "en",
    model=None,
    model_rows=(),
    note: str = "",
):
    """Comparable rates over time (annual rates of dated flows, rates of dated stocks), each with its own exact
    interval and never joined to the next, as nothing between them was estimated. Overlapping periods set aside
    are drawn grey and hollow, lower bounds and approximations with their own markers, derived previous-year
    values hollow. A fitted trend (`model`, a TrendFit over the rows `model_rows`) is drawn as its curve across
    those years and named with its interval; without one no trend line, band or interval legend is drawn, and
    `note` (why it was not assessed) goes under the title. Undated and open periods have no place on a per-year
    axis: they are named under the chart instead."""
    from ..stats.trends import STOCK, USED, midpoint_years

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(SMALL, 4))
    colour = SINGLE_SERIES
    shown = changes[changes["comparable_rate"].notna()]
    mid = shown["period_start"] + (shown["period_end"] - shown["period_start"]) / 2
    used = shown["trend_use"].isin([USED, STOCK]).to_numpy()
    markers, whiskers = set(), False
    for (_, row), when, on_trend in zip(shown.iterrows(), mid, used):
        marker = marker_for(row["flags"])
        markers.add(marker)
        tone = colour if on_trend else "0.6"
        if pd.notna(row["ci_low"]):
            ax.plot([when, when], [row["ci_low"], row["ci_high"]], color=tone, lw=1.5)
            whiskers = True
        ax.plot(when, row["comparable_rate"], marker=marker, color=tone, ms=8, ls="", mfc=tone if on_trend else "white")
    if len(shown):
        label = say("chart.periods_intervals" if whiskers else "chart.periods", lang)
        ax.plot([], [], marker="o", color=colour, ls="", label=label)
    if model is not None and len(model_rows):
        points = changes.loc[list(model_rows)]
        ends = points["period_start"] + (points["period_end"] - points["period_start"]) / 2
        dates = pd.Series(pd.date_range(ends.min(), ends.max(), periods=50))
        ax.plot(
            dates,
            model.rate_per_10k(midpoint_years(dates, dates)),
            "-",
            color=colour,
            lw=1.5,
            label=say(
                "chart.trend",
                lang,
                change=f"{model.annual_change_pct:+.1f}%",
                ci=say("trend.ci", lang, level=f"{100 * (1 - model.alpha):g}"),
                low=f"{model.ci_low_pct:+.1f}%",
                high=f"{model.ci_high_pct:+.1f}%",
            ),
        )
    if (~used).any():
        ax.plot([], [], marker="o", mfc="white", color="0.6", ls="", label=say("chart.set_aside", lang))
    if derived is not None and not derived.empty and "previous_comparable_rate" in derived:
        prev = derived[derived["previous_comparable_rate"].notna()]
        prev_mid = prev["previous_period_start"] + (prev["previous_period_end"] - prev["previous_period_start"]) / 2
        ax.plot(
            prev_mid,
            prev["previous_comparable_rate"],
            marker="o",
            mfc="white",
            color=colour,
            ls="",
            ms=8,
            label=say("chart.derived", lang),
        )
    for marker in markers - {"o"}:
        ax.plot([], [], marker=marker, color="0.3", ls="", label=say(MARKER_WORDS[marker], lang))
    off_axis, names = changes[changes["comparable_rate"].isna()], ""
    if not off_axis.empty:
        names = say("list.sep", lang).join(
            f"{period_words(r['period'], lang)} ({use_reason(r['trend_use'], lang)})" for _, r in off_axis.iterrows()
        )
    ax.set_xlabel(say("chart.period_mid", lang))
    ax.set_ylabel(wrap(unit_label, 3.2 * DPI))
    ax.set_ylim(bottom=0)
    locator = mdates.AutoDateLocator(minticks=2, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title(wrap(f"{title}\n{note}" if title and note else note or title, SMALL * DPI * 0.8))
    handles, _ = ax.get_legend_handles_labels()
    for handle in handles:
        handle.set_label(wrap(handle.get_label(), SMALL * DPI * 0.9, TEXT_PT))
    below = wrap(say("chart.off_axis", lang, periods=names), SMALL * DPI * 0.95, TEXT_PT) if not off_axis.empty else ""
    lines = sum(h.get_label().count("\n") + 1 for h in handles) + (below.count("\n") + 1 if below else 0)
    under = 0.2 * lines + 0.15
    fig.set_figheight(3.4 + under + 0.2 * ax.get_title().count("\n"))
    if handles:
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.01, under / fig.get_figheight()), frameon=False)
    if below:
        fig.text(0.01, 0.01, below, color="0.3", ha="left", va="bottom")
    finish(fig, rect=(0, under / fig.get_figheight(), 1, 1))
    return fig


STAMP_ID = "synthetic-stamp"


def stamp_synthetic(fig, text: str) -> None:
    """Write `text` (SYNTHETIC DATA) on a finished figure: large and faint across the middle, and small and bold
    in the top left corner, over whatever the chart draws. Stamping a figure twice draws it once."""
    if any(t.get_gid() == STAMP_ID for t in fig.texts):
        return
    common = {"color": "#b00020", "gid": STAMP_ID, "zorder": 10}
    fig.text(0.5, 0.5, text, fontsize=44, alpha=0.13, rotation=25, ha="center", va="center", **common)
    fig.text(0.005, 0.995, text, fontsize=9, ha="left", va="top", **common)
