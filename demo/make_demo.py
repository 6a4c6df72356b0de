"""`make demo`: the whole method on a full province of SYNTHETIC data.

Every county of one real province (Zhejiang: its 90 counties and 11 prefectures, with their census populations),
five years (2019-2023) and every per-capita metric of data/metrics.csv, drawn by benchmarks/synthetic.py's
draw_counts: gamma-Poisson differences between counties, a trend, and a few planted outliers (listed in
planted-outliers.csv, so a reader can check what the funnel finds). The numbers are written as a workbook in the
layout of a provincial statistical table (a title row, two header rows with merged cells, a 万 column, a total
row, a footnote), with a second sheet for the nation, and imported through `compare import`, into a data folder
of the demo's own that holds SYNTHETIC.txt; `compare briefs` then builds the demo schedule into the demo's own
output folder. Every page title and every chart says SYNTHETIC DATA. Nothing is written to data/ or outputs/.

The schedule (written to build/demo/briefs.yml) is demo/briefs.yml (data quality, every metric compared at
county and at prefecture level) and, for a chosen set of units, a profile and a trends brief each: the 11
prefectures (against each other) and the counties with a planted outlier plus a few ordinary ones (ORDINARY),
against their statistical neighbours. A profile or trends brief for each of the 101 units would take most of
an hour and 600 MB, and show nothing these do not.

    .venv/bin/python demo/make_demo.py [--out build/demo] [--quick] [--jobs N]

--quick builds the small schedule demo/briefs-quick.yml (one brief of each kind) instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import yaml

from compare.data import OBSERVATION_COLUMNS, SOURCE_COLUMNS, load_dataset
from compare.data.tables import SYNTHETIC_MARKER
from compare.stats.rates import rateable_metrics

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ holds the one synthetic generator
from benchmarks.synthetic import Variation, draw_counts  # noqa: E402

PROVINCE = "330000"  # 浙江省
NATION = "100000"
YEARS = list(range(2019, 2024))
DOC_PROVINCE = "synthetic-zhejiang-2019-2023"
DOC_NATION = "synthetic-nation-2019-2023"
TITLE_PROVINCE = f"浙江省各县（市、区）司法行政工作统计（{YEARS[0]}—{YEARS[-1]}年）SYNTHETIC DATA 虚构数据"
TITLE_NATION = f"全国司法行政工作统计（{YEARS[0]}—{YEARS[-1]}年）SYNTHETIC DATA 虚构数据"
MAPPING_NOTE = "# SYNTHETIC: the mapping of the demo's invented workbook (demo/make_demo.py). Not for data/.\n"
VARIATION = Variation(gamma_shape=10.0, drift_sd=0.03, trend=0.04, outliers=8, outlier_factor=3.0)
UNIT_ZH = {"case": "件", "person_time": "人次", "person": "人"}
GROUPS = {"legal_aid": "法律援助", "disputes": "人民调解", "admin": "行政复议与应诉"}  # merged header cells
WAN = {"legal_consultations"}  # columns stated in 万 (ten thousands), as yearbooks do
MISSING = (0, "notarizations")  # one dash: the first county has no notarisation figure for the first year
ORDINARY = ("330106", "330381", "330521")  # 西湖区, 瑞安市, 德清县: profiled beside the planted outliers
SCHEDULE_NOTE = (
    "# SYNTHETIC demo schedule written by demo/make_demo.py: demo/briefs.yml, then a profile and a trends brief\n"
    "# for each prefecture and each chosen county (the planted outliers and a few ordinary ones). Not for data/.\n"
)
FOOTNOTE = "注：本表数字均为虚构（SYNTHETIC DATA），由 demo/make_demo.py 生成，只用于演示，不得当作真实统计。"


def units(ds) -> tuple[pd.DataFrame, pd.Series]:
    """The province's counties (with a census population) and prefectures in code order, and the census
    population of every unit."""
    pops = ds.populations[ds.populations["definition"] == "census_resident"].set_index("district_code")["population"]
    d = ds.districts
    inside = d[(d["province_code"] == PROVINCE) & d["level"].isin(["county", "zone"]) & d["code"].isin(pops.index)]
    return inside.sort_values("code").reset_index(drop=True), pops


def draw_province(ds, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """SYNTHETIC counts, a row per county and year and a column per metric; the planted outliers; the metrics."""
    counties, pops = units(ds)
    metrics = rateable_metrics(ds).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    exposure = np.ones((len(metrics), len(YEARS)))  # full years; a stock stands at the year's end
    population = pops.loc[counties["code"]].to_numpy()
    draw = draw_counts(rng, population, len(metrics), np.arange(len(YEARS)), exposure, VARIATION)
    counts = draw.counts
    ids = list(metrics["metric_id"])
    parts = set()
    for _, ratio in ds.metrics[ds.metrics["kind"] == "ratio"].iterrows():  # a part never exceeds its whole
        if ratio["numerator"] in ids and ratio["denominator"] in ids:
            share = rng.beta(40, 4, len(counties))[:, None]
            whole = counts[:, ids.index(ratio["denominator"]), :]
            counts[:, ids.index(ratio["numerator"]), :] = rng.binomial(whole, share)
            parts.add(ids.index(ratio["numerator"]))
    rows = [
        {"code": code, "year": year, **{m: counts[d, j, t] for j, m in enumerate(ids)}}
        for d, code in enumerate(counties["code"])
        for t, year in enumerate(YEARS)
    ]
    planted = pd.DataFrame(
        [
            {
                "district_code": counties["code"].iloc[d],
                "district_zh": counties["name_zh"].iloc[d],
                "metric_id": ids[j],
                "rate_factor": round(factor, 3),
            }
            for d, j, factor in draw.outliers
            if j not in parts  # a part drawn again from its whole keeps no planted factor
        ]
    )
    return pd.DataFrame(rows), planted, ids


def nation_rows(ds, province: pd.DataFrame, ids: list[str], seed: int) -> pd.DataFrame:
    """SYNTHETIC national totals: the province's rate each year, times a national factor per metric (about ±20%),
    times the nation's census population."""
    counties, pops = units(ds)
    rng = np.random.default_rng(seed + 1)
    factor = np.exp(rng.normal(0, 0.2, len(ids)))
    total = province.groupby("year")[ids].sum()
    expected = total / pops.loc[counties["code"]].sum() * factor * pops[NATION]
    return pd.DataFrame(
        [{"code": NATION, "year": year, **dict(zip(ids, rng.poisson(expected.loc[year].to_numpy())))} for year in YEARS]
    )


