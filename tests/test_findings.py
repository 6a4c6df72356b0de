"""compare.stories: the briefs' sentences claim no more than the data allows."""

import html

import numpy as np
import pandas as pd
import pytest

from compare.stats.comparisons import funnel
from compare.stats.rates import rate_table, rateable_observations
from compare.stats.windows import MIN_UNITS, ComparisonSet, Window
from compare.stories import comparison_lead, district_profile, load, metric_comparison, rate_sentence


@pytest.fixture(scope="module")
def ds():
    return load()


def every_metric_level(ds):
    obs = rateable_observations(ds)
    counts = obs.groupby(["metric_id", "tier"])["district_code"].nunique()
    return [(m, t) for (m, t), n in counts.items() if n >= 2]


def test_no_unit_is_classified_when_fewer_than_the_minimum_share_a_window(ds):
    checked = 0
    for metric, level in every_metric_level(ds):
        story = metric_comparison(ds, metric, level)
        if "funnel" not in story.tables:
            continue
        table = story.tables["funnel"].frame
        about = dict(story.about)
        if int(about["Units compared"]) >= MIN_UNITS:  # the real table's 31 provinces (tests/test_real_table.py)
            continue
        checked += 1
        assert set(table["classification"]) == {"not classified"}, metric
        assert "<b>Not assessed against each other</b>" in story.lead and "Nothing stands out" not in story.lead
        assert "φ" not in story.lead
    assert checked >= 1


def test_units_reporting_other_years_are_named_not_ranked(ds):
    story = metric_comparison(ds, "legal_aid_cases", "prefecture", period="2017")
    assert set(story.tables["rates"].frame["district_zh"]) == {"临沂市", "聊城市"}  # both report 2017
    left_out = story.tables["not_comparable"].frame
    assert {"331100", "510500"} <= set(left_out["district_code"])  # Lishui 2025, Luzhou 2021: not compared
    assert "丽水市 (reports 2025)" in story.findings[-1]
    assert not any(place in f for f in story.findings for place in ("above the", "below the", "within the"))


def test_the_default_window_is_the_latest_year_most_units_report(ds):
    from compare.stats.windows import comparison_set

    rates = rate_table(ds, "legal_aid_cases", level="prefecture").dropna(subset=["period_end"])
    per_period = rates.groupby(["period_start", "period_end"])["district_code"].nunique()
    expected = max((end, start) for (start, end), n in per_period.items() if n == per_period.max())
    chosen = comparison_set(rates)
    assert (chosen.window.end, chosen.window.start) == expected
    assert chosen.label == "2018H1"  # 绵阳 and 黄山 both report the first half of 2018 (临沂 and 聊城: 2017)
    assert set(chosen.units["period"].astype(str)) == {"2018H1"}, "every unit reports the one identical period"


def test_an_approximate_count_is_a_range_never_an_exact_interval(ds):
    row = rate_table(ds, "disputes_mediated", level="prefecture").iloc[0]  # Nanjing: 约90万
    sentence = rate_sentence(row, ds.metric("disputes_mediated"))
    assert "about 900,000 cases" in sentence and "about 192 cases per 10,000 residents per year" in sentence
    assert "allowing for the report's rounding and for chance" in sentence and "95% CI" not in sentence


def test_a_lower_bound_says_at_least_and_its_interval_covers_the_rounding(ds):
    rates = rate_table(ds, "legal_consultations", level="all")
    row = rates[rates["qualifier"].eq("at_least") & rates["ci_low"].notna()].iloc[0]
    sentence = rate_sentence(row, ds.metric("legal_consultations"))
    assert "at least" in sentence and "allowing for the report's rounding and for chance" in sentence
    assert "95% CI" not in sentence


def test_a_profile_with_no_peers_in_its_period_says_nothing_stands_out(ds):
    story = district_profile(ds, "371002")
    assert story.lead.startswith("<b>Not assessed against its peers</b>") and "Nothing stands out" not in story.lead
    assert set(story.tables["summary"].frame["window"]) == {"2021H1"}, "its own period, not the year around it"


