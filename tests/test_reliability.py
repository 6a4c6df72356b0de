"""What an attacker or an unlucky operator can do to compare: nothing runs that shouldn't, nothing is lost."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from compare.briefs import check_parameters, load_schedule
from compare.cli import main
from compare.data import load_dataset, validate
from compare.errors import CompareError

INJECTION = """
briefs:
  - notebook: data_quality.ipynb
    parameters:
      "x = __import__('os').system('touch {marker}')\\ny": 1
"""


def test_a_parameter_name_cannot_run_code(tmp_path, capsys):
    marker = tmp_path / "pwned"
    config = tmp_path / "briefs.yml"
    config.write_text(INJECTION.format(marker=marker), encoding="utf-8")
    assert main(["briefs", "--config", str(config), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 2
    assert not marker.exists()
    err = capsys.readouterr().err
    assert "data_quality.ipynb has no parameter" in err and "data_dir" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"district": 371002}, 'must be text, not a number 371002 (quote codes in briefs.yml: district: "371002")'),
        ({"district": "371002", "peers": "320412"}, "'peers' of district_profile.ipynb must be a list of text"),
        ({"district": "371002", "bogus": 1}, "has no parameter 'bogus'"),
    ],
)
def test_parameter_values_must_match_the_declared_defaults(parameters, message):
    with pytest.raises(CompareError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_parameters("district_profile.ipynb", parameters)


def test_a_schedule_of_declared_parameters_loads(tmp_path):
    config = tmp_path / "briefs.yml"
    config.write_text(
        "briefs:\n  - notebook: metric_comparison.ipynb\n    parameters: {metric: legal_aid_cases, "
        'level: county, adjustment: multiplicative, districts: ["320412"]}\n',
        encoding="utf-8",
    )
    briefs = load_schedule(config, load_dataset())
    assert [b.parameters["lang"] for b in briefs] == ["en", "zh"]
    assert all(b.parameters["adjustment"] == "multiplicative" for b in briefs)


ACCEPT = "import sys; from compare.cli import main; sys.exit(main(sys.argv[1:]))"


def test_two_accepts_at_once_both_keep_their_rows(data_copy, tmp_path):
    """Both processes read, validate and replace observations.csv; the lock makes them take turns."""
    observations = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    held_back = observations[observations["doc_id"].isin(["wujin-2022q1", "huancui-2021h1"])]
    observations.drop(held_back.index).to_csv(data_copy / "observations.csv", index=False)
    reviews = []
    for doc_id in ("wujin-2022q1", "huancui-2021h1"):
        review = held_back[held_back["doc_id"] == doc_id].copy()
        review.insert(0, "decision", "accept")
        reviews.append(tmp_path / f"{doc_id}.review.csv")
        review.to_csv(reviews[-1], index=False)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", ACCEPT, "--data", str(data_copy), "accept", str(r)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in reviews
    ]
    outcomes = [(run.wait(timeout=300), run.stdout.read(), run.stderr.read()) for run in runs]
    assert [code for code, _, _ in outcomes] == [0, 0], outcomes
    problems, merged = validate(data_copy)
    assert problems == []
    assert len(merged.observations) == len(observations), "one accept's rows were lost"
    assert not list(data_copy.glob(".observations.csv*")), "no staging file is left behind"
