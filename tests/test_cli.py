"""The compare command: worked examples and one-sentence errors (run as a real subprocess)."""

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "compare.cli", *args], capture_output=True, text=True)


def test_rates_json_has_the_documented_columns():
    result = run("rates", "--metric", "legal_aid_cases", "--district", "371002", "--format", "json")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)[0]
    assert list(row) == ["district_code", "district", "period_start", "period_end", "value", "qualifier", "population",
                         "population_definition", "rate_per_10k", "annual_rate_per_10k", "ci_low", "ci_high", "flags"]
    assert row["district"] == "环翠区 Huancui District" and round(row["annual_rate_per_10k"], 1) == 26.7


def test_compare_reconcile_and_trend_print_tables():
    assert "classification" in run("compare", "--metric", "legal_aid_cases", "--level", "prefecture").stdout
    assert "excluding 常州经开区" in run("reconcile").stdout
    assert "2018H1" in run("trend", "--metric", "legal_aid_cases", "--district", "510700").stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["rates", "--metric", "nope"], "Unknown metric 'nope'"),
        (["rates", "--metric", "mediation_success_rate"], "is a ratio"),
        (["rates", "--metric", "legal_aid_cases"], "mix prefecture-level cities and county-level units"),
        (["rates", "--metric", "legal_aid_cases", "--district", "123456"], "Unknown district code '123456'"),
        (["trend", "--metric", "legal_aid_cases", "--district", "320685"], "No actual legal_aid_cases observations"),
    ],
)
def test_bad_requests_give_one_sentence_not_a_traceback(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
