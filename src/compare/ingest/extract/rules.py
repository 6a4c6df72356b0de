"""The rules that read one number: which metric, which statement, the total or which part.

Metric: the catalogue phrase nearest before the number in its clause and list item, or right after its
unit ('17个乡镇调委会'), or ending a list of counts ('70个镇、951个村成立调委会'), if the metric's unit fits
the number's; 成功调解/成功化解 before a disputes phrase makes it the success count; disputes only
screened (排查矛盾纠纷) are none. Statement: yoy_pct after 同比/较上年/比增 (分别 pairs several with their
counts); reported_per_10k for a unit-less number after 万人比/每万人; target in a clause that plans;
else actual.

Total or part, in this order: a phrase that names a part (缓刑, 公共法律服务站); 其中/含 (also as a clause
of its own) opens a part of the count just before; part words (办结, 刑事, 兼职, 未成年 ...), modifiers
(乡镇, 村, 县级, 行业性), kinds of dispute (婚姻家庭纠纷), qualifier clauses (以…为被申请人的) and, for
organisations, kinds of organisation (交通事故调委会) name a part — unless a whole-unit cue (全市, 市县两级,
四级, 黄山市共) stands after them. Then the sentence's subject (candidates._whose): the city's own centre
in a prefecture's report, organisations of one kind (全市社区人民调解组织共…) or a provider group (律师,
法律顾问, 工作室) make a part, never across a whole-unit cue. Every part says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...data.numerals import Number, find_numbers, is_decrease
from .text import CASE_WORDS, CLAUSE_END, UNIT_FITS, clause_at, unit_after
from .vocabulary import PhraseHit

YOY_WORDS = ("同比", "较上年", "较上一年", "较去年", "比上年", "比去年", "比增")
# Left to right, so 同比增长 is read as 同比, not 比增; '较2020年(的N件)增长' compares with a named year.
YOY = re.compile("|".join(YOY_WORDS) + r"|[较比](?:19|20)\d\d年(?:同期)?")
# '…1200件,增长12.3%': a clause that is only a change follows the count it changes.
CHANGE_ALONE = re.compile(r"\s*(分别)?(增长|上升|下降|减少|增加|提高|降低|回落)(了)?\s*$")
# '较2020年的380件': the value of the period a count is compared with, the same metric in that period.
BASE_VALUE = re.compile(r"(较|比|与)((?:19|20)\d\d年|上年|去年|上一年|上年度)(同期)?的?\s*$")
PER_10K_WORDS = ("万人比", "每万人", "万人平均")
PART_WORDS = {  # a part of the metric just named, and its subset label
    "刑事": "criminal",
    "民事(行政)": "civil_administrative",
    "民事": "civil",
    "认罪认罚": "plea_leniency",
    "办结": "concluded",
    "审结": "concluded",
    "结案": "concluded",
    "纠错": "corrected",
    "败诉": "lost",
    "确认违法": "confirmed_illegal",
    "专职": "full_time",
    "重大疑难": "major_difficult",
    "妇女儿童": "women_children",
    "申请类": "application",
    "通知类": "notification",
    "民工": "migrant_worker",
    "调处": "handled",
    "新设": "new",
    "中心": "centre",
    "现场": "on_site",
    "窗口": "service_window",
    "重点": "key_risk",
    "线上": "online",
    "直播": "livestream",
    "线下": "offline",
    "个人": "personal",
    "领域": "specialised",
    "行政案件": "administrative",
    "仲裁": "arbitration",
    "未成年": "minors",
    "残疾": "disabled",
    "老年": "elderly",
    "兼职": "part_time",
    "本级": "municipal_level",
    "派驻": "stationed",
    "品牌": "brand",
    "物业": "property_management",
    "来访": "walk_in",  # consultations by channel: '来访咨询298人次、来电咨询2013人次'
    "来电": "phone",
    "评定": "graded",  # mediators graded by skill: '全市评定四级人民调解员132名', '评定等级调解员2783名' (not 各等级)
    "首席": "chief",
}
# The cases whose outcomes name parts ('驳回复议申请73件', '终止公证12件'); a success count has none ('调解成功1498件，
# 当事人撤回申请12件').
REVIEWED = {
    "admin_reconsideration_cases",
    "admin_litigation_cases",
    "legal_aid_cases",
    "legal_aid_applications",
    "notarizations",
}
# Outcomes of a review or a case: a count one names is a part ('驳回复议申请73件', '经审理，维持24件').
OUTCOMES = {
    "维持": "upheld",
    "撤销": "revoked",
    "驳回": "rejected",
    "责令履行": "ordered_to_perform",
    "终止": "terminated",
    "中止": "suspended",
    "撤回": "withdrawn",
    "结转": "carried_over",
}
MODIFIER_PARTS = {
    "乡镇": "township",
    "镇": "township",
    "村": "village",
    "行业": "industry_professional",
    "专业": "industry_professional",
    "行专": "industry_professional",  # 行专性: 行业性、专业性 in short
    "企事业": "enterprise",
    "派出所": "police_station",
    "街道": "township",
    "县级": "county",
    "居委会": "residents_committees",
    "社区": "community",
    "街": "street",
}
# Kinds of organisation ('交通事故调委会', '9个企业设立了调委会'): parts of organisation counts only (a
# 医疗保障局 checked, 930家企业 given a check-up, are no part of theirs).
ORGANISATION_KINDS = {
    "企业": "enterprise",
    "交通": "traffic",
    "医疗": "medical",
    "劳动": "labour",
    "婚姻": "family",
    "消费": "consumer",
}
# Qualifier clauses: '以区政府为被告的…', '以市场监管局为被申请人的…' name the cases against one body.
QUALIFIER = re.compile(r"为(被告|被申请人|第三人)")
QUALIFIER_ROLES = {"被告": "as_defendant", "被申请人": "as_respondent", "第三人": "as_third_party"}
# '婚姻家庭纠纷', '涉农生产纠纷': a kind of dispute, so a part; these words before 纠纷 name no kind.
DISPUTE_KIND = re.compile(r"([\u4e00-\u9fff]{2})纠纷")
NO_KIND = {"各类", "矛盾", "民间", "各种", "化解", "调解", "调处", "排查", "受理", "处理", "成功", "一般", "类型"}
# '行政处罚类案件为112件', '信息公开类58件': cases of one kind (not 各类, every kind; nor 两类, 大类).
CASE_KIND = re.compile(
    r"(?!信访|提案|建议|执法|检查)[\u4e00-\u9fff]{2}(?<![各该此这同分门几种一两二三四五六七八九十大])类(?=案件|为|共|有|\s*\d|\s*$)"
)  # 类 before the count or 案件, not before another noun ('涉企类行政执法检查120件', '市场监管类执法案卷')
KIND_OPENS = re.compile(
    r"\s*(?:其中|另有|[从按就][^,，。;；\d]{1,10}?(?:来看|看|分)|[^,，。;；\d]{1,8}?(?:中|看)(?=[,，:：]))?[,，:：]?\s*(?:涉及)?[\u4e00-\u9fff]{2,8}类"
)  # the next sentence opens with the kind
# Words that name both halves together, so no part: 专兼职 (full- and part-time), 来电来访 (both channels of
# consultation: '共解答来电、来访咨询3000余人次').
BOTH_HALVES = re.compile("专兼职|专职和兼职|专、兼职|来电[、和及]?来访|来访[、和及]?来电")
LISTED = re.compile("[、和及与]|以及")  # items of a list
PROGRAMME_NAMES = re.compile("社区矫正|社区服刑")  # their 社区 names no community ('现有社区矫正人员200人')
# Work taken out to villages ('送法进乡村活动116场', '进村入户宣传', '利用农村赶集日…'): its 村 names no village part.
OUTREACH = re.compile("进乡村|进村入户|进村|下乡|(?:农村|乡村)(?=赶集|集市|巡演|院线|振兴|普法)")
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{1,3}(?<!社)(区|县)(?![委级])")  # 镇海区: its 镇 names no township
# A part's words stand right before its number ('办结案件78件', '涉及妇女儿童维权的案件1103件'): how far back.
PART_WORD_REACH = 12
# A phrase after a number's unit still names it across a few modifiers ('17个乡镇(街道)调委会').
PHRASE_AFTER_REACH = 10


@dataclass(frozen=True)
class Reading:
    """What the rules make of one number: metric, kind, subset, statement, value and the quote's span."""

    metric_id: str
    kind: str
    subset: str
    statement: str
    value: float
    quote_start: int
    quote_end: int
    why: str = ""  # why the number is a part, for the reviewer
    named_by: str = ""  # how a learned model named the metric, when no catalogue phrase did


