"""Step 5, validate: the rules of the data contract per kind, and the references.

Libraries in reports are found by code, or by name (and area) against the register (the store's
plus the register rows of the same import); areas by code, or by name through the gazetteer.
Ambiguous or unknown ones are errors with suggestions, never guesses. The result per sheet is
the records for the kind's table and the issues; a row with any issue is rejected as a whole.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kpi import places
from kpi.columns import CIEL_DIMENSIONS, STRATEGY_SELF_RATINGS
from kpi.ingest import values as v
from kpi.ingest.header import load_synonyms
from kpi.ingest.kinds import AREA_NAME_COLUMNS, CONTEXT_INDICATORS, MONTHLY_INDICATORS
from kpi.ingest.messages import message, suggestions_text
from kpi.ingest.parse import CellIssue, ParsedSheet
from kpi.ingest.vocab import UNIT_VOCAB, load_vocabulary
from kpi.queries import regions
from kpi.schema import CONTACT_COLUMNS
from kpi.store import Store

FIRST_PERIOD = date(2018, 1, 1)
# counts of people that cannot exceed 100 times the population the library serves
PEOPLE_COUNTS = (
    "jangkauan_sosialisasi",
    "kunjungan",
    "anggota_baru",
    "anggota_total",
    "pengguna_tik",
    "peserta",
    "peserta_perempuan",
    "penerima_manfaat",
)
LIBRARY_LEVEL_OF_LENGTH = {2: "provinsi", 4: "kabupaten_kota", 10: "desa_kelurahan"}
TINGKAT_OF_LENGTH = {2: "provinsi", 4: "kabupaten_kota", 6: "kecamatan", 10: "desa_kelurahan"}
# words that do not tell one library from another ("Perpustakaan Desa Karadenan" = "Karadenan")
_NAME_NOISE = {
    "perpustakaan",
    "perpus",
    "perpusdes",
    "perpuskel",
    "desa",
    "ds",
    "kelurahan",
    "kel",
    "taman",
    "bacaan",
    "tbm",
}


def name_key(name: str) -> str:
    tokens = [t for t in v.fold(name).split() if t not in _NAME_NOISE]
    return " ".join(tokens)


@dataclass
class Library:
    kode: str
    nama: str
    kode_wilayah: str
    penduduk: float | None


@dataclass
class Reference:
    """What the rows are checked against: the register, the gazetteer's codes, today."""

    libraries: dict[str, Library] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    wilayah: set[str] = field(default_factory=set)
    today: date = field(default_factory=date.today)
    # libraries of this import's register whose rows were rejected: code or name key ->
    # (file, sheet, row)
    rejected: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    rejected_names: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    _area_cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store, today: date | None = None) -> Reference:
        ref = cls(today=today or date.today())
        reg = store.query(
            "SELECT kode_perpustakaan, nama_perpustakaan, kode_wilayah, penduduk FROM perpustakaan"
        )
        for kode, nama, wil, pend in reg.itertuples(index=False, name=None):
            ref.add_library(str(kode), str(nama), str(wil or ""), _num(pend))
        ref.wilayah = regions.codes(store)
        return ref

    def add_library(self, kode: str, nama: str, kode_wilayah: str, penduduk: float | None) -> None:
        old = self.libraries.get(kode)
        if old is not None:
            keys = self.by_name.get(name_key(old.nama), [])
            if kode in keys:
                keys.remove(kode)
        self.libraries[kode] = Library(kode, nama, kode_wilayah, penduduk)
        self.by_name.setdefault(name_key(nama), []).append(kode)

    def in_current_month(self) -> date:
        return date(self.today.year, self.today.month, 1)


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


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
    i: int, res: places.PathResult, headers: dict[str, str], raw: dict[str, Any] | None = None
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
        s_id, s_en = suggestions_text([(k, ref.libraries[k].nama) for k in close])
        issues.append(
            CellIssue(
                i,
                "kode_perpustakaan",
                kode,
                message("perpustakaan_tidak_dikenal", nilai=kode, saran=s_id, saran_en=s_en),
            )
        )
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
    s_id, s_en = suggestions_text(items)
    issues.append(
        CellIssue(
            i,
            "nama_perpustakaan",
            nama,
            message("perpustakaan_tidak_dikenal", nilai=nama, saran=s_id, saran_en=s_en),
        )
    )
    return None


