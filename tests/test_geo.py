"""Points of libraries and areas: the library's own point wins, else its area's."""

from __future__ import annotations

import pytest

from kpi.compute import Filters
from kpi.geo import area_points, library_points
from kpi.store import Store


@pytest.fixture
def store(tmp_store: Store) -> Store:
    with tmp_store.write() as cur:
        cur.execute(
            """
            INSERT INTO perpustakaan (kode_perpustakaan, nama_perpustakaan, jenis, kode_wilayah,
                kode_provinsi, kode_kabupaten_kota, latitude, longitude)
            VALUES ('A', 'Perpustakaan A', 'desa_kelurahan', '5201011001', '52', '5201',
                    NULL, NULL),
                   ('B', 'Perpustakaan B', 'kabupaten_kota', '5201', '52', '5201', -8.5, 116.1),
                   ('C', 'Perpustakaan C', 'provinsi', '31', '31', NULL, NULL, NULL)
            """
        )
    return tmp_store


def test_library_points_fall_back_to_the_area(store: Store) -> None:
    pts = library_points(store).set_index("kode")
    desa = store.query("SELECT latitude, longitude FROM wilayah WHERE kode = '5201011001'")
    assert pts.at["A", "latitude"] == pytest.approx(desa["latitude"].iat[0])
    assert bool(pts.at["A", "perkiraan"]) is True
    assert (pts.at["B", "latitude"], pts.at["B", "longitude"]) == (-8.5, 116.1)
    assert bool(pts.at["B", "perkiraan"]) is False
    assert pts.at["C", "latitude"] < 0  # Jakarta's point


def test_library_points_follow_the_filters(store: Store) -> None:
    assert list(library_points(store, Filters(provinsi="52"))["kode"]) == ["A", "B"]
    assert list(library_points(store, Filters(jenis="provinsi"))["kode"]) == ["C"]


def test_area_points(store: Store) -> None:
    pts = area_points(store, "kabupaten_kota", ["5201", "3171"])
    assert list(pts["kode"]) == ["3171", "5201"]
    assert pts["nama"].tolist()[1].endswith("Lombok Barat")
