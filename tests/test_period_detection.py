"""compare.ingest.extract.periods: a document's period from its opening, the report's date, and the period a
sentence gives its own numbers. Seed sentences are quoted from data/sources; corpus sentences are read
from ../shared at run time (their text never enters the project) and checked against the gold periods;
the other sentences are written for these tests in the forms reports use."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import shared_or_skip

from compare.data import SOURCE_COLUMNS, load_dataset, read_table
from compare.ingest.extract import Context, candidates, context_from_sources, extract, simplified
from compare.ingest.extract.periods import document_period, phrases, report_date, url_date
from compare.paths import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "data" / "sources"
T = pd.Timestamp


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def seed_period(doc_id: str, published=None):
    text = simplified((SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8"))
    return document_period(text, Context(doc_id=doc_id, published=published))


@pytest.mark.parametrize(
    "doc_id, start, end",
    [
        ("huancui-2021h1", "2021-01-01", "2021-06-30"),  # 2021年上半年，环翠区司法局…
        ("wujin-2022q1", "2022-01-01", "2022-03-31"),  # 2022年一季度，武进区司法局…
        ("haian-2023", "2023-01-01", "2023-12-31"),  # 海安市司法局2023年度法治政府建设情况报告
    ],
)
def test_the_opening_gives_the_document_period(doc_id, start, end):
    period = seed_period(doc_id)
    assert (period.span.start, period.span.end) == (T(start), T(end))


def test_the_report_date_comes_from_the_dateline():  # 发布时间:2024-03-13 14:24
    text = simplified((SEEDS / "haian-2023.txt").read_text(encoding="utf-8"))
    assert report_date(text, Context()) == T("2024-03-13")
    assert report_date(text, Context(published=T("2024-03-15"))) == T("2024-03-15")  # metadata first


def test_a_dated_news_release_says_jinnian_yilai_up_to_its_date():  # 发布日期: 2022-03-07 … 今年以来
    period = seed_period("zhejiang-2022-03")
    assert (period.span.start, period.span.end) == (T("2022-01-01"), T("2022-03-07"))
    assert period.as_of == T("2022-03-07")


def test_an_undated_report_has_no_period(ds):  # chaotian-undated: no year, no date
    assert seed_period("chaotian-undated").span is None
    out = candidates((SEEDS / "chaotian-undated.txt").read_bytes(), ds, Context(doc_id="chaotian-undated"))
    flows = [c for c in out if c.kind == "flow"]
    assert flows and all(c.period_unknown and c.period_start == c.period_end == "" for c in flows)


@pytest.mark.parametrize(
    "sentence, year, date, start, end",
    [
        ("上半年,全区累计调处各类矛盾纠纷1332件", 2021, None, "2021-01-01", "2021-06-30"),  # seed huancui
        ("一季度办理公证949件", 2022, None, "2022-01-01", "2022-03-31"),  # seed wujin
        ("全年受理法律援助申请1719件", 2023, None, "2023-01-01", "2023-12-31"),  # seed haian
        ("前三季度全县共调解纠纷128起", 2015, None, "2015-01-01", "2015-09-30"),
        ("1-6月办理公证949件", 2022, None, "2022-01-01", "2022-06-30"),
        ("2020年1月至7月,各调委会受理纠纷420件", None, None, "2020-01-01", "2020-07-31"),
        ("截至9月底,全区办理公证949件", 2022, None, "2022-01-01", "2022-09-30"),
        ("2016-2020年累计办理法律援助案件9800件", None, None, "2016-01-01", "2020-12-31"),
        ("“十三五”期间,法律援助机构办理案件9800件", None, None, "2016-01-01", "2020-12-31"),
        ("今年以来,中心办理法律援助案件77件", None, "2025-10-29", "2025-01-01", "2025-10-29"),
        ("2022年以来,各级组织受理纠纷5120件", None, "2024-12-18", "2022-01-01", "2024-12-18"),
        ("2019年,全区受理纠纷880件", 2020, None, "2019-01-01", "2019-12-31"),  # another year's figure
        ("2017年,全县调处纠纷640件", None, "2017-12-19", "2017-01-01", "2017-12-19"),  # cut at the date
        ("截至9月20日,全市办理法律援助案件2100件", None, "2021-09-30", "2021-01-01", "2021-09-20"),  # to the day
        ("截至2024年4月10日,已化解30件", 2023, None, "2024-01-01", "2024-04-10"),  # a year of its own
    ],
)
def test_period_phrases(sentence, year, date, start, end):
    found = [p.span for p in phrases(sentence, year, T(date) if date else None) if p.span is not None]
    assert (found[-1].start, found[-1].end) == (T(start), T(end))


def test_a_target_year_is_not_the_numbers_period():  # 完成全年任务量的61.2%: 全年 names the target
    assert phrases("截至6月底,已办理案件500件,完成全年任务量的40%", 2018, None)[-1].span.end == T("2018-06-30")
    assert len([p for p in phrases("完成全年任务量的40%", 2018, None)]) == 0


def test_a_sentence_dates_its_number_to_the_previous_year(ds):
    text = "2020年1月至7月,全区调解纠纷420件。2019年,全区调解纠纷880件。"
    out = extract(text, ds, Context(doc_id="t", district_code="440402"))
    assert set(zip(out["value"], out["period_start"], out["period_end"])) == {
        (420, "2020-01-01", "2020-07-31"),
        (880, "2019-01-01", "2019-12-31"),
    }


@pytest.mark.parametrize(
    "text, base_start, base_end",
    [
        ("2021年全县办理法律援助案件420件,较2020年的380件增长10.5%。", "2020-01-01", "2020-12-31"),
        ("2021年全县办理法律援助案件420件,比上年的380件增长10.5%。", "2020-01-01", "2020-12-31"),
    ],
)
def test_the_value_a_count_is_compared_with_is_that_years(ds, text, base_start, base_end):
    """'较2020年的380件' is 2020's value of the same metric; the change belongs to the report's year."""
    out = extract(text, ds, Context(doc_id="t", district_code="320412"))
    rows = set(zip(out["metric_id"], out["value"], out["statement"], out["period_start"], out["period_end"]))
    assert rows == {
        ("legal_aid_cases", 420, "actual", "2021-01-01", "2021-12-31"),
        ("legal_aid_cases", 380, "actual", base_start, base_end),
        ("legal_aid_cases", 10.5, "yoy_pct", "2021-01-01", "2021-12-31"),
    }


def test_the_period_given_in_sources_or_on_the_command_line_still_wins(ds):
    text = "今年以来,办理法律援助案件77件。"
    given = Context(doc_id="t", district_code="320412", period_start=T("2022-01-01"), period_end=T("2022-03-31"))
    out = extract(text, ds, given)
    assert (out["period_start"].iloc[0], out["period_end"].iloc[0]) == ("2022-01-01", "2022-03-31")


def test_stocks_are_dated_at_the_report_date_when_the_period_runs_to_it(ds):
    text = "今年以来,全区调解纠纷310件。现有人民调解员95人。"
    out = extract(text, ds, Context(doc_id="t", district_code="500151", published=T("2022-11-03")))
    assert set(zip(out["metric_id"], out["period_start"], out["period_end"])) == {
        ("disputes_mediated", "2022-01-01", "2022-11-03"),
        ("mediators", "2022-11-03", "2022-11-03"),
    }


@pytest.mark.parametrize(
    "url, opening, date",
    [
        ("http://sfj.example.gov.cn/art/2025/1/26/art_1229058218_59022881.html", "", "2025-01-26"),
        ("http://example.com/zixun/2015-09/06/content_11266638.htm", "", "2015-09-06"),
        ("http://www.example.gov.cn/shehuizhili/202602/t20260226_31523668.shtml", "", "2026-02-26"),
        ("http://example.com/content/20231027/Articel05005MN.htm", "", "2023-10-27"),
        ("https://m.example.net/news/202108/11498558.html", "", "2021-08-31"),  # the month only: its last day
        ("https://m.example.net/news/202008/1062240.html", "本报讯记者12日从区司法局获悉", "2020-08-12"),
        ("https://example.net/news/201805/7707877.html", "5月8日,记者从市司法局获悉", "2018-05-08"),
        ("https://www.example.gov.cn/html/czzl/2019/OJBA_0912/13022.html", "", None),  # no date in it
    ],
)
def test_the_report_date_comes_from_the_web_address_when_sources_has_none(url, opening, date):
    assert url_date(url, opening) == (T(date) if date else None)
    assert report_date(opening + "。", Context(url=url)) == (T(date) if date else None)
    assert report_date(opening, Context(url=url, published=T("2000-01-01"))) == T("2000-01-01")  # metadata first


def test_a_news_release_dated_by_its_address_reads_jiezhi_and_jinnian(ds):
    text = "截至6月底,全市受理法律援助案件1500件。今年以来,全市调解纠纷1200件。"
    ctx = Context(doc_id="t", district_code="510700", url="https://m.example.net/news/201807/7814685.html")
    out = extract(text, ds, ctx)
    assert set(zip(out["value"], out["period_start"], out["period_end"])) == {
        (1500, "2018-01-01", "2018-06-30"),
        (1200, "2018-01-01", "2018-07-31"),
    }


def test_a_review_heading_names_the_year_a_jinnian_yilai_opening_means(ds):
    text = "今年以来,全市各级人民调解组织调解案件5200件。\n一、2022年工作总结\n(一)推进依法治市\n"
    ctx = Context(doc_id="t", district_code="360700", url="http://example.com/zfxxgk/c1/202305/85f3.shtml")
    period = document_period(text, ctx)
    assert (period.span.start, period.span.end, period.report_date) == (
        T("2022-01-01"),
        T("2022-12-31"),
        T("2022-12-31"),
    )
    out = extract(text, ds, ctx)
    assert (out["period_start"].iloc[0], out["period_end"].iloc[0]) == ("2022-01-01", "2022-12-31")


def test_a_review_heading_on_an_older_year_is_history(ds):
    text = "今年以来,全市各级人民调解组织调解案件5200件。\n一、2019年工作总结\n"
    period = document_period(text, Context(doc_id="t", published=T("2024-02-10")))
    assert (period.span.start, period.span.end, period.report_date) == (
        T("2024-01-01"),
        T("2024-02-10"),
        T("2024-02-10"),
    )


def test_a_heading_dates_the_text_under_it(ds):
    text = "2023年,全区调解纠纷900件。\n二、2022年工作回顾\n全区调解纠纷800件。\n"
    out = extract(text, ds, Context(doc_id="t", district_code="440402"))
    assert set(zip(out["value"], out["period_end"])) == {(900, "2023-12-31"), (800, "2022-12-31")}


def test_stocks_said_to_be_now_are_at_the_report_date_through_their_paragraph(ds):
    text = (
        "2020年1月至7月,全区受理调解纠纷820件。\n"
        "据了解,全区现共有各类人民调解组织95个。其中,人民调解委员会80个;共有人民调解员600名。\n"
    )
    out = extract(text, ds, Context(doc_id="t", district_code="440402", published=T("2020-08-19")))
    dated = dict(zip(out["value"], out["period_end"]))
    assert dated[820] == "2020-07-31"
    assert dated[95] == dated[80] == dated[600] == "2020-08-19"


def test_shixian_inside_a_word_is_not_now():  # 实现有效衔接: no 现有
    assert not any(p.now for p in phrases("实现有效衔接", 2022, T("2022-11-03")))
    assert any(p.now for p in phrases("全区现共有调委会188个", 2022, T("2022-11-03")))


def test_flows_over_recent_years_with_no_stated_span_are_not_proposed(ds):
    """The annotators keep multi-year totals only when the span is stated: 近年来 states none."""
    text = "近年来,市司法局大力加强人民调解工作。\n全市人民调解组织共化解婚姻家庭纠纷2300起。全市有调解委员会64个。\n"
    out = extract(text, ds, Context(doc_id="t", district_code="370700", published=T("2023-10-27")))
    assert list(zip(out["metric_id"], out["value"], out["period_end"])) == [
        ("mediation_organizations", 64, "2023-10-27")
    ]
    dated = extract(
        "近年来,全市共化解纠纷900起;2023年,全市化解纠纷300起。", ds, Context(doc_id="t", district_code="370700")
    )
    assert list(zip(dated["value"], dated["period_end"])) == [(300, "2023-12-31")]


# ---------------------------------------------------------------- the corpora, read at run time

CORPUS_PERIODS = [  # (set, doc_id, metric_id, value): the gold's period must be read from the text alone
    ("corpus2", "lengshuijiang-2015-01-09", "legal_aid_cases", 236),  # dated news release: 今年来 … 迄今
    ("corpus2", "kunming-2016-2021", "legal_aid_cases", 34432),  # 十三五期间
    ("corpus2", "kunming-2016-2021", "legal_aid_cases", 19959),  # 截至目前, in a release of 12月31日
    ("corpus2", "xiangzhou-2020-01-07", "disputes_mediated", 3679),  # 2019年 in a 2020 report
    ("corpus2", "xiangzhou-2020-01-07", "disputes_mediated", 1616),  # 2020年1月至7月
    ("corpus2", "qingyang-2015-01-07", "disputes_mediated", 17128),  # 今年1至7月
    ("corpus2", "xiamen-2015", "disputes_mediated", 303),  # 前三季度
    ("corpus2", "haizhu-2017", "disputes_mediated", 2571),  # 1-9月 narrowing a 2017 report
    ("corpus2", "xiangtan-2024", "disputes_mediated", 48933),  # 2022年以来
    ("corpus2", "longhua-2018", "community_corrections_subjects", 326),  # a stock at the year's end
    ("corpus2", "tongliang-2022", "mediators", 1877),  # 现有: a stock at the report's date
    ("corpus2", "huangshan-2018h1", "legal_aid_cases", 1233),  # 截至6月底
    ("corpus", "rugao-2016-2018", "legal_aid_cases", 4513),  # 2016年以来, to the report's date
    ("corpus", "mianyang-2015h1", "legal_aid_cases", 3511),  # 上半年 earlier in the paragraph
    ("corpus", "liaocheng-2017", "legal_aid_cases", 4120),  # 全年, in a review published in February
    ("corpus", "zhonglou-2019h1", "legal_publicity_events", 35),  # 2019年上半年
    ("corpus", "luzhou-2021-01-08", "legal_aid_cases", 3198),  # 截至 a month and day, the year from the web address
    ("corpus", "mianyang-2018h1", "legal_aid_cases", 2809),  # 截至6月底, the year from the web address
    ("corpus2", "ganzhou-2022", "disputes_mediated", 39728),  # 今年以来 under a heading reviewing 2022
    ("corpus2", "ganzhou-2024", "mediation_organizations", 3488),  # a stock at the address's month end
    ("corpus2", "xiangzhou-2020-01-07", "mediation_organizations", 188),  # 现共有, the day from a news dateline
    ("corpus2", "xiangzhou-2020-01-07", "mediators", 1243),  # same paragraph as 现共有
]


@pytest.mark.parametrize("corpus, doc_id, metric_id, value", CORPUS_PERIODS)
def test_corpus_periods_are_read_from_the_text(ds, corpus, doc_id, metric_id, value):
    folder = shared_or_skip(corpus)
    gold = pd.read_csv(folder / "gold_observations.csv", dtype=str, keep_default_na=False)
    g = gold[(gold["doc_id"] == doc_id) & (gold["metric_id"] == metric_id) & (gold["value"].astype(float) == value)]
    assert len(g) == 1
    sources = read_table(Path(folder) / "sources.csv", SOURCE_COLUMNS)
    ctx = context_from_sources(sources, doc_id, with_period=False)  # district and publication date only
    out = extract((folder / f"{doc_id}.txt").read_bytes(), ds, ctx)
    hit = out[(out["metric_id"] == metric_id) & (out["value"] == value)]
    expected = (g["period_start"].iloc[0], g["period_end"].iloc[0])
    assert (hit["period_start"].iloc[0], hit["period_end"].iloc[0]) == expected
