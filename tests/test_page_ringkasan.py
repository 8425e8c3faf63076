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


def test_ringkasan_leads_with_coaching(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tier counts first, then the top areas and libraries, each a link to its profile, and
    links to Prioritas and the map with the same filters; the demo banner comes after."""
    at = _run(demo_db, monkeypatch, periode="2025-01..2025-12", jenis="desa_kelurahan")
    headers = [h.value for h in at.subheader]
    assert headers[0] == "Di mana pembinaan diperlukan sekarang"
    m = metric_values(at)
    tiers = ("Prioritas 1", "Prioritas 2", "Pembinaan pelaporan", "Pantau", "Tanpa tanda")
    assert all(label in m for label in tiers)
    # the first metrics on the page are the tiers, in the field teams' order
    assert [x.label for x in at.metric][:5] == list(tiers)
    links = at.get("page_link")
    pages = [x.proto.page for x in links]
    assert any(p.endswith("prioritas") for p in pages)
    assert any(p.endswith("peta") for p in pages)
    # the same filters travel with every link
    assert all("jenis=desa_kelurahan" in x.proto.query_string for x in links[:2])
    profiles = [x for x in links if x.proto.page.endswith("profil")]
    assert len(profiles) >= 4  # top areas and libraries
    warnings = [w.value for w in at.warning]
    assert any("demo" in w.lower() for w in warnings)
