"""compare.stats.trends: change tables, overlap resolution, the quasi-Poisson trend, degenerate series and derived
previous-year values. The GLM is checked on synthetic counts (labelled so) against statsmodels and a direct
likelihood maximisation; the overlap rule against a brute-force search."""

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import edit_observations
from scipy import optimize, stats

from compare.data import load_dataset
from compare.errors import CompareError
from compare.stats.trends import (
    MIN_ANNUAL_POINTS,
    TrendNotEstimable,
    annual_points,
    change_qualifier,
    derived_previous_year,
    finest_cover,
    fit_trend,
    fit_trends,
    midpoint_years,
    same_span_pair,
    span_change,
    span_key,
    trend,
)


def direct_mle_slope(counts, exposure, time):
    t = time - time.mean()

    def nll(params):
        mu = exposure * np.exp(params[0] + params[1] * t)
        return (mu - counts * np.log(mu)).sum()

    return optimize.minimize(
        nll,
        [np.log(counts.sum() / exposure.sum()), 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
    ).x[1]


SYNTHETIC_COUNTS = np.array([120, 131, 150, 149, 170])  # synthetic, for these tests only
EXPOSURE = np.array([50.0, 50.5, 51.0, 51.2, 51.9])
TIME = np.array([2019.5, 2020.5, 2021.5, 2022.5, 2023.5])


def test_trend_slope_matches_direct_likelihood_maximisation():
    fit = fit_trend(SYNTHETIC_COUNTS, EXPOSURE, TIME)
    assert fit.slope == pytest.approx(direct_mle_slope(SYNTHETIC_COUNTS, EXPOSURE, TIME), abs=1e-5)
    assert fit.ci_low_pct < fit.annual_change_pct < fit.ci_high_pct


@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_quasi_poisson_matches_statsmodels_glm_with_pearson_scale(alpha):
    overdispersed = np.array([120, 210, 95, 260, 140, 330, 180])  # synthetic, φ far above 1
    exposure, time = np.linspace(50, 56, 7), np.arange(2015.5, 2022.5)
    fit = fit_trend(overdispersed, exposure, time, alpha=alpha)
    design = sm.add_constant(time - time.mean())
    ref = sm.GLM(overdispersed, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit(scale="X2")
    half = stats.t.ppf(1 - alpha / 2, ref.df_resid) * ref.bse[1]  # t quantile on n - 2 df, scaled standard error
    assert fit.df == 5 and fit.phi == pytest.approx(ref.scale, rel=1e-9)
    assert fit.phi == pytest.approx(ref.pearson_chi2 / 5, rel=1e-9) and fit.phi > 5
    assert fit.slope == pytest.approx(ref.params[1], rel=1e-9)
    assert np.log1p(fit.ci_low_pct / 100) == pytest.approx(ref.params[1] - half, rel=1e-9)
    assert np.log1p(fit.ci_high_pct / 100) == pytest.approx(ref.params[1] + half, rel=1e-9)
    assert fit.p_value == pytest.approx(2 * stats.t.sf(abs(ref.params[1] / ref.bse[1]), ref.df_resid), rel=1e-9)
    assert fit.alpha == alpha and fit.confidence_label == f"{100 * (1 - alpha):g}% CI"
    plain = sm.GLM(overdispersed, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit()
    assert (
        fit.ci_high_pct - fit.ci_low_pct
        > 2 * (np.expm1(plain.conf_int(alpha)[1][1]) - np.expm1(plain.conf_int(alpha)[1][0])) * 100
    )


def test_phi_is_floored_at_one_so_the_interval_is_never_narrower_than_plain_poisson():
    """500, 525, 551 lie almost on a curve (Pearson χ²/df ≈ 0.00002): unfloored, the quasi-Poisson interval was
    4.80 to 5.15% a year, where plain Poisson gives -1.2 to 11.5%."""
    counts, exposure, time = np.array([500, 525, 551]), np.full(3, 1e5), np.array([2020.5, 2021.5, 2022.5])
    fit = fit_trend(counts, exposure, time)
    design = sm.add_constant(time - time.mean())
    model = sm.GLM(counts, design, family=sm.families.Poisson(), offset=np.log(exposure))
    plain_low, plain_high = np.expm1(model.fit().conf_int()[1]) * 100
    assert (round(plain_low, 1), round(plain_high, 1)) == (-1.2, 11.5)
    assert fit.pearson_phi < 1e-3 and fit.phi == 1.0
    assert fit.ci_low_pct <= plain_low and fit.ci_high_pct >= plain_high
    floored = model.fit(scale=1.0, use_t=True)  # the same fit at φ = 1, t quantile on n - 2 = 1 df
    assert np.log1p(np.array([fit.ci_low_pct, fit.ci_high_pct]) / 100) == pytest.approx(floored.conf_int()[1])
    assert fit.p_value == pytest.approx(floored.pvalues[1])


@pytest.mark.parametrize(
    "counts, code",
    [
        ([0, 0, 9], "one_nonzero"),
        ([9, 0, 0, 0], "one_nonzero"),
        ([0, 0, 0, 0], "all_zero"),
        ([1, 2], "too_few_periods"),
        ([40, 40, 40], "exact_fit"),
    ],
)
def test_degenerate_series_get_a_reason_code_not_a_number(counts, code):
    n = len(counts)
    with pytest.raises(TrendNotEstimable, match=code) as caught:
        fit_trend(counts, np.full(n, 10.0), np.arange(2020.5, 2020.5 + n))
    assert isinstance(caught.value, CompareError) and caught.value.code == code


def test_statistics_import_nothing_from_the_stories():
    """stats words nothing: it returns reason codes, and compare.stories turns them into sentences."""
    import compare.stats

    folder = Path(compare.stats.__file__).parent
    assert [f.name for f in folder.glob("*.py") if "stories" in f.read_text(encoding="utf-8")] == []


def test_every_reason_code_has_words_in_both_languages():
    from compare.stories.sentences import SENTENCES

    codes = {"too_few_periods", "bad_count", "all_zero", "one_nonzero", "exact_fit", "stock", "few_annual_points"}
    codes |= {"no_same_span", "both_zero"}
    for lang in ("en", "zh"):
        assert {f"reason.{c}" for c in codes} <= set(SENTENCES[lang]), lang
    assert MIN_ANNUAL_POINTS == 5, "the words say 'fewer than five annual points'"


def test_two_non_zero_periods_have_a_finite_trend():
    fit = fit_trend([0, 4, 9], [10.0, 10.0, 10.0], [2020.5, 2021.5, 2022.5])
    assert np.isfinite([fit.annual_change_pct, fit.ci_low_pct, fit.ci_high_pct]).all()


def days(labels):
    return np.array([pd.Timestamp(x).toordinal() for x in labels])


def test_quarter_half_and_year_resolve_to_the_year():
    keep = finest_cover(
        days(["2021-01-01", "2021-01-01", "2021-01-01", "2022-01-01"]),
        days(["2021-03-31", "2021-06-30", "2021-12-31", "2022-03-31"]),
    )
    assert keep.tolist() == [False, False, True, True]


def test_four_quarters_are_finer_than_the_year_they_cover():
    keep = finest_cover(
        days(["2021-01-01", "2021-04-01", "2021-07-01", "2021-10-01", "2021-01-01"]),
        days(["2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31", "2021-12-31"]),
    )
    assert keep.tolist() == [True, True, True, True, False]


def brute_force_cover(start, end):
    """Best (days, spans) over every subset of pairwise disjoint closed spans."""
    best = (0, 0)
    for r in range(1, len(start) + 1):
        for subset in itertools.combinations(range(len(start)), r):
            spans = sorted((start[i], end[i]) for i in subset)
            if all(a[1] < b[0] for a, b in itertools.pairwise(spans)):
                best = max(best, (sum(e - s + 1 for s, e in spans), r))
    return best


def test_finest_cover_is_optimal_against_brute_force():
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(1, 8))
        start = rng.integers(0, 40, n)
        end = start + rng.integers(0, 15, n)
        keep = finest_cover(start, end)
        spans = sorted(zip(start[keep], end[keep]))
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), "kept spans must not overlap"
        assert (int((end[keep] - start[keep] + 1).sum()), int(keep.sum())) == brute_force_cover(start, end)


def test_change_qualifier_words():
    earlier = pd.Series(["exact", "at_least", "exact", "at_least", "approx", "at_least"])
    later = pd.Series(["at_least", "exact", "exact", "at_least", "exact", "at_most"])
    assert change_qualifier(earlier, later).tolist() == ["at least", "at most", "", "about", "about", "at most"]


def test_change_on_previous_period_uses_annualised_rates():
    result = trend(load_dataset(), "legal_aid_cases", "510700")
    changes = result.changes
    assert list(changes["period"]) == ["2015H1", "2018H1"]
    expected = (2809 / 3511 - 1) * 100  # same span length and population
    assert changes["change_on_previous_pct"].iloc[1] == pytest.approx(expected)
    assert result.model is None and result.no_model_code == "few_annual_points"
    assert result.no_model_fields == {"n": 0, "min_points": 5}
    change = result.span_change
    assert (change.earlier, change.later) == ("2015H1", "2018H1")
    assert change.rate_ratio == pytest.approx(2809 / 3511) and change.ci_low < change.rate_ratio < change.ci_high


@pytest.mark.parametrize(
    "district, metric, periods",
    [
        ("530100", "legal_aid_cases", ["2016-01-01..2020-12-31", "2021"]),  # a five-year total, then one year
        ("440402", "disputes_mediated", ["2019", "2020-01-01..2020-07-31"]),  # a full year, then seven months
    ],
)
def test_periods_of_different_spans_are_never_set_side_by_side(district, metric, periods):
    """The audit found +189.8% from Kunming's 2016-2020 average to 2021 (its report says +26.8%)."""
    result = trend(load_dataset(), metric, district)
    assert list(result.changes["period"]) == periods
    assert result.changes["change_on_previous_pct"].isna().all()
    assert result.changes["change_on_year_before_pct"].isna().all()
    assert result.span_change is None and result.span_change_code == "no_same_span"


def spans(*pairs):
    """Constructed dated flow rows (not data): one per (start, end), labelled by position."""
    frame = pd.DataFrame(
        {
            "period_start": pd.to_datetime([s for s, _ in pairs]),
            "period_end": pd.to_datetime([e for _, e in pairs]),
            "exposure": 1e5,
            "years": 1.0,
            "value": 10.0,
        }
    )
    return frame.assign(period=[f"{s}..{e}" for s, e in pairs])


def test_same_span_means_the_same_calendar_days_a_whole_number_of_years_apart():
    rows = spans(
        ("2021-01-01", "2021-12-31"),
        ("2020-01-01", "2020-12-31"),  # a leap year: still the same span as 2021
        ("2021-01-01", "2021-06-30"),
        ("2024-02-01", "2024-02-29"),
        ("2023-02-01", "2023-02-28"),  # February, leap or not
        ("2016-01-01", "2020-12-31"),
        ("2021-01-01", "2021-07-31"),
    )
    key = span_key(rows["period_start"], rows["period_end"])
    assert key[0] == key[1] and key[3] == key[4]
    assert len({key[0], key[2], key[3], key[5], key[6]}) == 5


def test_the_latest_two_periods_of_the_same_span_are_compared():
    rows = spans(
        ("2016-01-01", "2020-12-31"),
        ("2021-01-01", "2021-12-31"),
        ("2021-01-01", "2021-06-30"),
        ("2022-01-01", "2022-06-30"),
        ("2022-01-01", "2022-07-31"),
    )
    assert same_span_pair(rows) == (2, 3)  # 2021H1 and 2022H1: the five-year total has no partner, nor has 2021
    rows = spans(("2019-01-01", "2019-12-31"), ("2020-01-01", "2020-12-31"), ("2020-01-01", "2020-06-30"))
    rows = pd.concat([rows, spans(("2021-01-01", "2021-06-30"), ("2021-01-01", "2021-12-31"))], ignore_index=True)
    assert same_span_pair(rows) == (1, 4)  # both pairs end in 2021: the full years, the longer span
    overlapping = spans(("2016-01-01", "2020-12-31"), ("2017-01-01", "2021-12-31"))
    assert same_span_pair(overlapping) is None, "two five-year totals that overlap share events"
    assert same_span_pair(spans(("2019-01-01", "2019-12-31"), ("2020-01-01", "2020-07-31"))) is None


def exact_ratio_by_conditional_binomial(later, later_exposure, earlier, earlier_exposure, alpha=0.05):
    """Independent reference (scipy, not statsmodels): given n = later + earlier, later ~ Binomial(n, p) with
    p = e_l·RR / (e_l·RR + e_e); the Clopper-Pearson interval of p (Clopper & Pearson 1934, as beta quantiles)
    turned into RR = p·e_e / ((1 - p)·e_l) (Breslow & Day 1987, vol. II, §2.2; Rothman, Modern Epidemiology,
    ch. 14: the conditional exact interval of a rate ratio)."""
    n = later + earlier
    p_low = stats.beta.ppf(alpha / 2, later, n - later + 1) if later > 0 else 0.0
    p_high = stats.beta.ppf(1 - alpha / 2, later + 1, n - later) if later < n else 1.0
    to_ratio = lambda p: p * earlier_exposure / ((1 - p) * later_exposure) if p < 1 else np.inf  # noqa: E731
    p0 = later_exposure / (later_exposure + earlier_exposure)  # RR = 1
    return to_ratio(p_low), to_ratio(p_high), stats.binomtest(later, n, p0).pvalue


@pytest.mark.parametrize(
    "later, earlier, later_exposure, earlier_exposure",
    [(150, 120, 5e5, 5e5), (2809, 3511, 2.4e6, 2.4e6), (7, 2, 1e5, 1.1e5), (0, 12, 2e5, 2e5), (9, 0, 2e5, 2e5)],
)
def test_same_span_change_matches_the_conditional_binomial(later, earlier, later_exposure, earlier_exposure):
    changes = spans(("2021-01-01", "2021-12-31"), ("2022-01-01", "2022-12-31")).assign(
        value=[float(earlier), float(later)],
        exposure=[earlier_exposure, later_exposure],
        qualifier="exact",
    )
    change, code = span_change(changes)
    low, high, p_value = exact_ratio_by_conditional_binomial(later, later_exposure, earlier, earlier_exposure)
    assert code == "" and (change.earlier_count, change.later_count) == (earlier, later)
    expected = (later / later_exposure) / (earlier / earlier_exposure) if earlier else np.inf
    assert change.rate_ratio == pytest.approx(expected)
    assert change.ci_low == pytest.approx(low, rel=1e-9, abs=1e-12)
    assert change.ci_high == pytest.approx(high, rel=1e-9) if np.isfinite(high) else np.isinf(change.ci_high)
    assert change.p_value == pytest.approx(p_value, rel=1e-6)


def test_a_ranged_count_widens_the_ratio_interval_to_the_counts_its_words_allow():
    base = spans(("2021-01-01", "2021-12-31"), ("2022-01-01", "2022-12-31")).assign(value=[1200.0, 1500.0])
    exact, _ = span_change(base.assign(qualifier="exact"))
    ranged, _ = span_change(base.assign(qualifier=["exact", "at_least"]))  # 1500余: 1500..1599
    assert ranged.rate_ratio == exact.rate_ratio and ranged.ci_low == pytest.approx(exact.ci_low)
    assert ranged.ci_high > exact.ci_high and np.isnan(ranged.p_value) and not ranged.exact_counts
    low, high, _ = exact_ratio_by_conditional_binomial(1599, 1e5, 1200, 1e5)
    assert ranged.ci_high == pytest.approx(high)
    none, _ = span_change(base.assign(qualifier="exact"), events=False)
    assert none.rate_ratio == exact.rate_ratio and np.isnan([none.ci_low, none.ci_high]).all()
    zero, code = span_change(base.assign(qualifier="exact", value=0.0))
    assert zero is None and code == "both_zero"


def test_a_trend_needs_five_full_calendar_years():
    years = [(f"{y}-01-01", f"{y}-12-31") for y in range(2018, 2022)]
    four = spans(*years, ("2021-01-01", "2021-03-31"), ("2016-01-01", "2020-12-31"), ("2022-01-01", "2022-06-30"))
    assert len(annual_points(four)) == 4
    five = pd.concat([four, spans(("2017-01-01", "2017-12-31"), ("2019-01-01", "2019-12-31"))], ignore_index=True)
    points = annual_points(five)
    assert list(points["period_start"].dt.year) == [2017, 2018, 2019, 2020, 2021], "2019, reported twice, counts once"


def test_reported_yoy_change_gives_a_derived_previous_year():
    derived = derived_previous_year(load_dataset(), "legal_aid_cases", "371300")
    row = derived.iloc[0]
    assert row["previous_value"] == pytest.approx(7209 / 1.2) and row["derived"]
    assert row["previous_period_start"] == pd.Timestamp("2016-01-01")


SYNTHETIC_ROWS = [  # SYNTHETIC observations for Huancui (371002), for these tests only; it reports 591 in 2021H1
    ("2019-01-01", "2019-12-31", "1100", "exact"),
    ("2020-01-01", "2020-12-31", "1320", "exact"),
    ("2021-01-01", "2021-03-31", "300", "exact"),
    ("2021-01-01", "2021-12-31", "1300", "exact"),
    ("2022-01-01", "2022-12-31", "1500", "at_least"),
    ("2023-01-01", "2023-12-31", "1400", "exact"),
    ("2024-01-01", "", "999", "exact"),
    ("", "", "5000", "exact"),
]


def add_synthetic_rows(data_copy, spec) -> None:
    """SYNTHETIC legal aid rows of 环翠区 (start, end, value, qualifier) and their source, in a data copy."""

    def add(table):
        rows = [
            {
                "doc_id": "synthetic-test",
                "district_code": "371002",
                "period_start": s,
                "period_end": e,
                "metric_id": "legal_aid_cases",
                "subset": "",
                "value": v,
                "qualifier": q,
                "statement": "actual",
                "quote": "",
            }
            for s, e, v, q in spec
        ]
        return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)

    edit_observations(data_copy, add)
    sources_csv = data_copy / "sources" / "sources.csv"
    sources = pd.read_csv(sources_csv, dtype=str, keep_default_na=False)
    source = {c: "" for c in sources.columns} | {
        "doc_id": "synthetic-test",
        "title": "SYNTHETIC rows for a test",
        "district_code": "371002",
        "level": "county",
        "url": "https://example.org/SYNTHETIC-test-rows",  # validate asks every source for a text or a URL
        "complete": "no",
    }
    pd.concat([sources, pd.DataFrame([source])], ignore_index=True).to_csv(sources_csv, index=False)


