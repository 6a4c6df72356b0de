"""The `compare` command. Each subcommand is a thin call into the package; errors a user can
cause print one sentence and exit 2, never a traceback."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import pandas as pd

from .data import tables as data
from .data.fileio import Stopped, stop_on_sigterm
from .data.periods import period_label
from .data.population import ALIASES, DEFAULT_DENOMINATOR, DENOMINATORS
from .errors import CompareError
from .stats.windows import MIN_UNITS
from .stories.story import csv_text, iso_dates

FORMATS = ["table", "csv", "json"]  # every command's --format


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
        f"{s['documents_with_text']} documents with text, {s['documents_cited_by_url']} cited by URL, "
        f"{s['documents_from_tables']} imported table(s); {s['districts']} districts; {s['observations']} observations "
        f"({s['observations_cited_by_url']} cited by URL without a quote, {s['observations_from_tables']} from "
        "table cells).\n"
    )
    print(s["per_metric"].to_string(index=False))
    return 0


def emit(table: pd.DataFrame, fmt: str) -> None:
    """Print a table as an aligned text table, CSV (no text cell a spreadsheet formula) or JSON records (dates
    as ISO, numbers rounded)."""
    if fmt == "csv":
        sys.stdout.write(csv_text(table))
        return
    table = iso_dates(table)
    if fmt == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=1))
    else:
        print(table.round(3).to_string(index=False, na_rep=""))


def with_district_name(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a `district` column: Chinese and English names together."""
    return table.assign(district=table["district_zh"] + " " + table["district_en"])


def cmd_rates(args: argparse.Namespace) -> int:
    from .stats.rates import rate_export, rate_table

    ds = data.load_validated(args.data)
    level = args.level or "all"  # a rate table is not a ranking: every unit, each with its level
    rates = rate_table(ds, args.metric, args.district, level, args.denominator, args.subset)
    if args.benchmark:
        from .stats.benchmarks import against_benchmark

        confidence = float(args.confidence) / 100
        rates = against_benchmark(ds, rates, args.benchmark, confidence, args.denominator)
    emit(rate_export(ds, rates).drop(columns="metric_id"), args.format)
    return 0


FUNNEL_FACTS = ["phi", "tau2", "chi2_p", "method"]  # beside each placement, what qualifies it


def cmd_compare(args: argparse.Namespace) -> int:
    from .stats.comparisons import PLACEMENT_COLUMNS, funnel, funnel_rate_ratios
    from .stats.rates import rate_table
    from .stats.windows import comparison_set
    from .stories.sentences import spread_words

    ds = data.load_validated(args.data)
    rates = rate_table(ds, args.metric, args.district, args.level, args.denominator, args.subset)
    cs = comparison_set(rates, args.period or "", args.min_units)
    events = cs.units[cs.units["ci_low"].notna()]
    if events["district_code"].nunique() < 2:
        raise CompareError(
            f"Fewer than two units report {args.metric} as an event count for {cs.label}; "
            "nothing to compare (try --period)."
        )
    funnel_fit = funnel(events, adjustment=args.adjustment, min_units=args.min_units)
    table = with_district_name(funnel_fit.table).assign(
        window=cs.label,
        n_units=funnel_fit.n_units,
        phi=funnel_fit.phi,
        tau2=funnel_fit.tau2,
        chi2_p=funnel_fit.chi2_p,
        method=funnel_fit.method,
    )
    if args.format == "table":
        print(
            f"Window {cs.label}: {funnel_fit.n_units} units; {funnel_fit.method}; "
            f"pooled rate {funnel_fit.pooled_rate:.3g} per 10,000; "
            f"{spread_words(funnel_fit)}."
        )
        if funnel_fit.note:
            print(funnel_fit.note)
        if not cs.not_comparable.empty:
            print(
                "Not comparable (other periods): "
                + "; ".join(f"{r.district_zh} (reports {r.reports})" for r in cs.not_comparable.itertuples())
            )
    placement = PLACEMENT_COLUMNS.copy()
    placement.insert(placement.index("observed_rate") + 1, "pooled_rate")
    emit(table[["window", "n_units", "district_code", "district", *placement, *FUNNEL_FACTS]], args.format)
    if args.format == "table":
        print("\nPairwise rate ratios (95% CI; p-values Holm-adjusted for the number of pairs):")
    emit(funnel_rate_ratios(funnel_fit), args.format)
    return 0