def _named(words: str) -> str:
    """'named by …': the words a part's label was read from, trimmed for a review file."""
    words = words.strip(" ,，、:：")
    return f"named by '{words[-12:]}'" if words else ""


@dataclass(frozen=True)
class Candidate:
    """One proposed observation, with what later numbers of its paragraph need to refer back to it."""

    doc_id: str
    district_code: str
    period_start: str
    period_end: str
    metric_id: str
    subset: str
    value: float
    qualifier: str
    statement: str
    quote: str
    kind: str  # the metric's kind (flow, stock, ratio)
    number_end: int  # where the number ends in its sentence
    sentence: str  # the simplified sentence it was read from
    quote_end: int  # where its quote ends in its sentence
    period_unknown: bool = False  # nothing in the text or the context dates it
    period_how: str = ""  # how its period was read
    why: str = ""  # why it is a part (empty for a total)
    context: str = ""  # its sentence in the original text, the number marked ⟦…⟧
    unit_word: str = ""  # the counting word after its number (件, 人次 ...)
    basis: str = ""  # received, handled, assigned, concluded where the sentence states it (extract.bases)
    scope: str = ""  # with_legal_help, with_court_referrals, all_levels where the report states it
    basis_why: str = ""  # where the basis and scope came from, for the reviewer
    number_start: int = 0  # where the number starts in its sentence
    level: str = ""  # the level of the report's unit (county, prefecture ...), a feature of the learned decision

    def row(self) -> dict:
        """The observations.csv row."""
        return {
            "doc_id": self.doc_id,
            "district_code": self.district_code,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "metric_id": self.metric_id,
            "subset": self.subset,
            "value": self.value,
            "qualifier": self.qualifier,
            "statement": self.statement,
            "quote": self.quote,
            "basis": self.basis,
            "scope": self.scope,
        }


# A success verb (成功调解, 成功化解) right before the disputes it names makes the number a success count.
SUCCESS_VERB = re.compile(r"成功((调解|化解|调处)[^,，;；、\d]{0,4})?$")
SUCCESS_METRIC = {"disputes_mediated": "disputes_mediated_success"}
# '调解纠纷1200件，成功1180件': success named alone right after the count of disputes it is the success of.
SUCCESS_WORDS = r"成功|调解|化解|调处|其中"  # the verbs of success name no part
INTAKE = re.compile(r"受理|收到|排查|接待|受案")
SUCCESS_ALONE = re.compile(r"[,，、]\s*(其中\s*)?(调解|调处|化解)?成功(调解|调处|化解)?(的)?\s*")


# '排查矛盾纠纷16726起': disputes screened, not taken up (排查化解, 排查调处 are phrases of their own).
SCREENED = re.compile(r"(排查|发生)[^,，。;；、\d]{0,3}$")  # disputes found or arising, not yet mediated
SCREENED_METRICS = {"disputes_mediated"}
RESOLVING = re.compile("调|化解|受理|处理|办理")  # a phrase that itself resolves: 排查调处各类矛盾纠纷
# '其他调委会46个': the rest of a breakdown, named only right before the phrase (其他事项 is no part of a count).
OTHERS = ("其他", "其它")
# '其中，人民调解委员会161个': 其中 as a clause of its own opens the part that follows.
# Clauses that are only items of a list ('缓刑280名,假释5名,'): a list opened before them runs on through them.
LIST_CLAUSES = r"(?:[^,，;；。\d]{0,12}\d+(?:\.\d+)?[^,，;；。\d]{0,4}[,，、])*+"  # possessive: 、 is in two classes
OPENS_PART_ALONE = re.compile(r"(^|[,，;；:：。])\s*(其中|含)[,，:：]\s*$")
OPENS_PART_LIST = re.compile(r"(^|[,，;；:：。])\s*(其中|含)[,，:：]" + LIST_CLAUSES + r"\s*$")
# A later clause of such a list is an item only when it is a short name and a number ('外省户籍120名').
LIST_ITEM_CHARS = 6
# '全县600名调解员中，…150人', '行政复议案件中，…N件': a clause ending in 中 names the whole, the next its part.
AMONG = re.compile(r"中[,，]\s*$")


# Counting words that count the same kind of thing: a part is counted like its whole ('150人次' has no part
# '问题40个'; '调委会200个' has a part '28家').
MEASURE_FAMILIES = (
    {"件", "起", "宗", "件次"},
    {"人次", "人", "名", "位", "次", "批次"},
    {"个", "家", "所", "处"},
    {"场", "场次", "期", "次"},
    {"份", "张", "本", "册"},
    {"元", "万元", "亿元"},
)


