"""compare.stats.benchmarks: each unit against the rate of a unit above it, the Fingertips way, checked against
an independent computation on a SYNTHETIC full province (a temporary data folder, never data/)."""

import io
import shutil
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from compare.cli import main
from compare.data import load_dataset
from compare.paths import PROJECT_ROOT
from compare.stats.benchmarks import against_benchmark
from compare.stats.rates import rate_table

PROVINCE = "330000"  # every county of Zhejiang, with synthetic counts
YEAR = ("2022-01-01", "2022-12-31")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """SYNTHETIC: the real data plus invented disputes-mediated counts for every county of one province in 2022,
    and the province's own total (the sum of its counties), in a temporary data folder."""
    data = tmp_path_factory.mktemp("synthetic") / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    districts = pd.read_csv(data / "reference" / "districts.csv", dtype=str, keep_default_na=False)
    census = pd.read_csv(data / "reference" / "populations.csv", dtype=str, keep_default_na=False)
    census = census[census["definition"].eq("census_resident")].set_index("district_code")["population"].astype(float)
    counties = districts[districts["province_code"].eq(PROVINCE) & districts["level"].eq("county")]["code"]
    rng = np.random.default_rng(7)
    rate = 0.006 * rng.lognormal(0, 0.25, len(counties))  # disputes per resident per year
    counts = rng.poisson(rate * census.reindex(counties).to_numpy())
    rows = pd.DataFrame(
        {
            "doc_id": "synthetic-province",
            "district_code": [*counties, PROVINCE],
            "period_start": YEAR[0],
            "period_end": YEAR[1],
            "metric_id": "disputes_mediated",
            "subset": "",
            "value": [*counts, counts.sum()],
            "qualifier": "exact",
            "statement": "actual",
            "quote": "",
            "basis": "",
            "scope": "",
        }
    )
    obs = pd.read_csv(data / "observations.csv", dtype=str, keep_default_na=False)
    pd.concat([obs, rows.astype(str)], ignore_index=True).to_csv(data / "observations.csv", index=False)
    sources = pd.read_csv(data / "sources" / "sources.csv", dtype=str, keep_default_na=False)
    source = {c: "" for c in sources.columns} | {
        "doc_id": "synthetic-province",
        "title": "SYNTHETIC counts for a test",
        "url": "https://example.org/SYNTHETIC-test-table",  # validate asks every source for a text or a URL
        "district_code": PROVINCE,
        "level": "province",
        "complete": "no",
    }
    pd.concat([sources, pd.DataFrame([source])], ignore_index=True).to_csv(
        data / "sources" / "sources.csv", index=False
    )
    return data, list(counties), counts, census


def independent_verdicts(counts, populations, benchmark_rate, confidence=0.95):
    """Garwood limits from the chi-square distribution (Garwood 1936), written out; verdict by where they lie."""
    alpha = 1 - confidence
    low = np.where(counts > 0, stats.chi2.ppf(alpha / 2, 2 * counts) / 2, 0) / populations * 1e4
    high = stats.chi2.ppf(1 - alpha / 2, 2 * counts + 2) / 2 / populations * 1e4
    return np.where(low > benchmark_rate, "higher", np.where(high < benchmark_rate, "lower", "similar"))


@pytest.mark.parametrize("confidence", ["95", "99.8"])
def test_verdicts_against_the_province_match_each_units_exact_interval(synthetic, confidence):
    data, counties, counts, census = synthetic
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(
            ["--data", str(data), "rates", "--metric", "disputes_mediated", "--level", "county", "--benchmark",
             "province", "--confidence", confidence, "--denominator", "census_resident", "--format", "csv"]
        )  # fmt: skip
    assert code == 0
    table = pd.read_csv(io.StringIO(out.getvalue()), dtype={"district_code": str, "benchmark_period": str})
    ours = table[table["doc_id"].eq("synthetic-province")].set_index("district_code").loc[counties]
    province_rate = counts.sum() / census[PROVINCE] * 1e4
    expected = independent_verdicts(counts, census.reindex(counties).to_numpy(), province_rate, float(confidence) / 100)
    assert list(ours["vs_benchmark"]) == list(expected)
    assert set(ours["benchmark"].astype(str)) == {PROVINCE} and ours["benchmark_period"].eq("2022").all()
    assert np.allclose(ours["benchmark_rate"], province_rate)
    assert {"higher", "lower"} <= set(expected), "the synthetic spread gives verdicts both ways"


