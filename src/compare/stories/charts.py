"""Charts (matplotlib + seaborn) that read the tables of compare.stats: rates, comparisons and trends.

Conventions for every chart: Chinese names render through the bundled Noto Sans CJK SC font (mplfonts);
labels show the Chinese and English names; colours come from seaborn's colour-blind-safe palette with one
fixed colour per district for the whole run (district_colours); lower bounds (余, 多) are drawn as
right-pointing triangles, approximations as diamonds, derived values hollow; every axis says its unit.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from ..stats.comparisons import funnel_limits  # noqa: E402
from ..stats.rates import PER_10K, comparable_rate  # noqa: E402
from .sentences import funnel_facts, period_words, say, use_reason  # noqa: E402

FONT_FILE = "NotoSansCJKsc-Regular.otf"
MARKERS = {"lower_bound": ">", "approx": "D", "upper_bound": "<"}
MARKER_WORDS = {"o": "chart.exact", ">": "chart.lower_bound", "D": "chart.approx", "<": "chart.upper_bound"}
SINGLE_SERIES = "#1b2f5e"  # one series: a dark navy with high contrast on white (not a pale palette colour)


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
    plt.rcParams["figure.dpi"] = 100
    return name


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


def _marker_legend(ax, markers_used, lang: str = "en") -> None:
    handles = [
        plt.Line2D([], [], marker=m, linestyle="", color="0.3", label=say(MARKER_WORDS[m], lang))
        for m in MARKER_WORDS
        if m in markers_used
    ]
    if len(handles) > 1 or (handles and handles[0].get_marker() != "o"):
        ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True)


def _dot_intervals(
    ax,
    rates: pd.DataFrame,
    colours: dict,
    focus: str | None = None,
    line: float = 2.5,
    size: float = 8,
    tick_size=None,
    lang: str = "en",
) -> set[str]:
    """Draw each row's rate (per year for flows; a flow with no end date has none and is left out) as a dot
    with its interval, highest at the top, labelled 'name (period)'; the focus district larger. Returns the
    markers used."""
    table = (
        rates.assign(_rate=comparable_rate(rates)).dropna(subset=["_rate"]).sort_values("_rate").reset_index(drop=True)
    )
    markers = set()
    for i, row in table.iterrows():
        colour = colours.get(row["district_code"], "0.3")
        big = row["district_code"] == focus
        if pd.notna(row["ci_low"]):
            ax.plot([row["ci_low"], row["ci_high"]], [i, i], color=colour, lw=line + 1.5 * big, alpha=0.7)
        marker = marker_for(row["flags"])
        markers.add(marker)
        ax.plot(row["_rate"], i, marker=marker, color=colour, ms=size + 3 * big, linestyle="")
    labels = [f"{district_label(r, lang)} ({period_words(r['period'], lang)})" for _, r in table.iterrows()]
    ax.set_yticks(range(len(table)), labels, fontsize=tick_size)
    ax.set_xlim(left=0)
    return markers


def ranked_intervals(rates: pd.DataFrame, unit_label: str, colours: dict, title: str = "", lang: str = "en"):
    """Dot-and-interval plot of rates, highest first, one row per district and period."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rates) + 1.6))
    markers = _dot_intervals(ax, rates, colours, lang=lang)
    ax.set_xlabel(unit_label)
    ax.set_ylabel(say("chart.district_period", lang))
    ax.set_title(title)
    _marker_legend(ax, markers, lang)
    finish(fig)
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
    fig, ax = plt.subplots(figsize=(8, 5.4))
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
        ax.annotate(
            name,
            (row[size], row["observed_rate"]),
            xytext=(6, 4 if i % 2 else -10),
            textcoords="offset points",
            fontsize=8,
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
    ax.set_ylim(bottom=0)
    if funnel_fit.classified:
        ax.set_title(title)
        ax.legend(loc="upper right", fontsize=8)
    else:
        reason = say("chart.not_classified", lang, n=funnel_fit.n_units, min_units=funnel_fit.min_units)
        ax.set_title(f"{title}\n{reason}" if title else reason, fontsize=11)
    facts = "\n".join(t for t in (funnel_facts(funnel_fit, lang), caption) if t)
    fig.text(0.01, 0.01, facts, fontsize=8, ha="left", va="bottom", wrap=True)
    finish(fig, rect=(0, 0.08, 1, 1))
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
    fig, ax = plt.subplots(figsize=(8, 4.5))
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
    off_axis = changes[changes["comparable_rate"].isna()]
    if not off_axis.empty:
        names = say("list.sep", lang).join(
            f"{period_words(r['period'], lang)} ({use_reason(r['trend_use'], lang)})" for _, r in off_axis.iterrows()
        )
        fig.text(
            0.01, 0.01, say("chart.off_axis", lang, periods=names), fontsize=8, color="0.3", ha="left", va="bottom"
        )
    ax.set_xlabel(say("chart.period_mid", lang))
    ax.set_ylabel(unit_label)
    ax.set_ylim(bottom=0)
    if note:
        ax.set_title(f"{title}\n{note}" if title else note, fontsize=11)
    else:
        ax.set_title(title)
    ax.legend(fontsize=8)
    finish(fig, rect=(0, 0.05 if not off_axis.empty else 0, 1, 1))
    return fig


def coverage_heatmap(coverage: pd.DataFrame, title: str = "", lang: str = "en"):
    """Heatmap of observation counts, districts by metric."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(max(8, 0.35 * coverage.shape[1] + 4), 0.32 * coverage.shape[0] + 2.5))
    sns.heatmap(
        coverage,
        ax=ax,
        cmap="crest",
        annot=True,
        fmt="g",
        cbar_kws={"label": say("chart.observations", lang)},
        linewidths=0.5,
        linecolor="white",
        mask=coverage.eq(0),
    )
    ax.set_xlabel(say("chart.metric", lang))
    ax.set_ylabel(say("chart.district", lang))
    ax.set_title(title)
    finish(fig)
    return fig


def small_multiples(
    panels: dict[str, pd.DataFrame],
    units: dict[str, str],
    focus: str,
    colours: dict,
    title: str = "",
    titles: dict[str, str] | None = None,
    lang: str = "en",
):
    """One small dot-and-interval panel per metric: the focus district against its peers."""
    use_cjk_font()
    n = len(panels)
    cols = min(2, n)
    rows = int(np.ceil(n / cols))
    height = 0.32 * max(len(p) for p in panels.values()) + 1.6
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, height * rows + 0.6), squeeze=False)
    for ax, (metric_id, table) in zip(axes.flat, panels.items()):
        _dot_intervals(ax, table, colours, focus=focus, line=2, size=7, tick_size=8, lang=lang)
        ax.set_title((titles or {}).get(metric_id, metric_id), fontsize=10)
        ax.set_xlabel(units[metric_id], fontsize=9)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(title)
    finish(fig, rect=(0, 0, 1, 0.97))
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
