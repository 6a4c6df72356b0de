"""One build: run the schedule's notebooks in worker processes, write the pages, indexes and manifest.

Layout of one run, outputs/<run-id>/:
    <brief-id>.html, <brief-id>-zh.html   the brief in each language (no code; images and its font embedded)
    notebooks/<brief-id>.ipynb            the executed notebook
    index.html, index-zh.html             every brief, grouped by kind
    manifest.json                         per page: parameters, status, seconds, outputs and their SHA-256
outputs/latest points at the newest complete run that holds every language the schedule asks for: a run of one
language (--lang) stays in its own folder, its pages linking only each other, and latest keeps both languages.
Files appear atomically (written aside, then renamed); run folders are created with an exclusive mkdir; a build
holds a lock on the output folder, so two builds take turns, and latest only ever moves forward. A brief whose
notebook, parameters, the data it reads and presentation are unchanged is hard-linked from the latest run (or the
newest), after its files' hashes are checked against that run's manifest.
A build stopped by SIGTERM or SIGINT ends its workers and kernels and removes its unfinished run folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from .. import __version__
from ..data.fileio import Stopped, file_digest, locked, reading, stop_on_sigterm, write_atomically
from ..data.tables import data_version, is_synthetic, load_dataset, load_validated
from ..errors import CompareError
from ..paths import NOTEBOOKS_DIR, OUTPUTS_DIR
from ..paths import data_dir as default_data_dir
from . import kernels
from .overview import overview
from .progress import progress_bar
from .render import index_html, index_name, provenance_rows, render_brief, story_data_version
from .schedule import DEFAULT_CONFIG, Brief, brief_data_dir, check_parameters, load_schedule, schedule_languages
from .wording import LANGUAGES

RUN_ID = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")
DEFAULT_KEEP = 10
DASK_TIMEOUT = 5  # seconds to reach a Dask scheduler before giving up
WORKER_GRACE = 15  # seconds past twice a brief's limit before a worker that has not answered counts as lost
WORKER_ATTEMPTS = 2  # a brief whose worker was lost this many times fails instead of running again


@dataclass(frozen=True)
class Limits:
    """How long a cell and a whole brief may run before the kernel is stopped and the brief fails."""

    cell: float = kernels.CELL_TIMEOUT
    brief: float = kernels.BRIEF_TIMEOUT

    def __post_init__(self):
        if not (self.cell > 0 and self.brief > 0):
            raise CompareError("Time limits must be positive numbers of seconds.")


@dataclass
class Result:
    """What happened to one page of a brief (one manifest entry)."""

    brief_id: str
    kind: str
    title: str
    notebook: str
    parameters: dict
    lang: str
    status: str  # ok, reused, failed
    seconds: float
    html: str | None = None
    executed_notebook: str | None = None
    error: str | None = None
    cache_key: str = ""
    sha256: dict = field(default_factory=dict)  # output path -> SHA-256 of its bytes
    data_version: str = ""  # the version of the data the page was made from (the one its page states)


class DataChanged(CompareError):
    """A brief read other data than the build validated (someone wrote the data folder without its lock)."""


def _results(brief: Brief, status: str, **fields) -> list[Result]:
    return [
        Result(
            brief.page_id(lang),
            brief.kind,
            brief.titles[lang],
            brief.notebook,
            brief.parameters,
            lang,
            status,
            0.0,
            cache_key=brief.cache_key,
            **fields,
        )
        for lang in brief.langs
    ]


# ---------------------------------------------------------------- one brief, in a worker


def failure_message(exc: Exception, executed: Path | None = None) -> str:
    """'cell 4 failed: CompareError: …', counting cells as the notebook file has them (papermill's injected
    parameters cell not counted), not the kernel's execution count."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, (kernels.BriefAbandoned, DataChanged)):
        return str(exc)
    if isinstance(exc, PapermillExecutionError):
        return f"cell {notebook_position(exc.cell_index, executed)} failed: {exc.ename}: {exc.evalue}"
    return f"{exc.__class__.__name__}: {exc}"


