"""Lists of kinds after a total: '全县共有调委会120个，其中乡镇调委会10个、村调委会100个、行业性调委会10个'.

The rule reads report grammar, not words: a total, then an opener (其中, 包括, 分别为, 即, 结果是,
an opening parenthesis right after the count, or an outcome of the cases counted: '…73件,维持46件,驳回7件'),
then items separated by 、 ， ； — each '<words> N<counting word>' and nothing else. A sentence that opens
by naming a view of the cases ('从申请人的情况看，', '按案件类型分，') or the review they went through
('经审理，'; each item then names an outcome: 维持, 不予受理, 准予援助 …) breaks down the paragraph's last total
the same way. Every item of such a list is a part of the total when the list holds together as a breakdown:
at least two items, each counted like the total (件 with 件/起, 个 with 个/家 ...), none larger than it and,
together, no more than it (a semicolon starts a second breakdown of the same total, held to it alone). An
item's subset comes from its own words as the catalogue names parts (a phrase that names a part, the rules'
part words and modifiers, kinds of dispute); an item it names no part for is the part 'part', its words in
the quote. An item naming another metric, or something else than the cases it breaks down (群众来信15件), is
left to the other rules, with the reason why. A list in parentheses after a part splits that part
('处罚类案件90件（交警大队50件，派出所40件）': parts of that part, labelled 'parent/child').
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...data.numerals import Number
from .rules import BASE_VALUE, NOT_CONCLUDED, OUTCOMES, PROVIDERS, Candidate, Reading, part_of, same_measure
from .text import unit_after
from .vocabulary import PhraseHit

# What opens a list of parts: the word (or an opening parenthesis right after the total's count).
# '…受理复议案件73件,审理结果是维持46件,驳回7件…', and the same list with no word before it: the outcomes of the
# cases just counted.
OPENING_OUTCOMES = "维持|撤销|驳回|确认违法|终止|责令履行"
OUTCOME_FIRST = rf"(?<=[件起宗][,，])(?=(?:{OPENING_OUTCOMES})[^,，;；。\d]{{0,12}}\d)"
OPENER = re.compile(rf"(其中|包括|分别为|分别是|分别有|即|结果[是为]|{OUTCOME_FIRST})\s*[,，:：]?\s*")
PAREN_OPEN = re.compile(r"[(（]\s*(即|其中|含)?\s*[,，:：]?\s*")
# '新受理的行政复议151件中，…': a count ending in 中 is the whole of the list after it.
AMONG_OPEN = re.compile(r"中\s*[,，:：]\s*")
# '从申请人的情况看，公民52件，法人11件': a sentence that opens by naming a view breaks down the paragraph's last total.
# So does one that opens with the review the cases went through ('经审理，维持24件，撤销3件…').
VIEW_OPEN = re.compile(
    r"(?:^|(?<=[。;；]))\s*(?:(?:从|按|就)[^,，。;；:：\d]{1,14}?(?:来看|看|分析|划分|分)|(?P<review>经(?:审查|审理|复议|办理)))"
    r"\s*[,，:：]\s*"
)
# A remark between items, no count in it ('…140件,占受理案件数比例最高,达92.71%;乡镇政府11件'): read past.
REMARK = re.compile(r"[^\d,，、;；。()（）]{1,20}(\d+(\.\d+)?%)?[^\d,，、;；。()（）]{0,8}[,，;；]")
MAX_REMARKS = 2
# What an item after '经审查，'/'经审理，' must name to be an outcome of the cases before it ('准予援助300件',
# '不予受理12件', '维持24件', '作其他处理6件', '其他11件'); '法院采纳律师辩护意见60件' after legal aid cases is the
# court's, and '处理群众投诉8件' no outcome.
REVIEW_OUTCOME = re.compile(
    r"准予|不予|受理|立案|结案|办结|审结|未结|维持|撤销|驳回|确认|责令|终止|中止|撤回|纠正|变更|调解|和解|其他(?=\s*\d)|其他处理"
)
# What an item names when it counts something other than the cases it follows ('群众来信15件', '信访12件', '代表
# 建议、委员提案12件', '发出行政复议意见书3件'; a kind of case, '信访答复类16件', is a part): with no part the catalogue
# knows, it is no part of a count of cases. A court appearance ('负责人出庭应诉12件') is one of litigation's parts,
# but not of other cases.
OTHER_THINGS = re.compile(r"来信|来访|信访(?![^\d,，、]{0,4}类)|提案|代表建议|意见书|建议书")
APPEARANCES = re.compile(r"出庭|应诉")
ANY_OPENER = re.compile(
    rf"其中|包括|分别[为是有]|即|[(（]|中\s*[,，:：]|结果[是为]|{OUTCOME_FIRST}|^\s*[从按就经]"
)  # one pass: most sentences open no list
SEPARATORS = "、,，;；"
CLOSERS = ")）"
# An item's words: a short name (up to ITEM_CHARS) with no number, clause mark or parenthesis in it; 、 may join
# several names in it ('不予受理、告知、转送处理60件').
NOT_IN_WORDS = ",，;；。:：!！?？\n"
ITEM_CHARS = 24
# Outcomes and stages of a case, named only as items of a breakdown ('维持原行政行为的300件，撤销…20件，驳回80件'):
# outside a list these words name no part ('调解撤回等手段避免近50件').
# Bodies a breakdown credits ('其中，市政府收到450件，区政府收到50件', '公安部门调解630件、市场监管部门…').
BODIES = {
    "市政府": "municipal_government",
    "区政府": "district_governments",
    "县政府": "county_governments",
    "部门": "departments",
}
MIN_ITEMS = 2
SUM_TOLERANCE = 0.01  # items that add up to more than their total (beyond rounding) are no breakdown of it


@dataclass(frozen=True)
class Item:
    """One item of a list of parts: its words, number and counting word."""

    words_start: int
    number: Number
    unit: str
    unit_end: int
    nested: bool = False  # an item of a parenthesised split of the item before
    group: int = 0  # the breakdown it belongs to: a semicolon starts another ('民事283件、刑事19件；老年人55件…')


@dataclass(frozen=True)
class ListItem:
    """What the list rule makes of one number: a part (reading), or why it leaves the number to the other rules."""

    reading: Reading | None
    why: str
    opener: int = 0  # where its list opens (a carried-over item after it dates no later item: 上年结转6件)


@dataclass(frozen=True)
class Opened:
    """A list opened in a sentence: where its opener stands, how ('word' 其中/包括…, 'paren' right after a
    count, 'among' after '…N件中，'), and its items."""

    start: int
    kind: str
    items: tuple
    before: float | None = None  # for 'paren' and 'among': the count right before the opener

    @property
    def paren(self) -> bool:
        return self.kind == "paren"


def lists_in(sentence: str, numbers: list[Number]) -> list[Opened]:
    """Every list a sentence opens (read once per sentence), nearest the end first; most sentences open none."""
    if not ANY_OPENER.search(sentence):
        return []
    parens = list(PAREN_OPEN.finditer(sentence))
    inside = {m.start(1) for m in parens if m.group(1)}  # '(即…': the parenthesis opens it
    found = [
        (m, "word") for m in OPENER.finditer(sentence) if m.start() not in inside and not _next_outcome(sentence, m)
    ]
    found += [(m, "paren") for m in parens] + [(m, "among") for m in AMONG_OPEN.finditer(sentence)]
    found += [(m, "review" if m["review"] else "view") for m in VIEW_OPEN.finditer(sentence)]
    if not found:
        return []
    by_start = {m.start: m for m in numbers if not m.percent}
    opened = [
        Opened(
            m.start(), k, tuple(_items(sentence, m.end(), by_start, k == "paren")), _count_before(sentence, numbers, m)
        )
        for m, k in found
    ]
    return sorted((o for o in opened if o.items), key=lambda o: -o.start)


OUTCOME_ITEM = re.compile(rf"({OPENING_OUTCOMES}|中止)[^,，;；。\d]{{0,12}}\d+[件起宗][,，]$")


def _next_outcome(sentence: str, opener: re.Match) -> bool:
    """An outcome that follows another ('维持46件,驳回7件'): an item of the list the first opened, no opener."""
    return opener.end() == opener.start() and bool(OUTCOME_ITEM.search(sentence, 0, opener.start()))


def item_of(
    sentence: str,
    n: Number,
    opened: list[Opened],
    hits: list[PhraseHit],
    previous: list[Candidate],
    units: dict[str, str],
    places: dict[str, str] | None = None,
) -> ListItem | None:
    """The number n as an item of a list of parts after a total (opened: the sentence's lists_in), or None
    when it is no such item. places: the report's own units by name ('香洲区' -> 'xiangzhou'), which name
    the parts of a breakdown by place."""
    for o in opened:
        item = next((i for i in o.items if i.number.start == n.start), None) if o.start < n.start else None
        if item is None:
            continue
        view = o.kind in ("view", "review")
        whole = _whole(sentence, o.start, previous, o.kind in ("paren", "among"), o.before, view)
        if whole is None and o.kind not in ("word", "view", "review"):  # a parenthesis in a name ('村(居)调委会')
            continue
        if whole is None or (o.kind == "review" and not REVIEW_OUTCOME.search(sentence, item.words_start, n.end)):
            return None
        # Two breakdowns of one total, by semicolon ('民事283件、刑事19件；老年人55件、妇女60件'): each holds alone.
        group = [i for i in o.items if i.group == item.group]
        if _holds(o.items, whole) or _holds(group, whole):
            return replace(_read(sentence, item, whole, hits, units, o.paren, places or {}), opener=o.start)
        if o.paren and whole.subset and _holds(group, whole, single=True):
            return _unnamed_part_of_a_part(sentence, item, whole, hits, units, places or {}, o.start)
        if o.kind in ("paren", "among"):  # '刑事案件95件（含未成年人案件12件）': a split of that part, or nothing
            return None
        # '维持45件，和解10件，驳回8件': 驳回 opens no list of the 10; the list of the 86 holds
    return None


def _unnamed_part_of_a_part(
    sentence: str, item: Item, whole: Candidate, hits: list[PhraseHit], units: dict, places: dict, opener: int
) -> ListItem | None:
    """One item in a parenthesis after a part ('专职调解员120名（含律师调解员30名）'), when its words name no part
    the catalogue knows: a part of that part ('full_time/part'); a named one ('刑事案件519件(认罪认罚案件375件)')
    is left to the other rules, which name it."""
    listed = _read(sentence, item, whole, hits, units, True, places)
    if listed.reading is None or not listed.reading.subset.endswith("/part"):
        return None
    return replace(listed, opener=opener)


def _items(sentence: str, start: int, by_start: dict[int, Number], paren: bool) -> list[Item]:
    """The items of a list from start: '<words> N<counting word>' separated by 、，；, a parenthesised split of
    an item read as its nested items; the list ends at anything else."""
    items: list[Item] = []
    position, nested, remarks, group = start, False, 0, 0
    while position < len(sentence):
        number = _number_after(sentence, position, by_start)
        if number is None and items and remarks < MAX_REMARKS and (remark := REMARK.match(sentence, position)):
            position, remarks = remark.end(), remarks + 1
            continue
        remarks = 0
        if number is None:
            break
        unit = unit_after(sentence, number.end)
        if unit is None:
            break
        items.append(Item(position, number, unit[0], unit[1], nested, group))
        position = unit[1]
        following = sentence[position : position + 1]
        if following and following in SEPARATORS:
            position += 1
            group += following in ";；"
        elif following in ("(", "（") and not nested and not paren:
            nested, position = True, PAREN_OPEN.match(sentence, position).end()
        elif following and following in CLOSERS and nested:
            nested, position = False, position + 1
            if sentence[position : position + 1] and sentence[position] in SEPARATORS:
                position += 1
            else:
                break
        else:
            break
    return items


def _count_before(sentence: str, numbers: list[Number], opener: re.Match) -> float | None:
    """The value of the count whose counting word ends right where opener starts, if any."""
    for m in numbers:
        unit = unit_after(sentence, m.end) if not m.percent and m.end <= opener.start() else None
        if unit is not None and unit[1] == opener.start():
            return m.value
    return None


def _number_after(sentence: str, position: int, by_start: dict[int, Number]) -> Number | None:
    """The counted number that ends an item's words begun at position (no number, clause mark or
    parenthesis in between), or None."""
    for at in range(position, min(len(sentence), position + ITEM_CHARS + 1)):
        if at in by_start:
            return by_start[at] if at > position else None
        if sentence[at].isdigit() or sentence[at] in NOT_IN_WORDS:
            return None
    return None


def _whole(
    sentence: str,
    opener_start: int,
    previous: list[Candidate],
    paren: bool,
    before: float | None = None,
    total: bool = False,
) -> Candidate | None:
    """The count a list opened at opener_start breaks down: the last actual count before it (a comparison's
    base value, a change or a rate is skipped); for a parenthesis or '…N件中，', the count right before it, or
    the paragraph's figure it restates ('受理行政复议案件151件。…新受理的151件中，…')."""
    if paren and before is not None:
        restated = [c for c in previous if c.statement == "actual" and c.value == before and c.sentence != sentence]
        if restated and not any(c.sentence == sentence and c.number_end <= opener_start for c in previous):
            return restated[-1]
    for c in reversed(previous):
        if c.sentence == sentence and c.number_end > opener_start:
            continue
        if paren:
            return c if c.sentence == sentence and c.statement == "actual" and _right_before(c, opener_start) else None
        if c.statement != "actual" or BASE_VALUE.search(c.sentence, 0, c.number_start) or (total and c.subset):
            continue
        return c
    return None


