"""From a report's text to candidate observations: sentences, numbers, the rules, periods, quotes."""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from ...data.numerals import find_numbers
from ...data.tables import OBSERVATION_COLUMNS, Dataset, per_version
from . import bases, learned, lists, naming, periods, sections, series
from .context import Context, detect_district
from .rules import (
    CHANGE_VERBS,
    HONOUR_VERBS,
    HONOURED_AFTER,
    HONOURS,
    MUNICIPAL_BODY,
    PER_10K_WORDS,
    Candidate,
    Reading,
    after_semicolon,
    by_provider,
    classify,
    in_honours_list,
    is_target,
    number_between,
    organisations_of_a_kind,
    segment_start,
    whole_unit,
)
from .text import CASE_WORDS, CLAUSE_END, check_size, check_text, clause_at, is_count, reading_text, sentences, unit_of
from .vocabulary import PhraseHit, Phrases, phrase_table

# A stock's movements ('累计接收社区矫正对象', '解除矫正', '收监执行20人') are not the stock.
STOCK_FLOWS = re.compile(r"累计|接收|解除|新增|收监")
# Community corrections' running totals since the programme began ('试点以来，全省累计接收社区服刑人员22.7万人，解除
# 矫正19.2万人'): parts of the subjects, over the span from the start the text states to the count's day.
CORRECTIONS_MOVEMENTS = (("解除", "cumulative_released"), ("接收", "cumulative_received"))
CORRECTIONS_TOPIC = re.compile("矫正|服刑")
NEW_INTAKE = re.compile("新接收|新增")
OTHER_WORK = re.compile("开展|进行|回访|帮扶|帮助|教育|走访|安置|就业")  # done for those released, not releasing them
THIS_PERIOD = re.compile("年内|一年来|本年|当年|本月|当月|同期|期间")  # a period no phrase names
CUT_OFF = re.compile("截[至止]")  # a cut-off ('截至今年9月底') ends a running total; it gives no period of its own
# Two figures for one metric, subset, statement and period this close are one figure stated twice.
RESTATEMENT_TOLERANCE = 0.02


