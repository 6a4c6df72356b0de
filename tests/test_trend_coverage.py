"""Coverage of the trend interval under overdispersion, on SYNTHETIC series (seeded, for this test only).

Each series has 8 yearly periods, a true annual change of -3%, growing exposure and gamma-Poisson counts whose
variance is φ = 6 times their mean (negative binomial with size mean / (φ - 1)). The quasi-Poisson 95% interval
should contain the true change close to 95% of the time; the plain Poisson interval, which assumes φ = 1, far
less (about 2Φ(1.96/√6) - 1 ≈ 0.58). With Poisson counts (φ = 1) the floored interval is never narrower than
the plain Poisson one. A few hundred series, with bands wide enough never to flake: the long-run figures over
10,000 series per setting come from benchmarks/trend_coverage.py (quoted in the README)."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from compare.stats.trends import fit_trend, fit_trends, midpoint_years

SERIES, PERIODS, PHI, TRUE_SLOPE = 400, 8, 6.0, np.log(0.97)


def overdispersed_series(seed=20261124, phi=PHI, series=SERIES):
    """SYNTHETIC: counts (series × PERIODS), exposure and yearly midpoints; Poisson counts when phi is 1."""
    rng = np.random.default_rng(seed)
    time = np.arange(2015, 2015 + PERIODS) + 0.5
    exposure = 400_000 * (1 + 0.01 * np.arange(PERIODS))  # resident-years
    mean = exposure * 15e-4 * np.exp(TRUE_SLOPE * (time - time[0]))  # 15 per 10,000 a year, about 600 a year
    if phi == 1:
        return rng.poisson(mean, (series, PERIODS)), exposure, time
    size = mean / (phi - 1)
    counts = rng.negative_binomial(size, size / (size + mean), (series, PERIODS))
    return counts, exposure, time


@pytest.fixture(scope="module")
def simulated():
    return overdispersed_series()


def covers(low_pct, high_pct):
    true_pct = np.expm1(TRUE_SLOPE) * 100
    return (np.asarray(low_pct) <= true_pct) & (true_pct <= np.asarray(high_pct))


def test_quasi_poisson_interval_keeps_near_nominal_coverage(simulated):
    counts, exposure, time = simulated
    fits = [fit_trend(c, exposure, time) for c in counts]
    coverage = covers([f.ci_low_pct for f in fits], [f.ci_high_pct for f in fits]).mean()
    median_phi = np.median([f.phi for f in fits])
    print(f"quasi-Poisson 95% coverage {coverage:.3f} over {SERIES} series, median φ {median_phi:.2f}")
    assert 4.5 < median_phi < 7.5, "the simulation must be overdispersed as intended"
    assert 0.90 <= coverage <= 0.99


def test_plain_poisson_interval_under_covers_the_same_series(simulated):
    counts, exposure, time = simulated
    design = sm.add_constant(time - time.mean())
    bounds = np.array(
        [sm.GLM(c, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit().conf_int()[1] for c in counts]
    )
    coverage = covers(np.expm1(bounds[:, 0]) * 100, np.expm1(bounds[:, 1]) * 100).mean()
    print(f"plain Poisson 95% coverage {coverage:.3f} over {SERIES} series")
    assert coverage < 0.75


def test_batched_trends_cover_as_the_single_fits_do(simulated):
    counts, exposure, time = simulated
    start = pd.to_datetime([f"{int(t)}-01-01" for t in time])
    rates = pd.DataFrame(
        {
            "district_code": np.repeat([f"{i:06d}" for i in range(SERIES)], PERIODS),
            "metric_id": "synthetic_metric",
            "period_start": np.tile(start, SERIES),
            "period_end": np.tile(start + pd.offsets.YearEnd(0), SERIES),
            "value": counts.ravel().astype(float),
            "exposure": np.tile(exposure, SERIES),
        }
    )
    assert midpoint_years(rates["period_start"], rates["period_end"])[:PERIODS] == pytest.approx(time, abs=0.01)
    batched = fit_trends(rates)
    coverage = covers(batched["ci_low_pct"], batched["ci_high_pct"]).mean()
    print(f"batched quasi-Poisson 95% coverage {coverage:.3f}")
    assert (batched["reason"] == "").all() and 0.90 <= coverage <= 0.99


def test_with_poisson_counts_the_floored_interval_is_never_narrower_than_plain_poisson():
    counts, exposure, time = overdispersed_series(seed=7, phi=1.0, series=300)
    fits = [fit_trend(c, exposure, time) for c in counts]
    design = sm.add_constant(time - time.mean())
    plain = np.array(
        [sm.GLM(c, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit().conf_int()[1] for c in counts]
    )
    low, high = np.array([f.ci_low_pct for f in fits]), np.array([f.ci_high_pct for f in fits])
    assert (low <= np.expm1(plain[:, 0]) * 100 + 1e-9).all() and (high >= np.expm1(plain[:, 1]) * 100 - 1e-9).all()
    floored = np.array([f.pearson_phi < 1 for f in fits])
    assert 0.3 < floored.mean() < 0.9, "with Poisson counts φ̂ falls below 1 often: the floor must be exercised"
    assert all(f.phi == 1 for f, below in zip(fits, floored) if below)
    coverage = covers(low, high).mean()
    print(f"floored quasi-Poisson 95% coverage {coverage:.3f} over 300 Poisson series")
    assert 0.93 <= coverage <= 1.0
