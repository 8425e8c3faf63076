"""Capture areas in the importer: which rows an import (or an undo) may touch.

A ``CaptureScope`` (kpi.access) says, per table, the areas a user may write. The dry run rejects
each row outside it with its reason, in the same report as every other problem, and the rest is
imported as usual:
- register rows by their own area, and a library already registered elsewhere also by its
  stored area (moving a library into your area from another one is writing in the other one);
- monthly reports and self-assessments by their library's area;
- targets by their area code (national targets only with the whole country; library targets by
  the library's area), context indicators by their area code.
A table the scope does not list (a leader's import, an analyst's targets) is refused row by row.

The commit and the undo check again inside their write transaction, against the store as it is
then (``plan_areas``, ``batch_areas``, ``outside``): a dry run made before an administrator
changed a grant or moved a library cannot write outside the areas.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kpi.access import KIND_LABELS, AccessDeniedError, CaptureScope, Principal, role_label
from kpi.ingest.messages import message
from kpi.ingest.parse import CellIssue, ParsedSheet

if TYPE_CHECKING:
    import duckdb

    from kpi.ingest.plan import Plan
    from kpi.ingest.validate import Reference, Validated

# the column an issue is put on, per kind: the first one the sheet has
_ISSUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "perpustakaan": (
        "kode_wilayah",
        "desa_kelurahan",
        "kecamatan",
        "kabupaten_kota",
        "provinsi",
        "kode_perpustakaan",
    ),
    "laporan_bulanan": ("kode_perpustakaan", "nama_perpustakaan"),
    "penilaian_mandiri": ("kode_perpustakaan", "nama_perpustakaan"),
    "target": ("kode", "tingkat", "kpi"),
    "indikator_konteks": (
        "kode_kabupaten_kota",
        "kode_wilayah",
        "kode_provinsi",
        "kabupaten_kota",
        "provinsi",
    ),
}
_SHOWN = 60


def area_label(code: str | None) -> str:
    """'Kabupaten Sukabumi (32.02)': the kab/kota of a longer code, '-' for none."""
    from kpi import places

    if not code:
        return "-"
    shown = code[:4] if len(code) >= 4 else code[:2]
    try:
        dotted = places.format_kode(shown)
    except ValueError:
        return code
    return f"{places.region_name(shown) or shown} ({dotted})"


def _short(text: Any) -> str:
    s = str(text)
    return s if len(s) <= _SHOWN else s[: _SHOWN - 1] + "…"


def _outside_message(scope_label: tuple[str, str], what: tuple[str, str]) -> Any:
    return message(
        "di_luar_wilayah",
        wilayah=scope_label[0],
        wilayah_en=scope_label[1],
        apa=what[0],
        apa_en=what[1],
    )


def capture_issues(
    kind: str,
    val: Validated,
    parsed: ParsedSheet,
    ref: Reference,
    scope: CaptureScope,
    stored_areas: dict[str, str],
) -> list[CellIssue]:
    """An issue for every data row with a record outside ``scope`` (at most one per row).

    ``stored_areas``: library code -> area as the store held it before this import."""
    col = next((c for c in _ISSUE_COLUMNS[kind] if c in parsed.columns), _ISSUE_COLUMNS[kind][0])
    raw = parsed.raw.get(col)

    def issue(i: int, msg: Any) -> CellIssue:
        return CellIssue(i, col, raw[i] if raw is not None else None, msg)

    already = {c.row for c in val.issues}
    rows_done: set[int] = set()
    out: list[CellIssue] = []
    areas = scope.areas(kind)
    if areas is None:
        label = KIND_LABELS.get(kind, (kind, kind))
        msg = message(
            "jenis_tidak_diizinkan",
            peran=role_label(scope.role, "id"),
            peran_en=role_label(scope.role, "en"),
            jenis=label[0],
            jenis_en=label[1],
        )
        for i in dict.fromkeys(val.record_row):
            out.append(issue(i, msg))
        return out
    scope_label = (areas.label("id"), areas.label("en"))
    rec = val.records
    for j, i in enumerate(val.record_row):
        if i in rows_done:
            continue
        what = _violation(kind, rec, j, ref, areas.covers, stored_areas, i in already)
        if what is not None:
            rows_done.add(i)
            out.append(issue(i, _outside_message(scope_label, what)))
    return out


def _violation(
    kind: str,
    rec: dict[str, list[Any]],
    j: int,
    ref: Reference,
    covers: Any,
    stored_areas: dict[str, str],
    has_issue: bool,
) -> tuple[str, str] | None:
    """What lies outside, as (Indonesian, English) text, or None when the record is inside
    (or its place is unknown because of another problem of the row, already reported)."""
    if kind == "perpustakaan":
        area = rec["kode_wilayah"][j]
        kode = rec["kode_perpustakaan"][j]
        if area is None:
            if has_issue:
                return None
            return ("wilayah baris ini tidak diketahui", "this row's area is unknown")
        if not covers(area):
            where = area_label(area)
            return (f"wilayah baris ini {where}", f"this row's area is {where}")
        old = stored_areas.get(kode) if kode else None
        if old and old != area and not covers(old):
            where = area_label(old)
            return (
                f"perpustakaan {_short(kode)} tercatat di {where}",
                f"the library {_short(kode)} is registered in {where}",
            )
        return None
    if kind in ("laporan_bulanan", "penilaian_mandiri"):
        kode = rec["kode_perpustakaan"][j]
        if kode is None:
            return None  # an unknown library: reported as such
        outside = _library_outside(ref, kode, covers)
        if outside is None:
            return None
        return (
            f"perpustakaan {_short(kode)} ada di {outside}",
            f"the library {_short(kode)} is in {outside}",
        )
    if kind == "target":
        tingkat, kode = rec["tingkat"][j], rec["kode"][j]
        if tingkat is None or (tingkat != "nasional" and not kode) or has_issue:
            return None
        if tingkat == "nasional":
            if covers(""):
                return None
            return ("target nasional", "a national target")
        if tingkat == "perpustakaan":
            outside = _library_outside(ref, kode, covers)
            if outside is None:
                return None
            return (
                f"target perpustakaan {_short(kode)} di {outside}",
                f"the target of library {_short(kode)} in {outside}",
            )
        if covers(kode):
            return None
        where = area_label(kode)
        return (f"target untuk {where}", f"a target for {where}")
    # indikator_konteks
    area = rec["kode_wilayah"][j]
    if area is None or covers(area):
        return None
    where = area_label(area)
    return (f"indikator untuk {where}", f"an indicator for {where}")


def _library_outside(ref: Reference, kode: str, covers: Any) -> str | None:
    """The place of a library outside the areas, as shown; None when it lies inside."""
    lib = ref.libraries.get(kode)
    area = lib.kode_wilayah if lib is not None else None
    return None if covers(area) else area_label(area)


# -- checks inside the write transaction ----------------------------------------------------------


def _library_areas(cur: duckdb.DuckDBPyConnection, codes: Iterable[str]) -> dict[str, str | None]:
    codes = sorted({str(c) for c in codes if c is not None})
    if not codes:
        return {}
    rows = cur.execute(  # a join, not a list search per row: the codes may be many
        "SELECT p.kode_perpustakaan, p.kode_wilayah FROM perpustakaan p "
        "JOIN (SELECT unnest(CAST(? AS VARCHAR[])) AS k) c ON p.kode_perpustakaan = c.k",
        [codes],
    ).fetchall()
    return {str(k): (None if w is None else str(w)) for k, w in rows}


def plan_areas(cur: duckdb.DuckDBPyConnection, plan: Plan) -> set[tuple[str, str | None]]:
    """(table, area) of every record the plan would write, read against the store on ``cur``
    (a library's area from the plan's own register rows, else the store's)."""
    pairs: set[tuple[str, str | None]] = set()
    new_areas: dict[str, str | None] = {}
    reg = plan.tables.get("perpustakaan")
    if reg is not None:
        frame = reg.frame
        if "kode_wilayah" in frame.columns:
            for k, w in zip(frame["kode_perpustakaan"], frame["kode_wilayah"], strict=True):
                new_areas[str(k)] = None if w is None or w != w else str(w)
        stored = _library_areas(cur, new_areas)
        for k, w in new_areas.items():
            pairs.add(("perpustakaan", w))
            if k in stored and stored[k] != w:
                pairs.add(("perpustakaan", stored[k]))
    for table in ("laporan_bulanan", "penilaian_mandiri"):
        tp = plan.tables.get(table)
        if tp is None:
            continue
        codes = set(tp.frame["kode_perpustakaan"].astype(str).unique())
        stored = _library_areas(cur, codes - set(new_areas))
        for k in codes:
            pairs.add((table, new_areas[k] if k in new_areas else stored.get(k)))
    tp = plan.tables.get("target")
    if tp is not None:
        distinct = tp.frame[["tingkat", "kode"]].drop_duplicates()
        libs = [k for t, k in distinct.itertuples(index=False, name=None) if t == "perpustakaan"]
        stored = _library_areas(cur, set(libs) - set(new_areas))
        for t, k in distinct.itertuples(index=False, name=None):
            if t == "nasional":
                pairs.add(("target", ""))
            elif t == "perpustakaan":
                pairs.add(("target", new_areas[k] if k in new_areas else stored.get(k)))
            else:
                pairs.add(("target", None if k is None else str(k)))
    tp = plan.tables.get("indikator_konteks")
    if tp is not None:
        for w in tp.frame["kode_wilayah"].unique():
            pairs.add(("indikator_konteks", None if w is None else str(w)))
    return pairs


def batch_areas(
    cur: duckdb.DuckDBPyConnection, batch_ids: list[str]
) -> set[tuple[str, str | None]]:
    """(table, area) of every row the batches wrote or replaced, as the store holds them."""
    rows = cur.execute(
        """
        SELECT DISTINCT 'perpustakaan', kode_wilayah FROM perpustakaan
            WHERE batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'perpustakaan', kode_wilayah FROM perpustakaan_riwayat
            WHERE diganti_oleh IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'laporan_bulanan', p.kode_wilayah FROM laporan_bulanan t
            LEFT JOIN perpustakaan p USING (kode_perpustakaan)
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'penilaian_mandiri', p.kode_wilayah FROM penilaian_mandiri t
            LEFT JOIN perpustakaan p USING (kode_perpustakaan)
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'target', CASE t.tingkat WHEN 'nasional' THEN ''
                                 WHEN 'perpustakaan' THEN p.kode_wilayah ELSE t.kode END
            FROM target t LEFT JOIN perpustakaan p
              ON t.tingkat = 'perpustakaan' AND p.kode_perpustakaan = t.kode
            WHERE t.batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        UNION SELECT DISTINCT 'indikator_konteks', kode_wilayah FROM indikator_konteks
            WHERE batch_id IN (SELECT unnest(CAST($b AS VARCHAR[])))
        """,
        {"b": list(batch_ids)},
    ).fetchall()
    return {(str(k), None if a is None else str(a)) for k, a in rows}


def outside(
    pairs: Iterable[tuple[str, str | None]], scope: CaptureScope
) -> list[tuple[str, str | None]]:
    """The (table, area) pairs the scope does not allow, sorted."""
    return sorted(
        {(k, a) for k, a in pairs if not scope.allows(k, a)}, key=lambda p: (p[0], p[1] or "")
    )


def provinces(pairs: Iterable[tuple[str, str | None]]) -> list[str]:
    """The provinces a set of (table, area) pairs touches, for an audit event's area."""
    return sorted({a[:2] for _, a in pairs if a})


def refused(
    principal: Principal,
    doing: tuple[str, str],
    bad: list[tuple[str, str | None]],
    scope: CaptureScope,
) -> AccessDeniedError:
    """AccessDeniedError naming what lies outside (up to five places) and the user's areas."""
    places: dict[tuple[str, str], None] = {}
    for kind, area in bad:
        label = KIND_LABELS.get(kind, (kind, kind))
        if area == "":
            places[(f"{label[0]} nasional", f"national {label[1]}")] = None
        else:
            where = area_label(area)  # villages of one kab/kota are named once
            places[(f"{label[0]} di {where}", f"{label[1]} in {where}")] = None
    listed = list(places)[:5]
    more = len(places) - len(listed)
    more_id = f" dan {more} lagi" if more > 0 else ""
    more_en = f" and {more} more" if more > 0 else ""
    kinds = [a for a in scope.by_kind.values()]
    mine_id = kinds[0].label("id") if kinds else "tidak ada"
    mine_en = kinds[0].label("en") if kinds else "none"
    return AccessDeniedError(
        f"Tidak ada akses: {principal.name} (peran {role_label(principal.role, 'id')}) tidak "
        f"boleh {doing[0]}: ada baris di luar wilayahnya ({mine_id}): "
        f"{'; '.join(x for x, _ in listed)}{more_id}.",
        f"No access: {principal.name} (role {role_label(principal.role, 'en')}) may not "
        f"{doing[1]}: rows lie outside their areas ({mine_en}): "
        f"{'; '.join(y for _, y in listed)}{more_en}.",
    )
