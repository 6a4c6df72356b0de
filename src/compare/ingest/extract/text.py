"""Reading a report's text: bytes to text, simplified characters at the same positions, sentences,
clauses, and which numbers count something (and in what unit)."""

from __future__ import annotations

import re
from functools import lru_cache

from ...data.numerals import Number, normalise
from ...data.tables import guess_encoding
from ...errors import CompareError


class ExtractionError(CompareError):
    """The input cannot be read as a report's text."""


# Units a number may carry, longest first, and which catalogue units each fits.
UNIT_WORDS = [
    ("人次", {"person_time"}),
    ("件次", {"person_time"}),
    ("批次", {"person_time", "event"}),  # 来访咨询298批次; 宣传活动120批次
    ("场次", {"event"}),
    ("万元", {"CNY"}),
    ("亿元", {"CNY"}),
    ("元", {"CNY"}),
    ("件", {"case", "person_time", "file"}),
    ("起", {"case", "person_time"}),
    ("宗", {"case"}),
    ("名", {"person", "person_time"}),
    ("人", {"person", "person_time"}),
    ("位", {"person"}),
    ("个", {"org", "site", "case", "office", "item", "enterprise"}),
    ("家", {"org", "enterprise", "site"}),
    ("所", {"office", "org"}),
    ("处", {"site"}),
    ("场", {"event"}),
    ("堂", {"event"}),  # 法治讲座80堂, 法治课30堂
    ("期", {"event"}),
    ("次", {"event", "person_time", "enterprise"}),
    ("份", {"copy"}),
    ("张", {"copy", "certificate"}),
    ("本", {"copy", "file", "certificate"}),
    ("册", {"copy"}),
    ("项", {"item", "event"}),
    ("%", {"percent"}),
]
UNIT_PATTERN = re.compile("|".join(re.escape(u) for u, _ in UNIT_WORDS))
UNIT_FITS = dict(UNIT_WORDS)
CASE_WORDS = ("件", "起", "宗")  # the counting words of cases
NOT_COUNTS_AFTER = (
    "年",
    "月",
    "日",
    "号",
    "时",
    "岁",
    "周",
    "天",
    "届",
    "倍",
    "个月",
    "个工作日",
    "分钟",
    "小时",
    "平方",
    "米",
    "公里",
    "余年",
)
SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_END = re.compile(r"[,，:：。！？；;!?\n]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# Pinyin some pages print after a character ('服務(wù)'), and a space inside a number ('4 598'): read
# through both, keeping each remaining character's position in the original for quotes.
PINYIN_NOTE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
SPACED_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+(?![\d])")


# A middle dot typeset as a decimal point ('99·59%'), and a space inside a percentage's decimals ('99.5 9%').
DECIMAL_DOT = re.compile(r"(?<=\d)[·•・](?=\d)")
SPACED_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?: \d+)+(?=%)")
# Spaces typeset around a count ('矛盾纠纷 3850 件', '活动 82 场') or a date ('2019 年', '6 月'): between a character
# and the number, and between the number and its counting word or 年/月/日.
_UNITS = "|".join([re.escape(u) for u, _ in UNIT_WORDS] + ["年", "月", "日"])
SPACED_COUNT = re.compile(
    rf"(?<=[\u4e00-\u9fff])( +)(?=\d[\d.,]*[万亿]?[余多]? *(?:{_UNITS}))|(?<=[\d万亿余多])( +)(?=[余多]?(?:{_UNITS}))"
)


def reading_text(text: str) -> tuple[str, list[int]]:
    """The simplified text the rules read (pinyin notes and spaces inside or around a count left out, a middle dot
    between digits read as a decimal point), and for each of its characters the position of that character
    in text."""
    simple = DECIMAL_DOT.sub(".", simplified(text))
    drop = set()
    for m in PINYIN_NOTE.finditer(simple):
        drop.update(range(m.start(), m.end()))
    for m in SPACED_THOUSANDS.finditer(simple):
        drop.update(m.start() + i for i, c in enumerate(m.group(0)) if c == " ")
    for m in SPACED_DECIMAL.finditer(simple):
        drop.update(m.start() + i for i, c in enumerate(m.group(0)) if c == " ")
    for m in SPACED_COUNT.finditer(simple):
        drop.update(range(m.start(), m.end()))
    if not drop:
        return simple, list(range(len(simple)))
    keep = [i for i in range(len(simple)) if i not in drop]
    return "".join(simple[i] for i in keep), keep


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