def _area_rows(p: ParsedSheet, n: int) -> list[dict[str, str | None]]:
    cols = [c for c in AREA_NAME_COLUMNS if c in p.columns]
    if not cols:
        return [{} for _ in range(n)]
    return [{c: p.columns[c][i] for c in cols} for i in range(n)]


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


def validate_monthly(p: ParsedSheet, ref: Reference) -> Validated:
    issues = list(p.issues)
    kode = _library_codes(p, ref, issues)
    periods = _periods(p, issues, ref)
    provided = [c for c in MONTHLY_INDICATORS if c in p.columns]
    records: dict[str, list[Any]] = {"kode_perpustakaan": kode, "periode": periods}
    for c in provided:
        records[c] = p.columns[c]
    # implausible: more people than 100 times the population the library serves
    for c in provided:
        if c not in PEOPLE_COUNTS:
            continue
        col = p.columns[c]
        for i, x in enumerate(col):
            if x is None or x < 1000 or kode[i] is None:
                continue
            pend = ref.libraries[kode[i]].penduduk  # type: ignore[index]
            if pend and x > 100 * pend:
                issues.append(
                    CellIssue(i, c, p.raw[c][i], message("tidak_wajar", nilai=x, penduduk=pend))
                )
    return Validated("laporan_bulanan", records, list(range(len(kode))), provided, issues)


def _tingkat(kode: str) -> str:
    return TINGKAT_OF_LENGTH.get(len(kode), "")


_LEVEL_IN_NAME = re.compile(
    r"^(?:dinas )?(?:perpustakaan|perpus|perpusda|perpust)(?: dan (?:kearsipan|arsip))?"
    r"(?: umum)?(?: daerah)? (desa|kelurahan|kabupaten|kab|kota|provinsi|prov|propinsi)\b"
)
_LEVEL_WORD = {
    "desa": "desa_kelurahan",
    "kelurahan": "desa_kelurahan",
    "kabupaten": "kabupaten_kota",
    "kab": "kabupaten_kota",
    "kota": "kabupaten_kota",
    "provinsi": "provinsi",
    "prov": "provinsi",
    "propinsi": "provinsi",
}


def level_from_name(name: str | None) -> str | None:
    """The level a library's name says: "Perpustakaan Desa X", "Perpusdes X", "Dinas
    Perpustakaan Kabupaten X", "Perpustakaan Daerah Provinsi X"; None when it says none."""
    if not name:
        return None
    f = v.fold(name)
    if f.startswith(("perpusdes ", "perpuskel ", "perpusdesa ")):
        return "desa_kelurahan"
    m = _LEVEL_IN_NAME.match(f)
    return _LEVEL_WORD[m[1]] if m else None


def kab_kind_said(jenis: Any, name: Any) -> str | None:
    """ "kabupaten" or "kota" when a regency library's level as written or its name says which
    (and only one): "Perpustakaan Kota", "Dinas Perpustakaan Kabupaten Bima"."""
    said = set()
    words: set[str] = set(v.fold(jenis).split()) if isinstance(jenis, str) else set()
    if isinstance(name, str) and (m := _LEVEL_IN_NAME.match(v.fold(name))):
        words.add(m[1])
    if words & {"kabupaten", "kab", "pemkab"}:
        said.add("kabupaten")
    if words & {"kota", "kotamadya", "pemkot"}:
        said.add("kota")
    return said.pop() if len(said) == 1 else None


