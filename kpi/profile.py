"""The profile of one place (a province, a kab/kota or a library): what the engine lacks for it.

- which place a code names, and a library's register details;
- the monthly series of the main flows for the place;
- the place beside its peers (value, median, rank);
- the coaching tier at several past window ends (flag history);
- context indicators (IPLM, TGM) and the IPLM band;
- the reading of the 5A funnel (Aware missing, conversions above 100%) and of the CIEL gap.

SQL only here; every value from a user is a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from kpi.catalogue import catalogue
from kpi.columns import MONTHLY_COLUMNS
from kpi.periods import add_months
from kpi.queries import context, regions, register, reports
from kpi.queries.register import library_index as library_index
from kpi.queries.search import SEARCH_LIMIT as SEARCH_LIMIT
from kpi.queries.search import search_places as search_places
from kpi.schema import CONTACT_COLUMNS
from kpi.scope import Filters, norm_kode
from kpi.store import Store
from kpi.vocab import TIERS, Tier

TINGKAT: tuple[str, ...] = ("perpustakaan", "kabupaten_kota", "provinsi")
# the monthly columns a series may sum (the report's flows)
SERIES_ALLOWED: frozenset[str] = frozenset(c.name for c in MONTHLY_COLUMNS if c.kind == "flow")
REGISTER_COLUMNS: tuple[str, ...] = (
    "jenis",
    "tahun_bergabung",
    "jenis_dukungan",
    "penduduk",
    *CONTACT_COLUMNS,
)
# IPLM bands of kpi-catalogue.md: lower edge -> band id (half-open, upwards)
IPLM_BANDS: tuple[tuple[float, str], ...] = (
    (90.0, "sangat_tinggi"),
    (80.0, "tinggi"),
    (50.0, "sedang"),
    (30.0, "rendah"),
    (-math.inf, "sangat_rendah"),
)
FUNNEL_STAGES: tuple[str, ...] = ("aware", "appeal", "ask", "act", "advocate")


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _clean(v: Any) -> Any:
    """A value from a frame as plain Python (NaN/NA -> None)."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


# ---------------------------------------------------------------------------------------------
# Which place


def find_place(store: Store, tingkat: str, kode: str | None) -> dict[str, Any] | None:
    """The place a code names, or None when the store does not know it.

    Keys: kode, tingkat, nama, kode_provinsi, provinsi, kode_kabupaten_kota, kabupaten_kota,
    perpustakaan (partner libraries in the place; 1 for a library), and for a library its
    register columns (REGISTER_COLUMNS).
    """
    if tingkat not in TINGKAT or kode is None or not str(kode).strip():
        return None
    kode = str(kode).strip()
    if tingkat == "perpustakaan":
        frame = register.library_place(store, kode, REGISTER_COLUMNS)
        if frame.empty:
            return None
        out = {c: _clean(v) for c, v in frame.iloc[0].items()}
        out["tingkat"] = tingkat
        out["perpustakaan"] = 1
        return out
    area = norm_kode(kode)
    frame = regions.area_place(store, tingkat, area)
    if frame.empty:
        return None
    row = frame.iloc[0]
    prov = tingkat == "provinsi"
    return {
        "kode": str(row["kode"]),
        "tingkat": tingkat,
        "nama": str(row["nama"]),
        "kode_provinsi": str(row["kode"]) if prov else _clean(row["kode_induk"]),
        "provinsi": str(row["nama"]) if prov else _clean(row["nama_induk"]),
        "kode_kabupaten_kota": None if prov else str(row["kode"]),
        "kabupaten_kota": None if prov else str(row["nama"]),
        "perpustakaan": int(row["perpustakaan"]),
    }


def guess_tingkat(kode: str) -> str:
    """The level a code names when a link does not say: a Kemendagri code of 2 digits is a
    province, of 4 digits a kab/kota (dots allowed); anything else is a library code.
    """
    digits = str(kode).strip().replace(".", "")
    if digits.isdigit() and len(digits) == 2:
        return "provinsi"
    if digits.isdigit() and len(digits) == 4:
        return "kabupaten_kota"
    return "perpustakaan"


def place_filters(place: Mapping[str, Any], view_filters: Filters | None = None) -> Filters:
    """The libraries a place's own figures cover: an area's, within the view's non-geographic
    filters (level, cohort, support); a library stands for itself, whatever the view's filters.
    """
    base = (view_filters or Filters()).without_geography()
    if place["tingkat"] == "perpustakaan":  # the view's scope still holds
        return Filters(provinsi=place.get("kode_provinsi"), wilayah=base.wilayah)
    if place["tingkat"] == "provinsi":
        return replace(base, provinsi=place["kode"])
    return replace(base, provinsi=place.get("kode_provinsi"), kabupaten_kota=place["kode"])


