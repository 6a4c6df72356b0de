"""Propose candidate observations from a report's text, for a researcher to review.

How a number becomes a candidate:
1. The text is read as simplified Chinese (OpenCC t2s, character for character, so every quote is cut from
   the original text verbatim) with full-width digits folded (compare.numerals).
2. Each number with a counting unit after it (件, 人次, 名, 万元, % ...) is a candidate; years, dates,
   ordinals, durations, multi-year totals (2012至2014年, 截至2023年累计), averages (年均) and lifetimes
   (从事…40多年) are not, nor numbers dated to a year outside the document's period.
3. Its metric is the catalogue phrase (data/metrics.csv typical_phrases; 'phrase=subset' names a part)
   nearest before it in its clause and list item, or right after its unit ('17个乡镇调委会'), if the
   metric's unit fits the number's. A number that opens with 其中/含, or names a part (办结, 刑事 ...)
   right before it, is a part of the count just before it (in this sentence or the previous one).
4. Statement: yoy_pct after 同比/较上年 (分别 pairs several with their counts); reported_per_10k for a
   unit-less number after 万人比/每万人; target when its clause plans (拟, 计划, 力争, 目标, 到2025年);
   else actual. Qualifier from 余/多/以上/约/近/不到 (compare.numerals).
5. Subset: empty for the total; a part when named (其中, part words, 乡镇/村 modifiers), when credited to one
   provider group (律师, 热线, 法律顾问 … without 全区/全市), or, in a prefecture's report, to the city's
   own centre (市法律援助中心). Honour counts (模范, 品牌 …) are skipped; a rounded restatement of a
   more precise figure (a headline's 5700余万元 beside 5721万余元) is dropped.
6. Period from the last period word before the number (一季度, 上半年, 前三季度, 全年, 1-6月, 截至X月底),
   else the document's own; targets cover their year; stocks are dated at the period's end, or at
   publication when the text says 目前/现有. District from the document's metadata, else the district
   named most often in the text (a province or prefecture mentioned settles ties).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from .data import OBSERVATION_COLUMNS, Dataset
from .errors import CompareError
from .numerals import find_numbers, is_decrease, normalise


class ExtractionError(CompareError):
    """The input cannot be read as a report's text."""


# Units a number may carry, longest first, and which catalogue units each fits.
UNIT_WORDS = [
    ("人次", {"person_time"}), ("件次", {"person_time"}), ("批次", {"person_time"}), ("场次", {"event"}),
    ("万元", {"CNY"}), ("亿元", {"CNY"}), ("元", {"CNY"}),
    ("件", {"case", "person_time", "file"}), ("起", {"case", "person_time"}), ("宗", {"case"}),
    ("名", {"person", "person_time"}), ("人", {"person", "person_time"}), ("位", {"person"}),
    ("个", {"org", "site", "case", "office", "item", "enterprise", "person_time"}),
    ("家", {"org", "enterprise", "site"}), ("所", {"office", "org"}), ("处", {"site"}),
    ("场", {"event"}), ("期", {"event"}), ("次", {"event", "person_time", "enterprise"}),
    ("份", {"copy"}), ("张", {"copy", "certificate"}), ("本", {"copy", "file", "certificate"}), ("册", {"copy"}),
    ("项", {"item", "event"}), ("%", {"percent"}),
]
UNIT_PATTERN = re.compile("|".join(re.escape(u) for u, _ in UNIT_WORDS))
UNIT_FITS = dict(UNIT_WORDS)
NOT_COUNTS_AFTER = ("年", "月", "日", "号", "时", "岁", "周", "天", "届", "倍", "个月", "个工作日", "分钟", "小时", "平方", "米", "公里", "余年")
TARGET_WORDS = ("拟", "计划", "力争", "目标", "争取", "预计")
TARGET_YEAR = re.compile(r"到20\d\d年")
YOY_WORDS = ("同比", "较上年", "较上一年", "较去年", "比上年", "比去年")
PER_10K_WORDS = ("万人比", "每万人", "万人平均")
PART_WORDS = {  # a part of the metric just named, and its subset label
    "刑事": "criminal", "民事(行政)": "civil_administrative", "民事": "civil", "认罪认罚": "plea_leniency",
    "办结": "concluded", "审结": "concluded", "结案": "concluded", "纠错": "corrected", "败诉": "lost",
    "确认违法": "confirmed_illegal", "专职": "full_time", "重大疑难": "major_difficult", "妇女儿童": "women_children",
    "申请类": "application", "通知类": "notification", "民工": "migrant_worker", "调处": "handled", "新设": "new",
    "中心": "centre", "现场": "on_site", "窗口": "service_window", "重点": "key_risk", "线上": "online",
    "直播": "livestream", "线下": "offline", "个人": "personal", "领域": "specialised",
}
PERIOD_WORDS = [
    (re.compile(r"一季度|第一季度|1季度"), (1, 3)), (re.compile(r"上半年|1-6月|1至6月|一至六月"), (1, 6)),
    (re.compile(r"前三季度|1-9月|1至9月"), (1, 9)), (re.compile(r"全年|年度|1-12月|1至12月"), (1, 12)),
]
UP_TO_MONTH = re.compile(r"截至(\d{1,2})月底|截至(\d{1,2})月末|1-(\d{1,2})月|1至(\d{1,2})月")
PROVIDERS = re.compile(r"律师|法律顾问|法律服务工作者|志愿者|热线|活动现场|商会|公共法律服务中心")  # a provider group: its numbers are parts
HONOURS = re.compile(r"模范|品牌|星级|金牌|先进")  # counts of awards, not of the organisations at work
MUNICIPAL_BODY = re.compile(r"(?<!全)市[^，,。;；全]{0,6}(法律援助|公共法律服务)中心")
# Totals over several years, averages and lifetimes are not the period's counts.
MULTI_YEAR = re.compile(r"截至20\d\d年(底|末)?累计|(19|20)\d\d年?(至|到|-|—)(19|20)\d\d年|年均|平均每年|\d+(多|余)年")
SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_END = re.compile(r"[,，:：。！？；;!?\n]")