def cmd_shares(args: argparse.Namespace) -> int:
    from .stats.comparisons import proportion_funnel
    from .stats.rates import SHARE_COLUMNS, share_table
    from .stats.windows import comparison_set
    from .stories.sentences import spread_words

    ds = data.load_validated(args.data)
    shares = share_table(ds, args.metric, args.district, args.level or "all")
    if args.format == "table":
        print(f"{args.metric}, recomputed from the counts each report states (Wilson intervals, percent):")
    emit(with_district_name(shares)[["district_code", "district", *SHARE_COLUMNS[3:]]], args.format)
    if args.level not in ("county", "prefecture"):
        if args.format == "table":
            print("\nPass --level county or prefecture to place units of one level on a funnel.")
        return 0
    usable = shares[shares["ci_low"].notna()]
    cs = comparison_set(
        usable.assign(annual_rate_per_10k=usable["share_pct"], rate_per_10k=usable["share_pct"]),
        args.period or "",
        args.min_units,
    )
    if cs.n_units < 2:
        if args.format == "table":
            print(f"\nWindow {cs.label}: fewer than two units share it; nothing to compare.")
        return 0
    placed = proportion_funnel(cs.units, min_units=args.min_units)
    if args.format == "table":
        print(f"\nWindow {cs.label}: {placed.n_units} units; {spread_words(placed)}; {placed.note}")
    emit(
        with_district_name(placed.table)[
            ["district_code", "district", "period", "value", "trials", "observed_rate", "classification"]
        ],
        args.format,
    )
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from .data.population import reconcile, reconciliation_verdicts

    table = reconcile(data.load_validated(args.data))
    if table.empty:
        raise CompareError(
            "Nothing to reconcile: no report in the data states its own per-10,000 figure "
            "beside the count it was computed from."
        )
    if args.format == "table":
        emit(reconciliation_verdicts(table), "table")
        print()
        cols = [
            "district_zh",
            "metric_id",
            "count",
            "reported_rate_per_10k",
            "implied_population",
            "reference_population",
            "reference_year",
            "reference_definition",
            "reference_scope",
            "difference_pct",
            "consistent",
        ]
        emit(table[cols], "table")
    else:
        emit(table, args.format)
    return 0


def cmd_trend(args: argparse.Namespace) -> int:
    from .stats.rates import unit_label
    from .stats.trends import CHANGE_COLUMNS, trend
    from .stories.trends import change_sentence, model_sentence, set_aside_sentence

    ds = data.load_validated(args.data)
    result = trend(ds, args.metric, args.district, args.denominator)
    emit(result.changes[[*CHANGE_COLUMNS[:3], "population", *CHANGE_COLUMNS[3:]]], args.format)
    if args.format == "table":
        name = ds.metric(args.metric)["name_en"]
        print(f"\ncomparable_rate: {unit_label(ds, args.metric)} (undated and open periods have none).")
        for sentence in (change_sentence(result, name), model_sentence(result, name), set_aside_sentence(result)):
            if sentence:
                print(f"\n{sentence}")
        if not result.derived.empty:
            print("\nDerived from reported year-on-year changes:")
            emit(result.derived, "table")
    return 0


def cmd_neighbours(args: argparse.Namespace) -> int:
    from .stats.neighbours import statistical_neighbours

    ds = data.load_dataset(args.data)
    among = None
    if args.among_reporting:
        from .stories.profile import reporting_set

        reporting = reporting_set(ds, args.district, args.among_reporting, args.period)
        among = reporting.units["district_code"]
    found = statistical_neighbours(ds, args.district, args.neighbours, among=among)
    table = found.values.reset_index().rename(columns={"code": "district_code"})
    names = ds.districts.set_index("code")
    table.insert(1, "district_zh", table["district_code"].map(names["name_zh"]))
    table.insert(2, "district_en", table["district_code"].map(names["name_en"]))
    emit(table, args.format)
    if args.format == "table":
        print(
            f"\nThe first row is {args.district}; then the {len(found.codes)} {found.level}-level units nearest to it "
            f"on {', '.join(found.covariates)} (2020 census), each a z-score over the {found.pool} units of the "
            "level; distance is Euclidean."
        )
        if among is not None:
            print(
                f"Chosen among the {found.candidates} other units reporting {args.among_reporting} for "
                f"{reporting.label} in the same definition as {args.district}."
            )
    return 0


