"""Brief building on equal cores: `compare briefs` against the plain papermill CLI + `jupyter nbconvert` loop,
both comparisons in one run.

1. one worker (`--jobs 1`) against the loop run one brief at a time, both pinned to one core;
2. N workers (`--jobs N`) against the loop run N-wide (`xargs -P N`), both pinned to the same N cores.

Each side makes one English HTML page per brief from fresh (`--force`); compare's time includes its workers'
start and the warm-up of their kernels. Pinning uses `taskset` when it is installed.

Run: .venv/bin/python benchmarks/briefs.py [--briefs 12] [--jobs 2]

The briefs are the embedded data's district profiles under the three denominators, cycled (real data).
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from compare.data import load_dataset
from compare.paths import NOTEBOOKS_DIR
from compare.stats.rates import rateable_observations

VARIANTS = [
    ("census_resident", 0),
    ("resident_yearend", 0),
    ("registered_yearend", 0),
    ("census_resident", 2),
    ("resident_yearend", 2),
]
BIN = Path(sys.executable).parent


def schedule(n: int) -> list[dict]:
    """n distinct district profiles: each district under each denominator, then with two named peers."""
    districts = sorted(rateable_observations(load_dataset())["district_code"].unique())
    entries = [
        {
            "notebook": "district_profile.ipynb",
            "lang": "en",
            "parameters": {"district": d, "denominator": den, "peers": [p for p in districts if p != d][:peers]},
        }
        for den, peers in VARIANTS
        for d in districts
    ]
    if n > len(entries):
        raise SystemExit(f"at most {len(entries)} distinct profiles from the embedded data")
    return entries[:n]


def pinned(cores: int) -> list[str]:
    return ["taskset", "-c", f"0-{cores - 1}"] if shutil.which("taskset") else []


def run_compare(entries, jobs: int, work: Path) -> float:
    config = work / "briefs.yml"
    config.write_text(yaml.safe_dump({"briefs": entries}), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [
            *pinned(jobs),
            str(BIN / "compare"),
            "briefs",
            "--config",
            str(config),
            "--out",
            str(work / f"out{jobs}"),
            "--jobs",
            str(jobs),
            "--force",
            "--lang",
            "en",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def loop_line(i: int, entry: dict, work: Path) -> str:
    """One brief of the baseline: the papermill CLI, then nbconvert without code."""
    p = entry["parameters"]
    out = work / f"b{i}.ipynb"
    papermill = [
        str(BIN / "papermill"),
        "-k",
        "python3",
        "--no-progress-bar",
        str(NOTEBOOKS_DIR / entry["notebook"]),
        str(out),
        "-r",
        "district",
        p["district"],
        "-r",
        "denominator",
        p["denominator"],
        "-y",
        f"peers: {json.dumps(p['peers'])}",
        "--cwd",
        str(NOTEBOOKS_DIR),
    ]
    nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out), "--log-level", "ERROR"]
    return f"{shlex.join(papermill)} 2>/dev/null && {shlex.join(nbconvert)}"


def run_loop(entries, width: int, work: Path) -> float:
    """The baseline loop, `width` briefs at a time through xargs -P."""
    lines = work / f"loop{width}.txt"
    lines.write_text("\n".join(loop_line(i, e, work) for i, e in enumerate(entries)) + "\n", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [*pinned(width), "xargs", "-P", str(width), "-d", "\n", "-n", "1", "bash", "-c"],
        stdin=lines.open(),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--briefs", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    entries = schedule(args.briefs)
    n = len(entries)
    work = Path(tempfile.mkdtemp(prefix="bench-briefs-"))
    rows = []
    try:
        for cores in dict.fromkeys([1, args.jobs]):
            mine, base = run_compare(entries, cores, work), run_loop(entries, cores, work)
            rows.append((cores, mine, base))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pin = "pinned with taskset" if pinned(1) else "not pinned (no taskset)"
    print(f"{n} district profiles, English pages, --force; {pin}\n")
    print(f"{'cores':>5}  {'run':<48}{'total s':>9}{'s/brief':>9}")
    for cores, mine, base in rows:
        width = "one at a time" if cores == 1 else f"xargs -P {cores}"
        print(f"{cores:>5}  {f'compare briefs --jobs {cores}':<48}{mine:>9.1f}{mine / n:>9.2f}")
        print(f"{cores:>5}  {f'papermill CLI + nbconvert loop, {width}':<48}{base:>9.1f}{base / n:>9.2f}")
        print(f"{cores:>5}  {'speed-up on equal cores':<48}{base / mine:>8.1f}x\n")


if __name__ == "__main__":
    main()
