"""AppTest of the overview: headline KPIs, bands, ranking; filters change the numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.store import DEFAULT_DB_ENV

APP = Path(__file__).resolve().parents[1] / "app.py"


def _run(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv(DEFAULT_DB_ENV, str(db))
    at = AppTest.from_file(str(APP), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_shows_headlines_bands_and_ranking(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(demo_db, monkeypatch)
    m = _metrics(at)
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
    national = _metrics(_run(demo_db, monkeypatch))
    ntb = _run(demo_db, monkeypatch, provinsi="52")
    m = _metrics(ntb)
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
    assert "Visits" in _metrics(at)