def _sentence_candidates(
    text: str,
    simple: str,
    origin: list[int],
    s0: int,
    s1: int,
    phrases: Phrases,
    units: dict,
    ctx: Context,
    doc: periods.DocumentPeriod,
    paragraph: list[Candidate],
    centre_named: bool,
    carried: periods.Span | None,
    carried_now: bool,
    section: periods.Span | None,
    sentence_periods: list[periods.Phrase],
    places: dict[str, str],
    heading: PhraseHit | None = None,
    namer: naming.NamingModel | None = None,
) -> None:
    """Add this sentence's candidates to its paragraph's (earlier ones carry metrics over)."""
    sentence = simple[s0:s1]
    numbers = [n for n in find_numbers(sentence) if is_count(sentence, n)]
    if not numbers:  # three sentences in four count nothing
        return
    hits = phrases.hits(sentence)
    clause_starts = [0] + [m.end() for m in CLAUSE_END.finditer(sentence)]
    opened = lists.lists_in(sentence, numbers)
    yearly = series.years_in(sentence, numbers)
    out = paragraph
    used: set[int] = set()
    for n in numbers:
        unit, unit_end = unit_of(sentence, n)
        clause_start = max(c for c in clause_starts if c <= n.start)
        clause = sentence[clause_start : n.start]
        if unit is None and any(w in clause for w in PER_10K_WORDS):
            unit = "per_10k"
        if unit is None and IMPLIED_CASES.search(sentence, 0, n.start) and UNIT_LEFT_OUT.match(sentence, n.end):
            unit = "件"  # '共审结复议案件4696,': the noun right before names what is counted
        if (
            unit is None
            or periods.NOT_A_PERIOD_COUNT.search(sentence, after_semicolon(sentence, n.start), n.start)
            or (unit != "%" and CHANGE_BY.search(sentence, max(0, n.start - 4), n.start))
            or EACH.search(clause)
        ):
            continue
        item_start = segment_start(sentence, clause_start, n.start)
        available = [
            h for h in hits if h.start not in used and not number_between(numbers, h.end, _reach(sentence, h.end, n))
        ]
        year = yearly.get(n.start)
        by_year = year is not None and (year.in_series or series.whole_year(sentence, n, year, out))
        found = series.reading(sentence, n, year, unit, unit_end, out) if by_year else None
        listed = lists.item_of(sentence, n, opened, hits, out, units, places) if opened and not found else None
        found = (
            found
            or (listed.reading if listed is not None else None)
            or classify(sentence, n, unit, unit_end, clause_start, item_start, available, out, units)
        )
        if found is None and heading is not None and not any(h.start < n.start for h in available):
            found = sections.section_part(sentence, n, unit, unit_end, item_start, heading)
        if found is None and not listed and not by_year:
            found = _elliptic_reading(sentence, n, unit, unit_end, clause_start, item_start, hits, out, phrases, units)
        if found is None and not listed and not by_year:
            found = _learned_reading(
                sentence, n, unit, unit_end, clause_start, item_start, available, out, phrases, units, namer
            )
        if found is None:
            continue
        if (
            HONOURS.search(sentence[item_start : n.start][-8:] + sentence[unit_end : found.quote_end])
            or HONOUR_VERBS.search(clause)
            or HONOURED_AFTER.search(clause_at(sentence, unit_end))
            or in_honours_list(sentence, after_semicolon(sentence, n.start), n.start)
        ):
            continue
        subset, why = _whose(sentence, n.start, found, ctx, centre_named)
        why = "; ".join(w for w in (why, found.named_by) if w)
        used.update(h.start for h in hits if h.start >= n.start and h.end <= found.quote_end)
        kind = found.kind
        planned = is_target(clause, sentence[unit_end : unit_end + 8])
        statement = "target" if found.statement == "actual" and planned else found.statement
        movement = ""
        if kind == "stock" and statement == "actual" and STOCK_FLOWS.search(sentence, item_start, n.start):
            movement = _corrections_movement(sentence, clause_start, item_start, n.start, found.metric_id)
            if not movement:
                continue
        yearly_actual = by_year and statement == "actual"
        if yearly_actual:
            dating = periods.Dating(*series.dated(year, kind, doc.report_date))
        else:
            own = [p for p in sentence_periods if not _carried_over_elsewhere(sentence, p, n.start)]
            if movement:  # the year a programme started dates no running total of it
                own = [p for p in own if not periods.PROGRAMME_START.match(sentence, p.start)]
            dating = periods.date_number(own, n.start, doc, kind, statement, carried, carried_now, section, sentence)
        if dating.unstated or periods.out_of_scope(dating, doc, statement, history=yearly_actual):
            continue
        if statement == "yoy_pct" and not _year_on_year(sentence_periods, clause_start, n.start, dating):
            continue
        start_ts, end_ts = dating.start, dating.end
        if movement:
            since = _running_since(simple, sentence, sentence_periods, _own_period(carried, section, end_ts), n.start)
            if since is None or end_ts is None or since >= end_ts:
                continue
            start_ts, subset = since, movement
            why = f"{movement.replace('_', ' ')} since the programme's start ({since:%Y-%m-%d}); {why}".rstrip("; ")
        quote_end = max(unit_end, found.quote_end)
        stated = _basis(sentence, numbers, n, unit, unit_end, found, subset, ctx, out)
        out.append(
            Candidate(
                doc_id=ctx.doc_id,
                district_code=ctx.district_code,
                period_start=start_ts.strftime("%Y-%m-%d") if start_ts is not None else "",
                period_end=end_ts.strftime("%Y-%m-%d") if end_ts is not None else "",
                metric_id=found.metric_id,
                subset=subset,
                value=found.value,
                qualifier=n.qualifier,
                statement=statement,
                quote=_original(text, origin, s0 + min(found.quote_start, n.start), s0 + quote_end),
                kind=kind,
                number_end=n.end,
                sentence=sentence,
                quote_end=quote_end,
                period_unknown=dating.unknown,
                period_how=dating.how,
                why=why,
                context=_marked(text, origin, s0, s1, n.start, n.end),
                unit_word=unit,
                basis=stated.basis,
                scope=stated.scope,
                basis_why=stated.why,
                number_start=n.start,
                level=ctx.level,
            )
        )


