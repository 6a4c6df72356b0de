"""The index's overview, the Fingertips way: districts × metrics, each cell the district's verdict against its
benchmark (higher, similar, lower, or not compared and why), each linking to the district's profile.

A cell holds what the profile judges: per metric, the district's rate in its home window (the row the profile
describes, compare.stories.profile.profile_rate_rows) against the nearest unit above it that could be compared
(its prefecture, then its province, then the nation; compare.stats.benchmarks). Built once per run from the
data the run validated; words are chosen per language when the index is rendered.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from ..data.population import DEFAULT_DENOMINATOR
from ..data.tables import Dataset
from ..errors import CompareError
from ..stats.benchmarks import RANK
from ..stories.benchmarks import COMPARED, reason_words, verdict_words, verdicts
from ..stories.profile import profile_rate_rows
from ..stories.sentences import period_words
from .wording import words

FINDINGS = ("higher", "lower")  # a verdict a reader should see first


@dataclass
class Unit:
    """One row of the overview: a district with a profile in the run, and its verdict per metric."""

    code: str
    name_zh: str
    name_en: str
    cells: dict[str, pd.Series] = field(default_factory=dict)  # metric id -> the verdict row shown

    @property
    def findings(self) -> int:
        return sum(row["vs_benchmark"] in FINDINGS for row in self.cells.values())


@dataclass
class Overview:
    units: list[Unit]
    metrics: list[str]  # metric ids, in catalogue order
    metric_names: dict[str, dict[str, str]]  # metric id -> lang -> name


def overview(ds: Dataset, profiles: list[tuple[str, str]]) -> Overview:
    """The overview of the profiled districts: (code, denominator) per profile brief of the run."""
    units, rows = [], {}
    for code, denominator in profiles:
        try:
            info = ds.district(code)
            own = profile_rate_rows(ds, code, denominator or DEFAULT_DENOMINATOR)
        except CompareError:  # an unknown code, or no rate: the profile itself fails or says why
            continue
        units.append(Unit(code, str(info["name_zh"]), str(info["name_en"])))
        rows.setdefault(denominator or DEFAULT_DENOMINATOR, []).append(own)
    by_code = {u.code: u for u in units}
    for denominator, frames in rows.items():  # one judgement for all units: benchmarks' rates are read once
        frames = [f for f in frames if not f.empty]
        judged = verdicts(ds, pd.concat(frames, ignore_index=True), denominator) if frames else pd.DataFrame()
        for (code, metric_id), group in (
            judged.groupby(["district_code", "metric_id"], sort=False) if len(judged) else []
        ):
            by_code[str(code)].cells[str(metric_id)] = nearest(group)
    units.sort(key=lambda u: (-u.findings, u.name_zh, u.code))  # the briefs holding a finding first
    shown = {m for u in units for m in u.cells}
    metrics = [m for m in ds.metrics["metric_id"] if m in shown]
    names = ds.metrics.set_index("metric_id")
    return Overview(
        units,
        metrics,
        {m: {"en": str(names.at[m, "name_en"]), "zh": str(names.at[m, "name_zh"])} for m in metrics},
    )


def nearest(group: pd.DataFrame) -> pd.Series:
    """The verdict against the nearest benchmark that was compared, else the nearest one's reason."""
    order = group.assign(rank=group["benchmark_level"].map(RANK)).sort_values("rank", ascending=False)
    compared = order[order["vs_benchmark"].isin(COMPARED)]
    return (compared if not compared.empty else order).iloc[0]


def cell_words(row: pd.Series, lang: str) -> tuple[str, str, str]:
    """(verdict class, the cell's word, its title text) for one cell; plain text (the template escapes)."""
    w = words(lang)
    verdict = str(row["vs_benchmark"])
    key = verdict if verdict in COMPARED else "not_compared"
    title = html.unescape(verdict_words(row, lang) if verdict in COMPARED else reason_words(row, lang))
    return key.replace("_", "-"), w[f"verdict.{key}"], f"{title} ({period_words(str(row['period']), lang)})"
