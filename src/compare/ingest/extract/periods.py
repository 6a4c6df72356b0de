"""Which period a number covers, read from the text as a reader would.

The document's period comes from its opening (the first lines: title, dateline, first sentences): a year
(2019年, 2019年度), a part of a year (上半年, 1-6月, 一季度, 前三季度, 1-N月, 截至N月底), a span of years
(2016-2020年, "十三五"期间), or a period that runs to the report's date (今年以来, 截至目前, 2022年以来).
The report's date is its publication date (sources.csv) or a date in its first lines (发布日期: ...).
A period cannot end after the report's date: a year reported in December ends on the report's date.

A sentence overrides the document's period for the numbers after its own period words ('2019年，…共受理
N件' is 2019's figure in a 2020 report; '1-9月，…' narrows a 2017 report). Flows cover a period; stocks
(organisations, mediators in post) are dated at one day: the period's end, or the report's date when the
period runs to it or none is stated. Targets cover their year. When nothing dates a number, the
candidate says so (period unknown) rather than guess.

Averages (年均) and running totals without a start (截至2023年累计) are not a period's counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ...data.periods import month_end as last_day
from .context import Context
from .text import SENTENCE_END

# How far into the text the document's own period is looked for: the title, dateline and first sentences.
OPENING_CHARS = 300
FIVE_YEAR_PLANS = {"十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
CN_MONTHS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
MONTH = r"([0-9]{1,2}|十[一二]?|[一二三四五六七八九])"  # [0-9]: the first characters of a phrase are listed
YEAR = r"((?:19|20)\d\d)"
# Parts of a year: the first quarter, half and three quarters (from January), a later quarter or half.
PART_WORDS = r"第?一季度|1季度|上半年|前三季度|全年|第?[二三四]季度|下半年"
# Words between a year and 以来 that name what began then ('2006年试点以来'), not a part of the year ('2019年底以来',
# '2020年下半年以来') or a record ('2022年创历史以来新高') or the next phrase ('2021年工作总结 今年以来'). The since
# pattern also refuses 以来 starting other words ('以来电、来访', '以来之不易') or a superlative ('成立以来最多').
SINCE_BETWEEN = r"(?:(?!底|末|初|上半年|下半年|季度|月|历史|记录|今年|去年|年度|总结|是)[^\d,，。；;、\s])"

# Averages and running totals with no stated start are not the period's counts (up to the last semicolon).
NOT_A_PERIOD_COUNT = re.compile(r"截至(19|20)\d\d年(底|末)?累计|年均|平均每年|\d+(多|余)年")

CN_DIGITS = "一二三四五六七八九十"
# One alternation, tried left to right; the named group says which form matched.
PERIOD_PHRASE = re.compile(
    "|".join(
        [
            rf"(?P<span>{YEAR}年?\s*[-—–~至到]\s*{YEAR}年)",
            # a plan's years, not the plan as a document ('宣传党的“十三五规划”,', '十三五规划纲要': no period)
            r"(?P<plan>[\"“]?(十二五|十三五|十四五|十五五)(?![\"”]?规划[\"”》]?(?:[,，。、；;)）]|纲要|$))[\"”]?(期间|时期|以来|规划以来)?)",
            rf"(?P<since>{YEAR}年(?:{SINCE_BETWEEN}{{1,8}}?)?以来(?![电访之最]|新高|首次)"  # 2006年试点以来
            # 自2020年开始, 从2019年5月起; not a rule from then on, each year (自2020年起，每年…; …当年…; 连续三年…)
            rf"|[自从]{YEAR}年(?:{MONTH}月份?)?(?:开始|起)(?![草诉])(?![^。；;]*?(?:每年|当年|连续|逐年)))",
            rf"(?P<year_months>{YEAR}年(?:度)?\s*(?:1|一)月?\s*[-—至到~]\s*{MONTH}月)",
            # the first day's 日 may be left out ('2021年1月25—11月25日', '2021年3月1—5日')
            rf"(?P<days>{YEAR}年\d{{1,2}}月\d{{1,2}}(?:[日号]|(?=\s*[-—–~至到]\s*(?:(?:{YEAR}年)?\d{{1,2}}月)?\d{{1,2}}[日号]))"
            rf"\s*[-—–~至到]\s*(?:{YEAR}年)?(?:\d{{1,2}}月)?\d{{1,2}}[日号])",
            # from a day to a month's end ('2021年1月1日至3月底')
            rf"(?P<to_month_end>{YEAR}年\d{{1,2}}月\d{{1,2}}[日号]?\s*[-—–~至到]\s*(?:{YEAR}年)?{MONTH}月(?:底|末))",
            rf"(?P<year_part>{YEAR}年(?:度)?\s*(?:{PART_WORDS}))",
            rf"(?P<year>{YEAR}年(?:度)?)(?!\d{{1,2}}\s*[月日号]|月|\d{{1,2}}\s*[-—至到~])",  # 2020年172件 too
            rf"(?P<months>(?:今年)?(?:1|一)月?\s*[-—至到~]\s*{MONTH}月(?:份)?)",
            rf"(?P<first_months>(?:{YEAR}年|今年)?(?<![提之以案])前{MONTH}个月)",
            rf"(?P<month>(?:(?:{YEAR}年)?(?<![\d\-—至到~])(?<!\d月){MONTH}月份|{YEAR}年{MONTH}月(?![\d日号底末初中上下旬份]))"
            r"(?!\s*(?:以来|起|[至到\-—–~]|[上中下]旬|初|底|末)))",  # no range (3月至8月), no day in it (5月份中旬)
            # to a quarter's or half's end, from January ('截至今年三季度末')
            rf"(?P<until_part>截[至止](?:到)?(?:今年|{YEAR}年)?(?:前|第)?(?:[一二三四1-4]季度|上半年)(?:末|底))",
            rf"(?P<until>截[至止](?:到)?(?:今年|{YEAR}年)?{MONTH}月(?:(?P<until_day>\d{{1,2}})日|(?P<third>[上中下]旬))"
            rf"|截[至止](?:到)?(?:今年|{YEAR}年)?{MONTH}月(?:底|末|份)?)",
            rf"(?P<part>{PART_WORDS})",
            r"(?P<to_date>今年以来|今年来|今年|截[至止](?:到)?目前|迄今)",
            r"(?<![实出发体表呈展再])(?P<now>目前|现有|现在|当前|如今|现(?=共有|已有|已建|共建))",
            r"(?P<last_year>去年|上年度|上一年度|上年|上一年)",
            rf"(?P<last_n>(?:近|过去)(?:[两{CN_DIGITS}]|\d{{1,2}})年(?:来|以来|间)?(?=[,，]|来|以来|间|共|累计|全[县区市])"
            rf"|(?<![\d{CN_DIGITS}第每前刑])[两{CN_DIGITS}]年(?:来|以来|间))",
            r"(?P<recent>近年来|近几年来?|多年来|历年来)",
        ]
    )
)
# Every period phrase starts with one of these (tests/test_extract_speed.py checks them against the pattern):
# looking ahead for one first lets the search pass every other position at once (7x faster, the same matches).
PHRASE_STARTS = '0123456789"“一上下今全前十去历迄多当如截现目第近过两二三四五六七八九自从'
PERIOD_PHRASE = re.compile(f"(?=[{PHRASE_STARTS}])(?:{PERIOD_PHRASE.pattern})")
COMPARISON_BASE = re.compile(r"(较|比|与)$")
TARGET_REFERENCE = re.compile(r"(的)?(任务|计划|目标)")
QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
THIRDS = {"上旬": 5, "中旬": 15, "下旬": 25}  # the middle day of each third of a month
PARTS = {
    "一季度": (1, 3),
    "第一季度": (1, 3),
    "1季度": (1, 3),
    "上半年": (1, 6),
    "前三季度": (1, 9),
    "全年": (1, 12),
    "二季度": (4, 6),  # a later quarter or half is its own months, not the year to it (前三季度 is found first)
    "三季度": (7, 9),
    "四季度": (10, 12),
    "下半年": (7, 12),
}
# Dates a report carries in its first lines: 发布日期: 2019年05月28日, 2021-09-29, 23.07.2015 (not the first day of a
# span: '2021年1月25—11月25日').
REPORT_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d|日?[-—–~至到]\d{1,2}月\d{1,2}[日号])日?"
    r"|(?<!\d)(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>(?:19|20)\d\d)"
)

# Web addresses of news and government pages carry their publication date: /art/2025/1/26/, /2015-09/06/,
# /t20260226_, /content/20231027/, /2021-12-31/, /n1/2019/0126/; or the month only: /202108/.
URL_DAY = [
    re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?=[/_.]|$)"),
    re.compile(r"[/t_](?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?=[/_.]|$)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
]
URL_MONTH = re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)/")
# A news release's dateline: '记者12日从…获悉', '5月8日,记者从…' (the day, and perhaps the month, of the report).
DATELINE = re.compile(r"记者(?P<d>\d{1,2})日|(?P<m>\d{1,2})月(?P<d2>\d{1,2})日[,，]?\s*(?:本报)?记者")


@dataclass(frozen=True)
class Span:
    """A period a text names: first and last day (None when open or unknown), and how it was read."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    how: str
    to_report_date: bool = False  # the period runs to the report's date (今年以来, 截至目前)
    bare_year: bool = False  # a year named alone (2021年), which a document's own period may narrow
    given: bool = False  # given by sources.csv or --period, not read from the text