def _corrections_movement(sentence: str, clause_start: int, item_start: int, at: int, metric_id: str) -> str:
    """'cumulative_received' or 'cumulative_released' for a running total of community corrections subjects
    ('累计接收…' in its clause; '解除矫正…' after '累计接收' in one sentence), else '': a new intake (新接收), both
    movements in one item ('累计接收和解除…分别为'), or work done for those released ('对解除矫正人员开展回访教育')."""
    item = sentence[item_start:at]
    labels = [label for word, label in CORRECTIONS_MOVEMENTS if word in item]
    if metric_id != "community_corrections_subjects" or NEW_INTAKE.search(item) or len(labels) != 1:
        return ""
    word = next(word for word, label in CORRECTIONS_MOVEMENTS if label == labels[0])
    if OTHER_WORK.search(item, item.rfind(word)):
        return ""
    running = "累计" in sentence[clause_start:at] or (
        labels[0] == "cumulative_released" and "累计接收" in sentence[:at]
    )
    return labels[0] if running else ""


def _running_since(
    simple: str, sentence: str, sentence_periods: list[periods.Phrase], own_period: periods.Span | None, at: int
) -> pd.Timestamp | None:
    """The first day of a running total at position at: the start of the since-phrase that dates it
    ('2018年机构改革以来，…累计接收'), else the programme's start the text states (None when it states none); None too
    when the sentence, its paragraph or its heading gives the count another period ('今年以来，全县累计接收…',
    '2020年，…累计接收…', '年内累计接收…'). A cut-off, 目前 and the year a programme started give none."""
    before = [p for p in sentence_periods if p.end <= at and p.span is not None and not p.base]
    dating = [
        p
        for p in before
        if not (p.now or CUT_OFF.match(p.span.how) or periods.PROGRAMME_START.match(sentence, p.start))
    ]
    if dating:
        last = dating[-1].span
        return last.start if _a_since(last) else None
    if THIS_PERIOD.search(sentence, 0, at) or (own_period is not None and not _a_since(own_period)):
        return None
    return periods.programme_start(simple, CORRECTIONS_TOPIC)


def _own_period(
    carried: periods.Span | None, section: periods.Span | None, end: pd.Timestamp | None
) -> periods.Span | None:
    """The period the paragraph or the heading gives a count ending at end, unless it is history long before it
    ('我县2008年被确定为…试点县，…。截至目前，…累计接收': 2008 dates no count of today's)."""
    own = carried if carried is not None else section
    if own is None or own.end is None or end is None or own.end < end - pd.Timedelta(days=366):
        return None
    return own


def _a_since(span: periods.Span) -> bool:
    """Whether a span runs from a year to now ('2018年机构改革以来'), not from this January (今年以来)."""
    return span.how.endswith("以来") and not span.how.startswith("今年")


# Words naming a field of the bureau's work: a heading with one ('二、行政复议工作') starts another subject.
FIELDS_OF_WORK = re.compile("法律援助|复议|应诉|诉讼|调解|公证|矫正|普法|宣传|法律服务|咨询|司法所|执法|法治|法律顾问")


def _names_other_work(heading_line: str, before: list[Candidate], phrases: Phrases) -> bool:
    """Whether a heading names work other than the counts before it ('二、行政复议工作' after legal aid cases), so a
    view under it breaks none of them down; a heading naming no work ('(二)案件特点') or the same leaves them."""
    if not heading_line or not FIELDS_OF_WORK.search(heading_line):
        return False
    return not {h.metric_id for h in phrases.hits(heading_line)} & {c.metric_id for c in before}


# An item of a list naming only the head of its noun, the rest said by the item before ('公共法律服务中心138个、
# 工作站1904个', '人民调解委员会30个、调解员120名'): up to this many characters.
ELLIPTIC_ITEM = re.compile(r"[\u4e00-\u9fff]{2,5}")


def _elliptic_reading(sentence, n, unit, unit_end, clause_start, item_start, hits, out, phrases: Phrases, units):
    """The reading of a list item whose words complete the phrase of the item before ('公共法律服务' + '工作站'),
    or None."""
    words = sentence[item_start : n.start]
    after_comma = item_start == clause_start or not sentence.startswith("、", item_start - 1)
    if after_comma or not ELLIPTIC_ITEM.fullmatch(words):
        return None
    before = [h for h in hits if h.end <= item_start]
    if not before:
        return None
    head = sentence[before[-1].start : before[-1].end]
    for cut in range(len(head) - 1, 1, -1):
        meaning = phrases.meaning.get(head[:cut] + words)
        if meaning is not None and meaning.metric_id == before[-1].metric_id:
            hit = PhraseHit(item_start, n.start, meaning.metric_id, meaning.unit, meaning.kind, meaning.subset)
            found = classify(sentence, n, unit, unit_end, clause_start, item_start, [hit], out, units)
            return replace(found, why=found.why or f"'{head[:cut]}' said by the item before") if found else None
    return None


