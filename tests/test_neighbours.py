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
from compare.stats.neighbours import COVARIATES, covariate_table, statistical_neighbours
from compare.stories import district_profile
from compare.stories.params import parameters
from compare.stories.sentences import SENTENCES


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def by_hand(code: str, census_level: str, k: int, among=None) -> tuple[list[str], np.ndarray]:
    """The k nearest units straight from the shared census file: coded rows of one census level (county rows
    coded xxxx71-79 are zones, which rank with counties: the census lists them as counties), z-scores with the
    population standard deviation over every row of the level, Euclidean distance, ties to the lower code; the
    nearest only among the codes `among` when given."""
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
    allowed = rows["code"].isin(set(among)).to_numpy() if among is not None else np.ones(len(rows), bool)
    order = [i for i in np.lexsort((rows["code"].to_numpy(), distance)) if i != here and allowed[i]][:k]
    return list(rows["code"].iloc[order]), distance[order]


@pytest.mark.parametrize(("code", "census_level", "k"), [("320412", "county", 10), ("371000", "prefecture", 5)])
def test_neighbours_match_a_computation_by_hand_on_the_census_file(ds, code, census_level, k):
    codes, distances = by_hand(code, census_level, k)
    found = statistical_neighbours(ds, code, k)
    assert list(found.codes) == codes
    np.testing.assert_allclose(found.distances, distances, rtol=1e-9)
    assert found.covariates == COVARIATES and found.level == census_level
    assert list(found.values.index) == [code, *codes]


def test_neighbours_among_candidates_match_a_computation_by_hand_with_national_z_scores(ds):
    """Zhejiang's county-level units as candidates for 武进区 (Jiangsu): the nearest among them, each at its
    distance in z-scores over the whole country; another level's code and the district itself are passed over."""
    census = pd.read_csv(shared_or_skip("reference", "census2020_counties.csv"), dtype={"code": str})
    zhejiang = [c for c in census.loc[census["level"].eq("county"), "code"].dropna() if c.startswith("33")]
    codes, distances = by_hand("320412", "county", 10, among=zhejiang)
    found = statistical_neighbours(ds, "320412", 10, among=[*zhejiang, "330100", "320412"])
    assert list(found.codes) == codes and all(c.startswith("33") for c in codes)
    np.testing.assert_allclose(found.distances, distances, rtol=1e-9)
    assert found.pool == statistical_neighbours(ds, "320412", 1).pool > 2800  # z-scores stay national
    assert found.candidates == len(set(zhejiang) & set(covariate_table(ds).index))
    assert statistical_neighbours(ds, "320412", 10).candidates is None


def test_fewer_candidates_than_asked_gives_them_all_nearest_first_and_none_is_no_error(ds):
    found = statistical_neighbours(ds, "320412", 10, among=["371002", "320281"])
    assert found.codes == ("320281", "371002") and found.candidates == 2
    assert found.distances[0] < found.distances[1]
    for among in ([], ["320412"], ["320400"]):  # nobody, the district itself, a prefecture
        empty = statistical_neighbours(ds, "320412", 10, among=among)
        assert empty.codes == () and empty.candidates == 0 and list(empty.values.index) == ["320412"]


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


def add_synthetic_2022q1(data_copy, rows: list[tuple[str, str, str, str]]) -> None:
    """SYNTHETIC figures for 2022Q1, the quarter 武进区 reports, for these tests only: (code, metric, value,
    basis) rows under one SYNTHETIC source."""

    def add(table):
        new = [
            {c: "" for c in table.columns}
            | {
                "doc_id": "synthetic-neighbours",
                "district_code": code,
                "period_start": "2022-01-01",
                "period_end": "2022-03-31",
                "metric_id": metric,
                "value": value,
                "qualifier": "exact",
                "statement": "actual",
                "basis": basis,
            }
            for code, metric, value, basis in rows
        ]
        return pd.concat([table, pd.DataFrame(new)], ignore_index=True)

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


