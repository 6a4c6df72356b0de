"""compare briefs: real papermill runs and nbconvert HTML, checked as a browser would see them."""

import json
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from compare.briefs import build, load_schedule
from compare.cli import main
from compare.data import load_dataset
from compare.paths import PROJECT_ROOT

SMALL = """
briefs:
  - notebook: district_profile.ipynb
    parameters: {district: "371002"}
  - notebook: metric_comparison.ipynb
    parameters: {metric: legal_aid_cases, level: prefecture}
  - notebook: data_quality.ipynb
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One real build of three briefs, on a copy of the data whose texts carry HTML."""
    base = tmp_path_factory.mktemp("briefs")
    data = base / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    sources = pd.read_csv(data / "sources" / "sources.csv", dtype=str, keep_default_na=False)
    sources.loc[sources["doc_id"] == "huancui-2021h1", "title"] = "环翠区 <script>alert('title')</script>"
    sources.to_csv(data / "sources" / "sources.csv", index=False)
    text = data / "sources" / "huancui-2021h1.txt"
    text.write_text(
        text.read_text(encoding="utf-8").replace("上半年共受理", "<script>alert(1)</script>上半年共受理"),
        encoding="utf-8",
    )
    obs = pd.read_csv(data / "observations.csv", dtype=str, keep_default_na=False)
    obs.loc[obs["quote"] == "上半年共受理法律援助案件591件", "quote"] = (
        "<script>alert(1)</script>上半年共受理法律援助案件591件"
    )
    obs.to_csv(data / "observations.csv", index=False)
    config = base / "briefs.yml"
    config.write_text(SMALL, encoding="utf-8")
    out = base / "outputs"
    manifest = build(config, out, jobs=2, data_dir=data, progress=False)
    return {"manifest": manifest, "out": out, "config": config, "data": data, "run": out / "latest"}


def page(run, brief_id):
    return (run["run"] / f"{brief_id}.html").read_text(encoding="utf-8")


