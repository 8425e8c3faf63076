"""AppTest of the map page: it renders, its layers are there, filters and language apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest_helpers import app_test, assert_clean
from streamlit.testing.v1 import AppTest

PAGE = "pages/peta.py"


def _run(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    lang = params.pop("lang", None)
    at = app_test(db, monkeypatch, PAGE, params=params, lang=lang)
    at.run()
    assert_clean(at)
    return at


def _arr(value: object) -> list:
    """A data array of the figure's JSON (plotly writes numpy arrays as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)  # type: ignore[call-overload]


def _figure(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "the map is missing"
    return json.loads(charts[0].proto.spec)


def test_national_map_has_provinces_points_and_no_data_class(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(demo_db, monkeypatch)
    assert at.title[0].value == "Peta"
    fig = _figure(at)
    types = {t["type"] for t in fig["data"]}
    assert {"choroplethmap", "scattermap"} <= types
    assert fig["layout"]["map"]["style"] == "white-bg"
    # every one of the 34 outlines is drawn, coloured or grey
    drawn = [
        loc for t in fig["data"] if t["type"] == "choroplethmap" for loc in _arr(t["locations"])
    ]
    assert len(drawn) == 34 and len(set(drawn)) == 34
    names = {t.get("name") for t in fig["data"]}
    assert "Tidak ada data" in names  # the demo's province whose libraries stopped reporting
    kab_points = sum(
        len(_arr(t["lat"]))
        for t in fig["data"]
        if t["type"] == "scattermap" and t.get("legendgroup")
    )
    assert kab_points == 399
    assert any("Papua" in c.value for c in at.caption)


def test_a_province_filter_shows_its_libraries(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(demo_db, monkeypatch, provinsi="52")
    fig = _figure(at)
    lib_points = sum(len(_arr(t["lat"])) for t in fig["data"] if t.get("legendgroup") == "lib")
    from kpi.store import open_store

    store = open_store(demo_db)  # the app's own store object for this file
    expected = store.scalar("SELECT count(*) FROM perpustakaan WHERE kode_provinsi = '52'")
    assert lib_points == expected
    outline = [t for t in fig["data"] if t["type"] == "choroplethmap"]
    assert _arr(outline[0]["locations"]) == ["52"]


def test_colouring_by_priority_share_and_english(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(demo_db, monkeypatch, lang="en")
    assert at.title[0].value == "Map"
    at.selectbox(key="peta_metric").set_value("prioritas").run()
    fig = _figure(at)
    coloured = [t for t in fig["data"] if t["type"] == "choroplethmap" and "colorbar" in t]
    assert coloured and "needing coaching" in coloured[0]["colorbar"]["title"]["text"]
    values = [z for z in _arr(coloured[0]["z"]) if z == z]
    assert all(0 <= z <= 100 for z in values)


def _square_boundaries(kode_provinsi: str) -> dict:
    """A boundary file as a mapping agency's export might look: one square per kab/kota of a
    province around its point, keyed by a dotted code."""
    from kpi import places

    kab = places.kabupaten_kota()
    features = []
    for row in kab[kab["kode_provinsi"] == kode_provinsi].itertuples():
        x, y, d = float(row.longitude), float(row.latitude), 0.1
        ring = [[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]
        features.append(
            {
                "type": "Feature",
                "properties": {"KODE": f"{row.kode[:2]}.{row.kode[2:]}", "NAMA": row.nama},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def test_uploaded_kabkota_outlines_draw_as_a_choropleth(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi import boundaries
    from kpi.store import open_store

    store = open_store(demo_db)
    report = boundaries.match_features(_square_boundaries("52"))
    assert boundaries.save(store, report) == 10
    at = _run(demo_db, monkeypatch, provinsi="52")
    at.toggle(key="peta_kab").set_value(True).run()
    assert not at.exception
    fig = _figure(at)
    drawn = [
        loc for t in fig["data"] if t["type"] == "choroplethmap" for loc in _arr(t["locations"])
    ]
    partner = store.query(
        "SELECT DISTINCT kode_kabupaten_kota AS k FROM perpustakaan "
        "WHERE kode_provinsi = '52' AND kode_kabupaten_kota IS NOT NULL"
    )["k"].tolist()
    # every kab/kota of the file is drawn: coloured where the program has data, grey elsewhere
    assert sorted(drawn) == sorted(f["properties"]["kode"] for f in report.collection["features"])
    assert set(partner) <= set(drawn)
    assert fig["layout"]["map"]["zoom"] > 6


def test_the_map_colouring_is_in_the_url(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(demo_db, monkeypatch)
    at.selectbox(key="peta_metric").set_value("prioritas").run()
    at.radio(key="peta_colour_by").set_value("tier").run()
    assert at.query_params["peta_metric"] == "prioritas"
    assert at.query_params["peta_colour_by"] == "tier"
    # a fresh session opening the link colours the map the same way
    shared = _run(demo_db, monkeypatch, peta_metric="prioritas", peta_colour_by="tier")
    assert shared.selectbox(key="peta_metric").value == "prioritas"
    assert shared.radio(key="peta_colour_by").value == "tier"
    odd = _run(demo_db, monkeypatch, peta_metric="<b>x</b>", peta_colour_by="warna")
    assert odd.radio(key="peta_colour_by").value == "band"
