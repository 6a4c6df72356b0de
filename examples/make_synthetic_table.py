"""Write examples/synthetic-shaanxi-2021.xlsx: a SYNTHETIC workbook in the layout of a provincial statistical
table (a title row, two header rows with merged cells, 万 units, a total row 合计, a dash, a footnote), for
`compare import` to read with examples/synthetic-shaanxi-2021.yml. Every number is invented.

    .venv/bin/python examples/make_synthetic_table.py
"""

from pathlib import Path

import openpyxl

# SYNTHETIC: unit, legal aid cases received, of which criminal, consultations (万人次), disputes mediated,
# mediation organisations at year end
CITIES = [
    ("西安市", 4100, 1200, 3.25, 21000, 3100),
    ("铜川市", 610, "—", 0.41, 2300, 640),
    ("宝鸡市", 1800, 520, 1.2, 9100, 2100),
    ("咸阳市", 2000, 610, 1.43, 9800, 2500),
    ("渭南市", 2100, 650, 1.38, 10200, 2900),
    ("延安市", 900, 240, 0.66, 4300, 1400),
    ("汉中市", 1500, 430, 0.97, 7600, 2300),
    ("榆林市", 1700, 470, 1.05, 8200, 2600),
    ("安康市", 1200, 330, 0.8, 6100, 2000),
    ("商洛市", 1000, 280, 0.7, 5200, 1600),
]


def write(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "分市"
    ws.append(["陕西省各市司法行政工作统计表（2021年）SYNTHETIC 虚构数据"])
    ws.merge_cells("A1:F1")
    ws.append(["地区", "法律援助案件（件）", None, "法律咨询(万人次)", "人民调解", None])
    ws.append([None, None, "其中刑事", None, "调解案件(件)", "调解组织(个)"])
    for cells in ("A2:A3", "B2:C2", "D2:D3", "E2:F2"):
        ws.merge_cells(cells)
    for row in CITIES:
        ws.append(list(row))
    total = [sum(r[i] for r in CITIES if not isinstance(r[i], str)) for i in range(1, 6)]
    ws.append(["合计", total[0], total[1], round(total[2], 2), total[3], total[4]])
    ws.append(["注：本表数字均为虚构（SYNTHETIC），只用于演示 compare import。"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
    wb.save(path)
    return path


if __name__ == "__main__":
    print(write(Path(__file__).with_name("synthetic-shaanxi-2021.xlsx")))
