"""Warm kernels in worker processes, and their clean end.

Each worker keeps one kernel with the heavy imports done and resets its namespace before every notebook
(papermill runs on that kernel through its `km` engine argument). On Linux the kernel is forked from its
worker, which has already imported what the notebooks use, so a kernel is ready in a fraction of a second
instead of starting a fresh interpreter and importing pandas, statsmodels and matplotlib again; it is still
its own process speaking the Jupyter protocol, with its own process group. Nothing outlives the build: a worker asks
Linux to send it SIGTERM when its parent dies, and on SIGTERM or SIGINT it kills its kernels' process groups,
deletes their connection files and exits. The kernels themselves also watch their worker (Linux's parent-death
signal and ipykernel's parent poller) and the connection files live in a per-build runtime folder the parent
removes.
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import gc
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from queue import Empty

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from ..data.fileio import close_inherited_locks
from ..errors import CompareError
from ..paths import NOTEBOOKS_DIR

KERNEL = "python3"  # the kernel of the interpreter running compare (jupyter_client resolves it to sys.executable)
WARM_UP = (  # a forked kernel inherits all this; a started one (not Linux, a Dask worker) does it here
    "import gc, compare.stories, compare.stories.charts  # the heavy imports, done once per worker\n"
    "compare.stories.charts.use_cjk_font()\n"
    "gc.freeze()  # the imports' objects out of the collector's way: every brief's collections stay small"
)
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]  # a brief's cells need no input history in ~/.ipython
RESET = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"
RESET_TAG = "compare-reset"
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
FORK_KERNELS = sys.platform.startswith("linux")  # elsewhere kernels start as fresh interpreters
_warm: dict = {}
_runtime_dir: list[str] = []  # the build's folder for connection files, in a worker
_preloaded: list[bool] = []  # [True] once preload() has run in this process (or the one it was forked from)


CELL_TIMEOUT = 120  # seconds a cell may run before its kernel is stopped and the brief fails
BRIEF_TIMEOUT = 300  # seconds a whole notebook may run


class BriefAbandoned(CompareError):
    """A notebook's kernel died or ran out of time: the brief fails with this sentence, the build goes on."""


def run_in_kernel(km, code: str, timeout: float = 120) -> None:
    """Run code in the kernel through a short-lived blocking client (a long-lived one would queue every message
    the kernel broadcasts while papermill runs notebooks on it)."""
    from jupyter_client.blocking.client import BlockingKernelClient

    kc = BlockingKernelClient(**km.get_connection_info(session=True), connection_file=km.connection_file, parent=km)
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise CompareError(f"The warm kernel could not run its set-up: {reply['content'].get('evalue', '')}")
    finally:
        kc.stop_channels()


def ready_client_class():
    """jupyter_client's asynchronous client, but ready without its 0.2 s wait for IOPub to fall silent.

    Asynchronous, so that nbclient's check that the kernel is alive runs beside every wait for a reply: with a
    blocking client a wait blocks the event loop, and a kernel killed mid-cell left its worker waiting for ever.
    `wait_for_ready` still waits for the kernel_info reply and for IOPub to deliver a message (so the
    subscription is live); only the trailing flush, which discards the status messages of that handshake,
    no longer waits: nbclient ignores messages that answer another request anyway. Papermill asks for a new
    client for every notebook, so this is 0.2 s per brief."""
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_core.utils import ensure_async

    class ReadyClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.time() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.2))  # IOPub is connected
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.time() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:  # drain what has already arrived, without waiting for more
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=0))
                except Empty:
                    break

        wait_for_ready = _async_wait_for_ready

    return ReadyClient


def preload() -> None:
    """Import what kernels and notebooks use, in this process, so that kernels forked from it start warm.
    Once per process (a worker forked from a preloaded build inherits it): freezing again would keep the
    garbage of earlier briefs from ever being collected."""
    if _preloaded:
        return
    _preloaded.append(True)
    gc.disable()  # imports make long-lived objects only: collecting while they run frees nothing (0.25 s)
    try:
        import ipykernel.ipkernel  # noqa: F401
        import ipykernel.kernelapp  # noqa: F401
        import papermill  # noqa: F401

        import compare.stories  # noqa: F401
        import compare.stories.charts

        from .render import exporter

        compare.stories.charts.use_cjk_font()
        exporter()  # its Jinja template compiled once, for every worker
    finally:
        gc.freeze()  # what forks inherit stays out of the collector's way (no traversals, no copied pages)
        gc.enable()


