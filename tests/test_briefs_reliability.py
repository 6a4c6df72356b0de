"""compare briefs under an unlucky operator (issue 13): relative paths, kills, damaged or busy output folders,
malformed schedules, unreachable clusters. Every failure is one sentence and exit 2; nothing is left running."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
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


STOP_DURING_FORK = """
import os, signal, sys, time
from compare.briefs import kernels
kernels._runtime_dir[:] = [sys.argv[1]]
signal.signal(signal.SIGTERM, kernels._end_worker)
fork = os.fork
def fork_then_stop():
    pid = fork()
    if pid:  # the worker: the build dies (PDEATHSIG) the moment after the fork, before the kernel's pid is recorded
        print(pid, flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        print("deferred", flush=True)  # the stop waits until the kernel can be killed with the worker's others
    return pid
os.fork = fork_then_stop
kernels.warm_kernel(None)
print("survived", flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/environ").exists(), reason="forked kernels")
def test_a_stop_right_after_a_kernel_is_forked_waits_until_it_can_be_killed(tmp_path):
    """A SIGKILLed build left a kernel connection file behind now and then: a worker stopped between forking its
    kernel and recording its pid could not kill it, and the kernel wrote its connection file after the cleanup."""
    done = subprocess.run(
        [sys.executable, "-c", STOP_DURING_FORK, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
    lines = done.stdout.split()
    assert done.returncode == 128 + signal.SIGTERM and lines[1:] == ["deferred"], done
    kernel = int(lines[0])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{kernel}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{kernel}").exists(), "the kernel outlived its worker"
    assert not list(tmp_path.glob("*.json")), "a kernel connection file was left behind"


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


# ---------------------------------------------------------------- issue 19: every brief ends in bounded time


def sleeping_notebook(path: Path, marker: Path) -> Path:
    """A notebook whose second cell writes its kernel's pid to marker, then sleeps a minute."""
    parameters = new_code_cell("x = 1")
    parameters.metadata["tags"] = ["parameters"]
    sleeper = new_code_cell(f"import os, time\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)")
    kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(new_notebook(cells=[parameters, sleeper], metadata={"kernelspec": kernelspec}), path)
    return path


def signal_when_written(marker: Path, signum: int) -> threading.Thread:
    """Send signum to the pid written in marker as soon as it appears (within a minute)."""

    def send():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if marker.is_file() and marker.read_text().strip():
                os.kill(int(marker.read_text()), signum)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    "signum, expected",
    [
        (signal.SIGKILL, "the kernel died while running cell 2 (killed by signal 9)."),
        (signal.SIGSTOP, "cell 2 ran past the cell limit of 3 s and its kernel was stopped."),
    ],
)
def test_a_killed_or_frozen_kernel_fails_its_brief_quickly_and_is_replaced(tmp_path, signum, expected):
    from compare.briefs.kernels import BriefAbandoned

    marker = tmp_path / "kernel.pid"
    notebook = sleeping_notebook(tmp_path / "sleeper.ipynb", marker)
    sender = signal_when_written(marker, signum)
    start = time.monotonic()
    with pytest.raises(BriefAbandoned) as caught:
        execute_warm(notebook, tmp_path / "out.ipynb", {"x": 2}, cell_timeout=3)
    assert time.monotonic() - start < 30, "the kernel's end was noticed late"
    sender.join()
    assert str(caught.value) == expected
    kernel = int(marker.read_text())
    assert not Path(f"/proc/{kernel}").exists() or "State:\tZ" in Path(f"/proc/{kernel}/status").read_text()
    marker.unlink()
    execute_warm(PROJECT_ROOT / "notebooks" / "data_quality.ipynb", tmp_path / "next.ipynb", {})  # a fresh kernel


def test_a_brief_has_a_time_limit_of_its_own(tmp_path):
    from compare.briefs.kernels import BriefAbandoned

    notebook = sleeping_notebook(tmp_path / "sleeper.ipynb", tmp_path / "kernel.pid")
    with pytest.raises(BriefAbandoned, match=r"^cell 2 ran past the brief's limit of 2 s"):
        execute_warm(notebook, tmp_path / "out.ipynb", {"x": 2}, cell_timeout=50, brief_timeout=2)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def build_in_background(tmp_path, *extra) -> subprocess.Popen:
    config = write(tmp_path / "briefs.yml", many_profiles(16))
    return subprocess.Popen(
        [*CLI, "briefs", "--config", str(config), "--out", str(tmp_path / "out"), "--jobs", "2", *map(str, extra)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_kernels(build_: subprocess.Popen) -> list[int]:
    """The build's workers once each has its kernel (a worker's child)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert build_.poll() is None, build_.stderr.read()
        workers = children(build_.pid)
        if workers and all(children(w) for w in workers):
            return workers
        time.sleep(0.1)
    raise AssertionError("no worker had a kernel within two minutes")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
@pytest.mark.parametrize(
    "target, signum", [("kernel", signal.SIGKILL), ("worker", signal.SIGKILL), ("worker", signal.SIGSTOP)]
)
def test_a_build_survives_a_killed_kernel_or_a_lost_worker(tmp_path, target, signum):
    build_ = build_in_background(tmp_path, "--brief-timeout", 8)  # a frozen worker is lost after 2 × 8 + 15 s
    workers = wait_for_kernels(build_)
    os.kill(children(workers[0])[0] if target == "kernel" else workers[0], signum)
    try:
        out, err = build_.communicate(timeout=150)
    finally:
        build_.kill()
    assert build_.returncode in (0, 1), err[-2000:]
    assert "Traceback" not in err
    manifest = json.loads((tmp_path / "out" / "latest" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["briefs"]) == 16
    for entry in manifest["briefs"]:
        sentences = ("the kernel died", "its worker process", "cell ")  # "cell 2 ran past …" on a loaded machine
        assert entry["status"] == "ok" or entry["error"].startswith(sentences), entry
    with open(tmp_path / "out" / ".compare.lock", "a") as lock:  # released: another build may start at once
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


# ---------------------------------------------------------------- issue 19: reuse touches only its own folder


def tamper(out: Path, change) -> dict:
    """Rewrite the manifest latest points at through change(entry, run_folder)."""
    path = out / "latest" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest["briefs"][0], (out / "latest").resolve())
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


def victim(tmp_path) -> tuple[Path, str]:
    target = tmp_path / "victim" / "keep.txt"
    target.parent.mkdir()
    target.write_text("not compare's", encoding="utf-8")
    return target, hashlib.sha256(target.read_bytes()).hexdigest()


@pytest.mark.parametrize("style", ["absolute", "climbing"])
def test_a_manifest_naming_a_file_outside_out_never_touches_it(built, tmp_path, style):
    out = copy_out(built, tmp_path)
    target, digest = victim(tmp_path)

    def point_outside(entry, run):
        rel = str(target) if style == "absolute" else os.path.relpath(target, run)
        entry["html"] = rel
        entry["sha256"] = {rel: digest, entry["executed_notebook"]: entry["sha256"][entry["executed_notebook"]]}

    tamper(out, point_outside)
    manifest = build(built["config"], out, jobs=1, progress=False)
    assert manifest["counts"] == {"ok": 1, "reused": 0, "failed": 0}
    assert target.read_text(encoding="utf-8") == "not compare's" and target.stat().st_nlink == 1


def test_a_page_replaced_by_a_link_is_rebuilt(built, tmp_path):
    out = copy_out(built, tmp_path)
    target, digest = victim(tmp_path)
    page = out / "latest" / "data_quality.html"
    page.unlink()
    page.symlink_to(target)
    tamper(out, lambda entry, run: entry["sha256"].update({"data_quality.html": digest}))
    manifest = build(built["config"], out, jobs=1, progress=False)
    assert manifest["counts"] == {"ok": 1, "reused": 0, "failed": 0}
    new_page = out / "latest" / "data_quality.html"
    assert not new_page.is_symlink() and "not compare's" not in new_page.read_text(encoding="utf-8")


def test_a_latest_pointing_elsewhere_is_neither_followed_nor_kept(built, tmp_path):
    out = copy_out(built, tmp_path)
    elsewhere = tmp_path / "elsewhere" / "29991231T000000Z"
    shutil.copytree((out / "latest").resolve(), elsewhere)
    payload = tmp_path / "payload.txt"
    (out / "latest").unlink()
    (out / "latest").symlink_to(elsewhere, target_is_directory=True)
    manifest = build(built["config"], out, jobs=1, progress=False)
    # built again, or reused from out's own newest run folder: never from where the stray link points
    assert manifest["counts"]["failed"] == 0 and manifest["counts"]["ok"] + manifest["counts"]["reused"] == 1
    assert not (out / "latest" / "data_quality.html").samefile(elsewhere / "data_quality.html")
    assert os.readlink(out / "latest") == manifest["run_id"], "the stray link was replaced by our own run"
    assert not payload.exists()


def test_a_dangling_latest_is_repaired(built, tmp_path):
    out = copy_out(built, tmp_path)
    (out / "latest").unlink()
    (out / "latest").symlink_to("29991231T000000Z", target_is_directory=True)
    manifest = build(built["config"], out, jobs=1, progress=False)
    assert os.readlink(out / "latest") == manifest["run_id"]


@pytest.mark.parametrize("damage", [["not", "a", "hash"], "text", None])
def test_a_damaged_manifest_entry_is_rebuilt_not_a_traceback(built, tmp_path, damage):
    out = copy_out(built, tmp_path)
    tamper(out, lambda entry, run: entry.update({"sha256": damage}))
    manifest = build(built["config"], out, jobs=1, progress=False)
    assert manifest["counts"] == {"ok": 1, "reused": 0, "failed": 0}


# ---------------------------------------------------------------- issue 19: data is text, everywhere

MARKUP_NAMES = ["[t](javascript:alert(2))", "![t](http://203.0.113.9/x.png)", "*a* &amp; <b>b</b>"]


@pytest.fixture(scope="module")
def markup_data(tmp_path_factory):
    """The data with three districts named in Markdown and HTML, as a spreadsheet from elsewhere might name them."""
    data = tmp_path_factory.mktemp("markup") / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    path = data / "reference" / "districts.csv"
    districts = pd.read_csv(path, dtype=str, keep_default_na=False)
    codes = ["371002", "320412", "320682"]  # 环翠区, 武进区, 如皋市: each reports legal aid cases
    for code, name in zip(codes, MARKUP_NAMES):
        districts.loc[districts["code"] == code, "name_en"] = name
    districts.to_csv(path, index=False)
    return data, codes


def test_names_from_data_reach_pages_as_text_never_as_links_or_images(markup_data, tmp_path):
    data, codes = markup_data
    entries = "".join(
        f"  - notebook: district_profile.ipynb\n    lang: en\n    parameters: {{district: '{c}'}}\n" for c in codes
    )
    config = write(tmp_path / "briefs.yml", "briefs:\n" + entries)
    manifest = build(config, tmp_path / "out", jobs=1, progress=False, data_dir=data)
    assert manifest["counts"]["failed"] == 0, manifest["briefs"]
    for entry in manifest["briefs"]:
        page = (tmp_path / "out" / "latest" / entry["html"]).read_text(encoding="utf-8")
        assert "javascript:" not in page.replace("javascript:alert(2))", "")  # the name's text alone
        assert 'href="javascript' not in page and "href='javascript" not in page
        assert '<img src="http' not in page and "<img src='http" not in page and "<em>a</em>" not in page
        assert "<b>b</b>" not in page.split('<div class="lead">')[1].split("</div>")[0]
    leads = " ".join(
        (tmp_path / "out" / "latest" / e["html"]).read_text(encoding="utf-8").split('<div class="lead">')[1][:600]
        for e in manifest["briefs"]
    )
    assert "[t](javascript:alert(2))" in leads and "*a* &amp;amp; &lt;b&gt;b&lt;/b&gt;" in leads


def test_csv_exports_never_hold_a_spreadsheet_formula(markup_data, capsys):
    from compare.stories.story import csv_text

    names = ["=cmd|' /C calc'!A0", "+SUM(1)", "@x", "-2+3", "plain"]
    frame = pd.DataFrame({"name": names, "value": [-1.5, 2, 3, 4, 5], "kind": pd.Categorical(["=1", *"abcd"])})
    rows = csv_text(frame).splitlines()[1:]
    assert rows == ["'=cmd|' /C calc'!A0,-1.5,'=1", "'+SUM(1),2.0,a", "'@x,3.0,b", "'-2+3,4.0,c", "plain,5.0,d"]
    data, _ = markup_data
    path = data / "reference" / "districts.csv"
    districts = pd.read_csv(path, dtype=str, keep_default_na=False)
    districts.loc[districts["code"] == "371002", "name_en"] = '=HYPERLINK("http://203.0.113.9","x")'
    formula = data.parent / "formula"
    shutil.copytree(data, formula)
    districts.to_csv(formula / "reference" / "districts.csv", index=False)
    assert main(["--data", str(formula), "rates", "--metric", "legal_aid_cases", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "=HYPERLINK" in out and ",=HYPERLINK" not in out and '"=HYPERLINK' not in out


# ---------------------------------------------------------------- issue 19: schedules read safely


def alias_bomb(where: str) -> str:
    """440 bytes of YAML that expand to 9**9 strings wherever *i is used."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi"):
        text += f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
    return text + where


@pytest.mark.parametrize(
    "schedule, expected",
    [
        (
            "briefs:\n  - notebook: district_profile.ipynb\n"
            "    parameters: {district: '371002', peers: &p ['320412']}\n"
            "  - notebook: district_profile.ipynb\n    parameters: {district: '320412', peers: *p}\n",
            "uses an alias (*name); write the value out in full (line 5)",
        ),
        ("briefs: " + "[" * 20_000 + "]" * 20_000 + "\n", "nests lists or mappings more than 32 deep (line 1)"),
        ("briefs:\n  " + "- " * 3_000 + "x\n", "nests lists or mappings more than 32 deep (line 2)"),
        ("briefs:\n" + "".join(" " * i + "k:\n" for i in range(1, 3_000)) + "x\n", "larger than 1,000,000 bytes"),
        ("briefs: [" + ",".join(["1"] * 20_000) + "]\n", "holds more than 10,000 values"),
        (
            "briefs:\n  - notebook: data_quality.ipynb\n    notebook: district_profile.ipynb\n",
            "repeats the key 'notebook' in one mapping (line 3)",
        ),
        ("briefs:\n  - notebook: '" + "x" * 5_000 + "'\n", "Unknown notebook 'xxxxxxxxxxxxxxxxxxxxxxxxxxx...xxx"),
    ],
    ids=["alias", "deep-flow", "deep-block", "deep-indent", "wide", "duplicate-key", "long-value"],
)
def test_a_schedule_is_read_within_bounds_and_refused_in_one_short_sentence(tmp_path, capsys, schedule, expected):
    config = write(tmp_path / "briefs.yml", schedule)
    assert main(["briefs", "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and len(err) < 300, err[:1000]


@pytest.mark.parametrize(
    "where",
    [
        "briefs:\n  - notebook: district_profile.ipynb\n    parameters: {district: '371002', peers: *i}\n",
        "briefs:\n  - notebook: data_quality.ipynb\n    lang: *i\n",
        "briefs:\n  - notebook: *i\n",
        "briefs:\n  - *i\n",
    ],
    ids=["peers", "lang", "notebook", "entry"],
)
def test_an_alias_bomb_is_refused_at_once_in_little_memory(tmp_path, where):
    import resource

    config = write(tmp_path / "briefs.yml", alias_bomb(where))
    one_gigabyte = 1 << 30

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (one_gigabyte, one_gigabyte))

    start = time.monotonic()
    result = subprocess.run(
        [*CLI, "briefs", "--config", str(config), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap_memory,
    )
    assert "uses an alias (*name)" in one_sentence(result)
    assert time.monotonic() - start < 30


# ---------------------------------------------------------------- issue 19: right or refused


@pytest.fixture
def negative_count(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    path = data / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",591,exact,", ",-591,exact,"), encoding="utf-8")
    return data


def test_briefs_refuse_to_publish_data_validate_rejects(negative_count, tmp_path):
    config = write(tmp_path / "briefs.yml", QUALITY)
    out = tmp_path / "out"
    message = one_sentence(cli("--data", negative_count, "briefs", "--config", config, "--out", out))
    assert "problem(s) compare validate rejects, the first observations.csv:26: " in message
    assert message.endswith("or pass --no-validate to use the data as it is.")
    assert not out.exists() or runs(out) == [], "nothing was published"
    insisted = cli("--data", negative_count, "briefs", "--config", config, "--out", out, "--no-validate")
    assert insisted.returncode == 0, insisted.stderr[-2000:]
    assert (out / "latest" / "data_quality.html").is_file()


def stated_versions(page: str) -> tuple[str, str]:
    """The data version a data-quality page's lead states, and the one its "About this brief" states."""
    import re

    lead = re.search(r"data version <code>(\w+)</code>", page.split('<div class="lead">')[1]).group(1)
    about = re.search(r"<dt>Data version</dt><dd>(\w+)</dd>", page).group(1)
    return lead, about


def test_a_page_states_the_one_data_version_its_story_read(tmp_path):
    from compare.briefs.build import run_brief
    from compare.briefs.schedule import load_schedule

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    config = write(tmp_path / "briefs.yml", QUALITY)
    [validated] = load_schedule(config, load_dataset(data))
    with open(data / "sources" / "huancui-2021h1.txt", "a", encoding="utf-8") as handle:
        handle.write("\n")  # the data changes after the build read it, as a hand edit during a build would
    [changed] = run_brief(validated, tmp_path / "run", str(data))
    assert changed.status == "failed" and changed.error.startswith("the data changed while the build ran: ")
    assert not (tmp_path / "run" / "data_quality.html").exists(), "no page mixing two versions"

    version = load_dataset(data).version
    [brief] = load_schedule(config, load_dataset(data))
    [result] = run_brief(brief, tmp_path / "run", str(data))
    page = (tmp_path / "run" / result.html).read_text(encoding="utf-8")
    assert result.status == "ok" and stated_versions(page) == (version, version) and result.data_version == version


def test_a_build_holds_the_data_folder_so_an_accept_waits_for_it(tmp_path):
    """compare accept locks the data folder: a build takes the same lock shared, so no accept lands mid-build."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    config = write(tmp_path / "briefs.yml", QUALITY)
    with open(data / ".compare.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # an accept in progress
        build_ = subprocess.Popen(
            [
                *CLI,
                "--data",
                str(data),
                "briefs",
                "--config",
                str(config),
                "--out",
                str(tmp_path / "out"),
                "--jobs",
                "1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert build_.poll() is None and not (tmp_path / "out").exists(), "the build waits before reading the data"
    out, err = build_.communicate(timeout=300)
    assert build_.returncode == 0, err[-2000:]
    manifest = json.loads((tmp_path / "out" / "latest" / "manifest.json").read_text(encoding="utf-8"))
    page = (tmp_path / "out" / "latest" / "data_quality.html").read_text(encoding="utf-8")
    assert stated_versions(page) == (manifest["data_version"],) * 2 == (manifest["briefs"][0]["data_version"],) * 2


# ---------------------------------------------------------------- issue 19: reuse keyed on what a brief reads


def test_a_brief_reading_its_own_data_dir_is_rebuilt_when_that_folder_changes(tmp_path):
    other = tmp_path / "other"
    shutil.copytree(PROJECT_ROOT / "data", other)
    config = write(
        tmp_path / "briefs.yml",
        f"briefs:\n  - notebook: data_quality.ipynb\n    lang: en\n    parameters: {{data_dir: '{other}'}}\n",
    )
    out = tmp_path / "out"
    first = build(config, out, jobs=1, progress=False)
    assert first["counts"] == {"ok": 1, "reused": 0, "failed": 0}, first["briefs"]
    with open(other / "sources" / "huancui-2021h1.txt", "a", encoding="utf-8") as handle:
        handle.write("\n")  # the folder the notebook reads changes; the build's own data does not
    second = build(config, out, jobs=1, progress=False)
    assert second["counts"] == {"ok": 1, "reused": 0, "failed": 0}, "rebuilt, not reused with the old numbers"
    version = load_dataset(other).version
    page = (out / "latest" / second["briefs"][0]["html"]).read_text(encoding="utf-8")
    assert second["briefs"][0]["data_version"] == version and stated_versions(page) == (version, version)
    assert build(config, out, jobs=1, progress=False)["counts"]["reused"] == 1, "unchanged: reused"


def test_a_data_dir_parameter_naming_invalid_data_is_refused(tmp_path):
    other = tmp_path / "other"
    shutil.copytree(PROJECT_ROOT / "data", other)
    path = other / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",591,exact,", ",-591,exact,"), encoding="utf-8")
    config = write(
        tmp_path / "briefs.yml",
        f"briefs:\n  - notebook: data_quality.ipynb\n    lang: en\n    parameters: {{data_dir: '{other}'}}\n",
    )
    message = one_sentence(cli("briefs", "--config", config, "--out", tmp_path / "out"))
    assert f"{other}: " in message and "problem(s) compare validate rejects" in message


# ---------------------------------------------------------------- issue 19: the small ones


@pytest.mark.parametrize("inside", [".", "outputs", "sources/outputs"])
def test_an_out_inside_the_data_folder_is_refused(tmp_path, inside):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data, ignore=shutil.ignore_patterns(".compare.lock"))
    before = sorted(data.rglob("*"))
    config = write(tmp_path / "briefs.yml", QUALITY)
    message = one_sentence(cli("--data", data, "briefs", "--config", config, "--out", data / inside))
    assert f"is inside the data folder {data}" in message
    assert sorted(data.rglob("*")) == before, "nothing written into the data folder"


# ---------------------------------------------------------------- issue 19: a Dask cluster that goes away

DASK = [str(Path(sys.executable).parent / "dask")]


@pytest.fixture
def dask_cluster(tmp_path):
    """A Dask scheduler and one worker without a nanny (a lost worker is not restarted), each in its own process
    group; both and every process they started are killed afterwards."""
    pytest.importorskip("distributed", reason="dask[distributed] is installed by make test")
    from distributed import Client

    if not Path(DASK[0]).exists():
        pytest.skip("the dask command is not installed beside this interpreter")
    info = tmp_path / "scheduler.json"
    started = []

    def start(*args):
        started.append(
            subprocess.Popen(
                [*DASK, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        )
        return started[-1]

    scheduler = start(
        "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(info)
    )
    deadline = time.monotonic() + 60
    while not info.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    address = json.loads(info.read_text())["address"]
    worker = start("worker", address, "--no-nanny", "--nthreads", "1", "--no-dashboard")
    with Client(address, timeout=30) as client:
        client.wait_for_workers(1, timeout=60)
    try:
        yield {"address": address, "scheduler": scheduler, "worker": worker}
    finally:
        for process in started:
            kernels = [k for k in children(process.pid)]
            for pid in [process.pid, *kernels]:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            process.wait(10)


def kill_when_a_page_is_written(out: Path, process: subprocess.Popen) -> dict:
    """Kill process (and its process group) once a run folder under out holds a page, so briefs are running;
    returns {"thread": the watcher, "at": the moment of the kill}."""
    watcher = {}

    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(out.glob("*/*.html")):
            time.sleep(0.05)
        watcher["at"] = time.monotonic()
        os.killpg(process.pid, signal.SIGKILL)

    watcher["thread"] = threading.Thread(target=watch, daemon=True)
    watcher["thread"].start()
    return watcher


def test_a_lost_dask_scheduler_is_one_sentence_at_once(dask_cluster, tmp_path):
    config = write(tmp_path / "briefs.yml", many_profiles(40))
    out = tmp_path / "out"
    build_ = subprocess.Popen(
        [
            *CLI,
            "briefs",
            "--config",
            str(config),
            "--out",
            str(out),
            "--executor",
            "dask",
            "--scheduler",
            dask_cluster["address"],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watcher = kill_when_a_page_is_written(out, dask_cluster["scheduler"])
    try:
        _, err = build_.communicate(timeout=150)
    finally:
        build_.kill()
    watcher["thread"].join()
    assert time.monotonic() - watcher["at"] < 30
    result = subprocess.CompletedProcess(build_.args, build_.returncode, "", err)
    assert one_sentence(result) == (
        f"error: Lost the connection to the Dask scheduler at {dask_cluster['address']} while briefs were running; "
        "the unfinished run was removed."
    )
    assert runs(out) == [] and not (out / "latest").exists()


def test_a_lost_dask_worker_fails_the_unfinished_briefs_in_one_sentence(dask_cluster, tmp_path, monkeypatch):
    monkeypatch.setattr(
        sys.modules["compare.briefs.build"], "WORKER_GRACE", 3
    )  # 15 s in use: how long a cluster may go without workers
    config = write(tmp_path / "briefs.yml", many_profiles(40))
    out = tmp_path / "out"
    watcher = kill_when_a_page_is_written(out, dask_cluster["worker"])
    manifest = build(config, out, executor="dask", scheduler=dask_cluster["address"], progress=False)
    watcher["thread"].join()
    assert time.monotonic() - watcher["at"] < 30, "bounded time, not a wait for ever"
    failed = [e for e in manifest["briefs"] if e["status"] == "failed"]
    assert failed and len(manifest["briefs"]) == 40 and (out / "latest" / "index.html").is_file()
    assert {e["error"] for e in failed} == {"no Dask worker was left to run it (none joined within 3 s)."}


@pytest.mark.parametrize("address", ["tls://127.0.0.1:9", "wss://127.0.0.1:9"])
def test_a_tls_scheduler_without_certificates_is_one_sentence_at_once(built, tmp_path, address):
    pytest.importorskip("distributed", reason="dask[distributed] is installed by make test")
    start = time.monotonic()
    result = cli("briefs", "--config", built["config"], "--out", tmp_path / "out", "--force", "--executor", "dask",
                 "--scheduler", address)  # fmt: skip
    assert f"The Dask scheduler at {address} speaks TLS, but no certificates are configured" in one_sentence(result)
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("ending", ["end_workers", "close_pool"])
def test_a_pool_ended_by_the_build_leaves_no_thread_to_race_the_interpreters_exit(ending):
    """At exit concurrent.futures wakes each pool's thread through a pipe that thread closes as it ends; a close
    racing that write printed 'OSError: Bad file descriptor' with a traceback after a stopped build's one
    sentence. The build now waits for the thread."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    pool.submit(time.sleep, 0.1).result()
    manager = pool._executor_manager_thread
    getattr(sys.modules["compare.briefs.build"], ending)(pool)  # the module; compare.briefs.build is a function
    assert not manager.is_alive()
