"""The `compare` command. Each subcommand is a thin call into the package; errors a user can
cause print one sentence and exit 2, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from . import data
from .errors import CompareError


def cmd_validate(args: argparse.Namespace) -> int:
    problems, ds = data.validate(args.data)
    if problems:
        for problem in problems:
            print(problem)
        print(f"\n{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    s = data.summary(ds)
    print(f"Data version {ds.version}: clean.")
    print(
        f"{s['documents_with_text']} documents with text, {s['documents_cited_by_url']} cited by URL; "
        f"{s['districts']} districts; {s['observations']} observations "
        f"({s['observations_cited_by_url']} cited by URL without a quote).\n"
    )
    print(s["per_metric"].to_string(index=False))
    return 0


CLI_RATE_COLUMNS = [
    "district_code", "district", "period_start", "period_end", "value", "qualifier", "population",
    "population_definition", "rate_per_10k", "annual_rate_per_10k", "ci_low", "ci_high", "flags",
]


def emit(table: pd.DataFrame, fmt: str) -> None:
    """Print a table as an aligned text table, CSV or JSON records (dates as ISO, numbers rounded)."""
    table = table.copy()
    for col in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[col]):
            table[col] = table[col].dt.strftime("%Y-%m-%d").fillna("")
    if fmt == "csv":
        table.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=1))
    else:
        print(table.round(3).to_string(index=False, na_rep=""))


def with_district_name(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a `district` column: Chinese and English names together."""
    return table.assign(district=table["district_zh"] + " " + table["district_en"])


def cmd_rates(args: argparse.Namespace) -> int:
    from .rates import rate_table

    ds = data.load_dataset(args.data)
    rates = rate_table(ds, args.metric, args.district, args.level, args.denominator, args.subset)
    emit(with_district_name(rates)[CLI_RATE_COLUMNS], args.format)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .comparisons import funnel, pairwise_rate_ratios
    from .rates import rate_table

    ds = data.load_dataset(args.data)
    rates = rate_table(ds, args.metric, args.district, args.level, args.denominator, args.subset)
    fun = funnel(rates, adjust_overdispersion=args.overdispersion)
    cols = ["district_code", "district", "period", "value", "exposure", "observed_rate", "pooled_rate",
            "lower_95", "upper_95", "lower_99.8", "upper_99.8", "classification"]
    if args.format == "table":
        phi = fun["phi"].iloc[0]
        print(f"Funnel around the pooled rate {fun['pooled_rate'].iloc[0]:.3g} per 10,000 "
              f"(overdispersion phi = {phi:.3g}{', limits widened' if fun['overdispersion_adjusted'].iloc[0] else ''}):")
    emit(with_district_name(fun)[cols], args.format)
    if args.format == "table":
        print("\nPairwise rate ratios (exact conditional 95% CI and p-value):")
    emit(pairwise_rate_ratios(rates), args.format)
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from .population import reconcile, reconciliation_verdicts

    table = reconcile(data.load_dataset(args.data))
    if args.format == "table":
        emit(reconciliation_verdicts(table), "table")
        print()
        cols = ["district_zh", "metric_id", "count", "reported_rate_per_10k", "implied_population",
                "reference_population", "reference_year", "reference_definition", "reference_scope",
                "difference_pct", "consistent"]
        emit(table[cols], "table")
    else:
        emit(table, args.format)
    return 0


def cmd_trend(args: argparse.Namespace) -> int:
    from .trends import trend

    result = trend(data.load_dataset(args.data), args.metric, args.district, args.denominator)
    cols = ["period", "value", "qualifier", "population", "annual_rate_per_10k", "rate_per_10k", "ci_low", "ci_high",
            "change_on_previous_pct", "change_on_year_before_pct", "flags"]
    emit(result["changes"][cols], args.format)
    if args.format == "table":
        model = result["model"]
        if model:
            print(f"\nTrend model (Poisson GLM, {model['periods']} periods): {model['annual_change_pct']:+.1f}% a year "
                  f"(95% CI {model['ci_low_pct']:+.1f}% to {model['ci_high_pct']:+.1f}%, p = {model['p_value']:.3g}).")
        else:
            print("\nNo trend model: it needs three or more dated periods of a flow.")
        if not result["derived"].empty:
            print("\nDerived from reported year-on-year changes:")
            emit(result["derived"], "table")
    return 0


def cmd_briefs(args: argparse.Namespace) -> int:
    from .briefs import build

    manifest = build(args.config, args.out, args.jobs, args.force, args.data, args.executor, args.scheduler,
                     lang=args.lang, keep=args.keep)
    c = manifest["counts"]
    pruned = f"; {len(manifest['pruned'])} old run(s) pruned" if manifest.get("pruned") else ""
    print(f"{c['ok']} built, {c['reused']} reused, {c['failed']} failed in {manifest['seconds']:.0f} s{pruned}.")
    for entry in manifest["briefs"]:
        if entry["status"] == "failed":
            print(f"FAILED {entry['brief_id']}: {entry['error']} (see {entry['executed_notebook']})", file=sys.stderr)
    print(f"Index: {Path(manifest['run_dir']) / 'index.html'}")
    return 1 if c["failed"] else 0


