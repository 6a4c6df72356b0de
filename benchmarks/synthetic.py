"""SYNTHETIC national dataset for benchmarks: every county-level unit of the census reference, 40 quarters,
all per-capita flow and stock metrics, counts drawn from Poisson rates that vary by district and drift
over time. Written in the project's own table format to benchmarks/out/synthetic-national-<share>/
(git-ignored), never to data/. Every file name, doc id, title and the `synthetic` column say so, and the
folder's SYNTHETIC.txt makes every brief built from it say SYNTHETIC DATA.

draw_counts is the one generator of synthetic counts: the demo (demo/make_demo.py) draws its province with it
too, with gamma-Poisson district effects, a common trend and a few planted outliers (Variation).

Run: .venv/bin/python benchmarks/synthetic.py [--share 1.0] [--quarters 40] [--seed 0]
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from compare.data import OBSERVATION_COLUMNS, SOURCE_COLUMNS, load_dataset
from compare.paths import PROJECT_ROOT
from compare.stats.rates import rateable_metrics

OUT = PROJECT_ROOT / "benchmarks" / "out"
FIRST_YEAR = 2015


def quarters(n: int) -> pd.DataFrame:
    starts = pd.date_range(f"{FIRST_YEAR}-01-01", periods=n, freq="QS")
    return pd.DataFrame({"start": starts, "end": starts + pd.offsets.QuarterEnd(0)})


@dataclass(frozen=True)
class Variation:
    """How synthetic rates vary. Between districts: log-normal (sd `spread`), or, with `gamma_shape`, a
    Gamma(shape, 1/shape) effect of mean 1, which makes the counts gamma-Poisson (negative binomial); over time:
    each district's own drift (sd `drift_sd`) plus a `trend` common to all (log change a year); and `outliers`
    (district, metric) pairs whose rate is `outlier_factor` times (or, for every other one, 1/factor) its draw."""

    spread: float = 0.5
    gamma_shape: float | None = None
    drift_sd: float = 0.05
    trend: float = 0.0
    outliers: int = 0
    outlier_factor: float = 3.0


@dataclass(frozen=True)
class Draw:
    """Counts by district, metric and period (3-d array), the rates they were drawn from, and the planted
    outliers as (district index, metric index, factor)."""

    counts: np.ndarray
    rates: np.ndarray
    outliers: list[tuple[int, int, float]]


def draw_counts(
    rng: np.random.Generator,
    population: np.ndarray,
    n_metrics: int,
    years_since: np.ndarray,
    exposure: np.ndarray,
    variation: Variation = Variation(),
) -> Draw:
    """Poisson counts for every district (population), metric and period: a base rate per metric (per 10,000
    residents per year), times each district's effect, drifting over `years_since`; `exposure` is each
    (metric, period) cell's share of a year (1 for a stock)."""
    n_districts = len(population)
    base = np.exp(rng.normal(2.5, 1.0, n_metrics))  # per 10,000 residents per year
    if variation.gamma_shape:
        k = variation.gamma_shape
        effect = rng.gamma(k, 1 / k, (n_districts, n_metrics))
    else:
        effect = np.exp(rng.normal(0, variation.spread, (n_districts, n_metrics)))
    drift = rng.normal(0, variation.drift_sd, (n_districts, n_metrics)) + variation.trend  # log change a year
    outliers = []
    if variation.outliers:
        cells = rng.choice(n_districts * n_metrics, size=variation.outliers, replace=False)
        for i, cell in enumerate(cells):
            d, m = divmod(int(cell), n_metrics)
            factor = variation.outlier_factor if i % 2 == 0 else 1 / variation.outlier_factor
            effect[d, m] *= factor
            outliers.append((d, m, factor))
    rates = base[None, :, None] * effect[:, :, None] * np.exp(drift[:, :, None] * years_since[None, None, :])
    expected = rates * population[:, None, None] / 1e4 * exposure[None, :, :]
    return Draw(rng.poisson(expected), rates, outliers)


def generate(share: float = 1.0, n_quarters: int = 40, seed: int = 0, out: Path | None = None) -> Path:
    """Write a synthetic data folder for `share` of the county-level units; return its path."""
    rng = np.random.default_rng(seed)
    ds = load_dataset()
    counties = ds.districts[ds.districts["level"].isin(["county", "zone"])]
    pops = ds.populations[ds.populations["definition"] == "census_resident"].set_index("district_code")["population"]
    counties = counties[counties["code"].isin(pops.index)]
    order = np.random.default_rng(12345).permutation(len(counties))  # the same districts at every share
    counties = counties.iloc[np.sort(order[: max(2, int(round(share * len(counties))))])]
    metrics = rateable_metrics(ds).reset_index(drop=True)
    q = quarters(n_quarters)

    d, m, t = np.meshgrid(np.arange(len(counties)), np.arange(len(metrics)), np.arange(n_quarters), indexing="ij")
    d, m, t = d.ravel(), m.ravel(), t.ravel()
    population = pops.loc[counties["code"]].to_numpy()
    flows = (metrics["kind"] == "flow").to_numpy()
    exposure = np.repeat(np.where(flows, 0.25, 1.0)[:, None], n_quarters, axis=1)
    counts = draw_counts(rng, population, len(metrics), np.arange(n_quarters) / 4, exposure).counts.ravel()
    is_flow = flows[m]

    start = q["start"].to_numpy()[t]
    end = q["end"].to_numpy()[t]
    codes = counties["code"].to_numpy()[d]
    obs = pd.DataFrame(
        {
            "doc_id": np.char.add("synthetic-", codes.astype(str)),
            "district_code": codes,
            "period_start": pd.to_datetime(np.where(is_flow, start, end)).strftime("%Y-%m-%d"),
            "period_end": pd.to_datetime(end).strftime("%Y-%m-%d"),
            "metric_id": metrics["metric_id"].to_numpy()[m],
            "subset": "",
            "value": counts,
            "qualifier": "exact",
            "statement": "actual",
            "quote": "",
            "basis": "",
            "scope": "",
        }
    )[OBSERVATION_COLUMNS]
    obs["synthetic"] = "yes"

    folder = out or OUT / f"synthetic-national-{share:g}"
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "sources").mkdir(parents=True)
    shutil.copytree(ds.data_dir / "reference", folder / "reference")
    shutil.copy(ds.data_dir / "metrics.csv", folder / "metrics.csv")
    sources = pd.DataFrame({c: "" for c in SOURCE_COLUMNS}, index=range(len(counties)))
    sources["doc_id"] = "synthetic-" + counties["code"].to_numpy()
    sources["title"] = "SYNTHETIC benchmark data (not a real report)"
    sources["district_zh"] = counties["name_zh"].to_numpy()
    sources["district_code"] = counties["code"].to_numpy()
    sources["level"] = "county"
    sources["url"] = "https://example.invalid/synthetic"
    sources["complete"] = "synthetic"
    sources.to_csv(folder / "sources" / "sources.csv", index=False)
    obs.to_csv(folder / "observations.csv", index=False)
    (folder / "SYNTHETIC.txt").write_text("Synthetic benchmark data generated by benchmarks/synthetic.py. Not real.\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--share", type=float, default=1.0, help="share of the county-level units (0-1]")
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    folder = generate(args.share, args.quarters, args.seed)
    n = sum(1 for _ in open(folder / "observations.csv", encoding="utf-8")) - 1
    print(f"{n:,} synthetic observations in {folder}")


if __name__ == "__main__":
    main()