@pytest.fixture
def overlapping(data_copy):
    add_synthetic_rows(data_copy, SYNTHETIC_ROWS)
    return load_dataset(data_copy)


def test_overlapping_periods_are_set_aside_before_changes_and_the_model(overlapping):
    result = trend(overlapping, "legal_aid_cases", "371002")
    use = result.changes.set_index("period")["trend_use"]
    assert use["2019"] == use["2020"] == use["2021"] == use["2022"] == use["2023"] == "used"
    assert use["2021Q1"] == use["2021H1"] == "set aside: overlaps 2021"
    assert use["undated"] == "not used: no dates" and use["2024-01-01..(open)"] == "not used: no end date"
    assert set(result.set_aside["period"]) == {"2021Q1", "2021H1", "undated", "2024-01-01..(open)"}
    used = result.changes[use.to_numpy() == "used"]
    assert result.model.periods == 5 and list(result.model_rows) == list(used.index)
    t = midpoint_years(used["period_start"], used["period_end"])
    assert result.model.slope == pytest.approx(fit_trend(used["value"], used["exposure"], t).slope)
    assert result.span_change is None and result.span_change_code == "", "a trend, not a two-period change"
    changes = result.changes.set_index("period")
    assert changes.loc["2022", "change_on_previous_pct"] == pytest.approx((1500 / 1300 - 1) * 100, rel=1e-3)
    assert changes.loc["2022", "change_qualifier"] == "at least"
    assert changes.loc["2023", "change_qualifier"] == "at most"
    assert np.isnan(changes.loc["2021H1", "change_on_previous_pct"])


