"""Reuse keyed on the data each brief reads (issue 23, item 8): one new observation rebuilds only the briefs that
read it. Every added row is SYNTHETIC, in a temporary copy of the data, never data/."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from compare.briefs import build, load_schedule
from compare.briefs.schedule import DEFAULT_CONFIG, presentation_files
from compare.data import load_dataset
from compare.paths import PROJECT_ROOT

DISTRICT = "320685"  # 海安市: the only unit reporting legal aid applications, so no other brief reads them
SMALL = f"""
briefs:
  - notebook: district_profile.ipynb
    parameters: {{district: "{DISTRICT}"}}
    lang: en
  - notebook: district_profile.ipynb
    parameters: {{district: "371002"}}
    lang: en
  - notebook: data_quality.ipynb
    lang: en
"""


def add_one_observation(data) -> None:
    """SYNTHETIC: one more year of legal aid applications for DISTRICT, from an invented source."""
    obs = pd.read_csv(data / "observations.csv", dtype=str, keep_default_na=False)
    row = {c: "" for c in obs.columns} | {
        "doc_id": "synthetic-reuse",
        "district_code": DISTRICT,
        "period_start": "2022-01-01",
        "period_end": "2022-12-31",
        "metric_id": "legal_aid_applications",
        "value": "1650",
        "qualifier": "exact",
        "statement": "actual",
    }
    pd.concat([obs, pd.DataFrame([row])], ignore_index=True).to_csv(data / "observations.csv", index=False)
    sources = pd.read_csv(data / "sources" / "sources.csv", dtype=str, keep_default_na=False)
    source = {c: "" for c in sources.columns} | {
        "doc_id": "synthetic-reuse",
        "title": "SYNTHETIC figure for a test",
        "url": "https://example.org/SYNTHETIC-reuse",
        "district_code": DISTRICT,
        "level": "county",
        "complete": "no",
    }
    pd.concat([sources, pd.DataFrame([source])], ignore_index=True).to_csv(
        data / "sources" / "sources.csv", index=False
    )


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", folder)
    return folder


def keys(data) -> dict[str, str]:
    return {b.brief_id: b.cache_key for b in load_schedule(DEFAULT_CONFIG, load_dataset(data))}


def test_one_new_observation_changes_the_keys_of_the_briefs_that_read_it_only(data):
    before = keys(data)
    add_one_observation(data)
    after = keys(data)
    changed = sorted(b for b in before if after.get(b) != before[b])
    assert changed and all(DISTRICT in b or b.startswith("data_quality") for b in changed), changed
    assert {f"district_profile-{DISTRICT}", f"district_profile-{DISTRICT}-zh", "data_quality"} <= set(changed)
    assert sorted(set(after) - set(before)) in ([], [f"trends-{DISTRICT}", f"trends-{DISTRICT}-zh"])


def test_a_changed_table_every_brief_reads_changes_every_key(data):
    before = keys(data)
    metrics = data / "metrics.csv"
    metrics.write_text(metrics.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = keys(data)
    assert all(after[b] != before[b] for b in before)


def test_one_new_observation_rebuilds_only_its_districts_briefs(data, tmp_path):
    config = tmp_path / "briefs.yml"
    config.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    first = build(config, out, jobs=2, data_dir=data, progress=False)
    assert first["counts"]["failed"] == 0
    add_one_observation(data)
    second = build(config, out, jobs=2, data_dir=data, progress=False)
    status = {b["brief_id"]: b["status"] for b in second["briefs"]}
    assert status == {f"district_profile-{DISTRICT}": "ok", "district_profile-371002": "reused", "data_quality": "ok"}
    index = (out / "latest" / "index.html").read_text(encoding="utf-8")
    assert second["run_id"] in index  # the index is written anew each run


ONE = """
briefs:
  - notebook: district_profile.ipynb
    parameters: {district: "371002"}
"""


def test_a_one_language_build_leaves_latest_with_both_languages(data, tmp_path, capsys):
    """Issue 23, item 3: `compare briefs --lang en` builds English in its own run folder, whose pages link only
    each other; latest keeps both indexes and every page they link to."""
    import re

    from compare.cli import main

    config = tmp_path / "briefs.yml"
    config.write_text(ONE, encoding="utf-8")
    out = tmp_path / "out"
    full = build(config, out, jobs=2, data_dir=data, progress=False)
    assert full["latest"] and full["counts"]["ok"] == 2
    args = ["--data", str(data), "briefs", "--config", str(config), "--out", str(out), "--jobs", "2", "--lang", "en"]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "is unchanged, with every language: this run holds en only" in said
    latest = out / "latest"
    assert latest.resolve().name == full["run_id"]
    for index in ("index.html", "index-zh.html"):
        html = (latest / index).read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]+\.html)"', html):
            assert (latest / href).is_file(), f"{index} links {href}, which latest lacks"
    english = max((p for p in out.iterdir() if p.name != "latest"), key=lambda p: p.name)
    assert english.name != full["run_id"] and not (english / "district_profile-371002-zh.html").exists()
    for page in english.glob("*.html"):  # the one-language run links only its own pages
        for href in re.findall(r'href="([^"#:]+\.html)"', page.read_text(encoding="utf-8")):
            assert (english / href).is_file(), f"{page.name} links {href}"
    again = build(config, out, jobs=2, data_dir=data, progress=False, lang="en")
    assert again["counts"] == {"ok": 0, "reused": 1, "failed": 0}, "reused from the newest run, not only latest"
    assert not again["latest"] and latest.resolve().name == full["run_id"]


def test_a_changed_sentence_or_statistic_rebuilds_the_pages():
    """The cache key covers the package's code, not only the renderer: a sentence changed in stories/ or a method
    changed in stats/ must not leave pages built by the old code in place."""
    names = {p.relative_to(PROJECT_ROOT / "src" / "compare").as_posix() for p in presentation_files()}
    assert {"stories/sentences.py", "stats/benchmarks.py", "stories/charts.py", "briefs/render.py"} <= names
