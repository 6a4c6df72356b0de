"""Intervals for proportions, used by rates (shares) and comparisons (proportion funnels) alike: here, below
both, so that neither imports the other for it."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.proportion import proportion_confint

from ..errors import CompareError


def wilson_interval(successes, trials, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for successes out of trials (statsmodels proportion_confint "wilson"), vectorised.

    Parameters
    ----------
    successes, trials : array-like
        Counts; successes must lie within 0 … trials and trials must be positive.
    alpha : float
        1 − confidence level.

    Returns
    -------
    (low, high) : arrays of proportions
    """
    successes, trials = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    if np.any(trials <= 0) or np.any(successes < 0) or np.any(successes > trials):
        raise CompareError("A proportion needs a positive denominator and a numerator between 0 and it.")
    low, high = proportion_confint(successes, trials, alpha=alpha, method="wilson")
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)
