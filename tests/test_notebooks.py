"""The notebooks: thin, parameterized, stripped in git, and they run top to bottom under papermill
with their defaults and with other parameters."""

import nbformat
import papermill as pm
import pytest

from compare.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))


def test_the_four_notebooks_exist():
    assert NOTEBOOKS == ["data_quality.ipynb", "district_profile.ipynb", "metric_comparison.ipynb", "trends.ipynb"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_thin_tagged_and_stripped(name):
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])] == [code[0]]
    assert all(not c.outputs and c.execution_count is None for c in code)
    body = "\n".join(c.source for c in code[1:])
    assert "from compare import stories as f" in body
    for forbidden in ("import pandas", "groupby", "merge(", "def ", "lambda"):
        assert forbidden not in body, f"{name} does its own computing ({forbidden}); move it into compare"
    assert nb.metadata.kernelspec.name == "python3"  # the interpreter Jupyter runs in: no kernel to install
    lines = [line for c in code for line in c.source.splitlines()]
    assert len(lines) <= 13 and max(map(len, lines)) <= 100, "a notebook a researcher reads in ten seconds"
    declared = code[0].source
    assert "lang = " in declared and "data_dir = " in declared


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_explanation_is_written_in_both_languages(name):
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    tags = [tuple(c.metadata.get("tags", [])) for c in nb.cells if c.cell_type == "markdown"]
    assert tags and tags.count(("lang-en",)) == tags.count(("lang-zh",)) == len(tags) // 2


def execute(name, tmp_path, **parameters):
    out = tmp_path / name
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / name),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS_DIR),
    )
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return nb, outputs


def html_of(outputs):
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs)


def charts_of(outputs):
    """Every chart shown: an embedded PNG with its alt text, as HTML figures."""
    import re

    return re.findall(
        r"<figure class='chart'>"
        r"<img src='data:image/png;base64,[^']+' alt=\"([^\"]+)\">",
        html_of(outputs),
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_with_its_defaults(name, tmp_path):
    nb, outputs = execute(name, tmp_path)
    charts = charts_of(outputs)
    assert all(len(alt) > 20 for alt in charts), "every chart is described for screen readers"
    assert charts or name == "data_quality.ipynb", "every brief but data quality (tables only) shows a chart"
    assert "<h2>Sources</h2>" in html_of(outputs)


@pytest.mark.parametrize(
    "name, parameters, expected",
    [
        (
            "district_profile.ipynb",
            {"district": "320412", "peers": ["371002", "320685"], "denominator": "resident_yearend"},
            "武进区 Wujin District",
        ),
        (
            "district_profile.ipynb",
            {"district": "371002", "period": "2021H1"},
            "26.7 cases per 10,000 residents per year (95% CI 24.6–29.0)",
        ),
        (
            "metric_comparison.ipynb",
            {"metric": "disputes_mediated", "level": "county", "period": "2020-2024", "adjustment": "multiplicative"},
            "fewer than two county-level units report",  # no two counties report the same five years
        ),
        ("trends.ipynb", {"district": "371500", "metrics": ["legal_aid_cases"]}, "derived, not reported"),
    ],
)
def test_notebook_runs_with_other_parameters(name, parameters, expected, tmp_path):
    _, outputs = execute(name, tmp_path, **parameters)
    assert expected in html_of(outputs)