@dataclass(frozen=True)
class Phrase:
    """A period phrase at a position in a sentence."""

    start: int
    end: int
    span: Span | None  # None: a point in time only (目前, 现有) with no report date known
    base: bool = False  # the base of a comparison (较上一年度, 比2020年): not the period of a change
    now: bool = False  # 目前, 现有: the time of writing
    recent: bool = False  # 近年来, 多年来: years the text does not state


@dataclass(frozen=True)
class DocumentPeriod:
    """The period a document reports on, the report's date, and the day its stocks are counted at."""

    span: Span | None
    report_date: pd.Timestamp | None
    as_of: pd.Timestamp | None
    how: str
    recent: bool = False  # the opening speaks of recent years (近年来) and names no period
    news: bool = False  # a news lead or dateline opens it: 去年 is the year before it was written
    annual: bool = False  # the opening names its year as a 年度 (an annual report: '对全区2020年度…进行了统计')

    @property
    def written(self) -> int | None:
        """The year a news report was written (its 去年 is the year before), else None."""
        return self.report_date.year if self.news and self.report_date is not None else None


def month_end(year: int, month: int) -> pd.Timestamp:
    """The last day of a month, as a Timestamp (compare.data.periods.month_end)."""
    return pd.Timestamp(last_day(year, month))


def _month(text: str) -> int:
    return int(text) if text.isdigit() else CN_MONTHS.get(text, 0)


def _capped(span: Span, report_date: pd.Timestamp | None) -> Span:
    """A span that cannot end after the report's date (a year's review published in December)."""
    if (
        report_date is not None
        and span.end is not None
        and span.start is not None
        and span.start <= report_date < span.end
    ):
        return Span(span.start, report_date, f"{span.how}, to the report's date", True, span.bare_year)
    return span


