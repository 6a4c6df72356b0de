"""The build's progress: a redrawn bar on a terminal; in a log (cron, systemd, a pipe) plain lines instead,
one at every tenth of the briefs, so a log holds no carriage-return redraws."""

from __future__ import annotations

import sys
import time
from functools import partial

STEPS = 10  # lines a log gets for a whole run, besides the summary


class LogLines:
    """tqdm's update() and context manager, writing a line at each tenth of the total."""

    def __init__(self, total: int, file=None, desc: str = "briefs"):
        self.total, self.file, self.desc = total, file or sys.stderr, desc
        self.n, self.said, self.start = 0, 0, time.monotonic()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int = 1) -> None:
        self.n += n
        step = self.n * STEPS // max(self.total, 1)
        if step > self.said:
            self.said = step
            seconds = time.monotonic() - self.start
            print(f"{self.desc}: {self.n} of {self.total} done ({seconds:.0f} s)", file=self.file, flush=True)


def progress_bar(total: int, shown: bool = True, file=None):
    """A factory of the progress object: tqdm's bar on a terminal, LogLines elsewhere, nothing if not shown."""
    from tqdm import tqdm

    file = file or sys.stderr
    if shown and not _is_terminal(file):
        return partial(LogLines, total, file)
    return partial(tqdm, total=total, desc="briefs", unit="brief", file=file, disable=not shown)


def _is_terminal(file) -> bool:
    try:
        return file.isatty()
    except (AttributeError, ValueError):
        return False