def test_undated_and_open_flows_have_no_per_year_rate(overlapping):
    changes = trend(overlapping, "legal_aid_cases", "371002").changes.set_index("period")
    for period in ("undated", "2024-01-01..(open)"):
        assert np.isnan(changes.loc[period, "comparable_rate"])
        assert np.isnan(changes.loc[period, "change_on_previous_pct"])
        assert np.isnan(changes.loc[period, "change_on_year_before_pct"])
    assert changes.loc["2021H1", "comparable_rate"] == pytest.approx(changes.loc["2021H1", "annual_rate_per_10k"])


def test_stocks_get_a_reason_instead_of_a_model():
    result = trend(load_dataset(), "community_corrections_subjects", "370202")
    assert result.model is None and result.no_model_code == "stock"
    assert result.span_change is None and result.span_change_code == "", "a stock's counts are not events over time"
    assert result.changes["comparable_rate"].notna().all()


def synthetic_rates(pairs=120, seed=7):
    """SYNTHETIC rate rows (for this test only): ragged series of 3 to 14 quarters, small and large counts,
    overdispersed (gamma-Poisson)."""
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
            mean = base * exposure / 1e4 * np.exp(drift * q / 4) * rng.gamma(4.0, 1 / 4.0)
            rows.append(
                {
                    "district_code": f"{p:06d}",
                    "metric_id": "synthetic_metric",
                    "period_start": start,
                    "period_end": end,
                    "value": float(rng.poisson(mean)),
                    "exposure": exposure,
                }
            )
    return pd.DataFrame(rows)