def _phrase_span(
    m: re.Match, year: int | None, report_date: pd.Timestamp | None, written: int | None = None
) -> Span | None:
    """The span one matched period phrase names, given the year it speaks of and the report's date."""
    g, text = m.groupdict(), m.group(0)
    if g["span"]:
        y1, y2 = (int(y) for y in re.findall(YEAR, text))
        return Span(pd.Timestamp(y1, 1, 1), pd.Timestamp(y2, 12, 31), text) if y1 <= y2 else None
    if g["plan"]:
        first = FIVE_YEAR_PLANS[re.search("十[二三四五]五", text).group(0)]
        if "以来" in text:
            return Span(pd.Timestamp(first, 1, 1), report_date, text, True)
        return Span(pd.Timestamp(first, 1, 1), pd.Timestamp(first + 4, 12, 31), text)
    if g["since"]:
        began = re.search(YEAR + rf"年(?:{MONTH}月)?", text)
        month = _month(began.group(2)) if began.group(2) else 1
        return Span(pd.Timestamp(int(began.group(1)), month, 1), report_date, text, True)
    if g["days"]:  # 2018年7月16日-7月22日: a week's (or any run of days') figures
        years = [int(y) for y in re.findall(YEAR, text)]
        months = [int(x) for x in re.findall(r"(\d{1,2})月", text)]
        days = [int(x) for x in re.findall(r"月(\d{1,2})|(?<![\d月])(\d{1,2})[日号]", text) for x in x if x]
        first = _date(years[0], months[0], days[0])
        last = _date(years[-1], months[-1], days[-1])
        return Span(first, last, text) if first is not None and last is not None and first <= last else None
    if g["to_month_end"]:  # 2021年1月1日至3月底
        years = [int(y) for y in re.findall(YEAR, text)]
        first_month, first_day = (int(x) for x in re.search(r"年(\d{1,2})月(\d{1,2})", text).groups())
        first = _date(years[0], first_month, first_day)
        last_month = _month(re.findall(MONTH + "月", text)[-1])
        if first is None or not 1 <= last_month <= 12:
            return None
        last = month_end(years[-1], last_month)
        return Span(first, last, text) if first <= last else None
    if g["year_months"] or g["months"]:
        y, rest, _ = _named_year(text, year, report_date)
        if text.startswith("今年") and report_date is not None:  # 今年1-2月: this year's, as of writing
            y = report_date.year
        last = _month(re.findall(MONTH, text[rest:])[-1])
        return Span(pd.Timestamp(y, 1, 1), month_end(y, last), text) if y and 1 <= last <= 12 else None
    if g["first_months"]:  # 今年前8个月, 2015年前11个月 (not 提前3个月, 结案前3个月): January to that month's end
        y, _, _ = _named_year(text, year, report_date)
        last = _month(re.findall(MONTH, text[text.index("前") :])[0])
        return Span(pd.Timestamp(y, 1, 1), month_end(y, last), text) if y and 1 <= last <= 12 else None
    if g["month"]:  # 8月份, 2016年8月: one month (of the year it names, else the year the text speaks of)
        y, rest, named = _named_year(text, year, report_date)
        m = _month(re.findall(MONTH + "月", text[rest:])[0])
        if not y or not 1 <= m <= 12:
            return None
        if not named and report_date is not None and pd.Timestamp(y, m, 1) > report_date:
            y -= 1  # '8月份' in a January release is last August
        return Span(pd.Timestamp(y, m, 1), month_end(y, m), text)
    if g["year_part"] or g["part"]:
        y = int(text[:4]) if g["year_part"] else year
        if y is None and report_date is not None:  # a review's 全年 published early the next year is last year's
            y = report_date.year - 1 if text == "全年" and report_date.month <= 3 else report_date.year
        first, last = next(v for k, v in PARTS.items() if text.endswith(k))
        if y and g["part"] and report_date is not None and pd.Timestamp(y, first, 1) > report_date:
            y -= 1  # '下半年' in a January release is last year's second half
        return Span(pd.Timestamp(y, first, 1), month_end(y, last), text) if y else None
    if g["year"]:
        y = int(text[:4])
        return Span(pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31), text, bare_year=True)
    if g["until_part"]:  # 截至今年三季度末: the year to the quarter's end
        y, rest, named = _named_year(text, year, report_date)
        quarter = re.search(r"([一二三四1-4])季度", text[rest:])
        last = 3 * QUARTERS[quarter.group(1)] if quarter else 6  # 上半年末: June
        if y and not named and "今年" not in text and report_date is not None and month_end(y, last) > report_date:
            y -= 1  # '截至三季度末' in a January release: last year's
        return Span(pd.Timestamp(y, 1, 1), month_end(y, last), text) if y else None
    if g["until"]:
        y, rest, _ = _named_year(text, year, report_date)  # 截至2024年4月10日 names its year
        months = [_month(x) for x in re.findall(MONTH, text[rest:])]
        if not y or not months or not 1 <= months[0] <= 12:
            return None
        if g["until_day"] or g["third"]:  # 截至11月中旬: mid-November, the middle of the month's second ten days
            day = _date(y, months[0], g["until_day"] or THIRDS[g["third"]])
            return Span(pd.Timestamp(y, 1, 1), day, text) if day is not None else None
        return Span(pd.Timestamp(y, 1, 1), month_end(y, months[0]), text)
    if g["to_date"]:
        if report_date is None:
            return None
        return Span(pd.Timestamp(report_date.year, 1, 1), report_date, f"{text} to the report's date", True)
    if g["last_n"] and year:  # 近三年, 五年来: the years up to the one the text speaks of
        n = re.search(rf"([两{CN_DIGITS}]|\d{{1,2}})年", text).group(1)
        count = int(n) if n.isdigit() else CN_DIGITS.index(n.replace("两", "二")) + 1
        if 2 <= count <= 10:
            return Span(pd.Timestamp(year - count + 1, 1, 1), pd.Timestamp(year, 12, 31), text)
        return None
    if g["last_year"] and (written or year):
        before = (written or year) - 1
        return Span(pd.Timestamp(before, 1, 1), pd.Timestamp(before, 12, 31), text)
    return None


def _named_year(text: str, year: int | None, report_date: pd.Timestamp | None) -> tuple[int | None, int, bool]:
    """(year, where the rest of the phrase starts, whether the phrase names it): the year a phrase names
    ('2016年8月'), else the year the text speaks of, else the report's."""
    named = re.search(YEAR + "年", text)
    if named:
        return int(named.group(1)), named.end(), True
    return year or (report_date.year if report_date is not None else None), 0, False


def phrases(
    sentence: str,
    year: int | None,
    report_date: pd.Timestamp | None,
    written: int | None = None,
    year_of_date: bool = False,
) -> list[Phrase]:
    """The period phrases of a sentence, left to right. A year named in the sentence is the year of the
    phrases after it (2019年1至7月), but not of 今年, the year of writing (…2014年进入全面推进阶段，截至今年9月底),
    or the document's year where that would end after the report; otherwise the document's year. written: the
    year a news report was written, whose 去年 is the year before it (unless the sentence named a year first).
    year_of_date: the year is only the report date's (the document names no period of its own); then 全年 said in
    the year's first months, naming no year and planning nothing, is the year just past."""
    found, own_year, named = [], year, False
    for m in PERIOD_PHRASE.finditer(sentence):
        if TARGET_REFERENCE.match(sentence, m.end()):  # 全年任务, 年度计划: the target's year, not the number's
            continue
        if "今年" in m.group(0):  # the year of writing, or the document's when that would end after the report
            span = _phrase_span(m, report_date.year if report_date is not None else own_year, report_date, written)
            if span is not None and span.end is not None and report_date is not None and span.end > report_date:
                span = _phrase_span(m, own_year, report_date, written) if own_year else None
        elif m["part"] == "全年" and year_of_date and not named and _last_years_whole(sentence, report_date):
            span = _phrase_span(m, None, report_date, written)
        else:
            span = _phrase_span(m, year, report_date, written)
        if m["year"] or m["year_part"] or m["year_months"] or (m["until_part"] and re.search(YEAR + "年", m[0])):
            year, written = int(re.search(YEAR, m.group(0)).group(1)), None
        named = named or (_names_a_year(m) and not _since_last_year(m, report_date))
        if span is not None and span.start is not None and span.end is not None and span.end < span.start:
            span = None
        base = bool(COMPARISON_BASE.search(sentence, max(0, m.start() - 2), m.start()))
        span = _capped(span, report_date) if span else None
        found.append(Phrase(m.start(), m.end(), span, base, bool(m["now"]), bool(m["recent"])))
    return found


# Words that plan what a year will bring ('力争全年…', '预计全年…', '全年要…', '今年全年，全县将…').
PLANNED = re.compile("力争|预计|计划|目标|任务|确保|争取|部署|拟|将|(?<![重主需只])要(?![求素点])")


