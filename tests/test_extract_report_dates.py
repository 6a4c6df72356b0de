"""Which day or year a report's figures belong to, read from the report's own words about itself: a formula naming
the year it reports on, a news lead's day, a web address's date, a carried-over note. Every sentence is written for
the test (SYNTHETIC, not from any report)."""

import pandas as pd
import pytest

from compare.data import load_dataset
from compare.ingest.extract import Context, extract


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def read(text, ds, published=None, url=""):
    when = pd.Timestamp(published) if published else None
    out = extract(text, ds, Context(doc_id="t", district_code="320412", published=when, url=url))
    return {(r.metric_id, r.value): (str(r.period_start)[:10], str(r.period_end)[:10]) for r in out.itertuples()}


def test_a_year_carried_over_in_a_parenthesis_dates_no_count_after_it(ds):  # SYNTHETIC
    """The outcomes after '(包括2019年结转案件)' took 2019 as their year."""
    got = read("2020年，全区共审结行政复议案件120件(包括2019年结转案件)，其中维持60件，驳回20件。", ds, "2021-03-10")
    assert got[("admin_reconsideration_cases", 60)] == ("2020-01-01", "2020-12-31")
    assert got[("admin_reconsideration_cases", 20)] == ("2020-01-01", "2020-12-31")


def test_a_year_carried_over_still_dates_its_own_count(ds):  # SYNTHETIC
    got = read("2020年，全区受理行政复议案件86件(含2019年结转6件)，办结行政复议案件80件。", ds, "2021-03-10")
    assert got[("admin_reconsideration_cases", 6)] == ("2019-01-01", "2019-12-31")
    assert got[("admin_reconsideration_cases", 80)] == ("2020-01-01", "2020-12-31")


def test_the_reports_formula_names_its_year_however_late_the_page(ds):  # SYNTHETIC
    """A page whose address dates it two years later still reports on the year '现将…汇报如下' names."""
    text = "2024年是行政复议法修订实施之年。现将2024年区政府行政复议工作情况汇报如下：\n区政府共收到行政复议申请300件。"
    got = read(text, ds, url="https://www.example.gov.cn/xxfb/202602/1780253.shtml")
    assert got[("admin_reconsideration_cases", 300)] == ("2024-01-01", "2024-12-31")


def test_a_formula_naming_a_year_after_the_page_is_not_believed(ds):  # SYNTHETIC
    text = "现将2027年区政府行政复议工作计划汇报如下：\n区政府共收到行政复议申请300件。"
    got = read(text, ds, published="2025-03-01")
    assert got.get(("admin_reconsideration_cases", 300), ("", ""))[0] != "2027-01-01"


def test_an_address_with_year_then_month_and_day_dates_the_page(ds):  # SYNTHETIC
    """/n1/2019/0126/ (a common news address) gave no date, so the stocks had none."""
    got = read("目前，全省共有司法所200个。", ds, url="http://www.example.com.cn/n1/2019/0126/c1.html")
    assert got[("judicial_offices", 200)] == ("2019-01-26", "2019-01-26")


@pytest.mark.parametrize(
    "lead, published, end",
    [
        ("本报银川8月4日电 记者今天从区司法局获悉，", "2010-08-05", "2010-08-04"),
        ("8月16日下午，50名记者走进县法治文化公园。县司法局局长向记者介绍，", "2010-08-24", "2010-08-16"),
        ("日报7月27日讯(记者 张三)今天，区司法局召开推进会。会议介绍，", "2010-07-28", "2010-07-27"),
        ("8日，区司法局举办法治宣传活动。据介绍，", "2010-08-09", "2010-08-08"),
        # a day opening the line after the title
        ("区司法局开展法治宣传\n8日，区司法局举办法治宣传活动。据介绍，", "2010-08-09", "2010-08-08"),
        # the day alone after the agency's name, 记者 right after it
        ("某某新闻网讯 8日记者从区司法局了解到，", "2010-08-09", "2010-08-08"),
    ],
)
def test_a_news_leads_day_ends_what_it_counts_so_far(ds, lead, published, end):  # SYNTHETIC
    got = read(lead + "今年以来共受理法律援助案件369件。", ds, published)
    assert got[("legal_aid_cases", 369)] == ("2010-01-01", end)