@pytest.fixture(scope="module")
def national(ds) -> list[str]:
    """武进区's 40 nearest county-level units nationally, nearest first."""
    return list(statistical_neighbours(ds, "320412", 40).codes)


@pytest.fixture
def synthetic(data_copy, national):
    """Candidates that differ by metric. Legal aid: the 1st nearest nationally counts cases concluded (another
    definition), the 2nd, 4th, ... 30th and 环翠区 (far away) count as 武进区 does. Mediation: only the 1st, 3rd
    and 环翠区 report the quarter."""
    legal_aid = [(national[0], "legal_aid_cases", "500", "concluded")]
    legal_aid += [(code, "legal_aid_cases", str(300 + i), "") for i, code in enumerate([*national[1:30:2], "371002"])]
    mediation = [(code, "disputes_mediated", "2000", "") for code in (national[0], national[2], "371002")]
    add_synthetic_2022q1(data_copy, legal_aid + mediation)
    return load_dataset(data_copy)


def peers_of(story, metric: str) -> set[str]:
    return set(story.charts[metric].data["district_code"])  # one chart per metric


def test_each_metric_is_compared_with_the_nearest_of_the_units_reporting_its_period_and_definition(synthetic, national):
    story = district_profile(synthetic, "320412", "neighbours")
    legal_aid, _ = by_hand("320412", "county", 10, among=[*national[1:30:2], "371002"])
    assert legal_aid == national[1:20:2]  # the national ranking, cut to the candidates: not 环翠区, not the 1st
    assert peers_of(story, "legal_aid_cases") == {"320412", *legal_aid}
    assert peers_of(story, "disputes_mediated") == {"320412", national[0], national[2], "371002"}  # all 3
    rows = story.tables["neighbours"].frame
    aid = rows[rows["metric"] == "法律援助案件 Legal aid cases accepted or handled"]
    assert list(aid["district_code"]) == legal_aid and set(aid["window"]) == {"2022Q1"}
    np.testing.assert_allclose(aid["distance"], by_hand("320412", "county", 10, among=legal_aid)[1], atol=0.005)
    mediated = rows[rows["metric"] == "矛盾纠纷调处化解 Disputes mediated or resolved"]
    assert list(mediated["district_code"]) == [national[0], national[2], "371002"]
    assert len(rows) == 13 and (rows["distance"] > 0).all()
    every = district_profile(synthetic, "320412")  # every unit of the level: all 16 of the definition, 武进区 too
    assert peers_of(every, "legal_aid_cases") == {"320412", *national[1:30:2], "371002"}


def test_a_full_set_of_neighbours_is_judged_where_the_national_nearest_compared_nothing(synthetic):
    summary = district_profile(synthetic, "320412", "neighbours").tables["summary"].frame.set_index("metric")
    assert summary.loc["法律援助案件 Legal aid cases accepted or handled", "peers_in_window"] == 10


@pytest.mark.parametrize(
    ("lang", "start", "fewer"),
    [
        (
            "en",
            "for each metric, the 10 county-level units most like 武进区 Wujin District on population, urban share, "
            "age structure and schooling (2020 census) among those reporting the same period and definition",
            "Disputes mediated or resolved, 2022Q1: only 3 other units report this period: ",
        ),
        (
            "zh",
            "每项指标在报告同一时期、同一口径的单位中，取在人口、城镇化率、年龄结构和受教育程度上与武进区最相近的10个"
            "县级单位（2020年人口普查",
            "矛盾纠纷调处化解（2022年第1季度）：仅3个其他单位报告该时期：",
        ),
    ],
)
def test_the_about_box_says_who_the_peers_are_for_each_metric_in_both_languages(
    synthetic, national, lang, start, fewer
):
    about = dict(district_profile(synthetic, "320412", "neighbours", lang=lang).about)
    words = about[SENTENCES[lang]["about.peers"]]
    assert words.startswith(start) and fewer in words
    names = synthetic.districts.set_index("code")["name_zh"]
    assert names[national[1]] in words and names[national[0]] in words  # 1st: mediation only
    assert SENTENCES[lang]["about.peers"] not in dict(district_profile(synthetic, "320412", lang=lang).about)