def _names_a_year(m: re.Match) -> bool:
    """Whether a period phrase names its year (2019年…, 今年…)."""
    return bool(re.search(YEAR + "年|今年", m.group(0)))


def _since_last_year(m: re.Match, report_date: pd.Timestamp | None) -> bool:
    """'2021年以来' in a report of early 2022: the year just past, which a 全年 after it is."""
    return (
        bool(m["since"])
        and report_date is not None
        and int(re.search(YEAR, m.group(0)).group(1)) == report_date.year - 1
    )


def _last_years_whole(sentence: str, report_date: pd.Timestamp | None) -> bool:
    """Whether 全年 in a report dated in a year's first three months speaks of the year just past: the sentence
    plans nothing for the year ahead."""
    return report_date is not None and report_date.month <= 3 and not PLANNED.search(sentence)


def _soon_after(day: pd.Timestamp, date: pd.Timestamp, days: int, same_day: bool = False) -> bool:
    """Whether date comes after day (or on it, same_day) by at most days."""
    gap = date - day
    return (gap >= pd.Timedelta(0) if same_day else gap > pd.Timedelta(0)) and gap <= pd.Timedelta(days=days)


def _date(y, m, d) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(int(y), int(m), int(d))
    except ValueError:
        return None


def url_date(url: str, simple_text: str = "") -> pd.Timestamp | None:
    """The publication date a report's web address carries (/art/2025/1/26/, /t20260226_, /2015-09/06/),
    or, when it gives the month only (/202108/), the day of a news dateline in the first lines
    ('记者12日从…获悉', '5月8日,记者从…'), else the month's last day (the latest the report can be)."""
    for m in (m for pattern in URL_DAY for m in pattern.finditer(url)):
        day = _date(m["y"], m["m"], m["d"])
        if day is not None:
            return day
    m = URL_MONTH.search(url)
    if m is None or not 1 <= int(m["m"]) <= 12:
        return None
    y, mo = int(m["y"]), int(m["m"])
    for d in DATELINE.finditer(simple_text[:OPENING_CHARS]):
        month = int(d["m"]) if d["m"] else mo
        day = _date(y, month, d["d"] or d["d2"])
        if day is not None and month in (mo, mo - 1):
            return day
    return month_end(y, mo)


# A news lead states the day the figures were given, a few days before the page went out: '12月23日,记者从
# 渭南市委政法委获悉:今年以来…', '4月16日,记者从泸溪县司法局获悉', '12月8日,…市司法局向媒体通报', '本报银川8月4日电
# 记者…今天从…获悉', '8月16日下午,50名记者走进…'.
LEAD_DAY = re.compile(
    r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日电?[上下]?午?[,，]?\s*(?:本报)?"
    r"(?:[^,，。]{0,20}?记者|[^,，。]{2,16}向媒体通报|[^。]{2,60}?新闻发布会)"
)
LEAD_LAG_DAYS = 10
# ... or the day before it was written: '记者昨日从…获悉', '昨天，…召开新闻发布会', '这是记者昨天从…了解到的'; written
# on the day of its dateline ('廊坊12月23日电') when it has one, else on the day it went out.
YESTERDAY_LEAD = re.compile(
    r"记者(?:从|于)?昨[日天]|昨[日天][上下]?午?[,，]?\s*(?:本报)?记者"
    r"|(?:^|(?<=[\s。，,]|讯))昨[日天][上下]?午?[,，][^。“”]{2,60}?新闻发布会"
)
# ... or the day the reporter names for the meeting it learnt them at: '记者从10月19日上午召开的…会议上获悉',
# '记者从19日召开的…获悉' (the page's month, or the month before for a day after the page's).
REPORTER_DAY = re.compile(r"记者(?:从|于)(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日[^。]{0,60}?(?:获悉|了解到)")
WIRE_DATELINE = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日电")


# A lead naming the day alone, the month being the page's: '8日,省司法厅举办…' opening a news page or a line of
# its opening, or after the agency's 讯 ('福州新闻网讯 12日记者从…了解到', '本报讯(记者 张三)8日,…').
DAY_LEAD = re.compile(
    r"(?:^|(?<=\n)|讯\s*(?:[(（][^)）\n]{0,20}[)）])?)\s*(?P<d>\d{1,2})日[上下]?午?(?:[,，]|\s*(?:本报)?记者)"
)
# ... but not in a digest or a schedule: several lines opening with a day ('\n3日，召开党组会。\n5日，…'), a line
# after a digest's heading ('2月工作动态\n1日，…') or an item after a colon ('近期重点工作：\n6日，…').
DAY_LINE = re.compile(r"(?:^|\n)\s*\d{1,2}日")
DIGEST = re.compile("动态|安排|日程|大事记|要闻|纪要")


def _stated_before(simple_text: str, published: pd.Timestamp) -> pd.Timestamp | None:
    """The day a news lead says the figures were given, when it is shortly before publication, else None."""
    head = simple_text[:OPENING_CHARS]
    for m in LEAD_DAY.finditer(head):
        day = _date(published.year, m["m"], m["d"])
        if day is not None and _soon_after(day, published, LEAD_LAG_DAYS):
            return day
    reporter = REPORTER_DAY.search(head)
    if reporter is not None:
        month = int(reporter["m"]) if reporter["m"] else published.month
        day = _date(published.year, month, reporter["d"])
        if day is not None and day > published and not reporter["m"]:
            day = _date(published.year, month - 1, reporter["d"]) if month > 1 else None
        if day is not None and _soon_after(day, published, LEAD_LAG_DAYS, same_day=True):
            return day
    alone = _day_lead(head)
    day = _date(published.year, published.month, alone["d"]) if alone else None
    return day if day is not None and _soon_after(day, published, LEAD_LAG_DAYS) else None


def _day_lead(head: str) -> re.Match | None:
    """A lead naming the day alone in an opening (head), unless the opening is a digest's or a schedule's."""
    alone = DAY_LEAD.search(head)
    if alone is None or len(DAY_LINE.findall(head)) > 1 or DIGEST.search(head, 0, alone.start()):
        return None
    return None if head[: alone.start()].rstrip().endswith((":", "：")) else alone  # an item under '近期重点工作：'


def _day_before_writing(simple_text: str, published: pd.Timestamp) -> pd.Timestamp | None:
    """The day before a news report was written, when its lead says the figures were given 'yesterday', else None."""
    head = simple_text[:OPENING_CHARS]
    if not YESTERDAY_LEAD.search(head):
        return None
    wire = WIRE_DATELINE.search(head)
    written = _date(published.year, wire["m"], wire["d"]) if wire else None
    if written is None or not _soon_after(written, published, LEAD_LAG_DAYS, same_day=True):
        written = published
    yesterday = written - pd.Timedelta(days=1)
    return yesterday if yesterday.year == written.year else None  # 1 January: 今年 is still the new year


