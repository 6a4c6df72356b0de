"""compare.stats.rates: per-capita rates against independent computations and the reports' own figures."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from compare.data import load_dataset
from compare.errors import (
    CompareError,
    MissingPopulationError,
    MixedLevelsError,
    RateNotMeaningfulError,
    UnknownMetricError,
)
from compare.stats.rates import METHODS, compute_rates, count_range, poisson_interval, rate_table, share_table


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def garwood(count, exposure):
    """Exact Poisson limits from chi-square quantiles (Garwood 1936), per unit exposure."""
    low = stats.chi2.ppf(0.025, 2 * count) / 2 if count > 0 else 0.0
    high = stats.chi2.ppf(0.975, 2 * count + 2) / 2
    return low / exposure, high / exposure


@pytest.mark.parametrize("count, exposure", [(0, 10.0), (1, 3.5), (7, 100.0), (591, 22.13), (12345, 1e6)])
def test_poisson_interval_matches_chi_square_garwood(count, exposure):
    low, high = poisson_interval([count], [exposure], scale=1)
    ref_low, ref_high = garwood(count, exposure)
    assert low[0] == pytest.approx(ref_low, rel=1e-9, abs=1e-12)
    assert high[0] == pytest.approx(ref_high, rel=1e-9)


def test_huancui_legal_aid_matches_the_report_and_the_brief_example(ds):
    row = rate_table(ds, "legal_aid_cases", districts=["371002"]).iloc[0]
    assert row["rate_per_10k"] == pytest.approx(13.25, abs=0.005)  # the report's own 万人平均受援率
    assert row["years"] == pytest.approx(181 / 365)
    assert round(row["annual_rate_per_10k"], 1) == 26.7
    assert (round(row["ci_low"], 1), round(row["ci_high"], 1)) == (24.6, 29.0)
    assert row["population_definition"] == "census_resident" and row["population"] == 446193


def test_stocks_are_not_annualised_and_people_under_supervision_get_no_poisson_interval(ds):
    rates = rate_table(ds, "community_corrections_subjects", districts=["370202"])
    row = rates.iloc[0]
    assert np.isnan(row["annual_rate_per_10k"]) and row["rate_per_10k"] == pytest.approx(162 / row["population"] * 1e4)
    assert np.isnan(row["ci_low"]) and "not_a_count" in row["flags"]
    assert row["method"] == "no interval: not an event count"


@pytest.mark.parametrize(
    "metric", ["mediators", "mediation_organizations", "mediator_trainees", "wages_recovered", "judicial_offices"]
)
def test_quantities_whose_population_at_risk_is_not_the_residents_get_no_per_capita_rate(ds, metric):
    """People in post, committees, trainees' attendances, money and offices are counts, never per resident."""
    with pytest.raises(RateNotMeaningfulError, match="not a per-capita quantity"):
        rate_table(ds, metric, level="all")


@pytest.mark.parametrize(
    ("value", "qualifier", "low", "high"),
    [
        (36000, "at_least", 36000, 36999),  # 3.6万余: the next rounding step is 1,000
        (30000, "approx", 25000, 35000),  # 约3万: ± half a 万
        (591, "exact", 591, 591),
        (200, "at_least", 200, 299),  # 200余
        (50, "at_most", 40, 50),  # 不到50
        (7, "approx", 7, 7),
    ],
)
def test_count_ranges_follow_the_reports_words(value, qualifier, low, high):
    got_low, got_high = count_range([value], [qualifier])
    assert (got_low[0], got_high[0]) == (low, high)


