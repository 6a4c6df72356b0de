"""Regressions found by a second read of round 28's extraction rules (7eea9d6..3d53625): each sentence is one a
司法局 report could hold, read right (or not read at all) before the round and wrong after it. Every sentence is
written for the test (SYNTHETIC, not from any report)."""

import pandas as pd
import pytest

from compare.data import load_dataset
from compare.ingest.extract import Context, extract


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def read(text, ds, published="2020-03-15"):
    context = Context(doc_id="t", district_code="320412", published=pd.Timestamp(published) if published else None)
    out = extract(text, ds, context)
    return {
        (r.metric_id, r.value): (r.subset or "", str(r.period_start)[:10], str(r.period_end)[:10])
        for r in out.itertuples()
    }


def test_a_semicolon_in_one_providers_list_of_work_keeps_the_credit(ds):  # SYNTHETIC
    """84dc91c: the lawyers are the subject of every clause; the semicolons only separate their works."""
    got = read("2019年，全区律师共担任各级政府法律顾问35家；办理法律援助案件210件；提供法律咨询3000人次。", ds)
    assert got[("legal_aid_cases", 210)][0] == "by_provider"
    assert got[("legal_consultations", 3000)][0] == "by_provider"
    hotline = read("2019年，12348热线共接听群众来电5000个；解答法律咨询4800人次；受理法律援助申请120件。", ds)
    assert hotline[("legal_consultations", 4800)][0] == "by_provider"


def test_ahead_of_time_or_before_an_event_is_no_period_of_first_months(ds):  # SYNTHETIC
    """db744fd: '提前3个月' (three months early) and '结案前3个月' are no '今年前3个月'."""
    early = read("2019年，全县共办理法律援助案件500件，提前3个月完成全年目标任务。", ds)
    assert early[("legal_aid_cases", 500)][1:] == ("2019-01-01", "2019-12-31")
    before = read("2019年，全县共办理法律援助案件500件，结案前3个月内完成回访120件。", ds)
    assert before[("legal_aid_cases", 500)][1:] == ("2019-01-01", "2019-12-31")


def test_a_review_of_last_year_still_says_this_year_of_the_new_one(ds):  # SYNTHETIC
    """c45b917: a review of 2019 published in March 2020 whose 今年以来 and 今年 plans are 2020's."""
    since = read("2019年，全县共办理法律援助案件500件。今年以来，全县共受理法律援助案件50件。", ds, "2020-03-10")
    assert since[("legal_aid_cases", 50)][1] == "2020-01-01"
    plan = read(
        "2019年工作总结\n2019年，全县共办理法律援助案件500件。截至目前，全县共有人民调解员1200名。"
        "下一步，我们将力争今年办理法律援助案件600件。",
        ds,
        "2020-03-20",
    )
    assert plan[("legal_aid_cases", 600)][1:] == ("2020-01-01", "2020-12-31")


def test_a_january_news_report_on_last_year_keeps_that_years_months(ds):  # SYNTHETIC
    """dd9208f: the year a news report was written is not the year of its 全年 or 1-11月 when its opening names
    the year before."""
    whole = read(
        "1月10日，记者从县司法局获悉，2019年全县法律援助工作成效明显。全年共办理法律援助案件500件。", ds, "2020-01-15"
    )
    assert whole[("legal_aid_cases", 500)][1:] == ("2019-01-01", "2019-12-31")
    months = read(
        "1月10日，记者从县司法局获悉，2019年全县法律援助工作成效明显。1-11月，全县共办理法律援助案件450件。",
        ds,
        "2020-01-15",
    )
    assert months[("legal_aid_cases", 450)][1:] == ("2019-01-01", "2019-11-30")


def test_an_undated_january_lead_on_last_year_is_not_dated_in_that_year(ds):  # SYNTHETIC
    """1ed91a1: '1月10日,记者…获悉,2019年,…' on a page with no date is January 2020's, not 10 January 2019."""
    got = read(
        "1月10日，记者从县司法局获悉，2019年，全县共办理法律援助案件500件。目前全县共有人民调解委员会210个。",
        ds,
        published=None,
    )
    assert got[("legal_aid_cases", 500)][1:] == ("2019-01-01", "2019-12-31")
    assert got[("mediation_organizations", 210)][2] != "2019-01-10"


