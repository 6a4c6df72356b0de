"""compare.data.reference: English names, levels, and the committed tables match their shared source."""

import pandas as pd
import pytest
from conftest import shared_or_skip

from compare.data.reference import build_reference, romanise
from compare.paths import PROJECT_ROOT


@pytest.mark.parametrize(
    "name, level, english",
    [
        ("武进区", "county", "Wujin District"),
        ("海安市", "county", "Hai'an City"),
        ("六安市", "prefecture", "Lu'an City"),
        ("朝阳区", "county", "Chaoyang District"),
        ("北京市", "province", "Beijing Municipality"),
        ("重庆市", "province", "Chongqing Municipality"),  # 重 read chong, not zhong
        ("陕西省", "province", "Shaanxi Province"),  # not the Shanxi of 山西省
        ("山西省", "province", "Shanxi Province"),
        ("广西壮族自治区", "province", "Guangxi Zhuang Autonomous Region"),
        ("西藏自治区", "province", "Xizang Autonomous Region"),
        ("浦东新区", "county", "Pudong New Area"),
        ("南通经济技术开发区", "zone", "Nantong Economic and Technological Development Zone"),
    ],
)
def test_romanise(name, level, english):
    assert romanise(name, level) == english


def test_committed_reference_tables_rebuild_identically_from_shared(tmp_path):
    shared = shared_or_skip("reference")
    build_reference(shared, tmp_path, PROJECT_ROOT / "data" / "reference" / "curated_populations.csv")
    for name in ("districts.csv", "populations.csv", "census_covariates.csv"):
        built = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)
        committed = pd.read_csv(PROJECT_ROOT / "data" / "reference" / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(built, committed)


def test_levels_and_parents():
    districts = pd.read_csv(PROJECT_ROOT / "data" / "reference" / "districts.csv", dtype=str, keep_default_na=False)
    wujin = districts.set_index("code").loc["320412"]
    assert (wujin["level"], wujin["prefecture_code"], wujin["province_code"]) == ("county", "320400", "320000")
    assert districts.set_index("code").loc["320671", "level"] == "zone"
    assert set(districts["level"]) == {"nation", "province", "prefecture", "county", "zone"}
    nation = districts.set_index("code").loc["100000"]
    assert (nation["name_zh"], nation["name_en"], nation["province_code"]) == ("全国", "China", "")
