"""The census covariates of every coded unit: the 2020 census figures that statistical neighbours are found on.

reference/census_covariates.csv is built with districts.csv and populations.csv by `compare build-reference`
from the shared census extract (one row per coded unit: resident population, urban residents, the shares
aged 0-14 and 65+ in percent, mean years of schooling), and committed, so nothing else reads the shared folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .tables import read_csv_checked

COVARIATES_FILE = "census_covariates.csv"  # in data/reference/
NUMBERS = ["population", "urban", "pct_age_0_14", "pct_age_65_plus", "mean_years_schooling"]
COVARIATE_COLUMNS = ["code", *NUMBERS]


def build_covariates(coded: pd.DataFrame) -> pd.DataFrame:
    """The covariate columns of the coded census rows (compare.data.reference.coded_units), one row per code."""
    return coded[COVARIATE_COLUMNS].reset_index(drop=True)


def read_covariates(data_dir: Path) -> pd.DataFrame:
    """reference/census_covariates.csv under data_dir, typed (code as text, the rest as floats), or DataError
    naming the file: missing (then how to build it), a column missing, a code not 6 digits, a figure not a
    finite number, a population not positive or smaller than its urban residents, or a share outside 0-100."""
    path = Path(data_dir) / "reference" / COVARIATES_FILE
    if not path.is_file():
        raise DataError(
            COVARIATES_FILE,
            f"not found at {path}; build it with `compare build-reference ../shared/reference`.",
        )
    table = read_csv_checked(path, dtype={"code": str}, keep_default_na=False)
    missing = [c for c in COVARIATE_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(COVARIATES_FILE, f"missing column(s) {', '.join(missing)}.")
    numbers = table[NUMBERS].apply(pd.to_numeric, errors="coerce").astype("float64")
    bad = (
        ~table["code"].astype(str).str.fullmatch(r"\d{6}")
        | ~np.isfinite(numbers).all(axis=1)
        | ~(numbers["population"] > 0)
        | (numbers["urban"] < 0)
        | (numbers["urban"] > numbers["population"])
        | ~numbers[["pct_age_0_14", "pct_age_65_plus"]].apply(lambda s: s.between(0, 100)).all(axis=1)
    )
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise DataError(
            f"{COVARIATES_FILE}:{line}",
            "a code that is not 6 digits, or a census figure that is not a possible number.",
        )
    return pd.concat([table[["code"]].astype(str), numbers], axis=1)