@dataclass
class Context:
    """What the extractor knows of a document beyond its text."""

    doc_id: str = ""
    district_code: str = ""
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    published: pd.Timestamp | None = None
    level: str = ""  # the district's level (prefecture reports speak of the city's own bodies apart)
    paragraph: str = ""  # the paragraph read so far (simplified), for subjects stated a sentence earlier


# ---------------------------------------------------------------- reading the text


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Simplified characters, same length and positions as text (so quotes come from the original)."""
    converted = _t2s().convert(text)
    if len(converted) != len(text):
        converted = "".join(c if len(c) == 1 else o for o, c in zip(text, (_t2s().convert(ch) for ch in text)))
    return normalise(converted)


def check_text(raw: bytes | str) -> str:
    """Text from bytes or str, or ExtractionError for binary or undecodable input."""
    if isinstance(raw, bytes):
        if b"\x00" in raw[:4096]:
            raise ExtractionError("The file looks binary (it contains NUL bytes); give the report as UTF-8 text.")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"The file is not UTF-8 text (undecodable byte at position {exc.start}).") from exc
    if "\x00" in raw:
        raise ExtractionError("The text contains NUL characters; give the report as plain text.")
    return raw


# ---------------------------------------------------------------- the catalogue's phrases


@dataclass(frozen=True)
class Phrases:
    """The catalogue's phrases: one regular expression trying the longest first, and what each means."""

    pattern: re.Pattern
    meaning: dict  # phrase -> (metric_id, unit, kind, subset)


def phrase_table(ds: Dataset) -> Phrases:
    """Every catalogue phrase with its metric, unit, kind and subset. A phrase written 'phrase=subset'
    (训诫=reprimand) names a part of its metric."""
    rows = tuple((m.metric_id, m.unit, m.kind, str(m.typical_phrases)) for m in ds.metrics.itertuples())
    return _phrases(rows)


@lru_cache(maxsize=8)
def _phrases(rows) -> Phrases:
    meaning = {}
    for metric_id, unit, kind, phrases in rows:
        for entry in phrases.split("|"):
            phrase, _, subset = entry.partition("=")
            if phrase and phrase not in meaning:
                meaning[phrase] = (metric_id, unit, kind, subset)
    ordered = sorted(meaning, key=lambda p: -len(p))
    return Phrases(re.compile("|".join(re.escape(p) for p in ordered)), meaning)


def _phrase_hits(sentence: str, phrases: Phrases) -> list[tuple[int, int, str, str, str, str]]:
    """Non-overlapping phrase occurrences (start, end, metric, unit, kind, subset), left to right,
    the longest phrase at each position."""
    return [(m.start(), m.end(), *phrases.meaning[m.group(0)]) for m in phrases.pattern.finditer(sentence)]


