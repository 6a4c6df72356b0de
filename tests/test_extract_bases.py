"""Bases and scopes proposed by extraction (issue 22 item 2, issue 24 item 3): the verb before a count
(受理, 办理, 指派/审批, 办结/结案) and notes such as 含法律帮助 become the review file's basis and scope, with
where they came from in basis_note, and compare accept carries them into observations.csv.

The sentences are written for these tests (SYNTHETIC), not taken from any report."""

import pandas as pd
import pytest
from conftest import edit_observations

from compare.cli import main
from compare.data import load_dataset, validate
from compare.ingest.extract import Context, candidates


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def ctx(code="320412"):
    return Context(
        doc_id="t", district_code=code, period_start=pd.Timestamp(2022, 1, 1), period_end=pd.Timestamp(2022, 12, 31)
    )


def proposed(text, ds, code="320412"):
    return {(c.metric_id, c.value): (c.basis, c.scope, c.basis_why) for c in candidates(text, ds, ctx(code))}


@pytest.mark.parametrize(
    "text, basis, word",
    [
        ("全区共受理法律援助案件812件。", "received", "受理"),
        ("全区共办理法律援助案件640件。", "handled", "办理"),
        ("中心全年审批并指派法律援助案件233件。", "assigned", "指派"),
        ("全区办结法律援助案件501件。", "concluded", "办结"),
        ("全区法律援助案件结案417件。", "concluded", "结案"),
    ],
)
def test_the_verb_before_a_count_is_its_basis(ds, text, basis, word):  # SYNTHETIC sentences
    (found,) = [v for (m, _), v in proposed(text, ds).items() if m == "legal_aid_cases"]
    assert found[0] == basis and word in found[2]


def test_each_count_takes_its_own_verb_and_a_part_its_wholes(ds):  # SYNTHETIC
    got = proposed("全区共受理法律援助案件300件，其中刑事案件120件；办结法律援助案件280件。", ds)
    assert got[("legal_aid_cases", 300)][0] == "received"
    assert got[("legal_aid_cases", 120)][0] == "received"  # a part of the received count
    assert got[("legal_aid_cases", 280)][0] == "concluded"


def test_two_verbs_of_one_count_leave_the_basis_empty_and_say_why(ds):  # SYNTHETIC
    basis, _, why = proposed("全区受理、办结法律援助案件350件。", ds)[("legal_aid_cases", 350)]
    assert basis == "" and "several" in why


def test_no_verb_no_basis_and_no_note(ds):  # SYNTHETIC
    assert proposed("全区法律援助案件210件。", ds)[("legal_aid_cases", 210)] == ("", "", "")


def test_legal_help_included_is_the_scope(ds):  # SYNTHETIC
    basis, scope, why = proposed("全区办理法律援助案件(含法律帮助)960件。", ds)[("legal_aid_cases", 960)]
    assert (basis, scope) == ("handled", "with_legal_help") and "法律帮助" in why


def test_a_provinces_own_report_covers_all_levels(ds):  # SYNTHETIC, 320000 is Jiangsu province
    _, scope, why = proposed("全省共受理法律援助案件91000件。", ds, code="320000")[("legal_aid_cases", 91000)]
    assert scope == "all_levels" and "province" in why


def test_review_file_carries_basis_and_accept_keeps_it(data_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    edit_observations(data_copy, lambda t: t[t["doc_id"] != "wujin-2022q1"])
    report = data_copy / "sources" / "wujin-2022q1.txt"  # seed wujin: 我区一季度共受理法律援助案件349件
    assert main(["--data", str(data_copy), "extract", str(report), "--review"]) == 0
    path = tmp_path / "wujin-2022q1.review.csv"
    review = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert {"basis", "scope", "basis_note"} <= set(review.columns)
    pick = (review["metric_id"] == "legal_aid_cases") & (review["value"] == "349.0")
    assert review.loc[pick, "basis"].tolist() == ["received"] and "受理" in review.loc[pick, "basis_note"].iloc[0]
    review["decision"] = "reject"
    review.loc[pick, "decision"] = "accept"
    review.to_csv(path, index=False)
    assert main(["--data", str(data_copy), "accept", str(path)]) == 0
    problems, merged = validate(data_copy)
    assert problems == []
    obs = merged.observations
    assert obs.loc[(obs["doc_id"] == "wujin-2022q1") & (obs["value"] == 349), "basis"].tolist() == ["received"]


def test_a_basis_the_reviewer_edits_is_the_one_accepted(data_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    edit_observations(data_copy, lambda t: t[t["doc_id"] != "wujin-2022q1"])
    assert main(["--data", str(data_copy), "extract", str(data_copy / "sources" / "wujin-2022q1.txt"), "--review"]) == 0
    path = tmp_path / "wujin-2022q1.review.csv"
    review = pd.read_csv(path, dtype=str, keep_default_na=False)
    pick = (review["metric_id"] == "legal_aid_cases") & (review["value"] == "349.0")
    review["decision"] = "reject"
    review.loc[pick, ["decision", "basis"]] = ["accept", "handled"]
    review.to_csv(path, index=False)
    assert main(["--data", str(data_copy), "accept", str(path)]) == 0
    obs = validate(data_copy)[1].observations
    assert obs.loc[(obs["doc_id"] == "wujin-2022q1") & (obs["value"] == 349), "basis"].tolist() == ["handled"]


def test_a_part_with_a_verb_of_its_own_does_not_take_its_wholes_basis(ds):  # SYNTHETIC
    got = proposed("全区调解组织共受理矛盾纠纷900件，调处880件。", ds)
    assert got[("disputes_mediated", 900)][0] == "received"
    assert all(basis == "" for (m, v), (basis, _, _) in got.items() if v == 880)


def test_before_it_was_received_is_no_basis(ds):  # SYNTHETIC
    assert proposed("全区受理前协商化解矛盾纠纷17件。", ds).get(("disputes_mediated", 17), ("",))[0] == ""
