"""Shared fixtures: a writable copy of the shipped data, and the shared development folders; how the suite is
spread over processes (pytest-xdist, as the Makefile runs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from compare.data.fileio import LOCK_NAME
from compare.paths import PROJECT_ROOT, SHARED_DIR

DATA = PROJECT_ROOT / "data"


def pytest_configure(config) -> None:
    """The lock file a build or an accept creates beside data/ on first use, made before any test runs: tests that
    watch data/ for changes (the demo, the README examples) must not see another process's build create it."""
    (DATA / LOCK_NAME).open("a").close()


# The files that take a minute or more (builds of briefs, a browser, subprocesses), longest first: under xdist
# (`--dist loadfile --no-loadscope-reorder`) they start first, so no long file is left to run alone at the end.
LONG_FIRST = [
    "test_briefs_reliability.py",
    "test_reading_pages.py",
    "test_errors.py",
    "test_readme.py",
    "test_briefs_reuse.py",
    "test_briefs_browser.py",
    "test_briefs.py",
    "test_demo.py",
    "test_notebooks.py",
]


def pytest_collection_modifyitems(config, items) -> None:
    """Under xdist, the long files first (LONG_FIRST); a plain run keeps the files in their usual order."""
    if hasattr(config, "workerinput"):
        rank = {name: i for i, name in enumerate(LONG_FIRST)}
        items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit_observations(folder: Path, edit) -> None:
    """Apply edit(DataFrame) -> DataFrame to observations.csv under folder (all cells as text)."""
    path = folder / "observations.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table).to_csv(path, index=False)


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared/, or skip the test saying plainly that the folder is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared development set is not beside this checkout")
    return path
