"""The project's setup files agree with each other and with the README."""

import os
import re
import tomllib

import pytest
import yaml

from compare.paths import PROJECT_ROOT


def names(requirements):
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower(): r for r in requirements}


def test_environment_yml_installs_the_same_dependencies_as_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = names(project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    got = names([p for p in pip if not p.startswith("-e")])
    assert got == wanted


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make briefs" in head and "make test" in head
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()


def test_top_level_layout():
    for name in ("notebooks", "data", "src/compare", "outputs", "tests", "environment.yml", "README.md"):
        assert (PROJECT_ROOT / name).exists(), name


def test_compare_home_moves_the_project_root(tmp_path):
    import subprocess
    import sys

    code = "from compare import paths; print(paths.PROJECT_ROOT, paths.data_dir(), paths.NOTEBOOKS_DIR, sep='|')"
    env = {**__import__("os").environ, "COMPARE_HOME": str(tmp_path)}
    env.pop("COMPARE_DATA_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip().split("|") == [str(tmp_path), str(tmp_path / "data"), str(tmp_path / "notebooks")]


@pytest.mark.skipif(not (PROJECT_ROOT / ".venv" / "bin" / "jupyter").exists(), reason="make lab runs .venv's jupyter")
def test_make_lab_starts_jupyterlab_as_any_user_with_extra_arguments(tmp_path):
    """JupyterLab refuses root without --allow-root; make lab passes it when needed, and LAB_ARGS on."""
    import signal
    import subprocess
    import time

    log = tmp_path / "lab.log"
    args = f"LAB_ARGS=--port=0 --ServerApp.token=t --ServerApp.root_dir={tmp_path}"
    with open(log, "w") as out:
        lab = subprocess.Popen(
            ["make", "-C", str(PROJECT_ROOT), "lab", args], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "is running at" not in log.read_text() and lab.poll() is None:
            time.sleep(0.5)
        text = log.read_text()
        assert "is running at" in text, text[-2000:]
        assert "Running as root is not recommended. Use --allow-root to bypass" not in text
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)