def validate_register(p: ParsedSheet, ref: Reference) -> Validated:
    issues = list(p.issues)
    notes: list[CellIssue] = []
    n = len(p.file_rows)
    for c in ("kode_perpustakaan", "nama_perpustakaan"):
        _required(p, c, issues)
    codes = p.columns.get("kode_wilayah", [None] * n)
    raw_codes = p.raw.get("kode_wilayah", [None] * n)
    library = p.columns.get("kode_perpustakaan", [None] * n)
    names = p.columns.get("nama_perpustakaan", [None] * n)
    jenis_in = p.columns.get("jenis", [None] * n)
    raw_jenis = p.raw.get("jenis", [None] * n)
    areas = _area_rows(p, n)
    wilayah: list[str | None] = []
    for i in range(n):
        k = codes[i]
        evidence: dict[str, str] = {}
        if k is not None:
            if ref.wilayah and k not in ref.wilayah:
                issues.append(
                    CellIssue(
                        i, "kode_wilayah", raw_codes[i], message("kode_tidak_dikenal", nilai=k)
                    )
                )
            else:
                evidence["kode_wilayah"] = k
        else:
            embedded = embedded_code(library[i])
            if embedded and (not ref.wilayah or embedded in ref.wilayah):
                evidence["kode_perpustakaan"] = embedded
        if k is not None and not evidence and not any(areas[i].values()):
            wilayah.append(None)
            continue
        kind = None
        if jenis_in[i] == "kabupaten_kota" or (
            jenis_in[i] is None and level_from_name(names[i]) == "kabupaten_kota"
        ):
            kind = kab_kind_said(raw_jenis[i], names[i])
        res = resolve_area(areas[i], ref, evidence, kind)
        if res.kode and (k is None or evidence):
            wilayah.append(res.kode)
            notes.extend(area_notes(i, res, p.headers))
            continue
        wilayah.append(None)
        if res.problems:
            issues.extend(area_issues(i, res, p.headers, {"kode_wilayah": raw_codes[i]}))
        elif k is None:
            issues.append(CellIssue(i, "kode_wilayah", None, message("wilayah_kosong")))
    for c, lo, hi in (("latitude", -11.5, 6.5), ("longitude", 94.0, 141.5)):
        for i, x in enumerate(p.columns.get(c, [])):
            if x is not None and not lo <= x <= hi:
                issues.append(CellIssue(i, c, p.raw[c][i], message("koordinat", nilai=x)))
    # jenis: as written, else read from the place (2, 4 or 10 digits) and the library's name,
    # when they agree; a library's place is kept at its own level
    jenis = list(p.columns.get("jenis", [None] * n))
    flagged = {c.row for c in issues if c.column == "jenis"}
    for i in range(n):
        w = wilayah[i]
        if jenis[i] is None and i not in flagged:
            from_code = LIBRARY_LEVEL_OF_LENGTH.get(len(w or ""))
            from_name = level_from_name(names[i])
            if from_code and from_name and from_code != from_name:
                issues.append(
                    CellIssue(
                        i,
                        "jenis",
                        None,
                        message(
                            "jenis_tidak_jelas",
                            kode=_shown_code(w or ""),
                            dari_kode=from_code,
                            nama=names[i] or "",
                            dari_nama=from_name,
                        ),
                    )
                )
            elif from_code:
                jenis[i] = from_code
                notes.append(
                    CellIssue(
                        i,
                        "jenis",
                        None,
                        message(
                            "jenis_dari_kode",
                            kode=_shown_code(w or ""),
                            digit=len(w or ""),
                            jenis=from_code,
                        ),
                    )
                )
            elif from_name:
                jenis[i] = from_name
                notes.append(
                    CellIssue(
                        i,
                        "jenis",
                        None,
                        message("jenis_dari_nama", nama=names[i] or "", jenis=from_name),
                    )
                )
            elif w is not None or "jenis" in p.columns:
                issues.append(CellIssue(i, "jenis", None, message("wajib", kolom="jenis")))
        width = {"provinsi": 2, "kabupaten_kota": 4}.get(jenis[i] or "")
        if w and width and len(w) > width:
            wilayah[i] = w[:width]
    records: dict[str, list[Any]] = {
        "kode_perpustakaan": p.columns["kode_perpustakaan"],
        "nama_perpustakaan": p.columns["nama_perpustakaan"],
        "jenis": jenis,
        "kode_wilayah": wilayah,
        "kode_provinsi": [w[:2] if w else None for w in wilayah],
        "kode_kabupaten_kota": [w[:4] if w and len(w) >= 4 else None for w in wilayah],
        "kode_kecamatan": [w[:6] if w and len(w) >= 6 else None for w in wilayah],
        "kode_desa_kelurahan": [w if w and len(w) == 10 else None for w in wilayah],
    }
    provided = list(records)
    for c in (
        "tahun_bergabung",
        "jenis_dukungan",
        "penduduk",
        "latitude",
        "longitude",
        *CONTACT_COLUMNS,
    ):
        if c in p.columns:
            records[c] = p.columns[c]
            provided.append(c)
    return Validated("perpustakaan", records, list(range(n)), provided, issues, notes)


