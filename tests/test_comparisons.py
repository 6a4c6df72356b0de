"""compare.stats.comparisons: rate ratios, Holm adjustment, Wilson intervals and the embedded data's funnels,
against independent computations."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from compare.data import load_dataset
from compare.errors import CompareError
from compare.stats.comparisons import NOT_CLASSIFIED, funnel, funnel_rate_ratios, rate_ratio, rate_ratios
from compare.stats.intervals import wilson_interval
from compare.stats.rates import rate_table


@pytest.mark.parametrize(
    "c1, e1, c2, e2", [(591, 22.13, 349, 41.85), (5, 1.0, 9, 2.5), (0, 3.0, 4, 1.0), (120, 10.0, 100, 10.0)]
)
def test_rate_ratio_matches_the_conditional_binomial(c1, e1, c2, e2):
    rr = rate_ratio(c1, e1, c2, e2)
    n = c1 + c2
    p_low = stats.beta.ppf(0.025, c1, n - c1 + 1) if c1 > 0 else 0.0
    p_high = stats.beta.ppf(0.975, c1 + 1, n - c1) if c1 < n else 1.0
    assert rr.rate_ratio == pytest.approx((c1 / e1) / (c2 / e2))
    assert rr.ci_low == pytest.approx(p_low / (1 - p_low) * e2 / e1, rel=1e-7, abs=1e-12)
    assert rr.ci_high == pytest.approx(p_high / (1 - p_high) * e2 / e1, rel=1e-7)
    assert rr.p_value == pytest.approx(stats.binomtest(c1, n, e1 / (e1 + e2)).pvalue, rel=1e-7)
    assert rr.ci_low <= rr.rate_ratio <= rr.ci_high
    assert rr.method == "exact conditional"


def two_unit_glm(c1, e1, c2, e2, scale):
    """Poisson GLM of two units (intercept + unit-1 indicator, log-exposure offset) with a fixed scale."""
    design = np.array([[1.0, 1.0], [1.0, 0.0]])
    return sm.GLM(np.array([c1, c2]), design, family=sm.families.Poisson(), offset=np.log([e1, e2])).fit(scale=scale)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # a two-unit GLM is saturated: statsmodels warns, harmlessly
@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
@pytest.mark.parametrize("phi", [2.5, 40.0])
def test_overdispersed_rate_ratio_matches_a_quasi_poisson_glm(phi):
    c1, e1, c2, e2 = 591, 22.13, 349, 41.85
    rr = rate_ratio(c1, e1, c2, e2, phi=phi)
    glm = two_unit_glm(c1, e1, c2, e2, phi)
    low, high = np.exp(glm.conf_int()[1])
    assert (rr.rate_ratio, rr.ci_low, rr.ci_high) == pytest.approx((np.exp(glm.params[1]), low, high), rel=1e-7)
    assert rr.p_value == pytest.approx(glm.pvalues[1], rel=1e-6)
    assert "quasi-Poisson" in rr.method
    exact = rate_ratio(c1, e1, c2, e2)
    assert rr.ci_high - rr.ci_low > exact.ci_high - exact.ci_low


def test_tau2_adds_between_unit_variance_on_the_log_scale():
    c1, e1, c2, e2, tau2 = 591, 22.13, 349, 41.85, 0.01
    rr = rate_ratio(c1, e1, c2, e2, tau2=tau2)
    se = np.sqrt(1 / c1 + 1 / c2 + 8 * tau2)  # 4 τ² per unit: delta method from the √(O/E) scale at O/E = 1
    z = stats.norm.ppf(0.975)
    assert rr.ci_low == pytest.approx(rr.rate_ratio * np.exp(-z * se))
    assert rr.ci_high == pytest.approx(rr.rate_ratio * np.exp(z * se))
    assert "τ²" in rr.method


def test_two_zero_counts_have_no_rate_ratio():
    with pytest.raises(CompareError, match="Both counts are zero"):
        rate_ratio(0, 10.0, 0, 12.0)


def units(counts, exposures):
    return pd.DataFrame(
        {"district_code": [f"{i:06d}" for i in range(len(counts))], "value": counts, "exposure": exposures}
    )


def holm_step_down(p):
    """Holm (1979) written out: sort, multiply the k-th smallest by (m - k + 1), keep it monotone, cap at 1."""
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def test_pairwise_ratios_cover_every_pair_with_holm_adjusted_p_values():
    table = rate_ratios(units([120.0, 95.0, 180.0, 60.0, 0.0, 0.0], [10.0, 10.0, 12.0, 9.0, 2.0, 3.0]))
    assert len(table) == 15
    zero = table[(table["district_a"] == "000004") & (table["district_b"] == "000005")].iloc[0]
    assert zero["note"] == "both counts are zero: no ratio" and np.isnan(zero["p_value"]) and np.isnan(zero["p_holm"])
    tested = table.dropna(subset=["p_value"])
    assert len(tested) == 14
    np.testing.assert_allclose(tested["p_holm"], multipletests(tested["p_value"], method="holm")[1], rtol=1e-12)
    np.testing.assert_allclose(tested["p_holm"], holm_step_down(tested["p_value"].to_numpy()), rtol=1e-12)
    assert (tested["p_holm"] >= tested["p_value"]).all()


def test_pairwise_ratios_are_exact_and_unwidened_below_ten_units():
    few = units([120.0, 95.0, 180.0, 60.0], [10.0, 10.0, 12.0, 9.0])
    f = funnel(few)  # 4 units: no φ estimated, so nothing to widen with
    ratios = funnel_rate_ratios(f)
    assert (ratios["method"] == "exact conditional").all() and ratios["p_holm"].notna().all()
    exact = rate_ratio(120.0, 10.0, 95.0, 10.0)
    assert (ratios.loc[0, "ci_low"], ratios.loc[0, "ci_high"]) == pytest.approx((exact.ci_low, exact.ci_high))
    np.testing.assert_allclose(ratios["p_holm"], multipletests(ratios["p_value"], method="holm")[1], rtol=1e-12)
    with pytest.raises(CompareError, match="only from 10 units"):
        rate_ratios(few, phi=601.0)
    with pytest.raises(CompareError, match="only from 10 units"):
        rate_ratios(few, tau2=0.01)
    assert rate_ratio(120.0, 10.0, 95.0, 10.0, phi=np.nan).method == "exact conditional"  # not estimated: exact


def test_pairwise_ratios_are_widened_by_phi_from_ten_overdispersed_units():
    rng = np.random.default_rng(4)
    exposure = rng.uniform(20.0, 400.0, 12)
    many = units(rng.poisson(exposure * 10 * np.exp(rng.normal(0, 0.5, 12))).astype(float), exposure)
    f = funnel(many)
    assert f.overdispersed and f.phi > 1
    ratios = funnel_rate_ratios(f)
    assert ratios["method"].str.contains("quasi-Poisson").all()
    assert f"φ = {f.phi:.3g}" in ratios.loc[0, "method"]


def test_pairwise_ratios_compare_units_of_one_period_only():
    mixed = units([120.0, 95.0, 180.0], [10.0, 10.0, 12.0]).assign(
        period_start=pd.to_datetime(["2021-01-01", "2021-01-01", "2021-01-01"]),
        period_end=pd.to_datetime(["2021-12-31", "2021-12-31", "2021-06-30"]),
    )
    table = rate_ratios(mixed)
    same = table[(table["district_a"] == "000000") & (table["district_b"] == "000001")].iloc[0]
    assert same["rate_ratio"] == pytest.approx(120 / 95) and same["method"] == "exact conditional"
    other = table[table["district_b"] == "000002"]
    assert len(other) == 2 and (other["note"] == "different periods: not compared").all()
    assert other[["rate_ratio", "p_value", "p_holm"]].isna().all().all()
    assert same["p_holm"] == pytest.approx(same["p_value"])  # one pair tested: Holm over that pair alone


def test_pairwise_ratios_refuse_two_periods_of_one_unit():
    doubled = units([10.0, 12.0], [1.0, 1.0]).assign(district_code="000001")
    with pytest.raises(CompareError, match="one row per unit"):
        rate_ratios(doubled)


@pytest.mark.parametrize("alpha", [0.05, 0.002])
def test_wilson_matches_statsmodels_and_the_score_formula(alpha):
    successes, trials = np.array([0, 3, 17, 50, 99, 100]), np.array([10, 40, 60, 100, 100, 100])
    low, high = wilson_interval(successes, trials, alpha=alpha)
    ref_low, ref_high = proportion_confint(successes, trials, alpha=alpha, method="wilson")
    np.testing.assert_allclose(low, ref_low, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(high, ref_high, rtol=1e-12)
    z = stats.norm.ppf(1 - alpha / 2)  # Wilson (1927), written out
    p = successes / trials
    centre = (p + z**2 / (2 * trials)) / (1 + z**2 / trials)
    half = z / (1 + z**2 / trials) * np.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2))
    np.testing.assert_allclose(low, centre - half, atol=1e-12)
    np.testing.assert_allclose(high, centre + half, atol=1e-12)


def test_wilson_refuses_a_numerator_above_its_denominator():
    with pytest.raises(CompareError, match="proportion"):
        wilson_interval([5], [4])


def latest(rates):
    return (
        rates.sort_values(["district_code", "period_end"], ascending=[True, False])
        .drop_duplicates("district_code")
        .reset_index(drop=True)
    )


def test_the_embedded_prefectures_are_too_few_to_classify():
    rates = latest(rate_table(load_dataset(), "legal_aid_cases", level="prefecture"))
    f = funnel(rates)
    assert f.n_units == len(rates) < 10
    assert not f.classified and (f.table["classification"] == NOT_CLASSIFIED).all()
    assert np.isnan(f.phi) and np.isnan(f.tau2)  # too few units to estimate either: neither is stated
    plain = funnel(rates, min_units=2, adjustment="none")
    asked = funnel(rates, min_units=2)  # random effects asked for, but there is nothing to widen with
    np.testing.assert_array_equal(asked.table["upper_95"], plain.table["upper_95"])
    assert "overdispersion not estimated" in asked.method


def test_a_quarter_and_a_half_year_are_not_paired_and_rates_are_per_resident_year_never_raw():
    rates = latest(rate_table(load_dataset(), "legal_aid_cases", districts=["320412", "371002"], level="county"))
    pair = rate_ratios(rates).iloc[0]
    assert pair["note"] == "different periods: not compared" and np.isnan(pair["rate_ratio"])
    a, b = rates.iloc[0], rates.iloc[1]
    ratio = rate_ratio(a["value"], a["exposure"], b["value"], b["exposure"]).rate_ratio
    assert ratio == pytest.approx(a["annual_rate_per_10k"] / b["annual_rate_per_10k"])
    assert ratio != pytest.approx((349 / 1697380) / (591 / 446193))  # the raw, unannualised ratio
