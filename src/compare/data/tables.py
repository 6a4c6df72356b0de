"""Load the curated tables in data/ into typed DataFrames, and validate them.

Tables (see README, "Data model"):
    sources/sources.csv, sources/<doc_id>.txt   the documents
    metrics.csv                                 the metric catalogue
    reference/districts.csv, populations.csv    districts and their populations
    observations.csv                            one number per row, with its quote
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from ..errors import DataError, UnknownDistrictError, UnknownMetricError
from ..paths import data_dir as default_data_dir
from .numerals import quote_qualifiers, value_in_quote

SOURCE_COLUMNS = [
    "doc_id",
    "title",
    "district_zh",
    "district_code",
    "level",
    "province_zh",
    "prefecture_zh",
    "period_label",
    "period_start",
    "period_end",
    "published",
    "url",
    "complete",
]
METRIC_COLUMNS = [
    "metric_id",
    "name_zh",
    "name_en",
    "unit",
    "kind",
    "per_capita",
    "variation",
    "numerator",
    "denominator",
    "definition",
    "typical_phrases",
]
DISTRICT_COLUMNS = [
    "code",
    "name_zh",
    "name_en",
    "level",
    "prefecture_code",
    "province_code",
    "province_zh",
    "prefecture_zh",
]
POPULATION_COLUMNS = ["district_code", "year", "population", "definition", "scope", "source"]
OBSERVATION_COLUMNS = [
    "doc_id",
    "district_code",
    "period_start",
    "period_end",
    "metric_id",
    "subset",
    "value",
    "qualifier",
    "statement",
    "quote",
    "basis",
    "scope",
]
OPTIONAL_COLUMNS = {"basis": "", "scope": ""}  # read as empty where a table (a gold set, a review file) lacks them
OBSERVATION_KEY = [
    "doc_id",
    "district_code",
    "period_start",
    "period_end",
    "metric_id",
    "subset",
    "statement",
    "basis",
    "scope",
]

QUALIFIERS = ("exact", "at_least", "approx", "at_most")
STATEMENTS = ("actual", "target", "reported_per_10k", "yoy_pct")
KINDS = ("flow", "stock", "ratio")
# How a quantity varies by chance: poisson (events: an exact Poisson interval), binomial (a share with a known
# numerator and denominator: a Wilson interval), none (stocks in post, money, copies, person-times: no interval).
# A binomial share names the metrics counting its numerator and denominator (mediation_success_rate:
# disputes_mediated_success of disputes_mediated), so the share can be recomputed from counts.
VARIATIONS = ("poisson", "binomial", "none")
# What a count counts, where the source says: cases received (受理), handled (办理), assigned (指派/审批) or
# concluded (办结); empty when it does not say. Figures of different bases are never compared.
BASES = ("", "received", "handled", "assigned", "concluded")
# Whose work a figure covers, where it departs from the catalogue's definition at the unit's own level:
# all_levels (a province's or the nation's total that includes the work of bodies above county and city level,
# such as provincial legal aid centres), with_court_referrals (mediation including cases courts referred),
# with_legal_help (legal aid including duty lawyers' legal help). Figures of different scopes are never compared.
SCOPES = ("", "all_levels", "with_court_referrals", "with_legal_help")
LEVELS = ("nation", "province", "prefecture", "county", "zone")
POPULATION_DEFINITIONS = ("census_resident", "resident_yearend", "registered_yearend")
UNITS = {  # unit id -> plural used in axis titles ("cases per 10,000 residents per year")
    "case": "cases",
    "person_time": "person-times",
    "person": "people",
    "org": "organisations",
    "CNY": "yuan",
    "event": "events",
    "copy": "copies",
    "enterprise": "enterprises",
    "office": "offices",
    "site": "sites",
    "file": "files",
    "percent": "percent",
    "item": "items",
    "certificate": "certificates",
}
# A population no unit can have: the smallest county-level unit has thousands of residents (the smallest
# prefecture, Sansha, 2,333), and no unit more than China's 1.4 billion; inf, 1e-300 or a typo in thousands are refused.
MIN_POPULATION, MAX_POPULATION = 1_000, 2_000_000_000
DOC_ID = r"^[a-z0-9][a-z0-9-]*$"
CODE = r"^\d{6}$"
METRIC_ID = r"^[a-z][a-z0-9_]*$"
SUBSET = r"^([a-z0-9_]+(/[a-z0-9_]+)*)?$"

FILES = {
    "sources": ("sources/sources.csv", SOURCE_COLUMNS),
    "metrics": ("metrics.csv", METRIC_COLUMNS),
    "districts": ("reference/districts.csv", DISTRICT_COLUMNS),
    "populations": ("reference/populations.csv", POPULATION_COLUMNS),
    "observations": ("observations.csv", OBSERVATION_COLUMNS),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: which file, which line an editor shows (1 = header), and why; `row` is
    the data row's position in its table (0 = first), which differs from line - 2 after a multi-line cell."""

    file: str
    line: int | None
    reason: str
    row: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class Dataset:
    """The curated tables, typed. Build with load_dataset()."""

    data_dir: Path
    sources: pd.DataFrame
    metrics: pd.DataFrame
    districts: pd.DataFrame
    populations: pd.DataFrame
    observations: pd.DataFrame
    texts: dict[str, str] = field(repr=False)
    version: str = ""
    synthetic: bool = False  # the folder holds SYNTHETIC.txt: invented data, and every brief says so

    def metric(self, metric_id: str) -> pd.Series:
        """The catalogue row of a metric, or UnknownMetricError."""
        rows = self.metrics[self.metrics["metric_id"] == metric_id]
        if rows.empty:
            raise UnknownMetricError(f"Unknown metric '{metric_id}'; see data/metrics.csv for the ids.")
        return rows.iloc[0]

    def district(self, code: str) -> pd.Series:
        """The reference row of a district code, or UnknownDistrictError."""
        rows = self.districts[self.districts["code"] == code]
        if rows.empty:
            raise UnknownDistrictError(f"Unknown district code '{code}'; codes are 6-digit GB/T 2260 codes.")
        return rows.iloc[0]


