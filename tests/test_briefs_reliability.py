"""compare briefs under an unlucky operator (issue 13): relative paths, kills, damaged or busy output folders,
malformed schedules, unreachable clusters. Every failure is one sentence and exit 2; nothing is left running."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from compare.briefs import build, point_latest, prune
from compare.briefs.build import failure_message
from compare.briefs.kernels import execute_warm
from compare.cli import main
from compare.data import load_dataset
from compare.paths import PROJECT_ROOT
from compare.stats.rates import rateable_observations

CLI = [sys.executable, "-m", "compare.cli"]
QUALITY = "briefs:\n  - notebook: data_quality.ipynb\n    lang: en\n"


def interruptible() -> None:
    """Ctrl-C as at a terminal: a test run in the background (nohup, `make test &`) passes SIGINT ignored to
    its children, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def many_profiles(n: int = 40) -> str:
    """A schedule of n district profiles: long enough (several seconds) that a signal sent once the kernels
    are up always lands while briefs are still running."""
    districts = sorted(rateable_observations(load_dataset())["district_code"].unique())
    entries = [(d, lang) for lang in ("en", "zh") for d in districts][:n]
    return "briefs:\n" + "".join(
        f"  - notebook: district_profile.ipynb\n    lang: {lang}\n    parameters: {{district: '{d}'}}\n"
        for d, lang in entries
    )


def cli(*args, cwd=None, env=None, timeout=300):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def one_sentence(result) -> str:
    """The error a user sees: exit 2, one line on stderr, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def runs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One complete run of the data-quality brief, in English: later tests copy it and reuse it."""
    base = tmp_path_factory.mktemp("built")
    config = write(base / "briefs.yml", QUALITY)
    manifest = build(config, base / "out", jobs=1, progress=False)
    assert manifest["counts"] == {"ok": 1, "reused": 0, "failed": 0}
    return {"config": config, "out": base / "out"}


def copy_out(built, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built["out"], out, symlinks=True)
    return out


# ---------------------------------------------------------------- 3: relative --data


def test_a_relative_data_folder_is_the_one_the_kernels_read(tmp_path):
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "d")
    sources = pd.read_csv(tmp_path / "d" / "sources" / "sources.csv", dtype=str, keep_default_na=False)
    sources.loc[sources["doc_id"] == "huancui-2021h1", "title"] = "MARKER-relative-data-title"
    sources.to_csv(tmp_path / "d" / "sources" / "sources.csv", index=False)
    write(tmp_path / "briefs.yml", QUALITY)
    result = cli("--data", "d", "briefs", "--config", "briefs.yml", "--out", "out", "--jobs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "out" / "latest" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_dir"] == str((tmp_path / "d").resolve())
    assert "MARKER-relative-data-title" in (tmp_path / "out" / "latest" / "data_quality.html").read_text(
        encoding="utf-8"
    )


# ---------------------------------------------------------------- 4: a killed build ends everything it started


def processes_with(marker: str) -> list[int]:
    """The processes whose environment carries marker (the build, its workers and their kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    status = (entry / "status").read_text()
                    if "State:\tZ" not in status:
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="counts processes through /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_killed_build_leaves_no_workers_kernels_or_connection_files(tmp_path, sig):
    marker = f"COMPARE_KILL_TEST={uuid.uuid4().hex}"
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), marker.split("=")[0]: marker.split("=")[1]}
    config = write(tmp_path / "briefs.yml", many_profiles())
    build_ = subprocess.Popen(
        [*CLI, "briefs", "--config", str(config), "--out", str(tmp_path / "out"), "--jobs", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    deadline = time.monotonic() + 120
    while not list(temp.glob("compare-kernels-*/kernel-*.json")) and time.monotonic() < deadline:
        assert build_.poll() is None, build_.stderr.read()
        time.sleep(0.2)
    assert list(temp.glob("compare-kernels-*/kernel-*.json")), "no kernel started within two minutes"
    assert len(processes_with(marker)) >= 3  # the build, a worker and its kernel at least
    build_.send_signal(sig)
    build_.wait(timeout=60)
    deadline = time.monotonic() + 20
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert processes_with(marker) == [], "workers or kernels outlived the build"
    err = build_.stderr.read()
    assert not list(temp.rglob("*.json")), f"kernel connection files were left behind: {err}"
    if sig != signal.SIGKILL:
        assert build_.returncode == 2 and "Stopped before the end" in err and "Traceback" not in err
        assert runs(tmp_path / "out") == [], "the unfinished run folder was removed"
        assert not list(temp.iterdir()), "the build's runtime folder was removed"


KILL_A_NEW_KERNEL = """
import os, subprocess, types
from compare.briefs import kernels
child = subprocess.Popen(["sleep", "30"])  # forked, not yet in a group of its own: ours
kernels._warm["x"] = types.SimpleNamespace(provisioner=types.SimpleNamespace(pid=child.pid), connection_file="")
kernels.kill_kernels()  # reaps the kernel it killed
try:
    os.kill(child.pid, 0)
    print("alive", "kernel-survived")