# ---------------------------------------------------------------- periods and districts


def _month_end(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year, month, calendar.monthrange(year, month)[1])


def detect_district(text: str, ds: Dataset) -> str:
    """The code of the county-level or prefecture-level unit the text names most often ('' if none).
    Several units with one name are told apart by the province or prefecture the text also names."""
    simple = simplified(text)
    names = ds.districts[ds.districts["level"].isin(["county", "prefecture"]) & (ds.districts["name_zh"].str.len() >= 2)]
    counts = {}
    for row in names.itertuples():
        short = re.sub(r"(区|县|市)$", "", row.name_zh)
        n = simple.count(row.name_zh) + (simple.count(short) if len(short) >= 2 else 0)
        if n:
            bonus = simple.count(row.province_zh[:2]) + simple.count(str(row.prefecture_zh)[:2])
            counts[row.code] = (n, bonus, row.level == "county")
    if not counts:
        return ""
    return max(counts, key=lambda c: counts[c])


# ---------------------------------------------------------------- candidates


def _unit_after(text: str, end: int) -> tuple[str, int] | None:
    while text[end:end + 1] in ("余", "多") and end < len(text):  # 万余张
        end += 1
    m = UNIT_PATTERN.match(text, end)
    return (m.group(0), m.end()) if m else None


def _is_count(text: str, n) -> bool:
    """A number that counts something: not a year, date, ordinal, duration or lone Chinese numeral."""
    raw = text[n.start:n.end]
    if not raw[0].isdigit() and len(re.sub(r"[余多万亿]", "", raw)) < 2 and n.value < 1e4:
        return False
    before, after = text[max(0, n.start - 1):n.start], text[n.end:n.end + 4]
    return before != "第" and not after.startswith(NOT_COUNTS_AFTER)


def _cues(sentence: str) -> list[tuple[int, tuple[int, int] | None]]:
    """Where the sentence names a period, and which months (None: 今年以来, the document's period)."""
    cues = [(m.start(), None) for m in re.finditer(r"今年以来|截至目前|目前", sentence)]
    for pattern, months in PERIOD_WORDS:
        cues += [(m.start(), months) for m in pattern.finditer(sentence)]
    for m in UP_TO_MONTH.finditer(sentence):
        month = int(next(g for g in m.groups() if g))
        if 1 <= month <= 12:
            cues.append((m.start(), (1, month)))
    return sorted(cues)


def _period_at(sentence: str, cues, position: int, ctx: Context):
    """The period of a number: the last period cue before it in the sentence, else the document's."""
    year = ctx.period_start.year if ctx.period_start is not None else None
    explicit = [int(y) for y in re.findall(r"(20\d\d)年", sentence[:position])]
    if explicit:
        year = explicit[-1]
    before = [months for pos, months in cues if pos < position]
    if year is None or not before or before[-1] is None:
        if explicit and ctx.period_start is not None and not (ctx.period_start.year <= year <= (ctx.period_end or ctx.period_start).year):
            return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        return ctx.period_start, ctx.period_end
    first, last = before[-1]
    return pd.Timestamp(year, first, 1), _month_end(year, last)


def _outside_document_years(sentence: str, position: int, ctx: Context) -> bool:
    """A number the sentence dates to a year the document's period does not cover (history, plans)."""
    if ctx.period_start is None:
        return False
    years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", sentence[:position])]
    last = (ctx.period_end or ctx.period_start).year
    return bool(years) and not ctx.period_start.year <= years[-1] <= last


def _item_start(sentence: str, item_start: int, position: int) -> int:
    """Where a part's own words begin: after an opening parenthesis inside its item, if any."""
    opened = max(sentence.rfind("(", item_start, position), sentence.rfind("（", item_start, position))
    return opened + 1 if opened >= 0 else item_start


def _segment_start(sentence: str, clause_start: int, position: int) -> int:
    """Start of the list item a number sits in ('刑事案件362件、民事案件761件'): after the last 、 that
    closes an item holding a number; a 、 inside a name ('免除代理、辩护费用') does not cut."""
    cut = clause_start
    for m in re.finditer("、", sentence[clause_start:position]):
        if re.search(r"\d", sentence[cut:clause_start + m.start()]):
            cut = clause_start + m.end()
    return cut


