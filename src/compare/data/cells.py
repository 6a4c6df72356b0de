"""Where an imported table's figures sit: reading a table (CSV or XLSX) into a grid of cell texts, and the
cell-provenance sidecar `sources/<doc_id>.cells.csv` that `compare import` writes and `compare validate` checks.

A table's figures have no sentence to quote. Each one instead names its cell: one sidecar row per observation
(the observation's key, the table file's original name, the sheet, the cell as A1, the cell's text and the
scale it was multiplied by). Validation checks that every observation of a table source has exactly one cell,
that the cell's text times its scale is the observation's value, and, when the table is kept as
`sources/<doc_id>.xlsx` or `.csv`, that the cell really holds that text.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .tables import Dataset, Problem, not_utf8_reason, read_table

CELL_COLUMNS = [
    "doc_id",
    "district_code",
    "period_start",
    "period_end",
    "metric_id",
    "subset",
    "basis",
    "scope",
    "file",
    "sheet",
    "cell",
    "raw",
    "scale",
]
CELL_KEY = ["district_code", "period_start", "period_end", "metric_id", "subset", "basis", "scope"]
TABLE_SUFFIXES = (".xlsx", ".csv")
CELLS_SUFFIX = ".cells.csv"
MISSING = {"", "-", "--", "—", "——", "－", "–", "…", "……", "...", "/", "／", "无", "空"}


@dataclass
class Grid:
    """A sheet as text: `own` holds each cell's own text ('' for the covered part of a merged range), `carried`
    the merged range's text in every cell it covers."""

    file: str
    sheet: str
    own: list[list[str]]
    carried: list[list[str]]
    merged: bool = False  # whether the format has merged cells at all (CSV has none)
    width: int = field(init=False)

    def __post_init__(self):
        self.width = max((len(r) for r in self.own), default=0)
        for rows in (self.own, self.carried):
            for r in rows:
                r.extend([""] * (self.width - len(r)))


def cell_name(row: int, col: int) -> str:
    """'C9' for the 0-based row 8 and column 2."""
    letters, n = "", col + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def cell_text(value) -> str:
    """A cell's value as text: whole numbers without '.0', others in their shortest form, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def normal(text: str) -> str:
    """Text as names are compared: NFKC (full-width brackets and digits become ASCII), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def read_number(text: str) -> float | None:
    """The number a cell's text states, None when it is blank or a dash; ValueError when it is text."""
    t = normal(text).replace(",", "")
    if t in MISSING:
        return None
    if t.endswith("%"):
        t = t[:-1]
    value = float(t)  # ValueError for text
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def load_grid(path: Path, sheet=0) -> Grid:
    """A CSV (UTF-8) or one sheet of an XLSX workbook (by name or 0-based index) as a Grid; DataError naming
    the file when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path.name, f"file not found at {path}.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(path.name, f"{not_utf8_reason(path)}; save it as UTF-8.") from exc
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
        return Grid(path.name, "", rows, [list(r) for r in rows])
    if suffix != ".xlsx":
        raise DataError(path.name, "a table must be a .csv or .xlsx file.")
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DataError(path.name, "reading .xlsx needs openpyxl (pip install openpyxl).") from exc
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException: not a workbook
        raise DataError(path.name, f"not a readable .xlsx workbook ({type(exc).__name__}).") from exc
    names = book.sheetnames
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise DataError(path.name, f"has no sheet {sheet} (sheets: {', '.join(names)}; 0 is the first).")
        ws = book[names[sheet]]
    elif str(sheet) in names:
        ws = book[str(sheet)]
    else:
        raise DataError(path.name, f"has no sheet '{sheet}' (sheets: {', '.join(names)}).")
    own = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    carried = [list(r) for r in own]
    for rng in ws.merged_cells.ranges:
        text = own[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(own) else ""
        for r in range(rng.min_row - 1, min(rng.max_row, len(own))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(own[r]))):
                carried[r][c] = text
    return Grid(path.name, ws.title, own, carried, merged=True)


def grid_cell(grid: Grid, name: str) -> str | None:
    """The own text of a cell named like 'C9', None when the grid has no such cell."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", name)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    row, col = int(m.group(2)) - 1, col - 1
    if row >= len(grid.own) or col >= grid.width:
        return None
    return grid.own[row][col]


# ---------------------------------------------------------------- the sidecar and its checks


def cells_path(folder: Path, doc_id: str) -> Path:
    return Path(folder) / "sources" / f"{doc_id}{CELLS_SUFFIX}"


