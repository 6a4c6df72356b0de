"""Regressions found by two second reads of round 29's extraction rules (de83eb6..b900322, then the fixes
b900322..8897b89): each sentence is one a 司法局 report could hold, read right (or not read at all) before and
wrong after. Every sentence is written for the test (SYNTHETIC, not from any report)."""

import pandas as pd
import pytest

from compare.data import load_dataset
from compare.ingest.extract import Context, extract

ANNUAL = "某区2020年度法治政府建设情况报告\n"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def read(text, ds, published="2021-03-10"):
    out = extract(text, ds, Context(doc_id="t", district_code="320412", published=pd.Timestamp(published)))
    return {
        (r.metric_id, r.value): (r.subset or "", str(r.period_start)[:10], str(r.period_end)[:10])
        for r in out.itertuples()
    }


@pytest.mark.parametrize(
    "text, metric, value",
    [
        ("2020年全区共受理法律援助案件320件。进入2021年，今年以来全区已受理法律援助案件45件。", "legal_aid_cases", 45),
        ("二、2021年工作打算\n今年以来，已受理法律援助案件28件。", "legal_aid_cases", 28),
    ],
)
def test_this_year_in_an_annual_report_that_names_the_new_year_is_the_new_year(ds, text, metric, value):  # SYNTHETIC
    """2862947: an annual report's 今年以来 was its reviewed year even after '进入2021年' or under a heading on 2021."""
    assert read(ANNUAL + text, ds)[(metric, value)][1] == "2021-01-01"


def test_now_after_a_cut_off_years_back_is_the_time_of_writing(ds):  # SYNTHETIC
    """7bd87fd: 目前 took a cut-off four years before the report as its day."""
    got = read(
        "2016年我区启动村居法律顾问工作，截至2016年12月，已为56个村配备法律顾问。目前，全区共有人民调解员120名。", ds
    )
    assert got[("mediators", 120)][1:] == ("2021-03-10", "2021-03-10")


def test_the_courts_outcomes_after_legal_aid_cases_are_no_parts_of_them(ds):  # SYNTHETIC
    """e9431a7: '经审理，' opened a list of parts of the legal aid total."""
    got = read(
        "2020年，全区受理法律援助案件320件，其中刑事案件95件。经审理，法院采纳律师辩护意见60件，判处缓刑12件。", ds
    )
    assert ("legal_aid_cases", 60) not in got and ("legal_aid_cases", 12) not in got


@pytest.mark.parametrize(
    "text, metric, value",
    [
        (
            "2020年，全区共受理行政复议申请86件。经复议，纠正违法行政行为12件，发出行政复议意见书3件。",
            "admin_reconsideration_cases",
            3,
        ),
        (
            "2020年，全年共受理行政复议申请86件，其中维持45件，撤销6件；办理人大代表建议、政协委员提案12件、群众来信15件。",
            "admin_reconsideration_cases",
            15,
        ),
        (
            "2020年，全年受理行政复议案件86件，维持46件，驳回7件，行政机关负责人出庭应诉12件。",
            "admin_reconsideration_cases",
            12,
        ),
        (
            "2020年，全年共受理法律援助案件320件，其中民事案件210件、刑事案件95件；接待来信52件、来访86件。",
            "legal_aid_cases",
            52,
        ),
    ],
)
def test_an_item_counting_something_else_is_no_unnamed_part(ds, text, metric, value):  # SYNTHETIC
    """e9431a7: items no part word names became the part 'part', whatever they counted."""
    assert (metric, value) not in read(text, ds)


def test_a_breakdown_restated_in_other_words_is_one_figure(ds):  # SYNTHETIC
    """b900322: two unnamed parts of one value were kept apart even when one restates the other."""
    text = (
        "2020年，全区共受理法律援助案件320件，其中自行受理80件，转交240件。\n"
        "2020年，区法律援助中心共受理法律援助案件320件，其中自行受理案件80件，其他机构转交案件240件。"
    )
    out = extract(text, ds, Context(doc_id="t", district_code="320412", published=pd.Timestamp("2021-03-10")))
    assert list(out["value"]).count(80) == 1


# The second read, of the first read's fixes.