def test_batched_trends_agree_with_statsmodels_quasi_poisson_on_every_pair():
    rates = synthetic_rates()
    batched = fit_trends(rates).set_index("district_code")
    estimable = batched[batched["reason"] == ""]
    assert len(batched) == 120 and len(estimable) > 100 and estimable["converged"].all()
    floored = estimable["pearson_chi2"] / estimable["df"] < 1
    assert floored.any() and (estimable.loc[floored, "phi"] == 1).all(), "the floor must be exercised"
    for code, g in rates.groupby("district_code"):
        g = g.sort_values("period_start")
        row = batched.loc[code]
        try:
            single = fit_trend(g["value"], g["exposure"], midpoint_years(g["period_start"], g["period_end"]))
        except TrendNotEstimable:
            assert row["reason"] and np.isnan(row["annual_change_pct"]) and pd.isna(row["converged"])
            continue
        t = midpoint_years(g["period_start"], g["period_end"])
        design = sm.add_constant(t - t.mean())
        model = sm.GLM(
            g["value"].to_numpy(), design, family=sm.families.Poisson(), offset=np.log(g["exposure"].to_numpy())
        )
        phi = max(1.0, model.fit(tol=1e-13).pearson_chi2 / (len(g) - 2))
        ref = model.fit(scale=phi, tol=1e-13)
        half = stats.t.ppf(0.975, ref.df_resid) * ref.bse[1]
        assert row["slope"] == pytest.approx(ref.params[1], abs=1e-6)
        assert row["phi"] == pytest.approx(ref.scale, rel=1e-6) and row["df"] == ref.df_resid
        assert row["ci_low_pct"] == pytest.approx(np.expm1(ref.params[1] - half) * 100, rel=1e-6, abs=1e-9)
        assert row["ci_high_pct"] == pytest.approx(np.expm1(ref.params[1] + half) * 100, rel=1e-6, abs=1e-9)
        assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(ref.tvalues[1]), ref.df_resid), abs=1e-6)
        assert row["p_value"] == pytest.approx(single.p_value, abs=1e-5)  # statsmodels' default tolerance
        assert row["pearson_chi2"] == pytest.approx(ref.pearson_chi2, rel=1e-6)