def same_measure(unit: str, whole_unit: str) -> bool:
    """Whether a number in unit can be a part of a whole counted in whole_unit."""
    if unit == whole_unit or not any(whole_unit in family for family in MEASURE_FAMILIES):
        return True  # the same word, or a whole not counted in a counting word (a rate per 10,000)
    return any(unit in family and whole_unit in family for family in MEASURE_FAMILIES)


def _whole(previous: list[Candidate], last: Candidate) -> Candidate:
    """The whole a part refers to: the last count of its metric that is no part (not a change, rate or target),
    else the figure itself."""
    return next(
        (p for p in reversed(previous) if p.metric_id == last.metric_id and not p.subset and p.statement == "actual"),
        last,
    )


def _no_kind_of(value: float, sentence: str, previous: list[Candidate], last: Candidate) -> bool:
    """Whether a count of cases of one kind is no part of the count before it: larger than the total its paragraph
    states ('…行政复议案件26件。…行政处罚类案件1200件'), or in a later sentence that does not open with the kind."""
    whole = _whole(previous, last)
    larger = not whole.subset and value > whole.value
    return larger or (last.sentence != sentence and not KIND_OPENS.match(sentence))


def _among(sentence: str, clause_start: int, hits: list[PhraseHit], last: Candidate | None) -> PhraseHit | None:
    """What the clause before this one names when it ends in 中: its phrase ('新受理行政复议案件中,'), or
    the count it holds ('全县600名调解员中,')."""
    if not AMONG.search(sentence, 0, clause_start):
        return None
    previous = max((m.end() for m in CLAUSE_END.finditer(sentence, 0, max(0, clause_start - 1))), default=0)
    if last is not None and last.sentence == sentence and previous <= last.number_end < clause_start:
        return PhraseHit(previous, clause_start, last.metric_id, "", last.kind, "")
    return phrase_before(hits, previous, clause_start)


def phrase_before(hits: list[PhraseHit], start: int, position: int) -> PhraseHit | None:
    return next((h for h in reversed(hits) if start <= h.start and h.end <= position), None)


def with_success_verb(hit: PhraseHit | None, units: dict[str, str], sentence: str) -> PhraseHit | None:
    """The success metric's hit when 成功 (成功调解, 成功化解) stands right before a disputes phrase."""
    if hit is None or hit.metric_id not in SUCCESS_METRIC or not SUCCESS_VERB.search(sentence[: hit.start]):
        return hit
    success = SUCCESS_METRIC[hit.metric_id]
    if success not in units:
        return hit
    return PhraseHit(hit.start, hit.end, success, units[success], hit.kind, hit.subset, hit.measure_words)


# A bare 工作室 is a public legal service room, unless 调解 qualifies it ('家事调解社区工作室'): a mediation room.
MEDIATION_ROOM = re.compile(r"调解[^,，。;；、\d]{0,4}$")
ROOMS = {"public_legal_service_sites": "mediation_organizations"}


def with_room_owner(hit: PhraseHit | None, sentence: str, units: dict[str, str]) -> PhraseHit | None:
    """A mediation organisation's hit when 调解 qualifies a bare 工作室."""
    if (
        hit is None
        or hit.metric_id not in ROOMS
        or sentence[hit.start : hit.end] != "工作室"
        or not MEDIATION_ROOM.search(sentence, 0, hit.start)
        or ROOMS[hit.metric_id] not in units
    ):
        return hit
    owner = ROOMS[hit.metric_id]
    return PhraseHit(hit.start, hit.end, owner, units[owner], "stock", "")


# '…提供法律服务总量达N人次': a total named right before the number counts the words before 总量.
WIDER_NOUN = re.compile(r"等[\u4e00-\u9fff]{0,6}(服务|业务|工作|事项)")  # the named work is one of those counted
OTHER_TOTAL = re.compile(r"[\u4e00-\u9fff]{2}(总量|总数|总计)[达为是]?\s*$")
# '40名退休法官任司法所人民调解员': people of another post appointed to the phrase's are a part of them.
APPOINTED = re.compile(r"(?<![责主信委])(担|兼|聘|出)?任(?![务期何])")
# 'A、B等N个调解类社会组织': after 等 the number counts the noun after its unit; the phrases before name examples.
EXAMPLES_BEFORE = re.compile(r"等\s*(共|近|约)?$")
# '首席法律咨询专家', '法律援助律师': a phrase followed by a word for people names those people, not the metric.
NAMES_PEOPLE = re.compile(r"专家|员|师|者")


def phrase_after(
    hits: list[PhraseHit], sentence: str, position: int, unit: str = "", fits: frozenset = frozenset()
) -> PhraseHit | None:
    """A phrase right after a number's unit ('17个乡镇调委会'), with nothing but modifiers between; with a
    unit, the first such phrase that can count it ('40名退休法官任司法所人民调解员': 调解员, not 司法所)."""
    for h in hits:
        modifier = sentence[position : h.start]
        if position <= h.start <= position + PHRASE_AFTER_REACH and not re.search(r"^[(（、]|[,，;；。]|\d", modifier):
            if unit and not h.counts(unit, fits):
                continue
            return None if NAMES_PEOPLE.match(sentence, h.end) else h
    return None


# 'N个乡镇、M个村成立调委会': counts listed before the noun they all count, each with its own modifier.
LIST_ITEM = re.compile(r"[^\d,，;；。、]{1,8}?(、|及其|和)(?=\d)")
LIST_REACH = 40
# An item ending in a word for people ('法律明白人', '网格员', '志愿者') counts those people, not the list's noun.
OWN_NOUN = re.compile(r"(人|员|者|师)$")


def listed_phrase(hits: list[PhraseHit], sentence: str, unit_end: int) -> tuple[PhraseHit, str] | None:
    """The phrase ending a list of counts this number opens or sits in, and this item's own modifier."""
    item = LIST_ITEM.match(sentence, unit_end)
    if item is None:
        return None
    clause_end = CLAUSE_END.search(sentence, unit_end)
    limit = min(unit_end + LIST_REACH, clause_end.start() if clause_end else len(sentence))
    after = next((h for h in hits if item.end() <= h.start and h.end <= limit), None)
    modifier = sentence[unit_end : item.start(1)]
    if after is None or OWN_NOUN.search(modifier):  # '300名法律明白人、40名法律顾问': the item names its own people
        return None
    return after, modifier


