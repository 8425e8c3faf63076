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

from kpi.columns import CIEL_DIMENSIONS, STRATEGY_SELF_RATINGS
from kpi.ingest import values as v
from kpi.ingest.header import load_synonyms
from kpi.ingest.kinds import AREA_NAME_COLUMNS, CONTEXT_INDICATORS, MONTHLY_INDICATORS
from kpi.ingest.messages import message, suggestions_text
from kpi.ingest.parse import CellIssue, ParsedSheet
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
    _area_cache: dict[tuple[str, ...], Any] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store, today: date | None = None) -> Reference:
        ref = cls(today=today or date.today())
        reg = store.query(
            "SELECT kode_perpustakaan, nama_perpustakaan, kode_wilayah, penduduk FROM perpustakaan"
        )
        for kode, nama, wil, pend in reg.itertuples(index=False, name=None):
            ref.add_library(str(kode), str(nama), str(wil or ""), _num(pend))
        ref.wilayah = set(store.query("SELECT kode FROM wilayah")["kode"].astype(str))
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


@dataclass(frozen=True)
class AreaResult:
    kode: str | None
    rule: str | None = None  # None when found
    nilai: str = ""
    suggestions: tuple[tuple[str, str], ...] = ()


def _places() -> Any:
    try:
        from kpi import places
    except ImportError:  # the gazetteer module is not available: names cannot be matched
        return None
    return places


def resolve_area(names: dict[str, str | None], ref: Reference) -> AreaResult:
    """The deepest area named by provinsi / kabupaten_kota / kecamatan / desa_kelurahan."""
    key = tuple(names.get(c) or "" for c in AREA_NAME_COLUMNS)
    if key in ref._area_cache:
        return ref._area_cache[key]  # type: ignore[no-any-return]
    result = _resolve_area(dict(zip(AREA_NAME_COLUMNS, key, strict=True)))
    ref._area_cache[key] = result
    return result


def _resolve_area(names: dict[str, str]) -> AreaResult:
    places = _places()
    if not any(names.values()):
        return AreaResult(None, "wilayah_kosong")
    deepest = [c for c in AREA_NAME_COLUMNS if names[c]][-1]
    if places is None:
        return AreaResult(None, "wilayah_tidak_dikenal", names[deepest])
    kode: str | None = None
    for col in AREA_NAME_COLUMNS:
        name = names[col]
        if not name:
            continue
        m = _match(places, col, name, kode)
        candidates = list(m.candidates)
        if kode and m.status != "exact":
            # the matcher could only be narrowed to a wider area: narrow its candidates here
            inside = [(k, n) for k, n in candidates if str(k).startswith(kode)]
            if len(inside) == 1:
                kode = str(inside[0][0])
                continue
            candidates = inside or candidates
        if m.status == "exact" and m.kode and (not kode or str(m.kode).startswith(kode)):
            kode = m.kode
            continue
        if m.status == "ambiguous" and candidates:
            return AreaResult(None, "wilayah_ambigu", name, tuple(candidates))
        return AreaResult(None, "wilayah_tidak_dikenal", name, tuple(m.suggestions))
    return AreaResult(kode)


def _match(places: Any, col: str, name: str, parent: str | None) -> Any:
    """The gazetteer's match for one level, narrowed by the parent area where it can be."""
    n = len(parent or "")
    if col == "provinsi":
        return places.match_provinsi(name)
    if col == "kabupaten_kota":
        return places.match_kabupaten_kota(name, kode_provinsi=parent if n == 2 else None)
    if col == "kecamatan":
        return places.match_kecamatan(name, kode_kabupaten_kota=parent if n == 4 else None)
    if n == 6:
        return places.match_desa_kelurahan(name, kode_kecamatan=parent)
    return places.match_desa_kelurahan(name, kode_kabupaten_kota=parent if n == 4 else None)


def area_issue(i: int, column: str, res: AreaResult) -> CellIssue:
    s_id, s_en = suggestions_text(list(res.suggestions))
    if res.rule == "wilayah_ambigu":
        s_id, s_en = s_id.replace(" Mungkin maksud Anda: ", ""), s_en.replace(" Did you mean: ", "")
    msg = message(res.rule or "wilayah_tidak_dikenal", nilai=res.nilai, saran=s_id, saran_en=s_en)
    return CellIssue(i, column, res.nilai, msg)


# ---------------------------------------------------------------------------------------------
# libraries


