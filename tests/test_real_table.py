"""The real table shipped in data/: the Ministry of Justice's 2019 reconsideration cases received, by province
(data/sources/moj-reconsideration-2019.csv, mapped by data/tables/moj-reconsideration-2019.yml). Re-importing it
reproduces the shipped observations; its brief is in the default schedule and cites each figure's cell."""

from __future__ import annotations

import pandas as pd
import pytest

from compare.briefs import load_schedule
from compare.cli import main
from compare.data import load_dataset, validate
from compare.paths import PROJECT_ROOT
from compare.stories import metric_comparison

DOC = "moj-reconsideration-2019"
TABLE = PROJECT_ROOT / "data" / "sources" / f"{DOC}.csv"
MAPPING = PROJECT_ROOT / "data" / "tables" / f"{DOC}.yml"


def rows_of(folder, name="observations.csv") -> pd.DataFrame:
    table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    return table[table["doc_id"] == DOC].sort_values("district_code").reset_index(drop=True)


def test_reimporting_the_shipped_table_reproduces_its_observations(data_copy, capsys):
    shipped = rows_of(data_copy)
    cells = (data_copy / "sources" / f"{DOC}.cells.csv").read_bytes()
    total = len(pd.read_csv(data_copy / "observations.csv"))
    assert main(["--data", str(data_copy), "import", str(TABLE), "--mapping", str(MAPPING)]) == 0
    out = capsys.readouterr().out
    assert "31 figure(s) imported" in out and "replacing 31 earlier row(s)" in out
    assert "skipped row 33 (skip: '兵团')" in out and "skipped row 35 (skip: '总计')" in out
    pd.testing.assert_frame_equal(rows_of(data_copy), shipped)
    assert (data_copy / "sources" / f"{DOC}.cells.csv").read_bytes() == cells
    assert len(pd.read_csv(data_copy / "observations.csv")) == total
    assert (rows_of(data_copy, "sources/sources.csv")["district_code"] == "100000").all()
    assert validate(data_copy)[0] == []


def test_the_transcription_adds_up_and_names_every_province_once(data_copy):
    table = pd.read_csv(TABLE, skiprows=1, dtype={"数量": int})
    listed = table[table["省份"] != "总计"]
    assert listed["数量"].sum() == table.loc[table["省份"] == "总计", "数量"].item() == 183489
    obs = rows_of(data_copy)
    provinces = load_dataset(data_copy).districts.query("level == 'province'")["code"]
    assert sorted(obs["district_code"]) == sorted(provinces)  # all 31, each once
    value = dict(zip(obs["district_code"], obs["value"]))
    assert value["220000"] == "7682" and value["460000"] == "1609"  # 吉林, 海南: the provinces, not 吉林市, 海南区
    assert set(obs["basis"]) == {"received"} and set(obs["scope"]) == {"all_levels"}


def test_a_row_outside_the_reference_is_a_problem_unless_the_mapping_skips_it(data_copy, tmp_path, capsys):
    mapping = tmp_path / "mapping.yml"
    text = MAPPING.read_text(encoding="utf-8")
    mapping.write_text(text[: text.index("skip:")] + "skip: [总计]\n", encoding="utf-8")
    assert main(["--data", str(data_copy), "import", str(TABLE), "--mapping", str(mapping), "--dry-run"]) == 1
    assert capsys.readouterr().out.strip() == f"{DOC}.csv!A33: '兵团' is not a unit within 全国 (100000)"


def test_the_tables_brief_is_scheduled_and_cites_each_figures_cell():
    ds = load_dataset()
    briefs = {b.brief_id: b for b in load_schedule(PROJECT_ROOT / "briefs.yml", ds)}
    table_brief = [
        b
        for b in briefs.values()
        if b.parameters.get("metric") == "admin_reconsideration_cases" and b.parameters.get("period") == "2019"
    ]
    assert {b.base_id for b in table_brief} == {"metric_comparison-admin_reconsideration_cases-province-d57951f0"}
    assert {lang: title for b in table_brief for lang, title in b.titles.items()} == {
        "en": "Administrative reconsideration cases (province level), 2019",
        "zh": "行政复议案件（省级，2019）",
    }
    for lang, cell, held in (("en", "table cell", "table held with the data"), ("zh", "表格单元格", "表格随数据保存")):
        story = metric_comparison(ds, "admin_reconsideration_cases", "province", period="2019", lang=lang)
        shanghai = next(f for f in story.findings if "上海市" in f and "14,847" in f)
        assert f"{cell} <code>{DOC}.csv!B4</code>" in shanghai
        assert held in "".join(part for kind, part in story.body_parts() if kind == "html")
    assert story.tables["funnel"].frame.set_index("district_zh").loc["上海市", "classification"] == "above 99.8%"


@pytest.mark.parametrize("label", ["吉林", "吉林省"])
def test_a_short_province_name_within_the_nation_is_the_province(data_copy, tmp_path, label, capsys):
    table = tmp_path / "t.csv"
    table.write_text(f"省份,数量\n{label},7682\n", encoding="utf-8")
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "source: {doc_id: t, title: t, url: 'https://example.org/t.csv', published: '2020-09-29'}\n"
        "district_column: 省份\nwithin: '100000'\nperiod: '2019'\n"
        "columns: {数量: {metric: admin_reconsideration_cases}}\n",
        encoding="utf-8",
    )
    assert main(["--data", str(data_copy), "import", str(table), "--mapping", str(mapping), "--dry-run"]) == 0
    assert " 220000 " in capsys.readouterr().out
