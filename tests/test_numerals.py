"""compare.numerals: the number forms of the seed and corpus sentences."""

import pytest

from compare.numerals import find_numbers, value_in_quote


@pytest.mark.parametrize(
    "text, value, qualifier",
    [
        ("帮助民工追回劳动报酬1350余万元", 13_500_000, "at_least"),
        ("挽回或避免经济损失5721万余元", 57_210_000, "at_least"),
        ("解答法律咨询6.3万件", 63_000, "exact"),
        ("发放“法律援助农民工宣传卡”万余张", 10_000, "at_least"),
        ("宣傳紀念品1萬余份", 10_000, "at_least"),
        ("提供法律咨询近3万人次", 30_000, "approx"),
        ("免除代理、辩护费用约1700万元", 17_000_000, "approx"),
        ("调解成功率达98%以上", 98, "at_least"),
        ("化解农民工纠纷500多个", 500, "at_least"),
        ("全市共有五千零三十六个人民调解组织", 5036, "exact"),
        ("共计１，２３４件", 1234, "exact"),
        ("超过200件", 200, "at_least"),
        ("不到20件", 20, "at_most"),
    ],
)
def test_number_forms(text, value, qualifier):
    numbers = find_numbers(text)
    match = [n for n in numbers if n.value == pytest.approx(value)]
    assert match, numbers
    assert match[0].qualifier == qualifier


def test_value_read_back_handles_sign_of_change():
    assert value_in_quote(-50, "同比下降50%")
    assert not value_in_quote(-50, "同比增加50%")
    assert value_in_quote(40, "同比增加40%")
    assert not value_in_quote(41, "同比增加40%")