def test_yesterday_in_a_wire_lead_is_the_day_before_its_dateline(ds):  # SYNTHETIC
    """A wire dateline with '记者昨日' names the day of writing, not of the figures."""
    text = "某地12月23日电(张三 李四)记者昨日从市法律援助中心获悉，今年以来共办理法律援助案件2290件。"
    got = read(text, ds, "2013-12-24")
    assert got[("legal_aid_cases", 2290)] == ("2013-01-01", "2013-12-22")


def test_a_lead_day_long_before_the_page_is_not_its_day(ds):  # SYNTHETIC
    got = read("8日，区司法局举办法治宣传活动。据介绍，今年以来共受理法律援助案件369件。", ds, "2010-10-20")
    assert got[("legal_aid_cases", 369)] == ("2010-01-01", "2010-10-20")


def test_a_page_reposting_an_old_report_dates_the_repost_not_the_report(ds):  # SYNTHETIC
    """A 范文 page dated 2023 over a 2019 summary that names no later year: its figures are 2019's."""
    text = "全市行政复议工作总结\n时间:2023-08-20\n2019年全市收到行政复议申请469件。全年共审结422件，维持201件。"
    got = read(text, ds)
    assert got[("admin_reconsideration_cases", 422)] == ("2019-01-01", "2019-12-31")
    assert got[("admin_reconsideration_cases", 201)] == ("2019-01-01", "2019-12-31")


def test_a_report_naming_a_recent_year_keeps_its_old_years_as_history(ds):  # SYNTHETIC
    text = "时间:2023-08-20\n2015年全区建成人民调解委员会100个。2022年全区受理行政复议申请50件，维持20件。"
    got = read(text, ds)
    assert got[("admin_reconsideration_cases", 50)] == ("2022-01-01", "2022-12-31")


def test_a_sentence_opening_with_an_events_day_counts_that_days(ds):  # SYNTHETIC
    text = (
        "某县开展法治宣传月活动。\n\n开展法治集中宣传活动。4月8日，县依法治县办组织41家部门举行集中宣传活动，"
        "发放各类宣传资料15000余份，解答群众咨询400余人次。"
    )
    got = read(text, ds, "2015-04-20")
    assert got[("legal_publicity_materials", 15000)] == ("2015-04-08", "2015-04-08")
    assert got[("legal_consultations", 400)] == ("2015-04-08", "2015-04-08")


def test_a_day_after_the_page_or_a_news_lead_dates_nothing_as_an_event(ds):  # SYNTHETIC
    got = read("12月8日，发放各类宣传资料1500余份。", ds, "2015-04-20")
    assert got[("legal_publicity_materials", 1500)] == ("2015-01-01", "2015-04-20")


def test_an_event_report_opening_with_a_full_date_counts_that_day(ds):  # SYNTHETIC
    text = (
        "2018-07-23 17:05 进村入户。2018年7月13日，法律服务专项行动现场示范活动在马河村举行。"
        "活动共发放法律宣传手册3000余册。"
    )
    got = read(text, ds, "2018-07-23")
    assert got[("legal_publicity_materials", 3000)] == ("2018-07-13", "2018-07-13")


def test_this_year_in_a_report_whose_opening_names_its_year_as_an_annual_one_is_that_year(ds):  # SYNTHETIC
    """An opening naming 2020年 first (a notice's title) and then 对全区2020年度…进行了统计 is an annual report too."""
    text = (
        "根据《关于做好2020年行政复议案件统计分析工作的通知》要求，我局对全区2020年度行政复议案件进行了统计。\n"
        "全区共收到行政复议申请59件，与往年相比，今年受理治安管理类案件13件。"
    )
    got = read(text, ds, "2021-02-07")
    assert got[("admin_reconsideration_cases", 13)] == ("2020-01-01", "2020-12-31")


