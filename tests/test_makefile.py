"""The first make: what make briefs installs (the briefs' own dependencies, with uv, saying so) and what it leaves
to make test, lint and lab (the dev extra), read from make's dry run."""

from __future__ import annotations

import shutil
import subprocess
import tomllib

import pytest

from compare.paths import CHECKOUT

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def dry_run(target: str, tmp_path) -> str:
    venv = tmp_path / "venv"  # absent: make plans the first install
    run = subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(CHECKOUT), target, f"VENV={venv}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


def test_make_briefs_installs_what_the_briefs_need_with_uv_saying_so(tmp_path):
    plan = dry_run("briefs", tmp_path)
    assert "Installing compare's dependencies into" in plan.splitlines()[0]
    assert "uv pip install --quiet --python" in plan and "-m pip install --quiet uv" in plan
    assert "-e ." in plan and "[dev]" not in plan
    assert "export UV_INDEX_URL=" in plan and "UV_INDEX_STRATEGY=unsafe-best-match" in plan  # pip's mirrors
    assert plan.rstrip().endswith("/bin/compare briefs")


def test_make_test_adds_the_dev_tools(tmp_path):
    plan = dry_run("test", tmp_path)
    assert "-e '.[dev]'" in plan and plan.index("-e .;") < plan.index("-e '.[dev]'")


def test_jupyterlab_is_off_the_path_to_the_briefs():
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("jupyterlab") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("jupyterlab") for d in extras["dev"]) and extras["lab"] == ["jupyterlab>=4.1"]