def test_batched_trends_resolve_overlaps_and_name_degenerate_series():
    def series(code, spans, values):
        return pd.DataFrame(
            {
                "district_code": code,
                "metric_id": "synthetic_metric",
                "value": values,
                "exposure": 1e5,
                "period_start": pd.to_datetime([s for s, _ in spans]),
                "period_end": pd.to_datetime([e for _, e in spans]),
            }
        )

    years = [(f"{y}-01-01", f"{y}-12-31") for y in (2020, 2021, 2022)]
    rates = pd.concat(
        [
            series(
                "000001", [("2020-01-01", "2020-06-30"), *years], [400.0, 100.0, 130.0, 120.0]
            ),  # H1 inside 2020: set aside
            series("000002", years, [0.0, 0.0, 9.0]),
            series("000003", years, [0.0, 0.0, 0.0]),
        ]
    )
    out = fit_trends(rates).set_index("district_code")
    assert out.loc["000001", "set_aside"] == 1 and out.loc["000001", "periods"] == 3
    single = fit_trend(
        [100, 130, 120], np.full(3, 1e5), midpoint_years(*(pd.to_datetime(pd.Series(c)) for c in zip(*years)))
    )
    assert out.loc["000001", "slope"] == pytest.approx(single.slope, abs=1e-8)
    assert out.loc["000002", "reason"] == "one_nonzero"
    assert out.loc["000003", "reason"] == "all_zero"
    assert out.loc[["000002", "000003"], "annual_change_pct"].isna().all()


