"""compare import: a statistical table (XLSX or CSV, wide or long) becomes observations whose cells are named,
validated and locked like compare accept; a malformed table is one line per problem and changes nothing.

Every number here is SYNTHETIC."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from compare.cli import main
from compare.data import validate

openpyxl = pytest.importorskip("openpyxl")

DOC = "synthetic-shaanxi-2021"
# SYNTHETIC figures: (unit, legal aid cases, of which criminal, consultations in 万人次, disputes, organisations)
CITIES = [
    ("西安市", 4100, 1200, "3.25", 21000, 3100),
    ("铜川市", 610, "—", "0.41", 2300, 640),
    ("宝鸡市", 1800, 520, "1.2", 9100, 2100),
    ("咸阳市", 2000, 610, "1.43", 9800, 2500),
    ("渭南市", 2100, 650, "1.38", 10200, 2900),
    ("延安市", 900, 240, "0.66", 4300, 1400),
    ("汉中市", 1500, 430, "0.97", 7600, 2300),
    ("榆林市", 1700, 470, "1.05", 8200, 2600),
    ("安康市", 1200, 330, "0.8", 6100, 2000),
    ("商洛市", 1000, 280, "0.7", 5200, 1600),
]
CODES = {
    "西安市": "610100",
    "铜川市": "610200",
    "宝鸡市": "610300",
    "咸阳市": "610400",
    "渭南市": "610500",
    "延安市": "610600",
    "汉中市": "610700",
    "榆林市": "610800",
    "安康市": "610900",
    "商洛市": "611000",
    "合计": "610000",
}
MAPPING = f"""
source: {{doc_id: {DOC}, title: "陕西省各市司法行政工作统计 2021 (SYNTHETIC)", url: "https://example.org/t.xlsx",
         published: "2022-03-01"}}
sheet: 0
header_rows: 2
district_column: 地区
within: "610000"
period: "2021"
columns:
  "法律援助案件(件)": {{metric: legal_aid_cases, basis: received}}
  "法律援助案件(件)/其中刑事": {{metric: legal_aid_cases, subset: criminal, basis: received}}
  "法律咨询(万人次)": {{metric: legal_consultations, scale: 10000}}
  "人民调解/调解案件(件)": {{metric: disputes_mediated}}
  "人民调解/调解组织(个)": {{metric: mediation_organizations}}