def _phrase_before(hits, start: int, position: int):
    return next((h for h in reversed(hits) if start <= h[0] and h[1] <= position), None)


def _phrase_after(hits, sentence: str, position: int):
    """A phrase right after a number's unit ('17个乡镇调委会'), with nothing but modifiers between."""
    for h in hits:
        modifier = sentence[position:h[0]]
        if position <= h[0] <= position + 10 and not re.search(r"^[(（、]|[,，;；。]|、\d", modifier):
            return h
    return None


def _sentence_candidates(text, simple, s0, s1, phrases, units, ctx, paragraph: list[dict]) -> list[dict]:
    """The paragraph's candidates so far plus this sentence's (earlier ones carry metrics over)."""
    sentence = simple[s0:s1]
    hits = _phrase_hits(sentence, phrases)
    cues = _cues(sentence)
    clause_starts = [0] + [m.end() for m in CLAUSE_END.finditer(sentence)]
    numbers = [n for n in find_numbers(sentence) if _is_count(sentence, n)]
    out: list[dict] = list(paragraph)
    used: set[int] = set()
    for n in numbers:
        unit, unit_end = ("%", n.end) if n.percent else (_unit_after(sentence, n.end) or (None, n.end))
        clause_start = max(c for c in clause_starts if c <= n.start)
        clause = sentence[clause_start:n.start]
        if unit is None and any(w in clause for w in PER_10K_WORDS):
            unit = "per_10k"
        if unit is None or _outside_document_years(sentence, n.start, ctx) or MULTI_YEAR.search(sentence[:n.start]):
            continue
        item_start = _segment_start(sentence, clause_start, n.start)
        available = [h for h in hits if h[0] not in used and not _number_between(numbers, h[1], n.start)]
        found = _classify(sentence, n, unit, unit_end, clause_start, item_start, available, out, units)
        if found is None:
            continue
        metric, kind, subset, statement, value, anchor, quote_end = found
        if HONOURS.search(sentence[item_start:n.start][-8:] + sentence[unit_end:quote_end]):
            continue
        if not subset and statement == "actual" and ctx.level == "prefecture" and MUNICIPAL_BODY.search(ctx.paragraph + sentence[:n.start]):
            subset = "municipal_centre"
        if not subset and statement == "actual" and kind == "flow" and _by_provider(sentence, n.start):
            subset = "by_provider"
        used.update(h[0] for h in hits if h[0] >= n.start and h[1] <= quote_end)
        if statement == "actual" and (any(w in clause for w in TARGET_WORDS) or TARGET_YEAR.search(clause)):
            statement = "target"
        if kind == "stock" and statement == "actual" and re.search(r"累计|接收|解除|新增", sentence[item_start:n.start]):
            continue
        start_ts, end_ts = _period_at(sentence, cues, n.start, ctx)
        if statement == "target" and start_ts is not None:
            start_ts, end_ts = pd.Timestamp(start_ts.year, 1, 1), pd.Timestamp(start_ts.year, 12, 31)
        if kind == "stock" and statement in ("actual", "target"):
            now = re.search(r"目前|现有|已建立|现在", sentence[:n.start])
            start_ts = end_ts = ctx.published if (now and ctx.published is not None) else end_ts
        quote = text[s0 + min(anchor, n.start): s0 + max(unit_end, quote_end)]
        row = {"doc_id": ctx.doc_id, "district_code": ctx.district_code,
               "period_start": start_ts.strftime("%Y-%m-%d") if start_ts is not None else "",
               "period_end": end_ts.strftime("%Y-%m-%d") if end_ts is not None else "",
               "metric_id": metric, "subset": subset, "value": value, "qualifier": n.qualifier,
               "statement": statement, "quote": quote, "_kind": kind, "_end": n.end, "_sentence": sentence,
               "_quote_end": max(unit_end, quote_end)}
        out.append(row)
    return out


def _by_provider(sentence: str, position: int) -> bool:
    """Whether a count is credited to one provider group (lawyers, hotline ...) named shortly before it,
    rather than to the whole district (全区, 全市, 全县 in between)."""
    window = sentence[max(0, position - 40):position]
    found = list(PROVIDERS.finditer(window))
    return bool(found) and not re.search("全区|全市|全县", window[found[-1].end():])


def _number_between(numbers, start: int, end: int) -> bool:
    """Whether another counted number stands between a phrase and the number it would describe."""
    return any(start <= m.start and m.end <= end for m in numbers)


