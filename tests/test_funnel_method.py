"""compare.stats.comparisons funnels: Winsorised φ, DerSimonian-Laird τ², limits and classification, each checked
against a published worked example or an independent implementation written differently here."""

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from statsmodels.stats.meta_analysis import combine_effects

from compare.stats.comparisons import (
    FUNNEL_GROUPS,
    MIN_UNITS_ADDITIVE,
    NOT_CLASSIFIED,
    dersimonian_laird_tau2,
    funnel,
    funnel_limits,
    funnel_table,
    proportion_funnel,
    winsorised_phi,
)
from compare.stats.intervals import wilson_interval
from compare.stats.windows import MIN_UNITS

# BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg): tpos, tneg, cpos, cneg per trial.
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)


def r_type7_quantile(values, p):
    """R's default quantile (type 7), from its textbook definition with 1-based order statistics."""
    x = sorted(values)
    h = (len(x) - 1) * p + 1
    j = int(np.floor(h))
    return x[j - 1] if j >= len(x) else x[j - 1] + (h - j) * (x[j] - x[j - 1])


def reference_phi(z, q=0.1):
    """Spiegelhalter's Winsorised φ written out: pull each z-score beyond the q / 1 − q quantiles back to them."""
    low, high = r_type7_quantile(z, q), r_type7_quantile(z, 1 - q)
    pulled = [low if v < low else high if v > high else v for v in z]
    return sum(v * v for v in pulled) / len(pulled)


def poisson_quantile(q, mu):
    """Smallest k with P(X <= k) >= q, from the regularised incomplete gamma function."""
    k = 0
    while special.gammaincc(k + 1, mu) < q:
        k += 1
    return k


def synthetic_units(n, spread, seed, scale=1e-3):
    """SYNTHETIC units (for these tests only): Poisson counts around unit rates spread log-normally."""
    rng = np.random.default_rng(seed)
    exposure = rng.uniform(2e5, 4e6, n)
    counts = rng.poisson(exposure * scale * np.exp(rng.normal(0, spread, n)))
    return pd.DataFrame(
        {"district_code": [f"{i:06d}" for i in range(n)], "value": counts.astype(float), "exposure": exposure}
    )


def test_tau2_reproduces_metafor_dersimonian_laird_on_the_bcg_trials():
    # Published worked example: metafor, tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r
    # (escalc(measure="RR") on dat.bcg; rma(method="FE") gives QE = 152.2330 and rma(method="DL") gives
    # tau2 = 0.3088, both also checked there against Stata's metan). With z-scores about the inverse-variance
    # mean and no Winsorising, n·φ is Cochran's Q and the funnel's τ² is the DerSimonian-Laird τ².
    tpos, tneg, cpos, cneg = BCG.T
    y = np.log(tpos / (tpos + tneg)) - np.log(cpos / (cpos + cneg))
    v = 1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg)
    w = 1 / v
    z = (y - (w * y).sum() / w.sum()) / np.sqrt(v)
    phi = np.mean(z**2)
    assert len(z) * phi == pytest.approx(152.2330, abs=5e-4)
    tau2 = dersimonian_laird_tau2(phi, len(z), w.sum(), (w**2).sum())
    assert tau2 == pytest.approx(0.3088, abs=5e-5)
    assert tau2 == pytest.approx(combine_effects(y, v, method_re="dl").tau2, rel=1e-10)


def test_tau2_is_zero_when_the_units_vary_less_than_chance():
    assert dersimonian_laird_tau2(0.8, 12, 100.0, 1500.0) == 0.0


@pytest.mark.parametrize("n, seed", [(5, 1), (10, 2), (23, 3), (40, 4)])
def test_winsorised_phi_matches_a_written_out_winsorisation(n, seed):
    # No published table of Winsorised z-scores was found (FunnelPlotR's tests check shapes, not numbers), so
    # this is an independent implementation of Spiegelhalter (2005)'s definition, as FunnelPlotR's
    # winsorisation() applies it with R's quantile(): R type-7 quantiles by their 1-based formula, a loop.
    z = np.random.default_rng(seed).standard_t(3, n) * 2
    z[0] = z[1]  # a tie
    assert winsorised_phi(z) == pytest.approx(reference_phi(list(z)), rel=1e-12)
    assert winsorised_phi(z) <= np.mean(z**2)


