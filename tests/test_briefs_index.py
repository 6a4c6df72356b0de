"""The index's overview (issue 23, item 7): districts × metrics, each cell a verdict against the benchmark in
words, linking to the district's profile; findings first; names from the data are text, never markup."""

from __future__ import annotations

import re

import pytest

from compare.briefs.overview import FINDINGS, overview
from compare.briefs.render import index_html
from compare.data import load_dataset
from compare.stories.profile import profile_rate_rows

DISTRICTS = ["320924", "371002", "320412"]  # 射阳县 has a verdict (lower than its benchmark); the others none


@pytest.fixture(scope="module")
def matrix():
    ds = load_dataset()
    return ds, overview(ds, [(code, "") for code in DISTRICTS])


def manifest(codes, failed=()):
    briefs = [
        {
            "brief_id": f"district_profile-{code}{suffix}",
            "kind": "district_profile",
            "title": code,
            "parameters": {"district": code, "lang": lang},
            "lang": lang,
            "status": "failed" if code in failed else "ok",
            "html": None if code in failed else f"district_profile-{code}{suffix}.html",
            "error": "cell 2 failed" if code in failed else None,
        }
        for code in codes
        for lang, suffix in (("en", ""), ("zh", "-zh"))
    ]
    counts = {"ok": len(briefs), "reused": 0, "failed": 0}
    return {
        "run_id": "r",
        "generated": "g",
        "data_version": "v",
        "compare_version": "c",
        "counts": counts,
        "briefs": briefs,
    }


def test_cells_are_the_profiles_own_rows_judged_against_the_nearest_benchmark(matrix):
    ds, ov = matrix
    first = ov.units[0]
    assert first.code == "320924" and first.findings >= 1, "a district holding a finding comes first"
    assert [u.findings for u in ov.units] == sorted((u.findings for u in ov.units), reverse=True)
    own = profile_rate_rows(ds, "320924")
    for metric, row in first.cells.items():
        assert metric in set(own["metric_id"])
        assert row["period"] in set(own.loc[own["metric_id"] == metric, "period"])
    assert any(row["vs_benchmark"] in FINDINGS for row in first.cells.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_cell_says_its_verdict_in_words_and_links_its_brief(matrix, lang):
    _, ov = matrix
    html = index_html(manifest(DISTRICTS), lang, ov)
    table = re.search(r'<table class="overview">.*?</table>', html, re.S).group(0)
    suffix = "" if lang == "en" else "-zh"
    rows = re.findall(r"<tr data-name=.*?</tr>", table, re.S)
    assert len(rows) == len(DISTRICTS)
    assert f'href="district_profile-320924{suffix}.html"' in rows[0]
    words = {"en": ("higher", "lower", "similar", "not compared"), "zh": ("较高", "较低", "相近", "未比较")}[lang]
    for cls, title, text in re.findall(r'<td class="v-([a-z-]+)" title="([^"]*)">(.*?)</td>', table, re.S):
        assert title.strip(), "every cell says why in its title"
        if cls != "none":
            assert re.sub("<[^>]+>", "", text) in words, "a verdict is a word, never a colour alone"
    assert ' class="v-lower"' in rows[0] or ' class="v-higher"' in rows[0]
    assert 'id="filter-box" hidden' in html, "without JavaScript no filter shows, and every row does"
    assert "<h2>" + ("District profiles" if lang == "en" else "区县概况") not in html, "no second list of the profiles"


def test_a_failed_profile_has_a_row_without_links_and_is_listed_with_its_failure(matrix):
    _, ov = matrix
    html = index_html(manifest(DISTRICTS, failed={"371002"}), "en", ov)
    row = re.search(r'<tr data-name="环翠区 Huancui District 371002">.*?</tr>', html, re.S).group(0)
    assert "href" not in row
    assert "cell 2 failed" in html


def test_names_from_the_data_are_text_in_the_overview(matrix):
    _, ov = matrix
    unit = ov.units[0]
    unit.name_en, saved = '<img src=x onerror="alert(1)">', unit.name_en
    row = next(iter(unit.cells.values()))
    old = row["benchmark_zh"]
    row["benchmark_zh"] = "<script>alert(2)</script>"
    try:
        for lang in ("en", "zh"):
            html = index_html(manifest(DISTRICTS), lang, ov)
            assert "<img src=x" not in html and "<script>alert" not in html
        assert "&lt;img src=x onerror=" in index_html(manifest(DISTRICTS), "en", ov)
    finally:
        unit.name_en, row["benchmark_zh"] = saved, old
