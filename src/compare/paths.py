"""Where things live. Every path the package uses starts here.

The project root holds data/, notebooks/, outputs/ and briefs.yml. It is $COMPARE_HOME when set (so an
installed package works outside the checkout), else the checkout this module sits in (src/compare/).
$COMPARE_DATA_DIR overrides the data folder alone.
"""

from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
PROJECT_ROOT = Path(os.environ.get("COMPARE_HOME") or CHECKOUT).resolve()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
SHARED_DIR = PROJECT_ROOT.parent / "shared"


def data_dir() -> Path:
    """The curated data folder: $COMPARE_DATA_DIR if set, else data/ in the project."""
    return Path(os.environ.get("COMPARE_DATA_DIR", PROJECT_ROOT / "data"))