def test_a_part_year_a_different_scope_or_basis_is_never_compared(synthetic):
    data, counties, counts, census = synthetic
    ds = load_dataset(data)
    county = counties[0]
    obs = ds.observations
    extra = obs[obs["district_code"].eq(county) & obs["doc_id"].eq("synthetic-province")].copy()
    half = extra.assign(period_end=pd.Timestamp("2022-06-30"), doc_id="synthetic-half")
    concluded = extra.assign(basis="concluded", doc_id="synthetic-concluded")
    received = obs["district_code"].eq(PROVINCE) & obs["doc_id"].eq("synthetic-province")
    obs = obs.assign(basis=obs["basis"].mask(received, "received"))  # the province says it counts cases received
    ds.observations = pd.concat([obs, half, concluded], ignore_index=True)
    rows = rate_table(ds, "disputes_mediated", districts=[county], level="county", denominator="census_resident")
    judged = against_benchmark(ds, rows, "province", denominator="census_resident").set_index("doc_id")
    assert judged.loc["synthetic-half", "vs_benchmark"] == "not compared"
    assert judged.loc["synthetic-half", "vs_benchmark_reason"] == "other_period"
    assert judged.loc["synthetic-concluded", "vs_benchmark_reason"] == "basis"
    assert judged.loc["synthetic-province", "vs_benchmark"] in ("higher", "similar", "lower")
    assert judged.loc["synthetic-province", "vs_benchmark_reason"] == "basis_unstated", "compared, and says so"


def test_a_national_total_that_counts_higher_bodies_is_not_a_countys_benchmark():
    """The national legal aid total counts the cases of provincial and city centres: never set against a county
    bureau's own count (real data: 2022)."""
    ds = load_dataset()
    obs = ds.observations
    assert (
        obs[obs["district_code"].eq("100000") & obs["metric_id"].eq("legal_aid_cases")]["scope"].eq("all_levels").all()
    )
    rows = rate_table(ds, "legal_aid_cases", level="county")
    judged = against_benchmark(ds, rows, "nation")
    in_2022 = judged[judged["period"].astype(str).eq("2022")]
    assert judged["vs_benchmark"].eq("not compared").all()
    assert in_2022.empty or in_2022["vs_benchmark_reason"].eq("scope").all()


def test_sheyang_2018_disputes_are_judged_against_the_nation():
    """The one verdict the embedded data allows: 射阳县 2018 against people's mediation nationwide in 2018."""
    ds = load_dataset()
    rows = rate_table(ds, "disputes_mediated", districts=["320924"], level="county")
    row = against_benchmark(ds, rows, "nation").iloc[0]
    national = 9_530_000 / 1_405_410_000 * 1e4  # 953万 disputes; year-end 2018 population 140,541万
    assert row["benchmark_rate"] == pytest.approx(national)
    assert row["vs_benchmark"] == (
        "lower" if row["ci_high"] < national else "higher" if row["ci_low"] > national else "similar"
    )


def test_a_benchmark_stated_as_a_range_decides_only_outside_its_range(synthetic):
    """A benchmark given as "at least N" or "about N" allows a range of rates (count_range): a unit is higher only
    above the range's top, lower only below its bottom, and similar only when its interval holds the whole range."""
    data, counties, counts, census = synthetic
    ds = load_dataset(data)
    obs = ds.observations
    province = obs["district_code"].eq(PROVINCE) & obs["doc_id"].eq("synthetic-province")
    total = float(counts.sum())
    rounded = float(round(total, -4))  # stated as 约 N万: N*10000 ± 5000
    ds.observations = obs.assign(
        value=obs["value"].mask(province, rounded), qualifier=obs["qualifier"].mask(province, "approx")
    )
    rows = rate_table(ds, "disputes_mediated", districts=counties, level="county", denominator="census_resident")
    rows = rows[rows["doc_id"].eq("synthetic-province")]
    judged = against_benchmark(ds, rows, "province", denominator="census_resident")
    pop = census[PROVINCE]
    bottom, top = (rounded - 5000) / pop * 1e4, (rounded + 5000) / pop * 1e4
    low, high = judged["ci_low"].to_numpy(), judged["ci_high"].to_numpy()
    expected = np.select(
        [low > top, high < bottom, (low <= bottom) & (top <= high)], ["higher", "lower", "similar"], "not compared"
    )
    assert list(judged["vs_benchmark"]) == list(expected)
    straddling = judged["vs_benchmark"].eq("not compared")
    assert judged.loc[straddling, "vs_benchmark_reason"].eq("benchmark_range").all()
    assert {"higher", "lower", "not compared"} <= set(expected), "the synthetic spread reaches every case"
