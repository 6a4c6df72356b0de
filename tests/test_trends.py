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
