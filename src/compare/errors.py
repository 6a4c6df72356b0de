"""Errors a user can cause: each carries one plain sentence the CLI prints without a traceback."""


class CompareError(Exception):
    """Base class for every error the user can fix by changing their input."""


class DataError(CompareError):
    """The data tables cannot be read (missing file, missing column, malformed CSV): which file, and why."""

    def __init__(self, file: str, reason: str):
        self.file, self.reason = str(file), reason
        super().__init__(f"{file}: {reason}")


class UnknownMetricError(CompareError):
    """A metric id that is not in the catalogue."""


class UnknownDistrictError(CompareError):
    """A district code that is not in the reference table."""


class MissingPopulationError(CompareError):
    """No population is known for a district under the requested definition."""


class RateNotMeaningfulError(CompareError):
    """A per-capita rate was asked for a quantity where it makes no sense (a ratio, a list length)."""


class MixedLevelsError(CompareError):
    """Prefecture-level cities and county-level units were put in one ranking without asking for it."""


class PeriodError(CompareError):
    """A period label or span that cannot be understood, or counts over different periods compared raw."""


class Interrupted(CompareError):
    """A command stopped by Ctrl-C (exit 130) or SIGTERM (exit 143), with what it left behind in one sentence."""

    def __init__(self, signal_exception: BaseException, sentence: str):
        self.exit_code = 130 if isinstance(signal_exception, KeyboardInterrupt) else 143
        super().__init__(sentence)


class WriteError(CompareError):
    """A file or folder could not be written (disk full, read-only, not a folder); nothing was left half-written."""