def test_funnel_phi_and_tau2_match_funnelplotr_cqc_steps_written_out():
    # FunnelPlotR (R/od_adjustment.R, sr_method "CQC"): Y = sqrt(O/E), s = 1/(2 sqrt(E)), z = (Y - 1)/s,
    # Winsorise 10%, phi = sum(z^2)/n, tau2 = (n phi - (n - 1)) / (sum(1/s^2) - sum(1/s^4)/sum(1/s^2)).
    units = synthetic_units(30, 0.3, seed=11)
    f = funnel(units)
    expected = units["value"].sum() / units["exposure"].sum() * units["exposure"]
    s = 1 / (2 * np.sqrt(expected))
    z = (np.sqrt(units["value"] / expected) - 1) / s
    phi = reference_phi(list(z))
    n = len(z)
    tau2 = (n * phi - (n - 1)) / ((1 / s**2).sum() - (1 / s**4).sum() / (1 / s**2).sum())
    assert f.phi == pytest.approx(phi, rel=1e-10)
    assert f.tau2 == pytest.approx(tau2, rel=1e-10)
    assert f.chi2_p == pytest.approx(stats.chi2.sf(n * phi, n - 1))
    assert f.overdispersed and f.adjustment == "random_effects" and f.classified
    # the random-effects limits, written out on the square-root scale
    z95 = stats.norm.ppf(0.975)
    pooled = f.pooled_rate / 1e4
    upper = pooled * (1 + z95 * np.sqrt(s**2 + tau2)) ** 2 * 1e4
    lower = pooled * np.clip(1 - z95 * np.sqrt(s**2 + tau2), 0, None) ** 2 * 1e4
    np.testing.assert_allclose(f.table["upper_95"], upper, rtol=1e-10)
    np.testing.assert_allclose(f.table["lower_95"], lower, rtol=1e-10)
    rate = f.table["value"] / f.table["exposure"] * 1e4
    assert ((rate > f.table["upper_95"]) == f.table["classification"].str.startswith("above")).all()


def test_multiplicative_limits_widen_by_root_phi():
    units = synthetic_units(30, 0.3, seed=11)
    f = funnel(units, adjustment="multiplicative")
    s = 1 / (2 * np.sqrt(f.table["expected"]))
    upper = f.pooled_rate * (1 + stats.norm.ppf(0.999) * np.sqrt(f.phi) * s) ** 2
    np.testing.assert_allclose(f.table["upper_99.8"], upper, rtol=1e-10)
    assert "multiplicative" in f.method


def test_without_overdispersion_the_limits_are_exact_poisson_and_tau2_is_zero():
    units = synthetic_units(40, 0.0, seed=5)  # pure Poisson variation, enough units for τ²
    f = funnel(units)
    assert not f.overdispersed and f.tau2 == 0.0 and f.adjustment == "none" and f.classified
    assert "χ² test found no overdispersion" in f.method
    z = 2 * (np.sqrt(units["value"]) - np.sqrt(f.table["expected"]))
    assert 0.05 < f.chi2_p == pytest.approx(stats.chi2.sf(len(z) * reference_phi(list(z)), len(z) - 1), rel=1e-9)
    pooled = f.pooled_rate / 1e4
    for _, row in f.table.head(5).iterrows():
        mu = pooled * row["exposure"]
        assert row["upper_95"] == pytest.approx(poisson_quantile(0.975, mu) / row["exposure"] * 1e4)
        assert row["lower_99.8"] == pytest.approx(poisson_quantile(0.001, mu) / row["exposure"] * 1e4)


def test_random_effects_limits_with_tau2_zero_approach_the_poisson_limits():
    exposure = np.array([1e5, 1e6, 1e7])
    exact = funnel_limits(1e-3, exposure, "none")
    smooth = funnel_limits(1e-3, exposure, "random_effects", tau2=0.0)
    np.testing.assert_allclose(smooth["upper_95"], exact["upper_95"], rtol=2e-2)
    np.testing.assert_allclose(smooth["lower_95"].iloc[1:], exact["lower_95"].iloc[1:], rtol=5e-3)