def _classify(sentence, n, unit, unit_end, clause_start, item_start, hits, previous, units):
    """(metric, kind, subset, statement, value, quote start, quote end) of a number, or None."""
    fits = UNIT_FITS.get(unit, set())
    item = sentence[item_start:n.start]
    clause = sentence[clause_start:n.start]
    last = _carrier(previous, sentence, n)
    if n.percent:
        yoy_at = max((clause.rfind(w) for w in YOY_WORDS), default=-1)
        if yoy_at >= 0:
            hit = _phrase_before(hits, clause_start, clause_start + yoy_at)
            sign = -1 if is_decrease(sentence[clause_start + yoy_at:n.start]) else 1
            if hit:
                return hit[2], hit[4], _part_of(sentence[clause_start:hit[0]]), "yoy_pct", sign * n.value, hit[0], n.end
            if clause.lstrip().startswith(YOY_WORDS) and previous:
                target = _respectively(sentence, n, clause_start, previous)
                if target is not None:
                    return target["metric_id"], target["_kind"], target["subset"], "yoy_pct", sign * n.value, clause_start + yoy_at, n.end
            return None
        hit = _respectively_phrase(sentence, n, clause_start, hits) or _phrase_before(hits, clause_start, n.start)
        if hit and hit[4] == "ratio":
            return hit[2], hit[4], "", "actual", n.value, hit[0], n.end
        return None
    if unit == "per_10k":  # '(万人比2.7)': the report's own rate of the count just before
        if last is None:
            return None
        word_at = clause_start + max(clause.rfind(w) for w in PER_10K_WORDS if w in clause)
        return last["metric_id"], last["_kind"], last["subset"], "reported_per_10k", n.value, word_at, n.end
    part_start = _item_start(sentence, item_start, n.start)
    part_text = sentence[part_start:n.start]
    opens_part = re.match(r"\s*(其中|含)", part_text) or re.match(r"\s*(其中|含)", clause)
    hit = _phrase_before(hits, item_start, n.start)
    last_unit = units.get(last["metric_id"], "") if last else ""
    if opens_part and last is not None and last_unit in fits:
        return last["metric_id"], last["_kind"], _part_of(item) or "part", "actual", n.value, part_start, unit_end
    if hit and hit[3] in fits:
        between = sentence[max(item_start, hit[0] - 10):hit[0]] + sentence[hit[1]:n.start]
        between += "".join(w for w in ("民工", "热线") if w in sentence[hit[0]:hit[1]])
        return hit[2], hit[4], hit[5] or _part_of(between), "actual", n.value, hit[0], unit_end
    if hit is None and last is not None and last_unit in fits:
        since_last = sentence[last["_quote_end"]:n.start] if last.get("_sentence") == sentence else item
        since_last = since_last[-8:]  # a part is named right before its number: 办结案件78件
        if _part_of(since_last):
            return last["metric_id"], last["_kind"], _part_of(since_last), "actual", n.value, part_start, unit_end
        if re.search("目标|任务", item):
            return last["metric_id"], last["_kind"], last["subset"], "target", n.value, item_start, unit_end
    after = _phrase_after(hits, sentence, unit_end)
    if after and after[3] in fits and not sentence.startswith("的", after[1]):  # not '2起案件的联合化解' 
        modifier = sentence[unit_end:after[0]]
        lead = sentence[max(item_start, n.start - 3):n.start]  # '新设7个…'
        return after[2], after[4], after[5] or _modifier_part(modifier) or _part_of(lead), "actual", n.value, n.start, after[1]
    return None


def _clause_at(sentence: str, clause_start: int) -> str:
    """The clause that starts at clause_start, up to the next clause boundary."""
    end = CLAUSE_END.search(sentence, clause_start)
    return sentence[clause_start:end.start() if end else len(sentence)]


def _carrier(previous: list[dict], sentence: str, n) -> dict | None:
    """The candidate a part, target or rate may refer back to: the count just before this number
    (nothing else counted in between), in this sentence or ending the previous one."""
    if not previous:
        return None
    last = previous[-1]
    if last["statement"] == "yoy_pct":
        counts = [p for p in previous if p["statement"] in ("actual", "target")]
        last = counts[-1] if counts else None
    if last is None:
        return None
    end = last["_end"] if last.get("_sentence") == sentence else 0
    others = [m for m in find_numbers(sentence[end:n.start]) if not m.percent and _unit_after(sentence, end + m.end)]
    return None if others else last


