"""One denominator default everywhere: every public function and command that takes a denominator defaults to
population.DEFAULT_DENOMINATOR, the one constant."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import compare
from compare.data.population import DEFAULT_DENOMINATOR


def _functions_with_a_denominator():
    for info in pkgutil.walk_packages(compare.__path__, "compare."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != info.name or name.startswith("_"):
                continue
            parameter = inspect.signature(fn).parameters.get("denominator")
            if parameter is not None and parameter.default is not inspect.Parameter.empty:
                yield f"{info.name}.{name}", parameter.default


def test_every_public_function_defaults_to_the_one_denominator():
    defaults = dict(_functions_with_a_denominator())
    assert "compare.stats.trends.trend" in defaults  # the one that defaulted to the census before
    assert len(defaults) >= 8
    assert {name: d for name, d in defaults.items() if d != DEFAULT_DENOMINATOR} == {}


def test_the_commands_default_to_it_too(capsys):
    from compare.cli import build_parser

    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"][0].choices
    denominators = {
        name: action.default for name, sub in actions.items() for action in sub._actions if action.dest == "denominator"
    }
    assert denominators and set(denominators.values()) == {DEFAULT_DENOMINATOR}