def test_years_that_date_steps_of_a_history_are_not_the_reports_year(ds):  # SYNTHETIC
    """'…2014年进入全面推进阶段' in a 2015 news report made 2014 the report's year, and its 今年 2014."""
    text = (
        "记者从10月19日召开的会议上获悉，我省社区矫正工作2010年全面试行，2014年进入全面推进阶段。"
        "截至今年9月底，全省在册社区服刑人员5000人。"
    )
    assert read(text, ds, "2015-10-20")[("community_corrections_subjects", 5000)] == ("2015-09-30", "2015-09-30")
    counted = "2014年，全省共办理法律援助案件900件。截至今年9月底，全省在册社区服刑人员5000人。"  # a year with counts
    assert read(counted, ds, "2015-01-20")[("legal_aid_cases", 900)] == ("2014-01-01", "2014-12-31")


def test_this_year_is_the_year_of_writing_not_one_named_before_it_in_the_sentence(ds):  # SYNTHETIC
    text = "我省从2007年开展试点，2014年进入全面推进阶段，截至今年9月底，全省在册社区服刑人员5000人。"
    assert read(text, ds, "2015-10-20")[("community_corrections_subjects", 5000)] == ("2015-09-30", "2015-09-30")


def test_since_a_year_with_words_between_runs_from_that_year_to_the_report(ds):  # SYNTHETIC
    """'自2016年开展试点以来' read as the year 2016 alone."""
    got = read("自2016年开展试点以来，全县共办理法律援助案件3000件。", ds, "2019-07-10")
    assert got[("legal_aid_cases", 3000)] == ("2016-01-01", "2019-07-10")


def test_a_years_work_opening_a_report_is_no_step_of_a_history(ds):  # SYNTHETIC
    text = "2021年全区推行公共法律服务进村居，成效明显。全年共办理法律援助案件300件。"
    assert read(text, ds, "2022-01-15")[("legal_aid_cases", 300)] == ("2021-01-01", "2021-12-31")


@pytest.mark.parametrize(
    "text, published, span",
    [
        # 今年 is the year of writing, though the opening names the year before
        (
            "2020年，全县社区矫正工作稳步推进。截至今年6月底，全县共办理法律援助案件512件。",
            "2021-07-10",
            ("2021-01-01", "2021-06-30"),
        ),
        # … or the document's year, where the year of writing would put it after the report
        (
            "2020年，全县工作稳步推进。截至今年11月底，全县共办理法律援助案件512件。",
            "2021-01-15",
            ("2020-01-01", "2020-11-30"),
        ),
        # a year with a step after it but no earlier step is that year's work
        (
            "2020年率先启动行政复议体制改革，较2019年增长30%。全年共办理法律援助案件512件。",
            "2021-01-20",
            ("2020-01-01", "2020-12-31"),
        ),
        (
            "2021年全面推行“一村一法律顾问”制度，2020年试点的12个村均已达标。\n全县共办理法律援助案件512件。",
            "2022-01-15",
            ("2021-01-01", "2021-12-31"),
        ),
        # one dated step alone on a report's first line is that year's work, not history
        (
            "2021年全面推行“一村一法律顾问”制度。\n全县共办理法律援助案件512件。",
            "2022-01-15",
            ("2021-01-01", "2021-12-31"),
        ),
        # not since-phrases: 以来 inside other words, a superlative, a record, a part of the year
        ("全县2022年创历史以来新高，共办理法律援助案件512件。", "2023-01-20", ("2022-01-01", "2022-12-31")),
        ("2020年是我局成立以来工作量最大的一年，共办理法律援助案件512件。", "2021-01-20", ("2020-01-01", "2020-12-31")),
        ("2021年全县群众以来电、来访等方式咨询，共办理法律援助案件512件。", "2022-01-20", ("2021-01-01", "2021-12-31")),
        # to the end of a quarter (截至…季度末) runs from January, not over the quarter alone
        ("截至今年三季度末，全省共办理法律援助案件512件。", "2020-11-23", ("2020-01-01", "2020-09-30")),
        ("截至2020年上半年末，全省共办理法律援助案件512件。", "2020-11-23", ("2020-01-01", "2020-06-30")),
        # a five-year plan named as a document ('宣传“十三五规划”') is no period
        (
            "12月4日，市司法局开展宪法日宣传，宣传“十三五规划”，共办理法律援助案件512件。",
            "2015-12-05",
            ("2015-12-04", "2015-12-04"),
        ),
    ],
)
def test_this_year_history_and_since_read_as_a_researcher_would(ds, text, published, span):  # SYNTHETIC
    assert read(text, ds, published)[("legal_aid_cases", 512)] == span


