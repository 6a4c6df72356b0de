"""Lists of kinds after a total (issue 24): a total, then 其中/包括/分别为 or a parenthesis, then items
'<words> N<counting word>' separated by 、，；. Every sentence is written for the test (SYNTHETIC, not from
any report)."""

import pytest

from compare.data import load_dataset
from compare.data.numerals import find_numbers
from compare.ingest.extract import Context, candidates, lists
from compare.ingest.extract.vocabulary import phrase_table


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def read(text, ds):
    found = candidates(text, ds, Context(doc_id="t", district_code="320412"))
    return {(c.metric_id, c.value): (c.subset, c.why) for c in found}


def test_providers_listed_after_a_comma_are_parts_of_the_disputes_they_mediated(ds):  # SYNTHETIC
    got = read("2021年，全县共调解矛盾纠纷3200件。其中，司法所调解800件，调委会调解1800件。", ds)
    assert got[("disputes_mediated", 3200)][0] == ""
    assert got[("disputes_mediated", 800)][0] == "by_provider"
    assert got[("disputes_mediated", 1800)][0] == "by_provider"  # a long clause after a comma is still an item
    assert "list of parts" in got[("disputes_mediated", 1800)][1]


def test_outcomes_of_a_case_are_named_only_as_items_of_a_breakdown(ds):  # SYNTHETIC
    got = read("2021年，区政府共审结行政复议案件400件，其中维持原行政行为的300件，撤销原行政行为20件，驳回80件。", ds)
    assert {v: got[("admin_reconsideration_cases", v)][0] for v in (300, 20, 80)} == {
        300: "upheld",
        20: "revoked",
        80: "rejected",
    }
    pending = read("2021年，全区共受理行政复议案件500件，其中已审结450件，未审结50件。", ds)
    assert pending[("admin_reconsideration_cases", 50)][0] == "pending"  # 未审结 is not 审结


def test_a_comparisons_base_value_is_not_the_total_a_list_breaks_down(ds):  # SYNTHETIC
    got = read("2021年，全县共办理法律援助案件500件，比2020年的400件增加100件。其中，刑事案件450件，民事案件50件。", ds)
    assert got[("legal_aid_cases", 450)][0] == "criminal"
    assert "500" in got[("legal_aid_cases", 450)][1]


def test_a_parenthesised_split_of_a_part_names_the_part_it_splits(ds):  # SYNTHETIC
    got = read("2021年，全区共受理行政复议案件300件，其中以公安为被申请人的案件90件（拘留类50件，派出所40件）。", ds)
    assert got[("admin_reconsideration_cases", 40)][0] == "as_respondent/police_station"


def test_a_parenthesis_inside_an_items_name_opens_no_list(ds):  # SYNTHETIC
    got = read("2021年，全县共有人民调解委员会120个，其中乡镇调委会10个、村(居)调委会100个、行业性调委会8个。", ds)
    assert [got[("mediation_organizations", v)][0] for v in (10, 100)] == ["township", "village"]
    assert "list of parts" in got[("mediation_organizations", 100)][1]


def test_items_adding_up_to_more_than_the_total_are_no_breakdown_of_it(ds):  # SYNTHETIC
    sentence = "2021年,全县共办理法律援助案件500件,其中刑事案件300件、民事案件350件。"
    whole = candidates(sentence, ds, Context(doc_id="t", district_code="320412"))[:1]
    numbers = find_numbers(sentence)
    item = next(n for n in numbers if n.value == 350)
    assert (
        lists.item_of(sentence, item, lists.lists_in(sentence, numbers), phrase_table(ds).hits(sentence), whole, {})
        is None
    )


def test_an_item_the_catalogue_names_no_part_for_is_an_unnamed_part_its_words_quoted(ds):  # SYNTHETIC
    sentence = "2021年,全县共办理法律援助案件500件,其中甲组承办300件、乙组承办200件。"
    whole = candidates(sentence, ds, Context(doc_id="t", district_code="320412"))[:1]
    numbers = find_numbers(sentence)
    item = next(n for n in numbers if n.value == 300)
    listed = lists.item_of(
        sentence, item, lists.lists_in(sentence, numbers), phrase_table(ds).hits(sentence), whole, {}
    )
    assert listed.reading.subset == "part" and "'甲组承办'" in listed.reading.why


def test_a_breakdown_by_receiving_body_and_by_the_reports_own_districts(ds):  # SYNTHETIC
    text = (
        "2018年，全市共收到行政复议案件500件，比2017年的420件增加80件。"
        "其中，市政府收到450件，区政府收到50件(即香洲区20件、斗门区30件)。"
    )
    found = candidates(text, ds, Context(doc_id="t", district_code="440400"))  # a prefecture made of those districts
    got = {c.value: c.subset for c in found if c.metric_id == "admin_reconsideration_cases"}
    assert got[450] == "municipal_government" and got[50] == "district_governments"
    assert got[20] == "district_governments/xiangzhou" and got[30] == "district_governments/doumen"
    assert got[500] == ""


