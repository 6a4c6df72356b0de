"""compare.data.periods: labels, span lengths in years, annualisation."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.data.periods import parse_period, period_label, years_between
from compare.errors import PeriodError


@pytest.mark.parametrize(
    "label, start, end",
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2022Q1", date(2022, 1, 1), date(2022, 3, 31)),
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2021H1", date(2021, 1, 1), date(2021, 6, 30)),
        ("2024-10", date(2024, 10, 1), date(2024, 10, 31)),
        ("2021-01..08", date(2021, 1, 1), date(2021, 8, 31)),
        ("2016-01..2018-05", date(2016, 1, 1), date(2018, 5, 31)),
        ("2020-ytd", date(2020, 1, 1), None),
        ("", None, None),
    ],
)
def test_parse_period(label, start, end):
    period = parse_period(label)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("label", ["2022Q5", "2021H3", "Q1 2022", "2022-13", "2021-08..01"])
def test_bad_period_labels_are_one_clear_error(label):
    with pytest.raises(PeriodError, match="period|Period"):
        parse_period(label)


@pytest.mark.parametrize("label", ["2023", "2022Q1", "2021H1", "2021H2"])
def test_labels_round_trip(label):
    p = parse_period(label)
    assert period_label(p.start, p.end) == label


def spans(pairs):
    start = pd.Series(pd.to_datetime([a for a, _ in pairs]))
    end = pd.Series(pd.to_datetime([b for _, b in pairs]))
    return years_between(start, end)


def test_years_between_counts_each_day_against_its_own_year():
    y = spans(
        [
            ("2021-01-01", "2021-12-31"),
            ("2024-01-01", "2024-12-31"),
            ("2021-01-01", "2021-06-30"),
            ("2016-01-01", "2018-05-23"),
        ]
    )
    assert y.tolist() == pytest.approx([1.0, 1.0, 181 / 365, 2 + 143 / 365])


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1990, 2060), cuts=st.lists(st.integers(1, 364), max_size=8, unique=True))
def test_any_split_of_a_year_adds_up_to_one_year(year, cuts):
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31")
    edges = sorted(c for c in cuts if c < len(days))
    starts = [days[0]] + [days[c] for c in edges]
    ends = [days[c - 1] for c in edges] + [days[-1]]
    total = years_between(pd.Series(starts), pd.Series(ends)).sum()
    assert total == pytest.approx(1.0, abs=1e-12)
