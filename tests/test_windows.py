"""compare.stats.windows: only units reporting the same period are compared."""

import pandas as pd
import pytest

from compare.errors import PeriodError
from compare.stats.windows import Window, choose_window, comparison_set, parse_window


def unit_rows(spec):
    """Constructed rate rows (not data): one per (code, start, end), with an annual rate."""
    rows = [
        {
            "district_code": code,
            "district_zh": f"区{code}",
            "district_en": f"D{code}",
            "period_start": pd.Timestamp(s),
            "period_end": pd.Timestamp(e),
            "period": f"{s}..{e}",
            "annual_rate_per_10k": 1.0,
            "rate_per_10k": 1.0,
            "kind": "flow",
        }
        for code, s, e in spec
    ]
    return pd.DataFrame(rows)


def test_the_default_window_is_the_latest_year_enough_units_report():
    spec = [(f"{i:06d}", "2021-01-01", "2021-12-31") for i in range(3)]
    spec += [(f"{i:06d}", "2022-01-01", "2022-12-31") for i in range(2)]
    spec += [("000009", "2025-01-01", "2025-12-31")]
    assert choose_window(unit_rows(spec), min_units=3).label == "2021"
    assert choose_window(unit_rows(spec), min_units=10).label == "2021"  # none has 10: the year most units report


def test_units_of_other_years_are_listed_not_compared():
    rows = unit_rows(
        [
            ("000001", "2017-01-01", "2017-12-31"),
            ("000002", "2017-01-01", "2017-12-31"),
            ("000003", "2025-01-01", "2025-12-31"),
        ]
    )
    cs = comparison_set(rows, min_units=2)
    assert cs.label == "2017" and set(cs.units["district_code"]) == {"000001", "000002"}
    assert cs.not_comparable[["district_code", "reports"]].values.tolist() == [["000003", "2025-01-01..2025-12-31"]]


def test_only_the_very_same_period_is_compared_never_a_part_year_beside_a_year():
    rows = unit_rows(
        [
            ("000001", "2021-01-01", "2021-03-31"),
            ("000001", "2021-01-01", "2021-12-31"),
            ("000002", "2021-01-01", "2021-06-30"),
            ("000003", "2020-01-01", "2022-12-31"),
            ("000004", "2021-01-01", "2021-12-28"),
        ]
    )
    cs = comparison_set(rows, "2021")
    assert cs.units[["district_code", "period_end"]].values.tolist() == [["000001", pd.Timestamp("2021-12-31")]]
    assert sorted(cs.not_comparable["district_code"]) == ["000002", "000003", "000004"]
    assert list(comparison_set(rows, "2021H1").units["district_code"]) == ["000002"]


def test_the_default_window_is_an_exact_period_not_a_calendar_year_of_parts():
    rows = unit_rows([("000001", "2021-01-01", "2021-06-30"), ("000002", "2021-01-01", "2021-03-31")])
    rows = pd.concat([rows, unit_rows([("000003", "2021-01-01", "2021-06-30")])], ignore_index=True)
    cs = comparison_set(rows, min_units=2)
    assert cs.label == "2021H1" and set(cs.units["district_code"]) == {"000001", "000003"}


def test_figures_counted_another_way_are_never_compared():
    rows = unit_rows([(f"00000{i}", "2021-01-01", "2021-12-31") for i in range(1, 4)])
    rows = rows.assign(basis=["received", "received", "concluded"], scope="")
    cs = comparison_set(rows, "2021")
    assert set(cs.units["district_code"]) == {"000001", "000002"}
    assert list(cs.not_comparable["district_code"]) == ["000003"]


def test_open_and_undated_flows_never_enter_a_window():
    rows = unit_rows([("000001", "2021-01-01", "2021-12-31"), ("000002", "2021-01-01", "2021-12-31")])
    rows.loc[1, "period_end"] = pd.NaT
    rows.loc[1, "annual_rate_per_10k"] = float("nan")
    cs = comparison_set(rows, "2021")
    assert list(cs.units["district_code"]) == ["000001"] and list(cs.not_comparable["district_code"]) == ["000002"]


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2021", "2021-01-01", "2021-12-31"),
        ("2020-2022", "2020-01-01", "2022-12-31"),
        ("2021H1", "2021-01-01", "2021-06-30"),
    ],
)
def test_window_labels(label, start, end):
    window = parse_window(label)
    assert window == Window(pd.Timestamp(start), pd.Timestamp(end)) and window.label == label


@pytest.mark.parametrize("label", ["2022-2020", "2020-ytd", "last year"])
def test_bad_window_labels_are_one_sentence(label):
    with pytest.raises(PeriodError):
        parse_window(label)
