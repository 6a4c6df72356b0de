"""Quiet logs: compare briefs redraws its progress bar only on a terminal; a log (cron, a pipe) gets a plain line
at every tenth of the briefs and the summary, never a carriage return."""

from __future__ import annotations

import io
import subprocess
import sys

from compare.briefs.progress import LogLines, progress_bar


def test_a_log_gets_ten_lines_for_a_long_run():
    log = io.StringIO()
    with progress_bar(140, True, log)() as bar:
        for _ in range(140):
            bar.update()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 10
    assert lines[0].startswith("briefs: 14 of 140 done (") and lines[-1].startswith("briefs: 140 of 140 done (")


def test_a_short_run_gets_a_line_per_brief_and_a_hidden_bar_nothing():
    log = io.StringIO()
    bar = LogLines(3, log)
    for _ in range(3):
        bar.update()
    assert [line.split(" (")[0] for line in log.getvalue().splitlines()] == [
        f"briefs: {n} of 3 done" for n in (1, 2, 3)
    ]
    quiet = io.StringIO()
    with progress_bar(3, False, quiet)() as hidden:
        hidden.update(3)
    assert quiet.getvalue() == ""


def test_compare_briefs_into_a_pipe_writes_no_redraws(tmp_path):
    config = tmp_path / "briefs.yml"
    config.write_text("briefs:\n  - notebook: data_quality.ipynb\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "compare.cli", "briefs", "--config", str(config), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "\r" not in run.stderr and "\r" not in run.stdout
    progress = [line.split(" (")[0] for line in run.stderr.splitlines() if line.startswith("briefs")]
    assert progress == ["briefs: 1 of 2 done", "briefs: 2 of 2 done"]
    assert "2 built, 0 reused, 0 failed" in run.stdout