def peer_filters(place: Mapping[str, Any], view_filters: Filters | None = None) -> Filters:
    """The rows of the KPI table that hold the place and its peers: a library and the libraries
    of its level in its province (a provincial library: every provincial library), a kab/kota
    and the other kab/kota of its province, a province and the other provinces.
    """
    base = (view_filters or Filters()).without_geography()
    if place["tingkat"] == "perpustakaan":
        jenis = place.get("jenis")
        if jenis == "provinsi":
            return Filters(jenis="provinsi", wilayah=base.wilayah)
        return Filters(provinsi=place.get("kode_provinsi"), jenis=jenis, wilayah=base.wilayah)
    if place["tingkat"] == "kabupaten_kota":
        return replace(base, provinsi=place.get("kode_provinsi"))
    return base


# ---------------------------------------------------------------------------------------------
# Monthly series


def monthly_series(
    store: Store,
    place: Mapping[str, Any],
    first: date,
    last: date,
    filters: Filters | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per month from ``first`` to ``last``: the sums of ``columns`` (default: the
    catalogue's profile trends, ``profil.tren`` and ``profil.tren_wilayah``) over the place's
    libraries (only reported values; a month with none is empty, not 0) and
    ``perpustakaan_melapor``, the libraries that sent a report that month.
    """
    if columns is None:
        cat = catalogue()
        columns = cat.monthly_columns((*cat.profil_tren, *cat.profil_tren_wilayah))
    for c in columns:
        if c not in SERIES_ALLOWED:
            raise ValueError(f"not a series column: {c!r}")
    column = {"perpustakaan": "kode_perpustakaan", "provinsi": "kode_provinsi"}.get(
        str(place["tingkat"]), "kode_kabupaten_kota"
    )
    frame = reports.monthly_sums(store, column, str(place["kode"]), first, last, filters, columns)
    frame["periode"] = pd.to_datetime(frame["periode"])
    return frame


# ---------------------------------------------------------------------------------------------
# Peers


def peer_comparison(
    table: pd.DataFrame,
    kode: str,
    columns: Iterable[str],
    lower_is_better: Iterable[str] = (),
) -> pd.DataFrame:
    """The place beside its peers, per column of ``table`` (one row per unit, ``kode`` column).

    Peers are the other rows. Columns: kolom, nilai (the place's), median, minimum, maksimum
    (over the peers' non-empty values, the place excluded), peringkat (1 = best among the place
    and its peers with a value; empty when the place has none) and n (units ranked).
    """
    lower = set(lower_is_better)
    rows = []
    own = table[table["kode"].astype(str) == str(kode)]
    others = table[table["kode"].astype(str) != str(kode)]
    for c in columns:
        value = float(own[c].iloc[0]) if len(own) and not _nan(own[c].iloc[0]) else math.nan
        peers = pd.to_numeric(others[c], errors="coerce").dropna().astype(float)
        ranked = [*peers.tolist(), *([] if math.isnan(value) else [value])]
        if math.isnan(value):
            rank: float = math.nan
        elif c in lower:
            rank = 1 + sum(1 for v in peers if v < value)
        else:
            rank = 1 + sum(1 for v in peers if v > value)
        rows.append(
            {
                "kolom": c,
                "nilai": value,
                "median": float(peers.median()) if len(peers) else math.nan,
                "minimum": float(peers.min()) if len(peers) else math.nan,
                "maksimum": float(peers.max()) if len(peers) else math.nan,
                "peringkat": rank,
                "n": len(ranked),
            }
        )
    return pd.DataFrame(
        rows, columns=["kolom", "nilai", "median", "minimum", "maksimum", "peringkat", "n"]
    )


# ---------------------------------------------------------------------------------------------
# Flag history


def quarter_ends(end: date, n: int) -> list[date]:
    """``end`` (a month) and the ends of the quarters before it: ``n`` months, oldest first.

    2025-12 with n=4 -> 2025-03, 2025-06, 2025-09, 2025-12; 2025-11 -> 2025-03, 2025-06,
    2025-09, 2025-11.
    """
    end = end.replace(day=1)
    out = [end]
    d = add_months(end, -((end.month % 3) or 3))
    while len(out) < n:
        out.append(d)
        d = add_months(d, -3)
    return sorted(out)


def tier_history(
    evaluations: Mapping[date, pd.DataFrame], place: Mapping[str, Any]
) -> pd.DataFrame:
    """The place's coaching flags at each window end (``evaluations``: end -> coaching.evaluate).

    A library: akhir, tier (Tier.TANPA_TANDA when unflagged, empty when not evaluated), points,
    quadrant, reasons. An area: akhir, perpustakaan (libraries evaluated), jumlah_<tier> for
    each tier and tanpa_tanda, porsi_prioritas (percent in prioritas_1 or 2) and tier_sendiri
    (the tier of the area's own kab/kota or provincial library, when it is a partner) with
    reasons_sendiri (its reasons).
    """
    rows = []
    tingkat = place["tingkat"]
    for akhir in sorted(evaluations):
        ev = evaluations[akhir]
        row: dict[str, Any] = {"akhir": akhir}
        if tingkat == "perpustakaan":
            own = ev[ev["kode"].astype(str) == str(place["kode"])]
            if own.empty:
                row.update(tier=None, points=math.nan, quadrant=None, reasons=[])
            else:
                r = own.iloc[0]
                row.update(
                    tier=_clean(r["tier"]) or Tier.TANPA_TANDA,
                    points=float(r["points"]) if not _nan(r["points"]) else math.nan,
                    quadrant=_clean(r["quadrant"]),
                    reasons=list(r["reasons"]) if isinstance(r["reasons"], list) else [],
                )
        else:
            key = f"kode_{tingkat}"
            libs = ev[ev[key].astype(str) == str(place["kode"])]
            tiers = libs["tier"].fillna(Tier.TANPA_TANDA)
            row["perpustakaan"] = len(libs)
            for t in (*TIERS, Tier.TANPA_TANDA):
                row[f"jumlah_{t}"] = int((tiers == t).sum())
            prioritas = row["jumlah_prioritas_1"] + row["jumlah_prioritas_2"]
            row["porsi_prioritas"] = 100.0 * prioritas / len(libs) if len(libs) else math.nan
            own = libs[libs["jenis"] == tingkat]
            row["tier_sendiri"] = (
                (_clean(own["tier"].iloc[0]) or Tier.TANPA_TANDA) if len(own) else None
            )
            reasons = own["reasons"].iloc[0] if len(own) else None
            row["reasons_sendiri"] = list(reasons) if isinstance(reasons, list) else []
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Context indicators


def context_indicators(store: Store, kodes: Sequence[str]) -> pd.DataFrame:
    """The context indicators (IPLM, TGM ...) stored for these areas, every year."""
    return context.of_areas(store, [str(norm_kode(k)) for k in kodes if k and norm_kode(k)])


def context_for_year(frame: pd.DataFrame, tahun: int) -> pd.DataFrame:
    """Per area and indicator, the value of ``tahun`` or else the latest year before it."""
    data = frame[frame["tahun"].astype(int) <= int(tahun)]
    if data.empty:
        return data.reset_index(drop=True)
    data = data.sort_values("tahun")
    return (
        data.groupby(["kode_wilayah", "indikator"], as_index=False).tail(1).reset_index(drop=True)
    )


def iplm_band(value: float | None) -> str | None:
    """sangat_rendah < 30, rendah 30-49.9, sedang 50-79.9, tinggi 80-89.9, sangat_tinggi >= 90."""
    if _nan(value):
        return None
    for edge, band in IPLM_BANDS:
        if float(value) >= edge:  # type: ignore[arg-type]
            return band
    return None


# ---------------------------------------------------------------------------------------------
# 5A funnel and CIEL


def funnel_reading(
    row: Mapping[str, Any], stages: Sequence[str], conversions: Sequence[str]
) -> dict[str, Any]:
    """How to read a place's 5A row (from compute.funnel_5a: every bar and ratio from the same
    library-months).

    Returns aware_reported (bool), stages (the stage ids to draw: from Appeal when Aware is not
    reported), base (the first drawn stage: the others are shown per 100 of it), nested (every
    drawn stage at most the one before: a narrowing funnel; otherwise the stages are counts of
    different things, drawn side by side), over_100 (the conversion ids above 100%), has_data
    (any stage reported), months (library-months used) and months_any (library-months
    reporting any stage).
    """
    values = [None if _nan(row.get(s)) else float(row[s]) for s in stages]
    aware = values[0] is not None and values[0] > 0
    if "aware_dilaporkan" in row and not _nan(row.get("aware_dilaporkan")):
        aware = aware and bool(row["aware_dilaporkan"])
    drawn = list(stages) if aware else list(stages[1:])
    shown = [values[list(stages).index(s)] for s in drawn]
    computed = all(v is not None for v in shown) and all(
        shown[i + 1] <= shown[i]  # type: ignore[operator]
        for i in range(len(shown) - 1)
    )
    nested = bool(row["bertingkat"]) if "bertingkat" in row else computed
    over = [c for c in conversions if not _nan(row.get(c)) and float(row[c]) > 100.0]
    return {
        "aware_reported": aware,
        "stages": drawn,
        "base": drawn[0] if drawn else None,
        "nested": nested,
        "over_100": over,
        "has_data": any(v is not None for v in values),
        "months": _clean(row.get("bulan_funnel")),
        "months_any": _clean(row.get("bulan_5a")),
    }


def ciel_gap(
    ciel: float | None, skor: float | None, far: float = 30.0, near: float = 10.0
) -> tuple[float | None, str | None]:
    """Self-assessment against the measured score: (gap in points, reading).

    Readings: jauh_di_atas (gap >= far, coaching rule R6), di_atas (>= near), sejalan (within
    near either way), di_bawah (<= -near); (None, None) when either is missing.
    """
    if _nan(ciel) or _nan(skor):
        return None, None
    gap = float(ciel) - float(skor)  # type: ignore[arg-type]
    if gap >= far:
        return gap, "jauh_di_atas"
    if gap >= near:
        return gap, "di_atas"
    if gap <= -near:
        return gap, "di_bawah"
    return gap, "sejalan"