@pytest.mark.parametrize(
    "lead, day",
    [
        ("记者从10月19日上午召开的全省司法行政工作会议上获悉，", "2015-10-19"),
        ("记者从19日召开的全省司法行政工作会议上获悉，", "2015-10-19"),
        ("记者从昨天上午召开的全省司法行政工作会议上获悉，", "2015-10-19"),
    ],
)
def test_the_day_a_reporter_learnt_the_figures_dates_the_stocks(ds, lead, day):  # SYNTHETIC
    got = read(lead + "目前全省共有人民调解员8000名。", ds, "2015-10-20")
    assert got[("mediators", 8000)] == (day, day)


def test_a_span_of_days_whose_first_day_lacks_its_character_dates_the_stocks_at_its_end(ds):  # SYNTHETIC
    """'2021年1月25—11月25日' was read as the report's date (25 January) and as no span."""
    text = "2021年1月25—11月25日，自治区司法厅开展专项行动。截止目前，全区共设立人民调解组织15835个。"
    assert read(text, ds)[("mediation_organizations", 15835)] == ("2021-11-25", "2021-11-25")


# An opening that names no period: the figures come after it (SYNTHETIC).
NO_PERIOD_OPENING = "县司法局在城东街道开展迎春送法志愿服务活动，向群众发放春联和宣传资料，解答群众关心的法律问题。" * 8


@pytest.mark.parametrize(
    "sentence, published, span",
    [
        (
            "2021年以来，县司法局持续创新服务方式，全年办理法律援助案件700件。",
            "2022-01-24",
            ("2021-01-01", "2021-12-31"),
        ),
        ("全年办理法律援助案件700件。", "2022-03-10", ("2021-01-01", "2021-12-31")),
        ("2022年全年办理法律援助案件700件。", "2022-03-10", ("2022-01-01", "2022-03-10")),  # a named year stays
        ("全年办理法律援助案件700件。", "2022-04-10", ("2022-01-01", "2022-04-10")),  # later, the year so far
    ],
)
def test_a_whole_year_said_in_a_years_first_months_is_the_year_just_past(ds, sentence, published, span):  # SYNTHETIC
    """A January release on a new-year event said '全年办理…' of the year just ended; it was read as 1-24 January."""
    assert read(NO_PERIOD_OPENING + "\n" + sentence, ds, published)[("legal_aid_cases", 700)] == span


@pytest.mark.parametrize(
    "text, published, value, span",
    [
        # a target or a forecast for the year ahead stays this year's
        (
            "今年以来，全县共办理法律援助案件86件。力争全年办理法律援助案件600件以上。",
            "2021-03-10",
            600,
            ("2021-01-01", "2021-12-31"),
        ),
        ("今年全年，全县将开展法治宣传活动120场。", "2021-02-10", 120, ("2021-01-01", "2021-12-31")),
        # a year the opening or the sentence names stays the year of 全年
        (
            "2021年一季度，全县司法行政工作稳步推进。全年共办理法律援助案件45件。",
            "2021-03-31",
            45,
            ("2021-01-01", "2021-03-31"),
        ),
        (
            "截至2019年上半年末，全县共办理法律援助案件520件，全年共办理法律援助案件1100件。",
            "2021-03-10",
            1100,
            ("2019-01-01", "2019-12-31"),
        ),
        # a year named by 截至…季度末 dates the phrases after it
        (
            "截至2019年三季度末，全县共办理法律援助案件812件；9月份办理法律援助案件96件。",
            "2021-03-10",
            96,
            ("2019-09-01", "2019-09-30"),
        ),
        # 截至三季度末 in a January release is last year's; 截至今年一季度末 is this year's
        ("截至三季度末，全县共办理法律援助案件812件。", "2021-01-15", 812, ("2020-01-01", "2020-09-30")),
        ("截至今年一季度末，全县共办理法律援助案件150件。", "2021-03-25", 150, ("2021-01-01", "2021-03-25")),
        # a digest's line opening with a day is no news lead
        (
            "2月工作动态\n1日，县司法局召开党组会议。\n今年以来，全县共办理法律援助案件86件。",
            "2021-03-05",
            86,
            ("2021-01-01", "2021-03-05"),
        ),
        (
            "本周工作安排如下：\n3日，召开党组会。\n5日，开展调解员培训。\n今年以来，全县共办理法律援助案件86件。",
            "2021-03-10",
            86,
            ("2021-01-01", "2021-03-10"),
        ),
        (
            "近期重点工作：\n6日，组织开展妇女维权周法律咨询活动。\n今年以来，全县共办理法律援助案件86件。",
            "2021-03-10",
            86,
            ("2021-01-01", "2021-03-10"),
        ),
        # 来电 is no wire dateline (…电)
        (
            "市民李某来电 12日，县司法局接到求助后迅速处置。今年以来，全县共办理法律援助案件86件。",
            "2021-03-14",
            86,
            ("2021-01-01", "2021-03-14"),
        ),
        # a plan's years, however its period is worded
        ("十三五规划实施以来，全县共办理法律援助案件5600件。", "2019-06-10", 5600, ("2016-01-01", "2019-06-10")),
    ],
)
def test_what_the_new_date_rules_must_leave_alone(ds, text, published, value, span):  # SYNTHETIC
    """Sentences a second reader wrote against this round's date rules: each was read right before them."""
    got = {v: p for (m, v), p in read(text, ds, published).items()}
    assert got[value] == span