totals: 合计
"""


def workbook(path: Path, cities=CITIES, extra_rows=()) -> Path:
    """The layout of issue 22: a title row, two header rows with merged cells, 万 units, the cities, a total row
    合计, a footnote row; SYNTHETIC numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "分市"
    ws.append(["陕西省各市司法行政工作统计表（2021年，SYNTHETIC）"])
    ws.merge_cells("A1:F1")
    ws.append(["地区", "法律援助案件（件）", None, "法律咨询(万人次)", "人民调解", None])
    ws.append([None, None, "其中刑事", None, "调解案件(件)", "调解组织(个)"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:D3")
    ws.merge_cells("E2:F2")
    for name, cases, criminal, consult, disputes, orgs in cities:
        ws.append([name, cases, criminal, float(consult) if consult[0].isdigit() else consult, disputes, orgs])
    for row in extra_rows:
        ws.append(list(row))
    totals = [sum(c[i] for c in CITIES if isinstance(c[i], int)) for i in (1, 2, 4, 5)]
    ws.append(["合计", totals[0], totals[1], round(sum(float(c[3]) for c in CITIES), 2), totals[2], totals[3]])
    ws.append(["注：本表数字均为虚构（SYNTHETIC），仅用于测试。"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
    wb.save(path)
    return path


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".compare.lock"
    }


def run(data_copy, table, mapping, *extra):
    return main(["--data", str(data_copy), "import", str(table), "--mapping", str(mapping), *extra])


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "mapping.yml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def test_a_workbook_with_merged_headers_imports_every_value_with_its_cell(data_copy, tmp_path, mapping, capsys):
    table = workbook(tmp_path / "shaanxi.xlsx")
    assert run(data_copy, table, mapping) == 0
    out = capsys.readouterr().out
    assert "imported from shaanxi.xlsx, sheet 分市" in out
    assert "skipped row 15" in out and "注：本表" in out  # the footnote, reported
    assert "1 cell(s) blank or a dash" in out  # 铜川市's criminal cases: —

    obs = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    mine = obs[obs["doc_id"] == DOC]
    cells = pd.read_csv(data_copy / "sources" / f"{DOC}.cells.csv", dtype=str, keep_default_na=False)
    got = mine.merge(cells, on=["district_code", "metric_id", "subset", "period_start", "period_end", "basis"])
    assert len(got) == len(mine) == len(cells) == 11 * 5 - 1
    assert set(got["sheet"]) == {"分市"} and set(got["file"]) == {"shaanxi.xlsx"}
    assert (got["statement"] == "actual").all() and (got["qualifier"] == "exact").all() and (got["quote"] == "").all()
    rows = dict(zip(CODES, range(4, 15)))
    for name, cases, criminal, consult, disputes, orgs in CITIES:
        at = got[got["district_code"] == CODES[name]].set_index(["metric_id", "subset"])
        r = rows[name]
        assert at.loc[("legal_aid_cases", ""), ["value", "cell", "basis"]].tolist() == [str(cases), f"B{r}", "received"]
        if name == "铜川市":
            assert ("legal_aid_cases", "criminal") not in at.index
        else:
            assert at.loc[("legal_aid_cases", "criminal"), ["value", "cell"]].tolist() == [str(criminal), f"C{r}"]
        assert at.loc[("legal_consultations", ""), ["value", "cell", "raw", "scale"]].tolist() == [
            str(round(float(consult) * 10000)),
            f"D{r}",
            consult,
            "10000",
        ]
        assert at.loc[("disputes_mediated", ""), ["value", "cell"]].tolist() == [str(disputes), f"E{r}"]
        org = at.loc[("mediation_organizations", "")]
        assert [org["value"], org["cell"], org["period_start"], org["period_end"]] == [
            str(orgs),
            f"F{r}",
            "2021-12-31",  # a stock stands at the period's end
            "2021-12-31",
        ]
        flow = at.loc[("disputes_mediated", "")]
        assert (flow["period_start"], flow["period_end"]) == ("2021-01-01", "2021-12-31")
    total = got[got["district_code"] == "610000"].set_index(["metric_id", "subset"])
    assert total.loc[("legal_aid_cases", ""), ["value", "cell"]].tolist() == ["16910", "B14"]
    assert total.loc[("legal_consultations", ""), "value"] == "118500"

    src = pd.read_csv(data_copy / "sources" / "sources.csv", dtype=str, keep_default_na=False)
    row = src[src["doc_id"] == DOC].iloc[0]
    assert (row["district_code"], row["level"], row["period_label"], row["published"]) == (
        "610000",
        "province",
        "2021",
        "2022-03-01",
    )
    assert (data_copy / "sources" / f"{DOC}.xlsx").read_bytes() == table.read_bytes()
    problems, _ = validate(data_copy)
    assert problems == []
    assert main(["--data", str(data_copy), "validate"]) == 0


def test_reimporting_replaces_the_rows_of_that_table(data_copy, tmp_path, mapping, capsys):
    assert run(data_copy, workbook(tmp_path / "t.xlsx"), mapping) == 0
    before = len(pd.read_csv(data_copy / "observations.csv"))
    changed = [("西安市", 4200, *CITIES[0][2:])] + CITIES[1:]
    assert run(data_copy, workbook(tmp_path / "t.xlsx", changed), mapping) == 0
    assert "replacing 54 earlier row(s)" in capsys.readouterr().out
    obs = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    assert len(obs) == before
    xian = obs[(obs["doc_id"] == DOC) & (obs["district_code"] == "610100") & (obs["metric_id"] == "legal_aid_cases")]
    assert xian.loc[xian["subset"] == "", "value"].tolist() == ["4200"]
    assert (pd.read_csv(data_copy / "sources" / "sources.csv")["doc_id"] == DOC).sum() == 1
    assert validate(data_copy)[0] == []


def test_a_malformed_table_is_one_line_per_problem_and_changes_nothing(data_copy, tmp_path, capsys):
    bad = CITIES[:2] + [("西京市", 100, 10, "0.1", 500, 40), ("宝鸡市", "abc", 520, "1.2", 9100, 2100)] + CITIES[3:]
    table = workbook(tmp_path / "table.xlsx", bad)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(MAPPING.replace("metric: disputes_mediated}", "metric: disputes_mediatd}"), encoding="utf-8")
    before = digests(data_copy)
    assert run(data_copy, table, mapping) == 1
    out = capsys.readouterr()
    assert out.out.strip().splitlines() == [
        "table.xlsx!E3: column '人民调解/调解案件(件)' is mapped to unknown metric 'disputes_mediatd'",
        "table.xlsx!A6: '西京市' is not a unit within 陕西省 (610000)",
        "table.xlsx!B7: 'abc' is not a number",
    ]
    assert "Nothing imported from table.xlsx: 3 problem(s)." in out.err
    assert digests(data_copy) == before


def test_a_validation_problem_is_told_at_its_cell_and_nothing_is_written(data_copy, tmp_path, mapping, capsys):
    negative = [("西安市", -5, *CITIES[0][2:])] + CITIES[1:]
    before = digests(data_copy)
    assert run(data_copy, workbook(tmp_path / "t.xlsx", negative), mapping) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == ["t.xlsx!B4: legal_aid_cases counts cases: value -5 cannot be negative"]
    assert digests(data_copy) == before


def test_a_header_unit_that_contradicts_the_scale_is_a_problem(data_copy, tmp_path, capsys):
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING.replace("scale: 10000", "scale: 1"), encoding="utf-8")
    assert run(data_copy, workbook(tmp_path / "t.xlsx"), mapping) == 1
    assert "states ×10000 in its header but its scale is 1" in capsys.readouterr().out


def test_a_long_csv_with_codes_and_a_period_column(data_copy, tmp_path, capsys):
    table = tmp_path / "long.csv"
    table.write_text(
        "单位,年份,指标,数值\n"
        "610100,2020,legal_aid_cases,3900\n"
        "610100,2021,legal_aid_cases,4100\n"
        '宝鸡,2021,调解案件,"9,100"\n'
        "全省,2021,调解案件,-\n"
        "注：SYNTHETIC,,,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "long.yml"
    mapping.write_text(
        "source: {doc_id: synthetic-long, title: SYNTHETIC long table, url: 'https://example.org/l.csv'}\n"
        "format: long\nheader_rows: 1\ndistrict_column: 单位\nwithin: '610000'\nperiod_column: 年份\n"
        "metric_column: 指标\nvalue_column: 数值\ntotals: [全省]\n"
        "columns:\n  调解案件: {metric: disputes_mediated}\n",
        encoding="utf-8",
    )
    assert run(data_copy, table, mapping) == 0
    out = capsys.readouterr().out
    assert "3 figure(s) imported from long.csv as synthetic-long" in out and "skipped row 6" in out
    obs = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    mine = obs[obs["doc_id"] == "synthetic-long"]
    assert sorted(zip(mine["district_code"], mine["period_start"], mine["metric_id"], mine["value"])) == [
        ("610100", "2020-01-01", "legal_aid_cases", "3900"),
        ("610100", "2021-01-01", "legal_aid_cases", "4100"),
        ("610300", "2021-01-01", "disputes_mediated", "9100"),
    ]
    cells = pd.read_csv(data_copy / "sources" / "synthetic-long.cells.csv", dtype=str, keep_default_na=False)
    assert sorted(cells["cell"]) == ["D2", "D3", "D4"] and set(cells["sheet"]) == {""}
    assert validate(data_copy)[0] == []


def test_validate_catches_a_cell_that_no_longer_matches(data_copy, tmp_path, mapping, capsys):
    assert run(data_copy, workbook(tmp_path / "t.xlsx"), mapping) == 0
    path = data_copy / "sources" / f"{DOC}.cells.csv"
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)
    cells.loc[0, "raw"] = "9999"
    cells.to_csv(path, index=False)
    problems, _ = validate(data_copy)
    reasons = [str(p) for p in problems]
    assert any("'9999' × 1 is not the value" in r for r in reasons)
    assert any("holds '4100' there, not '9999'" in r for r in reasons)


def test_a_wide_csv_with_two_header_rows_reads_its_units_from_the_header(data_copy, tmp_path, capsys):
    table = tmp_path / "wide.csv"
    table.write_text(
        "陕西省部分县法律服务统计（SYNTHETIC）,,\n"
        "县,法律咨询（万人次）,法律援助案件(件)\n"
        ",,其中刑事\n"
        "长安区,1.5,80\n"
        "610115,0.25,…\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "wide.yml"
    mapping.write_text(
        "source: {doc_id: synthetic-wide, title: SYNTHETIC wide CSV, url: 'https://example.org/w.csv'}\n"
        "header_rows: 2\ndistrict_column: 县\nwithin: '610100'\nperiod: 2022H1\nkeep_file: false\n"
        "columns:\n  法律咨询(万人次): {metric: legal_consultations}\n"
        "  法律援助案件(件)/其中刑事: {metric: legal_aid_cases, subset: criminal}\n",
        encoding="utf-8",
    )
    assert run(data_copy, table, mapping) == 0
    obs = pd.read_csv(data_copy / "observations.csv", dtype=str, keep_default_na=False)
    mine = obs[obs["doc_id"] == "synthetic-wide"]
    assert sorted(zip(mine["district_code"], mine["metric_id"], mine["value"], mine["period_end"])) == [
        ("610115", "legal_consultations", "2500", "2022-06-30"),  # 临潼区 by its code
        ("610116", "legal_aid_cases", "80", "2022-06-30"),  # 长安区
        ("610116", "legal_consultations", "15000", "2022-06-30"),
    ]
    assert not (data_copy / "sources" / "synthetic-wide.csv").exists()  # cited by URL, not kept
    assert validate(data_copy)[0] == []
