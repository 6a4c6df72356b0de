"""A statistical table to observations: `compare import TABLE --mapping MAPPING.yml`.

A table is a CSV or one sheet of an XLSX workbook, wide (a row per unit, a column per metric) or long (a row per
unit, period, metric and value). The mapping (YAML) says which document it is, where its header is, which
column names the units, the period, and which metric each column counts (see README, "Importing a table").

Reading is forgiving where real tables vary and strict where a number would be wrong: title rows above the
header are skipped; merged header cells carry across and down and a column's name is its header cells joined
with "/" (empty and repeated parts dropped; full-width brackets read as ASCII); blanks and dashes are missing
values; rows that name no unit and hold no number (footnotes, notes) are skipped and listed; a unit is a name
or a 6-digit code among the descendants of `within`, the `totals` row is `within` itself, and rows the mapping
names in `skip` (a unit outside the reference, a total that is not `within`'s own) are listed, not imported.
Anything else (an unknown unit with figures, text in a number cell, a column mapped to an unknown metric, a
header unit that contradicts the scale) is a problem naming its cell, and nothing is written while there is one.

Every value becomes an observation (statement actual, no quote) and a row of the cell sidecar
`sources/<doc_id>.cells.csv`; the table itself is kept as `sources/<doc_id>.xlsx|.csv` unless the mapping says
`keep_file: false` (then its URL is cited). The write is locked and validated like `compare accept`: the whole
data folder is tried in a copy, `compare validate` must stay clean, and each file is then replaced atomically.
Re-importing a doc_id replaces its rows.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..data.cells import (
    CELL_COLUMNS,
    TABLE_SUFFIXES,
    Grid,
    cell_name,
    cells_path,
    kept_table,
    load_grid,
    normal,
    read_number,
    table_docs,
    write_cells,
)
from ..data.fileio import file_digest, locked, write_atomically
from ..data.periods import parse_period, period_label
from ..data.tables import (
    BASES,
    DOC_ID,
    FILES,
    OBSERVATION_COLUMNS,
    QUALIFIERS,
    SCOPES,
    SOURCE_COLUMNS,
    SUBSET,
    Dataset,
    Problem,
    is_web_address,
    load_dataset,
    read_table,
    validate,
)
from ..errors import CompareError, DataError, PeriodError
from ..paths import data_dir as default_data_dir

MAPPING_KEYS = {
    "source",
    "sheet",
    "format",
    "title_rows",
    "header_rows",
    "district_column",
    "within",
    "period",
    "period_column",
    "metric_column",
    "value_column",
    "columns",
    "totals",
    "skip",
    "keep_file",
}
SOURCE_KEYS = {"doc_id", "title", "url", "published"}
COLUMN_KEYS = {"metric", "subset", "scale", "basis", "scope", "qualifier"}
# A unit in a header, '(万件)' or '（万人次）': its multiplier must agree with the column's scale.
HEADER_UNIT = re.compile(r"\((万|亿|千|百)?(件|人次|人|元|次|个|户|家|场|名|份|起|宗|期|所|处|项)\)")
MULTIPLIERS = {None: 1, "百": 100, "千": 1000, "万": 10000, "亿": 100_000_000}
UNIT_SUFFIXES = re.compile(r"(自治县|自治州|地区|新区|市|区|县|州|盟|旗)$")
# A province's short name, as national tables print it: 广东, 内蒙古, 广西, 北京.
PROVINCE_SUFFIXES = re.compile(r"(省|壮族自治区|回族自治区|维吾尔自治区|自治区|市)$")
# The units directly below a unit's level: a short name shared across levels (吉林省 and 吉林市, 海南省 and
# Wuhai's 海南区) is the one at this level.
CHILD_LEVEL = {"nation": "province", "province": "prefecture", "prefecture": "county"}


@dataclass
class Column:
    """One mapped column: its joined header name, metric and how to read it."""

    name: str
    metric: str
    subset: str = ""
    scale: float | None = None
    basis: str = ""
    scope: str = ""
    qualifier: str = "exact"


@dataclass
class Mapping:
    path: Path
    doc_id: str
    title: str
    url: str
    published: str
    sheet: object = 0
    long: bool = False
    title_rows: int | None = None
    header_rows: int = 1
    district_column: str = ""
    within: str = ""
    period: str = ""
    period_column: str = ""
    metric_column: str = ""
    value_column: str = ""
    columns: dict[str, Column] = field(default_factory=dict)
    totals: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    keep_file: bool = True


@dataclass
class Imported:
    """What an import yields, or would: observations, their cells, the source row, notes and problems."""

    doc_id: str
    observations: pd.DataFrame
    cells: pd.DataFrame
    source: dict
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    replaced: int = 0
    sheet: str = ""


# ---------------------------------------------------------------- the mapping


def read_mapping(path: Path) -> tuple[Mapping | None, list[Problem]]:
    """The mapping file, or the problems with it (each one line naming the file and the key)."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        return None, [Problem(name, None, f"file not found at {path}")]
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [Problem(name, None, "not UTF-8 text; save it as UTF-8")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, None, f"not valid YAML ({' '.join(str(exc).split())})")]
    if not isinstance(raw, dict):
        return None, [Problem(name, None, "must be a mapping of keys (source, sheet, header_rows, columns, …)")]
    known = ", ".join(sorted(MAPPING_KEYS))
    problems = [Problem(name, None, f"unknown key '{k}' (known: {known})") for k in raw if k not in MAPPING_KEYS]

    def text(value) -> str:
        return "" if value is None else str(value).strip()

    source = raw.get("source") or {}
    if not isinstance(source, dict):
        source = {}
        problems.append(Problem(name, None, "source must hold doc_id, title, url and published"))
    problems += [
        Problem(name, None, f"unknown key source.{k} (known: doc_id, title, url, published)")
        for k in source
        if k not in SOURCE_KEYS
    ]
    doc_id = text(source.get("doc_id"))
    if not re.fullmatch(DOC_ID, doc_id):
        problems.append(Problem(name, None, f"source.doc_id '{doc_id}' must be lower-case letters, digits and hyphens"))
    published = source.get("published")
    published = published.isoformat() if hasattr(published, "isoformat") else text(published)
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        problems.append(Problem(name, None, f"source.published '{published}' must be a date, YYYY-MM-DD"))
    url = text(source.get("url"))
    if url and not is_web_address(url):
        problems.append(Problem(name, None, f"source.url must be an http(s) address (got '{url}')"))
    fmt = text(raw.get("format") or "wide")
    if fmt not in ("wide", "long"):
        problems.append(Problem(name, None, f"format must be wide or long (got '{fmt}')"))
    m = Mapping(
        path=path,
        doc_id=doc_id,
        title=text(source.get("title")),
        url=url,
        published=published,
        sheet=raw.get("sheet", 0),
        long=fmt == "long",
        district_column=normal(text(raw.get("district_column"))),
        within=text(raw.get("within")),
        period=text(raw.get("period")),
        period_column=normal(text(raw.get("period_column"))),
        metric_column=normal(text(raw.get("metric_column"))),
        value_column=normal(text(raw.get("value_column"))),
        keep_file=raw.get("keep_file", True) is not False,
    )
    if not m.title:
        problems.append(Problem(name, None, "source.title is empty: name the table as its publisher does"))
    for key in ("header_rows", "title_rows"):
        value = raw.get(key, 1 if key == "header_rows" else None)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            problems.append(Problem(name, None, f"{key} must be a whole number (got {value!r})"))
        else:
            setattr(m, key, value)
    if not m.district_column:
        problems.append(Problem(name, None, "district_column is missing: the column that names the units"))
    if not m.within:
        problems.append(Problem(name, None, "within is missing: the unit (a 6-digit code) the table's units lie in"))
    if bool(m.period) == bool(m.period_column):
        problems.append(Problem(name, None, "give either period (one period for every value) or period_column"))
    if m.period:
        try:
            parse_period(m.period)
        except PeriodError as exc:
            problems.append(Problem(name, None, f"period: {exc}"))
    if m.long and not (m.metric_column and m.value_column):
        problems.append(Problem(name, None, "a long table needs metric_column and value_column"))
    if not m.keep_file and not m.url:
        problems.append(Problem(name, None, "keep_file: false needs source.url, to cite the table by"))
    totals = raw.get("totals") or []
    m.totals = [normal(t) for t in (totals if isinstance(totals, list) else [totals])]
    skip = raw.get("skip") or []
    m.skip = [normal(str(t)) for t in (skip if isinstance(skip, list) else [skip])]
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict) or (not columns and not m.long):
        problems.append(Problem(name, None, "columns must map each column's joined header to {metric: …}"))
        columns = {}
    for header, spec in columns.items():
        column, bad = _column(str(header), spec)
        problems += [Problem(name, None, f"columns '{header}': {b}") for b in bad]
        if column:
            m.columns[normal(str(header))] = column
    return (m if not problems else None), problems


