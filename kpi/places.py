"""The gazetteer: Indonesia's regions (Kemendagri 2025) and matching of the names people type.

Reads only the committed files under data/wilayah/ (built by scripts/build_gazetteer.py; see
data/README.md). Everything is loaded on first use and cached.

Codes are kept without dots (the canonical form): "52", "5201", "520101", "5201012001";
``format_kode`` gives the dotted display form and ``normalise_kode`` accepts what people and
spreadsheets produce ("52.01", 5201, 5201.0, "5201.0", " 52 01 ").

Name matching never guesses: a name matches when it is equal to a gazetteer name after
``fold_name`` (or to a province abbreviation in data/wilayah/singkatan.csv); when several regions
match it is "ambiguous" with the candidates; otherwise "unknown" with up to three suggestions.
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass, field
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


# -- matching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """The result of matching a name against one level of the gazetteer.

    kode: set only when exactly one region matches (status "exact").
    candidates: every region that matched, (kode, nama) by code: one when exact, several when
    ambiguous, none when unknown. suggestions: for unknown, up to three close (kode, nama).
    """

    kode: str | None
    status: Status
    candidates: list[tuple[str, str]] = field(default_factory=list)
    suggestions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def nama(self) -> str | None:
        """The official name of the matched region (exact matches only)."""
        return self.candidates[0][1] if self.kode is not None and self.candidates else None

    @property
    def ok(self) -> bool:
        return self.status == "exact"


class _Index:
    """Folded-name dictionaries over one level of the gazetteer."""

    def __init__(self, kodes: list[str], names: list[str], kinds: list[str] | None = None) -> None:
        self.nama: dict[str, str] = dict(zip(kodes, names, strict=True))
        self.kind: dict[str, str] = dict(zip(kodes, kinds, strict=True)) if kinds else {}
        self.primary: dict[str, list[str]] = {}
        self.alias: dict[str, list[str]] = {}
        self.compact: dict[str, list[str]] = {}
        self.key_of: dict[str, str] = {}
        for kode, name in zip(kodes, names, strict=True):
            key = fold_name(name)
            if self.kind.get(kode) == "kota" and key.startswith("kota "):  # kab/kota only
                key = key[5:]
            self.add(self.primary, key, kode)
            self.key_of[kode] = key
            for extra in _alias_parts(name):
                if extra.startswith("kota ") and self.kind.get(kode) == "kota":
                    extra = extra[5:]
                if extra != key:
                    self.add(self.alias, extra, kode)
        for table in (self.primary, self.alias):
            for key, codes in table.items():
                for kode in codes:
                    self.add(self.compact, key.replace(" ", ""), kode)

    @staticmethod
    def add(table: dict[str, list[str]], key: str, kode: str) -> None:
        codes = table.setdefault(key, [])
        if kode not in codes:
            codes.append(kode)

    def lookup(self, key: str, scope: tuple[str, ...], kind: str | None) -> list[str]:
        """Codes whose name folds to key (then to an alias, then ignoring spaces), in scope."""
        for table, k in (
            (self.primary, key),
            (self.alias, key),
            (self.compact, key.replace(" ", "")),
        ):
            hits = [
                c
                for c in table.get(k, ())
                if (not scope or c.startswith(scope)) and (kind is None or self.kind.get(c) == kind)
            ]
            if hits:
                return sorted(hits)
        return []

    def pairs(self, codes: list[str]) -> tuple[tuple[str, str], ...]:
        return tuple((c, self.nama[c]) for c in codes)


@lru_cache(maxsize=1)
def _singkatan() -> dict[str, str]:
    df = pd.read_csv(DATA_DIR / "singkatan.csv", dtype=str, keep_default_na=False)
    return {fold_name(s): k for s, k in zip(df["singkatan"], df["kode_provinsi"], strict=True)}


@lru_cache(maxsize=4)
def _index(level: Tingkat) -> _Index:
    if level == "provinsi":
        df = _provinsi()
        ix = _Index(list(df["kode"]), list(df["nama"]))
        for key, kode in _singkatan().items():
            ix.add(ix.primary, key, kode)
            ix.add(ix.compact, key.replace(" ", ""), kode)
        return ix
    if level == "kabupaten_kota":
        df = _kabupaten_kota()
        return _Index(list(df["kode"]), list(df["nama"]), list(df["jenis"]))
    if level == "kecamatan":
        df = _kecamatan()
        return _Index(list(df["kode"]), list(df["nama"]))
    df = _desa_kelurahan()
    return _Index(list(df["kode"]), list(df["nama"]), list(df["jenis"]))


_BIG_POOL = 5000


@lru_cache(maxsize=512)
def _pool(
    level: Tingkat, scope: tuple[str, ...]
) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """The folded names in scope (for suggestions), their codes, and the names by first letter."""
    ix = _index(level)
    by_key: dict[str, list[str]] = {}
    for kode, key in ix.key_of.items():
        if not scope or kode.startswith(scope):
            by_key.setdefault(key, []).append(kode)
    by_first: dict[str, list[str]] = {}
    for key in by_key:
        by_first.setdefault(key[:1], []).append(key)
    return list(by_key), by_key, by_first


def _close_keys(level: Tingkat, scope: tuple[str, ...], key: str) -> list[str]:
    keys, _, by_first = _pool(level, scope)
    if len(keys) > _BIG_POOL:  # all villages: compare with names of the same first letter only
        keys = by_first.get(key[:1], [])
    return difflib.get_close_matches(key, keys, n=_MAX_SUGGESTIONS, cutoff=0.6)


_Result = tuple[str | None, Status, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]


@lru_cache(maxsize=100_000)
def _find(level: Tingkat, name: str, scope: tuple[str, ...]) -> tuple[tuple[str, ...], str, str]:
    """(codes whose name the text matches in scope, the folded key, the key with the
    administrative words kept): the exact part of matching, without suggestions."""
    ix = _index(level)
    key, prefix = _fold_parts(name)
    if not key:
        return (), "", ""
    folded = key
    words = set(prefix.split())
    kind: str | None = None
    if level == "kabupaten_kota":
        if key.startswith("kota "):
            kind, key = "kota", key[5:]
        elif words & {"kab", "kabupaten"}:
            kind = "kabupaten"
    hits = ix.lookup(key, scope, kind)
    if not hits and level == "desa_kelurahan" and (m := _LOCAL_DESA.fullmatch(key)) is not None:
        hits = ix.lookup(m.group(1), scope, None)
    if len(hits) > 1 and level == "desa_kelurahan":
        # a desa and a kelurahan of the same name in one kecamatan: "Kel." / "Desa" tells them apart
        said = None
        if words & {"kel", "kelurahan"}:
            said = "kelurahan"
        elif words & {"desa", "ds"}:
            said = "desa"
        if said is not None and (same := [c for c in hits if ix.kind[c] == said]):
            hits = same
    if (
        not hits
        and level == "kabupaten_kota"
        and kind is None
        and (m := _TRAILING_KIND.fullmatch(key)) is not None
    ):  # "Bogor, Kab." / "Bogor (Kota)"
        kind = "kota" if m.group(2) == "kota" else "kabupaten"
        key = m.group(1)
        hits = ix.lookup(key, scope, kind)
    return tuple(hits), key, folded


@lru_cache(maxsize=100_000)
def _match(level: Tingkat, name: str, scope: tuple[str, ...]) -> _Result:
    ix = _index(level)
    hits, key, folded = _find(level, name, scope)
    if not key:
        return None, "unknown", (), ()
    if len(hits) == 1:
        return hits[0], "exact", ix.pairs(list(hits)), ()
    if hits:
        return None, "ambiguous", ix.pairs(list(hits)), ()
    # unknown: the same name elsewhere (other scope, other kind) first, then close names in scope
    elsewhere = ix.lookup(key, (), None)
    if folded != key:  # "Kota Baru" may mean Kabupaten Kotabaru
        elsewhere += [c for c in ix.lookup(folded, (), None) if c not in elsewhere]
    suggestions = elsewhere[:_MAX_SUGGESTIONS]
    if len(suggestions) < _MAX_SUGGESTIONS:
        by_key = _pool(level, scope)[1]
        for close in _close_keys(level, scope, key):
            for c in by_key[close]:
                if c not in suggestions and len(suggestions) < _MAX_SUGGESTIONS:
                    suggestions.append(c)
    return None, "unknown", (), ix.pairs(suggestions)


def _to_match(result: _Result) -> Match:
    kode, status, candidates, suggestions = result
    return Match(kode, status, list(candidates), list(suggestions))


def _as_text(name: object) -> str | None:
    if name is None:
        return None
    if isinstance(name, float) and math.isnan(name):
        return None
    if name is pd.NA or name is pd.NaT:
        return None
    return name if isinstance(name, str) else str(name)


def _scope(kode: object, width: int, what: str) -> tuple[str, ...]:
    k = normalise_kode(kode)
    if k is None or len(k) != width:
        raise ValueError(f"{what} must be a {width}-digit code, not {kode!r}")
    return (k,)


def _run(level: Tingkat, name: object, scope: tuple[str, ...]) -> Match:
    text = _as_text(name)
    if text is None:
        return Match(None, "unknown")
    return _to_match(_match(level, text, scope))


def match_provinsi(name: object) -> Match:
    """Match a province name: official names, "Prov. ..." forms, and abbreviations (NTB, DIY,
    Jabar, Kepri, Papsel, ... from data/wilayah/singkatan.csv)."""
    return _run("provinsi", name, ())


def match_kabupaten_kota(name: object, kode_provinsi: object = None) -> Match:
    """Match a kabupaten/kota name, optionally within a province.

    "Kota X" matches only the kota, "Kab. X" / "Kabupaten X" only the kabupaten, a bare "X" either
    (ambiguous when both exist, e.g. "Bogor"). A pre-2022 province code (91 Papua, 92 Papua Barat)
    also covers the provinces split from it in 2022.
    """
    scope: tuple[str, ...] = ()
    if kode_provinsi is not None:
        (p,) = _scope(kode_provinsi, 2, "kode_provinsi")
        scope = (p, *sorted(k for k, v in PAPUA_2022.items() if v == p))
    return _run("kabupaten_kota", name, scope)


def match_kecamatan(name: object, kode_kabupaten_kota: object = None) -> Match:
    """Match a kecamatan (distrik) name, optionally within a kabupaten/kota."""
    scope: tuple[str, ...] = ()
    if kode_kabupaten_kota is not None:
        scope = _scope(kode_kabupaten_kota, 4, "kode_kabupaten_kota")
    return _run("kecamatan", name, scope)


def match_desa_kelurahan(
    name: object, kode_kecamatan: object = None, kode_kabupaten_kota: object = None
) -> Match:
    """Match a desa/kelurahan name, within a kecamatan or a kabupaten/kota when given (village
    names repeat a lot: without either, most common names are ambiguous)."""
    scope: tuple[str, ...] = ()
    if kode_kecamatan is not None:
        scope = _scope(kode_kecamatan, 6, "kode_kecamatan")
        if kode_kabupaten_kota is not None:
            (kab,) = _scope(kode_kabupaten_kota, 4, "kode_kabupaten_kota")
            if not scope[0].startswith(kab):
                raise ValueError(f"kecamatan {kode_kecamatan!r} is not in {kode_kabupaten_kota!r}")
    elif kode_kabupaten_kota is not None:
        scope = _scope(kode_kabupaten_kota, 4, "kode_kabupaten_kota")
    return _run("desa_kelurahan", name, scope)


# -- a whole row's places ------------------------------------------------------------------------

PathStatus = Literal["ambiguous", "unknown", "conflict"]
_WIDTH: dict[Tingkat, int] = {
    "provinsi": 2,
    "kabupaten_kota": 4,
    "kecamatan": 6,
    "desa_kelurahan": 10,
}
_CLOSE = 0.8  # how alike a misspelt name must be to the name the row's other columns give
_MAX_PATHS = 5


@dataclass(frozen=True)
class PathProblem:
    """Why a row's places do not give one path.

    ``source``: the level (``provinsi`` ... ``desa_kelurahan``) or the code's source (the key it
    was given under in ``codes``) holding the doubtful value; ``value`` as given. ambiguous:
    ``candidates`` are the paths that fit (kode, label). unknown: ``candidates`` are
    suggestions. conflict: ``other_source`` / ``other_value`` is what it contradicts, and
    ``candidates`` where ``value`` really lies.
    """

    status: PathStatus
    source: str
    value: str
    candidates: tuple[tuple[str, str], ...] = ()
    other_source: str = ""
    other_value: str = ""


@dataclass(frozen=True)
class PathResult:
    """The deepest code that every name and code of a row fits, or the problems.

    ``read_as``: misspelt names settled by the row's other columns, as (level, value, kode,
    official name): the row is accepted, and the report says how they were read."""

    kode: str | None
    problems: tuple[PathProblem, ...] = ()
    read_as: tuple[tuple[str, str, str, str], ...] = ()
    paths: tuple[str, ...] = ()  # ambiguous: every path that fits (the importer narrows them)


def _level_of(kode: str) -> Tingkat:
    return _WIDTH_TINGKAT[len(kode)]


def path_label(kode: str) -> str:
    """A code's region with what it lies in: "Karadenan, Cibinong, Kabupaten Bogor"."""
    parts = []
    for width in (10, 6, 4):
        if len(kode) >= width:
            name = _index(_WIDTH_TINGKAT[width]).nama.get(kode[:width], kode[:width])
            parts.append(f"Kec. {name}" if width == 6 and parts else name)
    if len(kode) == 2 or len(parts) < 2:
        parts.append(_index("provinsi").nama.get(kode[:2], kode[:2]))
    return ", ".join(parts[:3])