def test_sentences_state_phi_the_method_and_what_was_set_aside(overlapping):
    from compare.stories import change_sentence, model_sentence, set_aside_sentence

    result = trend(overlapping, "legal_aid_cases", "371002")
    model = model_sentence(result, "Legal aid cases")
    assert result.model.pearson_phi > 1, "these synthetic years vary beyond chance"
    assert "quasi-Poisson" in model and "over 5 calendar years (2019 to 2023" in model
    assert f"the years vary more than chance allows (φ = {result.model.phi:.2g} on 3 degrees of freedom)" in model
    assert "about +" in model and "2022: a lower bound" in model and "95% CI" in model
    assert change_sentence(result, "Legal aid cases") == "", "with a trend, no two-period change is stated"
    aside = set_aside_sentence(result)
    assert "2021Q1 (overlaps 2021)" in aside and "undated (no dates)" in aside and "(no end date)" in aside


def test_phi_below_one_is_said_to_be_taken_as_one(overlapping):
    from compare.stories import model_sentence

    result = trend(overlapping, "legal_aid_cases", "371002")
    calm = replace(result.model, pearson_chi2=0.6, phi=1.0)
    for lang, words in (
        ("en", "the years vary no more than chance allows (Pearson χ²/df = 0.2 on 3 degrees of freedom), so φ is "
         "taken as 1"),
        ("zh", "各年差异未超出随机波动（皮尔逊χ²/自由度 = 0.2，3个自由度），因此φ取1"),
    ):  # fmt: skip
        assert words in model_sentence(replace(result, model=calm), "Legal aid cases", lang)


