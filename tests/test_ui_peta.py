"""Map helpers: zoom to fit points, and reading a map selection."""

from __future__ import annotations

from types import SimpleNamespace

from kpi.ui import maps, peta


def test_fit_zoom_frames_the_points() -> None:
    center, zoom = maps.fit_zoom([-8.0, -9.0], [116.0, 119.0])
    assert center == {"lat": -8.5, "lon": 117.5}
    # 3 degrees * 1.3 across 760 px: log2(760 * 360 / (512 * 3.9)) = log2(137.0) = 7.10
    assert round(zoom, 2) == 7.10
    assert maps.fit_zoom([], []) == (maps.CENTER, maps.ZOOM)


def test_selected_place_reads_outlines_and_points() -> None:
    province = SimpleNamespace(selection=SimpleNamespace(points=[{"location": "52"}]))
    assert peta.selected_place(province) == ("52", "provinsi")
    point = SimpleNamespace(
        selection=SimpleNamespace(points=[{"customdata": ["<b>X</b>", "skor", "DES-1"]}])
    )
    assert peta.selected_place(point) == ("DES-1", "titik")
    assert peta.selected_place(SimpleNamespace(selection=SimpleNamespace(points=[]))) is None
    assert peta.selected_place(None) is None