def test_a_publication_date_followed_by_a_plans_span_is_still_the_reports_date(ds):  # SYNTHETIC
    text = "发布日期：2021年3月12日 至3月底前将开展专项活动。今年以来，全县共办理法律援助案件86件。"
    assert read(text, ds)[("legal_aid_cases", 86)] == ("2021-01-01", "2021-03-12")


@pytest.mark.parametrize(
    "text, published, span",
    [
        ("自2020年开始，全县共办理法律援助案件512件。", "2022-06-10", ("2020-01-01", "2022-06-10")),
        ("从2021年5月起，全县共办理法律援助案件512件。", "2022-06-10", ("2021-05-01", "2022-06-10")),
    ],
)
def test_from_a_year_on_is_a_span_to_the_report_not_that_year(ds, text, published, span):  # SYNTHETIC
    """'自2020年开始…已增至435个' in an opening made 2020 the report's year, and its stocks 2020's."""
    assert read(text, ds, published)[("legal_aid_cases", 512)] == span


@pytest.mark.parametrize(
    "text, span",
    [
        ("自2020年起，区法律援助中心实行“最多跑一次”，当年共办理法律援助案件1505件。", ("2020-01-01", "2020-12-31")),
        ("自2020年起，我区每年办理法律援助案件1505件。", ("2020-01-01", "2020-12-31")),
    ],
)
def test_from_a_year_on_each_year_or_that_year_is_no_span_to_the_report(ds, text, span):  # SYNTHETIC
    assert read(text, ds, "2021-09-20")[("legal_aid_cases", 1505)] == span


@pytest.mark.parametrize(
    "text, published, span",
    [
        ("截至四季度末，全县共办理法律援助案件512件。", "2021-01-20", ("2020-01-01", "2020-12-31")),
        ("2021年3月1—5日，全县共办理法律援助案件512件。", "2021-03-10", ("2021-03-01", "2021-03-05")),
        ("2021年1月1日至3月底，全县共办理法律援助案件512件。", "2021-04-10", ("2021-01-01", "2021-03-31")),
    ],
)
def test_a_years_last_quarter_end_days_of_one_month_and_a_day_to_a_months_end_are_spans(
    ds, text, published, span
):  # SYNTHETIC
    assert read(text, ds, published)[("legal_aid_cases", 512)] == span


def test_the_first_half_of_a_part_after_qizhong_does_not_narrow_the_reports_year(ds):  # SYNTHETIC
    """'2020年…1505件。其中上半年办理…702件' read the whole report as the first half."""
    text = "2020年，全区共办理法律援助案件1505件。其中上半年办理法律援助案件702件。"
    assert read(text, ds, "2021-01-20")[("legal_aid_cases", 1505)] == ("2020-01-01", "2020-12-31")