def test_district_trends_say_plainly_when_no_trend_is_assessed(overlapping):
    from compare.stories import district_trends

    words = {
        "en": (
            "trend not assessed: fewer than five annual points",
            "2018H1 was 0.80 times 2015H1 (95% interval 0.76 to 0.84)",
        ),
        "zh": ("趋势未评估：年度数据点少于五个", "2018年上半年是2015年上半年的0.80倍（95%区间 0.76 至 0.84）"),
    }
    for lang, (not_assessed, ratio) in words.items():
        story = district_trends(load_dataset(), "510700", ["legal_aid_cases"], lang=lang)
        assert any(not_assessed in f for f in story.findings), lang
        assert any(ratio in f for f in story.findings), lang
        chart = story.charts["legal_aid_cases"]
        assert not_assessed in chart.caption and ratio in chart.caption
        ax = chart.figure.axes[0]
        legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]  # under the chart
        assert not any("95%" in t or "CI" in t or "置信" in t for t in legend), legend
        assert not ax.collections, "no band"
        assert all(len(line.get_xdata()) <= 2 for line in ax.get_lines()), "no line joins periods: no trend drawn"
        assert not_assessed in ax.get_title().replace("\n", "" if lang == "zh" else " ")  # wrapped to fit
    story = district_trends(overlapping, "371002", ["legal_aid_cases"])
    assert any("φ = " in f and "quasi-Poisson" in f for f in story.findings)
    assert story.lead.endswith("a trend is assessed for 1 of 1 metrics (it needs five or more annual points); "
                               "a change between two periods of the same span is given for 0.")  # fmt: skip
    table = story.tables["legal_aid_cases"]
    assert "cases per 10,000 residents per year" in table.title
    assert "trend_use" in table.frame and "rate_per_10k" not in table.frame


