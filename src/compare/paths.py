"""Where things live. Every path the package uses starts here."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
SHARED_DIR = PROJECT_ROOT.parent / "shared"


def data_dir() -> Path:
    """The curated data folder: $COMPARE_DATA_DIR if set, else data/ in the project."""
    return Path(os.environ.get("COMPARE_DATA_DIR", PROJECT_ROOT / "data"))