@pytest.mark.parametrize(
    "code, text, named",
    [
        (
            "370000",
            "2021年，全省共办理法律援助案件9万件，其中济南市8000件、青岛市9000件。",
            {8000: "jinan", 9000: "qingdao"},
        ),
        (
            "110000",
            "2021年，全市共调解纠纷9万件，其中东城区3000件、西城区4000件。",
            {3000: "dongcheng", 4000: "xicheng"},
        ),
    ],
)
def test_a_provinces_prefectures_and_a_municipalitys_districts_name_its_parts(ds, code, text, named):  # SYNTHETIC
    found = candidates(text, ds, Context(doc_id="t", district_code=code))
    assert {c.value: c.subset for c in found if c.value in named} == named


def test_departments_listed_after_a_comma_are_parts(ds):  # SYNTHETIC
    text = "2021年，全县行政调解案件900件，其中公安部门治安调解500件，市场监管部门调解300件，劳动人事部门调解100件。"
    got = read(text, ds)
    assert [got[("disputes_mediated", v)][0] for v in (500, 300, 100)] == ["departments"] * 3


def test_a_count_ending_in_zhong_opens_a_list_read_past_its_share_remarks(ds):  # SYNTHETIC
    text = (
        "2024年新受理行政复议案件200件。2024年度新受理的行政复议200件中，被申请人为县政府部门的案件数量为150件，"
        "占受理案件数比例最高，达75%；乡镇政府50件，占受理总数的25%。"
    )
    got = read(text, ds)
    assert got[("admin_reconsideration_cases", 200)][0] == ""
    assert got[("admin_reconsideration_cases", 150)][0] == "county_governments/departments"
    assert got[("admin_reconsideration_cases", 50)][0] == "township"


def test_a_sentence_opening_with_a_view_of_the_cases_lists_parts_of_the_paragraphs_last_total(ds):  # SYNTHETIC
    got = read(
        "2021年，全区共收到行政复议申请90件。其中，区政府收到行政复议申请30件。"
        "从申请事项的情况看，不服行政处罚的40件，不服行政征收的20件，其他30件。"
        "按申请人分，个人提出申请70件，企业提出申请20件。",
        ds,
    )
    assert got[("admin_reconsideration_cases", 90)][0] == ""
    assert all(got[("admin_reconsideration_cases", v)][0] for v in (40, 20, 30, 70))
    assert "90 before it" in got[("admin_reconsideration_cases", 70)][1]  # the total, not the part 30 before it


def test_a_sentence_opening_with_the_review_the_cases_went_through_lists_their_outcomes(ds):  # SYNTHETIC
    got = read("2021年，全区共收到行政复议申请90件。经审理，维持52件，占受理案件的60%；撤销8件；驳回12件。", ds)
    assert {v: got[("admin_reconsideration_cases", v)][0] for v in (52, 8, 12)} == {
        52: "upheld",
        8: "revoked",
        12: "rejected",
    }


def test_a_clause_after_qizhong_naming_the_metric_again_is_still_a_part(ds):  # SYNTHETIC
    got = read(
        "2021年，全市共收到行政复议申请120件。其中，市政府收到行政复议申请50件，各县区政府、市直部门收到行政复议申请70件。",
        ds,
    )
    assert got[("admin_reconsideration_cases", 120)][0] == ""
    assert got[("admin_reconsideration_cases", 70)][0]  # not a second total


def test_an_item_may_take_a_long_name(ds):  # SYNTHETIC
    got = read(
        "2021年，全市共收到行政复议申请60件。从被申请人的情况看，不服乡镇政府作出具体行政行为的10件，"
        "不服县区政府工作部门作出具体行政行为的30件，其他20件。",
        ds,
    )
    assert all(got[("admin_reconsideration_cases", v)][0] for v in (10, 30, 20))


def test_two_breakdowns_of_one_total_split_by_a_semicolon_each_hold_alone(ds):  # SYNTHETIC
    got = read(
        "2021年，全县共办理法律援助案件300件（其中：民事案件200件、刑事案件100件；老年人维权案件50件，"
        "妇女维权案件40件，农民工维权案件70件），同比增长5%。",
        ds,
    )
    assert got[("legal_aid_cases", 300)][0] == ""
    assert all(got[("legal_aid_cases", v)][0] for v in (200, 100, 50, 40, 70))


def test_a_change_after_a_parenthesised_breakdown_is_the_totals(ds):  # SYNTHETIC
    got = {
        (c.metric_id, c.value, c.statement): c.subset
        for c in candidates(
            "2021年，全县共办理法律援助案件300件（其中民事案件200件、刑事案件100件），同比增长12.5%。",
            ds,
            Context(doc_id="t", district_code="320412"),
        )
    }
    assert got[("legal_aid_cases", 12.5, "yoy_pct")] == ""


def test_an_items_words_may_join_several_names(ds):  # SYNTHETIC
    got = read(
        "2021年，全区共收到行政复议申请300件，其中，依法受理240件，占80%；不予受理、告知、转送处理60件，占20%。", ds
    )
    assert got[("admin_reconsideration_cases", 60)][0]  # a part, not left to the other rules


def test_two_unnamed_parts_of_one_value_are_two_figures(ds):  # SYNTHETIC
    found = candidates(
        "2021年，全市共收到行政复议申请60件。从案件类别看，公安30件，国土资源20件，物价5件，其他5件。",
        ds,
        Context(doc_id="t", district_code="320412"),
    )
    fives = [c for c in found if c.value == 5]
    assert len(fives) == 2 and all(c.subset for c in fives)
