"""compare.data.numerals: the number forms reports use (example phrasings written for these tests)."""

import pytest

from compare.data.numerals import find_numbers, value_in_quote


@pytest.mark.parametrize(
    "text, value, qualifier",
    [
        ("帮助民工追回劳动报酬1350余万元", 13_500_000, "at_least"),  # seed wujin-2022q1
        ("挽回经济损失112万余元", 1_120_000, "at_least"),  # seed huancui-2021h1
        ("全年代写文书4.5万件", 45_000, "exact"),
        ("印发宣传折页万余张", 10_000, "at_least"),
        ("發放宣傳冊2萬余份", 20_000, "at_least"),
        ("接待群众近2万人次", 20_000, "approx"),
        ("挽回损失约3.2亿元", 320_000_000, "approx"),
        ("群众满意率达95%以上", 95, "at_least"),
        ("调处邻里纠纷300多起", 300, "at_least"),
        ("全县共有三千零二十个调解小组", 3020, "exact"),
        ("共计１，２３４件", 1234, "exact"),
        ("累计1,234,567元", 1_234_567, "exact"),
        ("超过200件", 200, "at_least"),
        ("不到20件", 20, "at_most"),
        ("培训80场左右", 80, "approx"),
        ("全年受理调解纠纷4 598件", 4598, "exact"),  # older reports group thousands with a space
        ("接待来访12 345 678人次", 12_345_678, "exact"),
        ("共计4\u3000598件", 4598, "exact"),  # an ideographic space reads as one
    ],
)
def test_number_forms(text, value, qualifier):
    numbers = find_numbers(text)
    match = [n for n in numbers if n.value == pytest.approx(value)]
    assert match, numbers
    assert match[0].qualifier == qualifier


def test_positions_refer_to_the_original_text():
    text = "共计１，２３４件"
    number = find_numbers(text)[0]
    assert text[number.start : number.end] == "１，２３４"


def test_value_read_back_handles_sign_of_change():
    assert value_in_quote(-50, "同比下降50%")
    assert not value_in_quote(-50, "同比增加50%")
    assert value_in_quote(40, "同比增加40%")
    assert not value_in_quote(41, "同比增加40%")


def test_a_space_between_numbers_that_are_not_thousands_does_not_join_them():
    assert [n.value for n in find_numbers("2019年 12件")] == [2019, 12]
    assert [n.value for n in find_numbers("第3 章 45件")] == [3, 45]
    assert value_in_quote(4598, "共受理4 598件") and not value_in_quote(598, "共受理4 598件")


def test_normalise_folds_each_character_as_nfkc_does_alone():
    """normalise skips the characters NFKC leaves alone; it must fold every other one exactly as reading each
    character through NFKC did (one character out for one in, else the character kept)."""
    import sys
    import unicodedata

    from compare.data.numerals import normalise

    def one_by_one(text: str) -> str:
        return "".join(n if len(n := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)

    every = "".join(map(chr, [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 61)]))  # the BMP, a sample beyond
    assert normalise(every) == one_by_one(every)
    assert normalise("共计１，２３４件（含ｉ）㈠ﬁ𝟏") == "共计1,234件(含i)㈠ﬁ1"


def test_number_patterns_find_what_they_found_without_looking_ahead():
    """NUMBER and BARE_SCALE look ahead for a character they can start with; they must match as before."""
    import re

    from compare.data import load_dataset
    from compare.data.numerals import BARE_SCALE, CN_DIGITS, NUMBER

    text = (
        "".join(load_dataset().texts.values())
        + "共计１，２３４件、4 598件、万余张、三千零二十个、.5万、98%以上、萬余份"
    )
    for pattern, guard in ((NUMBER, rf"(?=[\d{CN_DIGITS}])"), (BARE_SCALE, "(?=[万萬亿億])")):
        plain = re.compile(pattern.pattern.removeprefix(guard))
        assert plain.pattern != pattern.pattern
        spans = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        assert spans == [(m.span(), m.groupdict()) for m in plain.finditer(text)] and spans
