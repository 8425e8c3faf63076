"""AppTest of the overview: headline KPIs, bands, ranking; filters change the numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import app_test, assert_clean, metric_values
from streamlit.testing.v1 import AppTest


def _run(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    at = app_test(db, monkeypatch, params=params)
    at.run()
    assert_clean(at)
    return at


def test_overview_shows_headlines_bands_and_ranking(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(demo_db, monkeypatch)
    m = metric_values(at)
    for label in ("Kunjungan", "Kegiatan pelibatan masyarakat", "Kelengkapan laporan"):
        assert label in m and m[label] not in ("", "–")
    deltas = {x.label: x.delta for x in at.metric}
    assert deltas["Kunjungan"].endswith("%")
    assert deltas["Kelengkapan laporan"].endswith("poin")
    headers = [h.value for h in at.subheader]
    assert "Provinsi terbaik dan terlemah (Skor KPI TPBIS)" in headers
    assert len(at.dataframe) == 2 and len(at.dataframe[0].value) == 5
    # the band chart: one bar per band plus the libraries without a score
    assert len(at.get("plotly_chart")) >= 6


def test_a_province_filter_changes_the_numbers(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    national = metric_values(_run(demo_db, monkeypatch))
    ntb = _run(demo_db, monkeypatch, provinsi="52")
    m = metric_values(ntb)
    assert m["Provinsi"] == "1"
    assert int(m["Kabupaten/kota"]) < 399
    assert m["Kunjungan"] != national["Kunjungan"]
    # the province ranking is a national view only
    assert not ntb.dataframe


def test_a_period_filter_changes_the_headline_period(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(demo_db, monkeypatch, periode="2024-08", lang="en")
    assert at.title[0].value == "Program overview"
    headers = [h.value for h in at.subheader]
    assert "Headline KPIs: August 2024" in headers
    assert "Visits" in metric_values(at)