def test_below_min_units_nothing_is_classified():
    units = synthetic_units(9, 0.5, seed=3)
    f = funnel(units)
    assert not f.classified and f.n_units == 9
    assert (f.table["classification"] == NOT_CLASSIFIED).all()
    assert f.table[["lower_95", "upper_95", "lower_99.8", "upper_99.8"]].isna().all().all()
    assert "fewer than the 10" in f.note and "no limits" in f.method


@pytest.mark.parametrize("n", [2, 3, 9])
def test_below_ten_units_no_phi_or_tau2_is_estimated_or_used(n):
    units = synthetic_units(n, 1.5, seed=n)  # units far apart: φ would be huge if it were estimated
    f = funnel(units)
    assert np.isnan(f.phi) and np.isnan(f.tau2) and np.isnan(f.chi2_p) and not f.dispersion_estimated
    assert f.table[["phi", "tau2", "chi2_p"]].isna().all().all() and not f.table["overdispersed"].any()
    assert "φ =" not in f.facts + f.note + f.method and "τ² =" not in f.facts + f.note + f.method
    # a lower minimum classifies them, on exact limits only: nothing to widen them with
    few = funnel(units, min_units=2)
    assert few.classified and few.adjustment == "none" and not few.overdispersed
    assert "overdispersion not estimated" in few.method and "chance alone" in few.note
    exact = funnel(units, min_units=2, adjustment="none").table
    for adjustment in ("random_effects", "multiplicative"):
        table = funnel(units, min_units=2, adjustment=adjustment).table
        np.testing.assert_array_equal(table["upper_99.8"], exact["upper_99.8"])
        assert (table["classification"] == exact["classification"]).all()


def test_between_ten_units_and_the_additive_threshold_limits_widen_by_root_phi():
    assert MIN_UNITS == 10 < MIN_UNITS_ADDITIVE
    for n in (MIN_UNITS, MIN_UNITS_ADDITIVE - 1):
        units = synthetic_units(n, 0.5, seed=n)
        f = funnel(units)  # the default, random effects, asked for
        assert f.overdispersed and f.adjustment == "multiplicative" and np.isfinite(f.phi) and np.isnan(f.tau2)
        assert f"τ² not used below {MIN_UNITS_ADDITIVE} units" in f.method and "τ² =" not in f.facts
        s = 1 / (2 * np.sqrt(f.table["expected"]))
        upper = f.pooled_rate * (1 + stats.norm.ppf(0.999) * np.sqrt(f.phi) * s) ** 2
        np.testing.assert_allclose(f.table["upper_99.8"], upper, rtol=1e-10)
        z = 2 * (np.sqrt(units["value"]) - np.sqrt(f.table["expected"]))
        assert f.phi == pytest.approx(reference_phi(list(z)), rel=1e-10)


def test_from_the_additive_threshold_limits_add_tau2():
    for n in (MIN_UNITS_ADDITIVE, 3 * MIN_UNITS_ADDITIVE):
        f = funnel(synthetic_units(n, 0.5, seed=n))
        assert f.overdispersed and f.adjustment == "random_effects" and f.tau2 > 0
        assert "additive random effects" in f.method and f"τ² = {f.tau2:.3g}" in f.facts
        s2 = 1 / (4 * f.table["expected"])
        upper = f.pooled_rate * (1 + stats.norm.ppf(0.999) * np.sqrt(s2 + f.tau2)) ** 2
        np.testing.assert_allclose(f.table["upper_99.8"], upper, rtol=1e-10)


