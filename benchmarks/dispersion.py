"""How well the funnel's φ and τ² are estimated from a window of n units: SYNTHETIC windows, the project's own
estimators (compare.stats.comparisons.funnel_table: 10%-Winsorised φ, its χ² test, DerSimonian-Laird τ²).

Each window holds n units with exposures uniform on 200,000–4,000,000 resident-years and Poisson counts around
a pooled rate times each unit's own relative rate θ_i (mean 1), drawn log-normal or gamma. The funnel models
units on the square-root scale, √(O/E) ~ N(1, 1/(4E) + τ²), so the true τ² is the variance of √θ:
1 − exp(−σ²/4) for log-normal θ with log-SD σ, 1 − Γ(k + ½)² / (k Γ(k)²) for gamma θ of shape k (chosen to give
the same τ²). φ is compared with the value its moment estimator targets in that window,
((n − 1) + τ² (Σw − Σw²/Σw)) / n with w_i = 4E_i (the expectation of Cochran's Q over n), so the bias shown is
the estimator's, not the exposures'.

Per n: bias and relative SD of τ² as the funnel reports it (0 where the χ² test does not reject), the same for
φ, the share of windows the χ² test finds overdispersed, and the share of units (all in control: every unit
is a draw from the model the limits assume) outside the 99.8% limits with additive (τ²) and multiplicative
(√φ) widening; 0.20% is right. A second table measures what the Winsorising does: the same DerSimonian-Laird
τ² from the plain (unWinsorised) φ, the mean of the squared z-scores.

Run: .venv/bin/python benchmarks/dispersion.py [--windows 4000] [--seed 2024]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy import optimize, special

from compare.stats.comparisons import MIN_UNITS_ADDITIVE, dersimonian_laird_tau2, funnel_limits, funnel_table
from compare.stats.windows import MIN_UNITS

N_UNITS = (10, 15, 20, 30, 50, 100)
RATE = 1e-3  # 10 events per 10,000 resident-years: expected counts 200–4,000 a unit
EXPOSURE = (2e5, 4e6)
OUTSIDE = ["above 99.8%", "below 99.8%"]
SCENARIOS = {  # name -> (distribution, log-SD σ of θ, pooled rate)
    "log-normal σ 0.3": ("lognormal", 0.3, RATE),
    "gamma, same τ²": ("gamma", 0.3, RATE),
    "log-normal σ 0.1, rate /10": ("lognormal", 0.1, RATE / 10),
}


def true_tau2(sigma: float) -> float:
    """Variance of √θ for log-normal θ with log-SD σ and mean 1."""
    return 1 - np.exp(-(sigma**2) / 4)


def gamma_shape(tau2: float) -> float:
    """Shape k of a gamma θ with mean 1 whose √θ has variance tau2."""
    return optimize.brentq(lambda k: 1 - np.exp(2 * (special.gammaln(k + 0.5) - special.gammaln(k))) / k - tau2,
                           0.05, 1e6)  # fmt: skip


def simulate(n: int, windows: int, distribution: str, sigma: float, rate: float, rng) -> pd.DataFrame:
    """SYNTHETIC units: `windows` windows of n units each, one row per unit."""
    exposure = rng.uniform(*EXPOSURE, (windows, n))
    if distribution == "lognormal":
        theta = np.exp(rng.normal(-(sigma**2) / 2, sigma, (windows, n)))
    else:
        k = gamma_shape(true_tau2(sigma))
        theta = rng.gamma(k, 1 / k, (windows, n))
    return pd.DataFrame(
        {
            "window": np.repeat(np.arange(windows), n),
            "district_code": np.tile(np.arange(n), windows).astype(str),
            "value": rng.poisson(rate * exposure * theta).ravel().astype(float),
            "exposure": exposure.ravel(),
        }
    )


def per_window(table: pd.DataFrame) -> pd.DataFrame:
    """One row per window: the funnel's φ, τ², test, and the plain φ and its τ² from the same z-scores."""
    w = 4 * table["expected"]
    frame = table.assign(w=w, w2=w**2, z2=table["z"] ** 2)
    g = frame.groupby("window").agg(
        n=("n_units", "first"),
        phi=("phi", "first"),
        tau2=("tau2", "first"),
        over=("overdispersed", "first"),
        phi_plain=("z2", "mean"),
        w1=("w", "sum"),
        w2=("w2", "sum"),
    )
    g["tau2_plain"] = dersimonian_laird_tau2(g["phi_plain"], g["n"], g["w1"], g["w2"])
    g["tau2_winsorised"] = dersimonian_laird_tau2(g["phi"], g["n"], g["w1"], g["w2"])  # not gated by the test
    return g


