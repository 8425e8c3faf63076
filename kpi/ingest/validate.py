"""Step 5, validate: the rules of the data contract per kind, and the references.

Libraries in reports are found by code, or by name (and area) against the register (the store's
plus the register rows of the same import); areas by code, or by name through the gazetteer.
Ambiguous or unknown ones are errors with suggestions, never guesses. The result per sheet is
the records for the kind's table and the issues; a row with any issue is rejected as a whole.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from kpi.columns import CIEL_DIMENSIONS, STRATEGY_SELF_RATINGS
from kpi.ingest import values as v
from kpi.ingest.header import load_synonyms
from kpi.ingest.kinds import CONTEXT_INDICATORS, MONTHLY_INDICATORS
from kpi.ingest.messages import message, suggestions_text
from kpi.ingest.parse import CellIssue, ParsedSheet
from kpi.ingest.reference import FIRST_PERIOD as FIRST_PERIOD
from kpi.ingest.reference import (
    LIBRARY_LEVEL_OF_LENGTH,
    PEOPLE_COUNTS,
    TINGKAT_OF_LENGTH,
    Reference,
)
from kpi.ingest.reference import Library as Library
from kpi.ingest.reference import name_key as name_key
from kpi.ingest.resolve import AREA_CODE_COLUMNS as AREA_CODE_COLUMNS
from kpi.ingest.resolve import (
    Validated,
    _area_rows,
    _library_codes,
    _periods,
    _required,
    _shown_code,
    area_issues,
    area_notes,
    embedded_code,
    resolve_area,
)
from kpi.ingest.resolve import resolve_library as resolve_library
from kpi.ingest.vocab import UNIT_VOCAB, load_vocabulary
from kpi.schema import CONTACT_COLUMNS


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
        if _all_below(col, 1000):
            continue
        for i, x in enumerate(col):
            if x is None or x < 1000 or kode[i] is None:
                continue
            pend = ref.libraries[kode[i]].penduduk  # type: ignore[index]
            if pend and x > 100 * pend:
                issues.append(
                    CellIssue(i, c, p.raw[c][i], message("tidak_wajar", nilai=x, penduduk=pend))
                )
    return Validated("laporan_bulanan", records, list(range(len(kode))), provided, issues)


def _all_below(values: list[Any], limit: float) -> bool:
    """Every value given (not None) is a number under ``limit`` > 0 (False when unsure: a
    NaN first, a value that is no number)."""
    try:
        top = max(filter(None, values), default=0)  # None and 0 are under it
    except TypeError:
        return False
    return isinstance(top, int | float) and top < limit


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
        cells = p.columns[c]
        scale = _score_scale(p.headers.get(c, c), cells)
        out: list[float | None] = []
        for i, x in enumerate(cells):
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
            raw: dict[str, Any] = {c: p.raw[c][i] for c in code_cols}
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
            code = kode[i]
            records["tingkat"].append(_tingkat(code) if code else None)
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