# ---------------------------------------------------------------- reading


# Names users know for the encodings a Chinese text is likely to be in (charset_normalizer's codec names).
ENCODING_NAMES = {
    "gb18030": "GBK",
    "gbk": "GBK",
    "gb2312": "GBK",
    "hz": "GBK",
    "big5": "Big5",
    "big5hkscs": "Big5",
    "cp950": "Big5",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "utf_32": "UTF-32",
}
ENCODING_SAMPLE_BYTES = 64 * 1024


def per_version(cache: dict, ds: Dataset, build, *key_parts, keep: int = 1):
    """build(), kept in cache by ds's data folder and data version (and key_parts), at most keep entries; built
    anew every time for a dataset with no version (one made in memory, which may change)."""
    key = (str(getattr(ds, "data_dir", "")), getattr(ds, "version", None), *key_parts)
    if not key[1]:
        return build()
    if key not in cache:
        if len(cache) >= keep:
            cache.clear()
        cache[key] = build()
    return cache[key]


def guess_encoding(raw: bytes) -> str:
    """A readable guess at the encoding of bytes that are not UTF-8: 'GBK', 'Big5', ... or 'unknown'.

    Chinese encodings are preferred among the plausible ones (short GBK texts also decode as Korean)."""
    matches = list(from_bytes(raw[:ENCODING_SAMPLE_BYTES]))
    for match in matches:
        if match.encoding in ENCODING_NAMES and (match.bom or not match.encoding.startswith("utf")):
            return ENCODING_NAMES[match.encoding]
    return matches[0].encoding.upper().replace("_", "-") if matches else "unknown"


def not_utf8_reason(path: Path) -> str:
    """'not UTF-8 text (looks like GBK)': why a file could not be read, with a guess at its encoding."""
    with open(path, "rb") as handle:
        return f"not UTF-8 text (looks like {guess_encoding(handle.read(ENCODING_SAMPLE_BYTES))})"