def table_docs(folder: Path) -> dict[str, Path]:
    """The documents imported from tables (those with a cells sidecar), by doc_id."""
    sources = Path(folder) / "sources"
    return {p.name[: -len(CELLS_SUFFIX)]: p for p in sorted(sources.glob(f"*{CELLS_SUFFIX}"))}


def kept_table(folder: Path, doc_id: str) -> Path | None:
    """The table file kept for a document (sources/<doc_id>.xlsx or .csv), if any."""
    for suffix in TABLE_SUFFIXES:
        path = Path(folder) / "sources" / f"{doc_id}{suffix}"
        if path.is_file():
            return path
    return None


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def cell_problems(ds: Dataset, folder: Path) -> list[Problem]:
    """Every check of the cell sidecars against observations.csv, sources.csv and the kept tables."""
    folder = Path(folder)
    problems: list[Problem] = []
    obs = ds.observations
    obs_file = "observations.csv"
    for doc_id, path in table_docs(folder).items():
        rel = f"sources/{path.name}"
        try:
            cells = read_table(path, CELL_COLUMNS)
        except DataError as exc:
            problems.append(Problem(rel, None, exc.reason))
            continue
        if doc_id not in set(ds.sources["doc_id"]):
            problems.append(Problem(rel, None, f"'{doc_id}' is not in sources/sources.csv"))
        url = ds.sources.loc[ds.sources["doc_id"] == doc_id, "url"]
        kept = kept_table(folder, doc_id)
        if kept is None and not (len(url) and url.iloc[0]):
            problems.append(
                Problem(rel, None, f"neither the table (sources/{doc_id}.xlsx or .csv) is kept nor a URL cited")
            )
        grid = None
        if kept is not None:
            sheets = set(cells["sheet"])
            try:
                grid = load_grid(kept, next(iter(sheets)) if sheets and kept.suffix == ".xlsx" else 0)
            except DataError as exc:
                problems.append(Problem(f"sources/{kept.name}", None, exc.reason))
            if len(sheets) > 1:
                problems.append(Problem(rel, None, "cells of one document must come from one sheet"))
        mine = obs[obs["doc_id"] == doc_id]
        if (mine["period_start"].isna() | mine["period_end"].isna()).any():
            continue  # rows whose dates cannot be read have their own problem (e.g. re-saved by Excel): no key to match
        dated = mine.assign(
            **{c: mine[c].dt.strftime("%Y-%m-%d").fillna("") for c in ("period_start", "period_end")},
        )
        by_key = {tuple(r): i for i, r in zip(dated.index, dated[CELL_KEY].itertuples(index=False))}
        seen: set[int] = set()
        for i, r in cells.iterrows():
            line = int(i) + 2
            if r["doc_id"] != doc_id:
                problems.append(Problem(rel, line, f"doc_id '{r['doc_id']}' in the cells of '{doc_id}'"))
                continue
            where = f"{r['file']}!{r['cell']}"
            idx = by_key.get(tuple(r[c] for c in CELL_KEY))
            if idx is None or r["doc_id"] != doc_id:
                problems.append(Problem(rel, line, f"{where}: no observation of {doc_id} has this cell's key"))
                continue
            if idx in seen:
                problems.append(Problem(rel, line, f"{where}: a second cell for one observation"))
            seen.add(idx)
            try:
                stated, scale = read_number(r["raw"]), float(r["scale"])
            except ValueError:
                problems.append(Problem(rel, line, f"{where}: '{r['raw']}' × '{r['scale']}' is not a number"))
                continue
            value = obs.at[idx, "value"]
            if stated is None or not _same(stated * scale, value):
                problems.append(
                    Problem(
                        rel,
                        line,
                        f"{where}: '{r['raw']}' × {r['scale']} is not the value {value:g} of observations.csv line "
                        f"{int(idx) + 2}",
                    )
                )
            if grid is not None:
                held = grid_cell(grid, r["cell"])
                if held is None or normal(held) != normal(r["raw"]):
                    problems.append(
                        Problem(rel, line, f"{where}: sources/{kept.name} holds {held!r} there, not '{r['raw']}'")
                    )
        for idx in mine.index.difference(sorted(seen)):
            problems.append(
                Problem(obs_file, int(idx) + 2, f"no cell in sources/{path.name} names where this figure is")
            )
        quoted = mine[mine["quote"].ne("")]
        problems += [
            Problem(obs_file, int(i) + 2, "a figure imported from a table has no quote; its cell is its provenance")
            for i in quoted.index
        ]
    return problems


def write_cells(rows: pd.DataFrame) -> str:
    """The sidecar's CSV text."""
    return rows[CELL_COLUMNS].to_csv(index=False)
