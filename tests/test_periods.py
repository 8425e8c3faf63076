"""Periods: each kind parses to its first and last month, and a year earlier."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.periods import PeriodError, add_months, months_between, parse_period, window


@pytest.mark.parametrize(
    ("text", "kind", "first", "last", "months"),
    [
        ("2024-08", "bulan", date(2024, 8, 1), date(2024, 8, 1), 1),
        ("2024-Q3", "triwulan", date(2024, 7, 1), date(2024, 9, 1), 3),
        ("2024-q1", "triwulan", date(2024, 1, 1), date(2024, 3, 1), 3),
        ("2024-S2", "semester", date(2024, 7, 1), date(2024, 12, 1), 6),
        ("2024-S1", "semester", date(2024, 1, 1), date(2024, 6, 1), 6),
        ("2024", "tahun", date(2024, 1, 1), date(2024, 12, 1), 12),
        ("2024-01..2024-12", "rentang", date(2024, 1, 1), date(2024, 12, 1), 12),
        ("2023-11..2024-02", "rentang", date(2023, 11, 1), date(2024, 2, 1), 4),
        ("2023-Q4..2024-S1", "rentang", date(2023, 10, 1), date(2024, 6, 1), 9),
    ],
)
def test_parse(text: str, kind: str, first: date, last: date, months: int) -> None:
    p = parse_period(text)
    assert (p.kind, p.first, p.last, p.months) == (kind, first, last, months)


@pytest.mark.parametrize(
    ("text", "label", "previous"),
    [
        ("2024-08", "2024-08", "2023-08"),
        ("2024-Q3", "2024-Q3", "2023-Q3"),
        ("2024-S2", "2024-S2", "2023-S2"),
        ("2024", "2024", "2023"),
        ("2024-01..2024-12", "2024-01..2024-12", "2023-01..2023-12"),
    ],
)
def test_previous_year(text: str, label: str, previous: str) -> None:
    p = parse_period(text)
    assert p.label == label
    assert p.previous_year().label == previous


@pytest.mark.parametrize(
    "text", ["2024-13", "2024-Q5", "2024-S3", "24", "Agustus", "2024-12..2024-01"]
)
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_helpers() -> None:
    assert add_months(date(2024, 11, 1), 3) == date(2025, 2, 1)
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert months_between(date(2023, 11, 1), date(2024, 2, 1)) == 4
    w = window(date(2025, 12, 1), 12)
    assert (w.first, w.last, w.months) == (date(2025, 1, 1), date(2025, 12, 1), 12)
    assert parse_period("2024-08").year_to_date().months == 8
    assert parse_period(date(2024, 8, 17)).label == "2024-08"
