"""Extraction throughput: documents per second, and the time for one 15,000-character report.

Run: .venv/bin/python benchmarks/extraction.py [--repeat N]
     .venv/bin/python benchmarks/extraction.py --against REV [--rounds N]

With --against, an earlier commit's extractor (its src/ as `git archive REV src` gives it) and this
checkout's are timed side by side on equal terms: the same documents, data and benchmark code, each in its
own subprocess, taking turns for N rounds (the median of each side's rounds), with the machine's load before
and after. Each side's ratio is against its own find_numbers (a faster find_numbers raises it; the last line
gives this checkout's extract against REV's baseline).

The documents are the five seed reports and the development sets ../shared/corpus and ../shared/corpus2
when present (their periods read from the text, as for a new report). Measured side by side with a
baseline that only finds every number in the same texts (compare.data.numerals.find_numbers): the floor any
extractor that reads all numbers must pay. The 15,000-character report is the five seed reports joined
and cut to length (synthetic: made for this benchmark from real texts, never added to data/).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import pandas as pd

from compare.data import load_dataset
from compare.data.numerals import find_numbers
from compare.ingest.extract import Context, context_from_sources, extract
from compare.paths import PROJECT_ROOT, SHARED_DIR

SRC = Path(__file__).resolve().parents[1] / "src"


def documents(ds):
    docs = [(doc_id, text, context_from_sources(ds.sources, doc_id)) for doc_id, text in sorted(ds.texts.items())]
    for corpus in (SHARED_DIR / "corpus", SHARED_DIR / "corpus2"):
        if corpus.is_dir():
            sources = pd.read_csv(corpus / "sources.csv", dtype=str, keep_default_na=False)
            for path in sorted(corpus.glob("*.txt")):
                ctx = context_from_sources(sources, path.stem, with_period=False)  # periods read from the text
                docs.append((path.stem, path.read_text(encoding="utf-8"), ctx))
    return docs


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def measure(repeat: int) -> dict:
    """The timings of one run: all documents and the 15,000-character report, extract and baseline (medians)."""
    ds = load_dataset()
    docs = documents(ds)
    chars = sum(len(t) for _, t, _ in docs)
    extract(docs[0][1], ds, docs[0][2])  # warm caches (OpenCC dictionary, phrase table)

    run_extract = lambda: [extract(t, ds, c) for _, t, c in docs]  # noqa: E731
    run_baseline = lambda: [find_numbers(t) for _, t, _ in docs]  # noqa: E731
    ext, base = statistics.median(timed(run_extract, repeat)), statistics.median(timed(run_baseline, repeat))

    synthetic_15k = ("\n".join(ds.texts[d] for d in sorted(ds.texts)) * 2)[:15_000]
    long_ext = statistics.median(timed(lambda: extract(synthetic_15k, ds, Context(doc_id="synthetic-15k")), repeat))
    long_base = statistics.median(timed(lambda: find_numbers(synthetic_15k), repeat))
    candidates = sum(len(extract(t, ds, c)) for _, t, c in docs)
    return dict(
        docs=len(docs), chars=chars, candidates=candidates, ext=ext, base=base, long_ext=long_ext, long_base=long_base
    )


def report(m: dict, repeat: int) -> None:
    """The table of one run."""
    ext, base, docs, chars = m["ext"], m["base"], m["docs"], m["chars"]
    print(f"{docs} documents, {chars:,} characters, {m['candidates']} candidates; median of {repeat} runs\n")
    print(f"{'measure':<44}{'extract':>12}{'baseline':>12}{'ratio':>8}")
    print(f"{'all documents (s)':<44}{ext:>12.3f}{base:>12.3f}{ext / base:>8.1f}")
    print(f"{'documents per second':<44}{docs / ext:>12.1f}{docs / base:>12.1f}")
    print(f"{'characters per second':<44}{chars / ext:>12,.0f}{chars / base:>12,.0f}")
    print(
        f"{'one 15,000-character report (s, synthetic)':<44}{m['long_ext']:>12.3f}{m['long_base']:>12.3f}"
        f"{m['long_ext'] / m['long_base']:>8.1f}"
    )


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_side(src: Path, repeat: int) -> dict:
    """One run of this benchmark in a subprocess importing compare from src."""
    env = {**os.environ, "PYTHONPATH": str(src), "COMPARE_HOME": str(PROJECT_ROOT)}
    cmd = [sys.executable, __file__, "--repeat", str(repeat), "--json"]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def against(rev: str, rounds: int, repeat: int) -> None:
    """rev's extractor and this checkout's, taking turns in subprocesses; the median of each side's rounds."""
    label = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", rev], check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", rev, "src"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        tarfile.open(fileobj=BytesIO(archive.stdout)).extractall(tmp, filter="data")
        sides = {f"{label} (--against)": Path(tmp) / "src", "this checkout": SRC}
        before = load()
        runs: dict[str, list[dict]] = {name: [] for name in sides}
        for i in range(rounds):
            order = list(sides) if i % 2 == 0 else list(reversed(sides))  # each side goes first in turn
            for name in order:
                runs[name].append(run_side(sides[name], repeat))
        after = load()
    print(f"{rounds} rounds taking turns, each the median of {repeat} runs; the median round of each side")
    print(f"load average (1, 5, 15 min): {before} before, {after} after; {os.cpu_count()} cores\n")
    print(f"{'':<20}{'docs/s':>9}{'all docs (s)':>14}{'baseline (s)':>14}{'ratio':>7}{'15k report (s)':>16}")
    medians = {}
    for name, rs in runs.items():
        med = {k: statistics.median(r[k] for r in rs) for k in ("ext", "base", "long_ext")}
        medians[name] = med
        print(
            f"{name:<20}{rs[0]['docs'] / med['ext']:>9.1f}{med['ext']:>14.3f}{med['base']:>14.3f}"
            f"{med['ext'] / med['base']:>7.1f}{med['long_ext']:>16.3f}"
        )
    old, new = medians.values()
    speed_up = old["ext"] / new["ext"], old["long_ext"] / new["long_ext"]
    print(f"\nspeed-up: {speed_up[0]:.2f}x all documents, {speed_up[1]:.2f}x the 15,000-character report")
    print(f"this checkout's extract against {label}'s baseline: ratio {new['ext'] / old['base']:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="time REV's extractor beside this checkout's")
    parser.add_argument("--rounds", type=int, default=5, help="with --against: turns each side takes")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one run's timings, for --against
    args = parser.parse_args()
    if args.against:
        against(args.against, args.rounds, args.repeat)
    elif args.json:
        print(json.dumps(measure(args.repeat)))
    else:
        report(measure(args.repeat), args.repeat)


if __name__ == "__main__":
    main()