def outside_with_plain_tau2(table: pd.DataFrame, g: pd.DataFrame) -> float:
    """Share of units outside 99.8% limits that add the plain (unWinsorised) τ² where the χ² test rejects."""
    over = table["overdispersed"].to_numpy()
    tau2 = table["window"].map(g["tau2_plain"]).to_numpy()
    limits = funnel_limits(
        table["pooled_rate"].to_numpy() / 1e4,
        table["exposure"].to_numpy(),
        np.where(over, "random_effects", "none"),
        tau2=np.where(over, tau2, 0.0),
    )
    rate = table["value"] / table["exposure"] * 1e4
    return float(((rate > limits["upper_99.8"]) | (rate < limits["lower_99.8"])).mean())


def rel(estimate: pd.Series, truth) -> tuple[float, float]:
    """(bias, relative SD) of an estimate against its truth, as fractions of the truth."""
    ratio = estimate / truth
    return float(ratio.mean() - 1), float(ratio.std(ddof=1))


def sd_upper(estimate: pd.Series, truth) -> float:
    """Upper end of a 95% interval for the relative SD, allowing for the simulation's own (Monte Carlo) error:
    SD + 1.96 √((m4 − SD⁴) / (4 W SD²)) over W windows, m4 the fourth central moment."""
    ratio = (estimate / truth).to_numpy()
    sd = ratio.std(ddof=1)
    m4 = np.mean((ratio - ratio.mean()) ** 4)
    return float(sd + 1.96 * np.sqrt(max(m4 - sd**4, 0) / (4 * len(ratio) * sd**2)))