def carrier(previous: list[Candidate], sentence: str, n: Number) -> Candidate | None:
    """The candidate a part, target or rate may refer back to: the count just before this number
    (nothing else counted in between), in this sentence or ending the previous one."""
    if not previous:
        return None
    last = previous[-1]
    if last.statement == "yoy_pct":
        counts = [p for p in previous if p.statement in ("actual", "target")]
        last = counts[-1] if counts else None
    if last is None:
        return None
    end = last.number_end if last.sentence == sentence else 0
    others = [
        m
        for m in find_numbers(sentence[end : n.start])
        if not m.percent and unit_after(sentence, end + m.end) and not _said_of_the_count(sentence, end + m.start)
    ]
    return None if others else last


# What a report says of the count before it, in the same unit: its change ('比去年同期增长580件') or its rate
# per 10,000 residents ('万人受援数18.8件'). It stands between a count and its parts without ending the list.
CHANGE_VERBS = "增长|增加|减少|下降|上升|降低|提高"
OF_THE_COUNT = re.compile(rf"({CHANGE_VERBS}|多|少)了?$|万人[\u4e00-\u9fff]{{0,4}}$")


def _said_of_the_count(sentence: str, position: int) -> bool:
    return bool(OF_THE_COUNT.search(sentence, max(0, position - 8), position))


def respectively(sentence: str, n: Number, clause_start: int, previous: list[Candidate]) -> Candidate | None:
    """For '同比分别增长21.07%和18.41%': the k-th percentage belongs to the k-th earlier number."""
    clause = clause_at(sentence, clause_start)
    if "分别" not in clause:
        return _outside_parenthesis(sentence, clause_start, previous)
    percents = [m for m in find_numbers(clause) if m.percent]
    index = next(i for i, m in enumerate(percents) if clause_start + m.start == n.start)
    counts = [p for p in previous if p.statement == "actual"][-len(percents) :]
    offset = len(percents) - len(counts)
    return counts[index - offset] if 0 <= index - offset < len(counts) else None


def _outside_parenthesis(sentence: str, position: int, previous: list[Candidate]) -> Candidate:
    """The last count before position, or, when a parenthesis closed since it ('303件(其中…120件),同比增长27.2%'),
    the count the parenthesis follows."""
    last = previous[-1]
    if last.sentence != sentence or not re.search(r"[)）]", sentence[last.number_end : position]):
        return last
    opened = max(sentence.rfind("(", 0, last.number_start), sentence.rfind("（", 0, last.number_start))
    before = [p for p in previous if p.sentence == sentence and p.quote_end <= opened]
    if before and not sentence[before[-1].quote_end : opened].strip():
        return before[-1]
    return last


def respectively_phrase(sentence: str, n: Number, clause_start: int, hits: list[PhraseHit]) -> PhraseHit | None:
    """For '调结率、成功率分别为a%和b%': the named rate paired with this percentage, right-aligned
    (None when the percentages outnumber the names)."""
    clause = clause_at(sentence, clause_start)
    at = clause.find("分别")
    names = [h for h in hits if clause_start <= h.start and h.end <= clause_start + at]
    percents = [m for m in find_numbers(clause) if m.percent]
    index = next((i for i, m in enumerate(percents) if clause_start + m.start == n.start), None)
    offset = len(percents) - len(names)
    if index is None or not 0 <= index - offset < len(names):
        return None
    return names[index - offset]


def modifier_part(modifier: str, organisations: bool = False) -> str:
    """The subset named by words between a number and its phrase ('个乡镇(街道)调委会' -> township)."""
    modifier = PLACE_NAME.sub("", modifier)
    if BOTH_HALVES.search(modifier):
        return ""
    words = {**MODIFIER_PARTS, **ORGANISATION_KINDS} if organisations else MODIFIER_PARTS
    labels = [label for word, label in words.items() if word in modifier]
    return "/".join(dict.fromkeys(labels)) or part_of(modifier, organisations)


NOT_CONCLUDED = re.compile("未(审结|办结|结案)")
# A channel or provider listed among all channels ('实体、热线、网络三大平台累计处理法律咨询…') names the whole unit's
# count: no hotline part, no provider's.
ALL_CHANNELS = re.compile(r"[^,，;；。\d]{0,6}?[、和及与][^,，;；。\d]{0,8}?[三四五六七八九]大平台")


def part_of(before: str, organisations: bool = False, metric_id: str = "") -> str:
    """The subset label of a part named before a number (其中刑事案件 -> criminal), or ''; outcomes of a review
    (驳回, 撤回 …) name parts of reviewed cases only (metric_id)."""
    before = before.replace("援助中心", "")  # the centre handles all legal aid
    before = PROGRAMME_NAMES.sub("", BOTH_HALVES.sub("", PLACE_NAME.sub("", OUTREACH.sub("", before))))
    pending = NOT_CONCLUDED.search(before)  # 未审结: pending, not concluded
    before = NOT_CONCLUDED.sub("", before)
    outcomes = OUTCOMES if metric_id in REVIEWED else {}
    words = {**PART_WORDS, **outcomes, **MODIFIER_PARTS, **(ORGANISATION_KINDS if organisations else {})}
    labels = (["pending"] if pending else []) + [label for word, label in words.items() if word in before]
    if ("12348" in before or "热线" in before or "专线" in before) and not ALL_CHANNELS.search(before):
        labels.append("hotline_12348")  # not one of all the channels listed ('实体、热线、网络三大平台')
    if any(kind not in NO_KIND for kind in DISPUTE_KIND.findall(before)) or (not labels and CASE_KIND.search(before)):
        labels.append("by_kind")
    labels += [QUALIFIER_ROLES[m.group(1)] for m in QUALIFIER.finditer(before)]
    if not labels and re.search("其中|含", before):
        return "part"
    return "/".join(dict.fromkeys(labels))


def _item_start(sentence: str, item_start: int, position: int) -> int:
    """Where a part's own words begin: after an opening parenthesis inside its item, if any."""
    opened = max(sentence.rfind("(", item_start, position), sentence.rfind("（", item_start, position))
    return opened + 1 if opened >= 0 else item_start


