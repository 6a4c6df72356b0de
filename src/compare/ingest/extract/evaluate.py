"""Scoring the extractor against gold observations, per metric and overall."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...data.tables import OBSERVATION_COLUMNS, SOURCE_COLUMNS, Dataset, load_dataset, read_table
from ...errors import CompareError
from .candidates import extract
from .context import DOC_ID, Context, context_from_sources

MATCH_KEY = ["doc_id", "metric_id", "subset_role", "statement", "period_start", "period_end", "value_key"]
# lenient: metric, statement, value, total-or-part; strict: also the period's end; exact: both ends.
PERIOD_MATCH = {"lenient": [], "strict": ["period_end"], "exact": ["period_start", "period_end"]}
# Where the extractor learns a document's period: only from its text (as for a new report), or from sources.csv.
PERIODS_FROM = ("text", "sources")


def _keyed(table: pd.DataFrame, subset_match: str = "role") -> pd.DataFrame:
    table = table.astype({"value": float}).copy()
    subsets = table["subset"].fillna("").astype(str)
    table["subset_role"] = subsets if subset_match == "label" else subsets.map(lambda s: "part" if s else "total")
    table["value_key"] = table["value"].round(6)
    for col in ("period_start", "period_end"):
        table[col] = table[col].fillna("").astype(str).str[:10]
    return table


def evaluate(gold: pd.DataFrame, predicted: pd.DataFrame, subset_match: str = "role", match: str = "strict") -> dict:
    """Precision, recall and F1 overall and per metric, matching on document, metric, subset, statement,
    value and (match 'strict') the period's end or ('exact') both its ends, or ('lenient') not the period;
    plus the misses and false alarms.

    subset_match 'role' (default) matches the total with the total and a part with a part: gold part
    labels are free-form names ('lawyer_village_lectures') the reviewer edits. 'label' demands the same
    label."""
    if subset_match not in ("role", "label"):
        raise CompareError(f"Unknown subset matching '{subset_match}'; use role or label.")
    if match not in PERIOD_MATCH:
        raise CompareError(f"Unknown matching '{match}'; use {', '.join(PERIOD_MATCH)}.")
    key = [k for k in MATCH_KEY if k not in ("period_start", "period_end")] + PERIOD_MATCH[match]
    g, p = _keyed(gold, subset_match), _keyed(predicted, subset_match)
    g["_n"] = g.groupby(key).cumcount()
    p["_n"] = p.groupby(key).cumcount()
    merged = g.merge(p, on=key + ["_n"], how="outer", suffixes=("_gold", "_pred"), indicator=True)
    for col in ("period_start", "period_end"):
        if col not in key:
            merged[col] = merged[f"{col}_gold"].where(merged["_merge"] != "right_only", merged[f"{col}_pred"])
    hit, miss = merged["_merge"] == "both", merged["_merge"] == "left_only"
    alarm = merged["_merge"] == "right_only"
    per = merged.assign(tp=hit, fn=miss, fp=alarm).groupby("metric_id")[["tp", "fp", "fn"]].sum().astype(int)
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


def extract_documents(
    doc_ids, sources_dir, ds: Dataset, sources: pd.DataFrame | None = None, periods_from: str = "sources"
) -> pd.DataFrame:
    """Run the extractor over <sources_dir>/<doc_id>.txt for each doc id that has a text there; with
    periods_from 'text' the extractor is not told the period sources.csv gives."""
    frames = []
    for doc_id in doc_ids:
        path = Path(sources_dir) / f"{doc_id}.txt"
        if not DOC_ID.fullmatch(doc_id) or not path.is_file():
            continue
        ctx = (
            context_from_sources(sources, doc_id, with_period=periods_from == "sources")
            if sources is not None
            else Context(doc_id=doc_id)
        )
        frames.append(extract(path.read_bytes(), ds, ctx))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OBSERVATION_COLUMNS)


def evaluate_files(
    gold_path,
    sources_dir,
    data_dir=None,
    catalogue=None,
    subset_match: str = "role",
    match: str = "strict",
    periods_from: str = "text",
) -> dict:
    """Run the extractor over the documents of a gold file that have a text in sources_dir and score it.

    Document metadata (district, publication date; the period too with periods_from 'sources') comes from
    sources_dir/sources.csv when present, else from the project's sources. With a catalogue, only the
    metrics it lists are scored (the gold's own catalogue)."""
    if periods_from not in PERIODS_FROM:
        raise CompareError(f"Unknown period source '{periods_from}'; use {' or '.join(PERIODS_FROM)}.")
    ds = load_dataset(data_dir)
    gold = read_table(Path(gold_path), OBSERVATION_COLUMNS)
    sources_csv = Path(sources_dir) / "sources.csv"
    sources = read_table(sources_csv, SOURCE_COLUMNS) if sources_csv.is_file() else ds.sources
    docs = sorted(d for d in set(gold["doc_id"]) if (Path(sources_dir) / f"{d}.txt").is_file())
    if not docs:
        raise CompareError(f"None of the gold file's documents has a text in {sources_dir}.")
    gold = gold[gold["doc_id"].isin(docs)]
    predicted = extract_documents(docs, sources_dir, ds, sources, periods_from)
    if catalogue is not None:
        keep = set(read_table(Path(catalogue), ["metric_id"])["metric_id"])
        gold, predicted = gold[gold["metric_id"].isin(keep)], predicted[predicted["metric_id"].isin(keep)]
    result = evaluate(gold, predicted, subset_match, match)
    result["documents"] = len(docs)
    result["gold"], result["predicted"] = gold, predicted
    return result


@dataclass(frozen=True)
class GoldSet:
    """A development set: gold observations, the folder of texts, and the catalogue its annotators used."""

    name: str
    gold: Path
    sources: Path
    catalogue: Path | None = None


def _scores(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


def score_sets(sets: list[GoldSet], data_dir=None, subset_match: str = "role", periods_from: str = "text") -> dict:
    """Lenient and strict scores of the extractor on several development sets: per set ('group'), for all
    sets together, and per metric over all sets; plus the strict misses and false alarms.

    Each set is extracted once; a metric's rows are scored only in the sets whose catalogue lists it."""
    runs = [
        evaluate_files(s.gold, s.sources, data_dir, s.catalogue, subset_match, "lenient", periods_from) for s in sets
    ]
    groups, metrics, errors = [], [], {"misses": [], "false_alarms": []}
    for match in ("lenient", "strict"):
        total = {"tp": 0, "fp": 0, "fn": 0}
        per_metric = []
        for s, run in zip(sets, runs):
            result = evaluate(run["gold"], run["predicted"], subset_match, match)
            o = {k: int(result["overall"][k]) for k in ("tp", "fp", "fn")}
            groups.append({"set": s.name, "match": match, "documents": run["documents"], **_scores(**o)})
            total = {k: total[k] + o[k] for k in total}
            per_metric.append(result["per_metric"].query("metric_id != '(overall)'")[["metric_id", "tp", "fp", "fn"]])
            if match == "strict":
                errors["misses"].append(result["misses"].assign(set=s.name))
                errors["false_alarms"].append(result["false_alarms"].assign(set=s.name))
        documents = sum(r["documents"] for r in runs)
        groups.append({"set": "(all)", "match": match, "documents": documents, **_scores(**total)})
        summed = pd.concat(per_metric).groupby("metric_id")[["tp", "fp", "fn"]].sum()
        for metric_id, r in summed.iterrows():
            metrics.append({"metric_id": metric_id, "match": match, **_scores(int(r.tp), int(r.fp), int(r.fn))})
    metric_table = pd.DataFrame(metrics).pivot(index="metric_id", columns="match")
    metric_table.columns = [f"{m}_{c}" for c, m in metric_table.columns]
    order = [f"{m}_{c}" for m in ("lenient", "strict") for c in ("tp", "fp", "fn", "precision", "recall")]
    return {
        "groups": pd.DataFrame(groups),
        "per_metric": metric_table[order].reset_index(),
        "misses": pd.concat(errors["misses"]),
        "false_alarms": pd.concat(errors["false_alarms"]),
    }