def notebook_position(cell_index: int, executed: Path | None) -> int:
    """The 1-based position in the source notebook of the cell papermill ran as cell_index (which counts our
    reset cell and papermill's injected parameters cell; the error cell papermill adds on top comes later)."""
    import nbformat

    ran = [[kernels.RESET_TAG]]  # the reset cell came first; it is removed from the executed notebook
    if executed is not None and executed.is_file():
        tags = [c.get("metadata", {}).get("tags", []) for c in nbformat.read(str(executed), as_version=4).cells]
        ran += [t for t in tags if "papermill-error-cell-tag" not in t]
    added = sum(bool({kernels.RESET_TAG, "injected-parameters"} & set(t)) for t in ran[:cell_index])
    return cell_index - added + 1


def run_brief(brief: Brief, run_dir: Path, data_dir: str | None = None, limits: Limits = Limits()) -> list[Result]:
    """Execute one notebook with papermill and write its page in each language; never raises for a notebook
    failure (the pages are reported failed, the others go on). A page states the data version its story read
    (lead and "About this brief" from one read), and fails if that is not the version the build validated."""

    start = time.perf_counter()
    nb_dir = run_dir / "notebooks"
    nb_dir.mkdir(parents=True, exist_ok=True)
    executed = nb_dir / f"{brief.brief_id}.ipynb"
    tmp = nb_dir / f".{brief.brief_id}.tmp-{os.getpid()}.ipynb"
    results = _results(brief, "ok")
    try:
        check_parameters(brief.notebook, brief.parameters)  # names reach the kernel as source code
        with kernels.stderr_to(run_dir / "logs" / f"{brief.brief_id}.log"):  # kernel chatter goes to the log
            node = kernels.execute_warm(
                NOTEBOOKS_DIR / brief.notebook, tmp, brief.parameters, data_dir, limits.cell, limits.brief
            )
        version = story_data_version(node) or data_version(brief_data_dir(brief.parameters, data_dir))
        if brief.data_version and version != brief.data_version:
            raise DataChanged(
                f"the data changed while the build ran: this brief read data version {version}, the build "
                f"validated {brief.data_version}; build again."
            )
        for result in results:
            result.data_version = version
            others = [brief.page_id(lang) + ".html" for lang in brief.editions if lang != result.lang]
            page = render_brief(
                node, result.title, result.lang, provenance_rows(version, result.lang), others[0] if others else None
            )
            write_atomically(run_dir / f"{result.brief_id}.html", page)
            result.html = f"{result.brief_id}.html"
    except Exception as exc:  # a failing brief is reported, never stops the others
        message = failure_message(exc, tmp)
        for result in results:
            result.status, result.error, result.html = "failed", message, None
    if tmp.exists():
        os.replace(tmp, executed)
    seconds = round(time.perf_counter() - start, 2)
    for result in results:
        result.seconds = seconds
        if executed.exists():
            result.executed_notebook = f"notebooks/{brief.brief_id}.ipynb"
        result.sha256 = {rel: file_digest(run_dir / rel) for rel in (result.html, result.executed_notebook) if rel}
    return results


# ---------------------------------------------------------------- reuse


