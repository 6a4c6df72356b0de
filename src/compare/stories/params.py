"""A notebook's parameters, checked and put in the form the stories take, right after the parameters cell.

papermill passes `-p district 320412` as the number 320412 and `-p period 2021` as 2021; a schedule or a
person may write a list of codes as one string "320411, 320412". `parameters(globals())` puts every parameter
the notebook declares in the form the stories take, as text (codes, periods, ids) or a list of text, or raises
one CompareError sentence naming the parameter; inside IPython such an error shows as that sentence alone.
"""

from __future__ import annotations

import re

from ..data.population import canonical_denominator
from ..errors import CompareError
from ..stats.windows import parse_window

LANGS = ("en", "zh")
LEVELS = ("county", "prefecture", "province")
ADJUSTMENTS = ("random_effects", "multiplicative", "none")


class ParameterError(CompareError):
    """A notebook parameter of the wrong form: which one, what it was, what it takes."""


def _text(value) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _many(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[,\s]+", value) if part]
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _matching(value, name: str, pattern: str, what: str) -> str:
    """The value as text when it matches pattern, else ParameterError saying it is not what."""
    text = _text(value)
    if not re.fullmatch(pattern, text):
        raise ParameterError(f"{name}: {text!r} is not {what}.")
    return text


def code(value, name: str = "district") -> str:
    """A 6-digit division code from text or a number (papermill's 320412)."""
    return _matching(value, name, r"\d{6}", "a 6-digit division code (e.g. 320412)")


def codes(value, name: str = "peers") -> list[str]:
    """A list of 6-digit codes from a list, one code or a comma-separated string; empty for none."""
    return [code(v, name) for v in _many(value)]


def peers(value, name: str = "peers") -> list[str] | str:
    """A profile's peers: codes as codes() reads them, or the word 'neighbours' (its statistical neighbours)."""
    if isinstance(value, str) and value.strip() == "neighbours":
        return "neighbours"
    return codes(value, name)


def period(value, name: str = "period") -> str:
    """A comparison window ('2021', '2020-2022', '2021H1'; '' for the default) from text or a year as a
    number (papermill's 2021)."""
    text = _text(value)
    try:
        if text:
            parse_window(text)
    except CompareError as exc:
        raise ParameterError(f"{name}: {exc}") from None
    return text


def metric(value, name: str = "metric") -> str:
    """A metric id (lower-case letters, digits and underscores; the catalogue says whether it exists)."""
    return _matching(value, name, r"[a-z][a-z0-9_]*", "a metric id (e.g. legal_aid_cases; see data/metrics.csv)")


def metrics(value, name: str = "metrics") -> list[str]:
    """Metric ids from a list, one id or a comma-separated string; empty for every one."""
    return [metric(v, name) for v in _many(value)]


def choice(value, name: str, allowed: tuple[str, ...]) -> str:
    text = _text(value)
    if text not in allowed:
        raise ParameterError(f"{name}: {text!r} is not one of {', '.join(allowed)}.")
    return text


def denominator(value, name: str = "denominator") -> str:
    try:
        return canonical_denominator(_text(value))
    except CompareError as exc:
        raise ParameterError(f"{name}: {exc}") from None


def data_dir(value, name: str = "data_dir") -> str | None:
    return None if value is None or _text(value) == "" else _text(value)


CHECKS = {
    "district": code,
    "peers": peers,
    "districts": codes,
    "period": period,
    "metric": metric,
    "metrics": metrics,
    "level": lambda v, n: choice(v, n, LEVELS),
    "denominator": denominator,
    "adjustment": lambda v, n: choice(v, n, ADJUSTMENTS),
    "lang": lambda v, n: choice(v, n, LANGS),
    "data_dir": data_dir,
}


def parameters(namespace: dict) -> dict:
    """Check and coerce, in place, every parameter a notebook's namespace holds (called as
    `f.parameters(globals())` right after the parameters cell); returns the checked values."""
    _errors_as_sentences()
    checked = {name: check(namespace[name], name) for name, check in CHECKS.items() if name in namespace}
    namespace.update(checked)
    return checked


def _errors_as_sentences() -> None:
    """Inside IPython (a notebook run by papermill or JupyterLab), show a CompareError as its sentence."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and not getattr(shell, "_compare_sentences", False):
        shell.set_custom_exc((CompareError,), _sentence)
        shell._compare_sentences = True


def _sentence(shell, etype, value, tb, tb_offset=None):
    stb = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, stb)
    return stb
