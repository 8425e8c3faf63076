"""Numbers, dates and strings in Indonesian and English."""

from __future__ import annotations

from datetime import date

from kpi import i18n


def test_numbers_follow_the_language() -> None:
    assert i18n.format_number(3505, "id") == "3.505"
    assert i18n.format_number(3505, "en") == "3,505"
    assert i18n.format_number(1234.5, "id", 1) == "1.234,5"
    assert i18n.format_number(1234.5, "en", 1) == "1,234.5"
    assert i18n.format_number(None) == "–"
    assert i18n.format_number(float("nan")) == "–"
    assert i18n.format_percent(12.345, "id") == "12,3%"
    assert i18n.format_change(4.2, "id") == "+4,2%"
    assert i18n.format_change(-12, "en") == "-12.0%"


def test_months() -> None:
    assert i18n.format_month(date(2023, 8, 1), "id") == "Agustus 2023"
    assert i18n.format_month("2023-08", "en") == "August 2023"


def test_both_languages_have_the_same_keys() -> None:
    assert set(i18n.strings("id")) == set(i18n.strings("en"))


def test_missing_english_falls_back_and_placeholders_fill() -> None:
    assert i18n.t("overview.title", "en") == "Program overview"
    assert i18n.t("overview.title") == "Ringkasan program"
    assert i18n.t("tidak.ada") == "tidak.ada"
    text = i18n.t("overview.libraries_help", "id", prov=34, kab=399, desa=3505)
    assert "3.505" in text