def _learned_reading(
    sentence, n, unit, unit_end, clause_start, item_start, available, out, phrases: Phrases, units: dict, namer
):
    """The rules' reading of a count no phrase claims, once the learned model names the metric of the words
    before it (naming.py), or None."""
    if namer is None:
        return None
    named = naming.name(namer, sentence, n.start, unit, unit_end, clause_start, item_start, phrases.catalogue)
    if named is None:
        return None
    hits = [*available, named.hit]
    found = classify(sentence, n, unit, unit_end, clause_start, item_start, hits, out, units)
    if found is None or found.metric_id != named.hit.metric_id:
        return None
    return replace(found, named_by=named.why)


# '上年结转6件', '去年遗留10件', '上年未结6件': where an item's cases come from, no period for the items after it.
CARRIED_OVER = re.compile(r"\s*(结转|遗留|未结|未审结|未办结|转入|积存|结存)")
ITEM_END = re.compile(r"[,，;；、)）]")


def _carried_over_elsewhere(sentence: str, phrase: periods.Phrase, position: int) -> bool:
    """Whether a period phrase only says where other cases came from: '其中上年结转6件，新收80件', '审结422件(包括
    2018年结转案件)，驳回73件' — the year dates the carried-over item, not a count after it in the sentence."""
    return (
        phrase.start < position
        and CARRIED_OVER.match(sentence, phrase.end) is not None
        and ITEM_END.search(sentence, phrase.end, position) is not None
    )


# '每个调委会至少配备调解员3名', '每村1名': a quota for each unit, no count of the whole (每万人 is a rate, read
# elsewhere).
EACH = re.compile(r"每(?!万人)(个|名|家|所|村|镇|乡|户|位|一个|[\u4e00-\u9fff]{0,3}(调委会|司法所|社区|村))")
# '与去年同期相比减少159件', '比上月增加29件': how much a count changed, no count of its own.
CHANGE_BY = re.compile(rf"({CHANGE_VERBS})了?$")


# A count whose counting word is left out after the noun it counts ('共审结复议案件4696,'), at a clause's end.
IMPLIED_CASES = re.compile(
    r"(审结|办结|办理|受理|收到|调解|调处|化解|共|合计)[^,，;；。\d]{0,8}(案件|纠纷)(数|数量)?(为|达|共)?$"
)  # a verb before the noun: '涉及矛盾纠纷2，' counts nothing
UNIT_LEFT_OUT = re.compile(r"\s*([,，;；。、]|$)")


def _basis(sentence, numbers, n, unit, unit_end, found: Reading, subset: str, ctx: Context, previous) -> bases.Basis:
    """The basis and scope the sentence states for this count, read after the count before it; a part with
    no verb of its own ('其中刑事案件30件') takes the basis of the count it is part of."""
    start = max((m.end for m in numbers if m.end <= n.start), default=0)
    stated = bases.propose(sentence, start, n.start, unit_end, unit, found.kind, found.metric_id, ctx.level)
    whole = previous[-1] if previous else None
    if (
        not stated.basis
        and subset
        and subset != "pending"  # 未审结: what is not concluded takes no basis from a count before it
        and whole is not None
        and whole.sentence == sentence
        and whole.metric_id == found.metric_id
        and whole.basis
        and unit in CASE_WORDS
        and not bases.OWN_VERB.search(sentence, start, n.start)
    ):
        why = f"basis {whole.basis}: that of the count it is part of"
        return bases.Basis(whole.basis, stated.scope, "; ".join(w for w in (why, stated.why) if w))
    return stated


def _year_on_year(sentence_periods, clause_start: int, position: int, dating) -> bool:
    """Whether a change compares with the year before its own: '较2021年增长8%' in 2022 does, '较2018年增长30%'
    in 2022 is a change over four years, no year-on-year figure (同比, 较上年 name no year and always do)."""
    named = [
        p.span.start.year
        for p in sentence_periods
        if p.base and p.span is not None and p.span.start is not None and clause_start <= p.start < position
    ]
    if not named or dating.end is None:
        return True
    return named[-1] == dating.end.year - 1