def reuse(brief: Brief, previous: dict[str, dict], previous_dir: Path | None, run_dir: Path) -> list[Result] | None:
    """Hard-link an unchanged brief's pages and notebook from the previous run, after checking each file's
    SHA-256 against the previous manifest; None when anything differs or is missing.

    Paths are ours, never the manifest's: a page's files are named from its id, inside the previous run folder,
    and each must be a regular file (not a link) with the recorded hash; an entry naming any other path is
    rebuilt, so nothing outside --out is ever read, linked or deleted."""
    if previous_dir is None:
        return None
    root = previous_dir.resolve()
    names = {lang: (f"{brief.page_id(lang)}.html", f"notebooks/{brief.brief_id}.ipynb") for lang in brief.langs}
    olds = {lang: previous.get(brief.page_id(lang)) for lang in brief.langs}
    files: dict[str, str] = {}
    for lang, old in olds.items():
        if not (
            isinstance(old, dict)
            and old.get("status") in ("ok", "reused")
            and old.get("cache_key") == brief.cache_key
            and (old.get("html"), old.get("executed_notebook")) == names[lang]
            and isinstance(old.get("sha256"), dict)
        ):
            return None
        for rel in names[lang]:
            digest = old["sha256"].get(rel)
            if not isinstance(digest, str) or (root / rel).resolve() != root / rel or not is_plain_file(root / rel):
                return None  # a link on the way, or no regular file
            files[rel] = digest
    if any(file_digest(root / rel) != digest for rel, digest in files.items()):
        return None
    (run_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    for rel in sorted(files):
        link_or_copy(root / rel, run_dir / rel)
    results = _results(brief, "reused")
    for result in results:
        result.html, result.executed_notebook = names[result.lang]
        result.sha256 = {rel: files[rel] for rel in names[result.lang]}
        result.data_version = str(olds[result.lang].get("data_version") or "")  # the version its page states
    return results


def is_plain_file(path: Path) -> bool:
    """A regular file itself, not a symbolic link to one."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link (no second copy on disk), or a copy where the file system cannot link."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        write_atomically(target, source.read_bytes())


# ---------------------------------------------------------------- run folders


def run_sort_key(name: str) -> tuple[str, int]:
    match = RUN_ID.match(name)
    return (match.group(1), int(match.group(2) or 1)) if match else ("", 0)


def previous_run(out: Path) -> tuple[dict[str, dict], Path | None]:
    """The manifest entries of the run outputs/latest points at, by page id; nothing when latest is missing,
    dangling or points anywhere but at a run folder inside out, or when its manifest is damaged."""
    run = latest_run(out)
    entries = run_manifest(run) if run is not None else {}
    return (entries, run) if entries else ({}, None)


def reuse_sources(out: Path) -> list[tuple[dict[str, dict], Path]]:
    """The runs a brief may be reused from: latest's, then the newest run with a manifest when that is another
    (a one-language run, which latest does not point at)."""
    sources = []
    latest = latest_run(out)
    runs = [p for p in out.iterdir() if RUN_ID.match(p.name) and not p.is_symlink() and p.is_dir()]
    newest = max(runs, key=lambda p: run_sort_key(p.name), default=None)
    for run in dict.fromkeys(r for r in (latest, newest) if r is not None):
        previous = run_manifest(run)
        if previous:
            sources.append((previous, run))
    return sources


def run_manifest(run: Path) -> dict[str, dict]:
    """A run folder's manifest entries by page id; nothing when it has none or it is damaged."""
    if not is_plain_file(run / "manifest.json"):
        return {}
    try:
        entries = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["briefs"]
        return {e["brief_id"]: e for e in entries if isinstance(e, dict)}
    except (ValueError, KeyError, TypeError):  # a damaged manifest: rebuild everything
        return {}


def latest_run(out: Path) -> Path | None:
    """The run folder outputs/latest names, when it is one of out's own run folders (a plain name)."""
    latest = out / "latest"
    if not latest.is_symlink():
        return None
    name = os.readlink(latest)
    run = out / name
    if not RUN_ID.match(name) or run.is_symlink() or not run.is_dir():
        return None
    return run


def new_run_dir(out: Path) -> tuple[str, Path]:
    """A fresh run folder, created with an exclusive mkdir (a name another build took is never shared)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        run_id = stamp if n == 1 else f"{stamp}-{n}"
        try:
            (out / run_id).mkdir()
            return run_id, out / run_id
        except FileExistsError:
            continue
    raise CompareError(f"Cannot find a free run folder name in {out}.")


def point_latest(out: Path, run_id: str) -> bool:
    """Make outputs/latest point at run_id, atomically, unless it already points at a newer run."""
    latest = out / "latest"
    current = latest_run(out)
    if current is not None and run_sort_key(current.name) > run_sort_key(run_id):
        return False
    tmp = out / f".latest.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_id, target_is_directory=True)
    os.replace(tmp, latest)
    return True


def prune(out: Path, keep: int) -> list[str]:
    """Delete complete runs beyond the newest `keep`; never latest's run, never a run without a manifest (one
    still being written, or stopped). Returns the removed run ids."""
    latest = getattr(latest_run(out), "name", None)
    runs = sorted(
        (
            p
            for p in out.iterdir()
            if p.is_dir() and not p.is_symlink() and RUN_ID.match(p.name) and (p / "manifest.json").is_file()
        ),
        key=lambda p: run_sort_key(p.name),
        reverse=True,
    )
    removed = []
    for run in runs[max(keep, 1) :]:
        if run.name != latest:
            shutil.rmtree(run, ignore_errors=True)
            removed.append(run.name)
    return removed


def check_outside_data(out: Path, data_folders) -> None:
    """Refuse an output folder inside a data folder a build reads: runs, logs and locks would land among the
    data (and a brief could read what an earlier one wrote)."""
    where = out.resolve()
    for folder in data_folders:
        folder = Path(folder).resolve()
        if where == folder or folder in where.parents:
            raise CompareError(f"--out {out} is inside the data folder {folder}; give an output folder outside it.")


def check_out(out: Path) -> None:
    """Refuse an output folder compare cannot use, in one sentence."""
    if out.exists() and not out.is_dir():
        raise CompareError(f"--out {out} is a file, not a folder.")
    latest = out / "latest"
    if latest.exists() and not latest.is_symlink():
        raise CompareError(f"{latest} is a real folder, not the link compare keeps there; move it aside.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CompareError(f"Cannot create the output folder {out}: {exc.strerror.lower()}.") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise CompareError(f"Cannot write to the output folder {out}: permission denied.")


# ---------------------------------------------------------------- the whole run


def build(
    config: Path | None = None,
    out: Path | None = None,
    jobs: int = 2,
    force: bool = False,
    data_dir: Path | None = None,
    executor: str = "process",
    scheduler: str | None = None,
    progress: bool = True,
    lang: str | None = None,
    keep: int = DEFAULT_KEEP,
    limits: Limits = Limits(),
    validate: bool = True,
) -> dict:
    """Run every brief of the schedule; write pages, indexes, font and manifest; return the manifest.

    The data is validated first (as compare validate would), and invalid data is refused before anything is
    run or published, unless validate is False. A writer that locks the data folder (compare accept) waits
    until the build is over."""
    out = Path(out or OUTPUTS_DIR).absolute()
    data_dir = Path(data_dir).resolve() if data_dir else None  # kernels start in notebooks/: never pass relative
    if executor not in ("process", "dask"):
        raise CompareError(f"Unknown executor '{executor}'; use process or dask.")
    check_outside_data(out, [data_dir or default_data_dir()])
    # A shared lock on the data folder for the whole build: compare accept waits until the last brief has read
    # the data, so every page of a build states the version that was validated here.
    with reading(data_dir or default_data_dir()):
        ds = load_validated(data_dir, override="--no-validate") if validate else load_dataset(data_dir)
        briefs = load_schedule(Path(config or DEFAULT_CONFIG), ds, lang)
        every_language = lang is None or {lang} >= schedule_languages(Path(config or DEFAULT_CONFIG), ds)
        check_outside_data(out, {brief_data_dir(b.parameters, ds.data_dir) for b in briefs})
        if validate:  # the data folders the schedule's data_dir parameters name, as the build's own
            for folder in sorted({brief_data_dir(b.parameters, ds.data_dir) for b in briefs} - {ds.data_dir.resolve()}):
                load_validated(folder, override="--no-validate")
        check_out(out)
        with locked(out), stop_on_sigterm():
            sources = reuse_sources(out) if not force else []
            run_id, run_dir = _make_run_dir(out)
            try:
                manifest = _run(
                    briefs,
                    run_id,
                    run_dir,
                    sources,
                    ds,
                    jobs,
                    data_dir,
                    executor,
                    scheduler,
                    progress,
                    out,
                    limits,
                    every_language,
                )
            except (Stopped, KeyboardInterrupt):
                shutil.rmtree(run_dir, ignore_errors=True)
                raise CompareError(
                    f"Stopped before the end: the unfinished run {run_id} was removed and "
                    f"{out / 'latest'} is unchanged."
                ) from None
            except BaseException as exc:
                shutil.rmtree(run_dir, ignore_errors=True)
                if isinstance(exc, OSError):
                    raise CompareError(
                        f"Cannot write the briefs to {out}: {(exc.strerror or str(exc)).lower()}; "
                        f"the unfinished run was removed."
                    ) from None
                raise
            manifest["pruned"] = prune(out, keep)
    manifest["run_dir"] = str(run_dir)
    return manifest


def _make_run_dir(out: Path) -> tuple[str, Path]:
    try:
        return new_run_dir(out)
    except OSError as exc:
        raise CompareError(f"Cannot create a run folder in {out}: {(exc.strerror or str(exc)).lower()}.") from None


def _run(
    briefs, run_id, run_dir, sources, ds, jobs, data_dir, executor, scheduler, progress, out, limits, every_language
) -> dict:
    started = time.perf_counter()
    results, todo = [], []
    for b in briefs:
        reused = next((r for previous, folder in sources if (r := reuse(b, previous, folder, run_dir))), None)
        (results.extend(reused) if reused else todo.append(b))
    data = str(data_dir) if data_dir else None
    results += run_all(todo, run_dir, jobs, data, executor, scheduler, progress, limits)
    order = {r.brief_id: i for i, r in enumerate(r for b in briefs for r in _results(b, ""))}
    results.sort(key=lambda r: order[r.brief_id])
    manifest = {
        "run_id": run_id,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_version": ds.version,
        "compare_version": __version__,
        "data_dir": str(data_dir or ""),
        "synthetic": any(is_synthetic(brief_data_dir(b.parameters, ds.data_dir)) for b in briefs) or ds.synthetic,
        "counts": {s: sum(r.status == s for r in results) for s in ("ok", "reused", "failed")},
        "briefs": [asdict(r) for r in results],
    }
    matrix = overview(ds, overview_profiles(briefs, ds))
    for lang in LANGUAGES:
        if lang == "en" or any(r.lang == lang for r in results):
            write_atomically(run_dir / index_name(lang), index_html(manifest, lang, matrix))
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    write_atomically(run_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    manifest["latest"] = every_language and point_latest(out, run_id)  # a one-language run leaves latest whole
    return manifest


def overview_profiles(briefs: list[Brief], ds) -> list[tuple[str, str]]:
    """(district, denominator) of the run's profiles the index's overview shows: those of the build's data with
    the default peers and period, whose verdicts are the ones their page gives."""
    own = Path(ds.data_dir).resolve()
    chosen = {}
    for b in briefs:
        p = b.parameters
        if b.kind == "district_profile" and not p.get("peers") and not p.get("period"):
            if brief_data_dir(p, ds.data_dir) == own:
                chosen.setdefault(str(p["district"]), str(p.get("denominator") or ""))
    return list(chosen.items())


def run_all(
    briefs: list[Brief],
    run_dir: Path,
    jobs: int,
    data_dir: str | None,
    executor: str,
    scheduler: str | None,
    progress: bool,
    limits: Limits = Limits(),
) -> list[Result]:
    """Run briefs in parallel worker processes (or on a Dask cluster), with a progress bar (on a terminal; a
    log gets a line at every tenth of the briefs)."""
    if not briefs:
        return []
    bar = progress_bar(len(briefs), progress)
    if executor == "dask":
        quiet_dask_logs()
        return run_on_dask(briefs, run_dir, data_dir, dask_client(scheduler), bar, limits)
    return run_in_processes(briefs, run_dir, jobs, data_dir, bar, limits)


def quiet_dask_logs() -> None:
    """Keep Dask's log records in this process (a lost scheduler's reconnection attempts with their tracebacks,
    also after the client is closed) off the terminal: what went wrong is said in one sentence."""
    import logging

    import distributed  # noqa: F401 (configures its loggers, with levels of their own)

    names = [name for name in logging.root.manager.loggerDict if name.split(".")[0] == "distributed"]
    for name in ["distributed", *names]:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def run_in_processes(briefs, run_dir, jobs, data_dir, make_bar, limits: Limits = Limits()) -> list[Result]:
    """Local worker processes, tied to this process's life; their kernels' files in a runtime folder of ours.

    A process with no other thread (the `compare` command) preloads the notebooks' imports and forks its
    workers, which inherit them; any other (a test runner, a Jupyter session) starts fresh workers, which
    preload for themselves. On Linux each worker forks its kernel from itself; elsewhere kernels start fresh.
    A worker that dies or stops answering is replaced: its pool is ended and the unfinished briefs run again
    in a new one; a brief whose worker was lost WORKER_ATTEMPTS times fails with one sentence."""
    fork = kernels.FORK_KERNELS and threading.active_count() == 1  # checked before the progress bar's thread
    if fork:
        kernels.preload()
    runtime = tempfile.mkdtemp(prefix="compare-kernels-")
    results: list[Result] = []
    losses: dict[str, int] = {}
    try:
        with make_bar() as bar:
            todo = list(briefs)
            while todo:
                done, todo, suspects = run_pool(todo, run_dir, jobs, data_dir, limits, runtime, fork, bar)
                results += done
                for brief in suspects:
                    losses[brief.brief_id] = losses.get(brief.brief_id, 0) + 1
                for brief in [b for b in todo if losses.get(b.brief_id, 0) >= WORKER_ATTEMPTS]:
                    todo.remove(brief)
                    error = f"its worker process was lost {WORKER_ATTEMPTS} times while running it (killed or frozen)."
                    results += _results(brief, "failed", error=error)
                    bar.update()
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
        for leftover in (run_dir / "notebooks").glob(".*.tmp-*.ipynb"):  # written by a worker that was lost
            leftover.unlink(missing_ok=True)
    return results


def run_pool(briefs, run_dir, jobs, data_dir, limits, runtime, fork, bar) -> tuple[list, list, list]:
    """Run briefs in one pool of workers until all are done or a worker is lost (it died, or a brief of its
    has run past twice the brief limit plus WORKER_GRACE without answering). Returns the results, the briefs
    left unfinished and those among them that were running when the pool was lost."""
    pool = ProcessPoolExecutor(
        max_workers=max(1, min(jobs, len(briefs))),
        mp_context=get_context("fork" if fork else "spawn"),
        initializer=kernels.init_worker,
        initargs=(os.getpid(), runtime, data_dir),
    )
    futures = {pool.submit(run_brief, b, run_dir, data_dir, limits): b for b in briefs}  # the workers start here
    results, finished, running = [], set(), {}
    pending, lost = set(futures), False
    try:
        while pending and not lost:
            done, pending = wait(pending, timeout=1, return_when=FIRST_COMPLETED)
            for fut in done:
                if isinstance(fut.exception(), BrokenProcessPool):
                    lost = True
                    continue
                results += fut.result()
                finished.add(fut)
                bar.update()
            now = time.monotonic()
            for fut in pending:
                if fut.running():
                    running.setdefault(fut, now)
            lost = lost or any(now - running[f] > 2 * limits.brief + WORKER_GRACE for f in pending if f in running)
    except BaseException:
        end_workers(pool)
        raise
    if not lost:
        close_pool(pool)
        return results, [], []
    end_workers(pool)
    unfinished = [f for f in futures if f not in finished]
    return results, [futures[f] for f in unfinished], [futures[f] for f in unfinished if f in running]


def close_pool(pool: ProcessPoolExecutor, grace: float = WORKER_GRACE) -> None:
    """Let the workers of a pool whose work is done exit; stop any that has not within grace (a frozen one)."""
    processes, manager = list((pool._processes or {}).values()), pool._executor_manager_thread
    pool.shutdown(wait=False)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    stop_processes(processes)
    _join(manager, grace)


def end_workers(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """SIGTERM every worker (each kills its kernels and exits), wait, then SIGKILL any that remain."""
    manager = pool._executor_manager_thread
    stop_processes(list((pool._processes or {}).values()), grace)
    pool.shutdown(wait=False, cancel_futures=True)
    _join(manager, grace)


def _join(manager, grace: float) -> None:
    """Wait for a pool's own thread (taken before shutdown forgets it) to finish closing its pipes: at the
    interpreter's exit concurrent.futures wakes it through one of them, and a close racing that write prints
    'OSError: Bad file descriptor' with a traceback after a stopped build's one-sentence error."""
    if manager is not None:
        manager.join(grace)