def kpi_names() -> dict[str, str]:
    """Folded KPI id, Indonesian and English name, and indicator column -> KPI id or column."""
    from kpi.columns import INDICATOR_COLUMNS

    names = {v.fold(c.replace("_", " ")): c for c in INDICATOR_COLUMNS}
    try:
        from kpi.catalogue import catalogue

        for k in catalogue().kpis:
            for label in (k.id.replace("_", " "), k.nama_id, k.nama_en):
                names.setdefault(v.fold(label), k.id)
    except Exception:  # without a loadable catalogue, any KPI id is taken as written
        return {}
    return names


def validate_target(p: ParsedSheet, ref: Reference) -> Validated:
    issues = list(p.issues)
    n = len(p.file_rows)
    for c in ("kpi", "tahun"):
        _required(p, c, issues)
    known = kpi_names()
    kpi: list[str | None] = []
    for i, k in enumerate(p.columns["kpi"]):
        if not k:
            kpi.append(None)
            continue
        folded = v.fold(k)
        if not known or folded in known:
            kpi.append(known.get(folded, re.sub(r"[^0-9a-z]+", "_", folded).strip("_")))
            continue
        close = difflib.get_close_matches(folded, list(known), n=3, cutoff=0.7)
        s_id, s_en = suggestions_text([(known[c], c) for c in close])
        issues.append(
            CellIssue(i, "kpi", k, message("kpi_tidak_dikenal", nilai=k, saran=s_id, saran_en=s_en))
        )
        kpi.append(None)
    kode_in = p.columns.get("kode", [None] * n)
    tingkat_in = p.columns.get("tingkat", [None] * n)
    kode: list[str | None] = []
    tingkat: list[str | None] = []
    for i in range(n):
        k, t = kode_in[i], tingkat_in[i]
        if t is None:
            t = "nasional" if not k else ("perpustakaan" if k in ref.libraries else None)
            if t is None:
                digits = k.replace(".", "") if k else ""
                t = _tingkat(digits) if digits.isdigit() else None
        if t == "nasional":
            k = ""
        elif t in ("provinsi", "kabupaten_kota"):
            digits = (k or "").replace(".", "").replace(" ", "")
            if not digits:
                issues.append(CellIssue(i, "kode", None, message("wajib", kolom="kode")))
            elif ref.wilayah and digits not in ref.wilayah:
                issues.append(CellIssue(i, "kode", k, message("kode_tidak_dikenal", nilai=digits)))
            k = digits
        elif t == "perpustakaan":
            if not k:
                issues.append(CellIssue(i, "kode", None, message("wajib", kolom="kode")))
            elif k not in ref.libraries:
                issues.append(
                    CellIssue(i, "kode", k, message("perpustakaan_tidak_dikenal", nilai=k))
                )
        else:
            issues.append(
                CellIssue(
                    i,
                    "tingkat",
                    tingkat_in[i],
                    message(
                        "pilihan",
                        nilai=tingkat_in[i] or k,
                        pilihan="nasional, provinsi, kabupaten_kota, perpustakaan",
                    ),
                )
            )
        kode.append(k)
        tingkat.append(t)
    # jenis (optional): the target names a library level within the area (or nationally);
    # '' when it names the area or the library itself
    jenis_in = p.columns.get("jenis", [None] * n)
    jenis = [
        "" if t == "perpustakaan" or j in (None, "") else str(j)
        for j, t in zip(jenis_in, tingkat, strict=True)
    ]
    records = {
        "kpi": kpi,
        "tingkat": tingkat,
        "kode": kode,
        "tahun": p.columns["tahun"],
        "nilai": p.columns["nilai"],
        "jenis": jenis,
    }
    return Validated("target", records, list(range(n)), list(records), issues)