# '为120名社区矫正对象佩戴…', '每周对50名矫正对象开展走访': a stock that is the object of an action is
# those it was done to, a part.
ACTED_ON = re.compile(r"(对|为|给)\s*$")
# '400个调委会达到规范化要求,占全部调委会的85%': a count the next clause gives as a share of the whole is a part.
SHARE_OF_WHOLE = re.compile(r"[^,，;；。]*[,，]\s*占(全部|所有|总数)")
# '市政府收到复议申请1186件,占收到申请总数的19.1%': so is one the next clause gives a percentage share of, unless
# of a wider unit ('占全市的30%': a county's own total) or of a target ('占全年目标任务的51%': progress).
SHARE_PERCENT = re.compile(
    r"[^,，;；。]*[,，]\s*占(?!全[市省国州盟区县]|[市省州]|本市|本省)(?![^,，;；。\d]{0,10}(目标|任务|计划))"
    r"[^,，;；。\d]{0,10}\d+(\.\d+)?%"
)


# A sentence counting what one campaign or project did over its own span ('在根治欠薪冬季专项行动期间,共受理…',
# '…专项行动以来,全市累计…', '彩票公益金法律援助项目落户半年来,共受理…'): parts of the unit's work. One event's counts
# ('此次活动…') are the event report's whole and stay totals.
IN_A_CAMPAIGN = re.compile(r"(?:专项行动|专项活动|项目)[^,，。；;\d]{0,8}(?:期间|以来|半年来|开展以来)")
# ... not one event's (此次/本次专项活动), nor one a period frames as an aside ('今年以来，特别是…专项行动开展以来');
# and a period named after it (全年, 2020年, 今年以来, 1-8月 …) dates a count of its own.
NO_CAMPAIGN = re.compile(r"[此本这]次[^,，。；;\d]{0,6}$|今年以来|年初以来|特别是")


def in_a_campaign(sentence: str, position: int) -> bool:
    """Whether a count is what one campaign or project did: a campaign phrase in its part of the sentence (after the
    last semicolon), no period phrase between them."""
    start = after_semicolon(sentence, position)
    found = list(IN_A_CAMPAIGN.finditer(sentence, start, position))
    if not found:
        return False
    last = found[-1]
    if NO_CAMPAIGN.search(sentence[start : last.start()]):
        return False
    return not periods.PERIOD_PHRASE.search(sentence, last.end(), position)


def _whose(sentence: str, position: int, found: Reading, ctx: Context, centre_named: bool) -> tuple[str, str]:
    """(subset, why) once the sentence's subject is known: the city's own centre in a prefecture's report,
    organisations of one kind, or a provider group, unless the rules already named a part."""
    if found.subset:
        return found.subset, found.why
    if SHARE_OF_WHOLE.match(sentence, found.quote_end) or (
        SHARE_PERCENT.match(sentence, found.quote_end) and not whole_unit(sentence, position)
    ):
        return "share", "a share of the whole (占全部/占总数 …) follows it"
    if found.kind == "stock" and ACTED_ON.search(sentence, 0, position):
        return "acted_on", "对/为 N名…: those the action was done to, not all there are"
    if re.search(r"及其\s*$", sentence[:position]):
        return "of_those_named", "及其: the members of what was named just before"
    if (
        found.statement == "actual"
        and ctx.level == "prefecture"
        and not whole_unit(sentence, position)
        and (centre_named or MUNICIPAL_BODY.search(sentence, 0, position))
    ):
        return "municipal_centre", "credited to the city's own centre in a prefecture's report"
    kind_of_organisation = organisations_of_a_kind(sentence, position) if found.kind in ("flow", "ratio") else ""
    if kind_of_organisation:
        return kind_of_organisation, "credited to the organisations of one kind that are the sentence's subject"
    flow = found.statement == "actual" and found.kind == "flow"
    if flow and in_a_campaign(sentence, position):
        return "campaign", "counted in one campaign or project (专项行动期间, 项目…以来), not all the unit's work"
    if flow and by_provider(sentence, position, ctx.level, found.metric_id):
        return "by_provider", "credited to one provider group (律师, 热线, 法律顾问 ...), not the whole unit"
    return "", ""


SHIPPED = "shipped"