def constructed_set(counts, exposure):
    """Constructed units (not data) sharing one window, for the wording of a classified funnel."""
    n = len(counts)
    units = pd.DataFrame(
        {
            "district_code": [f"{i:06d}" for i in range(n)],
            "district_zh": [f"区{i}" for i in range(n)],
            "district_en": [f"D{i}" for i in range(n)],
            "value": np.asarray(counts, float),
            "exposure": np.asarray(exposure, float),
            "qualifier": "exact",
            "flags": "",
            "kind": "flow",
            "period": "2021",
        }
    )
    units["annual_rate_per_10k"] = units["value"] / units["exposure"] * 1e4
    units["rate_per_10k"] = units["annual_rate_per_10k"]
    window = Window(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-31"))
    return ComparisonSet(
        window, units, pd.DataFrame(columns=["district_code", "district_zh", "district_en", "reports"])
    )


def test_the_lead_names_outliers_only_when_a_classified_funnel_holds():
    info = pd.Series({"name_en": "Legal aid cases", "variation": "poisson", "unit": "case"})
    calm = constructed_set([100, 104, 98, 101, 97, 103, 99, 102, 100, 96, 105, 100], [1e5] * 12)
    fun = funnel(calm.units, min_units=10)
    assert comparison_lead(info, calm, fun, "county", 10, "cases").startswith("<b>Nothing stands out</b>: all 12")
    outlier = constructed_set([100, 104, 98, 101, 97, 103, 99, 102, 100, 96, 105, 400], [1e5] * 12)
    fun = funnel(outlier.units, min_units=10)
    lead = comparison_lead(info, outlier, fun, "county", 10, "cases")
    assert lead.startswith("<b>1 of 12 county-level units reporting 2021 lie outside the 99.8% limits</b>")
    few = funnel(outlier.units, min_units=20)
    lead = comparison_lead(info, outlier, few, "county", 20, "cases")
    assert (
        lead.startswith("<b>Not assessed against each other</b>") and "not from whether their intervals overlap" in lead
    )


def test_both_languages_have_the_same_sentences_and_headers():
    from compare.stories.sentences import HEADERS, SENTENCES

    assert set(SENTENCES["en"]) == set(SENTENCES["zh"]) and set(HEADERS["en"]) == set(HEADERS["zh"])


ALLOWED_LATIN = {"CI", "DerSimonian", "Laird", "Wald", "Holm", "Winsorised", "CSV", "data", "sources"}


def visible_template_words(story) -> list[str]:
    """Latin words a reader sees in a story's own wording, with quotes, codes and links taken out."""
    import re

    parts = [story.title, story.lead, *story.findings, *(v for _, v in story.about), *(k for k, _ in story.about)]
    parts += [t.title for t in story.tables.values()] + [h for t in story.tables.values() for h in t.headers.values()]
    parts += [c.alt for c in story.charts.values()] + [c.caption for c in story.charts.values()]
    text = " ".join(parts)
    text = re.sub(r"<code>.*?</code>|“.*?”|<[^>]+>|\([0-9]{6}\)|/[\w/.-]+", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED_LATIN]


@pytest.mark.parametrize("kind", ["profile", "comparison", "trends", "data_quality"])
def test_a_chinese_story_has_no_untranslated_template_english(ds, kind):
    from compare.stories import data_quality, district_trends

    story = {
        "profile": lambda: district_profile(ds, "320412", lang="zh"),
        "comparison": lambda: metric_comparison(ds, "disputes_mediated", "county", period="2020-2024", lang="zh"),
        "trends": lambda: district_trends(ds, "510700", lang="zh"),
        "data_quality": lambda: data_quality(ds, lang="zh"),
    }[kind]()
    assert visible_template_words(story) == []
    english = {
        "profile": lambda: district_profile(ds, "320412"),
        "comparison": lambda: metric_comparison(ds, "disputes_mediated", "county", period="2020-2024"),
        "trends": lambda: district_trends(ds, "510700"),
        "data_quality": lambda: data_quality(ds),
    }[kind]()
    assert visible_template_words(english), "the check can find English when it is there"


def test_every_district_with_a_rate_gets_a_profile_in_both_languages(ds):
    """The schedule builds a profile for every district with a per-capita figure: none may fail, including
    districts whose figures are all undated or open-ended (listed, never compared)."""
    from compare.stats.rates import rateable_observations

    obs = rateable_observations(ds)
    for code in sorted(obs.loc[obs["tier"].isin(["county", "prefecture"]), "district_code"].unique()):
        for lang in ("en", "zh"):
            assert district_profile(ds, code, lang=lang).findings
    open_only = district_profile(ds, "511425")  # 青神县: figures from 2020 with no end date
    assert open_only.lead.startswith("<b>Nothing can be compared</b>") and "peers" not in open_only.charts
    assert "no annual rate: the report gives no end to its period" in open_only.findings[0]
    metrics = set(district_profile(ds, "371002").tables["summary"].frame["metric"])
    assert "人民调解员 People's mediators" not in metrics, "people in post are counts, never a rate per resident"


def test_a_stock_comparison_shows_its_rate_at_the_date(ds):
    """Corrections subjects under supervision have no annual rate: the comparison shows their rate at the date."""
    rates = metric_comparison(ds, "community_corrections_subjects", "county").tables["rates"].frame
    assert not rates.empty and rates["rate"].notna().all()


def test_each_load_is_a_new_dataset_over_the_same_tables():
    """A kernel runs brief after brief: the tables (and so the rates memo) are shared, but a table one notebook
    replaces on its Dataset is not what the next notebook loads."""
    first, second = load(), load()
    assert first is not second and first.observations is second.observations
    first.observations = first.observations.iloc[:0]
    assert len(load().observations) == len(second.observations) > 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_phi_and_tau2_are_stated_only_where_the_units_can_estimate_them(lang):
    from compare.stats.comparisons import MIN_UNITS_ADDITIVE
    from compare.stories.sentences import funnel_facts, method_words, spread_words

    rng = np.random.default_rng(7)

    def spread_out(n):  # constructed units far apart: φ would be in the hundreds if it were estimated
        exposure = rng.uniform(2e5, 4e6, n)
        return constructed_set(rng.poisson(exposure * 1e-3 * np.exp(rng.normal(0, 0.8, n))), exposure).units

    two = funnel(spread_out(2))
    words = spread_words(two, lang) + funnel_facts(two, lang) + method_words(two, lang)
    assert "φ =" not in words and "τ² =" not in words and "10" in spread_words(two, lang)
    below = funnel(spread_out(MIN_UNITS_ADDITIVE - 5))
    words = spread_words(below, lang) + method_words(below, lang)
    assert below.adjustment == "multiplicative" and f"φ = {below.phi:,.0f}" in words and "τ² =" not in words
    assert "√φ" in words and str(MIN_UNITS_ADDITIVE) in method_words(below, lang)
    enough = funnel(spread_out(MIN_UNITS_ADDITIVE))
    words = spread_words(enough, lang) + method_words(enough, lang)
    assert enough.adjustment == "random_effects" and f"τ² = {enough.tau2:.3g}" in words and "τ²" in words


def test_a_large_panel_lists_only_the_pairs_the_funnel_points_to(ds):
    from compare.stats.comparisons import funnel_rate_ratios
    from compare.stats.windows import comparison_set
    from compare.stories.comparison import FLAGGED, MAX_PAIRS
    from compare.stories.phrases import _window_funnel

    # the real table's 31 provinces: 465 pairs, more than a page lists
    rates = rate_table(ds, "admin_reconsideration_cases", level="province")
    fitted = _window_funnel(comparison_set(rates, "2019", MIN_UNITS), "random_effects", MIN_UNITS)
    every = funnel_rate_ratios(fitted)
    assert len(every) == 465 > MAX_PAIRS
    flagged = set(fitted.table.loc[fitted.table["classification"].isin(FLAGGED), "district_zh"])
    for lang, words in (("en", "Holm's adjustment is over all 465 pairs"), ("zh", "Holm校正按全部465对计算")):
        story = metric_comparison(ds, "admin_reconsideration_cases", "province", period="2019", lang=lang)
        listed = story.tables["rate_ratios"]
        assert 0 < len(listed.frame) <= MAX_PAIRS
        assert (listed.frame["district_zh_a"].isin(flagged) | listed.frame["district_zh_b"].isin(flagged)).all()
        shown = every[every["district_zh_a"].isin(flagged) | every["district_zh_b"].isin(flagged)]
        assert len(listed.frame) == len(shown)
        np.testing.assert_allclose(listed.frame["p_holm"], shown["p_holm"])  # adjusted over all pairs, not the shown
        assert words in listed.note and f"{len(flagged)}" in listed.note
        page = "".join(part for kind, part in story.body_parts() if kind == "html")
        assert html.escape(listed.note) in page
    small = metric_comparison(ds, "legal_aid_cases", "prefecture")  # a small panel lists every pair, saying nothing
    if "rate_ratios" in small.tables:
        n = len(small.tables["funnel"].frame)
        assert len(small.tables["rate_ratios"].frame) == n * (n - 1) // 2 and small.tables["rate_ratios"].note == ""


def spread_panel(n: int, seed: int = 3, outliers: int = 0) -> pd.DataFrame:
    """n SYNTHETIC units of one period, overdispersed, the first `outliers` of them at five times the rate."""
    rng = np.random.default_rng(seed)
    exposure = rng.uniform(20.0, 400.0, n)
    rate = 10 * np.exp(rng.normal(0, 0.2, n)) * np.where(np.arange(n) < outliers, 5.0, 1.0)
    return pd.DataFrame(
        {"district_code": [f"{i:06d}" for i in range(n)], "value": rng.poisson(exposure * rate).astype(float)}
    ).assign(exposure=exposure, district_zh=lambda f: "单位" + f["district_code"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_ninety_unit_funnel_lists_at_most_the_cap_of_its_smallest_p_values(lang):
    from compare.stats.comparisons import funnel_rate_ratios
    from compare.stories.comparison import MAX_PAIRS, listed_ratios

    fitted = funnel(spread_panel(90, outliers=12))
    every = funnel_rate_ratios(fitted)
    listed, note = listed_ratios(every, fitted, "county", lang)
    assert len(every) == 4005 and len(listed) == MAX_PAIRS
    assert listed["p_holm"].max() <= every.drop(listed.index)["p_holm"].min()  # the smallest adjusted p-values
    assert list(listed.index) == sorted(listed.index), "in the table's order"
    assert ("4,005" in note) and (f"{MAX_PAIRS:,}" in note) and ("90" in note)
    even = spread_panel(40)
    calm = funnel(even.assign(value=(even["exposure"] * 10).round()))  # every unit at the pooled rate
    assert (calm.table["classification"] == "within").all()
    nothing, words = listed_ratios(funnel_rate_ratios(calm), calm, "county", lang)
    assert nothing.empty and "780" in words