def test_a_year_compared_in_a_clause_does_not_date_the_rest_of_the_paragraph(ds):  # SYNTHETIC
    """94bc979: '…,2018年,全县共办理…450件' compares the year before; the next sentence is still 2019's."""
    got = read("2019年，全县共办理法律援助案件500件，2018年，全县共办理法律援助案件450件。全县共调解纠纷1200件。", ds)
    assert got[("disputes_mediated", 1200)][1:] == ("2019-01-01", "2019-12-31")
    plan = read(
        "2019年，全县司法行政工作稳步推进，2020年，将继续深化改革，力争办理法律援助案件600件。全县共调解纠纷1200件。",
        ds,
    )
    assert plan.get(("disputes_mediated", 1200), ("",))[1:] == ("2019-01-01", "2019-12-31")
    last_year = read(
        "今年以来，全县共办理法律援助案件80件，去年，全县共办理法律援助案件450件。全县共调解纠纷300件。",
        ds,
        "2020-03-12",
    )
    assert last_year[("disputes_mediated", 300)][1:] == ("2020-01-01", "2020-03-12")
    plan_period = read("2019年，全县共办理法律援助案件500件；“十三五”期间，累计办理2400件。全县共调解纠纷1200件。", ds)
    assert plan_period[("disputes_mediated", 1200)][1:] == ("2019-01-01", "2019-12-31")


def test_spaces_around_a_count_are_not_read_where_spaces_around_its_dates_are_not(ds):  # SYNTHETIC
    """b52e537: a page typeset with spaces around every number ('2019 年', '1-6 月') now gives its counts, but not
    its periods: the 2019 total comes out as January 2020's, the half year's part as the whole period's."""
    got = read("2019 年，全县共办理法律援助案件 500 件，其中 1-6 月办理 230 件。", ds, "2020-01-15")
    assert all(start.startswith("2019") for _, start, _ in got.values())


def test_wage_claims_heard_by_a_court_are_no_legal_aid_cases(ds):  # SYNTHETIC
    """e429317: the sidecar phrase 讨薪案件 reads any wage-claim case as legal aid, a court's too."""
    got = read("2019年，全县法院共审结农民工讨薪案件200件。", ds)
    assert ("legal_aid_cases", 200) not in got


def test_a_part_of_the_year_labelling_a_count_is_not_the_reports_period(ds):  # SYNTHETIC
    """Wrong before this round too: '其中上半年230件' narrowed the report to the first half, and '今年1-2月' in a
    January report on last year to January and February of last year."""
    half = read("2019年，全县共办理法律援助案件500件，其中上半年230件。", ds, "2020-01-15")
    assert half[("legal_aid_cases", 500)][1:] == ("2019-01-01", "2019-12-31")
    assert half[("legal_aid_cases", 230)][1:] == ("2019-01-01", "2019-06-30")
    months = read("2019年，全县共办理法律援助案件500件。今年1-2月，全县又办理法律援助案件60件。", ds, "2020-03-05")
    assert months[("legal_aid_cases", 500)][1:] == ("2019-01-01", "2019-12-31")
    assert months[("legal_aid_cases", 60)][1:] == ("2020-01-01", "2020-02-29")


def test_a_quota_for_each_unit_is_no_count_of_the_whole(ds):  # SYNTHETIC
    """Wrong before this round too: '每个调委会至少配备调解员3名' was read as 3 mediators."""
    got = read("2019年，全县共有调委会120个，每个调委会至少配备调解员3名，全县共有调解员400名。", ds)
    assert ("mediators", 3) not in got and ("mediators", 400) in got
    rate = read("2019年，全县每万人拥有律师2.5名，共有调解员300名。", ds)
    assert ("mediators", 300) in rate