def _right_before(c: Candidate, position: int) -> bool:
    """Whether nothing but its counting word stands between a count and position."""
    return c.sentence[c.number_end : position].strip() in ("", c.unit_word)


def _holds(items: list[Item], whole: Candidate, single: bool = False) -> bool:
    """Whether the items read as a breakdown of whole: two or more (one, single, in a parenthesis after a part),
    counted alike, none larger, the top-level ones together no more than it."""
    top = [i for i in items if not i.nested]
    if len(top) < MIN_ITEMS and len(items) < MIN_ITEMS and not (single and items):
        return False
    if any(not same_measure(i.unit, whole.unit_word) or i.number.value > whole.value for i in items):
        return False
    return sum(i.number.value for i in top) <= whole.value * (1 + SUM_TOLERANCE)


def _read(
    sentence: str,
    item: Item,
    whole: Candidate,
    hits: list[PhraseHit],
    units: dict[str, str],
    paren: bool,
    places: dict[str, str],
) -> ListItem:
    """The item as a part of whole, its subset named by its own words ('part' when they name none known), or
    why it is left to the other rules."""
    words = sentence[item.words_start : item.number.start]
    own = [h for h in hits if item.words_start <= h.start and h.end <= item.number.start]
    others = [h for h in own if h.metric_id != whole.metric_id]
    if others and not (whole.kind == "flow" and all(h.kind == "stock" for h in others)):
        return ListItem(None, f"'{words.strip()}' names another metric")
    if others or (whole.kind == "flow" and PROVIDERS.search(words)):  # '司法所调解800件': who did that part
        named = "by_provider"
    else:
        named = next((h.subset for h in own if h.subset), "") or _named(
            words, units.get(whole.metric_id) == "org", places
        )
    cases = units.get(whole.metric_id) == "case"
    if (
        not named
        and cases
        and (OTHER_THINGS.search(words) or (whole.metric_id != "admin_litigation_cases" and APPEARANCES.search(words)))
    ):
        return ListItem(None, f"'{words.strip()}' counts something other than the cases")
    named = named or "part"
    parent = whole.subset if (item.nested or paren) and whole.subset != "part" else ""
    if parent and named == parent:  # '维持45件（含部分维持3件）': a part of upheld, not upheld again
        named = "part"
    subset = f"{parent}/{named}" if parent and not named.startswith(parent) else named
    return ListItem(
        Reading(
            whole.metric_id,
            whole.kind,
            subset,
            "actual",
            item.number.value,
            item.words_start,
            item.unit_end,
            f"an item of a list of parts of the {whole.metric_id} figure {whole.value:g} before it, named by "
            f"'{words.strip()[-12:]}'",
        ),
        "",
    )


def _named(words: str, organisations: bool, places: dict[str, str]) -> str:
    """The part an item's words name: the rules' part words, modifiers and kinds, an outcome of a case, a body
    credited with it, or one of the report's own units."""
    if NOT_CONCLUDED.search(words):
        return "pending"
    found = part_of(words, organisations)
    listed = [label for vocabulary in (OUTCOMES, BODIES, places) for word, label in vocabulary.items() if word in words]
    return "/".join(dict.fromkeys(([*found.split("/")] if found and found != "part" else []) + listed))