def _score_scale(header: str, values: list[Any]) -> int:
    """5 for scores on 1-5, 100 for 0-100: said in the header, else read from the range."""
    f = v.fold(header)
    if "100" in f.split():
        return 100
    if re.search(r"\b1 5\b", f):
        return 5
    present = [x for x in values if x is not None]
    # most values above 5: the 0-100 scale (a few stray ones above 5 are errors on 1-5)
    return 100 if present and sum(x > 5 for x in present) * 2 > len(present) else 5


def validate_self_assessment(p: ParsedSheet, ref: Reference) -> Validated:
    issues = list(p.issues)
    n = len(p.file_rows)
    kode = _library_codes(p, ref, issues)
    tahun: list[int | None] = []
    semester: list[int | None] = []
    periode: list[str | None] = []
    per = p.columns.get("periode", [None] * n)
    th = p.columns.get("tahun", [None] * n)
    sm = p.columns.get("semester", [None] * n)
    for i in range(n):
        y, s = per[i] if per[i] is not None else (th[i], sm[i] if sm[i] in (1, 2) else None)
        if y is None:
            col = "periode" if "periode" in p.columns else "tahun"
            if not any(c.row == i and c.column == col for c in issues):
                issues.append(CellIssue(i, col, None, message("wajib", kolom="periode")))
            tahun.append(None)
            semester.append(None)
            periode.append(None)
            continue
        if y < 2018 or y > ref.today.year:
            rule = "periode_sebelum_2018" if y < 2018 else "periode_masa_depan"
            issues.append(CellIssue(i, "periode", per[i] or y, message(rule, nilai=y)))
        tahun.append(y)
        semester.append(s)
        periode.append(f"{y}-S{s}" if s else str(y))
    records: dict[str, list[Any]] = {
        "kode_perpustakaan": kode,
        "periode": periode,
        "tahun": tahun,
        "semester": semester,
    }
    for c in (*CIEL_DIMENSIONS, *STRATEGY_SELF_RATINGS):
        if c not in p.columns:
            continue
        col = p.columns[c]
        scale = _score_scale(p.headers.get(c, c), col)
        out: list[float | None] = []
        for i, x in enumerate(col):
            if x is None:
                out.append(None)
            elif scale == 5 and 1 <= x <= 5:
                out.append(round((x - 1.0) * 25.0, 4))
            elif scale == 100 and 0 <= x <= 100:
                out.append(float(x))
            else:
                issues.append(CellIssue(i, c, p.raw[c][i], message("skor", nilai=x)))
                out.append(None)
        records[c] = out
    provided = list(records)
    return Validated("penilaian_mandiri", records, list(range(n)), provided, issues)