def decode_report(raw: bytes, name: str) -> tuple[str | bytes, str]:
    """A report file's text: UTF-8, else GB18030 when it looks like GBK/GB18030 (with a sentence saying so and
    how to convert it), else ExtractionError naming the file, its likely encoding and the fix. Bytes that look
    binary are returned as they are, for check_text to refuse."""
    if b"\x00" in raw[:4096]:
        return raw, ""
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    guess = guess_encoding(raw)
    if guess == "GBK":
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            return text, (
                f"{name} is not UTF-8 but GBK/GB18030 text: read it as GB18030. Save it as UTF-8 before adding it "
                f"to data/sources/ (iconv -f GB18030 -t UTF-8 {name} > data/sources/DOC_ID.txt)."
            )
    looks = "its encoding is not recognised" if guess == "unknown" else f"it looks like {guess}"
    source = {"GBK": "GB18030", "unknown": "ENCODING"}.get(guess, guess)
    raise ExtractionError(
        f"{name} is not UTF-8 text ({looks}): convert it to UTF-8 first, e.g. "
        f"iconv -f {source} -t UTF-8 {name} > report-utf8.txt."
    )


# Longer "sentences" are cut at their last clause boundary (a text without full stops stays linear to read):
# real sentences in reports run to a few hundred characters.
MAX_SENTENCE_CHARS = 1000
# A text longer than this is not one report (a report is 2,000-50,000 characters): refuse it in one sentence.
MAX_TEXT_CHARS = 2_000_000


def check_size(text: str) -> None:
    """ExtractionError for a text too long to be one report."""
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractionError(
            f"The text has {len(text):,} characters; extraction reads at most {MAX_TEXT_CHARS:,} "
            "(one report is usually under 50,000): split it into its reports."
        )


def sentences(simple: str):
    """(start, end, ends_paragraph) of each sentence, over-long ones cut at a clause boundary."""
    start = 0
    for m in list(SENTENCE_END.finditer(simple)) + [None]:
        end = m.end() if m else len(simple)
        while end - start > MAX_SENTENCE_CHARS:
            cut = max(
                (c.end() for c in CLAUSE_END.finditer(simple, start + 1, start + MAX_SENTENCE_CHARS)),
                default=start + MAX_SENTENCE_CHARS,
            )
            yield start, cut, False
            start = cut
        if end > start or m is None:
            yield start, end, m is None or m.group(0) == "\n"
        start = end


def unit_after(text: str, end: int) -> tuple[str, int] | None:
    """The counting unit right after a number ending at end (skipping 余/多: 万余张), and where it ends."""
    while text[end : end + 1] in ("余", "多") and end < len(text):
        end += 1
    m = UNIT_PATTERN.match(text, end)
    return (m.group(0), m.end()) if m else None


def unit_of(text: str, n: Number) -> tuple[str | None, int]:
    """A number's counting unit ('%' for a percentage, None when it has none) and where the unit ends."""
    if n.percent:
        return "%", n.end
    return unit_after(text, n.end) or (None, n.end)


SCALE_OR_MORE = re.compile(r"[余多万亿]")


def is_count(text: str, n: Number) -> bool:
    """A number that counts something: not a year, date, ordinal, duration or lone Chinese numeral."""
    raw = text[n.start : n.end]
    if not raw[0].isdigit() and len(SCALE_OR_MORE.sub("", raw)) < 2 and n.value < 1e4:
        return False
    before, after = text[max(0, n.start - 1) : n.start], text[n.end : n.end + 4]
    return before != "第" and not after.startswith(NOT_COUNTS_AFTER)


def clause_at(sentence: str, clause_start: int) -> str:
    """The clause that starts at clause_start, up to the next clause boundary."""
    end = CLAUSE_END.search(sentence, clause_start)
    return sentence[clause_start : end.start() if end else len(sentence)]
