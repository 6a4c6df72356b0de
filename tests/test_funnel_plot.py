"""compare.stories.charts.funnel_plot: limits only when the funnel classifies, and the qualifying facts on every
chart."""

import numpy as np
import pandas as pd

from compare.stats.comparisons import funnel, proportion_funnel
from compare.stories.charts import funnel_plot


def synthetic_units(n, spread, seed):
    """SYNTHETIC units (for these tests only), with one unit stated as a range of counts (余)."""
    rng = np.random.default_rng(seed)
    exposure = rng.uniform(2e5, 4e6, n)
    counts = rng.poisson(exposure * 1e-3 * np.exp(rng.normal(0, spread, n))).astype(float)
    rates = counts / exposure * 1e4
    return pd.DataFrame(
        {
            "district_code": [f"{i:06d}" for i in range(n)],
            "value": counts,
            "exposure": exposure,
            "annual_rate_per_10k": rates,
            "ci_low": rates * 0.9,
            "ci_high": rates * 1.1,
            "count_low": np.where(np.arange(n) == 0, counts, np.nan),
            "count_high": np.where(np.arange(n) == 0, counts + 1000, np.nan),
        }
    )


def texts(fig):
    ax = fig.axes[0]
    return " ".join(" ".join([ax.get_title()] + [t.get_text() for t in fig.texts]).split())  # lines wrapped to fit


def limit_lines(fig):
    return [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 200]


def test_below_min_units_draws_intervals_only_and_says_why():
    f = funnel(synthetic_units(6, 0.3, seed=1))
    fig = funnel_plot(f, "per 10,000 residents per year", {}, title="Legal aid, 2022", caption="window: 2022")
    assert limit_lines(fig) == []
    assert fig.axes[0].get_legend() is None
    words = texts(fig)
    assert "not classified: 6 units, fewer than the 10" in words and "Legal aid, 2022" in words
    assert "6 units" in words and "window: 2022" in words
    assert "φ =" not in words and "τ² =" not in words and "variation beyond chance not estimated" in words
    assert f.method in words


def test_a_classified_funnel_draws_the_limits_it_used_and_states_the_method():
    f = funnel(synthetic_units(30, 0.3, seed=2))
    fig = funnel_plot(f, "per 10,000 residents per year", {}, title="Legal aid, 2022")
    lines = limit_lines(fig)
    assert len(lines) == 4  # upper and lower, 95% and 99.8%
    upper = max(lines, key=lambda line: line.get_ydata()[-1])
    exposure = upper.get_xdata()
    expected = f.pooled_rate / 1e4 * exposure
    widest = f.pooled_rate * (1 + 3.090232 * np.sqrt(1 / (4 * expected) + f.tau2)) ** 2
    np.testing.assert_allclose(upper.get_ydata(), widest, rtol=1e-5)
    words = texts(fig)
    assert "additive random effects" in words and "30 units" in words and "not classified" not in words


def test_a_proportion_funnel_draws_binomial_limits_in_percent():
    rng = np.random.default_rng(3)
    trials = rng.integers(50, 3000, 20).astype(float)
    units = pd.DataFrame(
        {
            "district_code": [f"{i:06d}" for i in range(20)],
            "trials": trials,
            "value": rng.binomial(trials.astype(int), 0.7).astype(float),
        }
    )
    f = proportion_funnel(units)
    fig = funnel_plot(f, "share settled (%)", {})
    assert fig.axes[0].get_xlabel() == "denominator (trials)"
    upper = max(limit_lines(fig), key=lambda line: line.get_ydata()[-1])
    assert 70 < upper.get_ydata()[-1] < 75 and f.unit == "%"
