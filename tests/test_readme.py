"""Every example in README.md runs as printed (the rule is the README's own, "The README's examples are tested").

- Every fenced `sh` block runs as one `bash -e` script, unless the line above its fence is `<!-- not run: why -->`.
- Every `$ compare …` line of a fenced `text` block runs, must succeed without a traceback and print every word
  of the first output line the README shows under it. `$ .venv/bin/python benchmarks/…` lines are not run.

Each example runs in a fresh copy of the checkout: COMPARE_HOME points there (data/ and outputs/ of this checkout
never change), `.venv` there is the interpreter running the tests, activated as `. .venv/bin/activate` would,
and `/tmp/` in a command is the test's own temporary folder. New examples are collected by themselves.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from compare.paths import CHECKOUT, SHARED_DIR

README = CHECKOUT / "README.md"
NOT_RUN = re.compile(r"<!--\s*not run:.+-->")
COPY_IGNORED = {".venv", ".git", "outputs", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "out"}


@dataclass(frozen=True)
class Example:
    line: int  # where it starts in README.md
    script: str  # what bash runs
    expected: str = ""  # the first output line the README prints under a `$` command

    def __str__(self) -> str:
        return f"README.md:{self.line}"


def examples(text: str) -> tuple[list[Example], list[int]]:
    """The runnable examples of a README, and the lines of the blocks marked not run."""
    lines, found, skipped = text.splitlines(), [], []
    i = 0
    while i < len(lines):
        fence = re.fullmatch(r"```(\w*)\s*", lines[i])
        if not fence:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        body, language = lines[i + 1 : end], fence.group(1)
        if language == "sh":
            if i > 0 and NOT_RUN.fullmatch(lines[i - 1].strip()):
                skipped.append(i + 1)
            else:
                found.append(Example(i + 1, "\n".join(body)))
        elif language == "text":
            found += _transcripts(body, i + 2)
        i = end + 1
    return found, skipped


def _transcripts(body: list[str], first_line: int) -> list[Example]:
    """`$ compare …` commands (continued by a trailing backslash) with the first line printed under them."""
    found, k = [], 0
    while k < len(body):
        if not body[k].startswith("$ "):
            k += 1
            continue
        start, command = k, [body[k][2:]]
        while command[-1].rstrip().endswith("\\") and k + 1 < len(body):
            k += 1
            command.append(body[k])
        k += 1
        expected = body[k] if k < len(body) and not body[k].startswith("$ ") else ""
        if re.match(r"(\.venv/bin/)?compare\s", command[0]):
            found.append(Example(first_line + start, "\n".join(command), expected))
    return found


EXAMPLES, NOT_RUN_LINES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples_and_says_why_some_are_not_run():
    assert len(EXAMPLES) >= 8
    assert any("papermill" in e.script and "-p district 320412" in e.script for e in EXAMPLES)
    assert NOT_RUN_LINES, "the make block is marked not run"


def test_the_collector_follows_the_rule():
    text = (
        "```sh\necho one\n```\n<!-- not run: a template -->\n```sh\nrm -rf /\n```\n"
        "```text\n$ compare rates --metric x \\\n    --level county   # note\nheader words\nrow\n"
        "$ .venv/bin/python benchmarks/analytics.py\nslow\n```\n```cron\n* * * * * compare briefs\n```\n"
    )
    found, skipped = examples(text)
    assert [(e.line, e.script, e.expected) for e in found] == [
        (1, "echo one", ""),
        (9, "compare rates --metric x \\\n    --level county   # note", "header words"),
    ]
    assert skipped == [5]


@pytest.fixture
def checkout_copy(tmp_path: Path) -> Path:
    """A fresh copy of the checkout beside a `shared` folder like this one's, with .venv standing for the
    interpreter that runs the tests."""
    copy = tmp_path / "work" / "compare"
    shutil.copytree(CHECKOUT, copy, ignore=lambda folder, names: [n for n in names if n in COPY_IGNORED])
    (copy / "outputs").mkdir()
    (copy / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    if SHARED_DIR.exists():
        (copy.parent / "shared").symlink_to(SHARED_DIR, target_is_directory=True)
    (tmp_path / "tmp").mkdir()
    return copy


def run_example(example: Example, copy: Path) -> subprocess.CompletedProcess:
    tmp = copy.parent.parent / "tmp"
    env = {k: v for k, v in os.environ.items() if k not in ("COMPARE_DATA_DIR", "PYTHONHOME")}
    env.update(
        COMPARE_HOME=str(copy),
        PYTHONPATH=str(copy / "src"),
        VIRTUAL_ENV=str(copy / ".venv"),
        PATH=f"{copy / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
    )
    script = example.script.replace("/tmp/", f"{tmp}/")
    return subprocess.run(["bash", "-e", "-c", script], cwd=copy, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_the_example_runs_as_printed(example, checkout_copy):
    if ".venv/bin/activate" in example.script and not (Path(sys.prefix) / "bin" / "activate").exists():
        pytest.skip(f"the tests run in {sys.prefix}, not a venv: it has no bin/activate (conda?)")
    if "../shared" in example.script and not SHARED_DIR.exists():
        pytest.skip(f"{SHARED_DIR} is absent: the shared development set is not beside this checkout")
    before = sorted(p.name for p in (CHECKOUT / "data").iterdir())
    run = run_example(example, checkout_copy)
    said = f"{example} ({example.script.splitlines()[0]}) said:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    assert run.returncode == 0, said
    assert "Traceback" not in run.stderr, said
    missing = [w for w in example.expected.split() if w not in run.stdout]
    assert not missing, f"{said}\nwords of the README's first output line not printed: {missing}"
    assert sorted(p.name for p in (CHECKOUT / "data").iterdir()) == before
