"""`make demo` (issue 22, item 5): a SYNTHETIC province written as a workbook, imported through `compare import`
into its own data folder and built into its own output folder, where every page title and every chart says
SYNTHETIC DATA (checked in headless Chromium), and data/ is left as it was. The build runs the quick schedule
(demo/briefs-quick.yml: one brief of each kind)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from test_briefs_browser import ARGS, CHROMIUM

from compare.briefs.schedule import brief_title
from compare.data import load_dataset, validate
from compare.paths import PROJECT_ROOT
from compare.stories.charts import stamp_synthetic
from compare.stories.story import Chart, Story

SYNTHETIC = "SYNTHETIC DATA"
PROVINCE = "330000"
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (make test installs it)")


def digest(*paths: Path) -> dict[str, str]:
    """SHA-256 of every file under the paths (folders walked), by path."""
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*"))) if f.is_file()]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo"
    watched = [PROJECT_ROOT / "data", PROJECT_ROOT / "briefs.yml"]
    before = digest(*watched)
    done = subprocess.run(
        [sys.executable, "demo/make_demo.py", "--out", str(out), "--quick", "--jobs", "2"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert digest(*watched) == before, "the demo changed data/ or briefs.yml"
    assert f"Open {(out / 'outputs' / 'latest' / 'index.html').resolve()}" in done.stdout
    return out


def test_the_workbook_is_imported_through_compare_import_into_the_demos_own_folder(demo):
    data = demo / "data"
    problems, ds = validate(data)
    assert problems == [] and ds.synthetic
    assert {"synthetic-zhejiang-2019-2023", "synthetic-nation-2019-2023"} <= set(ds.sources["doc_id"])
    assert (data / "sources" / "synthetic-zhejiang-2019-2023.cells.csv").is_file(), "each figure names its cell"
    obs = ds.observations
    real = load_dataset()
    counties = real.districts[real.districts["province_code"].eq(PROVINCE) & real.districts["level"].eq("county")]
    assert set(counties["code"]) <= set(obs["district_code"]), "every county of the province"
    assert {PROVINCE, "100000"} <= set(obs["district_code"]), "the province and nation benchmarks"
    assert sorted(obs["period_end"].dt.year.unique()) == [2019, 2020, 2021, 2022, 2023]
    from compare.stats.rates import rateable_metrics

    assert set(obs["metric_id"]) == set(rateable_metrics(real)["metric_id"]), "every per-capita metric"
    rates = obs[obs["district_code"].isin(counties["code"]) & obs["metric_id"].eq("legal_aid_cases")]
    assert rates.groupby("district_code")["value"].mean().std() > 0, "counties differ"


def test_the_demo_writes_nothing_outside_its_folder_and_says_what_it_planted(demo):
    planted = pd.read_csv(demo / "planted-outliers.csv", dtype=str)
    assert len(planted) >= 3 and planted["district_code"].str.startswith("33").all()
    manifest = (demo / "outputs" / "latest" / "manifest.json").read_text(encoding="utf-8")
    assert '"failed": 0' in manifest and '"synthetic": true' in manifest


@needs_chromium
def test_every_page_title_and_every_chart_says_synthetic_data(demo):
    from playwright.sync_api import sync_playwright

    run = demo / "outputs" / "latest"
    pages = sorted(run.glob("*.html"))
    assert len(pages) == 10, [p.name for p in pages]  # four briefs and the index, in two languages
    charts = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for path in pages:
                page = browser.new_page()
                page.goto(path.as_uri())
                page.wait_for_load_state("load")
                assert SYNTHETIC in page.title(), path.name
                assert SYNTHETIC in page.locator("h1").inner_text(), path.name
                figures = page.eval_on_selector_all(
                    "figure.chart",
                    """fs => fs.map(f => [f.querySelector('img').getAttribute('alt'),
                        f.querySelector('img').naturalWidth, f.querySelector('figcaption').innerText])""",
                )
                for alt, width, caption in figures:
                    assert alt.startswith(SYNTHETIC) and caption.startswith(SYNTHETIC) and width > 0, path.name
                charts += len(figures)
                if not path.name.startswith(("index", "data_quality")):  # data quality: tables only
                    assert figures, f"{path.name} shows a chart"
                page.close()
        finally:
            browser.close()
    assert charts >= 6  # comparison, profile and trends, in two languages


def test_the_demo_shows_funnels_benchmark_verdicts_and_trends(demo):
    run = demo / "outputs" / "latest"
    english = {p.name.split("-")[0]: p for p in run.glob("*.html") if not p.name.endswith("-zh.html")}
    comparison = english["metric_comparison"].read_text(encoding="utf-8")
    assert "Funnel placements" in comparison
    profile = english["district_profile"].read_text(encoding="utf-8")
    assert "higher than" in profile and "lower than" in profile
    assert all(f"{unit} " in profile for unit in ("杭州市 Hangzhou", "浙江省 Zhejiang", "全国 China"))  # benchmarks
    trends = (run / "trends-330106.html").read_text(encoding="utf-8")
    assert "quasi-Poisson trend model" in trends


def test_a_stamp_is_drawn_on_the_chart_once():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2, 3], [3, 1, 2])
    fig.canvas.draw()
    plain = np.asarray(fig.canvas.buffer_rgba()).copy()
    stamp_synthetic(fig, SYNTHETIC)
    stamp_synthetic(fig, SYNTHETIC)
    fig.canvas.draw()
    stamped = np.asarray(fig.canvas.buffer_rgba())
    assert [t.get_text() for t in fig.texts] == [SYNTHETIC, SYNTHETIC]  # the watermark and the corner label
    assert (plain != stamped).any(axis=2).sum() > 500, "the stamp changes the image"
    plt.close(fig)


@pytest.mark.parametrize("synthetic", [True, False])
def test_a_story_says_synthetic_only_when_told_from_synthetic_data(synthetic):
    fig, ax = plt.subplots()
    story = Story("Trends: 西湖区", "en", synthetic=synthetic, charts={"c": Chart(fig, "Rates 2019-2023", "Rates")})
    (_, [chart]), *_ = [part for part in story.body_parts() if part[0] == "charts"]  # small charts side by side
    assert (SYNTHETIC in story.title) == synthetic and (SYNTHETIC in story.header_html()) == synthetic
    assert chart.alt.startswith(SYNTHETIC) == synthetic and chart.caption.startswith(SYNTHETIC) == synthetic
    assert any(t.get_text() == SYNTHETIC for t in fig.texts) == synthetic
    plt.close(fig)


def test_titles_say_synthetic_data_only_for_a_folder_marked_synthetic(data_copy):
    real = load_dataset()
    assert not real.synthetic
    assert SYNTHETIC not in brief_title("data_quality.ipynb", {}, real, "en")
    (data_copy / "SYNTHETIC.txt").write_text("SYNTHETIC test data\n", encoding="utf-8")
    marked = load_dataset(data_copy)
    assert marked.synthetic and marked.version != real.version, "the marker is part of the data version"
    assert brief_title("data_quality.ipynb", {}, marked, "zh") == "SYNTHETIC DATA 虚构数据 · 数据质量"
    assert brief_title("trends.ipynb", {"district": "371002"}, marked, "en").startswith("SYNTHETIC DATA · Trends")


def test_the_full_schedule_profiles_the_prefectures_and_chosen_counties_against_their_neighbours(tmp_path):
    import yaml

    from compare.briefs.schedule import load_schedule

    sys.path.insert(0, str(PROJECT_ROOT / "demo"))
    import make_demo

    ds = load_dataset()
    planted = pd.DataFrame({"district_code": ["330226", "331023", "330226"]})  # as planted-outliers.csv lists them
    chosen = make_demo.chosen_units(ds, planted)
    path = make_demo.write_schedule(make_demo.HERE / "briefs.yml", tmp_path / "briefs.yml", *chosen)
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["briefs"]
    profiles = {e["parameters"]["district"]: e["parameters"] for e in entries if "profile" in e["notebook"]}
    trends = {e["parameters"]["district"] for e in entries if e["notebook"] == "trends.ipynb"}
    prefectures = set(ds.districts.query("province_code == @PROVINCE and level == 'prefecture'")["code"])
    assert len(prefectures) == 11 and prefectures <= set(profiles)
    counties = set(profiles) - prefectures
    assert counties == {"330226", "331023", *make_demo.ORDINARY}, "the planted outliers and a few ordinary ones"
    assert all(profiles[c]["peers"] == "neighbours" for c in counties)
    assert not any("peers" in profiles[c] for c in prefectures), "a prefecture against the other prefectures"
    assert trends == set(profiles)
    assert {e.get("for_each") for e in entries} >= {"metric_level"}, "every metric at every level"
    assert len(load_schedule(path, ds)) > len(profiles), "compare briefs takes it"