def time_limits(limits_class, args: argparse.Namespace):
    """The build's time limits: those given on the command line, the defaults for the others."""
    given = {"cell": args.cell_timeout, "brief": args.brief_timeout}
    return limits_class(**{name: seconds for name, seconds in given.items() if seconds is not None})


def cmd_briefs(args: argparse.Namespace) -> int:
    from .briefs import build
    from .briefs.build import Limits

    # jsonschema (under nbformat) imports rfc3987_syntax when it is installed, only to check "iri" formats,
    # which no notebook uses; it builds a parser at import: 0.6 s of every build. This process goes without.
    sys.modules.setdefault("rfc3987_syntax", None)

    manifest = build(
        args.config,
        args.out,
        args.jobs,
        args.force,
        args.data,
        args.executor,
        args.scheduler,
        lang=args.lang,
        keep=args.keep,
        limits=time_limits(Limits, args),
        validate=not args.no_validate,
    )
    c = manifest["counts"]
    pruned = f"; {len(manifest['pruned'])} old run(s) pruned" if manifest.get("pruned") else ""
    print(f"{c['ok']} built, {c['reused']} reused, {c['failed']} failed in {manifest['seconds']:.0f} s{pruned}.")
    for entry in manifest["briefs"]:
        if entry["status"] == "failed":
            see = f" (see {entry['executed_notebook']})" if entry["executed_notebook"] else ""
            print(f"FAILED {entry['brief_id']}: {entry['error']}{see}", file=sys.stderr)
    langs = {entry["lang"] for entry in manifest["briefs"]} or {"en"}
    index = "index.html" if "en" in langs else f"index-{min(langs)}.html"
    print(f"Index: {Path(manifest['run_dir']) / index}")
    if args.lang and not manifest.get("latest"):
        print(
            f"{Path(manifest['run_dir']).parent / 'latest'} is unchanged, with every language: this run holds "
            f"{args.lang} only (build without --lang to update it)."
        )
    return 1 if c["failed"] else 0


def cmd_extract(args: argparse.Namespace) -> int:
    from .ingest.extract import candidates, context_for_file
    from .ingest.extract.text import decode_report
    from .ingest.review import review_table, with_source, write_review

    ds = data.load_dataset(args.data)
    path = Path(args.file)
    if not path.is_file():
        raise CompareError(f"No such file: {path}.")
    ctx = context_for_file(path, ds, args.doc_id, args.district, args.period, args.title, args.url, args.published)
    raw, note = decode_report(path.read_bytes(), str(args.file))
    if note:
        print(note, file=sys.stderr)
    found = candidates(raw, ds, ctx)
    table = review_table(found)
    unknown = sum(c.period_unknown for c in found)
    if args.review:
        review = Path(args.review_file or f"{ctx.doc_id}.review.csv")
        table = with_source(
            table,
            title=ctx.title or first_line(raw),
            url=ctx.url,
            published=ctx.published.date().isoformat() if ctx.published is not None else "",
            district=ctx.district_code or (table["district_code"].mode().iloc[0] if len(table) else ""),
            period=period_label(ctx.period_start, ctx.period_end) if ctx.period_start is not None else "",
        )
        write_review(table, review, force=args.force)
        print(
            f"{len(table)} candidate(s) written to {review}. Mark each row's decision as accept or reject "
            f"(fix values before accepting), then run: compare accept {review}"
        )
    elif table.empty:
        print("No candidate observations found.", file=sys.stderr)
    else:
        emit(table[data.OBSERVATION_COLUMNS], args.format)
    if unknown:
        print(
            f"{unknown} candidate(s) have no period the text states: give --period or add the report to "
            "sources.csv, or fill in period_start and period_end while reviewing.",
            file=sys.stderr,
        )
    return 0


