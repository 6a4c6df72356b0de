"""Review files: candidates written for a researcher to mark accept or reject, and the validated,
locked merge of the accepted rows into observations.csv."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ..data import FILES, OBSERVATION_COLUMNS, Problem, read_table, validate
from ..errors import CompareError
from ..fileio import file_digest, locked, write_atomically
from ..paths import data_dir as default_data_dir

REVIEW_COLUMNS = ["decision"] + OBSERVATION_COLUMNS
DECISIONS = ("accept", "reject", "")


def write_review(candidates: pd.DataFrame, path) -> None:
    """A review file: the candidates with an empty decision column for the researcher to fill in."""
    candidates.assign(decision="")[REVIEW_COLUMNS].to_csv(path, index=False)


def accept_review(path, data_dir=None) -> tuple[int, list]:
    """Merge rows marked accept into observations.csv, only if compare validate stays clean.
    Returns (rows merged, problems); with problems nothing is written.

    The data folder is locked for the whole read-validate-replace, so two accepts run one after the other
    and neither loses the other's rows; the file is re-read under the lock and replaced atomically."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    review = read_table(Path(path), REVIEW_COLUMNS)
    bad = review[~review["decision"].str.strip().str.lower().isin(DECISIONS)]
    if not bad.empty:
        return 0, [Problem(Path(path).name, int(i) + 2, f"decision must be accept, reject or empty (got '{d}')")
                   for i, d in bad["decision"].items()]
    accepted = review[review["decision"].str.strip().str.lower() == "accept"][OBSERVATION_COLUMNS]
    if accepted.empty:
        return 0, []
    target = folder / FILES["observations"][0]
    with locked(folder):
        before = file_digest(target)
        observations = read_table(target, OBSERVATION_COLUMNS)
        merged = pd.concat([observations, accepted], ignore_index=True)
        with tempfile.TemporaryDirectory() as tmp:
            trial = Path(tmp) / "data"
            shutil.copytree(folder, trial)
            merged.to_csv(trial / "observations.csv", index=False)
            problems, _ = validate(trial)
            if problems:
                return 0, problems
            if file_digest(target) != before:  # changed by a writer that ignored the lock
                raise CompareError(f"{target} changed while the review was being merged; run compare accept again.")
            write_atomically(target, (trial / "observations.csv").read_bytes())
    return len(accepted), []
