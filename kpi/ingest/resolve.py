"""Finding a row's places and library (by code, or by name through the gazetteer and the register;
ambiguous or unknown ones are errors with suggestions, never guesses), and what a validated
sheet is, with the checks every kind shares.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, overload

from kpi import places
from kpi.ingest.kinds import AREA_NAME_COLUMNS
from kpi.ingest.messages import message, suggestions_text
from kpi.ingest.parse import CellIssue, ParsedSheet
from kpi.ingest.reference import FIRST_PERIOD, Reference, name_key
from kpi.ingest.vocab import load_vocabulary

# ---------------------------------------------------------------------------------------------
# areas

# the kind's columns that hold a name of each level, and the codes that are evidence of a place
AREA_CODE_COLUMNS = ("kode_wilayah", "kode_provinsi", "kode_kabupaten_kota", "kode_perpustakaan")


def resolve_area(
    names: dict[str, str | None],
    ref: Reference,
    codes: dict[str, str] | None = None,
    kab_kind: str | None = None,
) -> places.PathResult:
    """The place every name (provinsi / kabupaten_kota / kecamatan / desa_kelurahan) and code
    of a row fits together (see places.resolve_path), cached per distinct row."""
    key = (
        tuple(names.get(c) or "" for c in AREA_NAME_COLUMNS),
        tuple(sorted((codes or {}).items())),
        kab_kind,
    )
    found = ref._area_cache.get(key)
    if found is None:
        found = places.resolve_path(
            dict(zip(AREA_NAME_COLUMNS, key[0], strict=True)), codes, kab_kind
        )
        ref._area_cache[key] = found
    return found  # type: ignore[no-any-return]


def _shown_code(kode: str) -> str:
    try:
        return places.format_kode(kode)
    except ValueError:
        return kode


def area_issues(
    i: int, res: places.PathResult, headers: dict[str, str], raw: Mapping[str, Any] | None = None
) -> list[CellIssue]:
    """The row's place problems as issues, each on the column holding the doubtful value and
    naming the other column it contradicts (by the analyst's own headers)."""

    def header(col: str) -> str:
        return headers.get(col, col)

    out = []
    for pr in res.problems:
        value = (raw or {}).get(pr.source, pr.value)
        if pr.status == "ambiguous":
            s_id, s_en = suggestions_text(list(pr.candidates), 5)
            msg = message(
                "wilayah_ambigu",
                nilai=pr.value,
                saran=s_id.replace(" Mungkin maksud Anda: ", "").rstrip("."),
                saran_en=s_en.replace(" Did you mean: ", "").rstrip("?"),
            )
        elif pr.status == "unknown":
            s_id, s_en = suggestions_text(list(pr.candidates))
            msg = message("wilayah_tidak_dikenal", nilai=pr.value, saran=s_id, saran_en=s_en)
        elif pr.source in AREA_CODE_COLUMNS or pr.other_source in AREA_CODE_COLUMNS:
            code_src, code, name_src, name = pr.source, pr.value, pr.other_source, pr.other_value
            if code_src not in AREA_CODE_COLUMNS:
                code_src, code, name_src, name = name_src, name, code_src, code
            if name_src in AREA_CODE_COLUMNS:
                name = _shown_code(name)
            msg = message(
                "kode_tidak_cocok",
                kolom_kode=header(code_src),
                kode=_shown_code(code),
                nama=places.path_label(code),
                kolom=header(name_src),
                nilai=name,
            )
        else:
            items = ", ".join(f"{n} ({k})" for k, n in pr.candidates)
            msg = message(
                "wilayah_tidak_cocok",
                kolom=header(pr.source),
                nilai=pr.value,
                kolom_lain=header(pr.other_source),
                nilai_lain=pr.other_value,
                saran=f" '{pr.value}' ada di: {items}." if items else "",
                saran_en=f" '{pr.value}' is in: {items}." if items else "",
            )
        out.append(CellIssue(i, pr.source, value, msg))
    return out


def area_notes(i: int, res: places.PathResult, headers: dict[str, str]) -> list[CellIssue]:
    """Notes for misspelt names that the row's other columns settled."""
    return [
        CellIssue(
            i,
            level,
            value,
            message(
                "wilayah_dibaca",
                kolom=headers.get(level, level),
                nilai=value,
                nama=nama,
                kode=_shown_code(kode),
            ),
        )
        for level, value, kode, nama in res.read_as
    ]


_LEVEL_PREFIX = re.compile(r"^([a-z]+)[-_./ ]*([0-9][0-9.]*)$")
_WIDTH_OF_LEVEL = {"provinsi": 2, "kabupaten_kota": 4, "desa_kelurahan": 10}


def embedded_code(library_code: str | None) -> str | None:
    """The Kemendagri code a library code embeds: a village code ("3201011001",
    "32.01.01.1001"), a dotted kab/kota code ("32.01"), or a code after a word naming its level
    ("KAB-3201", "PROV-32", "DESA-3201011001"). Sequence numbers ("P-001", "12") are not codes."""
    if not library_code:
        return None
    text = library_code.strip()
    digits = text.replace(".", "")
    if digits.isdigit():
        if len(digits) == 10 or ("." in text and len(digits) in (4, 6)):
            return places.normalise_kode(text)
        return None
    m = _LEVEL_PREFIX.match(text.lower())
    if m is None:
        return None
    level = load_vocabulary().match("jenis_perpustakaan", m[1])
    kode = places.normalise_kode(m[2])
    if level is None or kode is None or len(kode) != _WIDTH_OF_LEVEL[level]:
        return None
    return kode


# ---------------------------------------------------------------------------------------------
# libraries


def _rejected_library(i: int, col: str, value: str, where: tuple[str, str, int]) -> CellIssue:
    berkas, sheet, baris = where
    msg = message("perpustakaan_ditolak", nilai=value, berkas=berkas, sheet=sheet, baris=baris)
    return CellIssue(i, col, value, msg)


def resolve_library(
    i: int,
    kode: str | None,
    nama: str | None,
    area: dict[str, str | None],
    ref: Reference,
    issues: list[CellIssue],
    headers: dict[str, str] | None = None,
) -> str | None:
    if kode:
        if kode in ref.libraries:
            return kode
        if kode in ref.rejected:
            issues.append(_rejected_library(i, "kode_perpustakaan", kode, ref.rejected[kode]))
            return None
        close = difflib.get_close_matches(kode, ref.libraries.keys(), n=3, cutoff=0.75)
        near = [(k, ref.libraries[k].nama) for k in close]
        issues.append(_unknown_library(i, "kode_perpustakaan", kode, near))
        return None
    if not nama:
        issues.append(
            CellIssue(i, "kode_perpustakaan", None, message("wajib", kolom="kode_perpustakaan"))
        )
        return None
    candidates = list(ref.by_name.get(name_key(nama), []))
    if not candidates and any(area.values()):  # the name is unknown: its place may be too
        issues.extend(area_issues(i, resolve_area(area, ref), headers or {}))
    if candidates and any(area.values()):
        res = resolve_area(area, ref)
        if res.kode:
            inside = [k for k in candidates if ref.libraries[k].kode_wilayah.startswith(res.kode)]
        elif res.paths:  # an ambiguous place: the register's libraries may settle it
            inside = [
                k
                for k in candidates
                if any(ref.libraries[k].kode_wilayah.startswith(p) for p in res.paths)
            ]
        else:
            inside = []
        if not inside and (res.problems or not res.kode):
            issues.extend(area_issues(i, res, headers or {}))
            return None
        candidates = inside
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        s_id, s_en = suggestions_text([(k, ref.libraries[k].nama) for k in candidates], 5)
        issues.append(
            CellIssue(
                i,
                "nama_perpustakaan",
                nama,
                message(
                    "perpustakaan_ambigu",
                    nilai=nama,
                    saran=s_id.replace(" Mungkin maksud Anda: ", ""),
                    saran_en=s_en.replace(" Did you mean: ", ""),
                ),
            )
        )
        return None
    if name_key(nama) in ref.rejected_names:
        where = ref.rejected_names[name_key(nama)]
        issues.append(_rejected_library(i, "nama_perpustakaan", nama, where))
        return None
    close = difflib.get_close_matches(name_key(nama), ref.by_name.keys(), n=3, cutoff=0.8)
    items = [
        (ref.by_name[c][0], ref.libraries[ref.by_name[c][0]].nama) for c in close if ref.by_name[c]
    ]
    issues.append(_unknown_library(i, "nama_perpustakaan", nama, items))
    return None


def _unknown_library(i: int, column: str, value: str, near: list[tuple[str, str]]) -> CellIssue:
    """A library the register does not know, with the close ones as suggestions."""
    s_id, s_en = suggestions_text(near)
    found = message("perpustakaan_tidak_dikenal", nilai=value, saran=s_id, saran_en=s_en)
    return CellIssue(i, column, value, found)


class _AreaRows(Sequence[dict[str, Any]]):
    """Each row's area names (column -> value), made when a row is asked for: the common
    row, a known library code, never needs them (issue 15: no dict per row up front)."""

    def __init__(self, p: ParsedSheet, n: int) -> None:
        self._cols = [(c, p.columns[c]) for c in AREA_NAME_COLUMNS if c in p.columns]
        self._n = n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return {c: values[i] for c, values in self._cols}


def _area_rows(p: ParsedSheet, n: int) -> Sequence[dict[str, Any]]:
    return _AreaRows(p, n)


def _library_codes(p: ParsedSheet, ref: Reference, issues: list[CellIssue]) -> list[str | None]:
    n = len(p.file_rows)
    kode = p.columns.get("kode_perpustakaan", [None] * n)
    nama = p.columns.get("nama_perpustakaan", [None] * n)
    areas = _area_rows(p, n)
    libs = ref.libraries
    out: list[str | None] = []
    for i in range(n):
        k = kode[i]
        if k is not None and k in libs:  # the fast path
            out.append(k)
        else:
            out.append(resolve_library(i, k, nama[i], areas[i], ref, issues, p.headers))
    return out


# ---------------------------------------------------------------------------------------------
# per kind


@dataclass
class Validated:
    table: str
    records: dict[str, list[Any]]  # column -> values, one per record
    record_row: list[int]  # data row (index into ParsedSheet rows) of each record
    provided: list[str]  # the table columns this sheet provides (others are kept as stored)
    issues: list[CellIssue]
    notes: list[CellIssue] = field(default_factory=list)  # read for the analyst, not rejected


def _required(p: ParsedSheet, col: str, issues: list[CellIssue]) -> None:
    values = p.columns.get(col)
    if values is None:
        return
    flagged = {(c.row, c.column) for c in issues if c.column == col}
    for i, x in enumerate(values):
        if x is None and (i, col) not in flagged:
            issues.append(CellIssue(i, col, p.raw[col][i], message("wajib", kolom=col)))


def _periods(p: ParsedSheet, issues: list[CellIssue], ref: Reference) -> list[date | None]:
    n = len(p.file_rows)
    if "periode" in p.columns:
        periods = list(p.columns["periode"])
        if "tahun" in p.columns and "bulan" in p.columns:
            for i in range(n):
                if periods[i] is None and p.columns["tahun"][i] and p.columns["bulan"][i]:
                    periods[i] = date(p.columns["tahun"][i], p.columns["bulan"][i], 1)
        col = "periode"
    else:
        tahun, bulan = p.columns.get("tahun", [None] * n), p.columns.get("bulan", [None] * n)
        periods = [
            b
            if isinstance(b, date)  # "Agustus 2023" in the month column
            else (date(t, b, 1) if t is not None and b is not None else None)
            for t, b in zip(tahun, bulan, strict=True)
        ]
        col = "bulan" if "bulan" in p.columns else "tahun"
    current = ref.in_current_month()
    bad_cells = {(c.row, c.column) for c in issues}
    shown_col = p.raw.get(col, [None] * n)
    for i, d in enumerate(periods):
        shown = shown_col[i]
        if d is None:
            if (i, col) not in bad_cells and (i, "tahun") not in bad_cells:
                issues.append(CellIssue(i, col, shown, message("wajib", kolom="periode")))
        elif d > current:
            issues.append(CellIssue(i, col, shown, message("periode_masa_depan", nilai=d)))
            periods[i] = None
        elif d < FIRST_PERIOD:
            issues.append(CellIssue(i, col, shown, message("periode_sebelum_2018", nilai=d)))
            periods[i] = None
    return periods
