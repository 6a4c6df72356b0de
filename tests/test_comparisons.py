"""compare.comparisons: rate ratios and funnels against independent computations."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import special, stats

from compare.comparisons import funnel, funnel_limits, overdispersion, pairwise_rate_ratios, rate_ratio
from compare.data import load_dataset
from compare.rates import rate_table


@pytest.mark.parametrize("c1, e1, c2, e2", [(591, 22.13, 349, 41.85), (5, 1.0, 9, 2.5), (0, 3.0, 4, 1.0), (120, 10.0, 100, 10.0)])
def test_rate_ratio_matches_the_conditional_binomial(c1, e1, c2, e2):
    rr = rate_ratio(c1, e1, c2, e2)
    n = c1 + c2
    p_low = stats.beta.ppf(0.025, c1, n - c1 + 1) if c1 > 0 else 0.0
    p_high = stats.beta.ppf(0.975, c1 + 1, n - c1) if c1 < n else 1.0
    assert rr["rate_ratio"] == pytest.approx((c1 / e1) / (c2 / e2))
    assert rr["ci_low"] == pytest.approx(p_low / (1 - p_low) * e2 / e1, rel=1e-7, abs=1e-12)
    assert rr["ci_high"] == pytest.approx(p_high / (1 - p_high) * e2 / e1, rel=1e-7)
    assert rr["p_value"] == pytest.approx(stats.binomtest(c1, n, e1 / (e1 + e2)).pvalue, rel=1e-7)
    assert rr["ci_low"] <= rr["rate_ratio"] <= rr["ci_high"]


def poisson_quantile(q, mu):
    """Smallest k with P(X <= k) >= q, from the regularised incomplete gamma function."""
    k = 0
    while special.gammaincc(k + 1, mu) < q:
        k += 1
    return k


@pytest.mark.parametrize("exposure", [50.0, 400.0, 3000.0])
def test_funnel_limits_match_poisson_quantiles(exposure):
    pooled = 0.02
    limits = funnel_limits(pooled, [exposure]).iloc[0]
    mu = pooled * exposure
    assert limits["upper_95"] == pytest.approx(poisson_quantile(0.975, mu) / exposure * 1e4)
    assert limits["lower_95"] == pytest.approx(poisson_quantile(0.025, mu) / exposure * 1e4)
    assert limits["upper_99.8"] == pytest.approx(poisson_quantile(0.999, mu) / exposure * 1e4)


def test_overdispersion_matches_a_poisson_glm_pearson_statistic():
    counts = np.array([10, 50, 30, 80, 5])
    exposure = np.array([1000.0, 2000.0, 1500.0, 2500.0, 800.0])
    glm = sm.GLM(counts, np.ones((5, 1)), family=sm.families.Poisson(), offset=np.log(exposure)).fit()
    phi = overdispersion(counts, exposure, counts.sum() / exposure.sum())
    assert phi == pytest.approx(glm.pearson_chi2 / glm.df_resid)


def test_funnel_classifies_the_prefectures():
    rates = rate_table(load_dataset(), "legal_aid_cases", level="prefecture")
    plain = funnel(rates)
    adjusted = funnel(rates, adjust_overdispersion=True)
    assert set(plain["classification"]) <= {"above 99.8%", "above 95%", "within", "below 95%", "below 99.8%"}
    assert plain.set_index("district_code").loc["331100", "classification"] == "above 99.8%"
    assert plain["phi"].iloc[0] > 1 and adjusted["overdispersion_adjusted"].all()
    assert (adjusted["upper_95"] >= plain["upper_95"]).all()
    assert len(plain) == plain["district_code"].nunique()  # one period per district


def test_pairwise_ratios_cover_every_pair():
    rates = rate_table(load_dataset(), "legal_aid_cases", level="prefecture")
    pairs = pairwise_rate_ratios(rates)
    n = rates["district_code"].nunique()
    assert len(pairs) == n * (n - 1) // 2


def test_a_quarter_and_a_half_year_are_compared_per_resident_year_never_raw():
    rates = rate_table(load_dataset(), "legal_aid_cases", districts=["320412", "371002"], level="county")
    pair = pairwise_rate_ratios(rates).iloc[0]
    annual = rates.set_index("district_code")["annual_rate_per_10k"]
    assert pair["rate_ratio"] == pytest.approx(annual["320412"] / annual["371002"])
    assert pair["rate_ratio"] != pytest.approx((349 / 1697380) / (591 / 446193))  # the raw, unannualised ratio