def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import context_for_file, extract, write_review

    ds = data.load_dataset(args.data)
    path = Path(args.file)
    if not path.is_file():
        raise CompareError(f"No such file: {path}.")
    ctx = context_for_file(path, ds, args.doc_id, args.district, args.period)
    candidates = extract(path.read_bytes(), ds, ctx)
    if args.review:
        review = Path(args.review_file or f"{ctx.doc_id}.review.csv")
        write_review(candidates, review)
        print(f"{len(candidates)} candidate(s) written to {review}. Mark each row's decision as accept or reject "
              f"(fix values before accepting), then run: compare accept {review}")
        return 0
    if candidates.empty:
        print("No candidate observations found.", file=sys.stderr)
    emit(candidates, args.format)
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from .extract import accept_review

    added, problems = accept_review(Path(args.review), args.data)
    if problems:
        for problem in problems:
            print(problem)
        print(f"\nNothing merged: the accepted rows would make {len(problems)} problem(s).", file=sys.stderr)
        return 1
    print(f"{added} accepted observation(s) merged into observations.csv; compare validate is clean.")
    return 0


def cmd_evaluate_extraction(args: argparse.Namespace) -> int:
    from .extract import evaluate_files

    result = evaluate_files(Path(args.gold), Path(args.sources), args.data, Path(args.catalogue) if args.catalogue else None,
                            args.subset_match)
    o = result["overall"]
    print(f"{result['documents']} documents: precision {o['precision']:.3f}, recall {o['recall']:.3f}, F1 {o['f1']:.3f} "
          f"({o['tp']:.0f} found, {o['fp']:.0f} false alarms, {o['fn']:.0f} missed).\n")
    emit(result["per_metric"], args.format)
    if args.errors:
        print("\nMisses:")
        emit(result["misses"], args.format)
        print("\nFalse alarms:")
        emit(result["false_alarms"], args.format)
    return 0


def cmd_build_reference(args: argparse.Namespace) -> int:
    from .reference import build_reference

    counts = build_reference(Path(args.shared), Path(args.data or data.default_data_dir()) / "reference")
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="compare", description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the project's data/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every table and quote; print problems or a summary")
    p.set_defaults(func=cmd_validate)

    def rate_args(p, trend=False):
        p.add_argument("--metric", required=True, help="metric id from data/metrics.csv")
        if trend:
            p.add_argument("--district", required=True, help="6-digit district code")
        else:
            p.add_argument("--district", action="append", help="6-digit district code (repeatable; default all)")
            p.add_argument("--level", choices=["county", "prefecture", "all"], help="county-level or prefecture-level units")
            p.add_argument("--subset", default="", help="a named part of the metric (default: the total)")
        p.add_argument("--denominator", default="census2020", choices=["census2020", "resident_yearend", "registered_yearend"])
        p.add_argument("--format", default="table", choices=["table", "csv", "json"])

    p = sub.add_parser("rates", help="per-capita and annualised rates with exact 95% intervals")
    rate_args(p)
    p.set_defaults(func=cmd_rates)

    p = sub.add_parser("compare", help="funnel classification and pairwise rate ratios for one metric")
    rate_args(p)
    p.add_argument("--overdispersion", action="store_true", help="widen funnel limits when districts vary more than Poisson")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("reconcile", help="which population each report's own per-10,000 figure implies")
    p.add_argument("--format", default="table", choices=["table", "csv", "json"])
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("trend", help="one district's metric over time, with a trend model for 3+ periods")
    rate_args(p, trend=True)
    p.set_defaults(func=cmd_trend)

    p = sub.add_parser("briefs", help="run the notebooks of a schedule and publish HTML briefs with an index")
    p.add_argument("--config", type=Path, default=None, help="schedule file (default: briefs.yml)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: outputs/)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="worker processes (default: one per core)")
    p.add_argument("--force", action="store_true", help="rebuild briefs even when unchanged")
    p.add_argument("--executor", default="process", choices=["process", "dask"], help="where briefs run")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, with --executor dask")
    p.add_argument("--lang", default=None, choices=["en", "zh"],
                   help="build one language only (default: each schedule entry's lang:, both when it has none)")
    p.add_argument("--keep", type=int, default=10, help="complete runs to keep in --out (default 10)")
    p.set_defaults(func=cmd_briefs)

    p = sub.add_parser("extract", help="propose candidate observations from a report's text")
    p.add_argument("file", help="the report as UTF-8 text (simplified or traditional characters)")
    p.add_argument("--doc-id", help="document id (default: the file name without .txt)")
    p.add_argument("--district", help="6-digit district code (default: from sources.csv, else detected in the text)")
    p.add_argument("--period", help="the report's period, e.g. 2022Q1, 2021H1, 2023 (default: from sources.csv)")
    p.add_argument("--format", default="table", choices=["table", "csv", "json"])
    p.add_argument("--review", action="store_true", help="write a review file to edit instead of printing")
    p.add_argument("--review-file", help="where --review writes (default: <doc-id>.review.csv)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("accept", help="merge the accepted rows of a review file into observations.csv")
    p.add_argument("review", help="a review file written by compare extract --review")
    p.set_defaults(func=cmd_accept)

    p = sub.add_parser("evaluate-extraction", help="precision and recall of the extractor against gold observations")
    p.add_argument("--gold", required=True, help="gold observations CSV (the observations.csv format)")
    p.add_argument("--sources", required=True, help="folder with <doc_id>.txt (and optionally sources.csv)")
    p.add_argument("--catalogue", help="only score metrics of this metrics.csv (the gold's own catalogue)")
    p.add_argument("--subset-match", default="role", choices=["role", "label"],
                   help="role: a part matches a part, the total the total (default); label: the same subset label")
    p.add_argument("--errors", action="store_true", help="also list misses and false alarms")
    p.add_argument("--format", default="table", choices=["table", "csv", "json"])
    p.set_defaults(func=cmd_evaluate_extraction)

    p = sub.add_parser("build-reference", help="rebuild data/reference/ from the shared census extract")
    p.add_argument("shared", help="folder with census2020_counties.csv and yearend_population.csv")
    p.set_defaults(func=cmd_build_reference)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    pd.set_option("display.width", 200)
    try:
        return args.func(args)
    except CompareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
