"""Safe writes: files appear whole or not at all, and writers of one folder take turns.

`write_atomically` writes beside the target under a unique name, flushes it to disk and renames it over
the target, so a reader (or a crash) never sees half a file. `locked` holds an exclusive `fcntl` lock on a
folder's lock file, so two processes that both read, change and replace a file in it cannot lose each
other's work; `reading` holds the same lock shared, so such a writer waits until a long read (a build) is over.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".compare.lock"
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write content to path through a uniquely named file beside it, fsynced, then renamed."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; published files must be readable like any other
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in folder durable (best effort: some file systems refuse to open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on folder (its `.compare.lock` file) for the duration; waits for a holder."""
    with open(Path(folder) / LOCK_NAME, "a") as handle, _holding(handle, fcntl.LOCK_EX):
        yield


_held: set[int] = set()  # descriptors of the locks this process holds


@contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Hold a shared lock on folder for the duration: readers share it, a writer holding `locked` waits for
    them (and they for it). A folder where the lock file cannot be made (read only) is read without a lock:
    nobody writes there through compare either."""
    try:
        handle = open(Path(folder) / LOCK_NAME, "a")
    except OSError:
        yield
        return
    with handle, _holding(handle, fcntl.LOCK_SH):
        yield


@contextmanager
def _holding(handle, mode: int) -> Iterator[None]:
    """flock handle in mode for the duration, known to close_inherited_locks while held."""
    fcntl.flock(handle.fileno(), mode)
    _held.add(handle.fileno())
    try:
        yield
    finally:
        _held.discard(handle.fileno())
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def close_inherited_locks() -> None:
    """In a process forked from a lock holder: close the inherited lock descriptors, so that this process can
    never keep a lock alive after the holder is gone (the holder's own descriptors keep it held meanwhile)."""
    for fd in sorted(_held):
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


class Stopped(BaseException):
    """The process received SIGTERM (SIGINT arrives as KeyboardInterrupt): unwinds like it, cleaning up."""


class stop_on_sigterm:
    """Turn SIGTERM into Stopped in the main thread for the duration, so that a command stopped by `kill` or
    systemd cleans up as after Ctrl-C (temporary files removed, workers ended) instead of vanishing."""

    def __enter__(self):
        self.saved = None
        if threading.current_thread() is threading.main_thread():
            self.saved = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise Stopped()

    def __exit__(self, *exc):
        if self.saved is not None:
            signal.signal(signal.SIGTERM, self.saved)
        return False


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes ('' when it does not exist)."""
    path = Path(path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
