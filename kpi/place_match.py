"""Matching one name against the gazetteer (kpi.places re-exports it): a name matches when it
equals a gazetteer name after ``fold_name`` (or a province abbreviation); several matches are
ambiguous with the candidates; otherwise unknown with up to three suggestions.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from kpi.gazetteer import (
    _LOCAL_DESA,
    _MAX_SUGGESTIONS,
    _TRAILING_KIND,
    DATA_DIR,
    PAPUA_2022,
    Status,
    Tingkat,
    _alias_parts,
    _desa_kelurahan,
    _fold_parts,
    _kabupaten_kota,
    _kecamatan,
    _provinsi,
    fold_name,
    normalise_kode,
)

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