def report_date(simple_text: str, ctx: Context) -> pd.Timestamp | None:
    """The report's date: its publication date when known, else the first full date in its first lines, else
    the date its web address carries; for a news report whose lead says when its figures were given (a day
    shortly before, or yesterday), that day."""
    page = ctx.published or _first_full_date(simple_text) or (url_date(ctx.url, simple_text) if ctx.url else None)
    if page is None:
        return _lead_day_of_named_year(simple_text)
    return _day_before_writing(simple_text, page) or _stated_before(simple_text, page) or page


def _first_full_date(simple_text: str) -> pd.Timestamp | None:
    """The first full date in a text's first lines (发布日期: 2019年05月28日, 2021-09-29, 23.07.2015), or None."""
    for m in REPORT_DATE.finditer(simple_text[:OPENING_CHARS]):
        y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
        day = _date(y, mo, d)
        if day is not None:
            return day
    return None


def _lead_day_of_named_year(simple_text: str) -> pd.Timestamp | None:
    """For a page with no date of its own: the day its news lead names ('11月26日上午,…召开…新闻发布会'), in
    the year its opening names ('2024年法律援助…'), or the next when that year's period ends after the day (a
    January lead on last year's work), or None."""
    text = opening(simple_text)
    lead, year = LEAD_DAY.search(text), re.search(YEAR + "年", text)
    if not (lead and year):
        return None
    day = _date(int(year.group(1)), lead["m"], lead["d"])
    reported = _opening_span(text, None)
    early = day is not None and day.month <= 3  # a lead in the first quarter on the year the opening names
    if early and reported is not None and reported.end is not None and reported.end > day:
        return _date(int(year.group(1)) + 1, lead["m"], lead["d"])  # '1月10日,…获悉,2019年,…': January 2020
    return day


def opening(simple_text: str) -> str:
    """The first OPENING_CHARS characters, extended to the end of the sentence they cut."""
    end = re.compile(r"[。！？!?\n]").search(simple_text, OPENING_CHARS)
    return simple_text[: end.end() if end else len(simple_text)]


LABELS_A_COUNT = re.compile(r"\s*(共|累计|分别|达|为|有)?\s*\d")


def _opening_span(opening: str, date: pd.Timestamp | None) -> Span | None:
    """The first period the opening names, narrowed by a part of that year named next ('2015年，…。上半年，…');
    a year long before the report's date is history, not the report's period."""
    named = [
        p
        for p in phrases(opening, None, date)
        if p.span is not None
        and p.span.start is not None
        and (date is None or ((p.span.end is None or p.span.end.year >= date.year - 1) and p.span.start <= date))
        and not _a_milestone(opening, p)
    ]
    if not named:
        return None
    first = named[0].span
    narrower = next(
        (
            p.span
            for p in named[1:]
            if not LABELS_A_COUNT.match(opening, p.end)  # '其中上半年230件': a part's period, not the report's
            and not opening[: p.start].rstrip(" ,，:：").endswith("其中")  # '…1505件。其中上半年办理…702件'
            and _part_of_year(p.span, first)
        ),
        None,
    )
    if narrower is not None and first.end - first.start > pd.Timedelta(days=360):
        return narrower
    return first


def _part_of_year(s: Span, first: Span) -> bool:
    """Whether s is a part of the year first names (上半年, 1-8月), longer than one month in it."""
    return (
        s.start.year == first.start.year
        and first.start <= s.start
        and s.end is not None
        and s.end - s.start > pd.Timedelta(days=31)
        and first.end is not None
        and s.end < first.end
    )


# A heading that says which year the report reviews: '一、2023年工作总结', '2019年工作开展情况'.
REVIEW_HEADING = re.compile(
    r"^[^\S\r\n]*(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．])?[^\S\r\n]*(?P<y>(?:19|20)\d\d)年度?"
    r"(?:主要)?工作(?:开展|推进|完成|落实)?(?:情况|总结|回顾)[^\S\r\n]*$",  # blanks within the line only
    re.MULTILINE,
)


def _reviewed_year(simple_text: str, span: Span | None, date: pd.Timestamp | None) -> Span | None:
    """The year a review heading names, when the opening gave no period or only one relative to the report's
    date (今年以来 in a summary published the next spring): the report's '今年' is the year it reviews. Only
    the report's own year or the one before can be reviewed (a heading on an older year is history)."""
    if span is not None and not (span.to_report_date and not re.match(YEAR, span.how)):
        return None
    m = REVIEW_HEADING.search(simple_text)
    if m is None:
        return None
    year = int(m["y"])
    if date is not None and year not in (date.year, date.year - 1):
        return None
    if span is not None and span.start is not None and span.start.year == year:
        return None
    return Span(pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), f"the heading '{m.group(0).strip()}'")


# One-day event news: '5月31日上午,…县司法局…开展…活动', '自4月17日开始,…': what the page counts is that
# day's, or those days' up to the page.
EVENT_DAY = re.compile(
    r"(?:^|[。\n\s,，)）])(?P<since>自|从)?(?:(?:19|20)\d\d年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?P<open>开始|起|以来)?"
    r"(?:上午|下午|晚上?)?[,，]"
)
EVENT_LAG_DAYS = 10
# A sentence opening with the day of an event ('4月8日,…举行了集中宣传活动,…发放宣传资料15000余份', '2018年7月13日,
# …活动在…举行'): what it counts is that day's.
EVENT_SENTENCE = re.compile(r"\s*(?:(?P<y>(?:19|20)\d\d)年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:上午|下午|晚上?)?[,，]")


SINCE_THE_DAY = re.compile(r"至今|以来|累计|截至|截止")
EVENT_OLD_DAYS = 183  # a day this long before the report is history, not the day of its counts


def event_day(sentence: str, year: int | None, report_date: pd.Timestamp | None) -> Phrase | None:
    """The day a sentence opens with, as a period phrase for its numbers, or None (no such opening, a news lead, or
    a day after the report's)."""
    m = EVENT_SENTENCE.match(sentence)
    if m is None or LEAD_DAY.match(sentence, m.start("m")):
        return None
    day = _date(int(m["y"]) if m["y"] else year, m["m"], m["d"]) if (m["y"] or year) else None
    too_old = report_date is not None and day is not None and day.year < (year or report_date.year)
    if (
        day is None
        or (report_date is not None and day > report_date)
        or (too_old and (report_date - day).days > EVENT_OLD_DAYS)
    ):
        return None
    if SINCE_THE_DAY.search(sentence, m.end()):  # '2018年7月13日,…揭牌运行,至今已接待…': counted since that day
        return None
    return Phrase(m.start(), m.end(), Span(day, day, m.group(0).strip(" ,，")))