# A sentence on one event ('本次活动共计…', '此次法律援助进村入户活动…', '活动当天,…', '活动现场,…'): what was done 现场
# (on the spot) is the event's whole count, not an on-site part of a period's.
# Not where the sentence counts another channel ('本次活动线上解答…200人次，现场解答…150人次'): 现场 is a part there.
ONE_EVENT = re.compile(r"(?<!每)[此本这]次[^,，。；;\d]{0,12}活动|(?<!每次)活动(?:当天|当日|现场)")
OTHER_CHANNELS = re.compile("线上|网络|网上|热线|直播|来电|电话|微信|视频")
# Money of another kind after money recovered ('为农民工节约诉讼成本近13万元'): no part of the sum before it.
OTHER_MONEY = re.compile("节约|节省|减免|补贴|补助|经费|成本|费用")


def _percent(sentence, n, clause_start, hits, previous) -> Reading | None:
    """A percentage: a year-on-year change of the count named before it, or a named rate."""
    clause = sentence[clause_start : n.start]
    yoy_at = max((m.start() for m in YOY.finditer(clause)), default=-1)
    if yoy_at >= 0:
        hit = phrase_before(hits, clause_start, clause_start + yoy_at)
        sign = -1 if is_decrease(sentence[clause_start + yoy_at : n.start]) else 1
        if hit:
            words = sentence[clause_start : hit.start]
            return Reading(
                hit.metric_id,
                hit.kind,
                part_of(words),
                "yoy_pct",
                sign * n.value,
                hit.start,
                n.end,
                _named(words) if part_of(words) else "",
            )
        if YOY.match(clause.lstrip()) and previous:
            target = respectively(sentence, n, clause_start, previous)
            if target is not None and _base_counted_alike(clause, target):
                return _change_of(target, sign * n.value, clause_start + yoy_at, n.end)
        return None
    if CHANGE_ALONE.fullmatch(clause) and previous and previous[-1].sentence == sentence:
        target = respectively(sentence, n, clause_start, previous)
        if target is not None and target.statement == "actual" and target.kind != "ratio":
            return _change_of(target, (-1 if is_decrease(clause) else 1) * n.value, clause_start, n.end)
    if "分别" in clause_at(sentence, clause_start):
        hit = respectively_phrase(sentence, n, clause_start, hits)
    else:
        hit = phrase_before(hits, clause_start, n.start)
    if hit and hit.kind == "ratio" and not _rate_of_other_cases(hit, previous):
        return Reading(hit.metric_id, hit.kind, "", "actual", n.value, hit.start, n.end)
    return None


# The cases each rate of the catalogue is a share of: '…以调解、和解等方式结案310件,综合化解率达到31%' after
# reconsideration cases is their rate, no mediation's.
RATE_OF = {"mediation_success_rate": ("disputes_mediated", "disputes_mediated_success")}


def _rate_of_other_cases(hit: PhraseHit, previous: list[Candidate]) -> bool:
    """Whether a named rate follows counts of cases (in its paragraph) and none of the cases it is a share of (money,
    consultations or trainees between are read past)."""
    shares_of = RATE_OF.get(hit.metric_id)
    if shares_of is None:
        return False
    cases = any(p.statement == "actual" and p.kind == "flow" and p.unit_word in CASE_WORDS for p in previous)
    return cases and not any(p.metric_id in shares_of for p in previous)


def _base_counted_alike(clause: str, target: Candidate) -> bool:
    """Whether the base a change names in its clause ('较2014年的1120元') is counted like the figure it would be
    the change of: a change over 1120元 is no change of a count of cases."""
    for m in find_numbers(clause):
        unit = unit_after(clause, m.end)
        if unit is not None and not m.percent and not same_measure(unit[0], target.unit_word):
            return False
    return True


def _change_of(target: Candidate, value: float, start: int, end: int) -> Reading:
    """A year-on-year change (percent) of target's figure, quoted from start to end."""
    return Reading(
        target.metric_id,
        target.kind,
        target.subset,
        "yoy_pct",
        value,
        start,
        end,
        "the change of a part" if target.subset else "",
    )


