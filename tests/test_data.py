"""compare.data: the shipped tables load and validate, and each kind of broken input is caught."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import edit_observations

from compare import data
from compare.cli import main


def first_seed_row(table: pd.DataFrame) -> int:
    return int(table.index[table["doc_id"] == "wujin-2022q1"][0])


def problems_of(folder) -> list[str]:
    problems, _ = data.validate(folder)
    return [str(p) for p in problems]


def test_shipped_data_is_clean():
    problems, ds = data.validate()
    assert problems == []
    assert len(ds.observations) > 150


def test_validate_command_exits_zero_and_prints_summary(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "clean" in out and "legal_aid_cases" in out and "cited by URL" in out


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("district_code", "999999", "unknown district code '999999'"),
        ("metric_id", "legal_aid_casez", "unknown metric 'legal_aid_casez'"),
        ("doc_id", "no-such-report", "unknown doc_id 'no-such-report'"),
        ("quote", "共办理行政复议案件49起", "quote not found verbatim"),
        ("value", "49", "value 49 cannot be read from the quote"),
        ("period_start", "2022-02-30", "period_start '2022-02-30' is not a date"),
        ("period_start", "2022-05-01", "period_start 2022-05-01 is after period_end 2022-03-31"),
        ("qualifier", "roughly", "qualifier must be one of"),
        ("doc_id", "../etc/passwd", "doc_id must be lower-case letters, digits and hyphens"),
        ("district_code", "32041", "district_code must be six digits"),
        ("value", "many", "value is empty or not a number"),
    ],
)
def test_each_broken_cell_is_reported_with_file_line_and_reason(data_copy, column, value, reason):
    line = first_seed_row(pd.read_csv(data_copy / "observations.csv", dtype=str)) + 2

    def edit(table):
        table.loc[line - 2, column] = value
        return table

    edit_observations(data_copy, edit)
    problems = problems_of(data_copy)
    assert any(p.startswith(f"observations.csv:{line}: ") and reason in p for p in problems), problems
    assert main(["--data", str(data_copy), "validate"]) == 1


def test_duplicate_row_is_reported(data_copy):
    edit_observations(data_copy, lambda t: pd.concat([t, t.iloc[[0]]], ignore_index=True))
    problems = problems_of(data_copy)
    assert any("duplicate observation" in p for p in problems)


def test_stock_over_a_span_is_reported(data_copy):
    def edit(table):
        i = table.index[(table["doc_id"] == "huancui-2021h1") & (table["metric_id"] == "mediators")][0]
        table.loc[i, "period_start"] = "2021-01-01"
        return table

    edit_observations(data_copy, edit)
    assert any("is a stock" in p for p in problems_of(data_copy))


def test_negative_change_needs_a_word_of_decrease(data_copy):
    def edit(table):
        i = table.index[(table["doc_id"] == "haian-2023") & (table["statement"] == "yoy_pct")][0]
        table.loc[i, "value"] = "-38.8"
        return table

    edit_observations(data_copy, edit)
    assert any("cannot be read from the quote" in p for p in problems_of(data_copy))


def test_malformed_csv_is_one_clear_problem(data_copy):
    path = data_copy / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'a,"unclosed\n', encoding="utf-8")
    problems = problems_of(data_copy)
    assert len(problems) == 1 and "malformed CSV" in problems[0]
    assert main(["--data", str(data_copy), "validate"]) == 1


def test_missing_column_is_reported(data_copy):
    edit_observations(data_copy, lambda t: t.drop(columns=["quote"]))
    assert problems_of(data_copy) == ["observations.csv: missing column(s) quote."]


def test_cited_by_url_sources_may_leave_the_quote_empty_but_texts_may_not(data_copy):
    def edit(table):
        table.loc[first_seed_row(table), "quote"] = ""
        return table

    edit_observations(data_copy, edit)
    assert any("quote is empty, but the source has a text" in p for p in problems_of(data_copy))


def test_typed_tables():
    ds = data.load_dataset()
    obs = ds.observations
    assert obs["value"].dtype == "float64"
    assert str(obs["period_start"].dtype).startswith("datetime64")
    assert ds.metrics["per_capita"].dtype == bool
    assert ds.populations["population"].gt(0).all()


def seed_value(ds, doc_id, metric_id, subset="", statement="actual"):
    obs = ds.observations
    rows = obs[
        (obs["doc_id"] == doc_id)
        & (obs["metric_id"] == metric_id)
        & (obs["subset"] == subset)
        & (obs["statement"] == statement)
    ]
    assert len(rows) == 1, (doc_id, metric_id, subset, statement)
    return rows.iloc[0]


@pytest.mark.parametrize(
    "doc_id, metric_id, subset, statement, value, qualifier",
    [
        ("wujin-2022q1", "legal_aid_cases", "", "actual", 349, "exact"),
        ("wujin-2022q1", "legal_aid_cases", "", "reported_per_10k", 2.7, "exact"),
        ("wujin-2022q1", "disputes_mediated", "", "actual", 2995, "exact"),
        ("wujin-2022q1", "admin_reconsideration_cases", "", "actual", 48, "exact"),
        ("wujin-2022q1", "notarizations", "", "actual", 949, "exact"),
        ("wujin-2022q1", "notary_fees", "", "actual", 750_000, "exact"),
        ("wujin-2022q1", "wages_recovered", "migrant_workers", "actual", 13_500_000, "at_least"),
        ("wujin-2022q1", "legal_publicity_audience", "online", "actual", 30_000, "at_least"),
        ("wujin-2022q1", "legal_aid_workstations", "new", "target", 7, "exact"),
        ("wujin-2022q1", "community_corrections_subjects", "key_risk", "actual", 8, "exact"),
        ("huancui-2021h1", "legal_aid_cases", "", "actual", 591, "exact"),
        ("huancui-2021h1", "legal_aid_cases", "", "reported_per_10k", 13.25, "exact"),
        ("huancui-2021h1", "legal_aid_cases", "criminal", "actual", 519, "exact"),
        ("huancui-2021h1", "mediators", "", "actual", 1090, "exact"),
        ("huancui-2021h1", "legal_publicity_materials", "", "actual", 36_000, "at_least"),
        ("huancui-2021h1", "legal_publicity_materials", "legal_handbook", "actual", 20_000, "exact"),
        ("huancui-2021h1", "admin_reconsideration_cases", "", "actual", 10, "exact"),
        ("haian-2023", "legal_aid_applications", "", "actual", 1719, "exact"),
        ("haian-2023", "notarizations", "", "actual", 5972, "exact"),
        ("haian-2023", "admin_reconsideration_cases", "", "yoy_pct", 38.8, "exact"),
        ("haian-2023", "enterprise_legal_checkups", "", "actual", 930, "at_least"),
        ("chaotian-undated", "judicial_offices", "", "actual", 12, "exact"),
        ("chaotian-undated", "mediation_organizations", "", "actual", 176, "exact"),
        ("zhejiang-2022-03", "enterprise_legal_checkups", "", "target", 30_000, "at_least"),
    ],
)
def test_seed_numbers_are_curated_with_scaling_and_qualifiers(doc_id, metric_id, subset, statement, value, qualifier):
    row = seed_value(data.load_dataset(), doc_id, metric_id, subset, statement)
    assert row["value"] == pytest.approx(value)
    assert row["qualifier"] == qualifier


def test_every_seed_document_has_observations():
    ds = data.load_dataset()
    assert set(ds.texts) <= set(ds.observations["doc_id"])


def test_the_data_version_covers_the_data_and_nothing_else(data_copy):
    before = data.data_version(data_copy)
    (data_copy / "notes.bin").write_bytes(b"\0" * 1000)
    (data_copy / "reference" / "README.md").write_text("edited", encoding="utf-8")
    (data_copy / "sources" / "sources.csv~").write_text("an editor's backup", encoding="utf-8")
    (data_copy / ".compare.lock").touch()
    assert data.data_version(data_copy) == before, "files that are not data leave the version alone"
    for name in (
        "observations.csv",
        "metric_phrases.csv",
        "reference/census_covariates.csv",
        "sources/huancui-2021h1.txt",
    ):
        with open(data_copy / name, "a", encoding="utf-8") as handle:
            handle.write("\n")
        assert data.data_version(data_copy) != before, name
        before = data.data_version(data_copy)


def test_the_data_version_reads_a_large_file_in_chunks(data_copy):
    import tracemalloc

    with open(data_copy / "sources" / "large.txt", "wb") as handle:
        handle.truncate(64 << 20)  # 64 MB, sparse: quick to make
    with open(data_copy / "stray.iso", "wb") as handle:
        handle.truncate(8 << 30)  # 8 GB that are not data: never read
    tracemalloc.start()
    try:
        data.data_version(data_copy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"{peak / 2**20:.0f} MB held at once"


@pytest.mark.parametrize("population", ["inf", "1e-300", "12", "-5", "3e12"])
def test_a_population_no_unit_can_have_is_a_problem(data_copy, population):
    path = data_copy / "reference" / "populations.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, "population"] = population
    table.to_csv(path, index=False)
    expected = "reference/populations.csv:2: population must be a number of residents from 1,000 to 2,000,000,000"
    assert any(p.startswith(expected) for p in problems_of(data_copy)), problems_of(data_copy)[:3]


@pytest.mark.parametrize("shift", ["a multi-line cell", "a blank line"])
def test_a_problem_is_told_at_the_line_an_editor_shows(data_copy, shift):
    path = data_copy / "observations.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    last = len(table) - 1
    table.loc[last, "district_code"] = "999999"
    if shift == "a multi-line cell":
        table.loc[0, "quote"] = "a quote\nover\nthree lines"  # two extra lines
        table.to_csv(path, index=False)
    else:
        table.to_csv(path, index=False)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join([*lines[:3], "\n", "\n", *lines[3:]]), encoding="utf-8")
    line = last + 2 + 2
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].split(",")[1] == "999999"
    assert f"observations.csv:{line}: unknown district code '999999' (not in reference/districts.csv)" in problems_of(
        data_copy
    )


def test_a_column_named_twice_is_refused(data_copy):
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",value", *(row + ",-1" for row in lines[1:])]) + "\n", encoding="utf-8")
    assert problems_of(data_copy) == ["observations.csv: the header names value twice or more; keep one column each."]
