"""Brief building: N district profiles built by `compare briefs --jobs 2`, against the baseline of a shell
loop running the plain `papermill` CLI and then `jupyter nbconvert` for each brief, in the same run.

Run: .venv/bin/python benchmarks/briefs.py [--briefs 100] [--jobs 2]

The N briefs are the embedded data's district profiles under the three denominators, cycled (real data).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from compare.rates import rateable_observations
from compare.data import load_dataset
from compare.paths import NOTEBOOKS_DIR

VARIANTS = [("census2020", 0), ("resident_yearend", 0), ("registered_yearend", 0), ("census2020", 2), ("resident_yearend", 2)]


def schedule(n: int) -> list[dict]:
    """n distinct district profiles: each district under each denominator, then with two named peers."""
    districts = sorted(rateable_observations(load_dataset())["district_code"].unique())
    entries = [{"notebook": "district_profile.ipynb",
                "parameters": {"district": d, "denominator": den, "peers": [p for p in districts if p != d][:peers]}}
               for den, peers in VARIANTS for d in districts]
    if n > len(entries):
        raise SystemExit(f"at most {len(entries)} distinct profiles from the embedded data")
    return entries[:n]


def run_compare(entries, jobs: int, work: Path) -> float:
    config = work / "briefs.yml"
    config.write_text(yaml.safe_dump({"briefs": entries}), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    start = time.perf_counter()
    subprocess.run([str(bin_dir / "compare"), "briefs", "--config", str(config), "--out", str(work / "out"),
                    "--jobs", str(jobs), "--force"], check=True, capture_output=True)
    return time.perf_counter() - start


def run_baseline(entries, work: Path) -> float:
    bin_dir = Path(sys.executable).parent
    lines = ["set -e"]
    for i, e in enumerate(entries):
        p = e["parameters"]
        out = work / f"b{i}.ipynb"
        lines.append(f"{bin_dir}/papermill -k python3 --no-progress-bar {NOTEBOOKS_DIR / e['notebook']} {out} "
                     f"-r district {p['district']} -r denominator {p['denominator']} -y 'peers: {json.dumps(p['peers'])}' "
                     f"--cwd {NOTEBOOKS_DIR} 2>/dev/null")
        lines.append(f"{bin_dir}/jupyter nbconvert --to html --no-input {out} --log-level ERROR")
    script = work / "loop.sh"
    script.write_text("\n".join(lines) + "\n")
    start = time.perf_counter()
    subprocess.run(["bash", str(script)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--briefs", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    entries = schedule(args.briefs)
    work = Path(tempfile.mkdtemp(prefix="bench-briefs-"))
    try:
        mine = run_compare(entries, args.jobs, work)
        base = run_baseline(entries, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(entries)
    print(f"{n} district profiles\n")
    print(f"{'run':<50}{'total s':>10}{'s per brief':>14}")
    print(f"{f'compare briefs --jobs {args.jobs}':<50}{mine:>10.1f}{mine / n:>14.2f}")
    print(f"{'baseline: papermill CLI + jupyter nbconvert loop':<50}{base:>10.1f}{base / n:>14.2f}")
    print(f"{'speed-up per brief':<50}{base / mine:>10.1f}x")


if __name__ == "__main__":
    main()
