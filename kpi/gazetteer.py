"""The gazetteer's tables (Indonesia's regions, Kemendagri 2025, from the committed files under
data/wilayah/), its codes (kept without dots; ``normalise_kode`` accepts what people and
spreadsheets write) and the folding of names. kpi.places matches names against it.
"""

from __future__ import annotations

import json
import math
import numbers
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data" / "wilayah"

Tingkat = Literal["provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan"]
Status = Literal["exact", "ambiguous", "unknown"]

TINGKAT: tuple[Tingkat, ...] = ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")
_WIDTH_TINGKAT: dict[int, Tingkat] = {
    2: "provinsi",
    4: "kabupaten_kota",
    6: "kecamatan",
    10: "desa_kelurahan",
}

#: The provinces created in 2022 -> the province they were split from. The 34 pre-2022 outlines
#: have no shape for them: they draw inside their parent's outline (see ``geojson_kode``).
PAPUA_2022: dict[str, str] = {"93": "91", "94": "91", "95": "91", "96": "92"}

_MAX_SUGGESTIONS = 3

# -- the tables ----------------------------------------------------------------------------------


def _read_csv(name: str, text_cols: list[str], num_cols: list[str]) -> pd.DataFrame:
    # keep_default_na=False: a place may well be called "Nan" or "Null"; only numbers may be empty
    return pd.read_csv(
        DATA_DIR / name,
        dtype={c: str for c in text_cols},
        keep_default_na=False,
        na_values={c: [""] for c in num_cols},
    )


@lru_cache(maxsize=1)
def _provinsi() -> pd.DataFrame:
    df = _read_csv(
        "provinsi.csv",
        ["kode", "nama", "kode_induk_2021"],
        ["latitude", "longitude", "penduduk", "luas_km2"],
    )
    return df.astype({"penduduk": "int64", "luas_km2": "float64"})


@lru_cache(maxsize=1)
def _kabupaten_kota() -> pd.DataFrame:
    df = _read_csv(
        "kabupaten_kota.csv",
        ["kode", "kode_provinsi", "nama", "jenis"],
        ["latitude", "longitude", "penduduk", "luas_km2"],
    )
    return df.astype({"penduduk": "int64", "luas_km2": "float64"})


@lru_cache(maxsize=1)
def _kecamatan() -> pd.DataFrame:
    return _read_csv(
        "kecamatan.csv.gz", ["kode", "kode_kabupaten_kota", "nama"], ["latitude", "longitude"]
    )


@lru_cache(maxsize=1)
def _desa_kelurahan() -> pd.DataFrame:
    df = _read_csv(
        "desa_kelurahan.csv.gz",
        ["kode", "kode_kecamatan", "nama", "jenis", "koordinat_perkiraan"],
        ["latitude", "longitude"],
    )
    df["koordinat_perkiraan"] = df["koordinat_perkiraan"].eq("true")
    return df


def provinsi() -> pd.DataFrame:
    """The 38 provinces: kode, nama, latitude, longitude (the capital), penduduk, luas_km2,
    kode_induk_2021 (the pre-2022 province: itself, or the parent for the four 2022 ones)."""
    return _provinsi().copy(deep=False)


def kabupaten_kota() -> pd.DataFrame:
    """The 514 kabupaten/kota: kode, kode_provinsi, nama ("Kabupaten X" / "Kota X"), jenis
    ("kabupaten" / "kota"), latitude, longitude, penduduk, luas_km2 (empty for 4)."""
    return _kabupaten_kota().copy(deep=False)


def kecamatan() -> pd.DataFrame:
    """The 7,285 kecamatan (distrik in Papua): kode, kode_kabupaten_kota, nama, latitude,
    longitude."""
    return _kecamatan().copy(deep=False)


def desa_kelurahan() -> pd.DataFrame:
    """The 83,762 desa/kelurahan: kode, kode_kecamatan, nama, jenis ("desa" / "kelurahan"),
    latitude, longitude, koordinat_perkiraan (True when the point is the kecamatan's)."""
    return _desa_kelurahan().copy(deep=False)


