"""Leave-one-set-out evaluation of the learned naming model (which metric a count no phrase claims names),
and training of the shipped one.

Run: .venv/bin/python benchmarks/extraction_naming.py [--write] [--blind GOLD.csv DIR ...]

For each of the four development sets (seeds, corpus, corpus2, corpus3; as in extraction_loso.py) in turn,
the model is trained on the other three and the fourth is scored with the rules alone and with the model, at
each threshold of THRESHOLDS (periods read from the text, as for a new report). The threshold shipped is the
one with the best strict F1 over the four held-out sets together.

--blind scores sets kept outside the project (gold file and folder of texts with sources.csv) with a model
trained on all four sets: the honest measure, as none of their reports was seen in training.
--write trains on all four sets and writes src/compare/ingest/extract/naming_model.json, but only when the
model measured better than the rules alone leaving sets out (strict F1). Training is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extraction_loso import Set, load_sets, one  # noqa: E402

from compare.data import load_dataset  # noqa: E402
from compare.data.tables import OBSERVATION_COLUMNS  # noqa: E402
from compare.ingest.extract import candidates, evaluate  # noqa: E402
from compare.ingest.extract.naming import MODEL_FILE, examples, fit  # noqa: E402
from compare.ingest.extract.text import check_text  # noqa: E402
from compare.paths import SHARED_DIR  # noqa: E402

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
C = 1.0


def training_rows(sets: list[Set]) -> list:
    rows = []
    for s in sets:
        for doc_id, raw, _ in s.docs:
            rows += examples(check_text(raw), s.gold[s.gold["doc_id"] == doc_id])
    return rows


def scores(s: Set, ds, namer) -> dict:
    rows = [c.row() for _, raw, ctx in s.docs for c in candidates(raw, ds, ctx, namer=namer)]
    predicted = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)
    if s.catalogue:
        predicted = predicted[predicted["metric_id"].isin(s.catalogue)]
    out = {}
    for match in ("lenient", "strict"):
        o = evaluate(s.gold, predicted, match=match)["overall"]
        out[match] = (int(o["tp"]), int(o["fp"]), int(o["fn"]))
    return out


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def line(name: str, counts: dict) -> str:
    parts = []
    for match in ("lenient", "strict"):
        tp, fp, fn = counts[match]
        parts.append(f"{match} {tp}/{fp}/{fn} P {tp / max(tp + fp, 1):.3f} R {tp / max(tp + fn, 1):.3f}")
    return f"{name:<28} " + "   ".join(parts)


def blind_set(gold_path: Path, folder: Path) -> Set:
    return one(folder.name, gold_path, folder, SHARED_DIR / "spec" / "metrics.csv")


def add(a: dict, b: dict) -> dict:
    return {m: tuple(x + y for x, y in zip(a[m], b[m])) for m in a}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--blind", nargs=2, action="append", default=[], metavar=("GOLD", "DIR"))
    args = parser.parse_args()
    ds = load_dataset()
    sets = load_sets(ds)
    zero = {"lenient": (0, 0, 0), "strict": (0, 0, 0)}
    total_rules, totals = zero, {t: zero for t in THRESHOLDS}
    print("Leaving each set out (tp/fp/fn):")
    for held in sets:
        rows = training_rows([s for s in sets if s is not held])
        rules = scores(held, ds, None)
        total_rules = add(total_rules, rules)
        print(line(f"{held.name}: rules", rules))
        for t in THRESHOLDS:
            got = scores(held, ds, fit(rows, t, C, trained_on="the other three sets"))
            totals[t] = add(totals[t], got)
            print(line(f"{held.name}: rules + model {t}", got))
    print(line("ALL: rules", total_rules))
    for t in THRESHOLDS:
        print(line(f"ALL: rules + model {t}", totals[t]))
    best = max(THRESHOLDS, key=lambda t: f1(*totals[t]["strict"]))
    better = f1(*totals[best]["strict"]) > f1(*total_rules["strict"])
    print(
        f"Best threshold {best}: strict F1 {f1(*totals[best]['strict']):.4f} against {f1(*total_rules['strict']):.4f}"
    )
    all_rows = training_rows(sets)
    model = fit(all_rows, best, C, trained_on="seeds, corpus, corpus2, corpus3 (gold rows)")
    for gold_path, folder in args.blind:
        s = blind_set(Path(gold_path), Path(folder))
        print(line(f"{s.name}: rules", scores(s, ds, None)))
        for t in THRESHOLDS:
            print(line(f"{s.name}: rules + model {t}", scores(s, ds, fit(all_rows, t, C))))
    if args.write and better:
        MODEL_FILE.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"Wrote {MODEL_FILE} ({len(model.weights)} features).")
    elif args.write:
        print("Not written: the model did not measure better than the rules alone.")


if __name__ == "__main__":
    main()