def candidates(
    text: str | bytes,
    ds: Dataset,
    ctx: Context | None = None,
    model: learned.RoleModel | None | str = SHIPPED,
    namer: naming.NamingModel | None | str = SHIPPED,
) -> list[Candidate]:
    """Every candidate observation of a report, in reading order; total or part as the rules read it, or as
    the learned model (the shipped one unless another or None is given) reads it where it overrules them; a
    count no phrase claims gets the metric the learned naming model (namer, likewise) gives it, if any."""
    namer = naming.shipped() if isinstance(namer, str) else namer
    ctx = ctx or Context()
    text = check_text(text)
    check_size(text)
    if not text.strip():
        return []
    if not ctx.district_code:
        ctx = replace(ctx, district_code=detect_district(text, ds))
    level = _levels(ds).get(ctx.district_code)
    if level:
        ctx = replace(ctx, level=level)
    simple, origin = reading_text(text)
    doc = periods.document_period(simple, ctx)
    phrases = phrase_table(ds)
    units = phrases.units()
    places = _places(ds, ctx.district_code)
    found: list[Candidate] = []
    paragraph, centre_named, carried, now, section, heading = [], False, None, False, None, None
    opening = True  # the sentence opens its paragraph
    last_paragraph: list[Candidate] = []
    inherited = 0  # candidates of the paragraph before, read as this one's ('从案件类别来看,…' opening it)
    heading_line = ""  # the paragraph's one line when it is a heading
    for start, end, paragraph_ends in sentences(simple):
        line = simple[start:end]
        if end > start and line.strip():
            sentence_periods = periods.phrases(line, _year(doc), doc.report_date, doc.written, doc.span is None)
            event = periods.event_day(line, _year(doc), doc.report_date)
            if event is not None:
                sentence_periods = [event, *(p for p in sentence_periods if p.start >= event.end)]
            if not paragraph and paragraph_ends:
                section = _heading_span(line, sentence_periods) or section
            if opening:
                heading = sections.section_after(line, paragraph_ends, phrases, heading)
                heading_line = line if paragraph_ends and sections.is_heading(line) else ""
                if lists.VIEW_OPEN.match(line) and last_paragraph:
                    paragraph = list(last_paragraph)  # a view of the cases just counted, a paragraph of its own
                    inherited = len(paragraph)
                opening = False
            _sentence_candidates(
                text,
                simple,
                origin,
                start,
                end,
                phrases,
                units,
                ctx,
                doc,
                paragraph,
                centre_named,
                carried,
                now,
                section,
                sentence_periods,
                places,
                heading.heading if heading is not None else None,
                namer,
            )
            centre_named = centre_named or bool(MUNICIPAL_BODY.search(simple, start, end))
            carried = _leading_span(line, sentence_periods) or carried
            now = now or any(p.now for p in sentence_periods)  # 目前, 现有: the rest of the paragraph too
        if paragraph_ends:
            opening = True
            found += paragraph[inherited:]
            if paragraph:
                last_paragraph = paragraph
            elif _names_other_work(heading_line, last_paragraph, phrases):
                last_paragraph = []
            paragraph, centre_named, carried, now, inherited, heading_line = [], False, None, False, 0, ""
    found = drop_restatements(learned.apply(found, learned.shipped() if isinstance(model, str) else model))
    return smaller_totals_as_parts(found, places, _unit_name(ds, ctx.district_code))


def _reach(sentence: str, phrase_end: int, n) -> int:
    """Up to where no other number may stand between a phrase and number n: for a percentage after 分别
    ('调结率、成功率分别为a%和b%'), up to 分别, as the rates are paired with their names in order."""
    if n.percent:
        at = sentence.rfind("分别", phrase_end, n.start)
        if at >= 0:
            return at
    return n.start


def _original(text: str, origin: list[int], start: int, end: int) -> str:
    """The original text of the reading text's span [start, end), notes inside it included."""
    return text[origin[start] : origin[end - 1] + 1] if end > start else ""


def _marked(text: str, origin: list[int], s0: int, s1: int, start: int, end: int) -> str:
    """The sentence in the original text with the number marked: …共受理⟦349⟧件…"""
    a, b, c, d = origin[s0], origin[s0 + start], origin[s0 + end - 1] + 1, origin[s1 - 1] + 1
    return " ".join(f"{text[a:b]}⟦{text[b:c]}⟧{text[c:d]}".split())


def _year(doc: periods.DocumentPeriod) -> int | None:
    """The year a document speaks of: its period's, else its report date's."""
    if doc.span is not None and (doc.span.end or doc.span.start) is not None:
        return (doc.span.end or doc.span.start).year
    return doc.report_date.year if doc.report_date is not None else None


# A period phrase this close to a sentence's start is its topic ('上半年，…'), which the paragraph keeps.
LEADING_PHRASE_CHARS = 6