def _column(header: str, spec) -> tuple[Column | None, list[str]]:
    if isinstance(spec, str):
        spec = {"metric": spec}
    if not isinstance(spec, dict) or not spec.get("metric"):
        return None, ["give at least {metric: <metric id>}"]
    bad = [f"unknown key '{k}' (known: {', '.join(sorted(COLUMN_KEYS))})" for k in spec if k not in COLUMN_KEYS]
    column = Column(
        name=header,
        metric=str(spec["metric"]),
        subset=str(spec.get("subset") or ""),
        basis=str(spec.get("basis") or ""),
        scope=str(spec.get("scope") or ""),
        qualifier=str(spec.get("qualifier") or "exact"),
    )
    scale = spec.get("scale")
    if scale is not None:
        if isinstance(scale, bool) or not isinstance(scale, int | float) or scale <= 0:
            bad.append(f"scale must be a positive number (got {scale!r})")
        else:
            column.scale = float(scale)
    if not re.fullmatch(SUBSET, column.subset):
        bad.append(f"subset '{column.subset}' must be lower_case words joined by /")
    if column.basis not in BASES:
        bad.append(f"basis must be one of {', '.join(b for b in BASES if b)} (got '{column.basis}')")
    if column.scope not in SCOPES:
        bad.append(f"scope must be one of {', '.join(s for s in SCOPES if s)} (got '{column.scope}')")
    if column.qualifier not in QUALIFIERS:
        bad.append(f"qualifier must be one of {', '.join(QUALIFIERS)} (got '{column.qualifier}')")
    return column, bad


