"""Verdicts against benchmarks in words: which units were judged against the rate of a unit above them, and
why the others were not. The verdicts come from compare.stats.benchmarks; this module only says them."""

from __future__ import annotations

import html

import pandas as pd

from ..data.tables import Dataset
from ..stats.benchmarks import BENCHMARK_LEVELS, RANK, against_benchmark
from ..stats.rates import comparable_rate
from .sentences import counted_words, fmt_rate, period_words, say

COMPARED = ("higher", "similar", "lower")


def verdicts(ds: Dataset, rows: pd.DataFrame, denominator: str) -> pd.DataFrame:
    """rows (rate rows) against every benchmark level above them: one row per unit row and benchmark level, with
    the benchmark's name; rows whose unit is at or above a level are left out for that level."""
    frames = []
    for level in BENCHMARK_LEVELS:
        below = rows[rows["level"].astype(str).map(RANK).fillna(3).gt(RANK[level])]
        if not below.empty:
            frames.append(against_benchmark(ds, below, level, denominator=denominator).assign(benchmark_level=level))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    names = ds.districts.set_index("code")
    return out.assign(
        benchmark_zh=out["benchmark"].map(names["name_zh"]).fillna(""),
        benchmark_en=out["benchmark"].map(names["name_en"]).fillna(""),
    )


def benchmark_name(row, lang: str) -> str:
    return html.escape(row["benchmark_zh"] if lang == "zh" else f"{row['benchmark_zh']} {row['benchmark_en']}")


def verdict_sentence(row, metric_words: str, unit_label: str, lang: str) -> str:
    """'Disputes mediated, 2018: 62.8 a year, lower than 全国 China (67.8; judged by the exact 95% interval).'"""
    return (
        say(
            f"benchmark.{row['vs_benchmark']}",
            lang,
            district=html.escape(row["district_zh"] if lang == "zh" else f"{row['district_zh']} {row['district_en']}"),
            metric=metric_words,
            window=period_words(str(row["period"]), lang),
            rate=fmt_rate(comparable_rate(row.to_frame().T).iloc[0]),
            low=fmt_rate(row["ci_low"]),
            high=fmt_rate(row["ci_high"]),
            benchmark=benchmark_name(row, lang),
            benchmark_rate=fmt_rate(row["benchmark_rate"]),
            unit_label=html.escape(unit_label),
        )
        + " "
        + _counted(row, lang)
    )


def _counted(row, lang: str) -> str:
    """What both figures count ('Both counted as received (受理).'), or that one side does not say."""
    if row["vs_benchmark_reason"] == "basis_unstated":
        return say("benchmark.basis_unstated", lang)
    return say("counted.both", lang, counted=counted_words(row.get("basis", ""), row.get("scope", ""), lang))


def reason_words(row, lang: str) -> str:
    """Why a unit was not compared with its benchmark, in a few words."""
    periods = [period_words(p, lang) for p in str(row["benchmark_period"]).split(", ") if p]
    return say(
        f"benchmark.reason.{row['vs_benchmark_reason']}",
        lang,
        benchmark=benchmark_name(row, lang),
        periods="、".join(periods) if lang == "zh" else ", ".join(periods),
    )


def verdict_words(row, lang: str) -> str:
    """The verdict column of a table: 'lower than 全国 China' or 'not compared: …'."""
    if row["vs_benchmark"] in COMPARED:
        return say(f"benchmark.short.{row['vs_benchmark']}", lang, benchmark=benchmark_name(row, lang))
    return say("benchmark.not_compared", lang, reason=reason_words(row, lang))


def benchmark_table(ds: Dataset, table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per unit and benchmark: the verdict in words, the rates with their unit, the period (a page shows the
    words; the codes beside them stay in the CSV)."""
    from .phrases import unit_label

    metrics = ds.metrics.set_index("metric_id")
    names = metrics["name_zh" if lang == "zh" else "name_en"]
    return pd.DataFrame(
        {
            "district_code": table["district_code"],
            "district_zh": table["district_zh"],
            "metric_id": table["metric_id"],
            "metric": table["metric_id"].map(names),
            "period": table["period"],
            "rate": comparable_rate(table),
            "benchmark": table.apply(lambda r: html.unescape(benchmark_name(r, lang)), axis=1),
            "benchmark_rate": table["benchmark_rate"],
            "unit": table["metric_id"].map(lambda m: unit_label(metrics.loc[m], lang)),
            "verdict": table.apply(lambda r: html.unescape(verdict_words(r, lang)), axis=1),
            "benchmark_level": table["benchmark_level"],
            "vs_benchmark": table["vs_benchmark"],
            "vs_benchmark_reason": table["vs_benchmark_reason"],
        }
    )


def chart_benchmarks(table: pd.DataFrame) -> pd.DataFrame:
    """The benchmarks a chart marks, from a benchmark_table: only those a unit was compared with (same
    period, basis and scope), as district_code, metric_id, period, level, name, rate."""
    if table.empty:
        return pd.DataFrame(columns=["district_code", "metric_id", "period", "level", "name", "rate"])
    shown = table[table["vs_benchmark"].isin(COMPARED) & table["benchmark_rate"].notna()]
    renamed = {"benchmark_level": "level", "benchmark": "name", "benchmark_rate": "rate"}
    return (
        shown.drop(columns="rate")
        .rename(columns=renamed)[["district_code", "metric_id", "period", "level", "name", "rate"]]
        .reset_index(drop=True)
    )


def benchmark_story(
    ds: Dataset, rows: pd.DataFrame, denominator: str, lang: str
) -> tuple[str, list[str], pd.DataFrame]:
    """What a brief says about rows against benchmarks: a lead sentence (empty when no unit was compared), one
    finding per verdict, and the table of every unit and benchmark level (verdict or reason)."""
    from .phrases import metric_name, unit_label

    table = verdicts(ds, rows, denominator)
    if table.empty:
        return "", [], table
    compared = table[table["vs_benchmark"].isin(COMPARED)]
    findings, items = [], []
    for _, row in compared.iterrows():
        metric = ds.metric(row["metric_id"])
        words = metric_name(metric, lang)
        findings.append(verdict_sentence(row, words, unit_label(metric, lang), lang))
        items.append(
            say(
                "benchmark.lead_item",
                lang,
                district=html.escape(row["district_zh"]),
                verdict=verdict_words(row, lang),
                metric=words,
                window=period_words(str(row["period"]), lang),
            )
        )
    lead = say("benchmark.lead", lang, verdicts=("；" if lang == "zh" else "; ").join(items)) if items else ""
    return lead, findings, benchmark_table(ds, table, lang)