def test_the_additive_threshold_is_the_smallest_window_the_simulation_finds_stable():
    # benchmarks/dispersion.py, run small: the same rule picks the same number of units (its full run is in the
    # README). A SYNTHETIC check that the constant and the simulation agree.
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "dispersion.py"
    spec = importlib.util.spec_from_file_location("dispersion_benchmark", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    estimates, limits, _ = bench.run(windows=600, seed=2024, scenarios=2)
    assert bench.stable_from(estimates) == MIN_UNITS_ADDITIVE
    assert (estimates["τ² bias"] < -0.25).all()  # the Winsorising's bias, at every number of units


def straddling_units():
    units = synthetic_units(15, 0.0, seed=8)
    f = funnel(units, adjustment="none")
    target = f.table.iloc[0]
    high = int(np.ceil(target["upper_99.8"] * target["exposure"] / 1e4)) + 20  # well above the 99.8% limit
    low = int(target["expected"])  # at the pooled rate
    return units, high, low


def test_a_range_that_straddles_the_upper_limit_is_not_classified_above():
    units, high, low = straddling_units()
    point = units.assign(value=lambda d: d["value"].where(d.index != 0, high))
    assert funnel(point, adjustment="none").table.loc[0, "classification"] == "above 99.8%"
    ranged = point.assign(
        count_low=np.where(point.index == 0, low, np.nan), count_high=np.where(point.index == 0, high, np.nan)
    )
    row = funnel(ranged, adjustment="none").table.loc[0]
    assert row["classification"] == "within"
    assert (row["count_low"], row["count_high"]) == (low, high)


def test_a_range_that_straddles_the_lower_limit_is_not_classified_below():
    units, _, low = straddling_units()
    point = units.assign(value=lambda d: d["value"].where(d.index != 0, 0.0))
    assert funnel(point, adjustment="none").table.loc[0, "classification"].startswith("below")
    ranged = point.assign(count_high=np.where(point.index == 0, low, np.nan))
    assert funnel(ranged, adjustment="none").table.loc[0, "classification"] == "within"


def test_a_straddling_range_is_judged_the_same_way_on_random_effects_limits():
    units = synthetic_units(20, 0.4, seed=21)
    f = funnel(units)
    above = f.table.index[f.table["classification"].str.startswith("above")][0]
    row = f.table.loc[above]
    low = int(f.table.loc[above, "expected"])
    ranged = units.assign(count_low=np.where(units.index == above, low, np.nan))
    assert row["value"] > low and funnel(ranged).table.loc[above, "classification"] == "within"


def test_small_counts_are_flagged():
    units = synthetic_units(12, 0.0, seed=2, scale=1e-5).assign(value=lambda d: d["value"].where(d.index != 0, 3.0))
    table = funnel(units).table
    assert table.loc[0, "small_count"] and (table["small_count"] == (table["count_low"] < 10)).all()


def test_funnel_table_groups_agree_with_one_funnel_per_group():
    parts = []
    for g, (n, spread) in enumerate([(12, 0.0), (30, 0.5), (6, 0.3), (15, 0.2)]):
        units = synthetic_units(n, spread, seed=40 + g).assign(
            metric_id="m", period_start=pd.Timestamp(2020 + g, 1, 1), period_end=pd.Timestamp(2020 + g, 12, 31)
        )
        parts.append(units)
    rates = pd.concat(parts, ignore_index=True).sample(frac=1, random_state=1).reset_index(drop=True)
    batched = funnel_table(rates)
    for (start,), table in batched.groupby(["period_start"]):
        one = funnel(rates[rates["period_start"] == start].reset_index(drop=True))
        mine = table.sort_values("district_code")
        theirs = one.table.sort_values("district_code")
        assert mine["phi"].iloc[0] == pytest.approx(one.phi, rel=1e-12, nan_ok=True)
        assert mine["tau2"].iloc[0] == pytest.approx(one.tau2, rel=1e-12, abs=1e-15, nan_ok=True)
        assert (mine["classification"].to_numpy() == theirs["classification"].to_numpy()).all()
        np.testing.assert_allclose(mine["upper_95"], theirs["upper_95"], rtol=1e-12)
    assert set(batched["classification"]) > {NOT_CLASSIFIED, "within"}
    assert set(FUNNEL_GROUPS) <= set(rates.columns)


def test_fast_classes_agree_with_the_limits_for_every_adjustment():
    rates = pd.concat(
        [synthetic_units(40, 0.4, seed=s).assign(metric_id="m", period_start=s, period_end=s) for s in range(6)],
        ignore_index=True,
    )
    for adjustment in ("random_effects", "multiplicative", "none"):
        fast = funnel_table(rates, adjustment=adjustment, limits=False)
        full = funnel_table(rates, adjustment=adjustment)
        rate = full["value"] / full["exposure"] * 1e4
        by_limits = np.select(
            [rate > full["upper_99.8"], rate > full["upper_95"], rate < full["lower_99.8"], rate < full["lower_95"]],
            ["above 99.8%", "above 95%", "below 99.8%", "below 95%"],
            "within",
        )
        assert (fast["classification"].to_numpy() == by_limits).all(), adjustment
        assert set(by_limits) - {"within"}


def test_an_unknown_adjustment_is_refused_in_one_sentence():
    from compare.errors import CompareError

    with pytest.raises(CompareError, match="must be one of"):
        funnel(synthetic_units(12, 0.0, seed=1), adjustment="wide")


def synthetic_proportions(n, spread, seed):
    """SYNTHETIC units (for these tests only): binomial successes around unit logits spread normally."""
    rng = np.random.default_rng(seed)
    trials = rng.integers(50, 3000, n)
    p = 1 / (1 + np.exp(-(0.8 + rng.normal(0, spread, n))))
    return pd.DataFrame(
        {
            "district_code": [f"{i:06d}" for i in range(n)],
            "value": rng.binomial(trials, p).astype(float),
            "trials": trials.astype(float),
        }
    )


def test_proportion_funnel_matches_funnelplotr_pr_steps_written_out():
    # FunnelPlotR (R/od_adjustment.R and R/calculate_limits.R, data_type "PR"): target = asin(sqrt(sum num /
    # sum den)), Y = asin(sqrt(num/den)), s = 1/(2 sqrt(den)), z = (Y - target)/s, Winsorise 10%, phi, DL tau2,
    # limits sin(target ± z sqrt(s^2 + tau2))^2.
    units = synthetic_proportions(MIN_UNITS_ADDITIVE, 0.4, seed=3)  # enough units for τ²
    f = proportion_funnel(units)
    target = np.arcsin(np.sqrt(units["value"].sum() / units["trials"].sum()))
    s = 1 / (2 * np.sqrt(units["trials"]))
    z = (np.arcsin(np.sqrt(units["value"] / units["trials"])) - target) / s
    phi = reference_phi(list(z))
    n = len(z)
    tau2 = (n * phi - (n - 1)) / ((1 / s**2).sum() - (1 / s**4).sum() / (1 / s**2).sum())
    assert (f.phi, f.tau2) == pytest.approx((phi, tau2), rel=1e-10)
    assert f.adjustment == "random_effects" and f.unit == "%" and "binomial" not in f.method
    upper = np.sin(target + 3.090232 * np.sqrt(s**2 + tau2)) ** 2 * 100
    lower = np.sin(target - 1.959964 * np.sqrt(s**2 + tau2)) ** 2 * 100
    np.testing.assert_allclose(f.table["upper_99.8"], upper, rtol=1e-6)
    np.testing.assert_allclose(f.table["lower_95"], lower, rtol=1e-6)
    share = f.table["value"] / f.table["trials"] * 100
    assert ((share > f.table["upper_95"]) == f.table["classification"].str.startswith("above")).all()
    assert ((share < f.table["lower_95"]) == f.table["classification"].str.startswith("below")).all()


def binomial_quantile(q, n, p):
    """Smallest k with P(X <= k) >= q, the binomial CDF from the regularised incomplete beta function."""
    k = 0
    while k < n and special.betainc(n - k, k + 1, 1 - p) < q:
        k += 1
    return k


def test_proportions_without_overdispersion_get_exact_binomial_limits_and_wilson_intervals():
    units = synthetic_proportions(20, 0.0, seed=4)
    f = proportion_funnel(units)
    assert not f.overdispersed and f.adjustment == "none" and "exact binomial" in f.method
    pooled = f.pooled_rate / 100
    for _, row in f.table.head(4).iterrows():
        n = int(row["trials"])
        assert row["upper_95"] == pytest.approx(binomial_quantile(0.975, n, pooled) / n * 100)
        assert row["lower_99.8"] == pytest.approx(binomial_quantile(0.001, n, pooled) / n * 100)
    low, high = wilson_interval(units["value"], units["trials"])
    np.testing.assert_allclose(f.table["ci_low"], low * 100)
    share = f.table["value"] / f.table["trials"] * 100
    t = f.table
    outside = [share > t["upper_99.8"], share > t["upper_95"], share < t["lower_99.8"], share < t["lower_95"]]
    classes = np.select(outside, ["above 99.8%", "above 95%", "below 99.8%", "below 95%"], "within")
    assert (f.table["classification"].to_numpy() == classes).all()


def test_proportions_below_min_units_are_not_classified_and_bad_shares_are_refused():
    from compare.errors import CompareError

    f = proportion_funnel(synthetic_proportions(7, 0.5, seed=5))
    assert not f.classified and (f.table["classification"] == NOT_CLASSIFIED).all()
    with pytest.raises(CompareError, match="cannot exceed"):
        proportion_funnel(pd.DataFrame({"district_code": ["a", "b"], "value": [5.0, 3.0], "trials": [4.0, 9.0]}))


def test_widened_lower_limits_stop_at_zero_instead_of_folding_back():
    # On the arcsin √p (√(O/E)) scale a wide limit can pass below zero; squaring back would fold it upwards.
    assert funnel_limits(0.02, [30.0], "random_effects", tau2=0.5, binomial=True).loc[0, "lower_99.8"] == 0
    assert funnel_limits(1e-3, [500.0], "random_effects", tau2=0.5).loc[0, "lower_99.8"] == 0


def reference_funnel_classes(counts, exposure, q=0.1):
    """Spiegelhalter (2005)'s funnel with additive random effects written out unit by unit, independently of
    compare.stats.comparisons: pooled rate, √(O/E) z-scores, Winsorised φ, χ² test, DerSimonian-Laird τ²,
    limits back on the rate scale (never below zero), each unit's rate against them."""
    n = len(counts)
    pooled = sum(counts) / sum(exposure)
    expected = [pooled * e for e in exposure]
    z = [2 * (np.sqrt(o) - np.sqrt(e)) for o, e in zip(counts, expected)]
    phi = reference_phi(z, q)
    overdispersed = stats.chi2.sf(n * phi, n - 1) < 0.05
    w = [4 * e for e in expected]
    tau2 = max(0.0, (n * phi - (n - 1)) / (sum(w) - sum(x * x for x in w) / sum(w))) if overdispersed else 0.0
    classes = []
    for o, e, x in zip(counts, expected, exposure):
        rate, label = o / x, "within"
        for level, name in ((0.95, "95%"), (0.998, "99.8%")):
            half = stats.norm.ppf(1 - (1 - level) / 2) * np.sqrt(1 / (4 * e) + tau2)
            if rate > pooled * (1 + half) ** 2:
                label = f"above {name}"
            elif rate < pooled * max(0.0, 1 - half) ** 2:
                label = f"below {name}"
        classes.append(label)
    return classes, phi, tau2


def test_a_full_synthetic_province_is_classified_as_an_independent_implementation_does():
    # SYNTHETIC: 90 counties of one province in one year, rates spread log-normally (σ 0.15), six planted
    # outliers (three at 2.5 times the rate, three at 0.3 times). Enough units for φ and τ²: additive limits.
    rng = np.random.default_rng(90)
    exposure = rng.uniform(2e5, 1.5e6, 90)
    relative = np.exp(rng.normal(0, 0.15, 90))
    planted = rng.choice(90, 6, replace=False)
    relative[planted[:3]] *= 2.5
    relative[planted[3:]] *= 0.3
    counts = rng.poisson(exposure * 1e-3 * relative).astype(float)
    f = funnel(pd.DataFrame({"district_code": [f"{i:06d}" for i in range(90)], "value": counts, "exposure": exposure}))
    classes, phi, tau2 = reference_funnel_classes(list(counts), list(exposure))
    assert f.adjustment == "random_effects" and f.classified and f.n_units == 90
    assert (f.phi, f.tau2) == pytest.approx((phi, tau2), rel=1e-10)
    assert list(f.table["classification"]) == classes
    outside = set(np.flatnonzero(f.table["classification"].str.endswith("99.8%")))
    assert set(planted) <= outside