class ForkedKernelProcess:
    """The Popen-like handle jupyter_client keeps of a kernel forked from this process."""

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def wait(self, timeout: float | None = None) -> int:
        return self._reap(0)

    def _reap(self, flags: int) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:  # already reaped (kill_kernels): it was killed
                pid, status = self.pid, signal.SIGKILL
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner (connection file, ports, shutdown), but the kernel is a fork of
    this process running IPKernelApp, not a new interpreter."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        sys.stdout.flush()
        sys.stderr.flush()
        worker = os.getpid()
        argv = [*cmd[cmd.index("-f") :], f"--IPKernelApp.parent_handle={worker}"]  # ipykernel's parent poller
        # A stop (SIGTERM, SIGINT) waits until the kernel's pid is known: a stop between the fork and then would
        # leave the kernel running past its worker's cleanup, free to write its connection file again.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:  # the kernel
                code = 1
                try:
                    _become_kernel(argv, kwargs.get("env") or dict(os.environ), kwargs.get("cwd"), worker, mask)
                    code = 0
                finally:
                    os._exit(code)
            self.process = ForkedKernelProcess(pid)
            self.pid = self.pgid = pid  # the kernel leads its own process group, as a started kernel would
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self.cwd = kwargs.get("cwd")
        return self.connection_info


def _become_kernel(argv: list[str], env: dict, cwd: str | None, worker: int, mask=()) -> None:
    """In the forked child: a session of its own, dead with its worker (also if it died during the fork), none
    of the worker's locks, quiet standard streams, the kernel's environment and folder, a fresh event loop
    (the fork happened inside the worker's), then IPKernelApp."""
    os.setsid()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != worker:  # the worker died before PDEATHSIG was armed
        os._exit(1)
    close_inherited_locks()  # an output folder's lock stays the build's alone
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # the worker's mask, before it blocked stops for the fork
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # kernel errors reach the notebook as error outputs
        os.dup2(null, fd)
    os.environ.clear()
    os.environ.update(env)
    if cwd:
        os.chdir(cwd)
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(asyncio.new_event_loop())
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)


def warm_kernel(data_dir: str | None):
    """This worker's kernel for data_dir, started once with the heavy imports done."""
    from jupyter_client.manager import KernelManager

    km = _warm.get(data_dir)
    if km is None or not km.is_alive():
        env = {**os.environ, **({"COMPARE_DATA_DIR": str(data_dir)} if data_dir else {})}
        where = {}
        if _runtime_dir:
            where["connection_file"] = str(Path(_runtime_dir[0]) / f"kernel-{uuid.uuid4().hex}.json")
        km = KernelManager(kernel_name=KERNEL, **where)
        km.client_factory = ready_client_class()
        if FORK_KERNELS and threading.active_count() == 1:  # never fork a threaded process (a Dask worker)
            preload()
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        _warm[data_dir] = km  # known before it starts, so a signal during the start still cleans it up
        km.start_kernel(  # errors land in the notebooks
            cwd=str(NOTEBOOKS_DIR), env=env, stderr=subprocess.DEVNULL, extra_arguments=KERNEL_ARGUMENTS
        )
        run_in_kernel(km, WARM_UP)
        atexit.register(km.shutdown_kernel, now=True)
    return km


