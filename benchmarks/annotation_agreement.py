"""How far two annotations of the same reports agree, scored as the extractor is scored; and the extractor against
each: the ceiling any extractor can be held to on such a set.

Run: .venv/bin/python benchmarks/annotation_agreement.py --a A.csv [A2.csv ...] --b B.csv [...] [--texts DIR ...]
     [--catalogue CSV]

A and B are gold observation files (each may be split over several) for the same documents, made independently
by two annotators following the same conventions (corpus2's README). B is scored against A as if it were the
extractor: matching on document, metric, statement, value and total-or-part, and (strict) the period's end or
(exact) both its ends, or (lenient) not the period. With --texts (folders holding <doc_id>.txt and sources.csv),
the extractor reads the documents (district and date from sources.csv, the period from the text) and is scored
against each annotation. Each strict miss is sorted by kind: the other side has no row with that value in the
document (absent), has it for another metric, with another statement, as a total where this is a part or the
reverse (role), or dated to another day (period).

Measured (December 2026) on 36 reports of two blind sets, annotated twice by helper sessions that never saw each
other's rows: B against A strict P/R 0.705 / 0.765 (F1 0.734), lenient 0.795 / 0.863. Two careful readers differ
most on periods (15 rows) and total-or-part (11).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from compare.data import load_dataset
from compare.data.tables import OBSERVATION_COLUMNS, SOURCE_COLUMNS, read_table
from compare.ingest.extract.evaluate import PERIOD_MATCH, evaluate, extract_documents


def _f1(o: dict) -> float:
    return 2 * o["tp"] / (2 * o["tp"] + o["fp"] + o["fn"]) if o["tp"] else 0.0


def kinds(gold: pd.DataFrame, other: pd.DataFrame) -> dict[str, int]:
    """The strict misses of other against gold, counted by kind (absent, other_metric, statement, role, period)."""
    misses = evaluate(gold, other, match="strict")["misses"]
    values = other.assign(v=other["value"].astype(float).round(6), total=other["subset"].fillna("").eq(""))
    counted: dict[str, int] = {}
    for miss in misses.itertuples():
        same = values[(values["doc_id"] == miss.doc_id) & (values["v"] == round(float(miss.value), 6))]
        same_metric = same[same["metric_id"] == miss.metric_id]
        gold_total = str(miss.subset_gold) in ("", "nan")
        if same.empty:
            kind = "absent"
        elif same_metric.empty:
            kind = "other_metric"
        elif not (same_metric["statement"] == miss.statement).any():
            kind = "statement"
        elif not (same_metric["total"] == gold_total).any():
            kind = "role"
        else:
            kind = "period"
        counted[kind] = counted.get(kind, 0) + 1
    return dict(sorted(counted.items()))


def line(name: str, gold: pd.DataFrame, other: pd.DataFrame) -> None:
    for match in PERIOD_MATCH:
        o = evaluate(gold, other, match=match)["overall"]
        print(
            f"{name:<24}{match:<9}{int(o['tp']):>5}{int(o['fp']):>5}{int(o['fn']):>5}"
            f"{o['precision']:>8.3f}{o['recall']:>8.3f}{_f1(o):>8.3f}"
        )
    print(f"{'':<24}strict misses by kind: {kinds(gold, other)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", type=Path, nargs="+", required=True, help="the first annotation's gold files")
    parser.add_argument("--b", type=Path, nargs="+", required=True, help="the second annotation's, same documents")
    parser.add_argument("--texts", type=Path, nargs="*", default=[], help="folders of texts with sources.csv")
    parser.add_argument("--catalogue", type=Path, help="score only the metrics this catalogue lists")
    args = parser.parse_args()
    a, b = (
        pd.concat([read_table(p, OBSERVATION_COLUMNS) for p in paths], ignore_index=True) for paths in (args.a, args.b)
    )
    if args.catalogue:
        keep = set(read_table(args.catalogue, ["metric_id"])["metric_id"])
        a, b = a[a["metric_id"].isin(keep)], b[b["metric_id"].isin(keep)]
    docs = sorted(set(a["doc_id"]) & set(b["doc_id"]))
    a, b = a[a["doc_id"].isin(docs)], b[b["doc_id"].isin(docs)]
    print(f"{len(docs)} documents annotated twice: {len(a)} rows in A, {len(b)} in B\n")
    print(f"{'':<24}{'match':<9}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}")
    line("B against A", a, b)
    if args.texts:
        ds = load_dataset()
        runs = [
            extract_documents(docs, folder, ds, read_table(folder / "sources.csv", SOURCE_COLUMNS), periods_from="text")
            for folder in args.texts
        ]
        predicted = pd.concat(runs, ignore_index=True)
        if args.catalogue:
            predicted = predicted[predicted["metric_id"].isin(keep)]
        line("extractor against A", a, predicted)
        line("extractor against B", b, predicted)


if __name__ == "__main__":
    main()
