"""Charts (matplotlib + seaborn) that read the tables of compare.rates, comparisons and trends.

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

from .comparisons import funnel_limits  # noqa: E402

FONT_FILE = "NotoSansCJKsc-Regular.otf"
MARKERS = {"lower_bound": ">", "approx": "D", "upper_bound": "<"}
MARKER_LEGEND = {"o": "exact", ">": "lower bound (余/多/以上)", "D": "approximate (约/近)", "<": "upper bound (不到)"}


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register mplfonts' Noto Sans CJK SC and put it first for sans-serif text; return its name."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, *plt.rcParams["font.sans-serif"]]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.dpi"] = 100
    return name


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


def district_label(row) -> str:
    return f"{row['district_zh']} {row['district_en']}"


def _marker_legend(ax, markers_used) -> None:
    handles = [plt.Line2D([], [], marker=m, linestyle="", color="0.3", label=MARKER_LEGEND[m]) for m in MARKER_LEGEND if m in markers_used]
    if len(handles) > 1 or (handles and handles[0].get_marker() != "o"):
        ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True)


def _dot_intervals(ax, rates: pd.DataFrame, colours: dict, focus: str | None = None, line: float = 2.5,
                   size: float = 8, tick_size=None) -> set[str]:
    """Draw each row's rate (annual for flows) as a dot with its interval, highest at the top, labelled
    'name (period)'; the focus district larger. Returns the markers used."""
    rate = rates["annual_rate_per_10k"].fillna(rates["rate_per_10k"])
    table = rates.assign(_rate=rate).sort_values("_rate").reset_index(drop=True)
    markers = set()
    for i, row in table.iterrows():
        colour = colours.get(row["district_code"], "0.3")
        big = row["district_code"] == focus
        if pd.notna(row["ci_low"]):
            ax.plot([row["ci_low"], row["ci_high"]], [i, i], color=colour, lw=line + 1.5 * big, alpha=0.7)
        marker = marker_for(row["flags"])
        markers.add(marker)
        ax.plot(row["_rate"], i, marker=marker, color=colour, ms=size + 3 * big, linestyle="")
    ax.set_yticks(range(len(table)), [f"{district_label(r)} ({r['period']})" for _, r in table.iterrows()], fontsize=tick_size)
    ax.set_xlim(left=0)
    return markers


def ranked_intervals(rates: pd.DataFrame, unit_label: str, colours: dict, title: str = ""):
    """Dot-and-interval plot of rates, highest first, one row per district and period."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rates) + 1.6))
    markers = _dot_intervals(ax, rates, colours)
    ax.set_xlabel(unit_label)
    ax.set_ylabel("district (period)")
    ax.set_title(title)
    _marker_legend(ax, markers)
    fig.tight_layout()
    plt.close(fig)
    return fig