def first_line(raw: bytes | str) -> str:
    """A report's title as its text gives it: the first non-empty line, when it is short enough to be one."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        return ""
    line = next((" ".join(x.split()) for x in text.splitlines() if x.strip()), "")
    return line if len(line) <= 80 else ""


def cmd_accept(args: argparse.Namespace) -> int:
    from .ingest.review import accept_reviews

    added, problems = accept_reviews([Path(r) for r in args.review], args.data)
    if problems:
        for problem in problems:
            print(problem)
        print(f"\nNothing merged: the accepted rows would make {len(problems)} problem(s).", file=sys.stderr)
        return 1
    total = sum(a.rows for a in added)
    if not total:
        names = ", ".join(a.file for a in added)
        print(
            f"Nothing merged: no row of {names} is marked accept. Write accept in the decision column of each "
            "row to keep (reject or leave empty the others), then run compare accept again.",
            file=sys.stderr,
        )
        return 1
    print(f"{total} accepted observation(s) merged into observations.csv; compare validate is clean.")
    for accepted in added:
        print(f"  {accepted.summary()}")
    written = added[0].sources if added else ()
    if written:
        print(f"  sources.csv: added {', '.join(written)} from the review file")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .ingest.tables import import_table

    table = Path(args.table)
    result = import_table(table, Path(args.mapping), args.data, dry_run=args.dry_run)
    if result.problems:
        for problem in result.problems:
            print(problem)
        print(f"\nNothing imported from {table.name}: {len(result.problems)} problem(s).", file=sys.stderr)
        return 1
    sheet = f", sheet {result.sheet}" if result.sheet else ""
    if args.dry_run:
        print(f"{len(result.observations)} figure(s) would be imported from {table.name}{sheet} as {result.doc_id}:")
        emit(
            result.observations.merge(
                result.cells, on=[c for c in result.cells.columns if c in result.observations.columns]
            )[["district_code", "period_start", "period_end", "metric_id", "subset", "value", "basis", "cell", "raw"]],
            args.format,
        )
    else:
        replaced = f", replacing {result.replaced} earlier row(s)" if result.replaced else ""
        print(
            f"{len(result.observations)} figure(s) imported from {table.name}{sheet} as {result.doc_id}{replaced}; "
            f"cells in sources/{result.doc_id}.cells.csv; compare validate is clean."
        )
    for note in result.notes:
        print(f"  note: {note}")
    return 0


def cmd_evaluate_extraction(args: argparse.Namespace) -> int:
    from .ingest.extract.evaluate import GoldSet, score_sets

    sets = [
        GoldSet(Path(s[1]).name or s[1], Path(s[0]), Path(s[1]), Path(s[2]) if len(s) > 2 else None)
        for s in (args.set or [])
    ]
    if args.gold or args.sources:
        if not (args.gold and args.sources):
            raise CompareError("Give --gold and --sources together (or use --set GOLD SOURCES [CATALOGUE]).")
        sets.append(
            GoldSet(
                Path(args.sources).name,
                Path(args.gold),
                Path(args.sources),
                Path(args.catalogue) if args.catalogue else None,
            )
        )
    if not sets:
        raise CompareError("Name a development set: --gold GOLD.csv --sources DIR, or --set GOLD DIR [CATALOGUE].")
    if any(len(s) not in (2, 3) for s in (args.set or [])):
        raise CompareError("--set takes a gold file, a folder of texts and optionally a catalogue.")
    result = score_sets(sets, args.data, args.subset_match, args.periods_from)
    print(
        f"Periods read from {'the text alone' if args.periods_from == 'text' else 'sources.csv'}; lenient matches "
        "metric, statement, value and total-or-part, strict also the period's end.\n"
    )
    emit(result["groups"], args.format)
    print("\nPer metric, all sets together:")
    emit(result["per_metric"], args.format)
    if args.errors:
        print("\nMisses (strict):")
        emit(result["misses"], args.format)
        print("\nFalse alarms (strict):")
        emit(result["false_alarms"], args.format)
    return 0


def cmd_build_reference(args: argparse.Namespace) -> int:
    from .data.reference import build_reference

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
            p.add_argument(
                "--level",
                choices=["county", "prefecture", "province", "all"],
                help="county-level, prefecture-level or provincial units (rates: default all, with a level column)",
            )
            p.add_argument("--subset", default="", help="a named part of the metric (default: the total)")
        p.add_argument(
            "--denominator",
            default=DEFAULT_DENOMINATOR,
            choices=[*DENOMINATORS, *ALIASES],
            help="resident (default: the year's own year-end resident figure, else census 2020), census_resident, "
            "resident_yearend or registered_yearend",
        )
        p.add_argument("--format", default="table", choices=FORMATS)

    p = sub.add_parser("rates", help="per-capita and annualised rates with exact 95%% intervals")
    rate_args(p)
    p.add_argument(
        "--benchmark",
        choices=["nation", "province", "prefecture"],
        help="compare each unit with the rate of the unit above it for the same period, basis and scope "
        "(columns benchmark, benchmark_period, benchmark_rate, vs_benchmark, vs_benchmark_reason)",
    )
    p.add_argument(
        "--confidence",
        default="95",
        choices=["95", "99.8"],
        help="confidence level of the interval judged against the benchmark (default 95)",
    )
    p.set_defaults(func=cmd_rates)

    p = sub.add_parser("compare", help="funnel classification and pairwise rate ratios for one metric")
    rate_args(p)
    p.add_argument(
        "--period",
        help="comparison window, one exact period: 2021, 2020-2022, 2021H1 (default: the most recent period enough "
        "units report)",
    )
    p.add_argument(
        "--adjustment",
        default="random_effects",
        choices=["random_effects", "multiplicative", "none"],
        help="how funnel limits allow for units varying more than chance (default: random_effects, which adds τ² "
        "from 30 units and widens by √φ from 10 to 29; nothing is estimated below 10)",
    )
    p.add_argument(
        "--min-units",
        type=int,
        default=MIN_UNITS,
        help=f"classify nothing below this many units sharing the window (default: {MIN_UNITS})",
    )
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("shares", help="a share (e.g. mediation success) from its counts, with Wilson intervals")
    p.add_argument("--metric", required=True, help="a binomial metric of data/metrics.csv, e.g. mediation_success_rate")
    p.add_argument("--district", action="append", help="6-digit district code (repeatable; default all)")
    p.add_argument("--level", choices=["county", "prefecture", "all"], help="county-level or prefecture-level units")
    p.add_argument("--period", help="comparison window for the funnel (default: chosen from the data)")
    p.add_argument(
        "--min-units", type=int, default=MIN_UNITS, help=f"classify nothing below this (default {MIN_UNITS})"
    )
    p.add_argument("--format", default="table", choices=FORMATS)
    p.set_defaults(func=cmd_shares)

    p = sub.add_parser("reconcile", help="which population each report's own per-10,000 figure implies")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("trend", help="one district's metric over time, with a trend model for 3+ periods")
    rate_args(p, trend=True)
    p.set_defaults(func=cmd_trend)

    p = sub.add_parser("neighbours", help="a district's statistical neighbours: the units of its level most like it")
    p.add_argument("--district", required=True, help="6-digit district code")
    p.add_argument("--neighbours", type=int, default=10, help="how many (default 10)")
    p.add_argument(
        "--among-reporting",
        metavar="METRIC",
        default="",
        help="only among the units reporting METRIC for the district's window in its definition, as a profile's peers",
    )
    p.add_argument("--period", default="", help="with --among-reporting: the window (default: the district's latest)")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.set_defaults(func=cmd_neighbours)

    p = sub.add_parser("briefs", help="run the notebooks of a schedule and publish HTML briefs with an index")
    p.add_argument("--config", type=Path, default=None, help="schedule file (default: briefs.yml)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: outputs/)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="worker processes (default: one per core)")
    p.add_argument("--force", action="store_true", help="rebuild briefs even when unchanged")
    p.add_argument("--executor", default="process", choices=["process", "dask"], help="where briefs run")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, with --executor dask")
    p.add_argument(
        "--lang",
        default=None,
        choices=["en", "zh"],
        help="build one language only, into its own run folder; outputs/latest keeps every language "
        "(default: each schedule entry's lang:, both when it has none)",
    )
    p.add_argument("--keep", type=int, default=10, help="complete runs to keep in --out (default 10)")
    p.add_argument(
        "--cell-timeout",
        type=float,
        default=None,
        help="seconds a notebook cell may run before its kernel is stopped and the brief fails (default 120)",
    )
    p.add_argument("--brief-timeout", type=float, default=None, help="seconds a whole brief may run (default 300)")
    p.add_argument(
        "--no-validate",
        action="store_true",
        help="publish even if compare validate rejects the data (by default such data is refused)",
    )
    p.set_defaults(func=cmd_briefs)

    p = sub.add_parser("extract", help="propose candidate observations from a report's text")
    p.add_argument("file", help="the report as UTF-8 text (simplified or traditional characters)")
    p.add_argument("--doc-id", help="document id (default: the file name without .txt)")
    p.add_argument("--district", help="6-digit district code (default: from sources.csv, else detected in the text)")
    p.add_argument("--period", help="the report's period, e.g. 2022Q1, 2021H1, 2023 (default: from sources.csv)")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--review", action="store_true", help="write a review file to edit instead of printing")
    p.add_argument("--review-file", help="where --review writes (default: <doc-id>.review.csv)")
    p.add_argument("--force", action="store_true", help="with --review, overwrite an existing review file")
    p.add_argument("--title", help="the report's title, for its sources.csv row (default: its text's first line)")
    p.add_argument("--url", help="where the report was published (http or https), for its sources.csv row")
    p.add_argument("--published", help="the report's publication date, YYYY-MM-DD, for its sources.csv row")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("accept", help="merge the accepted rows of review files into observations.csv")
    p.add_argument("review", nargs="+", help="review files written by compare extract --review")
    p.set_defaults(func=cmd_accept)

    p = sub.add_parser("import", help="import a statistical table (CSV or XLSX) as observations, by a mapping file")
    p.add_argument("table", help="the table: a .csv (UTF-8) or .xlsx file")
    p.add_argument("--mapping", required=True, help="the mapping (YAML): source, header, units, period, columns")
    p.add_argument("--dry-run", action="store_true", help="show what would be imported, write nothing")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("evaluate-extraction", help="precision and recall of the extractor against gold observations")
    p.add_argument(
        "--set",
        nargs="+",
        action="append",
        metavar="PATH",
        help="a development set: GOLD.csv DIR [METRICS.csv] (repeatable; scored per set and together)",
    )
    p.add_argument("--gold", help="gold observations CSV (the observations.csv format)")
    p.add_argument("--sources", help="folder with <doc_id>.txt (and optionally sources.csv)")
    p.add_argument("--catalogue", help="only score metrics of this metrics.csv (the gold's own catalogue)")
    p.add_argument(
        "--subset-match",
        default="role",
        choices=["role", "label"],
        help="role: a part matches a part, the total the total (default); label: the same subset label",
    )
    p.add_argument(
        "--periods-from",
        default="text",
        choices=["text", "sources"],
        help="text: the extractor reads each period from the text, as for a new report (default); "
        "sources: it is given sources.csv's period",
    )
    p.add_argument("--errors", action="store_true", help="also list misses and false alarms")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.set_defaults(func=cmd_evaluate_extraction)

    p = sub.add_parser("build-reference", help="rebuild data/reference/ from the shared census extract")
    p.add_argument("shared", help="folder with census2020_counties.csv and yearend_population.csv")
    p.set_defaults(func=cmd_build_reference)
    return parser


def os_error_sentence(exc: OSError) -> str:
    """'/srv/compare/outputs: No space left on device.' from an OSError, on one line."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        failed = exc.args[0]  # (source, target, why) of every file a copy could not copy
        source, _, why = failed[0] if isinstance(failed[0], tuple) and len(failed[0]) == 3 else (failed[0], 0, "?")
        return f"{len(failed)} file(s) could not be copied, the first {source}: {str(why).rstrip('.')}."
    where = " -> ".join(str(name) for name in (exc.filename, exc.filename2) if name is not None)
    what = exc.strerror or str(exc) or type(exc).__name__
    sentence = f"{where}: {what}" if where else what
    return " ".join(sentence.split()).rstrip(".") + "."


def main(argv: list[str] | None = None) -> int:
    """Run one command. Errors a user or the machine can cause (bad input, a full disk, a read-only or missing
    folder, a file that is not UTF-8) print one sentence and exit 2; Ctrl-C and SIGTERM one sentence and exit 130
    and 143; anything else is a bug and keeps its traceback."""
    args = build_parser().parse_args(argv)
    pd.set_option("display.width", 200)
    try:
        with stop_on_sigterm():
            return args.func(args)
    except CompareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except (KeyboardInterrupt, Stopped) as exc:
        how = "Ctrl-C" if isinstance(exc, KeyboardInterrupt) else "SIGTERM"
        print(f"error: compare {args.command} was stopped ({how}) before the end.", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 143
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # disk full, permission denied, missing folder: the machine, not a bug
        print(f"error: {os_error_sentence(exc)}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(f"error: a file is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