def _event_days(text: str, date: pd.Timestamp | None) -> Span | None:
    """The day (or, after 自/起, the days up to the report) an event report's opening (text) names, when the
    report came out at most EVENT_LAG_DAYS after it; else None."""
    if date is None:
        return None
    m = EVENT_DAY.search(text)
    if m is None or LEAD_DAY.match(text, m.start("m")):  # '4月16日,记者从…获悉': a news lead, no event
        return None
    day = _date(date.year, m["m"], m["d"])
    if day is None or not _soon_after(day, date, EVENT_LAG_DAYS, same_day=True):
        return None
    if m["since"] or m["open"]:
        return Span(
            day, date, f"from the day the opening names ('{m.group(0).strip(' ,，。')}') to the report's date", True
        )
    return Span(day, day, f"the day the opening names ('{m.group(0).strip(' ,，。')}')")


def _news(text: str) -> bool:
    """Whether a news lead or dateline stands in an opening (text)."""
    return bool(LEAD_DAY.search(text) or DATELINE.search(text))


# '普陀年鉴2012', '2012年鉴': a yearbook of one year records the year before it.
YEARBOOK = re.compile(r"年鉴\s*[(（]?(?P<a>(?:19|20)\d\d)|(?P<b>(?:19|20)\d\d)\s*年?鉴")


# '现将2024年区政府复议应诉工作情况汇报如下': the report says which year it reports on, however long after it was
# posted (a page dated two years later, by its address, still reports on that year).
REPORT_FORMULA = re.compile(
    r"现将[^。！？\n]{0,20}?(?P<y>(?:19|20)\d\d)年度?[^。！？\n]{0,40}?(报告|汇报|总结|通报|公示)如下"
)


HISTORY_BEFORE = re.compile(r"自|从|按照|根据|贯彻|落实|为|早在|于")
HISTORY_IN = re.compile(r"^\s*(?:起|以来|开始|至今)|成立|被确定|被评为|荣获|获评|率先|启动|推行|挂牌|揭牌")
COUNT_IN = re.compile(
    r"(?<!第)(?:\d+(?:\.\d+)?\s*[万亿]?\s*(?:件|起|宗|人|名|个|场|份|次|万元|元)"
    r"|(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千]{2,})\s*[万亿]?\s*[余多]?\s*(?:件|起|宗|场|份|人次|次|万元|元))"
)  # 余/多 and Chinese numerals count work ('8600余起', '八十六件'), not a stock or a group ('二十余名律师')


def _reposted_span(simple_text: str, opening: str, date: pd.Timestamp | None) -> Span | None:
    """The first period the opening names when it is years before the page's date and the text names no year
    since: a page that reposts an old report ('时间:2023-08-20' over a 2019 summary) dates the repost, not the
    report."""
    if date is None or any(int(y) >= date.year - 1 for y in re.findall(YEAR + "年", simple_text)):
        return None
    named = [p for p in phrases(opening, None, None) if p.span is not None and p.span.start is not None]
    if not named or named[0].span.end is None or named[0].span.end >= date:
        return None
    first = named[0]
    sentence_end = re.compile(r"[。！？!?\n]").search(opening, first.end)
    rest = opening[first.end : sentence_end.start() if sentence_end else len(opening)]
    # a summary's year ('2019年全市…共收到…469件'), not history ('2019年，我县被确定为试点', '自2016年…以来')
    count = COUNT_IN.search(rest)
    if (
        HISTORY_BEFORE.search(opening, max(0, first.start - 4), first.start)
        or count is None
        or HISTORY_IN.search(rest, 0, count.start())  # history before the count, not after it
    ):
        return None
    return first.span


# Steps of a history ('从2007年开展试点,2010年全面试行,2014年进入全面推进阶段'): the step follows the year at once,
# after an earlier year's step in its sentence ('2021年全区推行…', '2021年全面推行…制度，2020年试点的…',
# '2020年率先启动…，较2019年增长30%' are a year's work).
MILESTONE = re.compile(
    r"^\s*(?:起|以来|开始|至今)|^\s*(?:全面|正式|开始|率先)?(?:进入|试行|试点|推开|推行|启动|成立|开展试点|被确定|被评为|挂牌|揭牌)"
)
CLAUSE_STOP = re.compile(r"[,，;；。！？!?\n]")


def _a_milestone(opening: str, p: Phrase) -> bool:
    """Whether a year named alone dates a later step in a history ('2014年进入全面推进阶段' after '从2007年开展试点'),
    with no count in its clause, rather than the period the report speaks of."""
    if p.span is None or not p.span.bare_year:
        return False
    stop = CLAUSE_STOP.search(opening, p.end)
    clause = opening[p.end : stop.start() if stop else len(opening)]
    sentence_start = max(opening.rfind(c, 0, p.start) for c in "。！？\n") + 1
    sentence_end = SENTENCE_END.search(opening, p.end)
    sentence = opening[sentence_start : sentence_end.start() if sentence_end else len(opening)]
    at = p.start - sentence_start
    earlier = [m for m in re.finditer(YEAR + "年", sentence[:at]) if MILESTONE.match(sentence[m.end() :])]
    later_step = any(int(m.group(1)) < p.span.start.year for m in earlier)
    return later_step and bool(MILESTONE.search(clause)) and not COUNT_IN.search(clause)


def _formula_span(opening: str, date: pd.Timestamp | None) -> Span | None:
    """The year the opening's '现将…年…汇报如下' names, or None (none, or a year after the report's date)."""
    m = REPORT_FORMULA.search(opening)
    if m is None or (date is not None and int(m["y"]) > date.year):
        return None
    year = int(m["y"])
    return Span(pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), f"the report's words '{m.group(0)}'")


def _yearbook_span(title: str) -> Span | None:
    """The year a yearbook's title says it records (the year before the yearbook's), or None."""
    m = YEARBOOK.search(title or "")
    if m is None:
        return None
    year = int(m["a"] or m["b"]) - 1
    return Span(pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), f"the yearbook title '{m.group(0)}'")


# A programme's start, its pilot or roll-out ('自2006年试点以来', '从2007年开展试点', '自2010年5月开始社区矫正工作试点',
# '2003年被确定为社区矫正试点省', '从2010年起全面试行'): the first day of the span over which its running totals
# (累计接收 … since then) accumulate. Other work begun in a year ('2019年开展…活动', '2013年起实行…') is no start.
PROGRAMME_START = re.compile(
    rf"{YEAR}年(?:{MONTH}月份?)?[^,，。；;\d]{{0,12}}?(?:试点|试行|推开)(?=以来|工作|[省县市区]|地区|单位|[,，。；;、]|$)"
)  # what follows the pilot word is no object of it: '2018年试行社区矫正对象电子定位监管' pilots something else
# A start's own clause naming other work ('我县2008年被确定为全省人民调解工作试点县', '值班律师制度2016年全面推开')
OTHER_PROGRAMME = re.compile("调解|法律援助|值班律师|普法|公证|复议|法律顾问|公共法律服务|司法所|电子|定位")


