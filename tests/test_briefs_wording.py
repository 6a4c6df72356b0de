"""The wording catalogue and the schedule's languages, titles and "About this brief" words (no kernels)."""

from __future__ import annotations

import pytest

from compare.briefs import KINDS, brief_title, load_schedule, short_url, tidy_output_html
from compare.briefs.render import index_html, keep_language, provenance_rows, take_story_header
from compare.briefs.wording import LANGUAGES, WORDING
from compare.data import load_dataset

SAME_IN_BOTH = {"list.sep"}  # may legitimately coincide


def test_every_language_has_every_key_and_translates_it():
    assert set(WORDING) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert WORDING[lang].keys() == WORDING["en"].keys(), lang
    untranslated = [k for k, v in WORDING["zh"].items() if v == WORDING["en"][k] and k not in SAME_IN_BOTH]
    assert untranslated == []


def test_one_registry_names_every_kind_in_both_languages():
    assert [k.kind for k in KINDS.values()] == ["data_quality", "district_profile", "metric_comparison", "trends"]
    for kind in KINDS.values():
        assert kind.heading("en") and kind.heading("zh") and kind.heading("en") != kind.heading("zh")


def test_titles_in_each_language():
    ds = load_dataset()
    assert (
        brief_title("district_profile.ipynb", {"district": "371002"}, ds) == "District profile: 环翠区 Huancui District"
    )
    assert brief_title("district_profile.ipynb", {"district": "371002"}, ds, "zh") == "区县概况：环翠区"
    assert (
        brief_title("metric_comparison.ipynb", {"metric": "legal_aid_cases", "level": "county"}, ds, "zh")
        == f"{ds.metric('legal_aid_cases')['name_zh']}（县级）"
    )


@pytest.mark.parametrize(
    ("entry", "langs"), [("", ("en", "zh")), ("    lang: zh\n", ("zh",)), ("    lang: [en]\n", ("en",))]
)
def test_each_entry_is_built_in_both_languages_unless_it_says(tmp_path, entry, langs):
    config = tmp_path / "briefs.yml"
    config.write_text(f"briefs:\n  - notebook: data_quality.ipynb\n{entry}", encoding="utf-8")
    briefs = load_schedule(config, load_dataset())
    assert [b.langs for b in briefs] == [(lang,) for lang in langs], "a notebook that takes lang runs once per language"
    assert [b.page_id(b.langs[0]) for b in briefs] == [
        {"en": "data_quality", "zh": "data_quality-zh"}[x] for x in langs
    ]
    assert [b.parameters["lang"] for b in briefs] == list(langs)


def test_the_command_line_language_narrows_the_schedule(tmp_path):
    config = tmp_path / "briefs.yml"
    config.write_text(
        "briefs:\n  - notebook: data_quality.ipynb\n  - notebook: district_profile.ipynb\n"
        "    lang: en\n    parameters: {district: '371002'}\n",
        encoding="utf-8",
    )
    briefs = load_schedule(config, load_dataset(), lang="zh")
    assert [(b.brief_id, b.langs) for b in briefs] == [("data_quality-zh", ("zh",))]


def story_notebook():
    """A notebook as compare's stories leave it: explanations in both languages, the story header's output."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    header = new_output(
        "display_data",
        data={"text/html": "<h1>T</h1><p class='lead'>L</p>"},
        metadata={"compare": {"title": "T", "lead": "<b>Nothing stands out</b>", "about": [["Window", "2021"]]}},
    )
    return new_notebook(
        cells=[
            new_code_cell("story", outputs=[header]),
            new_markdown_cell("How to read", metadata={"tags": ["lang-en"]}),
            new_markdown_cell("如何阅读", metadata={"tags": ["lang-zh"]}),
        ]
    )


def test_the_story_header_becomes_the_pages_lead_and_about_rows():
    node = story_notebook()
    story = take_story_header(node)
    assert story["lead"] == "<b>Nothing stands out</b>" and story["about"] == [["Window", "2021"]]
    assert node.cells[0].outputs == [], "the page shows the title, lead and about itself: no second copy"
    rows = provenance_rows(load_dataset().version, "zh", "2026-01-01")
    assert [label for label, _ in rows] == ["数据版本", "生成时间"]


@pytest.mark.parametrize(("lang", "kept"), [("en", "How to read"), ("zh", "如何阅读")])
def test_a_page_keeps_only_its_own_languages_explanations(lang, kept):
    node = story_notebook()
    keep_language(node, lang)
    assert [c.source for c in node.cells if c.cell_type == "markdown"] == [kept]


def test_output_html_gains_table_boxes_readable_cells_and_short_links():
    table = (
        "<table><tr><td>https://www.example.gov.cn/a/b.html?x=1&amp;y=2</td>"
        "<td>一个很长很长的标题，足足有二十五个字符以上，需要一个可读的最小宽度</td><td>12</td></tr></table>"
    )
    tidy = tidy_output_html(table)
    assert tidy.startswith('<div class="table-box" tabindex="0"><table>') and tidy.endswith("</table></div>")
    assert '<a href="https://www.example.gov.cn/a/b.html?x=1&amp;y=2"' in tidy and ">www.example.gov.cn/…</a>" in tidy
    assert '<td class="long">一个很长' in tidy and '<td class="num">12</td>' in tidy
    link = "<a href='https://a.example/x/y'>https://a.example/x/y</a>"
    assert tidy_output_html(link) == "<a href='https://a.example/x/y' title='https://a.example/x/y'>a.example/…</a>"
    assert short_url("https://host.example/") == "host.example"


def test_the_index_escapes_and_groups_in_registry_order():
    manifest = {
        "run_id": "r",
        "generated": "g",
        "data_version": "v",
        "compare_version": "c",
        "counts": {"ok": 1, "reused": 0, "failed": 1},
        "briefs": [
            {"kind": "trends", "lang": "zh", "status": "ok", "title": "趋势：<b>", "html": "t-zh.html"},
            {
                "kind": "data_quality",
                "lang": "zh",
                "status": "failed",
                "title": "数据质量",
                "error": "cell 3 failed: <script>",
                "html": None,
            },
        ],
    }
    page = index_html(manifest, "zh")
    assert page.index("数据质量 (1)") < page.index("趋势 (1)")
    assert "趋势：&lt;b&gt;" in page and "&lt;script&gt;" in page and "<script>" not in page
    assert '<html lang="zh-Hans">' in page and "新建 1 份，沿用 0 份，失败 1 份" in page


def test_the_index_language_links_say_the_language_they_lead_to():
    manifest = {
        "run_id": "r",
        "generated": "g",
        "data_version": "v",
        "compare_version": "0",
        "counts": {"ok": 2, "reused": 0, "failed": 0},
        "briefs": [
            {"kind": "trends", "lang": lang, "status": "ok", "title": "t", "html": f"t-{lang}.html"}
            for lang in ("en", "zh")
        ],
    }
    assert '<a href="index-zh.html">中文</a>' in index_html(manifest, "en")
    assert '<a href="index.html">English</a>' in index_html(manifest, "zh")