# ---------------------------------------------------------------- reading the table


def header_names(grid: Grid, start: int, rows: int) -> list[str]:
    """Each column's name: its header cells top to bottom, joined with '/', empty and repeated parts dropped.

    Merged cells carry across and down (XLSX); a CSV has no merges, so an empty cell of a header row above the
    last takes the text on its left, as a merged cell exported to CSV leaves it."""
    block = [list(grid.carried[r]) for r in range(start, min(start + rows, len(grid.carried)))]
    if not grid.merged:
        for r in block[:-1]:
            for c in range(1, len(r)):
                if not r[c].strip():
                    r[c] = r[c - 1]
    names = []
    for c in range(grid.width):
        parts: list[str] = []
        for r in block:
            part = normal(r[c])
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        names.append("/".join(parts))
    return names


def title_rows(grid: Grid) -> int:
    """Leading rows that are not a header: blank, or one text across the row (a title, merged or not)."""
    n = 0
    for row in grid.carried:
        if len({normal(v) for v in row if normal(v)}) > 1:
            break
        n += 1
    return n


class Units:
    """Names and codes of the units within one unit: exact names, then names without 市/区/县 (a province's
    without 省/自治区/市); a short name several units share is the one directly below `within`, if one is."""

    def __init__(self, ds: Dataset, within: str):
        d = ds.districts
        self.within = within
        self.row = d[d["code"] == within].iloc[0]
        inside = d[(d["code"] != within) & ((d["province_code"] == within) | (d["prefecture_code"] == within))]
        if within == "100000":
            inside = d[d["code"] != within]
        self.codes = set(inside["code"])
        self.levels = dict(zip(inside["code"], inside["level"]))
        self.child_level = CHILD_LEVEL.get(str(self.row["level"]), "")
        self.by_name: dict[str, list[str]] = {}
        self.by_short: dict[str, list[str]] = {}
        for code, name, level in zip(inside["code"], inside["name_zh"], inside["level"]):
            self.by_name.setdefault(normal(name), []).append(code)
            suffixes = PROVINCE_SUFFIXES if level == "province" else UNIT_SUFFIXES
            self.by_short.setdefault(suffixes.sub("", normal(name)), []).append(code)

    def find(self, label: str, totals: list[str]) -> tuple[str, str]:
        """(code, '') or ('', why not)."""
        t = normal(label)
        if t in totals or t == normal(self.row["name_zh"]) or t == self.within:
            return self.within, ""
        if re.fullmatch(r"\d{6}", t):
            return (t, "") if t in self.codes else ("", f"code {t} is not a unit within {self.label}")
        for table in (self.by_name, self.by_short):
            if table is self.by_name:
                codes = table.get(t, [])
            else:
                codes = table.get(UNIT_SUFFIXES.sub("", t), []) or table.get(PROVINCE_SUFFIXES.sub("", t), [])
            children = [c for c in codes if self.levels[c] == self.child_level]
            if len(codes) > 1 and len(children) == 1:
                codes = children
            if len(codes) == 1:
                return codes[0], ""
            if len(codes) > 1:
                return "", f"'{label}' names several units within {self.label} ({', '.join(codes)}): give the code"
        return "", f"'{label}' is not a unit within {self.label}"

    @property
    def label(self) -> str:
        return f"{self.row['name_zh']} ({self.within})"