def test_every_brief_is_built_with_manifest_and_index(run):
    m = run["manifest"]
    assert m["counts"] == {"ok": 6, "reused": 0, "failed": 0}  # three briefs, each in English and Chinese
    manifest = json.loads((run["run"] / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["briefs"]:
        assert entry["status"] == "ok" and entry["seconds"] > 0 and entry["error"] is None
        assert (run["run"] / entry["html"]).is_file() and (run["run"] / entry["executed_notebook"]).is_file()
    index = (run["run"] / "index.html").read_text(encoding="utf-8")
    for kind in ("District profiles", "Metric comparisons", "Data quality"):
        assert kind in index
    assert os.path.islink(run["out"] / "latest")
    assert not list(run["run"].rglob(".*tmp*")), "no half-written files are left behind"


def test_brief_html_has_no_code_embeds_images_and_lists_sources(run):
    html = page(run, "district_profile-371002")
    assert 'class="highlight' not in html and "from compare import" not in html  # no code cell inputs
    assert re.search(r'<img[^>]+src="data:image/png;base64,', html)
    assert "<h2>Sources</h2>" in html and "huancui-2021h1" in html
    assert "<title>District profile: 环翠区 Huancui District</title>" in html
    assert "<dt>Data version</dt>" in html and "<dt>Generated</dt>" in html  # "About this brief", in words
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', html), "a brief must not fetch anything"
    assert "@font-face" in html  # Chinese renders without local CJK fonts


def test_findings_read_as_sentences_traceable_to_quotes(run):
    html = page(run, "district_profile-371002")
    assert (
        "591 cases (legal aid cases accepted or handled) in 2021H1: "
        "26.7 cases per 10,000 residents per year (95% CI 24.6–29.0)" in html
    )


def test_text_from_sources_is_escaped_everywhere(run):
    for brief_id in ("district_profile-371002", "data_quality"):
        html = page(run, brief_id)
        assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;上半年共受理" in page(run, "district_profile-371002")
    assert "环翠区 &lt;script&gt;alert(" in page(run, "data_quality")


def test_unchanged_briefs_are_reused_and_force_rebuilds(run):
    again = build(run["config"], run["out"], jobs=2, data_dir=run["data"], progress=False)
    assert again["counts"] == {"ok": 0, "reused": 6, "failed": 0}
    assert (run["out"] / "latest").resolve() == run["out"].joinpath(again["run_id"]).resolve()
    assert "591" in (run["out"] / "latest" / "district_profile-371002.html").read_text(encoding="utf-8")


def test_a_failing_brief_is_reported_with_its_cell_and_does_not_stop_the_others(tmp_path):
    config = tmp_path / "briefs.yml"
    config.write_text(
        "briefs:\n  - notebook: district_profile.ipynb\n    parameters: {district: '110101'}\n"
        "  - notebook: trends.ipynb\n    parameters: {district: '510700'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(["briefs", "--config", str(config), "--out", str(out), "--jobs", "2"])
    assert code == 1
    manifest = json.loads((out / "latest" / "manifest.json").read_text(encoding="utf-8"))
    status = {e["brief_id"]: e for e in manifest["briefs"]}
    failed = status["district_profile-110101"]
    assert failed["status"] == "failed" and re.match(
        r"cell \d+ failed: CompareError: 东城区 \(110101\) reports no metric", failed["error"]
    )
    assert status["trends-510700"]["status"] == "ok"
    assert "failed" in (out / "latest" / "index.html").read_text(encoding="utf-8")


def test_default_schedule_covers_every_profile_comparison_and_trend():
    briefs = load_schedule(PROJECT_ROOT / "briefs.yml", load_dataset())
    ids = {b.brief_id for b in briefs}
    assert "data_quality" in ids and "district_profile-371002" in ids
    assert "metric_comparison-legal_aid_cases-prefecture" in ids and "metric_comparison-legal_aid_cases-county" in ids
    assert "trends-510700" in ids
    assert len(ids) == len(briefs)


def test_bad_schedule_is_one_sentence(tmp_path):
    config = tmp_path / "briefs.yml"
    config.write_text("briefs:\n  - notebook: nope.ipynb\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "compare.cli", "briefs", "--config", str(config), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert (
        result.returncode == 2 and "Unknown notebook 'nope.ipynb'" in result.stderr and "Traceback" not in result.stderr
    )


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    not CHROMIUM and not os.environ.get("CI"), reason="Debian's chromium is not installed (make test installs it)"
)
def test_index_and_a_brief_render_in_headless_chromium_with_no_failed_requests(run, tmp_path):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium must be installed in CI (make test installs it)"
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page_ = browser.new_page()
        failed, errors = [], []
        page_.on("requestfailed", lambda r: failed.append(r.url))
        page_.on("pageerror", lambda e: errors.append(str(e)))
        page_.goto((run["run"] / "index.html").as_uri())
        hrefs = set(page_.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))"))
        assert len(hrefs) == 4  # three briefs (the profile from its overview row and cells) and the Chinese index
        page_.locator("a", has_text="环翠区").first.click()
        page_.wait_for_load_state("load")
        assert page_.title() == "District profile: 环翠区 Huancui District"
        assert page_.locator("img").count() >= 1 and page_.locator("img").first.evaluate("i => i.naturalWidth") > 0
        assert "26.7 cases per 10,000 residents per year" in page_.inner_text("body")
        page_.screenshot(path=str(tmp_path / "brief.png"))
        browser.close()
    assert failed == [] and errors == []


def test_warm_kernels_give_every_notebook_a_clean_namespace(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from compare.briefs import execute_warm

    first, second = tmp_path / "first.ipynb", tmp_path / "second.ipynb"
    nbformat.write(
        new_notebook(cells=[new_code_cell("leak = 42\nimport os\nkernel_pid = os.getpid()\nprint(kernel_pid)")]), first
    )
    nbformat.write(
        new_notebook(
            cells=[new_code_cell("import os\nassert 'leak' not in globals(), 'namespace leaked'\nprint(os.getpid())")]
        ),
        second,
    )
    execute_warm(first, tmp_path / "first.out.ipynb", {})
    execute_warm(second, tmp_path / "second.out.ipynb", {})
    pid = lambda p: nbformat.read(p, as_version=4).cells[0].outputs[0]["text"].strip()  # noqa: E731
    assert pid(tmp_path / "first.out.ipynb") == pid(tmp_path / "second.out.ipynb"), "the same warm kernel ran both"


def test_briefs_run_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is installed by make test")
    config = tmp_path / "briefs.yml"
    config.write_text(
        "briefs:\n  - notebook: trends.ipynb\n    parameters: {district: '510700'}\n  - notebook: data_quality.ipynb\n",
        encoding="utf-8",
    )
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        manifest = build(config, tmp_path / "out", executor="dask", scheduler=cluster.scheduler_address, progress=False)
    assert manifest["counts"] == {"ok": 4, "reused": 0, "failed": 0}
    assert "Mianyang" in (tmp_path / "out" / "latest" / "trends-510700.html").read_text(encoding="utf-8")
