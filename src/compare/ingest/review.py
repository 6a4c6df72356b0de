"""Review files: candidates written for a researcher to mark accept or reject, and the validated,
locked merge of the accepted rows of one or several review files into observations.csv.

A review file holds the observation columns, an empty `decision` column, and four columns to decide
quickly: `sentence` (the sentence with the number marked ⟦…⟧), `period_note` (how the period was read,
or PERIOD UNKNOWN), `part_note` (why a row is a part, and whether a learned model named its metric) and
`basis_note` (where the proposed `basis` and `scope` came from: the verb 受理/办理/指派/办结 or the note
含法律帮助 before the number). `basis` and `scope` are observation columns the reviewer may edit; `compare
accept` reads only the decision and the observation columns, so a reviewer may edit or drop the notes.

It also carries what sources.csv needs of the report (`source_title`, `source_url`, `source_published`,
`source_district`, `source_period`, the same on every row): when a document is not yet in sources.csv,
`compare accept` writes its row from these, in the same locked and validated write as the observations.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..data.fileio import Stopped, file_digest, locked, write_atomically
from ..data.periods import parse_period, period_label
from ..data.tables import (
    DISTRICT_COLUMNS,
    FILES,
    OBSERVATION_COLUMNS,
    SOURCE_COLUMNS,
    Problem,
    read_csv_checked,
    read_table,
    record_lines,
    validate,
)
from ..errors import CompareError, Interrupted, PeriodError
from ..paths import data_dir as default_data_dir

if TYPE_CHECKING:  # only named in annotations: importing extract here would be a cycle through its __init__
    from .extract.rules import Candidate

REVIEW_COLUMNS = ["decision"] + OBSERVATION_COLUMNS
NOTE_COLUMNS = ["period_note", "part_note", "basis_note", "sentence"]
SOURCE_NOTE_COLUMNS = ["source_title", "source_url", "source_published", "source_district", "source_period"]
DECISIONS = ("accept", "reject", "")


def review_table(found: list[Candidate]) -> pd.DataFrame:
    """The rows of a review file: empty decision, the observation, and the notes a reviewer decides by."""
    rows = [
        {
            "decision": "",
            **c.row(),
            "period_note": ("PERIOD UNKNOWN: " if c.period_unknown else "") + c.period_how,
            "part_note": c.why,
            "basis_note": c.basis_why,
            "sentence": c.context,
        }
        for c in found
    ]
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS + NOTE_COLUMNS)


def write_review(table: pd.DataFrame, path, force: bool = False) -> None:
    """Write a review file, refusing to overwrite one (it may hold decisions) unless force."""
    path = Path(path)
    if not path.parent.is_dir():
        raise CompareError(f"The folder {path.parent} does not exist; create it or give another --review-file.")
    if path.exists() and not force:
        raise CompareError(
            f"{path} already exists and may hold your decisions; "
            "give another --review-file or pass --force to overwrite it."
        )
    table = table.copy()
    if "decision" not in table.columns:
        table.insert(0, "decision", "")
    columns = REVIEW_COLUMNS + [c for c in NOTE_COLUMNS + SOURCE_NOTE_COLUMNS if c in table.columns]
    write_atomically(path, table[columns].to_csv(index=False))


def with_source(table: pd.DataFrame, title="", url="", published="", district="", period="") -> pd.DataFrame:
    """The review table with what sources.csv needs of its report on every row."""
    return table.assign(
        source_title=title,
        source_url=url,
        source_published=published,
        source_district=district,
        source_period=period,
    )


@dataclass(frozen=True)
class Accepted:
    """What one review file added: its rows marked accept, counted per document and metric."""

    file: str
    rows: int
    counts: tuple  # ((doc_id, metric_id, rows), ...)
    sources: tuple = ()  # doc ids whose sources.csv row this accept wrote (of every file accepted together)

    def summary(self) -> str:
        parts = ", ".join(f"{doc} {metric} ×{n}" for doc, metric, n in self.counts)
        return f"{self.rows} from {self.file}" + (f" ({parts})" if parts else "")


def _counts(accepted: pd.DataFrame) -> tuple:
    """((doc_id, metric_id, rows), ...) of accepted rows."""
    return tuple((d, m, n) for (d, m), n in Counter(zip(accepted["doc_id"], accepted["metric_id"])).items())


def _decisions(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    review = read_table(path, REVIEW_COLUMNS)
    full = read_csv_checked(path, dtype=str, keep_default_na=False)
    notes = {c: full[c].astype(str) if c in full.columns else "" for c in SOURCE_NOTE_COLUMNS}
    review = review.assign(**notes)
    starts = record_lines(path, len(review))
    lines = pd.Series(starts if starts is not None else review.index + 2, index=review.index)
    bad = review[~review["decision"].str.strip().str.lower().isin(DECISIONS)]
    problems = [
        Problem(path.name, int(lines[i]), f"decision must be accept, reject or empty (got '{d}')")
        for i, d in bad["decision"].items()
    ]
    accepted = review[review["decision"].str.strip().str.lower() == "accept"][OBSERVATION_COLUMNS + SOURCE_NOTE_COLUMNS]
    return accepted.assign(_file=path.name, _line=lines[accepted.index]), problems


def new_sources(accepted: pd.DataFrame, known: set[str], folder: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """sources.csv rows for the accepted documents not yet in it, from what their review files carry; a problem
    when a review file carries nothing to write the row from (made before review files carried it)."""
    districts = read_table(folder / FILES["districts"][0], DISTRICT_COLUMNS).set_index("code")
    rows, problems = [], []
    for doc_id, rows_of in accepted[~accepted["doc_id"].isin(known)].groupby("doc_id", sort=False):
        first = rows_of.iloc[0]
        if not (first["source_title"] or first["source_url"]):
            problems.append(
                Problem(
                    first["_file"],
                    int(first["_line"]),
                    f"'{doc_id}' is not in sources/sources.csv and this review file names no title or URL for it: "
                    "extract it again with --title (and --url, --published), or add its row to sources.csv",
                )
            )
            continue
        codes = sorted(set(rows_of["district_code"]) - {""})
        district = first["source_district"] or ";".join(codes)
        place = districts.loc[district] if district in districts.index else None
        start = end = label = ""
        try:
            period = parse_period(first["source_period"])
        except PeriodError as exc:
            problems.append(Problem(first["_file"], int(first["_line"]), f"source_period: {exc}"))
            continue
        if period.start:
            start, end = period.start.isoformat(), period.end.isoformat() if period.end else ""
            label = period_label(period.start, period.end)
        rows.append(
            {
                "doc_id": doc_id,
                "title": first["source_title"],
                "district_zh": place["name_zh"] if place is not None else "",
                "district_code": district,
                "level": place["level"] if place is not None else "",
                "province_zh": place["province_zh"] if place is not None else "",
                "prefecture_zh": place["prefecture_zh"] if place is not None else "",
                "period_label": label,
                "period_start": start,
                "period_end": end,
                "published": first["source_published"],
                "url": first["source_url"],
                "complete": "yes" if (folder / "sources" / f"{doc_id}.txt").is_file() else "no",
            }
        )
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS), problems


def _at_review_lines(problems: list[Problem], existing: int, accepted: pd.DataFrame) -> list[Problem]:
    """Problems in the trial merge's new rows, told at the line of the review file they came from."""
    target = FILES["observations"][0]
    out = []
    for p in problems:
        row = (p.row if p.row is not None else (p.line or 0) - 2) - existing
        if Path(p.file).name == Path(target).name and 0 <= row < len(accepted):
            origin = accepted.iloc[row]
            out.append(Problem(origin["_file"], int(origin["_line"]), p.reason))
        else:
            out.append(p)
    return out