def _number_text(value: float) -> str:
    """A value for observations.csv: whole numbers without decimals, others to at most 6 places."""
    value = round(value, 6)
    return str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0")


def table_observations(table: Path, mapping: Mapping, ds: Dataset) -> Imported:
    """The observations, cells and source row a table yields under a mapping, or the problems (one per cell)."""
    table = Path(table)
    empty = Imported(mapping.doc_id, pd.DataFrame(columns=OBSERVATION_COLUMNS), pd.DataFrame(columns=CELL_COLUMNS), {})
    try:
        grid = load_grid(table, mapping.sheet if table.suffix.lower() == ".xlsx" else 0)
    except DataError as exc:
        empty.problems.append(Problem(exc.file, None, exc.reason))
        return empty
    empty.sheet = grid.sheet
    problems, notes = empty.problems, empty.notes
    mname = mapping.path.name
    within = mapping.within
    if not re.fullmatch(r"\d{6}", within):
        rows = ds.districts[ds.districts["name_zh"] == within]
        within = rows["code"].iloc[0] if len(rows) == 1 else within
    if within not in set(ds.districts["code"]):
        problems.append(Problem(mname, None, f"within '{mapping.within}' is not a unit of reference/districts.csv"))
        return empty
    units = Units(ds, within)

    def at(r: int, c: int) -> str:
        return f"{grid.file}!{cell_name(r, c)}"

    start = mapping.title_rows if mapping.title_rows is not None else title_rows(grid)
    names = header_names(grid, start, mapping.header_rows)
    first_data = start + mapping.header_rows
    index: dict[str, list[int]] = {}
    for c, n in enumerate(names):
        if n:
            index.setdefault(n, []).append(c)
    header_at = max(first_data - 1, 0)

    def column_of(name: str, what: str) -> int | None:
        cols = index.get(name, [])
        if len(cols) == 1:
            return cols[0]
        if len(cols) > 1:
            where = ", ".join(cell_name(header_at, c) for c in cols)
            problems.append(Problem(grid.file, None, f"{what} '{name}' names several columns ({where})"))
            return None
        known = "; ".join(f"{cell_name(header_at, c)} '{n}'" for c, n in enumerate(names) if n) or "none"
        problems.append(Problem(mname, None, f"{what} '{name}' is not a column of {grid.file} (its columns: {known})"))
        return None

    unit_col = column_of(mapping.district_column, "district_column")
    period_col = column_of(mapping.period_column, "period_column") if mapping.period_column else None
    metrics = set(ds.metrics["metric_id"])
    kinds = dict(zip(ds.metrics["metric_id"], ds.metrics["kind"]))
    wide: list[tuple[int, Column]] = []
    if not mapping.long:
        for key, column in mapping.columns.items():
            c = column_of(key, "column")
            if c is None:
                continue
            problems += _column_problems(column, at(header_at, c), metrics)
            wide.append((c, column))
        mapped = {c for c, _ in wide} | {unit_col, period_col}
        unmapped = [n for c, n in enumerate(names) if n and c not in mapped]
        if unmapped:
            notes.append(f"not imported (no mapping): {', '.join(unmapped)}")
        metric_col = value_col = None
    else:
        metric_col = column_of(mapping.metric_column, "metric_column")
        value_col = column_of(mapping.value_column, "value_column")
        for key, column in mapping.columns.items():
            problems += _column_problems(column, f"{mname} columns '{key}'", metrics)
    if (
        unit_col is None
        or (mapping.long and None in (metric_col, value_col))
        or (period_col is None and not mapping.period)
    ):
        return empty  # without these columns no row can be read; the cells of the others still are

    fixed = parse_period(mapping.period) if mapping.period else None
    obs, cells, seen = [], [], {}
    skipped_missing = 0
    for r in range(first_data, len(grid.own)):
        row_own, row_carried = grid.own[r], grid.carried[r]
        if not any(normal(v) for v in row_own):
            continue
        label = row_carried[unit_col]
        if normal(label) in mapping.skip:
            notes.append(f"skipped row {r + 1} (skip: '{normal(label)}')")
            continue
        if mapping.long:
            metric_label = normal(row_carried[metric_col])
            column = mapping.columns.get(metric_label) or (Column(metric_label, metric_label) if metric_label else None)
            cells_here = [(value_col, column)]
        else:
            cells_here = wide
        readings, texts, blanks = [], [], 0
        for c, column in cells_here:
            raw = row_own[c]
            try:
                number = read_number(raw)
            except ValueError:
                texts.append((c, raw))
                continue
            if number is None:
                blanks += 1
            else:
                readings.append((c, column, raw, number))
        code, why = units.find(label, mapping.totals) if normal(label) else ("", "no unit named")
        if not code:
            if not readings:
                shown = next((" ".join(v.split()) for v in row_carried if normal(v)), "")
                notes.append(f"skipped row {r + 1} (not a unit, no figures): '{shown[:40]}'")
                continue
            problems.append(Problem(at(r, unit_col), None, why))
            continue
        skipped_missing += blanks
        for c, raw in texts:
            problems.append(Problem(at(r, c), None, f"'{raw}' is not a number"))
        if mapping.long and not cells_here[0][1]:
            problems.append(Problem(at(r, metric_col), None, "no metric named"))
            continue
        if fixed is None:
            try:
                period = parse_period(re.sub(r"年$", "", normal(row_carried[period_col])))
            except PeriodError as exc:
                problems.append(Problem(at(r, period_col), None, str(exc)))
                continue
        else:
            period = fixed
        for c, column, raw, number in readings:
            if mapping.long and column.metric not in metrics:
                problems.append(
                    Problem(at(r, metric_col), None, f"'{column.metric}' is neither mapped nor a metric id")
                )
                continue
            scale = column.scale if column.scale is not None else _header_scale(column.name) or 1.0
            start_iso = period.start.isoformat() if period.start else ""
            end_iso = period.end.isoformat() if period.end else ""
            if kinds.get(column.metric) == "stock":  # a stock in a yearly table stands at the period's end
                start_iso = end_iso
            key = (code, start_iso, end_iso, column.metric, column.subset, column.basis, column.scope)
            if key in seen:
                problems.append(
                    Problem(at(r, c), None, f"a second figure for {code} {column.metric} (first at {seen[key]})")
                )
                continue
            seen[key] = cell_name(r, c)
            obs.append(
                {
                    "doc_id": mapping.doc_id,
                    "district_code": code,
                    "period_start": start_iso,
                    "period_end": end_iso,
                    "metric_id": column.metric,
                    "subset": column.subset,
                    "value": _number_text(number * scale),
                    "qualifier": column.qualifier,
                    "statement": "actual",
                    "quote": "",
                    "basis": column.basis,
                    "scope": column.scope,
                }
            )
            cells.append(
                dict(zip(CELL_COLUMNS[:8], [mapping.doc_id, *key]))
                | {"file": table.name, "sheet": grid.sheet, "cell": cell_name(r, c), "raw": raw, "scale": f"{scale:g}"}
            )
    if skipped_missing:
        notes.append(f"{skipped_missing} cell(s) blank or a dash: no figure")
    if not obs and not problems:
        problems.append(Problem(grid.file, None, "no figure found under the mapped columns"))
    if problems:
        return empty
    observations = pd.DataFrame(obs, columns=OBSERVATION_COLUMNS)
    starts = [p for p in observations["period_start"] if p]
    ends = [p for p in observations["period_end"] if p]
    start, end = (min(starts) if starts else ""), (max(ends) if ends else "")
    row = units.row
    source = {
        "doc_id": mapping.doc_id,
        "title": mapping.title,
        "district_zh": row["name_zh"],
        "district_code": within,
        "level": row["level"],
        "province_zh": row["province_zh"],
        "prefecture_zh": row["prefecture_zh"],
        "period_label": period_label(start or None, end or None) if start else "",
        "period_start": start,
        "period_end": end,
        "published": mapping.published,
        "url": mapping.url,
        "complete": "yes" if mapping.keep_file else "no",
    }
    return Imported(
        mapping.doc_id, observations, pd.DataFrame(cells, columns=CELL_COLUMNS), source, notes, [], 0, grid.sheet
    )