def _respectively(sentence, n, clause_start, previous):
    """For '同比分别增长21.07%和18.41%': the k-th percentage belongs to the k-th earlier number."""
    clause = _clause_at(sentence, clause_start)
    if "分别" not in clause:
        return previous[-1]
    percents = [m for m in find_numbers(clause) if m.percent]
    index = next(i for i, m in enumerate(percents) if clause_start + m.start == n.start)
    counts = [p for p in previous if p["statement"] == "actual"][-len(percents):]
    offset = len(percents) - len(counts)
    return counts[index - offset] if 0 <= index - offset < len(counts) else None


def _respectively_phrase(sentence, n, clause_start, hits):
    """For '调处率、成功率分别为97.2%和98.8%': pair percentages with the named rates, right-aligned."""
    clause = _clause_at(sentence, clause_start)
    at = clause.find("分别")
    if at < 0:
        return None
    names = [h for h in hits if clause_start <= h[0] and h[1] <= clause_start + at]
    percents = [m for m in find_numbers(clause) if m.percent]
    index = next((i for i, m in enumerate(percents) if clause_start + m.start == n.start), None)
    offset = len(percents) - len(names)
    if index is None or not 0 <= index - offset < len(names):
        return ("", "", "", "", "none")
    return names[index - offset]


PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{1,3}(?<!社)(区|县)(?!委)")  # 镇海区: its 镇 names no township


MODIFIER_PARTS = {"乡镇": "township", "镇": "township", "村": "village", "行业": "industry_professional",
                  "专业": "industry_professional", "企事业": "enterprise", "派出所": "police_station", "街道": "township"}


def _modifier_part(modifier: str) -> str:
    """The subset named by words between a number and its phrase ('个乡镇(街道)调委会' -> township)."""
    modifier = PLACE_NAME.sub("", modifier)
    if "兼职" in modifier:
        return ""
    labels = [label for word, label in MODIFIER_PARTS.items() if word in modifier]
    return "/".join(dict.fromkeys(labels)) or _part_of(modifier)


def _part_of(before: str) -> str:
    """The subset label of a part named before a number (其中刑事案件 -> criminal), or ''."""
    before = PLACE_NAME.sub("", before.replace("援助中心", ""))  # the legal aid centre handles all legal aid
    labels = [label for word, label in {**PART_WORDS, **MODIFIER_PARTS}.items() if word in before]
    if "12348" in before or "热线" in before:
        labels.append("hotline_12348")
    if not labels and re.search("其中|含", before):
        return "part"
    return "/".join(dict.fromkeys(labels))


def extract(text: str | bytes, ds: Dataset, ctx: Context | None = None) -> pd.DataFrame:
    """Candidate observations in the observations.csv format, one row per number the catalogue covers."""
    ctx = replace(ctx) if ctx else Context()  # a copy: extraction fills in level and paragraph
    text = check_text(text)
    if not text.strip():
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    if not ctx.district_code:
        ctx.district_code = detect_district(text, ds)
    if ctx.district_code in set(ds.districts["code"]):
        ctx.level = ds.district(ctx.district_code)["level"]
    simple = simplified(text)
    phrases = phrase_table(ds)
    units = {metric: unit for metric, unit, _, _ in phrases.meaning.values()}
    rows, start, paragraph = [], 0, []
    for m in list(SENTENCE_END.finditer(simple)) + [None]:
        end = m.end() if m else len(simple)
        if end > start:
            paragraph = _sentence_candidates(text, simple, start, end, phrases, units, ctx, paragraph)
            ctx.paragraph += simple[start:end]
        if m is None or m.group(0) == "\n":
            rows += paragraph
            paragraph, ctx.paragraph = [], ""
        start = end
    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return pd.DataFrame(drop_restatements(rows), columns=OBSERVATION_COLUMNS)


def drop_restatements(rows: list[dict]) -> list[dict]:
    """Drop exact repeats, and a rounded restatement (a headline's 5700余万元) of a more precise figure
    (5721万余元) the document gives for the same metric, subset, statement and period (within 2%)."""
    def key(r):
        return (r["district_code"], r["period_start"], r["period_end"], r["metric_id"], r["subset"], r["statement"])

    def digits(v):
        return len(f"{float(v):.6g}".rstrip("0").replace(".", ""))

    unique = list({(*key(r), r["value"]): r for r in reversed(rows)}.values())[::-1]
    return [r for r in unique if not any(
        key(o) == key(r) and o is not r and abs(o["value"] - r["value"]) <= 0.02 * abs(r["value"])
        and digits(o["value"]) > digits(r["value"]) for o in unique)]