def classify(
    sentence: str,
    n: Number,
    unit: str,
    unit_end: int,
    clause_start: int,
    item_start: int,
    hits: list[PhraseHit],
    previous: list[Candidate],
    units: dict[str, str],
) -> Reading | None:
    """What one number is, or None when no catalogue metric fits it."""
    fits = UNIT_FITS.get(unit, set())
    item = sentence[item_start : n.start]
    clause = sentence[clause_start : n.start]
    last = carrier(previous, sentence, n)
    if n.percent:
        return _percent(sentence, n, clause_start, hits, previous)
    if unit == "per_10k":  # '(万人比2.7)': the report's own rate of the count just before
        if last is None:
            return None
        word_at = clause_start + max(clause.rfind(w) for w in PER_10K_WORDS if w in clause)
        return Reading(
            last.metric_id,
            last.kind,
            last.subset,
            "reported_per_10k",
            n.value,
            word_at,
            n.end,
            "the rate of a part" if last.subset else "",
        )
    base = BASE_VALUE.search(sentence, 0, n.start)
    if base and last is not None and last.statement == "actual" and same_measure(unit, last.unit_word):
        return Reading(
            last.metric_id,
            last.kind,
            last.subset,
            "actual",
            n.value,
            base.start(),
            unit_end,
            "the value of the period it is compared with, for a part" if last.subset else "",
        )
    part_start = _item_start(sentence, item_start, n.start)
    part_text = sentence[part_start : n.start]
    before = None if EXAMPLES_BEFORE.search(sentence, 0, n.start) else phrase_before(hits, item_start, n.start)
    hit = with_room_owner(with_success_verb(before, units, sentence), sentence, units)
    # '其中,市政府收到复议申请24件,市政府工作部门…收到复议申请39件': a clause naming the whole's metric again is
    # still in the list 其中 opened
    restated = hit is not None and last is not None and hit.metric_id == last.metric_id
    opens_part = (
        re.match(r"\s*(其中|含)", part_text)
        or re.match(r"\s*(其中|含)", clause)
        or OPENS_PART_ALONE.search(sentence, 0, clause_start)
        or ((len(clause.strip()) <= LIST_ITEM_CHARS or restated) and OPENS_PART_LIST.search(sentence, 0, clause_start))
    )
    if (
        hit is not None
        and hit.metric_id in SCREENED_METRICS
        and SCREENED.search(sentence, 0, hit.start)
        and not RESOLVING.match(sentence, hit.start)
    ):
        return None
    among = _among(sentence, clause_start, hits, last) if hit is None else None
    if among is not None and (among.unit in fits or (not among.unit and units.get(among.metric_id) in fits)):
        return Reading(
            among.metric_id,
            among.kind,
            part_of(item, metric_id=among.metric_id) or "part",
            "actual",
            n.value,
            clause_start,
            unit_end,
            f"a part of the {among.metric_id} named before '…中'",
        )
    last_unit = units.get(last.metric_id, "") if last else ""
    if (
        opens_part
        and last is not None
        and not (hit is not None and hit.metric_id == SUCCESS_METRIC.get(last.metric_id))  # 其中成功调解M件
        and not (  # '成功M件。其中,县联合调解中心受理矛盾纠纷N件': taken in, so disputes, not successes
            hit is not None
            and last.metric_id == SUCCESS_METRIC.get(hit.metric_id)
            and INTAKE.search(sentence, clause_start, hit.end)
        )
        and last_unit in fits
        and n.value <= _whole(previous, last).value  # a part is no larger than its whole
        and same_measure(unit, last.unit_word)
    ):
        own = part_of(item, metric_id=last.metric_id)
        # '其中法律帮助120件': the part its one phrase names (legal_help), where its words name none ('其中缓刑、假释…')
        named = hit.subset if restated and own in ("", "part") and not LISTED.search(item) else ""
        return Reading(
            last.metric_id,
            last.kind,
            named or own or "part",
            "actual",
            n.value,
            part_start,
            unit_end,
            f"其中/含 opens a part of the {last.metric_id} figure before it",
        )
    if hit and (OTHER_TOTAL.search(sentence, hit.end, n.start) or WIDER_NOUN.match(sentence, hit.end)):
        # '热线…提供公共法律服务总量达N': N counts 服务; '法律咨询等法律服务业务达N件': N counts 业务
        hit = None
    if hit and hit.counts(unit, fits):
        between = sentence[max(item_start, hit.start - 10) : hit.start] + sentence[hit.end : n.start]
        between += "".join(w for w in ("民工", "热线") if w in sentence[hit.start : hit.end])
        wholes = list(WHOLE_UNIT.finditer(between))  # '四级的人民调解组织': parts named before it are covered
        words = between[wholes[-1].end() :] if wholes else between
        if ONE_EVENT.search(sentence) and not OTHER_CHANNELS.search(sentence):  # '本次活动…现场解答…': the event's
            words = words.replace("现场", "")
        success = hit.metric_id in SUCCESS_METRIC.values()  # '成功调处化解…': the verbs of success name no part
        summed = hit.subset and LIST_SUM.match(sentence, hit.end, n.start)  # '讲座、以案释法、送法下乡等活动共计45场'
        summed_part = summed and any(  # '…宣传活动320场,举办讲座、以案释法等活动45场': still a part of the 320
            p.metric_id == hit.metric_id and p.sentence == sentence and not p.subset and p.value > n.value
            for p in previous
        )
        subset = (
            (hit.subset if not summed else ("part" if summed_part else ""))
            or part_of(re.sub(SUCCESS_WORDS, "", words) if success else words, hit.unit == "org", hit.metric_id)
            or ("other" if sentence.endswith(OTHERS, 0, hit.start) else "")
        )
        why = f"the phrase '{sentence[hit.start : hit.end]}' names a part" if hit.subset else _named(words)
        return Reading(hit.metric_id, hit.kind, subset, "actual", n.value, hit.start, unit_end, why if subset else "")
    # '…专职调解员全覆盖;安排208名村居法律顾问': a noun of another metric right after the count is its own
    named_after = phrase_after(hits, sentence, unit_end, unit, frozenset(fits))
    other_after = named_after is not None and last is not None and named_after.metric_id != last.metric_id
    if hit is None and last is not None and last_unit in fits and not other_after:
        since_last = sentence[last.quote_end : n.start] if last.sentence == sentence else item
        since_last = since_last[-PART_WORD_REACH:]
        success = SUCCESS_METRIC.get(last.metric_id)
        if success in units and last.sentence == sentence and SUCCESS_ALONE.fullmatch(since_last):
            return Reading(success, last.kind, last.subset, "actual", n.value, item_start, unit_end, last.why)
        named_part = part_of(since_last, metric_id=last.metric_id)
        if (
            named_part
            and same_measure(unit, last.unit_word)
            and not OTHER_MONEY.search(since_last)
            and not (named_part == "by_kind" and _no_kind_of(n.value, sentence, previous, last))
        ):
            return Reading(
                last.metric_id,
                last.kind,
                named_part,
                "actual",
                n.value,
                part_start,
                unit_end,
                f"a part of the {last.metric_id} figure before it, {_named(since_last)}",
            )
        if re.search("目标|任务", item):
            return Reading(
                last.metric_id,
                last.kind,
                last.subset,
                "target",
                n.value,
                item_start,
                unit_end,
                "the target of a part" if last.subset else "",
            )
    after = with_room_owner(phrase_after(hits, sentence, unit_end, unit, frozenset(fits)), sentence, units)
    if after and after.counts(unit, fits) and not sentence.startswith("的", after.end):  # not '2起案件的联合化解'
        modifier = sentence[unit_end : after.start]
        lead = sentence[max(item_start, n.start - 3) : n.start]  # '新设7个…'
        by_modifier = modifier_part(modifier, after.unit == "org")
        subset, why = after.subset or by_modifier or part_of(lead), ""
        if after.subset:
            why = f"the phrase '{sentence[after.start : after.end]}' names a part"
        elif by_modifier:
            why = _named(modifier)
        elif subset:
            why = _named(lead)
        elif APPOINTED.search(modifier):
            subset = "appointed"
            why = f"people of another post appointed as {sentence[after.start : after.end]} ({_named(modifier)})"
        return Reading(after.metric_id, after.kind, subset, "actual", n.value, n.start, after.end, why)
    listed = listed_phrase(hits, sentence, unit_end)
    if listed and listed[0].counts(unit, fits):
        phrase, modifier = listed
        subset = phrase.subset or modifier_part(modifier, phrase.unit == "org") or "part"
        return Reading(
            phrase.metric_id,
            phrase.kind,
            subset,
            "actual",
            n.value,
            n.start,
            unit_end,
            f"one item of a list of {sentence[phrase.start : phrase.end]}, {_named(modifier) or 'unnamed'}",
        )
    return _agency_cases(sentence, n, unit, unit_end, clause_start, hits, units)