def region_name(kode: str) -> str:
    """The official name of a region ("" for a code that is not in the gazetteer)."""
    if len(kode) not in _WIDTH_TINGKAT:
        return ""
    return _index(_level_of(kode)).nama.get(kode, "")


def _hits(level: Tingkat, name: str) -> list[str]:
    """Every region of the level whose name the text matches (exact, anywhere)."""
    return list(_find(level, name, ())[0])


def _province_prefixes(codes: list[str]) -> set[str]:
    """Province codes and, for a pre-2022 Papua province, the provinces split from it."""
    out = set(codes)
    for child, parent in PAPUA_2022.items():
        if parent in out:
            out.add(child)
    return out


def _fits(kode: str, level: Tingkat, allowed: set[str]) -> bool:
    return kode[: _WIDTH[level]] in allowed


def _close(level: Tingkat, name: str, kode: str) -> bool:
    """A misspelt ``name`` is close to the region ``kode`` of its level."""
    key = _fold_parts(name)[0]
    if level == "kabupaten_kota" and key.startswith("kota "):
        key = key[5:]
    target = _index(level).key_of.get(kode, "")
    if not key or not target:
        return False
    if key.replace(" ", "") == target.replace(" ", ""):
        return True
    return difflib.SequenceMatcher(None, key, target).ratio() >= _CLOSE