# ---------------------------------------------------------------- the workbook and its mapping


def headers(ds, ids: list[str]) -> list[tuple[str, str]]:
    """Each metric's two header cells: its group (merged across the group) and its own name with its unit; a
    metric of no group has one name, merged down."""
    out = []
    for m in ids:
        row = ds.metric(m)
        unit = ("万" if m in WAN else "") + UNIT_ZH.get(row["unit"], "")
        name = f"{row['name_zh']}({unit})" if unit else row["name_zh"]
        group = next((g for prefix, g in GROUPS.items() if m.startswith(prefix)), "")
        out.append((group, name))
    return out


def write_sheet(ws, title: str, heads: list[tuple[str, str]], rows: list[list]) -> None:
    """A title row, two header rows (groups merged across, lone names merged down), the rows, a footnote."""
    width = 2 + len(heads)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append(["年份", "地区", *[g or n for g, n in heads]])
    ws.append([None, None, *[n if g else None for g, n in heads]])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    c = 0
    while c < len(heads):
        group = heads[c][0]
        end = c
        while group and end + 1 < len(heads) and heads[end + 1][0] == group:
            end += 1
        if group and end > c:
            ws.merge_cells(start_row=2, start_column=3 + c, end_row=2, end_column=3 + end)
        elif not group:
            ws.merge_cells(start_row=2, start_column=3 + c, end_row=3, end_column=3 + c)
        c = end + 1
    for row in rows:
        ws.append(row)
    ws.append([FOOTNOTE])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)


def cells(values: pd.Series, ids: list[str]) -> list:
    return [round(values[m] / 10000, 2) if m in WAN else int(values[m]) for m in ids]


def write_workbook(ds, province: pd.DataFrame, nation: pd.DataFrame, ids: list[str], path: Path) -> None:
    """The province sheet (per year: 全省, then each prefecture followed by its counties) and the nation sheet."""
    heads = headers(ds, ids)
    names = ds.districts.set_index("code")
    counties, _ = units(ds)
    prefectures = sorted(counties["prefecture_code"].unique())
    rows = []
    for year in YEARS:
        this = province[province["year"] == year].set_index("code")
        rows.append([f"{year}年", "全省", *cells(this[ids].sum(), ids)])
        for pref in prefectures:
            members = counties[counties["prefecture_code"] == pref]["code"]
            rows.append([f"{year}年", names.loc[pref, "name_zh"], *cells(this.loc[members, ids].sum(), ids)])
            for code in members:
                values = cells(this.loc[code], ids)
                if (year, code) == (YEARS[0], counties["code"].iloc[MISSING[0]]) and MISSING[1] in ids:
                    values[ids.index(MISSING[1])] = "—"
                rows.append([f"{year}年", names.loc[code, "name_zh"], *values])
    wb = openpyxl.Workbook()
    write_sheet(wb.active, TITLE_PROVINCE, heads, rows)
    wb.active.title = "分县"
    national = [[f"{r['year']}年", "全国", *cells(r, ids)] for _, r in nation.iterrows()]
    write_sheet(wb.create_sheet("全国"), TITLE_NATION, heads, national)
    wb.save(path)