@pytest.mark.parametrize(
    "text, metric, values",
    [
        (
            "2020年，全年共提供法律咨询5000人次，其中现场咨询3000人次，电话咨询1500人次，网络咨询500人次。",
            "legal_consultations",
            (1500, 500),
        ),
        (
            "2020年，全区共收到行政复议申请90件，其中信访答复类16件，行政处罚类50件，其他24件。",
            "admin_reconsideration_cases",
            (16,),
        ),
        ("2020年，全区共办理法律援助案件320件，其中诉讼案件160件、非诉讼案件160件。", "legal_aid_cases", (160, 160)),
        (
            "2020年，全年共受理法律援助申请320件。经审查，准予援助300件，不予援助20件。",
            "legal_aid_applications",
            (300, 20),
        ),
    ],
)
def test_parts_the_first_reads_fixes_took_away_are_parts(ds, text, metric, values):  # SYNTHETIC
    """431e5ef: other things were named whatever the total counted; equal parts of one list were repeats; 经审查
    opened no list outside reconsideration and litigation."""
    out = extract(text, ds, Context(doc_id="t", district_code="320412", published=pd.Timestamp("2021-03-10")))
    parts = [v for m, v, sub in zip(out["metric_id"], out["value"], out["subset"]) if m == metric and sub]
    assert all(parts.count(v) >= values.count(v) for v in values)


def test_quarters_listed_after_a_total_are_its_parts_dated_to_their_quarter(ds):  # SYNTHETIC
    got = read("2020年，全区共受理法律援助案件320件，其中一季度80件，二季度75件，三季度85件，四季度80件。", ds)
    assert got[("legal_aid_cases", 75)][1:] == ("2020-04-01", "2020-06-30")


@pytest.mark.parametrize(
    "text, metric, value",
    [
        ("今年，全区新建法律援助工作站12个，共有人民调解员860名。", "mediators", 860),
        ("“十三五”期间，全区累计受理法律援助案件1500件。今年，全区共受理法律援助案件320件。", "legal_aid_cases", 320),
        ("去年全区受理法律援助案件280件；今年受理法律援助案件320件，同比增长14%。", "legal_aid_cases", 320),
    ],
)
def test_this_year_in_an_annual_report_is_its_year_whatever_earlier_period_it_names(ds, text, metric, value):
    """431e5ef: stocks, and 今年 after an earlier period (十三五, 去年), were moved to the new year."""  # SYNTHETIC
    assert read(ANNUAL + text, ds)[(metric, value)][2] == "2020-12-31"


def test_a_yesterday_lead_on_new_years_day_leaves_this_year_alone(ds):  # SYNTHETIC
    text = "本报讯 记者昨日从区司法局获悉，今年全区将新建法律援助工作站5个，力争受理法律援助案件400件。"
    assert read(text, ds, "2021-01-01")[("legal_aid_cases", 400)][1:] == ("2021-01-01", "2021-12-31")


def test_yesterday_in_a_quote_is_no_news_lead(ds):  # SYNTHETIC
    text = (
        "2020年全区共受理法律援助案件320件。局长说：“昨天我们刚刚召开了新闻发布会。”"
        "今年以来，全区受理法律援助案件45件。"
    )
    assert read(text, ds, "2021-03-10")[("legal_aid_cases", 45)][2] == "2021-03-10"


# The third read, of the second read's fixes.


def test_outcomes_after_a_settlement_are_still_parts(ds):  # SYNTHETIC
    """e9431a7 with b900322: '驳回' opened a list of the unnamed part before it, which failed and hid the outer list."""
    got = read("2020年，全年共受理行政复议申请86件，其中维持45件，和解10件，驳回8件，撤销6件。", ds)
    assert got[("admin_reconsideration_cases", 8)][0] == "rejected"
    assert got[("admin_reconsideration_cases", 6)][0] == "revoked"


def test_handling_complaints_is_no_outcome_of_a_review(ds):  # SYNTHETIC
    got = read("2020年，全年共受理法律援助案件320件。经审查，受理群众来信12件，处理群众投诉8件。", ds)
    assert ("legal_aid_cases", 8) not in got


def test_an_annual_report_that_says_it_enters_the_new_year_does(ds):  # SYNTHETIC
    """ae0ceed: 今年 was the reviewed year after 新年伊始."""
    assert (
        read(ANNUAL + "新年伊始，今年以来全区已受理法律援助案件45件。", ds)[("legal_aid_cases", 45)][2] != "2020-12-31"
    )