def resolve_library(
    i: int,
    kode: str | None,
    nama: str | None,
    area: dict[str, str | None],
    ref: Reference,
    issues: list[CellIssue],
) -> str | None:
    if kode:
        if kode in ref.libraries:
            return kode
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
    if candidates and any(area.values()):
        res = resolve_area(area, ref)
        if res.kode:
            candidates = [
                k for k in candidates if ref.libraries[k].kode_wilayah.startswith(res.kode)
            ]
        else:
            issues.append(area_issue(i, _deepest(area), res))
            return None
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


def _deepest(area: dict[str, str | None]) -> str:
    filled = [c for c in AREA_NAME_COLUMNS if area.get(c)]
    return filled[-1] if filled else "kode_wilayah"


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
            out.append(resolve_library(i, k, nama[i], areas[i], ref, issues))
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


def validate_register(p: ParsedSheet, ref: Reference) -> Validated:
    issues = list(p.issues)
    n = len(p.file_rows)
    for c in ("kode_perpustakaan", "nama_perpustakaan"):
        _required(p, c, issues)
    codes = p.columns.get("kode_wilayah", [None] * n)
    areas = _area_rows(p, n)
    wilayah: list[str | None] = []
    for i in range(n):
        k = codes[i]
        if k is not None:
            if ref.wilayah and k not in ref.wilayah:
                issues.append(
                    CellIssue(
                        i,
                        "kode_wilayah",
                        p.raw["kode_wilayah"][i],
                        message("kode_tidak_dikenal", nilai=k),
                    )
                )
                wilayah.append(None)
            else:
                wilayah.append(k)
            continue
        res = resolve_area(areas[i], ref)
        if res.kode:
            wilayah.append(res.kode)
        else:
            if res.rule == "wilayah_kosong":
                issues.append(CellIssue(i, "kode_wilayah", None, message("wilayah_kosong")))
            else:
                issues.append(area_issue(i, _deepest(areas[i]), res))
            wilayah.append(None)
    for c, lo, hi in (("latitude", -11.5, 6.5), ("longitude", 94.0, 141.5)):
        for i, x in enumerate(p.columns.get(c, [])):
            if x is not None and not lo <= x <= hi:
                issues.append(CellIssue(i, c, p.raw[c][i], message("koordinat", nilai=x)))
    # jenis: as written, else read from the area code (2, 4 or 10 digits)
    jenis = list(p.columns.get("jenis", [None] * n))
    flagged = {c.row for c in issues if c.column == "jenis"}
    for i in range(n):
        if jenis[i] is None and i not in flagged:
            from_code = LIBRARY_LEVEL_OF_LENGTH.get(len(wilayah[i] or ""))
            if from_code:
                jenis[i] = from_code
            elif wilayah[i] is not None or "jenis" in p.columns:
                issues.append(CellIssue(i, "jenis", None, message("wajib", kolom="jenis")))
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
        "alamat",
        "kontak_nama",
        "kontak_telepon",
        "kontak_email",
    ):
        if c in p.columns:
            records[c] = p.columns[c]
            provided.append(c)
    return Validated("perpustakaan", records, list(range(n)), provided, issues)


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
    kab = p.columns.get("kode_kabupaten_kota", [None] * n)
    prov = p.columns.get("kode_provinsi", [None] * n)
    wil = p.columns.get("kode_wilayah", [None] * n)
    prov_name = p.columns.get("provinsi", [None] * n)
    kab_name = p.columns.get("kabupaten_kota", [None] * n)
    kode: list[str | None] = []
    for i in range(n):
        k = kab[i] or wil[i] or prov[i]
        if k is None:
            res = resolve_area({"provinsi": prov_name[i], "kabupaten_kota": kab_name[i]}, ref)
            if res.kode is None:
                col = "kabupaten_kota" if kab_name[i] else "provinsi"
                issues.append(area_issue(i, col, res))
            k = res.kode
        elif ref.wilayah and k not in ref.wilayah:
            issues.append(CellIssue(i, "kode_provinsi", k, message("kode_tidak_dikenal", nilai=k)))
            k = None
        kode.append(k)
    # values: long form (indikator + nilai) or one column per indicator (nilai_iplm, tgm ...)
    value_cols: list[tuple[str | None, str]] = [
        (CONTEXT_INDICATORS[c], c) for c in CONTEXT_INDICATORS if c in p.columns
    ]
    if "nilai" in p.columns:
        value_cols.append((None, "nilai"))
    indikator_col = p.columns.get("indikator")
    default_name = v.fold(sheet_name).upper().replace(" ", "_") or "NILAI"
    syn = load_synonyms()
    satuan = p.columns.get("satuan", [None] * n)
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
    return Validated("indikator_konteks", records, record_row, provided, issues)


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