def execute_warm(
    notebook: Path,
    output: Path,
    parameters: dict,
    data_dir: str | None = None,
    cell_timeout: float = CELL_TIMEOUT,
    brief_timeout: float = BRIEF_TIMEOUT,
):
    """papermill on this worker's warm kernel; returns the executed notebook. A first cell resets the
    namespace, so every notebook starts clean while the imports stay loaded. The reset runs inside papermill's
    own session (a separate client would cost a second ready-handshake per brief) and is removed from the
    executed notebook afterwards. papermill writes the notebook when a cell fails and at the end, not after
    every cell; a kernel that dies mid-notebook therefore leaves no executed notebook, only the error.

    Bounded in time: a cell may run cell_timeout seconds and the whole notebook brief_timeout; a kernel that
    dies, freezes or overruns is killed and forgotten (the next brief starts a fresh one) and the brief fails
    with BriefAbandoned, naming the cell."""
    import nbformat
    import papermill

    km = warm_kernel(data_dir)
    node = nbformat.read(str(notebook), as_version=4)
    for cell in node.cells:  # a notebook of nbformat 4.4 has no cell ids: give each one (papermill keeps them)
        cell.setdefault("id", uuid.uuid4().hex[:8])
    node.nbformat_minor = max(node.nbformat_minor, 5)
    positions = {cell["id"]: n for n, cell in enumerate(node.cells, start=1)}
    reset = nbformat.v4.new_code_cell(RESET, metadata={"tags": [RESET_TAG]})
    node.cells.insert(0, reset)
    deadline = time.monotonic() + brief_timeout
    running: list[int] = []  # the position of the cell running now (0: ours or papermill's)

    def cell_limit(cell) -> float:
        running[:] = [positions.get(cell.get("id"), 0)]
        return max(1, round(min(cell_timeout, deadline - time.monotonic())))

    try:
        executed = papermill.execute_notebook(
            node,
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            km=km,
            request_save_on_cell_execute=False,
            timeout_func=cell_limit,
        )
    except BaseException as exc:
        drop_reset_cell(output)
        if not isinstance(exc, Exception):  # an interrupt of the worker: not the brief's fault
            raise
        overran = time.monotonic() >= deadline - 1
        limit = f"the brief's limit of {brief_timeout:g} s" if overran else f"the cell limit of {cell_timeout:g} s"
        abandoned = abandonment(exc, km, running[0] if running else 0, limit)
        if abandoned is not None:
            discard_kernel(data_dir)
            raise abandoned from None
        raise
    executed.cells = [c for c in executed.cells if RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    nbformat.write(executed, str(output))
    return executed


def abandonment(exc: BaseException, km, position: int, limit: str) -> BriefAbandoned | None:
    """The sentence for a kernel that died or overran its limit, or None for an ordinary failure (a cell's
    error, which papermill reports)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    where = f"cell {position}" if position else "the notebook's set-up"
    if isinstance(exc, CellTimeoutError):
        return BriefAbandoned(f"{where} ran past {limit} and its kernel was stopped.")
    if isinstance(exc, DeadKernelError) or not km.is_alive():
        code = km.provisioner.process.poll() if getattr(km.provisioner, "process", None) else None
        how = f" (killed by signal {-code})" if code is not None and code < 0 else ""
        return BriefAbandoned(f"the kernel died while running {where}{how}.")
    return None


def drop_reset_cell(output: Path) -> None:
    """Remove the reset cell from an executed notebook (it is ours, not the notebook's)."""
    import nbformat

    if not Path(output).is_file():
        return
    node = nbformat.read(str(output), as_version=4)
    kept = [c for c in node.cells if RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    if len(kept) != len(node.cells):
        node.cells = kept
        nbformat.write(node, str(output))


def kill_kernel(km) -> None:
    """Kill one kernel (its whole process group), reap it and delete its connection file.

    Safe inside a signal handler: no event loop, no messages, just signals and unlinks."""
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:
        try:
            group = os.getpgid(pid)
            if group == os.getpgrp():  # forked a moment ago, not yet its own group: never kill ours
                os.kill(pid, signal.SIGKILL)
            else:
                os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process = getattr(km.provisioner, "process", None)
        if isinstance(process, ForkedKernelProcess):
            process.wait()  # reaped, its exit status kept
        else:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    if km.connection_file:
        Path(km.connection_file).unlink(missing_ok=True)


def discard_kernel(data_dir: str | None) -> None:
    """Kill this worker's kernel for data_dir and forget it: the next brief starts a fresh one."""
    km = _warm.pop(data_dir, None)
    if km is not None:
        kill_kernel(km)
        atexit.unregister(km.shutdown_kernel)


def kill_kernels() -> None:
    """Kill every warm kernel of this process. Safe inside a signal handler."""
    for km in list(_warm.values()):
        kill_kernel(km)
    _warm.clear()


def _end_worker(signum, frame) -> None:
    kill_kernels()
    os._exit(128 + signum)


def init_worker(parent_pid: int, runtime_dir: str | None, data_dir: str | None = None, warm: bool = True) -> None:
    """Set up a worker process: die with the parent, end kernels on SIGTERM/SIGINT, connection files in
    the build's runtime folder."""
    close_inherited_locks()  # a forked worker's copy of the build's lock (none in a started one)
    if runtime_dir:
        _runtime_dir[:] = [runtime_dir]
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    for signum in STOP_SIGNALS:
        signal.signal(signum, _end_worker)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        _end_worker(signal.SIGTERM, None)
    if warm:
        try:
            warm_kernel(data_dir)  # start the kernel now, while the parent is still submitting work
        except Exception:  # reported by the first brief that needs it
            pass


@contextmanager
def stderr_to(path: Path):
    """Send this process's standard error (and its children's) to path for the duration."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