# '全市法律援助机构…受理案件7842件', '设立了法律援助接待站,受理案件2954件': bare cases the sentence's agency handles are
# its metric's (the agency named before, in the sentence, no other metric's phrase between).
AGENCY = re.compile(r"(法律援助|人民调解|行政复议)(?:中心|机构|工作站|接待站|委员会|组织|机关)|(公证)(?:处|机构)")
AGENCY_METRICS = {
    "法律援助": "legal_aid_cases",
    "人民调解": "disputes_mediated",
    "行政复议": "admin_reconsideration_cases",
    "公证": "notarizations",
}
SUB_BODY = re.compile(r"驻|分中心|工作站|接待站|联络点|窗口")
ONE_KIND = re.compile(r"(纠纷|事故|行业|专业|医疗|物业|劳动|婚姻|家事)$")
LIST_SUM = re.compile(r"[^,，;；。\d]{0,6}等")  # a kind closing a list of kinds: the count sums them
QUALIFIED = re.compile(r"[县市区旗州](?![各共])(?:(?!司法局|政府|作为)[\u4e00-\u9fff]){2,8}$")
UNIT_LEVELS = re.compile(r"(各级|两级|三级|乡镇|镇村|村级|村居|社区|基层|街道)$")
BARE_CASES = re.compile(r"(受理|办理|承办|办结|审结|调处|调解|化解)(?:各类)?案件(?:数)?(?:为|达|共)?\s*$")


def _agency_cases(sentence, n, unit, unit_end, clause_start, hits, units) -> Reading | None:
    """Bare cases ('受理案件N件') of the agency the sentence names before them, or None."""
    bare = BARE_CASES.search(sentence, clause_start, n.start)
    if bare is None or unit not in CASE_WORDS:
        return None
    agencies = list(AGENCY.finditer(sentence, 0, bare.start()))
    if not agencies or any(agencies[-1].end() <= h.start < bare.start() for h in hits):
        return None
    agency = agencies[-1]
    before = sentence[: agency.start()]
    qualified = QUALIFIED.search(before) and not UNIT_LEVELS.search(before)  # '县劳动争议人民调解委员会'
    if SUB_BODY.search(sentence, agency.end(), bare.start()) or ONE_KIND.search(before) or qualified:
        return None  # '…中心驻法院工作站受理案件86件', '交通事故纠纷人民调解委员会受理案件230件': a part
    metric = AGENCY_METRICS[agency.group(1) or agency.group(2)]
    if metric not in units:
        return None
    subset = "concluded" if bare.group(1) in ("办结", "审结") else ""
    why = f"cases of the {agency.group(0)} the sentence names"
    return Reading(metric, "flow", subset, "actual", n.value, bare.start(), unit_end, why if subset else "")


TARGET_WORDS = ("拟", "计划", "力争", "目标", "争取", "预计", "任务数", "不低于", "不少于", "确保")
# '办理案件8000件的目标任务', '全年办案500件工作任务': the number is the target a task set.
TARGET_AFTER = re.compile(r"\s*的?\s*(目标任务|工作任务|目标|任务)(?!中)")
TARGET_YEAR = re.compile(r"到20\d\d年|确定[^,，。;；]{0,20}完成")  # 到2025年…; 确定全年完成…件
# '下达法律援助案件任务300件': a task's figure right before the number; '全县将办理…400件': what a unit will do.
TARGET_BEFORE = re.compile(
    r"任务数?\s*(?:为|是|达)?\s*$|(?<![即并])将(?:继续|进一步|力争|全面|努力)?"
    r"(?:办理|完成|开展|实现|达到|建成|新建|培育|组建|举办|培训)(?:(?!的|完毕|结束|了)[^,，;；])*$"
)  # not 将 as 把: '将办理完毕的…案件300件全部归档'
# Organisations of one kind as a sentence's subject ('全市社区人民调解组织共开展…'): their numbers are a part.
SUBJECT_ORGANISATIONS = re.compile(
    r"([\u4e00-\u9fff]{1,6}?)(?:(人民)?调解(组织|委员会|工作室)|调委会)(共|累计|先后|受理|调解|化解|调处)"
)
# A provider that is a sentence's subject ('法律顾问,已为…', '工作室共为…') is credited with its numbers.
SUBJECT_PROVIDER = re.compile(
    r"(律师|法律顾问|法律服务工作者|志愿者|公共法律服务中心|公共法律服务工作室)[,，]?(共|已|累计|先后)?为"
)
# ... and one that opens a clause the counts after it are the predicates of ('去年,全省村(居)法律顾问接受咨询…,
# 参与调解矛盾纠纷31774件', '截至目前,广大律师…举办法治讲座200多场,…办理法律援助案件23件').
CLAUSE_SUBJECT = re.compile(
    r"(?:^|[,，。;；])\s*(?:全[省市县区州旗]|广大|各级|[^,，。;；\d]{0,2}村\s*[(（]居[)）]\s*)?"
    r"(律师|法律顾问|法律服务工作者|志愿者)(?![的事协所团队费])"
    r"(?=们?(?:积极|主动|深入|共|累计|先后|参与|为|开展|办理|提供|接待|接受|担任|走进|进|通过|在|全年|年内|已|还|"
    r"坚持|发挥|协助|举办|免费|承办|代理(?!率)|解答|化解|调解|调处|参加|出具|起草|审查|审核|上门|走访|接访|围绕|聚焦|针对|结合|依托|立足|利用|面向|对接|就|以|深化|持续|扎实|全面|广泛|踊跃|充分|认真))"
)  # … and is followed by what it does ('律师积极参与…'), not a word about it ('律师代理率达100%')
# A provider group named before a count: its numbers are parts.
PROVIDERS = re.compile(r"律师|法律顾问|法律服务工作者|志愿者|热线|活动现场|商会|公共法律服务中心|公共法律服务工作室")
HONOURS = re.compile(r"模范|品牌(?!调解)|星级|[金银铜]牌|先进")  # counts of awards, not of the organisations at work
HONOUR_VERBS = re.compile(r"评选|评为|命名|授予|表彰|荣获|获评")  # a clause that awards counts honours
# ... and so does a count its clause then says was honoured ('13人荣获…调解员称号', '26名调解员获得省级表彰'); one
# its clause names the standard reached ('10个司法所被命名为规范化司法所') is a part of the offices, not an award.
HONOURED_AFTER = re.compile(r"荣获|获评|评为|表彰")
# ... and so do the list items after it ('评选出示范调委会30家,规范化调委会120家').
FIRST_ITEM = re.compile(r"[^,，;；。]*?\d+[^,，;；。\d]{0,4}[,，、]")
LIST_RUN = re.compile(LIST_CLAUSES + r"(?P<last>[^,，;；。\d]{0,12})")