def read_csv_checked(path: Path, **options) -> pd.DataFrame:
    """pd.read_csv(path, **options), or DataError naming the file: missing, not UTF-8, malformed, or with
    more fields on its first data row than in its header (which pandas would silently read as an index)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path.name, f"file not found at {path}.")
    try:
        table = pd.read_csv(path, encoding="utf-8-sig", **options)
    except UnicodeDecodeError as exc:
        raise DataError(path.name, f"{not_utf8_reason(path)}.") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(path.name, f"malformed CSV ({str(exc).strip()}).") from exc
    if not isinstance(table.index, pd.RangeIndex):
        raise DataError(
            path.name,
            f"line 2 has more fields than the header's {len(table.columns)}; "
            "remove the stray field or quote a cell that holds a comma.",
        )
    return table


def read_table(path: Path, columns: list[str]) -> pd.DataFrame:
    """A CSV as strings (empty cells as ''), with its expected columns each named once, or DataError."""
    table = read_csv_checked(path, dtype=str, keep_default_na=False)
    table = table.assign(**{c: d for c, d in OPTIONAL_COLUMNS.items() if c in columns and c not in table.columns})
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(Path(path).name, f"missing column(s) {', '.join(missing)}.")
    repeated = repeated_columns(path, columns)
    if repeated:  # pandas would read the second as 'value.1' and the first alone would count
        raise DataError(Path(path).name, f"the header names {', '.join(repeated)} twice or more; keep one column each.")
    return table[columns].astype(str)


def repeated_columns(path: Path, columns: list[str]) -> list[str]:
    """The columns among `columns` that the CSV's header names more than once."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return [c for c in columns if header.count(c) > 1]


def record_lines(path: Path, records: int) -> list[int] | None:
    """The line an editor shows for each data row of a CSV, or None when every row is one line and no line is
    blank (row i on line i + 2): a quoted cell holding a line break, or a blank line, moves later rows down."""
    newlines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            newlines, last = newlines + chunk.count(b"\n"), chunk[-1:]
    if newlines + (last != b"\n") == records + 1:
        return None
    starts, end = [], 0
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            for row in reader:
                if row:  # pandas skips blank lines
                    starts.append(end + 1)
                end = reader.line_num
    except (csv.Error, UnicodeDecodeError):
        return None
    return starts[1:] if len(starts) == records + 1 else None  # else read unlike pandas: keep row numbers


def at_editor_lines(problems: list[Problem], lines: dict[str, list[int] | None]) -> list[Problem]:
    """Problems told at the line an editor shows (lines: per file, record_lines), each keeping its row."""
    out = []
    for p in problems:
        if not p.line or p.line < 2:
            out.append(p)
            continue
        row, starts = p.line - 2, lines.get(p.file)
        line = starts[row] if starts is not None and row < len(starts) else p.line
        out.append(replace(p, line=line, row=row))
    return out


def read_source_texts(sources: pd.DataFrame, folder: Path) -> tuple[dict[str, str], list[Problem]]:
    """The text of every source that has one, by doc_id, and a problem for each text that is not UTF-8.

    Paths come only from safe doc ids."""
    texts, problems = {}, []
    for doc_id in sources["doc_id"]:
        path = folder / f"{doc_id}.txt"
        if not (re.fullmatch(DOC_ID, doc_id) and path.is_file()):
            continue
        try:
            texts[doc_id] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(f"{folder.name}/{path.name}", None, not_utf8_reason(path)))
    return texts, problems


def read_texts(sources: pd.DataFrame, folder: Path) -> dict[str, str]:
    """The text of every source that has one, by doc_id; DataError if one is not UTF-8."""
    texts, problems = read_source_texts(sources, folder)
    if problems:
        raise DataError(problems[0].file, f"{problems[0].reason}; save it as UTF-8.")
    return texts


# A data folder holding this file is SYNTHETIC (the demo, benchmarks): its briefs' titles and charts say so.
SYNTHETIC_MARKER = "SYNTHETIC.txt"
# What a data version covers: the tables, the extractor's phrase table, the census covariates statistical
# neighbours are found on, the synthetic marker and the source texts (sources/*.txt).
# Anything else under data/ (a README, an editor's backup, a stray download, the lock file) is not data.
VERSIONED_TABLES = sorted(
    [*(rel for rel, _ in FILES.values()), "metric_phrases.csv", "reference/census_covariates.csv", SYNTHETIC_MARKER]
)
HASH_CHUNK = 1 << 20


def data_files(folder: Path) -> list[Path]:
    """The files a data version covers that exist under folder, in a fixed order (regular files only)."""
    folder = Path(folder)
    texts = sorted((folder / "sources").glob("*.txt"))
    return [p for p in [*(folder / rel for rel in VERSIONED_TABLES), *texts] if p.is_file()]


