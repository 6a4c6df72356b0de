"""National analytics pass on SYNTHETIC data (benchmarks/synthetic.py): load + validate, annualised rates
with exact intervals for every metric, funnel classification for every metric and period, and a trend fit
for every district and metric. Wall time per stage and peak memory (max RSS of a fresh process) at 10%,
25%, 50% and 100% of the county-level units.

Side by side, at 10% of the districts, the obvious baseline: a rate table per metric, one funnel per
metric and period (with its Poisson limits), and one statsmodels GLM fit per district and metric.

Run: .venv/bin/python benchmarks/analytics.py [--shares 0.1 0.25 0.5 1] [--baseline-share 0.1]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def stage(times: dict, name: str, fn):
    start = time.perf_counter()
    result = fn()
    times[name] = time.perf_counter() - start
    return result


def vectorised_pass(folder: Path) -> dict:
    from compare.data import validate
    from compare.stats.comparisons import funnel_table
    from compare.stats.rates import all_rates
    from compare.stats.trends import fit_trends

    times: dict[str, float] = {}
    problems, ds = stage(times, "load + validate", lambda: validate(folder))
    assert not problems, problems[:3]
    rates = stage(times, "rates", lambda: all_rates(ds, level="county"))
    funnels = stage(times, "funnels", lambda: funnel_table(rates, limits=False))
    trends = stage(times, "trends", lambda: fit_trends(rates))
    return {
        "times": times,
        "observations": len(ds.observations),
        "districts": int(ds.observations["district_code"].nunique()),
        "funnel_rows": len(funnels),
        "trend_fits": len(trends),
        "converged": bool(trends["converged"].all()),
    }


def baseline_pass(folder: Path) -> dict:
    from compare.data import validate
    from compare.stats.comparisons import FUNNEL_GROUPS, funnel_table
    from compare.stats.rates import rate_table, rateable_metrics
    from compare.stats.trends import fit_trend, midpoint_years

    times: dict[str, float] = {}
    problems, ds = stage(times, "load + validate", lambda: validate(folder))
    metrics = rateable_metrics(ds)["metric_id"]
    import pandas as pd

    rates = stage(times, "rates", lambda: pd.concat([rate_table(ds, m, level="county") for m in metrics]))
    stage(times, "funnels", lambda: [funnel_table(g, by=[]) for _, g in rates.groupby(FUNNEL_GROUPS)])

    def one_fit_per_pair():
        fits = 0
        for _, g in rates.groupby(["district_code", "metric_id"]):
            g = g.sort_values("period_start")
            fit_trend(g["value"].round(), g["exposure"], midpoint_years(g["period_start"], g["period_end"]))
            fits += 1
        return fits

    fits = stage(times, "trends", one_fit_per_pair)
    return {
        "times": times,
        "observations": len(ds.observations),
        "districts": int(ds.observations["district_code"].nunique()),
        "trend_fits": fits,
    }


def child(folder: str, mode: str) -> None:
    result = (vectorised_pass if mode == "vectorised" else baseline_pass)(Path(folder))
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(folder: Path, mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), "--mode", mode], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure(share: float) -> Path:
    sys.path.insert(0, str(HERE))
    from synthetic import OUT, generate

    folder = OUT / f"synthetic-national-{share:g}"
    return folder if (folder / "observations.csv").is_file() else generate(share)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.1, 0.25, 0.5, 1.0])
    parser.add_argument("--baseline-share", type=float, default=0.1)
    parser.add_argument("--child")
    parser.add_argument("--mode", default="vectorised")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.mode)

    stages = ["load + validate", "rates", "funnels", "trends"]
    print("SYNTHETIC national data (benchmarks/synthetic.py); seconds per stage, peak RSS of a fresh process\n")
    header = (
        f"{'run':<22}{'districts':>10}{'observations':>14}"
        + "".join(f"{s:>17}" for s in stages)
        + f"{'total':>9}{'peak MiB':>10}"
    )
    print(header)
    rows = {}
    for share in args.shares:
        r = run_child(ensure(share), "vectorised")
        rows[share] = r
        total = sum(r["times"].values())
        print(
            f"{f'compare {share:g}':<22}{r['districts']:>10,}{r['observations']:>14,}"
            + "".join(f"{r['times'][s]:>17.2f}" for s in stages)
            + f"{total:>9.2f}{r['peak_mib']:>10.0f}"
        )
    base = run_child(ensure(args.baseline_share), "baseline")
    total = sum(base["times"].values())
    print(
        f"{f'baseline {args.baseline_share:g}':<22}{base['districts']:>10,}{base['observations']:>14,}"
        + "".join(f"{base['times'][s]:>17.2f}" for s in stages)
        + f"{total:>9.2f}{base['peak_mib']:>10.0f}"
    )
    if args.baseline_share in rows:
        mine = rows[args.baseline_share]
        print(
            f"{'baseline / compare':<46}"
            + "".join(f"{base['times'][s] / mine['times'][s]:>17.1f}" for s in stages)
            + f"{total / sum(mine['times'].values()):>9.1f}"
        )
    smallest, largest = min(rows), max(rows)
    if smallest != largest:
        growth = sum(rows[largest]["times"].values()) / sum(rows[smallest]["times"].values())
        size = rows[largest]["observations"] / rows[smallest]["observations"]
        print(
            f"\nfrom {smallest:g} to {largest:g} of the districts: {size:.1f}x the observations took "
            f"{growth:.1f}x the time "
            f"({'no worse than' if growth <= size * 1.05 else 'worse than'} linear)"
        )
    print(f"trend fits at {largest:g}: {rows[largest]['trend_fits']:,}, all converged: {rows[largest]['converged']}")


if __name__ == "__main__":
    main()