def _header_scale(name: str) -> float | None:
    """The multiplier a column's header states in its unit, '(万件)' → 10000; None when it names no unit."""
    found = HEADER_UNIT.findall(name)
    return float(MULTIPLIERS[found[-1][0] or None]) if found else None


def _column_problems(column: Column, where: str, metrics: set[str]) -> list[Problem]:
    problems = []
    if column.metric not in metrics:
        problems.append(Problem(where, None, f"column '{column.name}' is mapped to unknown metric '{column.metric}'"))
    stated = _header_scale(column.name)
    if stated is not None and column.scale is not None and stated != column.scale:
        problems.append(
            Problem(
                where,
                None,
                f"column '{column.name}' states ×{stated:g} in its header but its scale is {column.scale:g}",
            )
        )
    return problems


# ---------------------------------------------------------------- the locked, validated write


def import_table(table: Path, mapping_path: Path, data_dir=None, dry_run: bool = False) -> Imported:
    """Import a table into the data folder: only if `compare validate` stays clean with its rows, replacing the
    rows of an earlier import of the same doc_id. With problems (each naming its cell) nothing is written."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    table = Path(table)
    mapping, problems = read_mapping(Path(mapping_path))
    if problems:
        return Imported("", pd.DataFrame(), pd.DataFrame(), {}, problems=problems)
    if table.suffix.lower() not in TABLE_SUFFIXES:
        return Imported(
            mapping.doc_id,
            pd.DataFrame(),
            pd.DataFrame(),
            {},
            problems=[Problem(table.name, None, "a table must be a .csv or .xlsx file")],
        )
    ds = load_dataset(folder)
    if mapping.doc_id in set(ds.sources["doc_id"]) and mapping.doc_id not in table_docs(folder):
        return Imported(
            mapping.doc_id,
            pd.DataFrame(),
            pd.DataFrame(),
            {},
            problems=[
                Problem(
                    mapping.path.name,
                    None,
                    f"source.doc_id '{mapping.doc_id}' is already a source that was not "
                    "imported from a table; choose another doc_id",
                )
            ],
        )
    result = table_observations(table, mapping, ds)
    if result.problems or dry_run:
        return result
    obs_file, src_file = folder / FILES["observations"][0], folder / FILES["sources"][0]
    with locked(folder):
        before = (file_digest(obs_file), file_digest(src_file))
        observations = read_table(obs_file, OBSERVATION_COLUMNS)
        sources = read_table(src_file, SOURCE_COLUMNS)
        kept = observations[observations["doc_id"] != mapping.doc_id]
        result.replaced = len(observations) - len(kept)
        merged = pd.concat([kept, result.observations], ignore_index=True)
        sources = pd.concat(
            [sources[sources["doc_id"] != mapping.doc_id], pd.DataFrame([result.source], columns=SOURCE_COLUMNS)],
            ignore_index=True,
        )
        old_table = kept_table(folder, mapping.doc_id)
        new_table = folder / "sources" / f"{mapping.doc_id}{table.suffix.lower()}"
        with tempfile.TemporaryDirectory() as tmp:
            trial = Path(tmp) / "data"
            shutil.copytree(folder, trial)
            if old_table is not None:
                (trial / "sources" / old_table.name).unlink()
            if mapping.keep_file:
                shutil.copyfile(table, trial / "sources" / new_table.name)
            write_cells_to = cells_path(trial, mapping.doc_id)
            write_cells_to.write_text(write_cells(result.cells), encoding="utf-8")
            sources.to_csv(trial / FILES["sources"][0], index=False)
            merged.to_csv(trial / FILES["observations"][0], index=False)
            found, _ = validate(trial)
            if found:
                result.problems = _at_cells(found, len(kept), result.cells)
                return result
            if (file_digest(obs_file), file_digest(src_file)) != before:
                raise CompareError(f"{folder} changed while the table was being imported; run compare import again.")
            if mapping.keep_file:
                write_atomically(new_table, table.read_bytes())
            if old_table is not None and old_table != new_table or (old_table is not None and not mapping.keep_file):
                old_table.unlink()
            write_atomically(cells_path(folder, mapping.doc_id), write_cells_to.read_bytes())
            write_atomically(src_file, (trial / FILES["sources"][0]).read_bytes())
            write_atomically(obs_file, (trial / FILES["observations"][0]).read_bytes())
    return result


def _at_cells(problems: list[Problem], existing: int, cells: pd.DataFrame) -> list[Problem]:
    """Problems of the trial's new observation rows, told at the table cell they came from."""
    out = []
    for p in problems:
        row = (p.line or 0) - existing - 2
        if Path(p.file).name == "observations.csv" and 0 <= row < len(cells):
            c = cells.iloc[row]
            out.append(Problem(f"{c['file']}!{c['cell']}", None, p.reason))
        elif p.file.endswith(".cells.csv") and p.line and 0 <= p.line - 2 < len(cells):
            c = cells.iloc[p.line - 2]
            out.append(Problem(f"{c['file']}!{c['cell']}", None, p.reason))
        else:
            out.append(p)
    return out
