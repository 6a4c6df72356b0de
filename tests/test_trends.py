"""compare.trends: change tables, the Poisson GLM trend and derived previous-year values.
The GLM is checked on synthetic counts (labelled so) against a direct likelihood maximisation."""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from compare.data import load_dataset
from compare.errors import CompareError
from compare.trends import derived_previous_year, fit_trend, trend


def direct_mle_slope(counts, exposure, time):
    t = time - time.mean()

    def nll(params):
        mu = exposure * np.exp(params[0] + params[1] * t)
        return (mu - counts * np.log(mu)).sum()

    return optimize.minimize(nll, [np.log(counts.sum() / exposure.sum()), 0.0], method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000}).x[1]


def test_trend_slope_matches_direct_likelihood_maximisation():
    synthetic_counts = np.array([120, 131, 150, 149, 170])  # synthetic, for this test only
    exposure = np.array([50.0, 50.5, 51.0, 51.2, 51.9])
    time = np.array([2019.5, 2020.5, 2021.5, 2022.5, 2023.5])
    fit = fit_trend(synthetic_counts, exposure, time)
    assert fit["slope"] == pytest.approx(direct_mle_slope(synthetic_counts, exposure, time), abs=1e-5)
    assert fit["ci_low_pct"] < fit["annual_change_pct"] < fit["ci_high_pct"]


def test_trend_needs_three_periods():
    with pytest.raises(CompareError, match="three"):
        fit_trend([1, 2], [1.0, 1.0], [2020, 2021])


def test_change_on_previous_period_uses_annualised_rates():
    result = trend(load_dataset(), "legal_aid_cases", "510700")
    changes = result["changes"]
    assert list(changes["period"]) == ["2015H1", "2018H1"]
    expected = (2809 / 3511 - 1) * 100  # same span length and population
    assert changes["change_on_previous_pct"].iloc[1] == pytest.approx(expected)
    assert result["model"] is None


def test_reported_yoy_change_gives_a_derived_previous_year():
    derived = derived_previous_year(load_dataset(), "legal_aid_cases", "371300")
    row = derived.iloc[0]
    assert row["previous_value"] == pytest.approx(7209 / 1.2) and row["derived"]
    assert row["previous_period_start"] == pd.Timestamp("2016-01-01")


def synthetic_rates(pairs=120, seed=7):
    """SYNTHETIC rate rows (for this test only): ragged series of 3 to 14 quarters, small and large counts."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(pairs):
        n = int(rng.integers(3, 15))
        base, drift = np.exp(rng.normal(1.5, 1.5)), rng.normal(0, 0.15)
        population = float(rng.integers(20_000, 2_000_000))
        for q in range(n):
            start = pd.Timestamp(2015, 1, 1) + pd.DateOffset(months=3 * q)
            end = start + pd.offsets.QuarterEnd(0)
            exposure = population * ((end - start).days + 1) / 365
            rows.append({"district_code": f"{p:06d}", "metric_id": "synthetic_metric", "period_start": start, "period_end": end,
                         "value": float(rng.poisson(base * exposure / 1e4 * np.exp(drift * q / 4))), "exposure": exposure})
    return pd.DataFrame(rows)


def test_batched_trends_agree_with_statsmodels_glm_on_every_pair():
    import statsmodels.api as sm

    from compare.trends import fit_trends, midpoint_years

    rates = synthetic_rates()
    batched = fit_trends(rates).set_index("district_code")
    assert len(batched) == 120 and batched["converged"].all()
    for code, g in rates.groupby("district_code"):
        g = g.sort_values("period_start")
        t = midpoint_years(g["period_start"], g["period_end"])
        design = sm.add_constant(t - t.mean())
        ref = sm.GLM(g["value"].to_numpy(), design, family=sm.families.Poisson(), offset=np.log(g["exposure"].to_numpy())).fit(tol=1e-13)
        low, high = ref.conf_int()[1]
        row = batched.loc[code]
        assert row["slope"] == pytest.approx(ref.params[1], abs=1e-6)
        assert np.log1p(row["ci_low_pct"] / 100) == pytest.approx(low, abs=1e-6)  # the coefficient's bounds
        assert np.log1p(row["ci_high_pct"] / 100) == pytest.approx(high, abs=1e-6)
        assert row["p_value"] == pytest.approx(ref.pvalues[1], abs=1e-6)
        assert row["pearson_chi2"] == pytest.approx(ref.pearson_chi2, rel=1e-6)


def test_batched_funnels_classify_as_the_poisson_limits_do():
    from compare.comparisons import funnel_table

    rates = synthetic_rates().assign(ci_low=1.0, rate_per_10k=np.nan)
    rates["annual_rate_per_10k"] = rates["value"] / rates["exposure"] * 1e4
    fast = funnel_table(rates, by=["period_start"], limits=False)
    with_limits = funnel_table(rates, by=["period_start"], limits=True)
    rate = with_limits["observed_rate"]
    by_limits = np.select([rate > with_limits["upper_99.8"], rate > with_limits["upper_95"], rate < with_limits["lower_99.8"],
                           rate < with_limits["lower_95"]], ["above 99.8%", "above 95%", "below 99.8%", "below 95%"], "within")
    assert (fast["classification"].to_numpy() == by_limits).all()
    assert set(by_limits) - {"within"}, "the synthetic districts vary enough to leave the funnel"
