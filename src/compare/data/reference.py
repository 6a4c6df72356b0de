"""Build the reference tables in data/reference/ from the shared census and year-end extracts.

Run once when the shared extracts change (`compare build-reference ../shared/reference`); the
built tables are committed, so nothing else reads the shared folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import DataError, WriteError
from .covariates import COVARIATE_COLUMNS, COVARIATES_FILE, build_covariates
from .tables import read_csv_checked

CENSUS_FILE = "census2020_counties.csv"
YEAREND_FILE = "yearend_population.csv"
CURATED_FILE = "curated_populations.csv"  # ours, in data/reference/: provinces' and the nation's year-end figures
NATION_CODE = "100000"  # GB/T 2260 has no code for the whole country; the census row gets this one
CENSUS_COLUMNS = ["code", "name_zh", "level", "province_zh", "prefecture_zh", *COVARIATE_COLUMNS[1:]]
YEAREND_COLUMNS = ["district_code", "year", "population", "definition", "scope", "source"]
CENSUS_SOURCE = (
    "7th national census 2020 (2020-11-01), county extract of leiii/census "
    "(China Census, Lei Dong et al., 2022; MIT License, Copyright (c) 2022 Lei Dong)"
)

# Administrative suffixes, longest first, with their English rendering.
SUFFIXES = [
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("自治州", "Autonomous Prefecture"),
    ("自治区", "Autonomous Region"),
    ("特区", "Special District"),
    ("林区", "Forestry District"),
    ("地区", "Prefecture"),
    ("新区", "New Area"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("省", "Province"),
    ("市", "City"),
]
# Development-zone suffixes, longest first (zones are tabulated separately by the census).
ZONE_SUFFIXES = [
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术开发区", "High-tech Development Zone"),
    ("经济开发区", "Economic Development Zone"),
    ("工业园区", "Industrial Park"),
    ("开发区", "Development Zone"),
    ("管理区", "Administrative Area"),
    ("示范区", "Demonstration Zone"),
    ("新区", "New Area"),
    ("新城", "New Town"),
]
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
# Readings pypinyin gets wrong for place names (polyphones); checked against official romanisations.
PINYIN_OVERRIDES = {"朝阳": "chao yang", "六安": "lu an", "蚌埠": "beng bu", "长安": "chang an"}
# Provinces whose English names are not pinyin plus suffix (polyphones, the official Shaanxi, ethnic names).
PROVINCE_NAMES = {
    "重庆市": "Chongqing Municipality",
    "陕西省": "Shaanxi Province",
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
    "西藏自治区": "Xizang Autonomous Region",
    "宁夏回族自治区": "Ningxia Hui Autonomous Region",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
}


def romanise(name_zh: str, level: str) -> str:
    """An English name such as 'Wujin District' from a Chinese unit name (pinyin + suffix)."""
    if name_zh == "市辖区":
        return "Municipal Districts"
    if name_zh == "县":
        return "Counties"
    if level == "zone":
        for suffix, english in ZONE_SUFFIXES:
            if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
                return f"{_pinyin_word(name_zh[: -len(suffix)])} {english}"
        return _pinyin_word(name_zh) + " Zone"
    if level == "province" and name_zh in PROVINCE_NAMES:
        return PROVINCE_NAMES[name_zh]
    if level == "province" and name_zh in MUNICIPALITIES:
        return _pinyin_word(name_zh[:-1]) + " Municipality"
    for suffix, english in SUFFIXES:
        stem = name_zh[: -len(suffix)]
        if name_zh.endswith(suffix) and len(stem) >= 1:
            return f"{_pinyin_word(stem)} {english}"
    return _pinyin_word(name_zh)


def _pinyin_word(text: str) -> str:
    """Pinyin of a place name as one capitalised word, with an apostrophe before a, o, e."""
    from pypinyin import lazy_pinyin  # build-time dependency only

    syllables: list[str] = []
    rest = text
    while rest:
        for stem, reading in PINYIN_OVERRIDES.items():
            if rest.startswith(stem):
                syllables += reading.split()
                rest = rest[len(stem) :]
                break
        else:
            syllables += lazy_pinyin(rest[0])
            rest = rest[1:]
    word = syllables[0] + "".join("'" + s if s[:1] in "aoe" else s for s in syllables[1:])
    return word.replace("ü", "v").capitalize()


def district_level(census_level: str, code: str) -> str:
    """The census level, except that county rows coded xxxx71-79 are development zones."""
    if census_level == "county" and 71 <= int(code[4:6]) <= 79:
        return "zone"
    return census_level


def coded_units(census: pd.DataFrame) -> pd.DataFrame:
    """The census rows with a 6-digit code, the nation's row given NATION_CODE."""
    census = census.assign(code=census["code"].where(census["level"] != "nation", NATION_CODE))
    return census[census["code"].str.fullmatch(r"\d{6}", na=False)]


