"""An optional kabupaten/kota boundary file (GeoJSON) for a kab/kota choropleth.

The project ships province outlines only (kpi.places.province_geojson). A user can upload kab/kota
polygons from any source (BIG, BPS, GADM, HDX ...); each feature is matched to a Kemendagri
kab/kota code:

1. by a code property (kode, KDPKAB, ADM2_PCODE, ...): "52.01", "5201" or "ID5201" all give 5201;
2. else by a name property (WADMKK, NAMOBJ, NAME_2, ADM2_EN, nama, ...) through
   kpi.places.match_kabupaten_kota, within the province when the feature names or codes one.

Unmatched features are reported with the reason and close names, and are not stored. Features
matching the same kab/kota are merged into one MultiPolygon.

Storage: the matched collection is kept in the store's settings table under ``batas_kabkota``
(one JSON value: a FeatureCollection whose features carry properties {"kode", "nama"} and the
feature id = kode), with coordinates rounded to 5 decimals (about 1 m). It is written through
Store.write(), so saving or removing it bumps the data version and every page's cache refreshes.
``kabkota_geojson(store)`` returns it for the map builders (None when nothing was uploaded).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kpi import audit, places
from kpi.store import Store

if TYPE_CHECKING:
    from kpi.access import Principal

SETTINGS_KEY = "batas_kabkota"
MAX_BYTES = 60 * 1024 * 1024
# a FeatureCollection's MultiPolygon nests 8 deep; anything far deeper is not a boundary file
MAX_DEPTH = 32
DECIMALS = 5

# property names, compared case-insensitively
CODE_KEYS: tuple[str, ...] = (
    "kode",
    "kode_kabupaten_kota",
    "kode_kab_kota",
    "kode_kabkota",
    "kode_kab",
    "kd_kab",
    "kdpkab",
    "kdcpum",
    "kab_kota_code",
    "adm2_pcode",
    "id_kabkota",
    "bps_kode",
)
NAME_KEYS: tuple[str, ...] = (
    "nama",
    "nama_kabupaten_kota",
    "kabupaten_kota",
    "kab_kota",
    "kabkota",
    "kabkot",
    "wadmkk",
    "namobj",
    "name_2",
    "adm2_en",
    "adm2_id",
    "kabupaten",
    "name",
)
PROVINCE_CODE_KEYS: tuple[str, ...] = ("kode_provinsi", "kode_prov", "kdppum", "adm1_pcode")
PROVINCE_NAME_KEYS: tuple[str, ...] = ("provinsi", "nama_provinsi", "wadmpr", "name_1", "adm1_en")
TYPE_KEYS: tuple[str, ...] = ("type_2", "engtype_2", "jenis", "tipe")
GEOMETRIES = ("Polygon", "MultiPolygon")


class BoundaryError(ValueError):
    """The file as a whole cannot be used. ``key``: message pengaturan.batas.err.<key>."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(f"{key} {values}" if values else key)


@dataclass(frozen=True)
class FeatureMatch:
    """One feature of the file: what it said, and the kab/kota it matched (or why not).

    via: "kode" or "nama" when matched. reason when not: tanpa_geometri, koordinat, tanpa_identitas,
    kode_tidak_dikenal, nama_tidak_dikenal, nama_ganda.
    """

    index: int
    label: str
    kode: str | None = None
    nama: str | None = None
    via: str | None = None
    reason: str | None = None
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.kode is not None


@dataclass(frozen=True)
class BoundaryReport:
    features: list[FeatureMatch]
    collection: dict[str, Any] = field(repr=False)  # the matched features, ready to store

    @property
    def matched(self) -> list[FeatureMatch]:
        return [f for f in self.features if f.ok]

    @property
    def unmatched(self) -> list[FeatureMatch]:
        return [f for f in self.features if not f.ok]

    @property
    def kabkota(self) -> int:
        """How many distinct kab/kota the matched features cover."""
        return len(self.collection["features"])


# -- reading -------------------------------------------------------------------------------------