def test_a_fitted_trend_is_drawn_with_its_interval_in_the_legend(overlapping):
    from compare.stories import district_trends

    result = trend(overlapping, "legal_aid_cases", "371002")
    ax = district_trends(overlapping, "371002", ["legal_aid_cases"]).charts["legal_aid_cases"].figure.axes[0]
    curve = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
    assert len(curve) == 1 and curve[0].get_label().startswith(f"trend: {result.model.annual_change_pct:+.1f}% a year")
    assert "95% CI" in curve[0].get_label()
    t = midpoint_years(pd.Series(pd.to_datetime(["2019-07-02"])), pd.Series(pd.to_datetime(["2019-07-02"])))
    assert curve[0].get_ydata()[0] == pytest.approx(result.model.rate_per_10k(t)[0])


def test_a_same_span_change_is_said_with_its_interval_and_the_reports_words(data_copy):
    from compare.stories import change_sentence

    extra = [("2022-01-01", "2022-06-30", "700", "at_least"), ("2022-01-01", "2022-12-31", "1400", "exact")]

    add_synthetic_rows(data_copy, extra)  # SYNTHETIC rows, beside the real 2021H1 (591)
    result = trend(load_dataset(data_copy), "legal_aid_cases", "371002")
    change = result.span_change
    assert (change.earlier, change.later, change.later_qualifier) == ("2021H1", "2022H1", "at_least")
    sentence = change_sentence(result, "Legal aid cases")
    assert sentence.startswith(
        f"Legal aid cases: 2022H1 was at least {change.rate_ratio:.2f} times 2021H1 (95% interval"
    )
    assert "Not every count is exact (2022H1: a lower bound)" in sentence
    assert "年上半年" in change_sentence(result, "法律援助案件", "zh")


def test_trend_chart_keeps_undated_and_open_flows_off_the_time_axis(overlapping):
    from compare.stories import district_trends

    fig = district_trends(overlapping, "371002", ["legal_aid_cases"]).charts["legal_aid_cases"].figure
    plotted = np.concatenate([line.get_ydata() for line in fig.axes[0].get_lines() if len(line.get_ydata())])
    assert (
        112
        < trend(overlapping, "legal_aid_cases", "371002").changes.set_index("period").loc["undated", "rate_per_10k"]
        < 113
    )
    assert not ((plotted > 100) & (plotted < 200)).any(), (
        "the undated rate (112 per 10,000, not annual) must not be drawn"
    )
    assert any(
        "Not on this axis: 2024-01-01..(open) (no end date), undated (no dates)" in " ".join(t.get_text().split())
        for t in fig.texts
    )


def test_cli_trend_prints_phi_or_the_reason(overlapping, capsys):
    from compare.cli import main

    def run(district):
        code = main(
            ["--data", str(overlapping.data_dir), "trend", "--metric", "legal_aid_cases", "--district", district]
        )
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    fitted = run("371002")
    assert "φ = " in fitted and "set aside: overlaps 2021" in fitted
    unfitted = run("510700")
    assert "trend not assessed: fewer than five annual points" in unfitted and "0.80 times 2015H1" in unfitted


def test_a_series_never_sets_figures_counted_another_way_side_by_side():
    """The nation's 2022 mediation total includes court referrals: not set beside 2017 and 2018."""
    result = trend(load_dataset(), "disputes_mediated", "100000", "resident")
    uses = result.changes.set_index(result.changes["period"].astype(str))["trend_use"]
    assert uses["2022"] == "not used: counted another way" and uses["2018"] == "used"
    assert (result.span_change.earlier, result.span_change.later) == ("2017", "2018")
