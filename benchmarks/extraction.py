"""Extraction throughput: documents per second, and the time for one 15,000-character report.

Run: .venv/bin/python benchmarks/extraction.py [--repeat N]

The documents are the five seed reports and the development sets ../shared/corpus and ../shared/corpus2
when present (their periods read from the text, as for a new report). Measured side by side with a
baseline that only finds every number in the same texts (compare.data.numerals.find_numbers): the floor any
extractor that reads all numbers must pay. The 15,000-character report is the five seed reports joined
and cut to length (synthetic: made for this benchmark from real texts, never added to data/).
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from compare.data import load_dataset
from compare.data.numerals import find_numbers
from compare.ingest.extract import Context, context_from_sources, extract
from compare.paths import SHARED_DIR


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ds = load_dataset()
    docs = documents(ds)
    chars = sum(len(t) for _, t, _ in docs)
    extract(docs[0][1], ds, docs[0][2])  # warm caches (OpenCC dictionary, phrase table)

    run_extract = lambda: [extract(t, ds, c) for _, t, c in docs]  # noqa: E731
    run_baseline = lambda: [find_numbers(t) for _, t, _ in docs]  # noqa: E731
    ext, base = statistics.median(timed(run_extract, args.repeat)), statistics.median(timed(run_baseline, args.repeat))

    synthetic_15k = ("\n".join(ds.texts[d] for d in sorted(ds.texts)) * 2)[:15_000]
    long_ext = statistics.median(
        timed(lambda: extract(synthetic_15k, ds, Context(doc_id="synthetic-15k")), args.repeat)
    )
    long_base = statistics.median(timed(lambda: find_numbers(synthetic_15k), args.repeat))
    candidates = sum(len(extract(t, ds, c)) for _, t, c in docs)

    print(f"{len(docs)} documents, {chars:,} characters, {candidates} candidates; median of {args.repeat} runs\n")
    print(f"{'measure':<44}{'extract':>12}{'baseline':>12}{'ratio':>8}")
    print(f"{'all documents (s)':<44}{ext:>12.3f}{base:>12.3f}{ext / base:>8.1f}")
    print(f"{'documents per second':<44}{len(docs) / ext:>12.1f}{len(docs) / base:>12.1f}")
    print(f"{'characters per second':<44}{chars / ext:>12,.0f}{chars / base:>12,.0f}")
    print(
        f"{'one 15,000-character report (s, synthetic)':<44}{long_ext:>12.3f}{long_base:>12.3f}"
        f"{long_ext / long_base:>8.1f}"
    )


if __name__ == "__main__":
    main()
