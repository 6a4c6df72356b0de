"""Files as people hand them over: observations.csv re-saved by Excel (2022/1/1) is one clear problem with no
false duplicates behind it; a GBK report given to compare extract is read as GB18030, saying so, and a report
in another encoding is refused in one sentence naming the file, the encoding and the fix."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import edit_observations

from compare.data.tables import validate
from compare.paths import PROJECT_ROOT


def _excel(date: str, style: str) -> str:
    if not date:
        return date
    y, m, d = date.split("-")
    return {"ymd": f"{int(y)}/{int(m)}/{int(d)}", "padded": f"{y}/{m}/{d}", "mdy": f"{int(m)}/{int(d)}/{y}"}[style]


@pytest.mark.parametrize("style", ["ymd", "padded", "mdy"])  # 2022/1/1, 2022/01/01, 1/1/2022
def test_dates_re_saved_by_excel_are_one_problem_and_no_false_duplicates(data_copy, style):
    def resave(table):
        dated = table["period_start"].ne("") | table["period_end"].ne("")
        for column in ("period_start", "period_end"):
            table[column] = table[column].map(lambda d: _excel(d, style))
        resave.rows, resave.first = int(dated.sum()), table.loc[dated.idxmax(), "period_start"]
        return table

    edit_observations(data_copy, resave)
    problems, _ = validate(data_copy)
    assert len(problems) == 1, [str(p) for p in problems[:5]]
    line = str(problems[0])
    assert line.startswith("observations.csv: dates look re-saved by Excel (")
    assert f" in {resave.rows} rows): write them as YYYY-MM-DD again" in line
    assert f"({resave.first} in " in line and resave.first.count("/") == 2


def test_a_date_excel_did_not_write_is_still_told_at_its_line(data_copy):
    def edit(table):
        table.loc[3, "period_end"] = "2022-13-45"
        table.loc[5, "period_start"] = _excel(table.loc[5, "period_start"], "ymd")
        return table

    edit_observations(data_copy, edit)
    reasons = [str(p) for p in validate(data_copy)[0]]
    assert any("re-saved by Excel" in r and " in 1 rows)" in r for r in reasons)
    assert "observations.csv:5: period_end '2022-13-45' is not a date (YYYY-MM-DD)" in reasons
    assert not [r for r in reasons if "duplicate" in r]


def _extract(path, *args):
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", "extract", str(path), "--format", "csv", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_gbk_report_is_read_as_gb18030_saying_so(tmp_path):
    text = (PROJECT_ROOT / "data" / "sources" / "huancui-2021h1.txt").read_text(encoding="utf-8")
    utf8, gbk = tmp_path / "huancui-2021h1.txt", tmp_path / "gbk" / "huancui-2021h1.txt"
    gbk.parent.mkdir()
    utf8.write_text(text, encoding="utf-8")
    gbk.write_bytes(text.encode("gb18030"))
    plain, read = _extract(utf8), _extract(gbk)
    assert read.returncode == 0 and read.stdout == plain.stdout and "受理法律援助案件591件" in read.stdout
    assert read.stderr.splitlines()[0] == (
        f"{gbk} is not UTF-8 but GBK/GB18030 text: read it as GB18030. Save it as UTF-8 before adding it to "
        f"data/sources/ (iconv -f GB18030 -t UTF-8 {gbk} > data/sources/DOC_ID.txt)."
    )


def test_a_big5_report_is_refused_naming_file_encoding_and_fix(tmp_path):
    report = tmp_path / "taipei.txt"
    report.write_bytes("臺北市法律扶助基金會受理案件共計一千二百件，較去年增加百分之十。".encode("big5"))
    run = _extract(report)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().endswith(
        f"{report} is not UTF-8 text (it looks like Big5): convert it to UTF-8 first, e.g. "
        f"iconv -f Big5 -t UTF-8 {report} > report-utf8.txt."
    )
    assert len(run.stderr.strip().splitlines()) == 1
