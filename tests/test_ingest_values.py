"""Value parsing: numbers and periods in the forms analysts type them (with property tests)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.i18n import MONTHS
from kpi.ingest.values import (
    INVALID,
    parse_area_code,
    parse_bool,
    parse_code,
    parse_date,
    parse_half_year,
    parse_month,
    parse_number,
    parse_period,
)


def id_format(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234", 1234.0),
        ("1,234", 1234.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("Rp 2.500.000", 2_500_000.0),
        ("Rp. 2.500.000,-", 2_500_000.0),
        ("Rp2.500.000", 2_500_000.0),
        ("2.500.000 rupiah", 2_500_000.0),
        ("IDR 2,500,000", 2_500_000.0),
        ("Rp -", 0.0),
        ("45 orang", 45.0),
        (" 12 ", 12.0),
        ("1 234", 1234.0),
        ("-", 0.0),
        ("–", 0.0),
        ("2,5", 2.5),
        ("0,75", 0.75),
        ("-3", -3.0),
        (7.0, 7.0),
        (7, 7.0),
    ],
)
def test_numbers(text: object, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", None, "n/a", "N/A", "tidak ada data", float("nan")])
def test_not_reported_is_none(text: object) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["abc", "12.34.5", "1,23,4", "1.2.3,4,5", True])
def test_not_numbers(text: object) -> None:
    assert parse_number(text) is INVALID


@given(st.integers(min_value=0, max_value=10**12))
def test_whole_numbers_in_both_conventions(n: int) -> None:
    assert parse_number(id_format(n)) == n
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n
    assert parse_number(f"Rp {id_format(n)}") == n
    assert parse_number(float(n)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_decimals_in_both_conventions(whole: int, cents: int) -> None:
    value = whole + cents / 100
    assert parse_number(f"{id_format(whole)},{cents:02d}") == pytest.approx(value)
    assert parse_number(f"{whole:,}.{cents:02d}") == pytest.approx(value)


@given(st.integers(min_value=1, max_value=10**9))
def test_negative_numbers(n: int) -> None:
    assert parse_number(f"-{id_format(n)}") == -n


@given(st.integers(min_value=2018, max_value=2030), st.integers(min_value=1, max_value=12))
def test_periods_in_every_form(year: int, month: int) -> None:
    first = date(year, month, 1)
    id_name, en_name = MONTHS["id"][month - 1], MONTHS["en"][month - 1]
    forms = [
        f"{year}-{month:02d}",
        f"{year}-{month}",
        f"{month:02d}/{year}",
        f"{month}/{year}",
        f"{id_name} {year}",
        f"{id_name.upper()} {year}",
        f"{id_name[:3]} {year}",
        f"{en_name} {year}",
        f"{en_name[:3]}-{year % 100:02d}",
        f"{year}{month:02d}",
        f"15/{month:02d}/{year}",
        f"{year}-{month:02d}-15",
        datetime(year, month, 20, 10, 30),
        date(year, month, 3),
        (date(year, month, 1) - date(1899, 12, 30)).days * 1.0,  # an Excel serial
    ]
    for form in forms:
        assert parse_period(form) == first, form


@pytest.mark.parametrize("text", ["13/2023", "2023-13", "Agustusan 2023", "kemarin", 3.5])
def test_not_periods(text: object) -> None:
    assert parse_period(text) is INVALID


def test_dates_are_day_first() -> None:
    assert parse_date("05/09/2023") == date(2023, 9, 5)
    assert parse_date("5-9-23") == date(2023, 9, 5)
    assert parse_date("15 Agustus 2023") == date(2023, 8, 15)
    assert parse_date("2023-09-05") == date(2023, 9, 5)
    assert parse_date("31/02/2023") is INVALID


def test_months_years_half_years() -> None:
    assert parse_month("Agustus") == 8
    assert parse_month("Aug") == 8
    assert parse_month(8.0) == 8
    assert parse_month("13") is INVALID
    assert parse_half_year("2023-S2") == (2023, 2)
    assert parse_half_year("Semester 1 2023") == (2023, 1)
    assert parse_half_year(2023.0) == (2023, None)


def test_codes_keep_their_digits() -> None:
    assert parse_code(5201012001.0) == "5201012001"
    assert parse_code("5201012001.0") == "5201012001"
    assert parse_code(" P-001 ") == "P-001"
    assert parse_code("007") == "007"
    assert parse_code("'007") == "007"
    assert parse_code(5.201012001e9) == "5201012001"
    assert parse_area_code("52.01") == "5201"
    assert parse_area_code(5201.0) == "5201"
    assert parse_area_code("52.01.01.2001") == "5201012001"
    assert parse_area_code("52x") is INVALID


def test_booleans() -> None:
    assert parse_bool("Ya") is True
    assert parse_bool("tidak") is False
    assert parse_bool(1.0) is True
    assert parse_bool("") is None
    assert parse_bool("mungkin") is INVALID


def test_area_codes_after_a_word_naming_their_level() -> None:
    assert parse_area_code("KAB-3201") == "3201"
    assert parse_area_code("PROV-32") == "32"
    assert parse_area_code("Kota 3271") == "3271"
    assert parse_area_code("DESA-32.01.01.1001") == "3201011001"
    assert parse_area_code("KAB-32") is INVALID  # a regency's code has four digits


def test_half_years_as_people_write_them() -> None:
    assert parse_half_year("Semester II 2024") == (2024, 2)
    assert parse_half_year("Semester Genap 2024") == (2024, 2)
    assert parse_half_year("Smt. I 2024") == (2024, 1)
    assert parse_half_year("2024/H1") == (2024, 1)
    assert parse_half_year("Tahun 2024") == (2024, None)
    assert parse_half_year("Juli-Desember 2024") is INVALID