def programme_start(simple_text: str, topic: re.Pattern) -> pd.Timestamp | None:
    """The earliest start the text gives a programme in a paragraph on topic (the pilot's, before the roll-out's),
    or None when it states none: a running total with no stated start has no period."""
    starts = []
    for m in PROGRAMME_START.finditer(simple_text):
        paragraph_end = simple_text.find("\n", m.end())
        paragraph_end = len(simple_text) if paragraph_end < 0 else paragraph_end
        clause_start = max(simple_text.rfind(c, 0, m.start()) for c in ",，。；;\n") + 1
        clause = simple_text[clause_start : m.end()]
        if not topic.search(clause) and OTHER_PROGRAMME.search(clause):
            continue
        if topic.search(simple_text, simple_text.rfind("\n", 0, m.start()) + 1, paragraph_end):
            starts.append(pd.Timestamp(int(m.group(1)), _month(m.group(2)) if m.group(2) else 1, 1))
    return min(starts, default=None)


def document_period(simple_text: str, ctx: Context) -> DocumentPeriod:
    """The document's period: the context's (sources.csv, --period) when given, else the first period
    phrase of its opening; and the day its stocks are counted at."""
    date, head = report_date(simple_text, ctx), opening(simple_text)
    if ctx.period_start is not None:
        span = Span(ctx.period_start, ctx.period_end, "given (sources.csv or --period)", given=True)
    else:
        span = (
            _opening_span(head, date)
            or _formula_span(head, date)
            or _reposted_span(simple_text, head, date)
            or _yearbook_span(ctx.title)
            or _event_days(head, date)
        )
        if span is not None and span.end is not None and date is None and span.end > pd.Timestamp.now():
            span = None
        reviewed = _reviewed_year(simple_text, span, date)
        if reviewed is not None:  # the report speaks as at the end of the year it reviews ('今年' is that year)
            span, date = reviewed, min(date, reviewed.end) if date is not None else reviewed.end
    if span is None:
        how = (
            f"no period in the opening; stocks at the report's date {date:%Y-%m-%d}"
            if date is not None
            else ("no period in the opening and no report date")
        )
        recent = any(p.recent for p in phrases(head, None, date))
        return DocumentPeriod(None, date, date, how, recent, news=_news(head))
    as_of = date if (span.to_report_date or span.end is None or (date is not None and span.end >= date)) else span.end
    annual = "年度" in span.how or (span.start is not None and _names_its_year(head, span.start.year))
    return DocumentPeriod(span, date, as_of, span.how, news=_news(head), annual=annual)


HONOUR_CLAUSE = re.compile(r"荣获|获评|评为|获得|授予|表彰|先进|优秀|模范|示范|称号|奖")


def _names_its_year(head: str, year: int) -> bool:
    """Whether the opening names its year as a 年度 it reviews ('对全区2020年度…进行了统计'), not an honour's year
    ('荣获2020年度…先进集体')."""
    for m in re.finditer(f"{year}年度", head):
        start = max((head.rfind(c, 0, m.start()) for c in "，,。；;\n"), default=-1) + 1
        ends = [i for i in (head.find(c, m.end()) for c in "，,。；;\n") if i >= 0]
        if not HONOUR_CLAUSE.search(head, start, min(ends, default=len(head))):
            return True
    return False


def _within(year_span: Span, doc_span: Span | None) -> bool:
    """Whether a year a sentence names is the document's own: the year of a period given for it (sources.csv,
    --period), or the year a period read from its opening lies in ('2021年，…' in a half-year report)."""
    if doc_span is None or doc_span.start is None:
        return False
    last = (doc_span.end or doc_span.start).year
    if doc_span.given:
        return doc_span.start.year <= year_span.start.year <= last
    return doc_span.start.year == last == year_span.start.year


def out_of_scope(dating: Dating, doc: DocumentPeriod, statement: str, history: bool = False) -> bool:
    """Whether a number is dated outside what the report speaks of: history more than a year before its
    period (a comparison with the previous year stays; history=True keeps all history, as a series by year
    gives it), or a year after it that is not a target."""
    if dating.start is None or dating.end is None:
        return False
    anchor = doc.span if doc.span is not None and doc.span.start is not None else None
    if anchor is None and dating.end is not None and doc.report_date is not None and dating.end <= doc.report_date:
        return False  # a report that names no period of its own ('近年来'): the years its sentences name are its
    first = anchor.start.year if anchor else (doc.report_date.year if doc.report_date is not None else None)
    last = (anchor.end or anchor.start).year if anchor else first
    if first is None:
        return False
    if doc.report_date is not None:
        last = max(last, doc.report_date.year)
    open_ended = anchor is not None and anchor.end is None  # '自2009年以来' with no report date: up to when?
    after = dating.start.year > last and statement != "target" and not open_ended
    return (dating.end.year < first - 1 and not history) or after


# A review of a year released this soon after its end speaks of the year's end when it says 目前 or 现有.
REVIEW_LAG_DAYS = 92
# 目前 after a cut-off this recent speaks of the cut-off ('截至2017年2月，…。目前在册365名' on 1 April); after an older
# one it speaks of later ('截至2020年10月，…12个。目前，…已增至15个' in March).
CUT_OFF_DAYS = 62
# A report on a part of a year (上半年, 前三季度) comes out within two months of it; later, 今年以来 runs on.
PART_REVIEW_LAG_DAYS = 62


def _reviewed_year_end(doc: DocumentPeriod) -> pd.Timestamp | None:
    """The end of the year a document reviews when it was released within REVIEW_LAG_DAYS after it (a January
    press conference on last year's work), else None."""
    span, date = doc.span, doc.report_date
    if span is None or span.start is None or span.end is None or date is None or span.to_report_date:
        return None
    whole_year = span.start.month == 1 and span.start.day == 1 and (span.end.month, span.end.day) == (12, 31)
    return span.end if whole_year and _soon_after(span.end, date, REVIEW_LAG_DAYS) else None