def funnel_plot(fun, unit_label: str, colours: dict, title: str = "", caption: str = ""):
    """Funnel plot of a compare.comparisons.Funnel (rates, or proportions from proportion_funnel): each unit's
    rate with its interval (and its range of counts when the words allow one) against its exposure (trials).
    With enough units, the pooled rate and the 95% and 99.8% limits the Funnel used; below the minimum,
    intervals only and the title says why. The caption states n_units, φ, τ² and the method, then any
    caption given (e.g. the comparison window)."""
    use_cjk_font()
    size = "trials" if fun.unit == "%" else "exposure"
    table = fun.table.sort_values(size).reset_index(drop=True)
    exposure = table[size]
    fig, ax = plt.subplots(figsize=(8, 5.4))
    if fun.classified:
        grid = np.geomspace(exposure.min() * 0.5, exposure.max() * 1.5, 200)
        pooled = fun.pooled_rate / (100 if fun.unit == "%" else 1e4)
        limits = funnel_limits(pooled, grid, fun.adjustment, fun.phi, fun.tau2, binomial=fun.unit == "%")
        ax.axhline(fun.pooled_rate, color="0.2", lw=1, label=f"pooled rate {fun.pooled_rate:.3g}")
        for level, style in (("95", "--"), ("99.8", ":")):
            ax.plot(grid, limits[f"upper_{level}"], style, color="0.4", lw=1, label=f"{level}% limits")
            ax.plot(grid, limits[f"lower_{level}"], style, color="0.4", lw=1)
    for i, row in table.iterrows():
        colour = colours.get(row["district_code"], "0.3")
        if pd.notna(row.get("ci_low")) and pd.notna(row.get("ci_high")):
            ax.plot([row[size]] * 2, [row["ci_low"], row["ci_high"]], color=colour, lw=1.5, alpha=0.6)
        if row["count_high"] > row["count_low"]:
            per = row["observed_rate"] / row["value"] if row["value"] else np.nan
            ax.plot([row[size]] * 2, [row["count_low"] * per, row["count_high"] * per], color=colour, lw=5,
                    alpha=0.35, solid_capstyle="butt")
        ax.plot(row[size], row["observed_rate"], marker=marker_for(row.get("flags", "")), ms=9, linestyle="",
                color=colour)
        name = district_label(row) if "district_zh" in row and "district_en" in row else str(row["district_code"])
        ax.annotate(name, (row[size], row["observed_rate"]), xytext=(6, 4 if i % 2 else -10),
                    textcoords="offset points", fontsize=8)
    ax.set_xscale("log")
    years = table["years"] if "years" in table else pd.Series(dtype=float)
    ax.set_xlabel("denominator (trials)" if fun.unit == "%" else
                  "exposure (resident-years)" if years.notna().any() else "exposure (residents)")
    ax.set_ylabel(unit_label)
    ax.set_ylim(bottom=0)
    if fun.classified:
        ax.set_title(title)
        ax.legend(loc="upper right", fontsize=8)
    else:
        reason = f"not classified: {fun.n_units} units, fewer than the {fun.min_units} a funnel needs; intervals only"
        ax.set_title(f"{title}\n{reason}" if title else reason, fontsize=11)
    fig.text(0.01, 0.01, "\n".join(t for t in (fun.facts, caption) if t), fontsize=8, ha="left",
             va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    plt.close(fig)
    return fig


def trend_plot(changes: pd.DataFrame, derived: pd.DataFrame, unit_label: str, colours: dict, title: str = ""):
    """Rates over time with their intervals; derived previous-year values hollow, joined by a dashed line."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    mid = changes["period_start"] + (changes["period_end"].fillna(changes["period_start"]) - changes["period_start"]) / 2
    rate = changes["annual_rate_per_10k"].fillna(changes["rate_per_10k"])
    colour = colours.get(changes["district_code"].iloc[0], "0.3") if len(changes) else "0.3"
    ax.errorbar(mid, rate, yerr=[rate - changes["ci_low"], changes["ci_high"] - rate], fmt="-o", color=colour,
                capsize=4, label="reported (95% CI)")
    if derived is not None and not derived.empty and len(changes):
        population = changes["population"].iloc[-1]
        years = changes["years"].iloc[-1]
        prev_mid = derived["previous_period_start"] + (derived["previous_period_end"] - derived["previous_period_start"]) / 2
        prev_rate = derived["previous_value"] / population / (years if pd.notna(years) else 1) * 1e4
        ax.plot(prev_mid, prev_rate, marker="o", mfc="white", color=colour, ls="", ms=8,
                label="derived from reported year-on-year change")
    ax.set_xlabel("period (midpoint)")
    ax.set_ylabel(unit_label)
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def coverage_heatmap(coverage: pd.DataFrame, title: str = ""):
    """Heatmap of observation counts, districts by metric."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(max(8, 0.35 * coverage.shape[1] + 4), 0.32 * coverage.shape[0] + 2.5))
    sns.heatmap(coverage, ax=ax, cmap="crest", annot=True, fmt="g", cbar_kws={"label": "observations"},
                linewidths=0.5, linecolor="white", mask=coverage.eq(0))
    ax.set_xlabel("metric")
    ax.set_ylabel("district")
    ax.set_title(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def small_multiples(panels: dict[str, pd.DataFrame], units: dict[str, str], focus: str, colours: dict, title: str = "",
                    titles: dict[str, str] | None = None):
    """One small dot-and-interval panel per metric: the focus district against its peers."""
    use_cjk_font()
    n = len(panels)
    cols = min(2, n)
    rows = int(np.ceil(n / cols))
    height = 0.32 * max(len(p) for p in panels.values()) + 1.6
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, height * rows + 0.6), squeeze=False)
    for ax, (metric_id, table) in zip(axes.flat, panels.items()):
        _dot_intervals(ax, table, colours, focus=focus, line=2, size=7, tick_size=8)
        ax.set_title((titles or {}).get(metric_id, metric_id), fontsize=10)
        ax.set_xlabel(units[metric_id], fontsize=9)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    plt.close(fig)
    return fig
