"""Leave-one-set-out evaluation of the extractor, and training of its learned total-or-part model.

Run: .venv/bin/python benchmarks/extraction_loso.py [--write]

The four sets are the seeds (gold: the project's data/observations.csv, for the five texts in ../shared/seeds),
../shared/corpus (scored on its annotators' catalogue spec/metrics.csv), corpus2 and corpus3. Periods are read
from the text, as for a new report. For each set in turn the model is trained on the other three (its
confidence threshold chosen by leaving each of those three out in turn) and the fourth is scored, with the
rules alone and with the model. Labels come from matching candidates to gold rows by document, metric,
statement and value: a candidate matched only by gold totals is a total, only by gold parts a part.

The same is done leaving whole documents out: five folds of documents drawn from all four sets.

--write trains on seeds, corpus and corpus2 only (corpus3 stays unseen) and writes
src/compare/ingest/extract/role_model.json, but only when the model measured better than the rules alone
(strict F1) both leaving sets and leaving documents out. Training is deterministic (liblinear, fixed C).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import pandas as pd
from scipy.sparse import lil_matrix
from sklearn.linear_model import LogisticRegression

from compare.data import load_dataset
from compare.data.tables import OBSERVATION_COLUMNS, SOURCE_COLUMNS, read_table
from compare.ingest.extract import candidates, context_from_sources, evaluate
from compare.ingest.extract.learned import MODEL_FILE, RoleModel, role_features
from compare.paths import PROJECT_ROOT, SHARED_DIR

THRESHOLDS = (0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: never overrule the rules
C = 0.5  # inverse regularisation: small, as there are a few hundred labelled rows
FOLDS = 5


@dataclass
class Set:
    name: str
    gold: pd.DataFrame
    docs: list  # (doc_id, bytes, Context)
    catalogue: set | None


def one(name, gold_path, folder, catalogue=None) -> Set:
    """A set: its gold rows for the documents with a text in folder (only the catalogue's metrics, when given),
    and those documents with their district and date from folder/sources.csv (periods left to the text)."""
    gold = read_table(gold_path, OBSERVATION_COLUMNS)
    sources = read_table(folder / "sources.csv", SOURCE_COLUMNS)
    ids = sorted(d for d in set(gold["doc_id"]) if (folder / f"{d}.txt").is_file())
    docs = [(d, (folder / f"{d}.txt").read_bytes(), context_from_sources(sources, d, with_period=False)) for d in ids]
    keep = set(read_table(catalogue, ["metric_id"])["metric_id"]) if catalogue else None
    gold = gold[gold["doc_id"].isin(ids)]
    return Set(name, gold[gold["metric_id"].isin(keep)] if keep else gold, docs, keep)


def load_sets(ds) -> list[Set]:
    return [
        one("seeds", PROJECT_ROOT / "data" / "observations.csv", SHARED_DIR / "seeds"),
        one(
            "corpus",
            SHARED_DIR / "corpus" / "gold_observations.csv",
            SHARED_DIR / "corpus",
            SHARED_DIR / "spec" / "metrics.csv",
        ),
        one("corpus2", SHARED_DIR / "corpus2" / "gold_observations.csv", SHARED_DIR / "corpus2"),
        one("corpus3", SHARED_DIR / "corpus3" / "gold_observations.csv", SHARED_DIR / "corpus3"),
    ]


def documents_of(s: Set, ids: set) -> Set:
    """The part of a set holding the documents ids names."""
    return Set(s.name, s.gold[s.gold["doc_id"].isin(ids)], [d for d in s.docs if d[0] in ids], s.catalogue)


def document_folds(sets: list[Set], k: int = FOLDS) -> list[list[Set]]:
    """k groups of whole documents drawn from every set (the i-th document of the sorted list in fold i mod k)."""
    ids = sorted((s.name, d[0]) for s in sets for d in s.docs)
    return [[documents_of(s, {d for n, d in ids[f::k] if n == s.name}) for s in sets] for f in range(k)]


def run(group: list[Set], ds, model) -> dict:
    """Strict and lenient tp/fp/fn of the extractor (with model, or the rules alone for None) on a group of sets."""
    out = {"lenient": (0, 0, 0), "strict": (0, 0, 0)}
    for s in group:
        rows = [c.row() for d, text, ctx in s.docs for c in candidates(text, ds, ctx, model)]
        predicted = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)
        if s.catalogue:
            predicted = predicted[predicted["metric_id"].isin(s.catalogue)]
        for match in out:
            o = evaluate(s.gold, predicted, match=match)["overall"]
            out[match] = tuple(a + int(o[key]) for a, key in zip(out[match], ("tp", "fp", "fn")))
    return out


def labelled(group: list[Set], ds) -> tuple[list[list[str]], list[int]]:
    """Features and labels (1 part, 0 total) of the rules' candidates a gold row matches with one role."""
    X, y = [], []
    for s in group:
        gold = s.gold.assign(key_value=s.gold["value"].astype(float).round(6))
        roles = gold.groupby(["doc_id", "metric_id", "statement", "key_value"])["subset"].agg(
            lambda x: {bool(v) for v in x}
        )
        for doc_id, text, ctx in s.docs:
            found = candidates(text, ds, ctx, None)
            for i, c in enumerate(found):
                if c.statement != "actual" or c.kind == "ratio":
                    continue
                role = roles.get((doc_id, c.metric_id, c.statement, round(float(c.value), 6)))
                if role is not None and len(role) == 1:
                    X.append(role_features(c, found[:i]))
                    y.append(int(next(iter(role))))
    return X, y


def train(data: list[tuple], threshold: float, trained_on: str) -> RoleModel:
    """A logistic regression over the binary features of the labelled candidates in data."""
    X = [f for x, _ in data for f in x]
    y = [label for _, ys in data for label in ys]
    vocabulary = sorted({f for feats in X for f in feats})
    index = {f: i for i, f in enumerate(vocabulary)}
    matrix = lil_matrix((len(X), len(vocabulary)))
    for r, feats in enumerate(X):
        for f in feats:
            matrix[r, index[f]] = 1
    fit = LogisticRegression(C=C, solver="liblinear").fit(matrix.tocsr(), y)
    weights = {f: round(float(w), 4) for f, w in zip(vocabulary, fit.coef_[0]) if abs(w) >= 1e-4}
    return RoleModel(weights, round(float(fit.intercept_[0]), 4), threshold, trained_on)


def f1(tp, fp, fn) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tuned(groups: list[list[Set]], data: list[tuple], ds) -> RoleModel:
    """A model trained on the groups, its threshold the one best (strict F1) when each group is left out."""
    best, best_f1 = THRESHOLDS[-1], -1.0
    inner = [train([d for j, d in enumerate(data) if j != i], 1.01, "") for i in range(len(groups))]
    for t in THRESHOLDS:
        total = [0, 0, 0]
        for group, m in zip(groups, inner):
            total = [a + b for a, b in zip(total, run(group, ds, RoleModel(m.weights, m.intercept, t))["strict"])]
        if f1(*total) > best_f1 + 1e-9:
            best, best_f1 = t, f1(*total)
    return train(data, best, "+".join(dict.fromkeys(s.name for g in groups for s in g)))


def pr(tp, fp, fn) -> str:
    return f"{tp / (tp + fp):.3f} {tp / (tp + fn):.3f}"


def held_out(name: str, groups: list[list[Set]], labels: list[str], ds) -> tuple[list, list]:
    """Score each group with a model trained (threshold chosen) on the others; print a row per group and the
    sum; return the summed strict tp/fp/fn of the rules and of rules + model."""
    data = [labelled(g, ds) for g in groups]
    print(f"\n{name}")
    head = f"{'rules: lenient P R':>20}{'strict P R':>14}  {'+model: lenient P R':>20}{'strict P R':>14}"
    print(f"{'held out':<10}{'threshold':>10}  {head}")
    sums = {k: [0, 0, 0] for k in ("rl", "rs", "ml", "ms")}
    for i, (group, label) in enumerate(zip(groups, labels)):
        others = [g for j, g in enumerate(groups) if j != i]
        model = tuned(others, [d for j, d in enumerate(data) if j != i], ds)
        rules, learned = run(group, ds, None), run(group, ds, model)
        for key, value in zip(sums, (rules["lenient"], rules["strict"], learned["lenient"], learned["strict"])):
            sums[key] = [a + b for a, b in zip(sums[key], value)]
        print(
            f"{label:<10}{model.threshold:>10}  {pr(*rules['lenient']):>20}{pr(*rules['strict']):>14}"
            f"  {pr(*learned['lenient']):>20}{pr(*learned['strict']):>14}"
        )
    print(f"{'(sum)':<20}  {pr(*sums['rl']):>20}{pr(*sums['rs']):>14}  {pr(*sums['ml']):>20}{pr(*sums['ms']):>14}")
    print(f"strict tp/fp/fn: rules {sums['rs']} F1 {f1(*sums['rs']):.4f}; +model {sums['ms']} F1 {f1(*sums['ms']):.4f}")
    return sums["rs"], sums["ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write the model if it measured better (see above)")
    args = parser.parse_args()
    ds = load_dataset()
    sets = load_sets(ds)
    by_set = held_out(
        "Leave one set out (trained on the other three):", [[s] for s in sets], [s.name for s in sets], ds
    )
    folds = document_folds(sets)
    by_doc = held_out(
        f"Leave whole documents out ({FOLDS} folds of documents from all four sets):",
        folds,
        [f"fold {i + 1}" for i in range(FOLDS)],
        ds,
    )
    better = all(f1(*model) > f1(*rules) for rules, model in (by_set, by_doc))
    print(f"\nthe model {'measured better' if better else 'did not measure better'} than the rules on both.")
    if args.write and better:
        dev = [[s] for s in sets if s.name != "corpus3"]
        model = tuned(dev, [labelled(g, ds) for g in dev], ds)
        MODEL_FILE.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE} (threshold {model.threshold}, {len(model.weights)} weights)")
    elif args.write:
        print(f"nothing written; {MODEL_FILE.name} is not shipped, so extraction uses the rules alone.")


if __name__ == "__main__":
    main()