@dataclass(frozen=True)
class Dating:
    """The period a number is given: first and last day ('' when unknown) and how it was read."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    how: str
    unknown: bool = False  # nothing in the text or the context dates it
    unstated: bool = False  # a flow over recent years (近年来) whose span the text does not state


# The base of a comparison dates only the figure given right after it ('较2020年172件', '比2017年的824件',
# '较2020年该类案件量42件'), not the later figures of its sentence.
BASE_VALUE_GAP = re.compile(r"(同期)?的?[^\d,，;；。、]{0,6}")


# Words that say a report speaks of a new year ('新年伊始，…', '进入新的一年，…', '今年1月，…28件', '今年前两个月'):
# its 今年 is then that year, not the one an annual report reviews ('今年1月至12月' is the whole reviewed year).
NEW_YEAR = re.compile(r"新年伊始|进入新的一年|进入新年|今年[1一元]月(?![^,，。;；]{0,3}12月)|今年前[两二三1-3]个月")


def _means_the_reviewed_period(
    span: Span | None,
    doc: DocumentPeriod,
    before: list[Phrase],
    carried: Span | None,
    section: Span | None,
    words_before: str,
) -> bool:
    """Whether a span running to the report's date (今年, 今年以来) means the period a report reviews: an annual
    report (2014年度) or one on a part of a year (上半年, 1-9月), released soon after it, was written within it;
    not when the words before the number enter the new year (NEW_YEAR), or a period the sentence, paragraph or
    heading names ends after the reviewed one."""
    if span is None or not (span.to_report_date and span.how.startswith("今年")) or doc.span is None or doc.span.given:
        return False
    named = [p.span for p in before] + [carried, section]
    if NEW_YEAR.search(words_before) or any(_after_the_reviewed(s, doc) for s in named):
        return False
    return (doc.annual and bool(_reviewed_year_end(doc))) or _part_of_a_year_just_past(doc)


def _after_the_reviewed(span: Span | None, doc: DocumentPeriod) -> bool:
    """Whether a period the sentence, paragraph or heading names ends after the one a report reviews ('进入2021年',
    '二、2021年工作打算' in a 2020 report): its 今年 is then the new year. Earlier ones ('去年', '“十三五”期间') are
    no sign of it; 今年 itself is not."""
    if span is None or span.end is None or doc.span is None or doc.span.end is None or span.how.startswith("今年"):
        return False
    return span.end > doc.span.end


def _part_of_a_year_just_past(doc: DocumentPeriod) -> bool:
    """Whether the document reviews a stated part of one year (上半年, 前三季度) that ended shortly before it."""
    span, date = doc.span, doc.report_date
    if span.bare_year or span.to_report_date or span.start is None or span.end is None or date is None:
        return False
    if _cut_off(span) is not None:  # '截至6月底，…' opens a release, no report on the half year
        return False
    part = span.start.year == span.end.year and span.end - span.start < pd.Timedelta(days=360)
    return part and _soon_after(span.end, date, PART_REVIEW_LAG_DAYS)


def _cut_off(span: Span | None, date: pd.Timestamp | None = None) -> Span | None:
    """The span if it runs to a stated day ('截至2017年2月', '截止到11月30日') shortly before the report's date
    (when given): what 目前 then speaks of. A cut-off years back is history ('截至2016年12月，已为56个村…')."""
    if span is None or span.end is None or span.to_report_date or not span.how.startswith("截"):
        return None
    if date is not None and not _soon_after(span.end, date, CUT_OFF_DAYS, same_day=True):
        return None
    return span


def date_number(
    sentence_phrases: list[Phrase],
    position: int,
    doc: DocumentPeriod,
    kind: str,
    statement: str,
    carried: Span | None = None,
    carried_now: bool = False,
    section: Span | None = None,
    sentence: str = "",
) -> Dating:
    """The period of a number at position: the last period phrase before it in its sentence, else the one
    an earlier sentence of its paragraph named (carried), else the heading above it (section), else the
    document's (for a flow's 今年 in a report on a period just past, that period); stocks at one day (the
    report's date when the paragraph speaks of now: 目前, 现有; a recent cut-off when its paragraph or the
    opening states one: 截至2017年2月), targets over their year."""
    before = [
        p
        for p in sentence_phrases
        if p.end <= position
        and not (statement == "yoy_pct" and p.base)
        and not (p.base and not BASE_VALUE_GAP.fullmatch(sentence[p.end : position]))
    ]
    point_in_time = bool(before) and (before[-1].span is None or before[-1].now)
    point_in_time = point_in_time or (not before and carried_now)
    span = next((p.span for p in reversed(before) if p.span is not None), None)
    how = f"'{span.how}' in the sentence" if span is not None else ""
    if statement != "target" and _means_the_reviewed_period(span, doc, before, carried, section, sentence[:position]):
        span, how = doc.span, f"the period the report reviews ({doc.how}), which its {span.how} means"
    if span is None and carried is not None and kind != "stock":
        span, how = carried, f"'{carried.how}' earlier in the paragraph"
    if span is None and section is not None:
        span, how = section, f"'{section.how}' in the heading above"
    if span is not None and span.bare_year and _within(span, doc.span):
        span, how = doc.span, f"the document's period ({doc.how}), which the text's {span.how} names"
    if span is None:
        span, how = doc.span, f"the document's period ({doc.how})" if doc.span is not None else doc.how
    if kind != "stock" and statement != "target" and ((before and before[-1].recent) or (span is None and doc.recent)):
        return Dating(None, None, "over recent years (近年来): a span the text does not state", True, True)
    if statement == "target":
        year = (span.end or span.start).year if span is not None and (span.end or span.start) is not None else None
        if year is None:
            return Dating(None, None, "a target with no year", True)
        first = pd.Timestamp(year, 12, 31) if kind == "stock" else pd.Timestamp(year, 1, 1)
        return Dating(first, pd.Timestamp(year, 12, 31), f"a target for {year}")
    if kind == "stock":
        now = doc.report_date if doc.report_date is not None else doc.as_of
        year_end = _reviewed_year_end(doc)
        if point_in_time and year_end is not None:
            return Dating(
                year_end, year_end, f"at {year_end:%Y-%m-%d} (目前 in a review of a year released soon after it)"
            )
        cut_off = (_cut_off(carried, doc.report_date) or _cut_off(doc.span, doc.report_date)) if point_in_time else None
        if cut_off is not None:
            return Dating(cut_off.end, cut_off.end, f"at {cut_off.end:%Y-%m-%d} (目前 after the cut-off {cut_off.how})")
        if point_in_time and now is not None:
            return Dating(now, now, f"at {now:%Y-%m-%d} (目前/现有: the time of writing)")
        if span is doc.span:
            day = doc.as_of
        else:
            day = span.end if span is not None else None
        if day is None:
            return Dating(None, None, "a stock with no date", True)
        return Dating(day, day, f"at {day:%Y-%m-%d} ({how})")
    if span is None and doc.report_date is not None:
        first = pd.Timestamp(doc.report_date.year, 1, 1)
        return Dating(first, doc.report_date, f"none stated; proposed: the report's year to its date ({doc.how})", True)
    if span is None:
        return Dating(None, None, how, True)
    return Dating(span.start, span.end, how)