def _leading_span(sentence: str, sentence_periods: list[periods.Phrase]) -> periods.Span | None:
    """The period a sentence opens with ('2019年，…', '上半年，…'), which the rest of its paragraph speaks of."""
    lead = len(sentence) - len(sentence.lstrip(" \u3000\t\r\n"))
    spans = [p.span for p in sentence_periods if p.span is not None and p.start <= lead + LEADING_PHRASE_CHARS]
    later = [
        p.span
        for p in sentence_periods
        if p.span is not None
        and TO_DATE.search(sentence, p.start, p.end)  # not a year compared or planned ('…,2018年,…', '2020年,将…')
        and not p.base
        and CLAUSE_LEADING.match(sentence, p.end)
        and _opens_clause(sentence, p.start)
    ]
    return later[-1] if later else (spans[0] if spans else None)


# '…向一线延伸,今年以来,共办理…': a period to the report's date standing as a clause of its own speaks for
# what follows.
CLAUSE_LEADING = re.compile(r"\s*[,，]")
TO_DATE = re.compile("以来|今年来|截[至止]|迄今|目前")


def _opens_clause(sentence: str, start: int) -> bool:
    return start == 0 or bool(CLAUSE_END.match(sentence, start - 1))


def _heading_span(line: str, line_periods: list[periods.Phrase]) -> periods.Span | None:
    """The period a heading line names (its period phrases given), or None when the line is no heading or
    names none; it dates the text under it, up to the next heading that names one."""
    if not sections.is_heading(line):
        return None
    spans = [p.span for p in line_periods if p.span is not None and p.span.start is not None and p.span.end is not None]
    # a month or a day alone is a date line under a title ('（2022年1月）'), not the period of the text below it
    return spans[0] if spans and spans[0].end - spans[0].start > pd.Timedelta(days=31) else None


_LEVELS: dict[tuple, dict[str, str]] = {}


def _levels(ds: Dataset) -> dict[str, str]:
    """Each district code's level, read once per data version."""
    return per_version(_LEVELS, ds, lambda: dict(zip(ds.districts["code"], ds.districts["level"])))


def _unit_name(ds: Dataset, code: str) -> str:
    """The report's unit's Chinese name ('武进区'), or '' when unknown."""
    names = per_version(_NAMES, ds, lambda: dict(zip(ds.districts["code"].astype(str), ds.districts["name_zh"])))
    return str(names.get(str(code), "") or "")


_NAMES: dict[tuple, dict[str, str]] = {}


def _places(ds: Dataset, code: str) -> dict[str, str]:
    """The units a report's unit is made of (a prefecture's districts; a province's prefectures, and a
    municipality's districts), by Chinese name, each labelled by the first word of its English name ('香洲区' ->
    'xiangzhou'): they name the parts of a breakdown by place."""

    def build() -> dict[str, str]:
        table = ds.districts.astype({"prefecture_code": str, "province_code": str})
        if not code:
            return {}
        placeholders = set(table.loc[table["name_zh"].isin(PLACEHOLDER_PREFECTURES), "code"].astype(str))
        own = table[
            (table["prefecture_code"] == str(code))
            | ((table["province_code"] == str(code)) & (table["level"] == "prefecture"))
            | ((table["province_code"] == str(code)) & table["prefecture_code"].isin(placeholders))
        ]
        own = own[~own["name_zh"].isin(PLACEHOLDER_PREFECTURES)]
        return {
            str(r.name_zh): str(r.name_en).split()[0].lower()
            for r in own.itertuples()
            if str(r.code) != str(code) and str(r.name_zh) and str(r.name_en).split()
        }

    return per_version(_PLACES, ds, build, code, keep=1000)


_PLACES: dict[tuple, dict[str, str]] = {}
# The reference's stand-ins for a municipality's or a province's directly governed counties: no place of their own.
PLACEHOLDER_PREFECTURES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


def extract(text: str | bytes, ds: Dataset, ctx: Context | None = None) -> pd.DataFrame:
    """Candidate observations in the observations.csv format, one row per number the catalogue covers."""
    return pd.DataFrame([c.row() for c in candidates(text, ds, ctx)], columns=OBSERVATION_COLUMNS)


def _key(c: Candidate) -> tuple:
    return (c.district_code, c.period_start, c.period_end, c.metric_id, c.subset, c.statement)