def test_now_after_a_cut_off_months_back_speaks_of_later(ds):  # SYNTHETIC
    """ae0ceed: a cut-off five months before the report was the day of '目前…已增至15个'."""
    got = read("截至2020年10月，全区已建成法律援助工作站12个。目前，全区共有人民调解员900名。", ds, "2021-03-20")
    assert got[("mediators", 900)][1:] == ("2021-03-20", "2021-03-20")


def test_a_period_named_in_one_item_is_not_the_next_items(ds):  # SYNTHETIC
    got = read("2020年，全年共受理行政复议申请86件，其中上年结转6件，新收80件。", ds)
    assert got[("admin_reconsideration_cases", 80)][1:] == ("2020-01-01", "2020-12-31")


# The fourth read, of the third read's fixes.


@pytest.mark.parametrize(
    "text, value, subset",
    [
        (
            "2020年，全年受理法律援助案件320件，其中刑事案件95件（含未成年人案件12件），民事案件225件。",
            12,
            "criminal/minors",
        ),
        ("2020年，全年共受理行政复议申请86件，其中维持45件（含部分维持3件），撤销6件，驳回8件。", 3, "upheld/part"),
    ],
)
def test_a_one_item_parenthesis_splits_its_part_not_the_total(ds, text, value, subset):  # SYNTHETIC
    """68d3af1: a failed one-item parenthesis let the outer list read its item against the whole total."""
    assert [sub for (m, v), (sub, *_) in read(text, ds).items() if v == value] == [subset]


@pytest.mark.parametrize(
    "title, text, published, end",
    [
        (
            "某区2021年度法治政府建设情况报告\n",
            "2021年是“十四五”开局之年。全区共调解纠纷1200件，办理法律援助案件320件。",
            "2022-02-20",
            "2021-12-31",
        ),
        (ANNUAL, "今年初，疫情暴发。今年以来，全区共调解纠纷1200件。", "2021-01-20", "2020-12-31"),
    ],
)
def test_words_of_a_years_start_in_an_annual_report_name_the_reviewed_year(
    ds, title, text, published, end
):  # SYNTHETIC
    """68d3af1: 开局之年 and 今年初 moved the paragraph to the new year, though they name the reviewed one."""
    assert read(title + text, ds, published)[("disputes_mediated", 1200)][2] == end


def test_a_period_heading_a_run_of_items_dates_them_all(ds):  # SYNTHETIC
    """68d3af1: '上半年受理民事案件100件、刑事案件50件' dated only the first item to the half."""
    got = read(
        "2020年，全年共受理法律援助案件320件，其中：上半年受理民事案件100件、刑事案件50件，下半年受理民事案件110件、刑事案件60件。",
        ds,
    )
    assert got[("legal_aid_cases", 50)][1:] == ("2020-01-01", "2020-06-30")
    assert got[("legal_aid_cases", 60)][1:] == ("2020-07-01", "2020-12-31")


# The fifth read, of the fourth read's fixes.


def test_other_outcomes_after_a_review_are_parts(ds):  # SYNTHETIC
    got = read("2020年，全年共受理行政复议申请86件。经审理，维持45件，驳回8件，其他11件。", ds)
    assert got[("admin_reconsideration_cases", 11)][0]


@pytest.mark.parametrize(
    "title, text, published, value, end",
    [
        (ANNUAL, "今年1月，全区受理法律援助案件28件。", "2021-03-10", 28, "2021-03-10"),
        (
            "某区2021年度法治政府建设情况报告\n",
            "今年1月至12月，全区共受理法律援助案件320件。",
            "2022-02-20",
            320,
            "2021-12-31",
        ),
    ],
)
def test_a_month_of_this_year_in_an_annual_report(ds, title, text, published, value, end):  # SYNTHETIC
    """a241564: '今年1月' in a report on 2020 made January's 28 the whole of 2020."""
    assert read(title + text, ds, published)[("legal_aid_cases", value)][2] == end


@pytest.mark.parametrize("carried", ["上年未结6件", "上年转入6件", "上年积存6件"])
def test_cases_brought_from_last_year_date_no_later_item(ds, carried):  # SYNTHETIC
    got = read(f"2020年，全年共受理行政复议申请86件，其中{carried}，新收80件。", ds)
    assert got[("admin_reconsideration_cases", 80)][1:] == ("2020-01-01", "2020-12-31")


def test_one_bracketed_item_after_a_part_is_a_part_of_it(ds):  # SYNTHETIC
    got = read("2020年，全区共有专职调解员120名（含律师调解员30名）。", ds)
    assert got[("mediators", 30)][0].startswith("full_time/")
