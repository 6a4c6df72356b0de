"""The compare command: worked examples (in-process: their point is what is printed) and one-sentence errors (run
as a real subprocess, so stderr is exactly what a user sees)."""

import json
import subprocess
import sys

import pytest

from compare.cli import main
from compare.stats.rates import EXPORT_COLUMNS


def run(*args):
    return subprocess.run([sys.executable, "-m", "compare.cli", *args], capture_output=True, text=True)


def printed(capsys, *args) -> str:
    """What `compare ARGS` prints, run in this process; it must succeed."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_rates_json_names_the_compared_rate_beside_its_interval(capsys):
    row = json.loads(
        printed(capsys, "rates", "--metric", "legal_aid_cases", "--district", "371002", "--format", "json")
    )[0]
    assert list(row) == EXPORT_COLUMNS
    assert row["district"] == "环翠区 Huancui District" and row["level"] == "county"
    assert round(row["rate"], 1) == 26.7 and (round(row["rate_ci_low"], 1), round(row["rate_ci_high"], 1)) == (
        24.6,
        29.0,
    )
    assert row["rate_unit"] == "cases per 10,000 residents per year"
    assert round(row["rate_per_10k_in_period"], 2) == 13.25


def test_rates_without_a_level_lists_every_unit_with_its_level(capsys):
    out = printed(capsys, "rates", "--metric", "legal_aid_cases", "--format", "csv")
    levels = {line.split(",")[2] for line in out.splitlines()[1:]}
    assert levels == {"county", "prefecture", "province", "nation"}  # benchmarks are units like any other


def test_compare_states_window_units_and_dispersion_on_every_row(capsys):
    out = printed(
        capsys,
        "compare",
        "--metric",
        "legal_aid_cases",
        "--level",
        "prefecture",
        "--period",
        "2017",
        "--format",
        "json",
    )
    funnel_rows = json.loads(out.split("\n]\n")[0] + "]")
    assert {r["window"] for r in funnel_rows} == {"2017"}  # Linyi and Liaocheng; Lishui 2025 is not compared
    assert {r["district_code"] for r in funnel_rows} == {"371300", "371500"}
    assert {r["classification"] for r in funnel_rows} == {"not classified"}  # 2 units < the minimum of 10
    assert all(r["n_units"] == 2 and "method" in r for r in funnel_rows)
    # from 2 units no variation beyond chance is estimated: no φ, τ² or χ² p on any row, and none in the words
    assert all(r["phi"] is None and r["tau2"] is None and r["chi2_p"] is None for r in funnel_rows)


def test_reconcile_shows_the_narrower_scope_that_fits(capsys):
    assert "resident_yearend 2021 (excluding 常州经开区)" in printed(capsys, "reconcile")


@pytest.mark.parametrize(
    "args, message",
    [
        (["rates", "--metric", "nope"], "Unknown metric 'nope'"),
        (["rates", "--metric", "mediation_success_rate"], "is a ratio"),
        (["compare", "--metric", "legal_aid_cases"], "mix levels (county, nation, prefecture, province)"),
        (["compare", "--metric", "legal_aid_cases", "--level", "county", "--period", "2019"], "Fewer than two units"),
        (["rates", "--metric", "legal_aid_cases", "--district", "123456"], "Unknown district code '123456'"),
        (["trend", "--metric", "legal_aid_cases", "--district", "320685"], "No actual legal_aid_cases observations"),
    ],
)
def test_bad_requests_give_one_sentence_not_a_traceback(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_help_page_prints():
    """`--help` formats each help string with %: a bare % once made `compare --help` a traceback."""
    import contextlib
    import io

    from compare.cli import build_parser, main

    commands = next(a for a in build_parser()._actions if a.choices).choices
    assert run("--help").stdout.startswith("usage: compare")  # once as a user runs it, then each page in-process
    for args in [[], *[[name] for name in commands]]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as done:
            main([*args, "--help"])  # a formatting error raises here, failing the test with its traceback
        assert done.value.code == 0, args
        assert out.getvalue().startswith("usage: compare"), args


@pytest.mark.parametrize(
    "args",
    [
        ["rates", "--metric", "legal_aid_cases", "--district", "371002"],
        ["compare", "--metric", "legal_aid_cases", "--level", "county"],
        ["trend", "--metric", "legal_aid_cases", "--district", "510700"],
        ["shares", "--metric", "mediation_success_rate"],
        ["reconcile"],
    ],
    ids=lambda args: args[0],
)
def test_analysis_refuses_data_validate_rejects(data_copy, args):
    """A count of -591 was published as '-26.7 per 10,000 (95% CI 0.000-0.167)'."""
    path = data_copy / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",591,exact,", ",-591,exact,"), encoding="utf-8")
    result = run("--data", str(data_copy), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "problem(s) compare validate rejects, the first observations.csv:26: " in result.stderr
    assert "fix them (compare validate lists them all)." in result.stderr


def test_analysis_refuses_a_population_of_infinity(data_copy):
    path = data_copy / "reference" / "populations.csv"
    table = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(table) if line.startswith("371002,2020,"))
    fields = table[row].split(",")
    table[row] = ",".join([*fields[:2], "inf", *fields[3:]])
    path.write_text("\n".join(table) + "\n", encoding="utf-8")
    result = run("--data", str(data_copy), "rates", "--metric", "legal_aid_cases", "--district", "371002")
    assert result.returncode == 2 and "population must be a number of residents" in result.stderr