def _unnamed_words(c: Candidate) -> str:
    """For a part no word names ('part': '物价2件', '其他2件' in one list), its quote: two such parts are two
    figures, not one stated twice (unless their words restate each other, _restated_parts)."""
    return c.quote if c.subset.split("/")[-1] == "part" else ""


NOT_A_NAME = re.compile(r"[\d.,，、%\s]|案件|件|的|其中|共")


def _restated_parts(found: list[Candidate]) -> list[Candidate]:
    """Drop an unnamed part whose words restate an earlier one's of the same value in another sentence
    ('其中自行受理80件' in a summary, '其中自行受理案件80件' in the body): one's words, bare of 案件/的/其中, contain
    the other's. Two items of one list are two parts ('诉讼案件160件、非诉讼案件160件')."""
    kept, names = [], {}
    for c in found:
        if _unnamed_words(c):
            name = NOT_A_NAME.sub("", c.quote.split(f"{c.value:g}")[0])
            earlier = names.setdefault((*_key(c), c.value), [])
            if any(sentence != c.sentence and (name in other or other in name) for other, sentence in earlier):
                continue
            earlier.append((name, c.sentence))
        kept.append(c)
    return kept


def _digits(v: float) -> int:
    return len(f"{float(v):.6g}".rstrip("0").replace(".", ""))


def drop_restatements(found: list[Candidate]) -> list[Candidate]:
    """Drop exact repeats (unnamed parts quoting different words are no repeats), an undated repeat (a
    headline) of a figure the document dates elsewhere, and a rounded restatement (a headline's 5700余万元) of a
    more precise figure (5721万余元) the document gives for the same metric, subset, statement and period
    (within 2%)."""
    unique = list({(*_key(c), c.value, _unnamed_words(c)): c for c in reversed(found)}.values())[::-1]
    unique = _restated_parts(unique)
    dated = {(c.metric_id, c.subset, c.statement, c.value) for c in unique if not c.period_unknown}
    unique = [c for c in unique if not (c.period_unknown and (c.metric_id, c.subset, c.statement, c.value) in dated)]
    by_key: dict[tuple, list[Candidate]] = {}
    for c in unique:
        by_key.setdefault(_key(c), []).append(c)
    return [
        c
        for c in unique
        if not any(
            o is not c
            and abs(o.value - c.value) <= RESTATEMENT_TOLERANCE * abs(c.value)
            and _digits(o.value) > _digits(c.value)
            for o in by_key[_key(c)]
        )
    ]


# A count another unit, or another span, is the total of: the country's, a wider or a neighbouring unit's (全省 in a
# county's report), a running total since the start, or last year's. It is no larger total of the report's unit.
OTHER_SCOPE = "全国|邻近|周边|成立以来|建[成站立]以来|已累计|历年|去年|上年|上一年"
UNIT_SUFFIXES = "国省市区县州旗盟"


def smaller_totals_as_parts(found: list[Candidate], places: dict[str, str], unit_name: str = "") -> list[Candidate]:
    """Of several totals a document gives for one metric, statement and period, the largest is the unit's total and
    the others are parts of it ('全县共调解纠纷1061件…通过“说事”制度受理矛盾纠纷741件'): a unit has one total.

    A count whose sentence names one of the unit's places before it is that place's, left as it is; and no count is
    measured against one whose sentence gives it to another unit or span (全省 in a county's report, 成立以来, 去年)."""
    own = unit_name[-1:] if unit_name[-1:] in UNIT_SUFFIXES else ""
    wider = re.compile(OTHER_SCOPE + (f"|全(?!{own})[{UNIT_SUFFIXES}]" if own else ""))

    def key(c: Candidate) -> tuple:
        return (c.district_code, c.period_start, c.period_end, c.metric_id, c.statement)

    def before(c: Candidate) -> str:
        return c.sentence[: c.number_start]

    largest: dict[tuple, float] = {}
    for c in found:
        if not c.subset and not wider.search(before(c)):
            largest[key(c)] = max(largest.get(key(c), c.value), c.value)
    return [
        replace(
            c,
            subset="part",
            why=f"a part of the {c.metric_id} total {largest[key(c)]:g} of the same period: a unit has one total",
        )
        if not c.subset
        and c.statement == "actual"
        and c.kind != "ratio"
        and not c.period_unknown
        and c.value < largest.get(key(c), c.value)
        and not any(place in before(c) for place in places)
        else c
        for c in found
    ]