def data_version(folder: Path) -> str:
    """A short hash of the data under folder (data_files): changes whenever any data changes. Files are read
    in chunks, so a large text costs time, never its size in memory."""
    folder = Path(folder)
    digest = hashlib.sha256()
    for path in data_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with open(path, "rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def _paths(folder: Path) -> dict[str, Path]:
    return {name: folder / rel for name, (rel, _) in FILES.items()}


def _read_raw(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    return {name: read_table(paths[name], cols) for name, (_, cols) in FILES.items()}


def _typed(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    obs = raw["observations"].copy()
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce").astype("float64")
    for col in ("period_start", "period_end"):
        obs[col] = pd.to_datetime(obs[col].replace("", None), format="%Y-%m-%d", errors="coerce")
    obs["source_line"] = np.arange(len(obs)) + 2
    pops = raw["populations"].copy()
    pops["year"] = pd.to_numeric(pops["year"], errors="coerce").astype("Int64")
    pops["population"] = pd.to_numeric(pops["population"], errors="coerce").astype("float64")
    metrics = raw["metrics"].copy()
    metrics["per_capita"] = metrics["per_capita"] == "yes"
    return {**raw, "observations": obs, "populations": pops, "metrics": metrics}


def load_dataset(folder: Path | None = None) -> Dataset:
    """Read every table under folder (default data/) into typed DataFrames; DataError if unreadable.

    Loading does not validate: call validate() for the full check."""
    folder = Path(folder) if folder else default_data_dir()
    raw = _read_raw(_paths(folder))
    return _dataset(folder, raw, read_texts(raw["sources"], folder / "sources"))


def _dataset(folder: Path, raw: dict[str, pd.DataFrame], texts: dict[str, str]) -> Dataset:
    return Dataset(
        data_dir=folder, texts=texts, version=data_version(folder), synthetic=is_synthetic(folder), **_typed(raw)
    )


def is_synthetic(folder: Path) -> bool:
    """Whether a data folder holds SYNTHETIC data (it has the SYNTHETIC.txt marker)."""
    return (Path(folder) / SYNTHETIC_MARKER).is_file()


# ---------------------------------------------------------------- validation


@cache
def schemas() -> dict:
    """Each table's pandera schema, by table name (pandera is imported here: loading never needs it)."""
    import pandera.pandas as pa

    def matching(column: str, pattern: str, rule: str, **kwargs):
        return pa.Column(str, pa.Check.str_matches(pattern, error=f"{column} must be {rule}"), **kwargs)

    def one_of(column: str, allowed):
        rule = ("empty or one of " if "" in allowed else "one of ") + ", ".join(a for a in allowed if a)
        return pa.Column(str, pa.Check.isin(list(allowed), error=f"{column} must be {rule}"))

    def table(**columns):
        return pa.DataFrameSchema(columns, strict=False)

    return {
        "observations": table(
            doc_id=matching("doc_id", DOC_ID, "lower-case letters, digits and hyphens"),
            district_code=matching("district_code", CODE, "six digits"),
            metric_id=matching("metric_id", METRIC_ID, "lower-case letters, digits and _"),
            subset=matching("subset", SUBSET, "empty or lower_case words joined by /"),
            value=pa.Column(
                float, pa.Check(np.isfinite, element_wise=True, error="value must be a number"), nullable=False
            ),
            qualifier=one_of("qualifier", QUALIFIERS),
            statement=one_of("statement", STATEMENTS),
            basis=one_of("basis", BASES),
            scope=one_of("scope", SCOPES),
        ),
        "metrics": table(
            metric_id=matching("metric_id", METRIC_ID, "lower-case letters, digits and _", unique=True),
            unit=one_of("unit", UNITS),
            kind=one_of("kind", KINDS),
            variation=one_of("variation", VARIATIONS),
        ),
        "sources": table(doc_id=matching("doc_id", DOC_ID, "lower-case letters, digits and hyphens", unique=True)),
        "districts": table(code=matching("code", CODE, "six digits", unique=True), level=one_of("level", LEVELS)),
        "populations": table(
            district_code=matching("district_code", CODE, "six digits"),
            year=pa.Column("Int64", pa.Check.in_range(1949, 2100, error="year must be a year"), nullable=False),
            population=pa.Column(
                float,
                pa.Check.in_range(
                    MIN_POPULATION,
                    MAX_POPULATION,
                    error=f"population must be a number of residents from {MIN_POPULATION:,} to {MAX_POPULATION:,}",
                ),
                nullable=False,
            ),
            definition=one_of("definition", POPULATION_DEFINITIONS),
        ),
    }


def schema_problems(name: str, table: pd.DataFrame) -> list[Problem]:
    """Pandera's lazy validation of one table, as problems with CSV line numbers.

    Checks are per column, so pandera sees each column's distinct values once (millions of rows hold few
    distinct ids); a failing value is then reported on every row that carries it."""
    import pandera.pandas as pa

    problems = []
    for column, spec in schemas()[name].columns.items():
        if column not in table.columns:
            continue
        values = table[column]
        try:
            pa.DataFrameSchema({column: spec}).validate(values.drop_duplicates().to_frame(), lazy=True)
        except pa.errors.SchemaErrors as exc:
            reasons = {}
            for check, value in zip(exc.failure_cases["check"], exc.failure_cases["failure_case"]):
                reasons.setdefault(value, _schema_reason(column, check, value))
            bad = values.isna() if any(pd.isna(v) for v in reasons) else pd.Series(False, index=values.index)
            bad |= values.isin([v for v in reasons if not pd.isna(v)])
            nan_reason = next((r for v, r in reasons.items() if pd.isna(v)), "")
            problems += [
                Problem(FILES[name][0], int(i) + 2, reasons.get(v, nan_reason)) for i, v in values[bad].items()
            ]
        if spec.unique:
            dup = values.duplicated(keep="first")
            problems += [
                Problem(FILES[name][0], int(i) + 2, f"{column} {v!r} appears more than once")
                for i, v in values[dup].items()
            ]
    return problems


def _schema_reason(column, check, value) -> str:
    if check == "field_uniqueness":
        return f"{column} {value!r} appears more than once"
    if str(check).startswith(("dtype", "not_nullable")):
        return f"{column} is empty or not a number"
    return f"{check} (got {value!r})"


def _problems_where(mask: pd.Series, table: pd.DataFrame, file: str, reason) -> list[Problem]:
    rows = table[mask]
    return [Problem(file, int(i) + 2, reason(row)) for i, row in rows.iterrows()]


def matches(values: pd.Series, pattern: str) -> pd.Series:
    """values.str.fullmatch(pattern), computed once per distinct value."""
    distinct = values.drop_duplicates()
    return values.isin(distinct[distinct.str.fullmatch(pattern).fillna(False).astype(bool)])


def observation_problems(
    ds: Dataset, raw_obs: pd.DataFrame, unreadable: frozenset[str] = frozenset(), tables: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every check of observations.csv against the other tables and the source texts.

    Rows of the unreadable documents (texts that are not UTF-8, reported on their own) skip the quote checks;
    documents imported from tables (`tables`: their cells are checked by cells.cell_problems) need no text."""
    obs, obs_file = ds.observations, FILES["observations"][0]
    problems: list[Problem] = []
    add = problems.extend

    add(
        _problems_where(
            matches(obs["doc_id"], DOC_ID) & ~obs["doc_id"].isin(ds.sources["doc_id"]),
            obs,
            obs_file,
            lambda r: f"unknown doc_id '{r.doc_id}' (not in sources/sources.csv)",
        )
    )
    add(
        _problems_where(
            matches(obs["district_code"], CODE) & ~obs["district_code"].isin(ds.districts["code"]),
            obs,
            obs_file,
            lambda r: f"unknown district code '{r.district_code}' (not in reference/districts.csv)",
        )
    )
    add(
        _problems_where(
            ~obs["metric_id"].isin(ds.metrics["metric_id"]) & matches(obs["metric_id"], METRIC_ID),
            obs,
            obs_file,
            lambda r: f"unknown metric '{r.metric_id}' (not in metrics.csv)",
        )
    )

    bad_dates = {col: obs[col].isna() & raw_obs[col].ne("") for col in ("period_start", "period_end")}
    excel = _excel_dates(raw_obs, bad_dates, obs_file)
    add(excel.problems)
    for col, bad_date in bad_dates.items():
        bad_date = bad_date & ~excel.rows
        add(_problems_where(bad_date, raw_obs, obs_file, lambda r, c=col: f"{c} '{r[c]}' is not a date (YYYY-MM-DD)"))
    add(
        _problems_where(
            obs["period_start"] > obs["period_end"],
            obs,
            obs_file,
            lambda r: f"period_start {r.period_start.date()} is after period_end {r.period_end.date()}",
        )
    )

    has_text = obs["doc_id"].isin(list(ds.texts))
    known = obs["doc_id"].isin(ds.sources["doc_id"]) & ~obs["doc_id"].isin(list(unreadable))
    cited = ~has_text & obs["doc_id"].isin(ds.sources.loc[ds.sources["url"].ne(""), "doc_id"])
    cited |= obs["doc_id"].isin(list(tables))
    add(
        _problems_where(
            has_text & obs["quote"].eq(""), obs, obs_file, lambda r: "quote is empty, but the source has a text"
        )
    )
    add(
        _problems_where(
            ~has_text & ~cited & known,
            obs,
            obs_file,
            lambda r: f"source '{r.doc_id}' has neither a text file nor a URL to cite",
        )
    )
    add(
        _problems_where(
            ~has_text & obs["quote"].ne("") & known,
            obs,
            obs_file,
            lambda r: f"quote given but sources/{r.doc_id}.txt does not exist",
        )
    )
    quoted = obs[has_text & obs["quote"].ne("")]
    found = pd.Series(
        [q in ds.texts[d] for d, q in zip(quoted["doc_id"], quoted["quote"])], index=quoted.index, dtype=bool
    )
    add(
        _problems_where(
            ~found, quoted, obs_file, lambda r: f"quote not found verbatim in sources/{r.doc_id}.txt: '{r.quote}'"
        )
    )
    readable = quoted[found & quoted["value"].notna()]
    read_back = pd.Series(
        [value_in_quote(v, q) for v, q in zip(readable["value"], readable["quote"])], index=readable.index, dtype=bool
    )
    add(
        _problems_where(
            ~read_back, readable, obs_file, lambda r: f"value {r.value:g} cannot be read from the quote '{r.quote}'"
        )
    )
    add(_qualifier_problems(readable[read_back], obs_file))
    add(_district_problems(obs, ds, obs_file))

    add(_metric_consistency_problems(obs, ds.metrics, obs_file))
    dated = ~(bad_dates["period_start"] | bad_dates["period_end"])  # an unreadable date is no period to match on
    dup = obs[dated].duplicated(OBSERVATION_KEY, keep="first").reindex(obs.index, fill_value=False)
    add(
        _problems_where(
            dup,
            obs,
            obs_file,
            lambda r: (
                "duplicate observation (same document, district, period, metric, subset and statement as an "
                "earlier row)"
            ),
        )
    )
    return problems


# Dates as Excel writes them back when it re-saves a CSV: 2022/1/1, 2022/01/01, 1/1/2022 (a time may follow).
EXCEL_DATE = r"(?:\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"


@dataclass(frozen=True)
class ExcelDates:
    rows: pd.Series  # rows whose unreadable dates are all in Excel's form (told once, not row by row)
    problems: list[Problem]


def _excel_dates(raw_obs: pd.DataFrame, bad_dates: dict[str, pd.Series], obs_file: str) -> ExcelDates:
    """One problem for dates in Excel's form (a table opened and saved again in Excel), instead of one a cell."""
    looks = {col: bad & matches(raw_obs[col], EXCEL_DATE) for col, bad in bad_dates.items()}
    unexplained = pd.concat([bad & ~looks[col] for col, bad in bad_dates.items()], axis=1).any(axis=1)
    rows = pd.concat(list(looks.values()), axis=1).any(axis=1) & ~unexplained
    if not rows.any():
        return ExcelDates(rows, [])
    first = rows.idxmax()
    example = next(raw_obs.at[first, col] for col in bad_dates if looks[col][first])
    reason = (
        f"dates look re-saved by Excel ({example} in {int(rows.sum())} rows): write them as YYYY-MM-DD again "
        "(restore the file with git checkout and edit it in a text editor, or format the date columns as "
        "yyyy-mm-dd in Excel before saving as CSV UTF-8)"
    )
    return ExcelDates(rows, [Problem(obs_file, None, reason)])


def _qualifier_problems(rows: pd.DataFrame, obs_file: str) -> list[Problem]:
    """The qualifier agrees with how the quote states the value (3万余 at_least, 48起 exact, 约 approx)."""
    problems = []
    for i, value, qualifier, quote in zip(rows.index, rows["value"], rows["qualifier"], rows["quote"]):
        stated = quote_qualifiers(value, quote)
        if qualifier in QUALIFIERS and stated and qualifier not in stated:
            problems.append(
                Problem(
                    obs_file,
                    int(i) + 2,
                    f"qualifier '{qualifier}' contradicts the quote, which reads "
                    f"{' or '.join(sorted(stated))}: '{quote}'",
                )
            )
    return problems


def _district_problems(obs: pd.DataFrame, ds: Dataset, obs_file: str) -> list[Problem]:
    """Each observation's district is its source's district (sources.csv), or lies inside it (a county of a
    prefecture's report, a province of the nation's). Checked once per distinct (document, district) pair."""
    pairs = obs[["doc_id", "district_code"]].drop_duplicates()
    source_codes = ds.sources[["doc_id", "district_code"]].rename(columns={"district_code": "source_codes"})
    pairs = pairs.merge(source_codes[source_codes["source_codes"].ne("")], on="doc_id", how="inner")
    parents = ds.districts[["code", "prefecture_code", "province_code"]].rename(columns={"code": "district_code"})
    pairs = pairs.merge(parents, on="district_code", how="inner")  # unknown codes are reported on their own
    allowed = pairs["source_codes"].str.split(";")
    nation = set(ds.districts.loc[ds.districts["level"] == "nation", "code"])  # every unit lies inside it
    inside = [
        bool(({c, p, q} | nation) & set(a))
        for c, p, q, a in zip(pairs["district_code"], pairs["prefecture_code"], pairs["province_code"], allowed)
    ]
    wrong = pairs[~np.array(inside, dtype=bool)]
    if wrong.empty:
        return []
    sources_of = dict(zip(wrong["doc_id"] + "|" + wrong["district_code"], wrong["source_codes"]))
    key = obs["doc_id"] + "|" + obs["district_code"]
    return _problems_where(
        key.isin(list(sources_of)),
        obs,
        obs_file,
        lambda r: (
            f"district_code {r.district_code} is not the district of its source {r.doc_id} "
            f"({sources_of[r.doc_id + '|' + r.district_code]} in sources/sources.csv)"
        ),
    )


def _metric_consistency_problems(obs: pd.DataFrame, metrics: pd.DataFrame, obs_file: str) -> list[Problem]:
    """Stocks at one date, flows over a span, percentages within 0-100, counts not negative."""
    m = obs.merge(metrics[["metric_id", "kind", "unit"]], on="metric_id", how="left").set_index(obs.index)
    dated = m["period_start"].notna() & m["period_end"].notna()
    actual_like = m["statement"].isin(["actual", "target"])
    problems = []
    problems += _problems_where(
        actual_like & (m["kind"] == "stock") & dated & (m["period_start"] != m["period_end"]),
        m,
        obs_file,
        lambda r: f"{r.metric_id} is a stock (counted at a date): period_start must equal period_end",
    )
    problems += _problems_where(
        actual_like & (m["kind"] == "flow") & dated & (m["period_start"] == m["period_end"]),
        m,
        obs_file,
        lambda r: f"{r.metric_id} is a flow (counted over a period): period_end must be after period_start",
    )
    problems += _problems_where(
        (m["statement"] == "actual") & (m["unit"] == "percent") & ~m["value"].between(0, 100),
        m,
        obs_file,
        lambda r: f"{r.metric_id} is a percentage: value {r.value:g} must lie in 0-100",
    )
    problems += _problems_where(
        actual_like & (m["unit"] != "percent") & (m["value"] < 0),
        m,
        obs_file,
        lambda r: f"{r.metric_id} counts {UNITS.get(r.unit, r.unit)}: value {r.value:g} cannot be negative",
    )
    problems += _problems_where(
        (m["statement"] == "reported_per_10k") & (m["kind"] == "ratio"),
        m,
        obs_file,
        lambda r: f"{r.metric_id} is already a ratio: a per-10,000 rate of it makes no sense",
    )
    return problems


def is_web_address(url: str) -> bool:
    """Whether url is an absolute http:// or https:// address with a host."""
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an unclosed [IPv6] host
        return False


def catalogue_problems(metrics: pd.DataFrame) -> list[Problem]:
    """A share's numerator and denominator are catalogue metrics, named only for binomial quantities."""
    mf, known = FILES["metrics"][0], set(metrics["metric_id"])
    problems = []
    for column in ("numerator", "denominator"):
        named = metrics[column].ne("")
        problems += _problems_where(
            named & ~metrics[column].isin(known),
            metrics,
            mf,
            lambda r, c=column: f"{c} '{r[c]}' is not a metric of the catalogue",
        )
        problems += _problems_where(
            named & metrics["variation"].ne("binomial"),
            metrics,
            mf,
            lambda r, c=column: f"{r.metric_id} names a {c} but its variation is not binomial",
        )
    return problems


def reference_problems(ds: Dataset) -> list[Problem]:
    """Populations and sources refer to districts that exist; a source's URL is a web address."""
    pf, sf = FILES["populations"][0], FILES["sources"][0]
    problems = _problems_where(
        ~ds.populations["district_code"].isin(ds.districts["code"]) & matches(ds.populations["district_code"], CODE),
        ds.populations,
        pf,
        lambda r: f"unknown district code '{r.district_code}'",
    )
    codes = ds.sources["district_code"].str.split(";").explode()
    unknown = codes[codes.ne("") & ~codes.isin(ds.districts["code"])]
    problems += [Problem(sf, int(i) + 2, f"unknown district code '{c}'") for i, c in unknown.items()]
    not_web = ds.sources["url"].ne("") & ~ds.sources["url"].map(is_web_address).astype(bool)
    problems += _problems_where(not_web, ds.sources, sf, lambda r: f"url must be an http(s) address (got '{r.url}')")
    return problems


def validate(
    folder: Path | None = None, observations: Path | None = None, sources: Path | None = None
) -> tuple[list[Problem], Dataset | None]:
    """All problems with the data under folder (default data/), and the dataset if it could be read;
    `observations` and `sources` read those files in place of the folder's own (a trial merge)."""
    folder = Path(folder) if folder else default_data_dir()
    paths = _paths(folder)
    for name, given in (("observations", observations), ("sources", sources)):
        if given is not None:
            paths[name] = Path(given)
    try:
        raw = _read_raw(paths)
    except DataError as exc:
        return [Problem(exc.file, None, exc.reason)], None
    texts, problems = read_source_texts(raw["sources"], folder / "sources")
    unreadable = frozenset(Path(p.file).stem for p in problems)
    ds = _dataset(folder, raw, texts)
    for name in schemas():
        problems += schema_problems(name, getattr(ds, name))
    problems += reference_problems(ds) + catalogue_problems(ds.metrics)
    from .cells import cell_problems, table_docs  # cells reads tables' names: imported here, not at the top

    problems += observation_problems(ds, raw["observations"], unreadable, frozenset(table_docs(folder)))
    problems += cell_problems(ds, folder)
    lines = {FILES[name][0]: record_lines(paths[name], len(raw[name])) for name in FILES}
    problems = at_editor_lines(problems, lines)
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.reason)), ds


def load_validated(folder: Path | None = None, override: str = "") -> Dataset:
    """The dataset under folder, only if compare validate finds nothing wrong with it; else DataError in one
    sentence (how many problems, the first one, what to do; `override` names an option that skips this)."""
    folder = Path(folder) if folder else default_data_dir()
    problems, ds = validate(folder)
    if not problems and ds is not None:
        return ds
    first = str(problems[0])
    first = first if len(first) <= 160 else first[:157] + "..."
    instead = f", or pass {override} to use the data as it is" if override else ""
    raise DataError(
        folder,
        f"{len(problems)} problem(s) compare validate rejects, the first {first.rstrip('.')}; "
        f"fix them (compare validate lists them all){instead}.",
    )


def summary(ds: Dataset) -> dict[str, pd.DataFrame | int]:
    """Counts for the clean-data summary: documents that observations cite (with text / cited by URL / imported
    tables, whose cells are their provenance), districts, observations per metric."""
    from .cells import table_docs

    obs = ds.observations
    tables = list(table_docs(ds.data_dir))
    from_table = obs["doc_id"].isin(tables)
    per_metric = (
        obs.assign(cited_by_url=obs["quote"].eq("") & ~from_table)
        .groupby("metric_id")
        .agg(
            observations=("value", "size"), cited_by_url=("cited_by_url", "sum"), districts=("district_code", "nunique")
        )
        .reset_index()
    )
    used = ds.sources.loc[ds.sources["doc_id"].isin(obs["doc_id"]), "doc_id"]
    with_text = used.isin(list(ds.texts))
    table = used.isin(tables)
    return {
        "documents_with_text": int(with_text.sum()),
        "documents_cited_by_url": int((~with_text & ~table).sum()),
        "documents_from_tables": int(table.sum()),
        "districts": int(obs["district_code"].nunique()),
        "observations": len(obs),
        "observations_cited_by_url": int((obs["quote"].eq("") & ~from_table).sum()),
        "observations_from_tables": int(from_table.sum()),
        "per_metric": per_metric,
    }
