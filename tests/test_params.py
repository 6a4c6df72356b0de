"""A notebook's parameters as papermill passes them: `-p district 320412` is a number, `-p period 2021` too; each
is coerced to text right after the parameters cell, and a bad value ends in one sentence naming the parameter."""

from __future__ import annotations

import json
import subprocess
import sys

import papermill as pm
import pytest

from compare.paths import NOTEBOOKS_DIR
from compare.stories import ParameterError, parameters


def test_numbers_from_papermill_become_codes_and_periods():
    namespace = {"district": 320412, "peers": [371002, "320685"], "period": 2021, "lang": "zh", "other": 7}
    parameters(namespace)
    assert namespace["district"] == "320412" and namespace["peers"] == ["371002", "320685"]
    assert namespace["period"] == "2021" and namespace["lang"] == "zh" and namespace["other"] == 7


def test_lists_may_be_one_value_or_a_comma_separated_string():
    namespace = {"districts": "320412, 371002", "metrics": "legal_aid_cases", "peers": 371002, "period": "2020-2022"}
    parameters(namespace)
    assert namespace["districts"] == ["320412", "371002"]
    assert namespace["metrics"] == ["legal_aid_cases"]
    assert namespace["peers"] == ["371002"]
    assert namespace["period"] == "2020-2022"


def test_the_denominator_alias_is_resolved():
    assert parameters({"denominator": "census2020"}) == {"denominator": "census_resident"}


@pytest.mark.parametrize(
    "namespace, sentence",
    [
        ({"district": 32041}, "district: '32041' is not a 6-digit division code (e.g. 320412)."),
        ({"peers": ["320412", "abc"]}, "peers: 'abc' is not a 6-digit division code (e.g. 320412)."),
        ({"period": "2021H3"}, "period: Cannot read the period '2021H3'"),
        ({"lang": "fr"}, "lang: 'fr' is not one of en, zh."),
        ({"level": "city"}, "level: 'city' is not one of county, prefecture, province."),
        ({"denominator": "households"}, "denominator: Unknown denominator 'households'"),
        ({"metric": "Legal aid"}, "metric: 'Legal aid' is not a metric id"),
    ],
)
def test_a_bad_value_is_one_sentence_naming_the_parameter(namespace, sentence):
    with pytest.raises(ParameterError) as caught:
        parameters(namespace)
    assert str(caught.value).startswith(sentence)


def _html(path) -> str:
    cells = json.loads(path.read_text())["cells"]
    html = [o.get("data", {}).get("text/html", "") for c in cells for o in c.get("outputs", [])]
    return "".join("".join(h) if isinstance(h, list) else h for h in html)


@pytest.mark.parametrize(
    "name, values, expected",
    [
        ("district_profile.ipynb", {"district": 320412}, "武进区 Wujin District"),
        ("metric_comparison.ipynb", {"period": 2021, "level": "prefecture"}, "2021"),
    ],
)
def test_papermill_numbers_run_the_notebooks(name, values, expected, tmp_path):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(NOTEBOOKS_DIR / name, out, parameters=values, progress_bar=False, kernel_name="python3")
    assert expected in _html(out)


def test_papermill_cli_with_a_bad_code_ends_in_the_sentence_not_a_cell_traceback(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "papermill", str(NOTEBOOKS_DIR / "trends.ipynb"), str(tmp_path / "x.ipynb")]
        + ["-p", "district", "51070", "--no-progress-bar"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0
    tail = run.stderr.split('Exception encountered at "In [3]":', 1)[1].strip()
    assert tail == "ParameterError: district: '51070' is not a 6-digit division code (e.g. 320412)."
    cells = json.loads((tmp_path / "x.ipynb").read_text())["cells"]
    errors = [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert [e["traceback"] for e in errors] == [[tail]]