@lru_cache(maxsize=1)
def _wilayah_frame() -> pd.DataFrame:
    cols = ["kode", "tingkat", "nama", "kode_induk", "latitude", "longitude"]
    parts = [
        _provinsi().assign(tingkat="provinsi", kode_induk=None),
        _kabupaten_kota().assign(tingkat="kabupaten_kota", kode_induk=lambda d: d["kode_provinsi"]),
        _kecamatan().assign(tingkat="kecamatan", kode_induk=lambda d: d["kode_kabupaten_kota"]),
        _desa_kelurahan().assign(
            tingkat="desa_kelurahan", kode_induk=lambda d: d["kode_kecamatan"]
        ),
    ]
    frame = pd.concat([p[cols] for p in parts], ignore_index=True)
    return frame.astype({"kode": "str", "tingkat": "str", "nama": "str", "kode_induk": "str"})


def wilayah_frame() -> pd.DataFrame:
    """All four levels in one frame: kode, tingkat, nama, kode_induk (empty for provinces),
    latitude, longitude."""
    return _wilayah_frame().copy(deep=False)


@lru_cache(maxsize=1)
def _province_geojson() -> str:
    return (DATA_DIR / "provinsi_34.geojson").read_text(encoding="utf-8")


def province_geojson() -> dict:
    """The 34 pre-2022 province outlines: a FeatureCollection whose features carry
    properties {"kode", "nama"}. A fresh copy each call (callers may change it)."""
    return json.loads(_province_geojson())


@lru_cache(maxsize=1)
def _province_codes() -> frozenset[str]:
    return frozenset(_provinsi()["kode"])


def geojson_kode(kode_provinsi: object) -> str:
    """The code of the outline a province draws in: its own, or for the four provinces created in
    2022 their parent's ("95" -> "91"). Accepts any code form; a longer code uses its province."""
    kode = normalise_kode(kode_provinsi)
    if kode is None or kode[:2] not in _province_codes():
        raise ValueError(f"not a province code: {kode_provinsi!r}")
    return PAPUA_2022.get(kode[:2], kode[:2])


# -- codes ---------------------------------------------------------------------------------------

_FLOAT_TEXT = re.compile(r"([0-9]+)\.0+")
_SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]+)?[eE]\+?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_SEGMENTS = (2, 2, 2, 4)


