"""The gazetteer: Indonesia's regions (Kemendagri 2025) and matching of the names people type.

Reads only the committed files under data/wilayah/ (built by scripts/build_gazetteer.py; see
data/README.md). Everything is loaded on first use and cached.

Codes are kept without dots (the canonical form): "52", "5201", "520101", "5201012001";
``format_kode`` gives the dotted display form and ``normalise_kode`` accepts what people and
spreadsheets produce ("52.01", 5201, 5201.0, "5201.0", " 52 01 ").

Name matching never guesses: a name matches when it is equal to a gazetteer name after
``fold_name`` (or to a province abbreviation in data/wilayah/singkatan.csv); when several regions
match it is "ambiguous" with the candidates; otherwise "unknown" with up to three suggestions.

The tables, codes and name folding are kpi.gazetteer, matching one name kpi.place_match (both
importable from here); this module resolves a whole row's places (``resolve_path``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from kpi.gazetteer import (
    _WIDTH_TINGKAT,
    DATA_DIR,
    PAPUA_2022,
    TINGKAT,
    Status,
    Tingkat,
    _fold_parts,
    desa_kelurahan,
    fold_name,
    format_kode,
    geojson_kode,
    kabupaten_kota,
    kecamatan,
    normalise_kode,
    province_geojson,
    provinsi,
    tingkat_kode,
    wilayah_frame,
)
from kpi.place_match import (
    Match,
    _as_text,
    _find,
    _index,
    _match,
    match_desa_kelurahan,
    match_kabupaten_kota,
    match_kecamatan,
    match_provinsi,
)

# -- a whole row's places ------------------------------------------------------------------------

# the gazetteer's and the matcher's names are importable from here, as before
__all__ = [
    "DATA_DIR",
    "Match",
    "PAPUA_2022",
    "PathProblem",
    "PathResult",
    "PathStatus",
    "Status",
    "TINGKAT",
    "Tingkat",
    "desa_kelurahan",
    "fold_name",
    "format_kode",
    "geojson_kode",
    "kabupaten_kota",
    "kecamatan",
    "match_desa_kelurahan",
    "match_kabupaten_kota",
    "match_kecamatan",
    "match_provinsi",
    "normalise_kode",
    "path_label",
    "province_geojson",
    "provinsi",
    "region_name",
    "resolve_path",
    "tingkat_kode",
    "wilayah_frame",
]

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
    parts: list[str] = []
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
