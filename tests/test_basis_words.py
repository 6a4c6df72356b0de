"""Every brief that compares says, in words and in both languages, what the compared figures count (issue 22)."""

import pytest

from compare.data.tables import BASES, SCOPES, load_dataset
from compare.stories import district_profile, district_trends, metric_comparison
from compare.stories.sentences import LANGUAGES, SENTENCES, counted_words

ABOVE = {"en": ", including the work of bodies above the unit's own level", "zh": "，含本级以上机构的工作"}


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_basis_and_scope_the_data_may_carry_has_words(lang):
    for basis in BASES:
        for scope in SCOPES:
            words = counted_words(basis, scope, lang)
            assert words and "{" not in words
    assert counted_words("received", "", "en") == "counted as received (受理)"
    assert counted_words("", "", "zh") == "按报告所载数字统计，报告未说明统计口径"


@pytest.mark.parametrize(
    ("lang", "received", "unstated"),
    [
        ("en", "Cases counted as received (受理)" + ABOVE["en"] + ".", "Cases counted as the reports state them, "),
        ("zh", "按受理数统计" + ABOVE["zh"] + "。", "按报告所载数字统计，报告未说明统计口径。"),
    ],
)
def test_a_metric_comparison_says_what_its_window_counts(ds, lang, received, unstated):
    counted = SENTENCES[lang]["about.counted"]
    provinces = dict(metric_comparison(ds, "admin_reconsideration_cases", "province", period="2019", lang=lang).about)
    assert provinces[counted] == received  # the ministry's 2019 table: cases received, provincial bodies included
    assert dict(metric_comparison(ds, "legal_aid_cases", "county", lang=lang).about)[counted].startswith(unstated)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Cases counted as handled (办理)" + ABOVE["en"] + "."), ("zh", "按办理数统计" + ABOVE["zh"] + "。")],
)
def test_a_profile_says_what_each_metric_counts(ds, lang, words):
    story = district_profile(ds, "320000", lang=lang)  # 江苏省: legal aid 2022, cases handled, all levels
    (entry,) = [f for f in story.findings if "116,000" in f]  # the metric's own sentence, not the benchmark's
    assert entry.endswith(" " + words)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Both counted as handled (办理)" + ABOVE["en"] + "."),
        ("zh", "两者均按办理数统计" + ABOVE["zh"] + "。"),
    ],
)
def test_a_benchmark_sentence_says_what_both_figures_count(ds, lang, words):
    story = district_profile(ds, "320000", lang=lang)  # against the nation's 2022 figure, counted the same way
    assert any(f.endswith(words) for f in story.findings), story.findings[:2]


def test_a_benchmark_with_neither_basis_stated_says_so(ds):
    story = district_profile(ds, "320924")  # 射阳县 against the nation, 2018 mediation
    assert story.findings[0].endswith("Both counted as the reports state them, basis not stated.")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            "Administrative reconsideration cases: counted as concluded (办结)" + ABOVE["en"].replace("'", "&#x27;"),
        ),
        ("zh", "行政复议案件：按办结数统计" + ABOVE["zh"] + "。"),
    ],
)
def test_trends_say_what_the_periods_set_side_by_side_count(ds, lang, words):
    story = district_trends(ds, "100000", ["admin_reconsideration_cases"], lang=lang)
    assert any(f.startswith(words) for f in story.findings)  # the received and handled years are set aside
