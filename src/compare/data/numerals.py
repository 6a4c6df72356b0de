"""Numbers as Chinese reports write them: 1350余万元, 6.3万, 两万余, 1萬余份, 98%以上, 4 598件.

One reader serves both validation (can the value be read back from its quote?) and extraction.
Chinese numerals go through cn2an; this module only finds them and applies 万/亿 and qualifiers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

SCALES = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
CN_DIGITS = "零〇一二两兩三四五六七八九十百千"
AT_LEAST_BEFORE = ("超过", "超過", "逾")
AT_LEAST_AFTER = ("余", "餘", "多", "以上", "余个")
APPROX_BEFORE = ("约", "約", "近", "将近", "大约")
BELOW_BEFORE = ("近", "将近", "將近", "接近")  # close to the number from below
APPROX_AFTER = ("左右",)
AT_MOST_BEFORE = ("不到", "不足")
AT_MOST_AFTER = ("以内", "以下")
DECREASE_WORDS = ("下降", "减少", "減少", "降低", "下滑", "回落")

# Thousands grouped by commas (4,598) or, in older reports, by a space (4 598: any space NFKC reads as one).
# Each pattern first looks ahead for a character it can start with, so the search passes all others at once.
NUMBER = re.compile(
    rf"(?=[\d{CN_DIGITS}])"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?<![\d.])\d{{1,3}}(?: \d{{3}})+(?![\d])(?:\.\d+)?"
    rf"|\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
    rf"(?P<mid>余|餘|多)?"
    rf"(?P<scale>[万萬亿億])?"
    rf"(?P<after>余|餘|多)?"
    rf"(?P<pct>%)?"
)
# 万余张 / 萬余份: a bare scale word followed by 余 means "more than one 万".
BARE_SCALE = re.compile(rf"(?=[万萬亿億])(?<![\d{CN_DIGITS}.])(?P<scale>[万萬亿億])(?=余|餘|多)")


@dataclass(frozen=True)
class Number:
    """One number found in a text: its value in base units and where it stands."""

    value: float
    start: int
    end: int
    qualifier: str
    percent: bool


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, character by character: positions stay those of text."""
    return _foldable().sub(lambda m: _fold(m.group(0)), text)


def _folded(char: str) -> str:
    """The character NFKC makes of char when that is one character, else char itself."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


_fold = lru_cache(maxsize=4096)(_folded)  # the few a report holds (，：（）０-９ ...), each folded once


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern:
    """Every character _folded changes (those of the Basic Multilingual Plane listed once, on first use: 15 ms),
    and any character beyond it (rare in reports: tried one by one), so that text without them is left as it is."""
    changed = "".join(c for c in map(chr, range(0x10000)) if not "\ud800" <= c <= "\udfff" and _folded(c) != c)
    return re.compile(f"[{re.escape(changed)}]|[\U00010000-\U0010ffff]")


def _number_value(raw: str) -> float | None:
    if raw[0].isdigit():
        return float(raw.replace(",", "").replace(" ", ""))
    return _chinese_value(raw)


@lru_cache(maxsize=4096)
def _chinese_value(raw: str) -> float | None:
    """The value of a Chinese numeral (两, 三十五), read once: the same few recur in every report."""
    import cn2an  # here, not at the top: 0.1 s of every command's start, needed only for Chinese numerals

    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def _after_unit(after: str, words) -> bool:
    """Whether after starts with one of words, possibly behind a unit of one or two characters (3万家以上)."""
    return after.startswith(words) or bool(_behind_unit(words).match(after))


@lru_cache(maxsize=16)
def _behind_unit(words: tuple) -> re.Pattern:
    return re.compile(rf"^[^\d\s,，。;；、]{{1,2}}?({'|'.join(words)})")


def _qualifier(text: str, start: int, end: int, marked_more: bool) -> str:
    before, after = text[max(0, start - 3) : start], text[end : end + 5]
    if (
        marked_more
        or before.endswith(AT_LEAST_BEFORE)
        or after.startswith(AT_LEAST_AFTER)
        or _after_unit(after, ("以上",))
    ):
        return "at_least"
    if before.endswith(APPROX_BEFORE) or _after_unit(after, APPROX_AFTER):
        return "approx"
    if before.endswith(AT_MOST_BEFORE) or _after_unit(after, AT_MOST_AFTER):
        return "at_most"
    return "exact"


def find_numbers(text: str) -> list[Number]:
    """Every number in text, scaled to base units (万 = 1e4, 亿 = 1e8), with its qualifier."""
    text = normalise(text)
    found = []
    for m in NUMBER.finditer(text):
        value = _number_value(m["num"])
        if value is None:
            continue
        if m["scale"]:
            value *= SCALES[m["scale"]]
        more = bool(m["mid"] or m["after"])
        found.append(Number(value, m.start(), m.end(), _qualifier(text, m.start(), m.end(), more), bool(m["pct"])))
    for m in BARE_SCALE.finditer(text):
        found.append(Number(SCALES[m["scale"]], m.start(), m.end(), "at_least", False))
    return sorted(found, key=lambda n: n.start)


def is_decrease(text: str) -> bool:
    """Whether a year-on-year phrase speaks of a fall (下降, 减少 ...)."""
    return any(word in text for word in DECREASE_WORDS)


def _numbers_equal_to(value: float, quote: str) -> list[Number]:
    return [n for n in find_numbers(quote) if math.isclose(abs(value), n.value, rel_tol=1e-9, abs_tol=1e-9)]


def value_in_quote(value: float, quote: str) -> bool:
    """Whether value can be read back from quote: one of its numbers, scaled, equals |value|,
    and a negative value goes with a word of decrease."""
    if value < 0 and not is_decrease(quote):
        return False
    return bool(_numbers_equal_to(value, quote))


def range_side(value: float, quote: str) -> str:
    """How the words next to value in quote bound it: 'open' when they set no upper end (超过3万, 3万以上, 逾),
    'below' when it is approached from below (近3万), '' otherwise (3万余 stays within its rounding step)."""
    text = normalise(quote)
    for n in _numbers_equal_to(value, quote):
        before, after = text[max(0, n.start - 3) : n.start], text[n.end : n.end + 5]
        if before.endswith(AT_LEAST_BEFORE) or _after_unit(after, ("以上",)):
            return "open"
        if before.endswith(BELOW_BEFORE):
            return "below"
    return ""


def quote_qualifiers(value: float, quote: str) -> set[str]:
    """The qualifiers with which quote states |value| (3万余 -> {'at_least'}); empty if it does not state it."""
    return {n.qualifier for n in _numbers_equal_to(value, quote)}
