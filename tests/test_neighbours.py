"""compare.stats.neighbours: the k units most like a district on the 2020 census, checked against numpy by hand."""

import io
import subprocess
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import edit_observations, shared_or_skip

from compare.briefs.schedule import check_parameters, load_schedule
from compare.cli import main
from compare.data.tables import load_dataset
from compare.errors import CompareError, DataError
from compare.paths import NOTEBOOKS_DIR
from compare.stats.neighbours import COVARIATES, statistical_neighbours
from compare.stories import district_profile
from compare.stories.sentences import SENTENCES


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


# ---------------------------------------------------------------- a profile against its statistical neighbours


def add_synthetic_2022q1(data_copy) -> None:
    """SYNTHETIC legal aid figures for 2022Q1, the quarter 武进区 reports, for these tests only: 江阴市 (its nearest
    neighbour), 吴江区 (a neighbour, but counting cases concluded, another definition) and 环翠区 (no neighbour)."""
    spec = [("320281", "400", ""), ("320509", "500", "concluded"), ("371002", "300", "")]

    def add(table):
        rows = [
            {c: "" for c in table.columns}
            | {
                "doc_id": "synthetic-neighbours",
                "district_code": code,
                "period_start": "2022-01-01",
                "period_end": "2022-03-31",
                "metric_id": "legal_aid_cases",
                "value": value,
                "qualifier": "exact",
                "statement": "actual",
                "basis": basis,
            }
            for code, value, basis in spec
        ]
        return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)

    edit_observations(data_copy, add)
    sources_csv = data_copy / "sources" / "sources.csv"
    sources = pd.read_csv(sources_csv, dtype=str, keep_default_na=False)
    source = {c: "" for c in sources.columns} | {
        "doc_id": "synthetic-neighbours",
        "title": "SYNTHETIC rows for a test",
        "url": "https://example.org/SYNTHETIC-test-rows",
        "complete": "no",
    }
    pd.concat([sources, pd.DataFrame([source])], ignore_index=True).to_csv(sources_csv, index=False)


@pytest.fixture
def synthetic(data_copy):
    add_synthetic_2022q1(data_copy)
    return load_dataset(data_copy)


def legal_aid_peers(story) -> set[str]:
    return set(story.charts["legal_aid_cases"].data["district_code"])  # one chart per metric


def test_a_profile_against_its_neighbours_compares_only_neighbours_reporting_the_period_and_definition(synthetic):
    story = district_profile(synthetic, "320412", "neighbours")
    assert legal_aid_peers(story) == {"320412", "320281"}  # not 环翠区 (no neighbour), not 吴江区 (concluded)
    rows = story.tables["neighbours"].frame.set_index("district_code")
    assert list(rows.index) == list(statistical_neighbours(synthetic, "320412").codes)
    assert rows.loc["320281", "compared_on"] == "Legal aid cases accepted or handled"
    assert rows.loc["320509", "compared_on"] == "no figure for the same period and definition"
    assert legal_aid_peers(district_profile(synthetic, "320412")) == {"320412", "320281", "371002"}  # every unit


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            "the 10 county-level units most like 武进区 Wujin District on population, urban share, age structure and "
            "schooling (2020 census): 江阴市 Jiangyin City, 吴江区 Wujiang District, 张家港市 Zhangjiagang City",
        ),
        (
            "zh",
            "在人口、城镇化率、年龄结构和受教育程度上与武进区最相近的10个县级单位（2020年人口普查）：江阴市、吴江区、张家港市",
        ),
    ],
)
def test_the_about_box_says_who_the_peers_are_in_both_languages(ds, lang, words):
    about = dict(district_profile(ds, "320412", "neighbours", lang=lang).about)
    assert about[SENTENCES[lang]["about.peers"]].startswith(words)
    assert SENTENCES[lang]["about.peers"] not in dict(district_profile(ds, "320412", lang=lang).about)


def test_how_many_neighbours_is_a_parameter(ds):
    about = dict(district_profile(ds, "320412", "neighbours", neighbours=3).about)
    assert about["Peers"].endswith(
        "(2020 census): 江阴市 Jiangyin City, 吴江区 Wujiang District and 张家港市 Zhangjiagang City"
    )


def test_peers_given_as_another_word_is_one_sentence(ds):
    with pytest.raises(CompareError, match="peers must be a list of district codes or 'neighbours', not 'nearest'"):
        district_profile(ds, "320412", "nearest")


def test_the_schedule_takes_peers_neighbours_and_refuses_other_words(tmp_path):
    config = tmp_path / "briefs.yml"
    config.write_text(
        "briefs:\n  - notebook: district_profile.ipynb\n    parameters: {district: '320412', peers: neighbours, "
        "neighbours: 5}\n    lang: en\n",
        encoding="utf-8",
    )
    (brief,) = load_schedule(config, load_dataset())
    assert brief.parameters["peers"] == "neighbours" and brief.parameters["neighbours"] == 5
    with pytest.raises(CompareError, match=r"must be a list of text, not text 'nearest' \(or peers: neighbours\)"):
        check_parameters("district_profile.ipynb", {"district": "320412", "peers": "nearest"})


def test_the_profile_notebook_runs_against_neighbours_under_papermill(tmp_path):
    """The papermill CLI as the README prints it: -r keeps the code text, -p peers neighbours stays a word."""
    out = tmp_path / "profile.ipynb"
    notebook = str(NOTEBOOKS_DIR / "district_profile.ipynb")
    command = [sys.executable, "-m", "papermill", notebook, str(out), "-r", "district", "320412"]
    command += ["-p", "peers", "neighbours", "-p", "neighbours", "4", "-k", "python3", "--cwd", str(NOTEBOOKS_DIR)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    outputs = [o for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "the 4 county-level units most like 武进区 Wujin District" in shown
    assert "Statistical neighbours (2020 census" in shown and "通川区" not in shown  # the 10th is not among 4


def test_the_command_line_lists_the_neighbours(capsys):
    assert main(["neighbours", "--district", "320412", "--neighbours", "3", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"district_code": str})
    assert list(table["district_code"]) == ["320412", "320281", "320509", "320582"]
    assert list(table.columns[-6:]) == [*COVARIATES, "distance"]


def test_the_command_line_refuses_the_nation_in_one_sentence(capsys):
    assert main(["neighbours", "--district", "100000"]) == 2
    assert capsys.readouterr().err == "error: 全国 (100000) is the only unit of its level: it has no neighbours.\n"