def context_from_sources(sources: pd.DataFrame, doc_id: str) -> Context:
    """A document's district and period from a sources.csv row (first district when several)."""
    rows = sources[sources["doc_id"] == doc_id]
    if rows.empty:
        return Context(doc_id=doc_id)
    r = rows.iloc[0]
    code = str(r.get("district_code", "")).split(";")[0]
    dates = [pd.to_datetime(r.get(c) or None, errors="coerce") for c in ("period_start", "period_end", "published")]
    start, end, published = (None if pd.isna(d) else d for d in dates)
    return Context(doc_id=doc_id, district_code=code if ";" not in str(r.get("district_code", "")) else "",
                   period_start=start, period_end=end, published=published)


# ---------------------------------------------------------------- evaluation against gold observations

MATCH_KEY = ["doc_id", "metric_id", "subset_role", "statement", "period_start", "period_end", "value_key"]


def _keyed(table: pd.DataFrame, subset_match: str = "role") -> pd.DataFrame:
    table = table.astype({"value": float}).copy()
    subsets = table["subset"].fillna("").astype(str)
    table["subset_role"] = subsets if subset_match == "label" else subsets.map(lambda s: "part" if s else "total")
    table["value_key"] = table["value"].round(6)
    for col in ("period_start", "period_end"):
        table[col] = table[col].fillna("").astype(str).str[:10]
    return table


def evaluate(gold: pd.DataFrame, predicted: pd.DataFrame, subset_match: str = "role") -> dict:
    """Precision, recall and F1 overall and per metric, matching on document, metric, subset, statement,
    period and value; plus the misses and false alarms.

    subset_match 'role' (default) matches the total with the total and a part with a part: gold part
    labels are free-form names ('lawyer_village_lectures') the reviewer edits. 'label' demands the same
    label."""
    if subset_match not in ("role", "label"):
        raise CompareError(f"Unknown subset matching '{subset_match}'; use role or label.")
    g, p = _keyed(gold, subset_match), _keyed(predicted, subset_match)
    g["_n"] = g.groupby(MATCH_KEY).cumcount()
    p["_n"] = p.groupby(MATCH_KEY).cumcount()
    merged = g.merge(p, on=MATCH_KEY + ["_n"], how="outer", suffixes=("_gold", "_pred"), indicator=True)
    hit, miss, alarm = (merged["_merge"] == "both"), (merged["_merge"] == "left_only"), (merged["_merge"] == "right_only")
    per = (merged.assign(tp=hit, fn=miss, fp=alarm).groupby("metric_id")[["tp", "fp", "fn"]].sum().astype(int))
    per.loc["(overall)"] = per.sum()
    per["precision"] = per["tp"] / (per["tp"] + per["fp"]).where(lambda x: x > 0)
    per["recall"] = per["tp"] / (per["tp"] + per["fn"]).where(lambda x: x > 0)
    per["f1"] = 2 * per["precision"] * per["recall"] / (per["precision"] + per["recall"])
    cols = MATCH_KEY[:2] + ["subset_gold", "subset_pred", "statement", "period_start", "period_end", "value_key"]
    return {
        "per_metric": per.reset_index(),
        "overall": per.loc["(overall)"].to_dict(),
        "misses": merged.loc[miss, cols + ["quote_gold"]].rename(columns={"value_key": "value"}),
        "false_alarms": merged.loc[alarm, cols + ["quote_pred"]].rename(columns={"value_key": "value"}),
    }