def run(windows: int, seed: int, scenarios: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three tables, one row per scenario (the first `scenarios`, default all) and n: the estimates, the limits,
    what the Winsorising does."""
    estimates, limits, winsorising = [], [], []
    for s, (name, (distribution, sigma, rate)) in enumerate(list(SCENARIOS.items())[:scenarios]):
        tau2 = true_tau2(sigma)
        for n in N_UNITS:
            units = simulate(n, windows, distribution, sigma, rate, np.random.default_rng([seed, s, n]))
            common = dict(by=["window"], min_units=MIN_UNITS, limits=False)
            additive = funnel_table(units, adjustment="random_effects", additive_from=MIN_UNITS, **common)
            widened = funnel_table(units, adjustment="multiplicative", **common)
            g = per_window(additive)
            phi_target = ((n - 1) + tau2 * (g["w1"] - g["w2"] / g["w1"])) / n
            tau2_bias, tau2_sd = rel(g["tau2"], tau2)
            phi_bias, phi_sd = rel(g["phi"], phi_target)
            row = {"scenario": name, "n": n}
            estimates.append(
                {
                    **row,
                    "true τ²": tau2,
                    "true φ (mean)": float(phi_target.mean()),
                    "τ² bias": tau2_bias,
                    "τ² rel SD": tau2_sd,
                    "τ² rel SD, upper": sd_upper(g["tau2"], tau2),
                    "φ bias": phi_bias,
                    "φ rel SD": phi_sd,
                    "χ² rejects": float(g["over"].mean()),
                }
            )
            limits.append(
                {
                    **row,
                    "outside 99.8%: τ²": float(additive["classification"].isin(OUTSIDE).mean()),
                    "outside 99.8%: √φ": float(widened["classification"].isin(OUTSIDE).mean()),
                    "outside 99.8%: plain τ²": outside_with_plain_tau2(additive, g),
                }
            )
            plain_bias, plain_sd = rel(g["tau2_plain"], tau2)
            wins_bias, wins_sd = rel(g["tau2_winsorised"], tau2)
            winsorising.append(
                {
                    **row,
                    "φ bias: Winsorised": phi_bias,
                    "φ bias: plain": rel(g["phi_plain"], phi_target)[0],
                    "τ² bias: Winsorised": wins_bias,
                    "τ² bias: plain": plain_bias,
                    "τ² rel SD: Winsorised": wins_sd,
                    "τ² rel SD: plain": plain_sd,
                }
            )
    return pd.DataFrame(estimates), pd.DataFrame(limits), pd.DataFrame(winsorising)


def chance_alone(windows: int, seed: int) -> pd.DataFrame:
    """Per n, windows with no spread at all (θ = 1): mean Winsorised and plain φ (1 is right) and how often the
    χ² test rejects (5% is right)."""
    rows = []
    for n in N_UNITS:
        units = simulate(n, windows, "lognormal", 0.0, RATE, np.random.default_rng([seed, 99, n]))
        g = per_window(funnel_table(units, by=["window"], min_units=MIN_UNITS, limits=False))
        rows.append(
            {
                "n": n,
                "φ: Winsorised": g["phi"].mean(),
                "φ: plain": g["phi_plain"].mean(),
                "χ² rejects": g["over"].mean(),
            }
        )
    return pd.DataFrame(rows)


def stable_from(main: pd.DataFrame, max_sd: float = 0.25, max_drift: float = 0.10) -> int | None:
    """Smallest n from which, in every scenario whose spread the χ² test finds in 90% of windows at every n, τ²'s
    relative SD is at most max_sd even at the upper end of its Monte Carlo interval (so that the choice does not
    hang on the simulation's own error), and its bias lies within max_drift of the bias at the largest n (the
    Winsorising's own bias, which no number of units removes)."""
    ok = []
    for _, rows in main.groupby("scenario"):
        if rows["χ² rejects"].min() < 0.9:  # τ² mostly 0 by the test: stability is not the question there
            continue
        far = rows.loc[rows["n"].idxmax(), "τ² bias"]
        good = (rows["τ² rel SD, upper"] <= max_sd) & ((rows["τ² bias"] - far).abs() <= max_drift)
        ok.append(good.set_axis(rows["n"]))
    every = pd.concat(ok, axis=1).all(axis=1)
    for n in every.index:
        if every.loc[n:].all():
            return int(n)
    return None


def show(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for c in out.columns:
        if "bias" in c:
            out[c] = out[c].map(lambda v: f"{v:+.0%}")
        elif "rejects" in c:
            out[c] = out[c].map(lambda v: f"{v:.0%}")
        elif "SD" in c:
            out[c] = out[c].map(lambda v: f"{v:.2f}")
        elif "outside" in c:
            out[c] = out[c].map(lambda v: f"{v:.2%}")
        elif c == "true τ²":
            out[c] = out[c].map(lambda v: f"{v:.4f}")
        elif c.startswith("φ:"):
            out[c] = out[c].map(lambda v: f"{v:.2f}")
        elif c == "true φ (mean)":
            out[c] = out[c].map(lambda v: f"{v:.3g}")
    return out.to_string(index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=4000, help="synthetic windows per n and scenario")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    estimates, limits, winsorising = run(args.windows, args.seed)
    print(f"SYNTHETIC windows, {args.windows} per n and scenario (seed {args.seed}); the funnel's own estimators")
    print(show(estimates))
    print("\nIn-control units outside the 99.8% limits (0.20% is right), by what the limits add where χ² rejects")
    print(show(limits))
    print("\nWhat the 10% Winsorising does (τ² here from every window, not set to 0 where χ² does not reject)")
    print(show(winsorising))
    print("\nChance alone (no spread between units): mean φ (1 is right) and χ² rejections (5% is right)")
    print(show(chance_alone(args.windows, args.seed)))
    n = stable_from(estimates)
    print(
        f"\nτ² stable (relative SD <= 0.25 at the upper end of its Monte Carlo interval, bias within 10 points of "
        f"its bias at n = {max(N_UNITS)}, wherever χ² finds the spread in 90% of windows) from n = {n}; "
        f"comparisons.MIN_UNITS_ADDITIVE = {MIN_UNITS_ADDITIVE}"
    )


if __name__ == "__main__":
    main()