def _labelled(codes: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple((c, path_label(c)) for c in sorted(codes)[:_MAX_PATHS])


def _suggest(level: Tingkat, name: str, scope: str) -> tuple[tuple[str, str], ...]:
    """Close names within the scope (a code above the level), else anywhere."""
    scoped: tuple[str, ...] = (scope,) if scope and len(scope) < _WIDTH[level] else ()
    if level == "provinsi":
        scoped = ()
    if level == "kabupaten_kota" and scoped:
        scoped = tuple(sorted(_province_prefixes([scoped[0][:2]])))
    result = _match(level, name, scoped)
    found = [c for c, _ in result[3]] or [c for c, _ in result[2]]
    return _labelled(found)


def resolve_path(
    names: dict[str, object],
    codes: dict[str, str] | None = None,
    kab_kind: str | None = None,
) -> PathResult:
    """Resolve a row's places jointly: every name (provinsi, kabupaten_kota, kecamatan,
    desa_kelurahan) and every code it gives (``codes``: source -> canonical code, e.g.
    {"kode_wilayah": "3201011001"}) must fit one path province > kab/kota > kecamatan > desa.

    A bare name ("Bogor": Kabupaten or Kota) is settled by the levels below it or by a code; a
    misspelt one is accepted when the other columns give one path and it is close to that path's
    name (``read_as``). More than one path left is "ambiguous" on the column where the paths part;
    none is "unknown" (a name that matches nothing, with suggestions) or "conflict" (two columns
    that do not fit, each named). Codes must be in the gazetteer (others are left out here).
    ``kab_kind`` ("kabupaten" or "kota"): what the row says elsewhere of a bare kab/kota name
    (a regency library's level "Perpustakaan Kota", its name "Perpustakaan Kota Bima").
    """
    given: dict[Tingkat, str] = {}
    for level in TINGKAT:
        text = _as_text(names.get(level))
        if text is not None and text.strip():
            given[level] = text.strip()
    known = {
        src: k
        for src, k in (codes or {}).items()
        if k and len(k) in _WIDTH_TINGKAT and region_name(k)
    }
    if not given and not known:
        return PathResult(None)
    problems: list[PathProblem] = []
    # codes must agree with each other: the deepest one is the row's code
    code_src, code = "", ""
    for src, k in sorted(known.items(), key=lambda kv: -len(kv[1])):
        if not code:
            code_src, code = src, k
        elif not (code.startswith(k) or _fits(code, "provinsi", _province_prefixes([k]))):
            problems.append(PathProblem("conflict", src, k, _labelled([code]), code_src, code))
    if problems:
        return PathResult(None, tuple(problems))
    hits: dict[Tingkat, list[str]] = {lv: _hits(lv, name) for lv, name in given.items()}
    if kab_kind and len(hits.get("kabupaten_kota", ())) > 1:
        kinds = _index("kabupaten_kota").kind
        said = [k for k in hits["kabupaten_kota"] if kinds.get(k) == kab_kind]
        hits["kabupaten_kota"] = said or hits["kabupaten_kota"]
    weak = [lv for lv in given if not hits[lv]]
    named = [lv for lv in given if hits[lv]]
    deepest_named = named[-1] if named else None
    # the base: the deepest evidence (a code at or below the deepest matched name, else that name)
    if code and (deepest_named is None or len(code) >= _WIDTH[deepest_named]):
        base_src, base_value, base = code_src, code, [code]
        base_is_code = True
    elif deepest_named is not None:
        base_src, base_value, base = deepest_named, given[deepest_named], hits[deepest_named]
        base_is_code = False
    else:  # only names that match nothing
        return PathResult(
            None,
            tuple(
                PathProblem("unknown", lv, given[lv], _suggest(lv, given[lv], "")) for lv in weak
            ),
        )
    depth = len(base[0])
    # every other piece of evidence at or above the base's level is a filter
    filters: list[tuple[str, str, set[str], Tingkat]] = []
    if code and not base_is_code:
        filters.append(
            (
                code_src,
                code,
                _province_prefixes([code]) if len(code) == 2 else {code},
                _level_of(code),
            )
        )
    for lv in named:
        if lv == base_src or _WIDTH[lv] > depth:
            continue
        allowed = set(hits[lv])
        if lv == "provinsi":
            allowed = _province_prefixes(hits[lv])
        filters.append((lv, given[lv], allowed, lv))
    paths = [b for b in base if all(_fits(b, lvl, allowed) for _s, _v, allowed, lvl in filters)]
    if not paths:
        for src, value, allowed, lvl in filters:
            if not any(_fits(b, lvl, allowed) for b in base):
                problems.append(
                    PathProblem("conflict", base_src, base_value, _labelled(base), src, value)
                )
        if not problems:  # each fits alone, not together: name the base and the first filter
            src, value, _a, _l = filters[0]
            problems.append(
                PathProblem("conflict", base_src, base_value, _labelled(base), src, value)
            )
        return PathResult(None, tuple(problems))
    # misspelt names at or above the base's level: close to the path's name, or unknown
    for lv in weak:
        if _WIDTH[lv] > depth:
            continue
        close = [p for p in paths if _close(lv, given[lv], p[: _WIDTH[lv]])]
        if close:
            paths = close
        else:  # the row's other columns say where it is: that is the suggestion
            ancestors = sorted({p[: _WIDTH[lv]] for p in paths})
            problems.append(PathProblem("unknown", lv, given[lv], _labelled(ancestors)))
    # misspelt names below the base: nothing below them settles them
    scope = _common_prefix(paths)
    for lv in weak:
        if _WIDTH[lv] > depth:
            problems.append(PathProblem("unknown", lv, given[lv], _suggest(lv, given[lv], scope)))
    if problems:
        return PathResult(None, tuple(problems))
    if len(paths) > 1:
        part = next(
            lv
            for lv in TINGKAT
            if _WIDTH[lv] <= depth and len({p[: _WIDTH[lv]] for p in paths}) > 1
        )
        if part in given:
            parted = sorted({p[: _WIDTH[part]] for p in paths})
            problem = PathProblem("ambiguous", part, given[part], _labelled(parted))
        else:
            problem = PathProblem("ambiguous", base_src, base_value, _labelled(paths))
        return PathResult(None, (problem,), paths=tuple(sorted(paths)))
    (kode,) = paths
    read_as = tuple(
        (lv, given[lv], kode[: _WIDTH[lv]], region_name(kode[: _WIDTH[lv]])) for lv in weak
    )
    return PathResult(kode, (), read_as)


def _common_prefix(paths: list[str]) -> str:
    """The deepest code every path lies in ("" when they lie in different provinces)."""
    for width in (6, 4, 2):
        if (
            paths
            and len({p[:width] for p in paths if len(p) >= width}) == 1
            and all(len(p) >= width for p in paths)
        ):
            return paths[0][:width]
    return ""