def extract_documents(doc_ids, sources_dir, ds: Dataset, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run the extractor over <sources_dir>/<doc_id>.txt for each doc id that has a text there."""
    from pathlib import Path

    frames = []
    for doc_id in doc_ids:
        path = Path(sources_dir) / f"{doc_id}.txt"
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc_id) or not path.is_file():
            continue
        ctx = context_from_sources(sources, doc_id) if sources is not None else Context(doc_id=doc_id)
        frames.append(extract(path.read_bytes(), ds, ctx))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OBSERVATION_COLUMNS)


def evaluate_files(gold_path, sources_dir, data_dir=None, catalogue=None, subset_match: str = "role") -> dict:
    """Run the extractor over the documents of a gold file that have a text in sources_dir and score it.

    Document metadata (district, period) comes from sources_dir/sources.csv when present, else from the
    project's sources. With a catalogue, only the metrics it lists are scored (the gold's own catalogue)."""
    from pathlib import Path

    from .data import load_dataset, read_table, OBSERVATION_COLUMNS as COLS, SOURCE_COLUMNS

    ds = load_dataset(data_dir)
    gold = read_table(Path(gold_path), COLS)
    sources_csv = Path(sources_dir) / "sources.csv"
    sources = read_table(sources_csv, SOURCE_COLUMNS) if sources_csv.is_file() else ds.sources
    docs = sorted(d for d in set(gold["doc_id"]) if (Path(sources_dir) / f"{d}.txt").is_file())
    if not docs:
        raise CompareError(f"None of the gold file's documents has a text in {sources_dir}.")
    gold = gold[gold["doc_id"].isin(docs)]
    predicted = extract_documents(docs, sources_dir, ds, sources)
    if catalogue is not None:
        keep = set(read_table(Path(catalogue), ["metric_id"])["metric_id"])
        gold, predicted = gold[gold["metric_id"].isin(keep)], predicted[predicted["metric_id"].isin(keep)]
    result = evaluate(gold, predicted, subset_match)
    result["documents"] = len(docs)
    return result


# ---------------------------------------------------------------- review and accept

REVIEW_COLUMNS = ["decision"] + OBSERVATION_COLUMNS
DECISIONS = ("accept", "reject", "")


def context_for_file(path, ds: Dataset, doc_id=None, district=None, period=None) -> Context:
    """The context of a report file: its doc id (default: file name), metadata from sources.csv if the
    doc id is there, overridden by an explicit district code or period label."""
    from .periods import parse_period

    doc_id = doc_id or path.stem
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc_id):
        raise ExtractionError(f"'{doc_id}' cannot be a doc id: use lower-case letters, digits and hyphens (--doc-id).")
    ctx = context_from_sources(ds.sources, doc_id)
    if district:
        ds.district(district)
        ctx.district_code = district
    if period:
        p = parse_period(period)
        ctx.period_start = pd.Timestamp(p.start) if p.start else None
        ctx.period_end = pd.Timestamp(p.end) if p.end else None
    return ctx


def write_review(candidates: pd.DataFrame, path) -> None:
    """A review file: the candidates with an empty decision column for the researcher to fill in."""
    candidates.assign(decision="")[REVIEW_COLUMNS].to_csv(path, index=False)


def accept_review(path, data_dir=None) -> tuple[int, list]:
    """Merge rows marked accept into observations.csv, only if compare validate stays clean.
    Returns (rows merged, problems); with problems nothing is written.

    The data folder is locked for the whole read-validate-replace, so two accepts run one after the other
    and neither loses the other's rows; the file is re-read under the lock and replaced atomically."""
    import shutil
    import tempfile
    from pathlib import Path

    from .data import FILES, Problem, read_table, validate
    from .fileio import file_digest, locked, write_atomically
    from .paths import data_dir as default_data_dir

    folder = Path(data_dir) if data_dir else default_data_dir()
    review = read_table(Path(path), REVIEW_COLUMNS)
    bad = review[~review["decision"].str.strip().str.lower().isin(DECISIONS)]
    if not bad.empty:
        return 0, [Problem(Path(path).name, int(i) + 2, f"decision must be accept, reject or empty (got '{d}')")
                   for i, d in bad["decision"].items()]
    accepted = review[review["decision"].str.strip().str.lower() == "accept"][OBSERVATION_COLUMNS]
    if accepted.empty:
        return 0, []
    target = folder / FILES["observations"][0]
    with locked(folder):
        before = file_digest(target)
        observations = read_table(target, OBSERVATION_COLUMNS)
        merged = pd.concat([observations, accepted], ignore_index=True)
        with tempfile.TemporaryDirectory() as tmp:
            trial = Path(tmp) / "data"
            shutil.copytree(folder, trial)
            merged.to_csv(trial / "observations.csv", index=False)
            problems, _ = validate(trial)
            if problems:
                return 0, problems
            if file_digest(target) != before:  # changed by a writer that ignored the lock
                raise CompareError(f"{target} changed while the review was being merged; run compare accept again.")
            write_atomically(target, (trial / "observations.csv").read_bytes())
    return len(accepted), []
