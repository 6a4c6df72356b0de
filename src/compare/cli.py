"""The `compare` command. Each subcommand is a thin call into the package; errors a user can
cause print one sentence and exit 2, never a traceback."""

from __future__ import annotations

import argparse
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


if __name__ == "__main__":
    sys.exit(main())