def build_districts(census: pd.DataFrame) -> pd.DataFrame:
    """One row per coded unit: code, names, level and the codes of its prefecture and province (none for the
    nation)."""
    coded = coded_units(census).copy()
    coded["level"] = [district_level(lv, c) for lv, c in zip(coded["level"], coded["code"])]
    coded["province_code"] = (coded["code"].str[:2] + "0000").where(coded["level"] != "nation", "")
    coded["prefecture_code"] = (coded["code"].str[:4] + "00").where(~coded["level"].isin(["province", "nation"]), "")
    coded.loc[coded["level"] == "prefecture", "prefecture_code"] = ""
    coded["name_en"] = [romanise(n, lv) for n, lv in zip(coded["name_zh"], coded["level"])]
    coded.loc[coded["level"] == "nation", ["name_zh", "name_en", "province_zh", "prefecture_zh"]] = [
        "全国",
        "China",
        "",
        "",
    ]
    return coded[
        ["code", "name_zh", "name_en", "level", "prefecture_code", "province_code", "province_zh", "prefecture_zh"]
    ].reset_index(drop=True)


def build_populations(census: pd.DataFrame, yearend: pd.DataFrame, curated: pd.DataFrame | None = None) -> pd.DataFrame:
    """Census 2020 resident counts for every coded unit, then the shared year-end figures, then ours."""
    coded = coded_units(census)
    census_rows = pd.DataFrame(
        {
            "district_code": coded["code"],
            "year": 2020,
            "population": coded["population"].astype("int64"),
            "definition": "census_resident",
            "scope": "census tabulation",
            "source": CENSUS_SOURCE,
        }
    )
    columns = ["district_code", "year", "population", "definition", "scope", "source"]
    extra = [] if curated is None else [curated[columns]]
    return pd.concat([census_rows, yearend[columns], *extra], ignore_index=True)


def build_reference(shared_reference: Path, out_dir: Path, curated: Path | None = None) -> dict[str, int]:
    """Write districts.csv, populations.csv and census_covariates.csv to out_dir; return how many rows the first
    two have. populations.csv ends with the rows of curated (our own year-end figures, default
    out_dir/curated_populations.csv) when that file exists.

    DataError if the shared extracts cannot be read; WriteError if out_dir cannot be written, in which case
    neither table is replaced and no temporary file is left."""
    shared_reference, out_dir = Path(shared_reference), Path(out_dir)
    if not shared_reference.is_dir():
        raise DataError(shared_reference, f"no such folder (it should hold {CENSUS_FILE} and {YEAREND_FILE}).")
    census = _read_shared(shared_reference / CENSUS_FILE, "code", CENSUS_COLUMNS)
    yearend = _read_shared(shared_reference / YEAREND_FILE, "district_code", YEAREND_COLUMNS)
    curated = Path(curated) if curated else out_dir / CURATED_FILE
    ours = _read_shared(curated, "district_code", YEAREND_COLUMNS) if curated.is_file() else None
    districts = build_districts(census)
    populations = build_populations(census, yearend, ours)
    write_together(
        out_dir,
        {
            "districts.csv": districts.to_csv(index=False),
            "populations.csv": populations.to_csv(index=False),
            COVARIATES_FILE: build_covariates(coded_units(census)).to_csv(index=False),
        },
    )
    uncoded = int((~census["code"].astype(str).str.fullmatch(r"\d{6}")).sum())
    return {"districts": len(districts), "populations": len(populations), "uncoded_rows_skipped": uncoded}


def _read_shared(path: Path, code_column: str, columns: list[str]) -> pd.DataFrame:
    table = read_csv_checked(path, dtype={code_column: str})
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(path.name, f"missing column(s) {', '.join(missing)}.")
    return table


def write_together(folder: Path, contents: dict[str, str]) -> None:
    """Write every file of contents into folder, all or none: each goes to a unique temporary name first,
    fsynced, and only when all are written are they renamed into place. WriteError (one sentence) on failure;
    no temporary file is left behind."""
    staged: dict[Path, str] = {}
    replaced = 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in contents.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            staged[folder / name] = tmp
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for target, tmp in staged.items():
            os.replace(tmp, target)
            replaced += 1
    except OSError as exc:
        outcome = "nothing was replaced" if replaced == 0 else f"only {replaced} of {len(contents)} files were replaced"
        raise WriteError(f"Cannot write into {folder}: {exc.strerror or exc}; {outcome}.") from exc
    finally:
        for tmp in staged.values():
            Path(tmp).unlink(missing_ok=True)