def test_the_about_box_says_when_no_other_unit_reports_a_period(ds):
    words = dict(district_profile(ds, "320412", "neighbours").about)["Peers"]
    assert words.endswith(
        "Legal aid cases accepted or handled, disputes mediated or resolved, administrative reconsideration cases, "
        "administrative litigation cases and notarial acts performed, 2022Q1: no other unit reports this period."
    )  # metrics with the same window and neighbours named together


def test_how_many_neighbours_is_a_parameter(synthetic, national):
    words = dict(district_profile(synthetic, "320412", "neighbours", neighbours=3).about)["Peers"]
    assert "the 3 county-level units most like" in words
    names = synthetic.districts.set_index("code")
    first = [f"{names.loc[c, 'name_zh']} {names.loc[c, 'name_en']} (" for c in national[1:6:2]]
    assert f"Legal aid cases accepted or handled, 2022Q1: {first[0]}" in words and f"and {first[2]}" in words
    assert names.loc[national[7], "name_zh"] not in words


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


def test_the_profile_notebook_runs_against_neighbours_under_papermill(tmp_path, synthetic, data_copy, national):
    """The papermill CLI as the README prints it: -r keeps the code text, -p peers neighbours stays a word."""
    out = tmp_path / "profile.ipynb"
    notebook = str(NOTEBOOKS_DIR / "district_profile.ipynb")
    command = [sys.executable, "-m", "papermill", notebook, str(out), "-r", "district", "320412"]
    command += ["-p", "peers", "neighbours", "-p", "neighbours", "4", "-r", "data_dir", str(data_copy)]
    command += ["-k", "python3", "--cwd", str(NOTEBOOKS_DIR)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    outputs = [o for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "the 4 county-level units most like 武进区 Wujin District" in shown
    assert "Statistical neighbours by metric (2020 census" in shown
    names = synthetic.districts.set_index("code")["name_zh"]
    assert names[national[9]] not in shown  # the 5th legal aid candidate is not among 4


def test_the_command_line_lists_the_neighbours(capsys):
    assert main(["neighbours", "--district", "320412", "--neighbours", "3", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"district_code": str})
    assert list(table["district_code"]) == ["320412", "320281", "320509", "320582"]
    assert list(table.columns[-6:]) == [*COVARIATES, "distance"]


def test_the_command_line_refuses_the_nation_in_one_sentence(capsys):
    assert main(["neighbours", "--district", "100000"]) == 2
    assert capsys.readouterr().err == "error: 全国 (100000) is the only unit of its level: it has no neighbours.\n"


def test_the_notebook_parameters_take_peers_neighbours_as_a_word():
    namespace = {"district": 320412, "peers": " neighbours", "neighbours": 4}
    parameters(namespace)
    assert namespace["peers"] == "neighbours" and namespace["district"] == "320412"
    with pytest.raises(CompareError, match="peers: 'nearest' is not a 6-digit division code"):
        parameters({"peers": "nearest"})


def test_the_command_line_can_choose_among_the_units_reporting_a_metric(synthetic, data_copy, national, capsys):
    command = ["--data", str(data_copy), "neighbours", "--district", "320412", "--neighbours", "3"]
    assert main([*command, "--among-reporting", "legal_aid_cases", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"district_code": str})
    assert list(table["district_code"]) == ["320412", *national[1:6:2]]  # the 2nd, 4th and 6th nationally
    assert main([*command, "--among-reporting", "disputes_mediated"]) == 0
    assert "Chosen among the 3 other units reporting disputes_mediated for 2022Q1" in capsys.readouterr().out
    assert main([*command, "--among-reporting", "legal_aid_cases", "--period", "2021"]) == 2
    assert capsys.readouterr().err == (
        "error: 武进区 (320412) has no dated legal_aid_cases figure for 2021 in the definition the units reporting "
        "it share.\n"
    )