def normalise_kode(value: object) -> str | None:
    """A Kemendagri code in canonical form (digits only, no dots), or None.

    Accepts "52.01", "5201", " 52 01 ", 5201, 5201.0, "5201.0" (a code that went through a
    spreadsheet as a number comes back as its digits) and 5.201012001E9. Dotted input must have
    the usual segments (2.2.2.4 digits). None unless the result has 2, 4, 6 or 10 digits.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        text = str(int(value))
    elif isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f) or not f.is_integer() or f < 0:
            return None
        text = str(int(f))
    else:
        text = re.sub(r"\s+", "", str(value))
        if (m := _FLOAT_TEXT.fullmatch(text)) is not None:
            text = m.group(1)
        elif _SCIENTIFIC.fullmatch(text):
            f = float(text)
            if not f.is_integer():
                return None
            text = str(int(f))
        elif "." in text:
            parts = text.split(".")
            if tuple(len(p) for p in parts) != _SEGMENTS[: len(parts)]:
                return None
            text = "".join(parts)
    if not _DIGITS.fullmatch(text) or len(text) not in _WIDTH_TINGKAT:
        return None
    return text


def tingkat_kode(kode: object) -> Tingkat | None:
    """The level of a code by its length: 2 provinsi, 4 kabupaten_kota, 6 kecamatan,
    10 desa_kelurahan; None for anything that is not a code."""
    k = normalise_kode(kode)
    return None if k is None else _WIDTH_TINGKAT[len(k)]


def format_kode(kode: object) -> str:
    """The dotted display form: "5201012001" -> "52.01.01.2001", "5201" -> "52.01"."""
    k = normalise_kode(kode)
    if k is None:
        raise ValueError(f"not a region code: {kode!r}")
    return ".".join(p for p in (k[0:2], k[2:4], k[4:6], k[6:10]) if p)


# -- folding names -------------------------------------------------------------------------------

_APOSTROPHES = re.compile("['`\u2018\u2019\u00b4\u02bc]")
_DIY = re.compile(r"\bd\s*\.\s*i\s*\.\s*y\b\.?")
_DKI = re.compile(r"\bd\s*\.\s*k\s*\.\s*i\b\.?")
_DI = re.compile(r"\bd\s*\.\s*i\b\.?")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PHRASES = re.compile(
    r"(?<![0-9a-z])(daerah istimewa|daerah khusus ibu ?kota|kota administrasi|kota adm"
    r"|kota ?madya|kodya|kep|tj)(?![0-9a-z])"
)
_LEADING = re.compile(
    r"^(?:(?:provinsi|propinsi|prov|prop|kabupaten|kab|kecamatan|kec|distrik|kelurahan|kel"
    r"|desa adat|desa|ds)(?: administrasi| adm)? )+"
)
_TRAILING_KIND = re.compile(r"(.+) (kabupaten|kab|kota)")
# local words for a village, tried when the name with them matches nothing ("Kampung Waena")
_LOCAL_DESA = re.compile(
    r"(?:kampung|kp|nagari|gampong|gampoeng|negeri|pekon|lembang|kalurahan) (.+)"
)


def _phrase(m: re.Match[str]) -> str:
    word = m.group(1)
    if word.startswith("daerah istimewa"):
        return "di"
    if word.startswith("daerah khusus"):
        return "dki"
    if word == "kep":
        return "kepulauan"
    if word == "tj":
        return "tanjung"
    return "kota"


def _fold_parts(text: str) -> tuple[str, str]:
    """(the folded name, the administrative words dropped from its start)."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = _APOSTROPHES.sub("", s)
    if "." in s:
        s = _DIY.sub(" diy ", s)
        s = _DKI.sub(" dki ", s)
        s = _DI.sub(" di ", s)
    s = _NON_ALNUM.sub(" ", s).strip()
    s = _PHRASES.sub(_phrase, s)
    prefix = ""
    if (m := _LEADING.match(s)) is not None:
        prefix = m.group(0)
        s = s[m.end() :]
    return s, prefix


def fold_name(text: str) -> str:
    """A name reduced to what matching compares.

    Lower case, accents and punctuation gone (apostrophes dropped, other marks become spaces),
    spaces collapsed; "Daerah Istimewa" / "D.I." -> "di"; "Daerah Khusus Ibukota" -> "dki";
    "Kota Administrasi" / "Kota Adm." / "Kotamadya" -> "kota"; "Kep." -> "kepulauan";
    "Tj." -> "tanjung"; and a leading "Provinsi" / "Prov." / "Propinsi", "Kabupaten" / "Kab."
    (with "Administrasi"), "Kecamatan" / "Kec." / "Distrik", "Kelurahan" / "Kel." / "Desa" /
    "Desa Adat" is dropped (never the whole name). "Kota" stays: "Kota Bogor" -> "kota bogor"
    while "Kab. Bogor" -> "bogor".
    """
    return _fold_parts(text)[0]


def _alias_parts(name: str) -> list[str]:
    """Extra keys for names with a part in parentheses or alternatives split by "/"."""
    if "(" not in name and "/" not in name:
        return []
    pieces: list[str] = []
    outside = re.sub(r"\(.*?\)", " ", name)
    pieces.append(outside)
    pieces.extend(re.findall(r"\((.*?)\)", name))
    for piece in list(pieces):
        if "/" in piece:
            pieces.extend(piece.split("/"))
    keys = []
    for piece in pieces:
        key = fold_name(piece)
        if key and re.search(r"[a-z]{3}", key) and not re.fullmatch(r"[ivxl ]+", key):
            keys.append(key)
    return keys