def mapping(ds, ids: list[str], doc_id: str, title: str, sheet: str, within: str, totals: str) -> dict:
    """The `compare import` mapping of one sheet: every metric column, 万 columns scaled."""
    columns = {}
    for m, (group, name) in zip(ids, headers(ds, ids)):
        spec = {"metric": m}
        if m in WAN:
            spec["scale"] = 10000
        if m == "legal_aid_cases":
            spec["basis"] = "received"  # the table says 受理: every unit counts cases received
        columns[f"{group}/{name}" if group else name] = spec
    return {
        "source": {"doc_id": doc_id, "title": title, "published": f"{YEARS[-1] + 1}-03-01"},
        "sheet": sheet,
        "header_rows": 2,
        "district_column": "地区",
        "within": within,
        "period_column": "年份",
        "columns": columns,
        "totals": totals,
    }


# ---------------------------------------------------------------- the schedule


def chosen_units(ds, planted: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The prefectures, and the counties to profile: every one with a planted outlier, then the ORDINARY ones."""
    counties, _ = units(ds)
    outliers = sorted(set(planted["district_code"])) if len(planted) else []
    return sorted(counties["prefecture_code"].unique()), outliers + [c for c in ORDINARY if c not in outliers]


def write_schedule(base: Path, path: Path, prefectures: list[str], counties: list[str]) -> Path:
    """base's entries, then a profile (a county against its statistical neighbours, a prefecture against the
    other prefectures) and a trends brief for each chosen unit, written to path."""
    entries = list(yaml.safe_load(base.read_text(encoding="utf-8"))["briefs"])
    for code in prefectures + counties:
        peers = {"peers": "neighbours"} if code in counties else {}
        entries.append({"notebook": "district_profile.ipynb", "parameters": {"district": code, **peers}})
    entries += [{"notebook": "trends.ipynb", "parameters": {"district": code}} for code in prefectures + counties]
    text = yaml.safe_dump({"briefs": entries}, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(SCHEDULE_NOTE + text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the demo's data folder, import and build


def empty_data_folder(folder: Path, real: Path) -> None:
    """A data folder with the real catalogue and reference (districts, populations), no observation, and the
    SYNTHETIC marker that makes every brief built from it say so."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "sources").mkdir(parents=True)
    shutil.copytree(real / "reference", folder / "reference")
    for name in ("metrics.csv", "metric_phrases.csv"):
        shutil.copy(real / name, folder / name)
    pd.DataFrame(columns=OBSERVATION_COLUMNS).to_csv(folder / "observations.csv", index=False)
    pd.DataFrame(columns=SOURCE_COLUMNS).to_csv(folder / "sources" / "sources.csv", index=False)
    (folder / SYNTHETIC_MARKER).write_text(
        "SYNTHETIC DATA: every number in this folder was invented by demo/make_demo.py. Never copy it into data/.\n",
        encoding="utf-8",
    )


def compare(*argv: str) -> None:
    """Run one compare command, as printed, in this process; stop the demo if it fails."""
    from compare.cli import main

    print("$ compare " + " ".join(argv), flush=True)
    code = main(list(argv))
    if code:
        raise SystemExit(f"compare {argv[2] if len(argv) > 2 else ''} failed (exit {code}); the demo stops here.")


def make(out: Path, quick: bool, jobs: int, seed: int = 0) -> Path:
    """Write the workbook and mappings, import them into out/data, write the schedule (or take the quick one),
    build the briefs into out/outputs; return the index page."""
    real = load_dataset()
    out.mkdir(parents=True, exist_ok=True)
    data = out / "data"
    empty_data_folder(data, real.data_dir)
    province, planted, ids = draw_province(real, seed)
    nation = nation_rows(real, province, ids, seed)
    planted.to_csv(out / "planted-outliers.csv", index=False)
    book = out / f"{DOC_PROVINCE}.xlsx"
    write_workbook(real, province, nation, ids, book)
    maps = {
        DOC_PROVINCE: mapping(real, ids, DOC_PROVINCE, TITLE_PROVINCE, "分县", PROVINCE, "全省"),
        DOC_NATION: mapping(real, ids, DOC_NATION, TITLE_NATION, "全国", NATION, "全国"),
    }
    for doc_id, spec in maps.items():
        path = out / f"{doc_id}.yml"
        path.write_text(MAPPING_NOTE + yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
        compare("--data", str(data), "import", str(book), "--mapping", str(path))
    if quick:
        schedule = HERE / "briefs-quick.yml"
    else:
        schedule = write_schedule(HERE / "briefs.yml", out / "briefs.yml", *chosen_units(real, planted))
    outputs = str(out / "outputs")
    compare("--data", str(data), "briefs", "--config", str(schedule), "--out", outputs, "--jobs", str(jobs))
    index = out / "outputs" / "latest" / "index.html"
    print(f"\nPlanted outliers (rate ×{VARIATION.outlier_factor:g} or ÷{VARIATION.outlier_factor:g}):")
    print(planted.to_string(index=False))
    print(f"\nSYNTHETIC demo built. Open {index.resolve()}")
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "demo", help="demo folder (default build/demo)")
    parser.add_argument("--quick", action="store_true", help="one brief of each kind (demo/briefs-quick.yml)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="worker processes for the briefs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    make(args.out.absolute(), args.quick, args.jobs, args.seed)


if __name__ == "__main__":
    main()
