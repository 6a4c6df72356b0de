"""compare.stats.neighbours: the k units most like a district on the 2020 census, checked against numpy by hand."""

import numpy as np
import pandas as pd
import pytest
from conftest import shared_or_skip

from compare.data.tables import load_dataset
from compare.errors import CompareError, DataError
from compare.stats.neighbours import COVARIATES, statistical_neighbours


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def by_hand(code: str, census_level: str, k: int) -> tuple[list[str], np.ndarray]:
    """The k nearest units straight from the shared census file: coded rows of one census level (county rows
    coded xxxx71-79 are zones, which rank with counties: the census lists them as counties), z-scores with the
    population standard deviation, Euclidean distance, ties to the lower code."""
    census = pd.read_csv(shared_or_skip("reference", "census2020_counties.csv"), dtype={"code": str})
    rows = census[census["level"].eq(census_level) & census["code"].str.fullmatch(r"\d{6}", na=False)]
    rows = rows.sort_values("code").reset_index(drop=True)
    x = np.column_stack(
        [
            np.log(rows["population"].to_numpy(float)),
            rows["urban"].to_numpy(float) / rows["population"].to_numpy(float),
            rows["pct_age_65_plus"].to_numpy(float) / 100,
            rows["pct_age_0_14"].to_numpy(float) / 100,
            rows["mean_years_schooling"].to_numpy(float),
        ]
    )
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    here = int(np.flatnonzero(rows["code"].to_numpy() == code)[0])
    distance = np.sqrt(((z - z[here]) ** 2).sum(axis=1))
    order = [i for i in np.lexsort((rows["code"].to_numpy(), distance)) if i != here][:k]
    return list(rows["code"].iloc[order]), distance[order]


@pytest.mark.parametrize(("code", "census_level", "k"), [("320412", "county", 10), ("371000", "prefecture", 5)])
def test_neighbours_match_a_computation_by_hand_on_the_census_file(ds, code, census_level, k):
    codes, distances = by_hand(code, census_level, k)
    found = statistical_neighbours(ds, code, k)
    assert list(found.codes) == codes
    np.testing.assert_allclose(found.distances, distances, rtol=1e-9)
    assert found.covariates == COVARIATES and found.level == census_level
    assert list(found.values.index) == [code, *codes]


def test_wujin_is_most_like_other_southern_jiangsu_counties(ds):
    found = statistical_neighbours(ds, "320412", 3)
    names = ds.districts.set_index("code").loc[list(found.codes), "name_zh"]
    assert list(names) == ["江阴市", "吴江区", "张家港市"]  # the census's 2020 figures, not a hope
    assert found.pool > 2800 and all(np.diff(found.distances) >= 0)


def test_neighbours_are_of_the_same_level_and_never_the_district_itself(ds):
    found = statistical_neighbours(ds, "371002", 10)
    levels = ds.districts.set_index("code").loc[list(found.codes), "level"]
    assert set(levels) <= {"county", "zone"} and "371002" not in found.codes and len(found.codes) == 10


def test_a_level_with_fewer_units_than_asked_gives_every_other_unit(ds):
    found = statistical_neighbours(ds, "320000", 50)  # 31 provinces
    assert len(found.codes) == 30 and "320000" not in found.codes


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "10"])
def test_the_number_of_neighbours_must_be_a_positive_whole_number(ds, k):
    with pytest.raises(CompareError, match="whole number of at least 1"):
        statistical_neighbours(ds, "320412", k)


def test_the_nation_has_no_neighbours(ds):
    with pytest.raises(CompareError, match="only unit of its level"):
        statistical_neighbours(ds, "100000")


def test_a_data_folder_without_the_covariates_says_how_to_build_them(data_copy):
    (data_copy / "reference" / "census_covariates.csv").unlink()
    with pytest.raises(DataError, match="compare build-reference"):
        statistical_neighbours(load_dataset(data_copy), "320412")


def test_an_impossible_census_figure_is_named_by_line(data_copy):
    path = data_copy / "reference" / "census_covariates.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[3, "urban"] = "-5"
    table.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"census_covariates.csv:5: "):
        statistical_neighbours(load_dataset(data_copy), "320412")