except ProcessLookupError:
    print("alive", "kernel-killed")
"""


def test_killing_a_kernel_forked_a_moment_ago_never_kills_its_worker():
    """A kernel is forked first and leads its own process group a moment later: a worker ending in between
    killed its own group (itself, the build and every worker) instead of the kernel."""
    done = subprocess.run(
        [sys.executable, "-c", KILL_A_NEW_KERNEL], capture_output=True, text=True, timeout=60, start_new_session=True
    )
    assert done.returncode == 0 and done.stdout.split() == ["alive", "kernel-killed"], done


HOLD_AND_DIE = """
import os, sys, time
from pathlib import Path
from compare.data.fileio import close_inherited_locks, locked
with locked(Path(sys.argv[1])):
    pid = os.fork()
    if pid == 0:  # a worker or kernel forked while the build holds the lock
        close_inherited_locks()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 1), os.dup2(null, 2)  # the test reads our parent's output to its end
        time.sleep(30)
        os._exit(0)
    print(pid, flush=True)
    os._exit(0)  # the holder dies without unlocking (kill -9)
"""


def test_a_process_forked_from_the_lock_holder_never_keeps_the_lock(tmp_path):
    done = subprocess.run([sys.executable, "-c", HOLD_AND_DIE, str(tmp_path)], capture_output=True, text=True)
    child = int(done.stdout.split()[0])
    try:
        with open(tmp_path / ".compare.lock", "a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if the child kept it
    finally:
        os.kill(child, signal.SIGKILL)


# ---------------------------------------------------------------- 7: reuse verified by hash; runs don't pile up


def test_a_truncated_brief_in_latest_is_rebuilt_not_reused(built, tmp_path):
    out = copy_out(built, tmp_path)
    page = out / "latest" / "data_quality.html"
    page.write_bytes(page.read_bytes()[:1000])
    manifest = build(built["config"], out, jobs=1, progress=False)
    assert manifest["counts"] == {"ok": 1, "reused": 0, "failed": 0}
    assert (out / "latest" / "data_quality.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_reused_briefs_are_hard_links_and_old_runs_are_pruned(built, tmp_path):
    out = copy_out(built, tmp_path)
    first = (out / "latest").resolve()
    for _ in range(3):
        manifest = build(built["config"], out, progress=False, keep=2)
        assert manifest["counts"] == {"ok": 0, "reused": 1, "failed": 0}
    latest = (out / "latest").resolve()
    assert (latest / "data_quality.html").stat().st_nlink >= 2, "a reused page is a hard link, not a copy"
    assert len(runs(out)) == 2 and latest.name in runs(out) and first.name not in runs(out)
    incomplete = out / "20000101T000000Z"
    incomplete.mkdir()
    prune(out, 1)
    assert incomplete.is_dir() and runs(out) == sorted([incomplete.name, latest.name]), (
        "a run without a manifest (maybe still being written) is never pruned, nor latest"
    )


# ---------------------------------------------------------------- 9: two builds at once


def test_builds_started_together_take_turns_and_latest_is_the_newest(built, tmp_path):
    out = copy_out(built, tmp_path)
    before = set(runs(out))
    procs = [
        subprocess.Popen(
            [*CLI, "briefs", "--config", str(built["config"]), "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert [code for code, _ in outcomes] == [0, 0, 0, 0], outcomes
    new = sorted(set(runs(out)) - before)
    assert len(new) == 4, "every build got its own run folder"
    assert os.readlink(out / "latest") == max(new)


def test_an_older_run_never_replaces_a_newer_latest(tmp_path):
    for name in ("20260101T000000Z", "20260101T000000Z-2", "20260101T000000Z-10"):
        (tmp_path / name).mkdir()
    assert point_latest(tmp_path, "20260101T000000Z-10")
    assert not point_latest(tmp_path, "20260101T000000Z-2")
    assert os.readlink(tmp_path / "latest") == "20260101T000000Z-10"


# ---------------------------------------------------------------- 8: one sentence, exit 2


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("briefs:\n  - data_quality.ipynb\n", "must be a mapping with 'notebook:'"),
        (
            "briefs:\n  - notebook: district_profile.ipynb\n    parameters: [district, '371002']\n",
            "must be a mapping of name",
        ),
        ("42\n", "needs a list under 'briefs:'"),
        ("- notebook: data_quality.ipynb\n", "needs a list under 'briefs:'"),
        ("briefs:\n  - notebook: [data_quality.ipynb]\n", "Unknown notebook"),
        (
            "briefs:\n  - notebook: district_profile.ipynb\n    parameters: {district: '371002', period: 2021-06-30}\n",
            'quote dates in briefs.yml: period: "2021-06-30"',
        ),
        (
            "briefs:\n  - notebook: district_profile.ipynb\n    paramters: {district: '371002'}\n",
            "unknown key(s) paramters",
        ),
        ("briefs:\n  - notebook: district_profile.ipynb\n    for_each: metric_level\n", "does not apply to"),
        ("briefs:\n  - notebook: data_quality.ipynb\n    lang: fr\n", "'lang' of the data_quality.ipynb entry"),
        ("briefs: [\n", "is not valid YAML at line"),
    ],
)
def test_a_malformed_schedule_is_one_sentence(tmp_path, capsys, schedule, expected):
    config = write(tmp_path / "briefs.yml", schedule)
    assert main(["briefs", "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_gbk_schedule_is_one_sentence(tmp_path, capsys):
    config = tmp_path / "briefs.yml"
    config.write_bytes("# 司法局简报\nbriefs:\n  - notebook: data_quality.ipynb\n".encode("gbk"))
    assert main(["briefs", "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "is not UTF-8 text (looks like GBK: save it as UTF-8)" in capsys.readouterr().err


def test_out_that_is_a_file_or_a_real_latest_folder_is_one_sentence(tmp_path):
    config = write(tmp_path / "briefs.yml", QUALITY)
    write(tmp_path / "file", "")
    assert "is a file, not a folder" in one_sentence(cli("briefs", "--config", config, "--out", tmp_path / "file"))
    (tmp_path / "out" / "latest").mkdir(parents=True)
    message = one_sentence(cli("briefs", "--config", config, "--out", tmp_path / "out"))
    assert "latest is a real folder" in message


UNSHARE = shutil.which("unshare")


def in_private_mount(script: str, tmp_path: Path):
    """Run a shell script as root in a private mount namespace (so it can mount a small tmpfs)."""
    return subprocess.run(
        [UNSHARE, "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )


needs_mounts = pytest.mark.skipif(
    not UNSHARE or os.geteuid() != 0 or subprocess.run([UNSHARE or "false", "-m", "true"]).returncode != 0,
    reason="needs root and unshare to mount a small or read-only file system",
)


@needs_mounts
def test_a_read_only_out_is_one_sentence(built, tmp_path):
    (tmp_path / "ro").mkdir()
    cmd = " ".join(map(str, [*CLI, "briefs", "--config", built["config"]]))
    result = in_private_mount(
        f"mount -t tmpfs -o ro tmpfs {tmp_path / 'ro'} && {cmd} --out {tmp_path / 'ro' / 'out'}", tmp_path
    )
    assert "read-only file system" in one_sentence(result)


@needs_mounts
def test_a_full_disk_is_one_sentence_and_leaves_no_temp_files(built, tmp_path):
    """latest's run copied onto a small tmpfs, the rest filled: the next build's index cannot be written."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    cmd = " ".join(map(str, [*CLI, "briefs", "--config", built["config"], "--out", mnt / "out"]))
    script = (
        f"mount -t tmpfs -o size=4m tmpfs {mnt} && cp -a {built['out']} {mnt}/out && "
        f"(dd if=/dev/zero of={mnt}/fill bs=4k 2>/dev/null; true) && {cmd}; code=$?; "
        f"ls -A {mnt}/out; readlink {mnt}/out/latest; exit $code"
    )
    result = in_private_mount(script, tmp_path)
    assert "no space left on device" in one_sentence(result)
    listing = result.stdout.split()
    assert listing[-1] == os.readlink(built["out"] / "latest"), "latest is unchanged"
    assert sorted(listing[:-1]) == sorted(p.name for p in built["out"].iterdir()), "no run folder, no temp files"


def test_an_unreachable_dask_scheduler_is_one_sentence_quickly(built, tmp_path):
    out = tmp_path / "out"
    start = time.monotonic()
    result = cli(
        "briefs",
        "--config",
        built["config"],
        "--out",
        out,
        "--force",
        "--executor",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in one_sentence(result)
    assert time.monotonic() - start < 30
    assert runs(out) == [], "no empty run folder is left"


# ---------------------------------------------------------------- 11: the failing cell's position


def test_a_failure_names_the_cells_position_in_the_notebook_not_its_execution_count(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    notebook = tmp_path / "failing.ipynb"
    parameters = new_code_cell("x = 1")
    parameters.metadata["tags"] = ["parameters"]
    nbformat.write(
        new_notebook(
            cells=[
                new_markdown_cell("# A"),
                new_markdown_cell("text"),
                parameters,
                new_code_cell("raise ValueError('boom')"),
            ],
            metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        ),
        notebook,
    )
    output = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError) as caught:
        execute_warm(notebook, output, {"x": 2})
    assert caught.value.exec_count != 4  # the warm kernel's count (set-up, reset, parameters, injected cell ...)
    assert failure_message(caught.value, output) == "cell 4 failed: ValueError: boom"