def _depth(value: Any) -> int:
    """How deeply lists and objects nest (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level  # deep enough to refuse: no need to walk the rest
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return deepest


def read_geojson(data: bytes | str) -> dict[str, Any]:
    """The parsed FeatureCollection of an uploaded file; BoundaryError when unusable."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise BoundaryError("terlalu_besar", mb=MAX_BYTES // (1024 * 1024))
    try:
        parsed = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError("bukan_json") from exc
    except RecursionError as exc:  # "[[[[..." nested deeper than Python's parser goes
        raise BoundaryError("terlalu_dalam", batas=MAX_DEPTH) from exc
    if _depth(parsed) > MAX_DEPTH:
        raise BoundaryError("terlalu_dalam", batas=MAX_DEPTH)
    if not isinstance(parsed, dict) or parsed.get("type") != "FeatureCollection":
        raise BoundaryError("bukan_featurecollection")
    features = parsed.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError("tanpa_fitur")
    return parsed


# -- matching ------------------------------------------------------------------------------------


def _props(feature: Mapping[str, Any]) -> dict[str, Any]:
    props = feature.get("properties")
    if not isinstance(props, dict):
        return {}
    return {str(k).lower(): v for k, v in props.items()}


def _first(props: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = props.get(k)
        if v is not None and str(v).strip() not in ("", "nan", "None"):
            return v
    return None


def _digits(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\D", "", str(value))


def _kabkota() -> dict[str, str]:
    frame = places.kabupaten_kota()
    return dict(zip(frame["kode"].astype(str), frame["nama"].astype(str), strict=True))


def _valid_positions(geometry: Mapping[str, Any]) -> bool | None:
    """True: longitude/latitude in degrees; False: numbers out of range (a projected CRS);
    None: not a polygon at all."""
    if geometry.get("type") not in GEOMETRIES:
        return None
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry.get("type") == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        return None
    seen = False
    for polygon in polygons:
        if not isinstance(polygon, list):
            return None
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return None
            for pos in ring:
                if (
                    not isinstance(pos, list | tuple)
                    or len(pos) < 2
                    or not all(isinstance(x, int | float) for x in pos[:2])
                ):
                    return None
                lon, lat = float(pos[0]), float(pos[1])
                if not (math.isfinite(lon) and math.isfinite(lat)):
                    return None
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    return False
                seen = True
    return True if seen else None


def _province_scope(props: Mapping[str, Any]) -> str | None:
    code = _first(props, PROVINCE_CODE_KEYS)
    if code is not None:
        digits = _digits(code)
        if len(digits) >= 2 and digits[:2] in set(places.provinsi()["kode"].astype(str)):
            return digits[:2]
    name = _first(props, PROVINCE_NAME_KEYS)
    if name is not None:
        m = places.match_provinsi(name)
        if m.ok:
            return m.kode
    return None


def _typed_name(name: str, props: Mapping[str, Any]) -> str | None:
    kind = str(_first(props, TYPE_KEYS) or "").lower()
    if kind in ("kota", "city", "kotamadya"):
        return f"Kota {name}"
    if kind in ("kabupaten", "regency", "kab", "kab."):
        return f"Kabupaten {name}"
    return None


def match_feature(index: int, feature: Any, names: Mapping[str, str]) -> FeatureMatch:
    """Match one feature by its code property, else its name (see the module's docstring)."""
    if not isinstance(feature, dict):
        return FeatureMatch(index, f"#{index + 1}", reason="tanpa_geometri")
    props = _props(feature)
    code = _first(props, CODE_KEYS)
    name = _first(props, NAME_KEYS)
    label = " / ".join(str(v) for v in (code, name) if v is not None) or f"#{index + 1}"
    geometry = feature.get("geometry")
    valid = _valid_positions(geometry) if isinstance(geometry, dict) else None
    if valid is None:
        return FeatureMatch(index, label, reason="tanpa_geometri")
    if valid is False:
        return FeatureMatch(index, label, reason="koordinat")
    if code is not None:
        digits = _digits(code)
        if len(digits) == 4 and digits in names:
            return FeatureMatch(index, label, digits, names[digits], "kode")
    if name is None:
        reason = "kode_tidak_dikenal" if code is not None else "tanpa_identitas"
        return FeatureMatch(index, label, reason=reason)
    scope = _province_scope(props)
    m = places.match_kabupaten_kota(name, scope)
    if m.status == "ambiguous":
        typed = _typed_name(str(name), props)
        if typed is not None:
            m = places.match_kabupaten_kota(typed, scope)
    if m.ok and m.kode is not None:
        return FeatureMatch(index, label, m.kode, names.get(m.kode, m.nama), "nama")
    if m.status == "ambiguous":
        return FeatureMatch(
            index,
            label,
            reason="nama_ganda",
            suggestions=tuple(f"{k} {n}" for k, n in m.candidates[:5]),
        )
    return FeatureMatch(
        index,
        label,
        reason="nama_tidak_dikenal",
        suggestions=tuple(f"{k} {n}" for k, n in m.suggestions[:3]),
    )


def _round(coords: Any) -> Any:
    if isinstance(coords, list | tuple):
        if coords and all(isinstance(x, int | float) for x in coords):
            return [round(float(x), DECIMALS) for x in coords[:2]]
        return [_round(c) for c in coords]
    return coords


def _polygons(geometry: Mapping[str, Any]) -> list[Any]:
    coords = _round(geometry["coordinates"])
    return [coords] if geometry["type"] == "Polygon" else list(coords)


def match_features(collection: Mapping[str, Any]) -> BoundaryReport:
    """Match every feature; the report lists each one and holds the collection to store."""
    names = _kabkota()
    features = list(collection.get("features") or [])
    results = [match_feature(i, f, names) for i, f in enumerate(features)]
    parts: dict[str, list[Any]] = {}
    for r in results:
        if r.ok and r.kode is not None:
            parts.setdefault(r.kode, []).extend(_polygons(features[r.index]["geometry"]))
    out_features = []
    for kode in sorted(parts):
        polys = parts[kode]
        geometry = (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
        out_features.append(
            {
                "type": "Feature",
                "id": kode,
                "properties": {"kode": kode, "nama": names[kode]},
                "geometry": geometry,
            }
        )
    return BoundaryReport(results, {"type": "FeatureCollection", "features": out_features})


# -- storage -------------------------------------------------------------------------------------


def save(
    store: Store, report: BoundaryReport, source: str = "", actor: Principal | None = None
) -> int:
    """Store the matched features (replacing any earlier file); returns the kab/kota stored.
    ``actor`` (default the local operator) needs the right to save settings; the upload is an
    audit event (the file's name, counts and a checksum of the features before and after)."""
    if not report.collection["features"]:
        raise BoundaryError("tanpa_kecocokan")
    value = {
        **report.collection,
        "tpbis": {
            "sumber": source,
            "disimpan": datetime.now(UTC).isoformat(timespec="seconds"),
            "fitur": len(report.features),
            "tidak_cocok": len(report.unmatched),
        },
    }
    audit.save_setting(store, SETTINGS_KEY, value, actor, aksi="boundaries.save", describe=_summary)
    return report.kabkota


def delete(store: Store, actor: Principal | None = None) -> None:
    audit.delete_settings(store, [SETTINGS_KEY], actor, aksi="boundaries.delete", describe=_summary)


def _summary(value: Any) -> dict[str, Any] | None:
    """What the audit trail keeps of a stored boundary file: its notes, how many kab/kota, and
    the sha256 of its features (the file itself stays in the settings)."""
    import hashlib

    if not isinstance(value, dict):
        return None
    features = value.get("features") or []
    digest = hashlib.sha256(
        json.dumps(features, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ).hexdigest()
    return {**dict(value.get("tpbis") or {}), "kabkota": len(features), "sha256": digest}


def kabkota_geojson(store: Store) -> dict[str, Any] | None:
    """The stored kab/kota FeatureCollection (properties kode, nama; id = kode), or None."""
    value = store.get_setting(SETTINGS_KEY, None)
    if not isinstance(value, dict) or not value.get("features"):
        return None
    return {"type": "FeatureCollection", "features": value["features"]}


def stored_info(store: Store) -> dict[str, Any] | None:
    """What was stored: kabkota (count), sumber (file name), disimpan (UTC time), fitur,
    tidak_cocok; None when nothing is stored."""
    value = store.get_setting(SETTINGS_KEY, None)
    if not isinstance(value, dict) or not value.get("features"):
        return None
    info = dict(value.get("tpbis") or {})
    info["kabkota"] = len(value["features"])
    return info
