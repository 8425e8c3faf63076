"""Kab/kota boundary upload: reading, matching by code and by name, the report, storage."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kpi import boundaries
from kpi.boundaries import BoundaryError
from kpi.store import Store


def square(x: float, y: float, size: float = 0.1) -> list[list[list[float]]]:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(props: dict[str, Any], geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": geometry or {"type": "Polygon", "coordinates": square(116.1, -8.6)},
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


FILE = collection(
    feature({"KDPKAB": "52.01", "WADMKK": "Lombok Barat"}),  # code, dotted (BIG)
    feature({"ADM2_PCODE": "ID5202", "ADM2_EN": "Lombok Tengah"}),  # code, HDX style
    feature({"NAME_1": "Nusa Tenggara Barat", "NAME_2": "Lombok Timur"}),  # name within province
    feature({"nama": "Bogor"}),  # kabupaten or kota: ambiguous
    feature({"NAME_2": "Bogor", "TYPE_2": "Kota"}),  # the type settles it
    feature({"nama": "Lombk Utara", "provinsi": "NTB"}),  # misspelt: suggestions
    feature({"kode": "9999", "nama": "Kabupaten Atlantis"}),  # unknown code and name
    feature({"kode": "5201"}, {"type": "Point", "coordinates": [116.1, -8.6]}),  # not a polygon
    feature(  # metres of a projected CRS, not degrees
        {"kode": "5203"},
        {
            "type": "Polygon",
            "coordinates": [
                [[400000, 9000000], [400100, 9000000], [400100, 9000100], [400000, 9000000]]
            ],
        },  # noqa: E501
    ),
    feature({"fid": 7}),  # nothing to match on
    feature(  # a second part of Lombok Barat (Gili islands): merged into a MultiPolygon
        {"kode": 5201},
        {"type": "MultiPolygon", "coordinates": [square(116.03, -8.35, 0.123456789)]},
    ),
)


def test_every_feature_matched_or_explained() -> None:
    report = boundaries.match_features(FILE)
    got = [(f.index, f.kode, f.via, f.reason) for f in report.features]
    assert got == [
        (0, "5201", "kode", None),
        (1, "5202", "kode", None),
        (2, "5203", "nama", None),
        (3, None, None, "nama_ganda"),
        (4, "3271", "nama", None),
        (5, None, None, "nama_tidak_dikenal"),
        (6, None, None, "nama_tidak_dikenal"),
        (7, None, None, "tanpa_geometri"),
        (8, None, None, "koordinat"),
        (9, None, None, "tanpa_identitas"),
        (10, "5201", "kode", None),
    ]
    assert len(report.matched) == 5 and len(report.unmatched) == 6
    assert report.features[0].nama == "Kabupaten Lombok Barat"
    assert report.features[3].suggestions == ("3201 Kabupaten Bogor", "3271 Kota Bogor")
    assert "5208 Kabupaten Lombok Utara" in report.features[5].suggestions
    assert report.features[0].label == "52.01 / Lombok Barat"
    # four distinct kab/kota: 5201 twice (merged), 5202, 5203, 3271
    assert report.kabkota == 4
    feats = {f["id"]: f for f in report.collection["features"]}
    assert sorted(feats) == ["3271", "5201", "5202", "5203"]
    lobar = feats["5201"]
    assert lobar["properties"] == {"kode": "5201", "nama": "Kabupaten Lombok Barat"}
    assert lobar["geometry"]["type"] == "MultiPolygon"
    assert len(lobar["geometry"]["coordinates"]) == 2
    # coordinates rounded to 5 decimals
    assert lobar["geometry"]["coordinates"][1][0][1] == [116.15346, -8.35]
    assert feats["5202"]["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"not json", "bukan_json"),
        (b"\xff\xfe", "bukan_json"),
        (json.dumps({"type": "Feature"}).encode(), "bukan_featurecollection"),
        (json.dumps([1, 2]).encode(), "bukan_featurecollection"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "tanpa_fitur"),
    ],
)
def test_unusable_files_are_refused(data: bytes, key: str) -> None:
    with pytest.raises(BoundaryError) as err:
        boundaries.read_geojson(data)
    assert err.value.key == key


def test_a_file_with_a_bom_is_read() -> None:
    data = "\ufeff" + json.dumps(FILE)
    assert len(boundaries.read_geojson(data.encode("utf-8"))["features"]) == len(FILE["features"])


def test_store_and_read_back(tmp_store: Store) -> None:
    assert boundaries.kabkota_geojson(tmp_store) is None
    assert boundaries.stored_info(tmp_store) is None
    report = boundaries.match_features(boundaries.read_geojson(json.dumps(FILE)))
    version = tmp_store.data_version()
    assert boundaries.save(tmp_store, report, "kabkota.geojson") == 4
    assert tmp_store.data_version() > version  # pages' caches refresh
    geo = boundaries.kabkota_geojson(tmp_store)
    assert geo is not None and geo["type"] == "FeatureCollection"
    assert [f["properties"]["kode"] for f in geo["features"]] == ["3271", "5201", "5202", "5203"]
    info = boundaries.stored_info(tmp_store)
    assert info is not None
    assert (info["kabkota"], info["sumber"], info["fitur"], info["tidak_cocok"]) == (
        4,
        "kabkota.geojson",
        11,
        6,
    )
    boundaries.delete(tmp_store)
    assert boundaries.kabkota_geojson(tmp_store) is None


def test_nothing_matched_is_not_stored(tmp_store: Store) -> None:
    report = boundaries.match_features(collection(feature({"nama": "Atlantis"})))
    assert report.kabkota == 0
    with pytest.raises(BoundaryError) as err:
        boundaries.save(tmp_store, report)
    assert err.value.key == "tanpa_kecocokan"
    assert boundaries.kabkota_geojson(tmp_store) is None
