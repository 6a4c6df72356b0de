"""Reuse keyed on the data each brief reads (issue 23, item 8): one new observation rebuilds only the briefs that
read it. Every added row is SYNTHETIC, in a temporary copy of the data, never data/."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from compare.briefs import build, load_schedule
from compare.briefs.schedule import DEFAULT_CONFIG
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
