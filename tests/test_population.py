"""compare.population: denominators and reconciliation of reports' own per-10,000 figures."""

import pytest

from compare.data import load_dataset
from compare.population import reconcile, reconciliation_verdicts


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