def test_a_lower_bound_interval_spans_the_rounding_and_chance():
    row = pd.DataFrame(
        {
            "period_start": [pd.Timestamp("2023-01-01")],
            "period_end": [pd.Timestamp("2023-12-31")],
            "value": [36000.0],
            "population": [221286.0],
            "qualifier": ["at_least"],
        }
    )
    rate = compute_rates(row, "flow", "case", "poisson").iloc[0]
    low, _ = garwood(36000, 221286 / 1e4)
    _, high = garwood(36999, 221286 / 1e4)
    assert (rate["ci_low"], rate["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert rate["method"] == METHODS["range"] and "lower_bound" in rate["flags"]


def test_small_counts_are_flagged():
    row = pd.DataFrame(
        {
            "period_start": [pd.Timestamp("2023-01-01")],
            "period_end": [pd.Timestamp("2023-12-31")],
            "value": [9.0],
            "population": [50000.0],
            "qualifier": ["exact"],
        }
    )
    assert "small_count" in compute_rates(row, "flow", "case", "poisson")["flags"].iloc[0]
    assert "small_count" not in compute_rates(row.assign(value=10.0), "flow", "case", "poisson")["flags"].iloc[0]


def test_qualifiers_become_flags(ds):
    rates = rate_table(ds, "legal_consultations", level="all")
    assert rates.loc[rates["qualifier"].eq("at_least"), "flags"].str.startswith("lower_bound").all()
    assert rates.loc[rates["qualifier"].eq("approx"), "flags"].str.contains("approx").all()
    assert rates["qualifier"].eq("at_least").any() and rates["qualifier"].eq("approx").any()


def test_year_end_denominator_with_explicit_fallback(ds):
    rates = rate_table(ds, "disputes_mediated", level="county", denominator="resident_yearend").set_index(
        "district_code"
    )
    assert rates.loc["371002", "population_definition"] == "census_resident"
    assert "population_fallback" in rates.loc["371002", "flags"]
    assert "population_fallback" not in rates.loc["320412", "flags"]


def test_wujin_rates_use_the_territory_its_report_used(ds):
    """Wujin's own 万人比 reconciles only with the resident population excluding the 常州经开区 zone, whose
    cases the bureau does not count: its rates divide by that population of the count's year."""
    row = rate_table(ds, "legal_aid_cases", districts=["320412"]).iloc[0]
    assert (row["population"], row["population_year"]) == (1294900, 2022)
    assert row["population_scope"] == "excluding 常州经开区" and "population_scope" in row["flags"]
    assert row["annual_rate_per_10k"] == pytest.approx(349 / 1294900 / (90 / 365) * 1e4)
    assert round(row["annual_rate_per_10k"]) == 11


def test_census_standing_for_a_distant_year_is_flagged(ds):
    rates = rate_table(ds, "disputes_mediated", level="county").set_index("district_code")
    assert "population_year_gap" in rates.loc["330211", "flags"]  # Zhenhai 2024 on census 2020
    assert "population_year_gap" not in rates.loc["320508", "flags"]  # Gusu 2022


def test_ratio_metrics_are_refused(ds):
    with pytest.raises(RateNotMeaningfulError, match="ratio"):
        rate_table(ds, "mediation_success_rate", level="all")


def test_unknown_metric(ds):
    with pytest.raises(UnknownMetricError, match="Unknown metric 'nope'"):
        rate_table(ds, "nope")


def test_levels_are_not_mixed_unless_asked(ds):
    with pytest.raises(MixedLevelsError, match="mix levels \\(county, nation, prefecture, province\\)"):
        rate_table(ds, "legal_aid_cases")
    assert set(rate_table(ds, "legal_aid_cases", level="all")["level"]) == {
        "county",
        "prefecture",
        "province",
        "nation",
    }


def test_missing_population_is_one_sentence(ds):
    ds2 = load_dataset()
    ds2.populations = ds2.populations[ds2.populations["district_code"] != "371002"]
    with pytest.raises(MissingPopulationError, match="No population is known for 环翠区 \\(371002\\)"):
        rate_table(ds2, "legal_aid_cases", districts=["371002"])


def quarter_table(year, counts, population):
    starts = pd.to_datetime([f"{year}-01-01", f"{year}-04-01", f"{year}-07-01", f"{year}-10-01"])
    ends = pd.to_datetime([f"{year}-03-31", f"{year}-06-30", f"{year}-09-30", f"{year}-12-31"])
    return pd.DataFrame(
        {
            "period_start": starts,
            "period_end": ends,
            "value": np.asarray(counts, float),
            "population": float(population),
            "qualifier": "exact",
            "population_fallback": False,
        }
    )


@settings(max_examples=100, deadline=None)
@given(
    year=st.integers(2000, 2040),
    counts=st.lists(st.integers(0, 5000), min_size=4, max_size=4),
    population=st.integers(10_000, 20_000_000),
)
def test_annual_rate_is_invariant_to_splitting_a_year_into_quarters(year, counts, population):
    quarters = compute_rates(quarter_table(year, counts, population), "flow", "case", "poisson")
    whole = pd.DataFrame(
        {
            "period_start": [pd.Timestamp(f"{year}-01-01")],
            "period_end": [pd.Timestamp(f"{year}-12-31")],
            "value": [float(sum(counts))],
            "population": [float(population)],
            "qualifier": ["exact"],
            "population_fallback": [False],
        }
    )
    year_rate = compute_rates(whole, "flow", "case", "poisson")["annual_rate_per_10k"].iloc[0]
    pooled = quarters["value"].sum() / quarters["exposure"].sum() * 1e4
    assert quarters["exposure"].sum() == pytest.approx(population, rel=1e-12)
    assert pooled == pytest.approx(year_rate, rel=1e-12, abs=1e-12)
    weighted = (quarters["annual_rate_per_10k"] * quarters["years"]).sum()
    assert weighted == pytest.approx(year_rate, rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(count=st.integers(0, 10**6), exposure=st.floats(1e-3, 1e8))
def test_interval_always_contains_the_estimate(count, exposure):
    low, high = poisson_interval([count], [exposure])
    estimate = count / exposure * 1e4
    assert low[0] <= estimate * (1 + 1e-12) and estimate <= high[0] * (1 + 1e-12)


def test_a_share_is_recomputed_from_its_counts_with_a_wilson_interval(ds):
    from statsmodels.stats.proportion import proportion_confint

    shares = share_table(ds, "mediation_success_rate").set_index("district_code")
    sheyang = shares.loc["320924"]  # 射阳县 2018: 4,760 of 4,769 disputes mediated successfully
    assert (sheyang["value"], sheyang["trials"]) == (4760, 4769)
    low, high = proportion_confint(4760, 4769, alpha=0.05, method="wilson")
    assert (sheyang["ci_low"], sheyang["ci_high"]) == (pytest.approx(low * 100), pytest.approx(high * 100))
    with pytest.raises(CompareError, match="not a share with a known numerator"):
        share_table(ds, "legal_aid_cases")


def test_the_catalogue_names_shares_only_for_binomial_metrics(ds):
    from compare.data import catalogue_problems

    broken = ds.metrics.copy()
    broken.loc[broken["metric_id"] == "legal_aid_cases", "numerator"] = "nope"
    reasons = [p.reason for p in catalogue_problems(broken)]
    assert "numerator 'nope' is not a metric of the catalogue" in reasons
    assert "legal_aid_cases names a numerator but its variation is not binomial" in reasons
    assert catalogue_problems(ds.metrics) == []


def test_a_share_whose_numerator_exceeds_its_denominator_gets_no_interval(ds):
    shares = share_table(ds, "mediation_success_rate")
    inconsistent = shares[shares["value"] > shares["trials"]]
    assert not inconsistent.empty  # 庆阳市 2014: more successes stated than disputes (different bases)
    assert inconsistent["ci_low"].isna().all() and inconsistent["method"].str.contains("exceeds").all()


@pytest.mark.parametrize(
    ("value", "qualifier", "quote", "low", "high"),
    [
        (30000, "at_least", "调解纠纷3万件以上", 30000, np.inf),  # 以上: no upper end in the words
        (30000, "at_least", "受理咨询超过3万人次", 30000, np.inf),
        (36000, "at_least", "发放材料3.6万余份", 36000, 36999),  # 余: within the next rounding step
        (30000, "approx", "办理案件近3万件", 25000, 30000),  # 近: close to it from below
        (30000, "approx", "办理案件约3万件", 25000, 35000),
        (1200, "approx", "近年来，全县调解纠纷约1200件", 1150, 1250),  # 近年来 is not 近 before the number
        (1200, "at_least", "县级以上法院受理1200余件", 1200, 1299),  # 县级以上 bounds nothing
        (1200, "at_least", "受理案件1200余件，其中超过半数", 1200, 1299),
    ],
)
def test_the_words_around_a_number_set_its_range(value, qualifier, quote, low, high):
    got_low, got_high = count_range([value], [qualifier], [quote])
    assert (got_low[0], got_high[0]) == (low, high)


def test_an_open_upper_count_has_an_open_upper_limit():
    low, high = poisson_interval([30000], [1e6], count_high=[np.inf])
    assert np.isinf(high[0]) and low[0] == pytest.approx(poisson_interval([30000], [1e6])[0][0])


def test_a_part_larger_than_its_whole_is_flagged_on_both_sides(ds):
    """庆阳市 reports 17,356 successful mediations of 17,128 disputes: both figures carry the flag."""
    for metric in ("disputes_mediated", "disputes_mediated_success"):
        rates = rate_table(ds, metric, level="prefecture").set_index("doc_id")
        assert "part_exceeds_whole" in rates.loc["qingyang-2015-01-07", "flags"], metric
        assert not rates.drop(index="qingyang-2015-01-07")["flags"].str.contains("part_exceeds_whole").any()