def stop_processes(processes: list, grace: float = 5.0) -> None:
    """SIGTERM the processes still alive, wait up to grace, then SIGKILL the rest (a stopped one too)."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1)


def dask_client(scheduler: str | None):
    """A client of the Dask scheduler (a local cluster without one), or one sentence when it cannot be reached."""
    import dask
    from dask.distributed import Client

    scheme = (scheduler or "").partition("://")[0] if "://" in (scheduler or "") else ""
    if scheme in ("tls", "wss") and not any(
        dask.config.get(f"distributed.comm.tls.{key}", None) for key in ("ca-file", "client.cert")
    ):
        raise CompareError(
            f"The Dask scheduler at {scheduler} speaks TLS, but no certificates are configured: set "
            "distributed.comm.tls.ca-file, client.cert and client.key in Dask's configuration."
        )
    try:
        return Client(scheduler, timeout=DASK_TIMEOUT) if scheduler else Client()
    except (OSError, TimeoutError, ValueError) as exc:
        raise CompareError(
            f"Cannot reach the Dask scheduler at {scheduler} within {DASK_TIMEOUT} s ({exc.__class__.__name__})."
        ) from None
    except TypeError as exc:  # an address scheme this installation cannot speak (ucx:// without ucx-py ...)
        reason = " ".join(str(exc).split()).rstrip(".")
        raise CompareError(f"Cannot connect to the Dask scheduler at {scheduler}: {reason}.") from None


def run_on_dask(briefs, run_dir, data_dir, client, make_bar, limits: Limits = Limits()) -> list[Result]:
    """Run briefs as tasks on a Dask cluster, in bounded time: a brief whose worker was lost is run again by
    Dask elsewhere and fails with one sentence after Dask's allowed failures; when no worker is left for
    WORKER_GRACE seconds, or no brief finishes in twice a brief's limit plus WORKER_GRACE (workers frozen),
    the unfinished briefs fail with one sentence; a lost scheduler stops the build in one sentence."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    results = []
    stalled = 2 * limits.brief + WORKER_GRACE
    try:
        with make_bar() as bar:
            futures = {client.submit(run_brief, b, run_dir, data_dir, limits, pure=False): b for b in briefs}
            pending = set(futures)
            progress = checked = time.monotonic()
            alone_since = None
            while pending:
                done = {f for f in pending if f.done()}
                for fut in list(done):
                    brief = futures[fut]
                    try:
                        results += fut.result(timeout=DASK_TIMEOUT)
                    except TimeoutError:  # its result was lost with its worker, and Dask runs it again
                        done.discard(fut)
                        continue
                    except KilledWorker:
                        error = "its Dask worker was lost each time it ran it (killed, or out of memory)."
                        results += _results(brief, "failed", error=error)
                    except (CancelledError, OSError):  # cancelled by the client, or a closed connection
                        raise _lost_scheduler(client) from None
                    bar.update()
                pending -= done
                now = time.monotonic()
                progress = now if done else progress
                if not pending or now - checked < 1:
                    time.sleep(0.05 if pending and not done else 0)
                    continue
                checked = now
                try:
                    workers = len(client.nthreads())
                except (OSError, TimeoutError):
                    raise _lost_scheduler(client) from None
                alone_since = None if workers else (alone_since or now)
                if alone_since is not None and now - alone_since > WORKER_GRACE:
                    error = f"no Dask worker was left to run it (none joined within {WORKER_GRACE} s)."
                elif now - progress > stalled:
                    error = f"no brief finished on the Dask cluster for {stalled:g} s (its workers froze or were lost)."
                else:
                    continue
                client.cancel(list(pending))
                for fut in pending:
                    results += _results(futures[fut], "failed", error=error)
                    bar.update()
                pending = set()
    finally:
        try:
            client.close(timeout=DASK_TIMEOUT)
        except Exception:  # a scheduler that is gone cannot be told goodbye
            pass
    return results


def _lost_scheduler(client) -> CompareError:
    address = getattr(client.scheduler, "address", None) or "its address"
    return CompareError(
        f"Lost the connection to the Dask scheduler at {address} while briefs were running; "
        "the unfinished run was removed."
    )
