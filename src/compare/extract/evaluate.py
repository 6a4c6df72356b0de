"""Scoring the extractor against gold observations, per metric and overall."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data import OBSERVATION_COLUMNS, SOURCE_COLUMNS, Dataset, load_dataset, read_table
from ..errors import CompareError
from .candidates import extract
from .context import DOC_ID, Context, context_from_sources

MATCH_KEY = ["doc_id", "metric_id", "subset_role", "statement", "period_start", "period_end", "value_key"]


def _keyed(table: pd.DataFrame, subset_match: str = "role") -> pd.DataFrame:
    table = table.astype({"value": float}).copy()
    subsets = table["subset"].fillna("").astype(str)
    table["subset_role"] = subsets if subset_match == "label" else subsets.map(lambda s: "part" if s else "total")
    table["value_key"] = table["value"].round(6)
    for col in ("period_start", "period_end"):
        table[col] = table[col].fillna("").astype(str).str[:10]
    return table


def evaluate(gold: pd.DataFrame, predicted: pd.DataFrame, subset_match: str = "role") -> dict:
    """Precision, recall and F1 overall and per metric, matching on document, metric, subset, statement,
    period and value; plus the misses and false alarms.

    subset_match 'role' (default) matches the total with the total and a part with a part: gold part
    labels are free-form names ('lawyer_village_lectures') the reviewer edits. 'label' demands the same
    label."""
    if subset_match not in ("role", "label"):
        raise CompareError(f"Unknown subset matching '{subset_match}'; use role or label.")
    g, p = _keyed(gold, subset_match), _keyed(predicted, subset_match)
    g["_n"] = g.groupby(MATCH_KEY).cumcount()
    p["_n"] = p.groupby(MATCH_KEY).cumcount()
    merged = g.merge(p, on=MATCH_KEY + ["_n"], how="outer", suffixes=("_gold", "_pred"), indicator=True)
    hit, miss, alarm = (merged["_merge"] == "both"), (merged["_merge"] == "left_only"), (merged["_merge"] == "right_only")
    per = (merged.assign(tp=hit, fn=miss, fp=alarm).groupby("metric_id")[["tp", "fp", "fn"]].sum().astype(int))
    per.loc["(overall)"] = per.sum()
    per["precision"] = per["tp"] / (per["tp"] + per["fp"]).where(lambda x: x > 0)
    per["recall"] = per["tp"] / (per["tp"] + per["fn"]).where(lambda x: x > 0)
    per["f1"] = 2 * per["precision"] * per["recall"] / (per["precision"] + per["recall"])
    cols = MATCH_KEY[:2] + ["subset_gold", "subset_pred", "statement", "period_start", "period_end", "value_key"]
    return {
        "per_metric": per.reset_index(),
        "overall": per.loc["(overall)"].to_dict(),
        "misses": merged.loc[miss, cols + ["quote_gold"]].rename(columns={"value_key": "value"}),
        "false_alarms": merged.loc[alarm, cols + ["quote_pred"]].rename(columns={"value_key": "value"}),
    }


def extract_documents(doc_ids, sources_dir, ds: Dataset, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run the extractor over <sources_dir>/<doc_id>.txt for each doc id that has a text there."""
    frames = []
    for doc_id in doc_ids:
        path = Path(sources_dir) / f"{doc_id}.txt"
        if not DOC_ID.fullmatch(doc_id) or not path.is_file():
            continue
        ctx = context_from_sources(sources, doc_id) if sources is not None else Context(doc_id=doc_id)
        frames.append(extract(path.read_bytes(), ds, ctx))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OBSERVATION_COLUMNS)


def evaluate_files(gold_path, sources_dir, data_dir=None, catalogue=None, subset_match: str = "role") -> dict:
    """Run the extractor over the documents of a gold file that have a text in sources_dir and score it.

    Document metadata (district, period) comes from sources_dir/sources.csv when present, else from the
    project's sources. With a catalogue, only the metrics it lists are scored (the gold's own catalogue)."""
    ds = load_dataset(data_dir)
    gold = read_table(Path(gold_path), OBSERVATION_COLUMNS)
    sources_csv = Path(sources_dir) / "sources.csv"
    sources = read_table(sources_csv, SOURCE_COLUMNS) if sources_csv.is_file() else ds.sources
    docs = sorted(d for d in set(gold["doc_id"]) if (Path(sources_dir) / f"{d}.txt").is_file())
    if not docs:
        raise CompareError(f"None of the gold file's documents has a text in {sources_dir}.")
    gold = gold[gold["doc_id"].isin(docs)]
    predicted = extract_documents(docs, sources_dir, ds, sources)
    if catalogue is not None:
        keep = set(read_table(Path(catalogue), ["metric_id"])["metric_id"])
        gold, predicted = gold[gold["metric_id"].isin(keep)], predicted[predicted["metric_id"].isin(keep)]
    result = evaluate(gold, predicted, subset_match)
    result["documents"] = len(docs)
    return result