def validate_context(p: ParsedSheet, ref: Reference, sheet_name: str) -> Validated:
    issues = list(p.issues)
    n = len(p.file_rows)
    _required(p, "tahun", issues)
    names = _area_rows(p, n)
    code_cols = [
        c for c in ("kode_kabupaten_kota", "kode_wilayah", "kode_provinsi") if c in p.columns
    ]
    notes: list[CellIssue] = []
    kode: list[str | None] = []
    for i in range(n):
        evidence: dict[str, str] = {}
        bad = False
        for c in code_cols:
            k = p.columns[c][i]
            if k is None:
                continue
            if ref.wilayah and k not in ref.wilayah:
                issues.append(CellIssue(i, c, p.raw[c][i], message("kode_tidak_dikenal", nilai=k)))
                bad = True
            else:
                evidence[c] = k
        res = resolve_area(names[i], ref, evidence)
        if res.problems:
            raw = {c: p.raw[c][i] for c in code_cols}
            issues.extend(area_issues(i, res, p.headers, raw))
        elif res.kode is None and not bad:
            col = "kode_provinsi" if "kode_provinsi" in p.columns or not names[i] else "provinsi"
            issues.append(CellIssue(i, col, None, message("wilayah_kosong")))
        else:
            notes.extend(area_notes(i, res, p.headers))
        kode.append(None if bad or res.problems else res.kode)
    # values: long form (indikator + nilai) or one column per indicator (nilai_iplm, tgm ...)
    value_cols: list[tuple[str | None, str]] = [
        (CONTEXT_INDICATORS[c], c) for c in CONTEXT_INDICATORS if c in p.columns
    ]
    if "nilai" in p.columns:
        value_cols.append((None, "nilai"))
    indikator_col = p.columns.get("indikator")
    default_name = v.fold(sheet_name).upper().replace(" ", "_") or "NILAI"
    syn = load_synonyms()
    vocab = load_vocabulary()
    # a unit as people write it ("%", "Persen", "Indeks"): the vocabulary's word, else as written
    satuan = [
        (vocab.match(UNIT_VOCAB, s) or s) if s else s for s in p.columns.get("satuan", [None] * n)
    ]
    records: dict[str, list[Any]] = {
        "kode_wilayah": [],
        "tingkat": [],
        "indikator": [],
        "tahun": [],
        "nilai": [],
        "satuan": [],
    }
    record_row: list[int] = []
    for i in range(n):
        for name, col in value_cols:
            x = p.columns[col][i]
            if x is None and len(value_cols) > 1:
                continue
            ind = name or (indikator_col[i] if indikator_col else None) or default_name
            known = syn.match(str(ind)) if not name else None
            if known in CONTEXT_INDICATORS:  # "Tingkat Gemar Membaca" -> TGM
                ind = CONTEXT_INDICATORS[known]
            records["kode_wilayah"].append(kode[i])
            records["tingkat"].append(_tingkat(kode[i]) if kode[i] else None)
            records["indikator"].append(str(ind).strip().upper() if len(str(ind)) <= 6 else ind)
            records["tahun"].append(p.columns["tahun"][i])
            records["nilai"].append(x)
            records["satuan"].append(satuan[i])
            record_row.append(i)
    provided = ["kode_wilayah", "tingkat", "indikator", "tahun", "nilai"]
    if "satuan" in p.columns:
        provided.append("satuan")
    return Validated("indikator_konteks", records, record_row, provided, issues, notes)


def validate(kind: str, p: ParsedSheet, ref: Reference, sheet_name: str) -> Validated:
    if kind == "laporan_bulanan":
        return validate_monthly(p, ref)
    if kind == "perpustakaan":
        return validate_register(p, ref)
    if kind == "target":
        return validate_target(p, ref)
    if kind == "penilaian_mandiri":
        return validate_self_assessment(p, ref)
    return validate_context(p, ref, sheet_name)