def in_honours_list(sentence: str, start: int, position: int) -> bool:
    """Whether the number at position is a later item of a list of counts an honour verb opens (from start)."""
    verbs = list(HONOUR_VERBS.finditer(sentence, start, position))
    if not verbs:
        return False
    first_item = FIRST_ITEM.match(sentence, verbs[-1].end(), position)
    if first_item is None:
        return False
    run = LIST_RUN.match(sentence, first_item.end(), position)
    # an item of its own subject ('全县共有调委会600个') ends the list
    return run is not None and run.end() == position and not re.search("共|有|全", run["last"])


MUNICIPAL_BODY = re.compile(r"(?<!全)市[^，,。;；全]{0,6}(法律援助|公共法律服务)中心")
# Words that give a number to the whole unit (the city, county or district), whoever reports it.
WHOLE_UNIT = re.compile(
    r"(?<!为)(全市|全县|全区|全州|全旗|市县两级|[两三四五]级|各级各类|[\u4e00-\u9fff]{1,4}[市县区]共)"
)
# ... and in a province's report, 全省 (in a county's, 全省 is the wider province: no word of the unit's own).
# The subject of its clause, perhaps after the time it speaks of ('截至目前全省共…'), not an adjective ('全省范围内').
CLAUSE_TIME = r"(?:今年以来|去年|今年|全年|年内|截至目前|目前|上半年|前三季度|20\d\d年度?)[,，]?\s*"
WHOLE_PROVINCE = re.compile(
    WHOLE_UNIT.pattern + rf"|(?:^|(?<=[,，;；。]))\s*(?:{CLAUSE_TIME})?全省(?!范围|企业|群众|全覆盖|[“\"])"
)
# A provider named this far before a count credits the count to it.
PROVIDER_REACH = 40
# ... unless the unit directs it ('指派律师承办…', '组织律师事务所…开展'): the count is the unit's own; or it
# names a fee ('律师代理费'), not who did the work; or it is one of all channels listed (ALL_CHANNELS).
DIRECTED = re.compile(r"(指派|选派|组织|安排|动员|协调|邀请)[^,，;；。\d]?$")
FEE_NOUN = re.compile(r"[\u4e00-\u9fff]{0,2}费")


def segment_start(sentence: str, clause_start: int, position: int) -> int:
    """Start of the list item a number sits in ('刑事案件362件、民事案件761件'): after the last 、 that
    closes an item holding a number; a 、 inside a name ('免除代理、辩护费用') does not cut."""
    cut = clause_start
    for m in re.finditer("、", sentence[clause_start:position]):
        if re.search(r"\d", sentence[cut : clause_start + m.start()]):
            cut = clause_start + m.end()
    return cut


# Legal aid bodies provide consultations, publicity and mediation besides legal aid: of those, their counts are a
# part ('全市法律援助机构…接待群众法律咨询21.9万人次'); of legal aid itself, the whole.
LEGAL_AID_BODIES = re.compile(  # as the subject, not a place, a stock, a partner or a post ('法律援助中心主任')
    r"(?<!建成|设立|共有|依托|在县|在市|在区)(?<![在\d个])法律援助(?:机构|中心|工作站)"
    r"(?![\d主]|[^,，;；。]{0,12}(?:全覆盖|联合)|[^,，;；。]{0,12}?(?<!深入|走进|覆盖|进入|前往|走访)(?<!\d)\d+个)"
)
LEGAL_AID_OWN = {"legal_aid_cases", "legal_aid_applications", "legal_aid_fee_waived", "wages_recovered"}


def by_provider(sentence: str, position: int, level: str = "", metric_id: str = "") -> bool:
    """Whether a count is credited to one provider group (lawyers, hotline; legal aid bodies for other work than
    legal aid) named shortly before it, rather than to the whole district (全区, 全市, 全县 in between; 全省 in a
    province's report)."""
    whole = WHOLE_PROVINCE if level == "province" else WHOLE_UNIT
    start = max(0, position - PROVIDER_REACH)
    named = list(PROVIDERS.finditer(sentence, start, position))
    if metric_id and metric_id not in LEGAL_AID_OWN:
        named = sorted(named + list(LEGAL_AID_BODIES.finditer(sentence, start, position)), key=lambda m: m.start())
    found = [
        m
        for m in named
        if not DIRECTED.search(sentence, max(0, m.start() - 3), m.start())
        and not FEE_NOUN.match(sentence, m.end())
        and not ALL_CHANNELS.match(sentence, m.end())
    ]
    if found and not whole.search(sentence, found[-1].end(), position):
        return True
    subject = SUBJECT_PROVIDER.search(sentence, after_semicolon(sentence, position), position)
    if subject is None:
        subject = CLAUSE_SUBJECT.search(sentence, after_semicolon(sentence, position), position)
    return bool(subject) and not whole.search(sentence, subject.end(), position)


def after_semicolon(sentence: str, position: int) -> int:
    """Where the part of a sentence holding position starts, after the last semicolon before it. A provider that
    is the subject of one part ('…安排律师为537名…提供法律咨询;…;共受理法律援助案件280件') gets no credit past
    it (a provider named shortly before still does: '律师共担任法律顾问35家;办理法律援助案件210件')."""
    return max(sentence.rfind(";", 0, position), sentence.rfind("；", 0, position)) + 1


def organisations_of_a_kind(sentence: str, position: int) -> str:
    """The part a sentence's subject names when it is organisations of one kind (社区, 乡镇 ...), or ''."""
    subject = SUBJECT_ORGANISATIONS.search(sentence, 0, position)
    if subject is None:
        return ""
    kind = subject.group(1)
    wholes = list(WHOLE_UNIT.finditer(kind))
    return modifier_part(kind[wholes[-1].end() :] if wholes else kind, organisations=True)


def whole_unit(sentence: str, position: int) -> bool:
    """Whether the sentence gives the number to the whole unit (全市, 市县两级, 黄山市共 ... before it)."""
    return bool(WHOLE_UNIT.search(sentence[:position]))


def number_between(numbers: list[Number], start: int, end: int) -> bool:
    """Whether another counted number stands between a phrase and the number it would describe."""
    return any(start <= m.start and m.end <= end for m in numbers)


def is_target(clause: str, after: str = "") -> bool:
    """Whether a clause plans rather than reports (拟, 计划, 力争, 目标, 任务数, 不低于, 确保, 到2025年,
    确定…完成, 任务 right before the number, 将 with a verb), or the words right after the number's unit name it
    a target ('…8000件的目标任务')."""
    return any(w in clause for w in TARGET_WORDS) or bool(
        TARGET_YEAR.search(clause) or TARGET_BEFORE.search(clause) or TARGET_AFTER.match(after)
    )