def accept_reviews(paths, data_dir=None) -> tuple[list[Accepted], list[Problem]]:
    """Merge the rows marked accept in every review file into observations.csv, only if compare validate
    stays clean; with problems (told at the review files' own lines) nothing is written.

    The data folder is locked for the whole read-validate-replace, so two accepts run one after the other
    and neither loses the other's rows; the file is re-read under the lock and replaced atomically. The trial
    merge is the one file it writes, validated beside the folder's other tables (nothing else is copied), in a
    temporary folder removed also when the accept is stopped (Ctrl-C, SIGTERM: Interrupted)."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    paths = [Path(p) for p in paths]
    frames, problems = [], []
    for path in paths:
        accepted, bad = _decisions(path)
        frames.append(accepted)
        problems += bad
    if problems:
        return [], problems
    accepted = pd.concat(frames, ignore_index=True)
    added = [Accepted(f.name, len(a), _counts(a)) for f, a in zip(paths, frames)]
    if accepted.empty:
        return added, []
    target, sources_file = folder / FILES["observations"][0], folder / FILES["sources"][0]
    merged_rows = False
    try:
        with locked(folder):
            before = (file_digest(target), file_digest(sources_file))
            observations = read_table(target, OBSERVATION_COLUMNS)
            sources = read_table(sources_file, SOURCE_COLUMNS)
            added_sources, problems = new_sources(accepted, set(sources["doc_id"]), folder)
            if problems:
                return [], problems
            merged = pd.concat([observations, accepted[OBSERVATION_COLUMNS]], ignore_index=True)
            with tempfile.TemporaryDirectory(prefix="compare-accept-") as tmp:  # only what accept writes
                trial, trial_sources = Path(tmp) / "observations.csv", None
                merged.to_csv(trial, index=False)
                if len(added_sources):
                    trial_sources = Path(tmp) / "sources.csv"
                    pd.concat([sources, added_sources], ignore_index=True).to_csv(trial_sources, index=False)
                problems, _ = validate(folder, observations=trial, sources=trial_sources)
                if problems:
                    return [], _at_review_lines(problems, len(observations), accepted)
                if (file_digest(target), file_digest(sources_file)) != before:  # a writer that ignored the lock
                    raise CompareError(f"{folder} changed while the review was being merged; run compare accept again.")
                if trial_sources is not None:
                    write_atomically(sources_file, trial_sources.read_bytes())
                write_atomically(target, trial.read_bytes())
                merged_rows = True
    except (KeyboardInterrupt, Stopped) as exc:
        done = (
            f"after merging the rows into {target.name}"
            if merged_rows
            else f"and nothing was merged into {target.name}"
        )
        raise Interrupted(exc, f"compare accept was stopped {done}.") from None
    return [replace(a, sources=tuple(added_sources["doc_id"])) for a in added], []


def accept_review(path, data_dir=None) -> tuple[int, list[Problem]]:
    """accept_reviews for one review file: (rows merged, problems)."""
    added, problems = accept_reviews([path], data_dir)
    return (sum(a.rows for a in added) if not problems else 0), problems
