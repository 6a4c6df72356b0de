"""Failures a user or an unlucky operator can cause: each is one sentence and a non-zero exit, never a traceback.

Commands run as real subprocesses, so what is checked is exactly what a user sees on stderr."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import edit_observations, shared_or_skip

from compare import data
from compare.data.cells import table_docs

SEED = "wujin-2022q1"


def run(*args: str, limit_file_bytes: int | None = None) -> subprocess.CompletedProcess:
    """`compare ARGS` in a fresh process; with limit_file_bytes, no file it writes may grow past that size
    (the kernel refuses the write, as it does on a full disk)."""

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write raises OSError instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run(
        [sys.executable, "-m", "compare.cli", *args],
        capture_output=True,
        text=True,
        preexec_fn=limit if limit_file_bytes else None,
    )


def assert_one_sentence(result: subprocess.CompletedProcess, *fragments: str, code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in data.validate(folder)[0]]


# ---------------------------------------------------------------- #5 source texts that are not UTF-8


def save_as(path: Path, encoding: str) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def test_a_gbk_source_text_is_a_validate_problem_naming_file_and_encoding(data_copy):
    save_as(data_copy / "sources" / f"{SEED}.txt", "gbk")
    result = run("--data", str(data_copy), "validate")
    assert result.returncode == 1, result.stderr
    assert f"sources/{SEED}.txt: not UTF-8 text (looks like GBK)" in result.stdout.splitlines()
    assert "Traceback" not in result.stderr


def test_a_big5_source_text_is_named_as_big5(data_copy):
    path = data_copy / "sources" / f"{SEED}.txt"
    path.write_bytes(
        "常州市武進區司法局二零二二年第一季度工作總結：辦理法律援助案件三百四十九件，調解糾紛。".encode("big5")
    )
    assert f"sources/{SEED}.txt: not UTF-8 text (looks like Big5)" in problems_of(data_copy)


@pytest.mark.parametrize(
    "args",
    [
        ["rates", "--metric", "legal_aid_cases", "--level", "county"],
        ["reconcile"],
        ["trend", "--metric", "legal_aid_cases", "--district", "371002"],
    ],
)
def test_a_gbk_source_text_is_one_sentence_for_every_other_command(data_copy, args):
    save_as(data_copy / "sources" / f"{SEED}.txt", "gbk")
    assert_one_sentence(run("--data", str(data_copy), *args), f"{SEED}.txt", "not UTF-8 text (looks like GBK)")


def test_a_gbk_table_is_named_with_its_encoding(data_copy):
    save_as(data_copy / "observations.csv", "gbk")
    assert problems_of(data_copy) == ["observations.csv: not UTF-8 text (looks like GBK)."]
    assert_one_sentence(
        run("--data", str(data_copy), "rates", "--metric", "legal_aid_cases", "--level", "county"),
        "observations.csv: not UTF-8 text (looks like GBK)",
    )


# ---------------------------------------------------------------- #8 an extra field on the first data row


def add_field_to_first_row(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\r\n") + ",stray\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("name", list(data.FILES))
def test_an_extra_field_on_the_first_data_row_is_a_problem_not_a_shifted_table(data_copy, name):
    rel = data.FILES[name][0]
    add_field_to_first_row(data_copy / rel)
    expected = f"{Path(rel).name}: line 2 has more fields than the header"
    problems = problems_of(data_copy)
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    result = run("--data", str(data_copy), "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 1 and result.stdout.startswith(expected), result.stdout
    assert_one_sentence(run("--data", str(data_copy), "reconcile"), expected)


def test_an_extra_field_in_the_shared_census_is_one_sentence(tmp_path):
    shared = tmp_path / "shared"
    shutil.copytree(shared_or_skip("reference"), shared)
    add_field_to_first_row(shared / "census2020_counties.csv")
    out = tmp_path / "data"
    result = run("--data", str(out), "build-reference", str(shared))
    assert_one_sentence(result, "census2020_counties.csv: line 2 has more fields than the header")
    assert not (out / "reference").exists() or not any((out / "reference").iterdir())


# ---------------------------------------------------------------- #8 a header-only observations table


def keep_header_only(folder: Path) -> None:
    edit_observations(folder, lambda table: table.iloc[0:0])
    for cells in (folder / "sources").glob("*.cells.csv"):  # an imported table's cells would have no figures
        cells.unlink()


def test_reconcile_on_a_header_only_table_is_one_sentence(data_copy):
    keep_header_only(data_copy)
    assert_one_sentence(run("--data", str(data_copy), "reconcile"), "no report", "per-10,000")


def test_validate_never_counts_a_negative_number_of_documents_cited_by_url(data_copy):
    keep_header_only(data_copy)
    result = run("--data", str(data_copy), "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 documents with text, 0 cited by URL" in result.stdout


def test_validate_counts_documents_cited_by_url_on_the_shipped_data():
    ds = data.load_dataset()
    used = ds.sources[ds.sources["doc_id"].isin(ds.observations["doc_id"])]
    tables = used["doc_id"].isin(list(table_docs(ds.data_dir)))  # imported tables are counted on their own
    cited = used[~used["doc_id"].isin(list(ds.texts)) & ~tables & used["url"].ne("")]
    summary = data.summary(ds)
    assert summary["documents_cited_by_url"] == len(cited) > 0
    assert summary["documents_from_tables"] == tables.sum() > 0
    assert summary["documents_with_text"] == len(ds.texts)


# ---------------------------------------------------------------- #8 build-reference: missing folder, unwritable target


def test_build_reference_from_a_missing_folder_is_one_sentence(tmp_path):
    missing = tmp_path / "no-such-folder"
    assert_one_sentence(run("--data", str(tmp_path / "data"), "build-reference", str(missing)), str(missing))


def temp_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp")) if folder.exists() else []


def test_build_reference_on_a_full_disk_is_one_sentence_and_leaves_no_temp_files(tmp_path):
    shared = shared_or_skip("reference")
    out = tmp_path / "data"
    (out / "reference").mkdir(parents=True)
    result = run("--data", str(out), "build-reference", str(shared), limit_file_bytes=64 * 1024)
    assert_one_sentence(result, "File too large")
    assert temp_leftovers(out) == []
    assert list((out / "reference").iterdir()) == []  # neither table half-written nor one without the other


def mounted_tmpfs(folder: Path, options: str):
    """Mount a tmpfs with options on folder for the duration (root only; else the test is skipped)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """An empty folder nobody may write into: a read-only tmpfs when running as root (root ignores
    permissions), else a folder without write permission."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    yield from mounted_tmpfs(folder, "ro,size=64k")


@pytest.fixture
def full_disk(tmp_path: Path):
    """A 64 KiB file system (a tmpfs; root only): the reference tables do not fit on it."""
    folder = tmp_path / "small"
    folder.mkdir()
    yield from mounted_tmpfs(folder, "size=64k")


def test_build_reference_on_a_really_full_disk_is_one_sentence_and_leaves_no_temp_files(full_disk):
    (full_disk / "reference").mkdir()
    (full_disk / "reference" / "districts.csv").write_text("code\n", encoding="utf-8")
    result = run("--data", str(full_disk), "build-reference", str(shared_or_skip("reference")))
    assert_one_sentence(result, str(full_disk / "reference"), "No space left on device", "nothing was replaced")
    assert temp_leftovers(full_disk) == []
    assert [p.name for p in (full_disk / "reference").iterdir()] == ["districts.csv"]
    assert (full_disk / "reference" / "districts.csv").read_text(encoding="utf-8") == "code\n"


def test_build_reference_into_a_read_only_folder_is_one_sentence(read_only_folder):
    shared = shared_or_skip("reference")
    result = run("--data", str(read_only_folder), "build-reference", str(shared))
    assert_one_sentence(result, str(read_only_folder / "reference"))
    assert result.stderr.startswith("error: ")


# ---------------------------------------------------------------- #11 validation that says what it checks


@pytest.mark.parametrize(
    "value, quote, qualifiers",
    [
        (30_000, "网络受众3万余人次", {"at_least"}),
        (48, "共办理行政复议案件48起", {"exact"}),
        (48, "办理行政复议案件约48起", {"approx"}),
        (98, "调解成功率达98%以上", {"at_least"}),
        (50, "不到50件", {"at_most"}),
        (7, "新建法律援助工作站3个", set()),  # the value is not in the quote: reported as unreadable instead
    ],
)
def test_quote_qualifiers_reads_how_the_quote_states_the_value(value, quote, qualifiers):
    from compare.data.numerals import quote_qualifiers

    assert quote_qualifiers(value, quote) == qualifiers


def set_cell(
    folder: Path, doc_id: str, metric_id: str, column: str, value: str, statement: str = "actual", subset: str = ""
) -> int:
    """Change one cell of the observation (doc_id, metric_id, subset, statement); its CSV line number."""
    found = {}

    def edit(table: pd.DataFrame) -> pd.DataFrame:
        hit = (
            (table["doc_id"] == doc_id)
            & (table["metric_id"] == metric_id)
            & (table["statement"] == statement)
            & (table["subset"] == subset)
        )
        found["index"] = int(table.index[hit][0])
        table.loc[found["index"], column] = value
        return table

    edit_observations(folder, edit)
    return found["index"] + 2


@pytest.mark.parametrize(
    "metric_id, subset, quote_qualifier, wrong",
    [
        ("legal_publicity_audience", "online", "at_least", "exact"),  # 3万余
        ("admin_reconsideration_cases", "", "exact", "at_least"),  # 48起
        ("wages_recovered", "migrant_workers", "at_least", "approx"),  # 1350余万元
    ],
)
def test_a_qualifier_that_contradicts_its_quote_is_a_problem(data_copy, metric_id, subset, quote_qualifier, wrong):
    line = set_cell(data_copy, SEED, metric_id, "qualifier", wrong, subset=subset)
    expected = f"observations.csv:{line}: qualifier '{wrong}' contradicts the quote, which reads {quote_qualifier}"
    assert any(p.startswith(expected) for p in problems_of(data_copy)), problems_of(data_copy)
    assert run("--data", str(data_copy), "validate").returncode == 1


def test_an_approximate_quote_marked_exact_is_a_problem(data_copy):
    source = data_copy / "sources" / f"{SEED}.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n全年办理行政复议案件约48起。\n", encoding="utf-8")
    line = set_cell(data_copy, SEED, "admin_reconsideration_cases", "quote", "办理行政复议案件约48起")
    assert any(
        p.startswith(f"observations.csv:{line}: qualifier 'exact' contradicts the quote, which reads approx")
        for p in problems_of(data_copy)
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/report.txt",
        "www.wj.gov.cn/report.html",
        "https://",
        "file:///etc/passwd",
    ],
)
def test_a_citation_url_must_be_http_or_https(data_copy, url):
    path = data_copy / "sources" / "sources.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, "url"] = url
    table.to_csv(path, index=False)
    problems = problems_of(data_copy)
    assert f"sources/sources.csv:2: url must be an http(s) address (got '{url}')" in problems, problems


def test_an_observation_district_that_disagrees_with_its_source_is_a_problem(data_copy):
    line = set_cell(data_copy, SEED, "legal_aid_cases", "district_code", "371002")  # 环翠区, not 武进区
    expected = (
        f"observations.csv:{line}: district_code 371002 is not the district of its source "
        f"{SEED} (320412 in sources/sources.csv)"
    )
    assert expected in problems_of(data_copy)
    assert run("--data", str(data_copy), "validate").returncode == 1


def test_a_district_inside_its_sources_prefecture_agrees_with_it(data_copy):
    path = data_copy / "sources" / "sources.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[table["doc_id"] == SEED, "district_code"] = "320400"  # 常州市 contains 武进区
    table.to_csv(path, index=False)
    assert not any("is not the district of its source" in p for p in problems_of(data_copy))


# ---------------------------------------------------------------- the last guard in main()


def test_build_reference_into_a_file_where_a_folder_should_be_is_one_sentence(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run("--data", str(not_a_folder), "build-reference", str(shared_or_skip("reference")))
    assert_one_sentence(result, str(not_a_folder))


@pytest.mark.parametrize(
    "failure, fragment",
    [
        (
            OSError(28, "No space left on device", "/srv/compare/outputs/x.csv"),
            "/srv/compare/outputs/x.csv: No space left on device.",
        ),
        (PermissionError(13, "Permission denied", "/srv/compare/data"), "/srv/compare/data: Permission denied."),
        (UnicodeDecodeError("utf-8", b"\xce\xe4", 0, 1, "invalid continuation byte"), "not UTF-8 text"),
    ],
)
def test_main_turns_os_and_decoding_errors_into_one_sentence(monkeypatch, capsys, failure, fragment):
    from compare import cli

    def fail(args):
        raise failure

    monkeypatch.setattr(cli, "cmd_validate", fail)  # main() is what is tested: any command that meets this failure
    assert cli.main(["validate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and fragment in err and len(err.strip().splitlines()) == 1, err


def test_a_genuine_bug_still_shows_its_traceback(monkeypatch):
    from compare import cli

    def buggy(args):
        return 1 / 0

    monkeypatch.setattr(cli, "cmd_validate", buggy)
    with pytest.raises(ZeroDivisionError):
        cli.main(["validate"])
