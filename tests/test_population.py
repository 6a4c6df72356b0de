"""compare.data.population: denominators and reconciliation of reports' own per-10,000 figures."""

import pandas as pd
import pytest

from compare.data import load_dataset
from compare.data.population import attach_population, reconcile, reconciliation_verdicts
from compare.errors import CompareError


def test_wujin_rate_matches_the_resident_population_without_the_zone():
    table = reconcile(load_dataset())
    wujin = table[table["district_code"] == "320412"]
    assert wujin["implied_population"].iloc[0] == pytest.approx(349 / 2.7 * 1e4)
    best = wujin[wujin["best"]].iloc[0]
    assert (best["reference_definition"], best["reference_scope"]) == ("resident_yearend", "excluding 常州经开区")
    census = wujin[wujin["reference_definition"] == "census_resident"].iloc[0]
    assert not census["consistent"] and census["reference_population"] == 1697380


def test_huancui_rate_matches_the_census():
    table = reconcile(load_dataset())
    huancui = table[(table["district_code"] == "371002") & table["consistent"]]
    assert list(huancui["reference_definition"]) == ["census_resident"]
    verdicts = reconciliation_verdicts(table).set_index("doc_id")
    assert verdicts.loc["huancui-2021h1", "matches"] == "census_resident 2020 (census tabulation)"
    assert "excluding 常州经开区" in verdicts.loc["wujin-2022q1", "matches"]


def _one_observation(year_end: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["x"],
            "district_code": ["371002"],
            "period_start": [pd.Timestamp(year_end) - pd.DateOffset(months=11)],
            "period_end": [pd.Timestamp(year_end)],
        }
    )


@pytest.mark.parametrize(
    ("year_end", "years_held", "expected_year", "fallback"),
    [
        ("2021-12-31", (2021, 2023), 2021, False),  # its own year
        ("2022-12-31", (2021, 2023), 2021, True),  # nearest: 2021 and 2023 tie, the earlier wins
        ("2022-12-31", (2019, 2023), 2023, True),  # nearest is later
        ("2025-12-31", (2019, 2023), 2023, True),
    ],
)
def test_year_end_fallback_is_the_nearest_year_ties_to_the_earlier(year_end, years_held, expected_year, fallback):
    ds = load_dataset()
    extra = pd.DataFrame(
        {
            "district_code": "371002",
            "year": list(years_held),
            "population": [450000, 460000],
            "definition": "resident_yearend",
            "scope": "whole",
            "source": "test",
        }
    )
    ds.populations = pd.concat([ds.populations, extra], ignore_index=True)
    row = attach_population(_one_observation(year_end), ds, "resident_yearend").iloc[0]
    assert (row["population_year"], row["population_fallback"]) == (expected_year, fallback)


def test_default_denominator_takes_the_years_own_figure_else_the_census():
    ds = load_dataset()
    extra = pd.DataFrame(
        {
            "district_code": ["371002"],
            "year": [2021],
            "population": [450000],
            "definition": ["resident_yearend"],
            "scope": ["whole"],
            "source": ["test"],
        }
    )
    ds.populations = pd.concat([ds.populations, extra], ignore_index=True)
    own = attach_population(_one_observation("2021-12-31"), ds).iloc[0]
    assert (own["population"], own["population_fallback"], own["population_year_gap"]) == (450000, False, False)
    other = attach_population(_one_observation("2024-12-31"), ds).iloc[0]
    assert other["population_definition"] == "census_resident" and not other["population_fallback"]
    assert other["population_year_gap"]


def test_unknown_denominator_is_one_sentence():
    with pytest.raises(CompareError, match="Unknown denominator 'census'; use one of resident, census_resident"):
        attach_population(_one_observation("2021-12-31"), load_dataset(), "census")


def test_a_flow_over_several_years_divides_by_each_years_population():
    """Resident-years: 2021 and 2022 each count with their own year-end population (Wujin's statistical
    bulletins), not twice the end year's; a span reaching back before 2018 is flagged however it ends."""
    from compare.data import load_dataset
    from compare.stats.rates import rate_table

    ds = load_dataset()
    row = ds.observations.iloc[[0]].assign(
        doc_id="two-years",
        district_code="320412",
        period_start=pd.Timestamp("2021-01-01"),
        period_end=pd.Timestamp("2022-12-31"),
        metric_id="legal_aid_cases",
        subset="",
        value=1000.0,
        statement="actual",
        basis="",
        scope="",
    )
    early = row.assign(doc_id="from-2016", district_code="320682", period_start=pd.Timestamp("2016-01-01"))
    ds.observations = pd.concat([ds.observations, row, early], ignore_index=True)
    rates = rate_table(ds, "legal_aid_cases", level="county").set_index("doc_id")
    assert rates.loc["two-years", "exposure"] == pytest.approx(1717200 + 1721500)
    assert rates.loc["two-years", "annual_rate_per_10k"] == pytest.approx(1000 / (1717200 + 1721500) * 1e4)
    assert "population_year_gap" in rates.loc["from-2016", "flags"], "2016 and 2017 stand on the 2020 census"
