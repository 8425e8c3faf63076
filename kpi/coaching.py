"""Coaching priorities (prioritas pembinaan): rules D, R1-R6 and the quadrant Q, with reasons.

Every flag names its rule, the numbers behind it and the window it looked at; every threshold
and point is a setting ("pembinaan" in the store, defaults in kpi/catalogue.yaml).

- Window: the ``jendela_bulan`` months (3, 6 or 12) ending at the selected month.
- D (reporting first): no report in the last 2 expected months of the window, or completeness
  below 80%. A library failing D gets the tier "pelaporan" and no other rule is applied to it.
- R1: score in the lowest band (merah). R2: year-to-date achievement below 60% of the pro-rated
  target of a pillar KPI that has a target (kpi.compute.resolve_targets says which target
  applies to a library). R3: year-on-year change of kunjungan or kegiatan on the 3-month rolling
  sums at the window's end (months reported in both years) at or below -20%, when the earlier
  sum is at least the minimum base. R4: score in the bottom 20% of its province and level
  (cume_dist <= 0.2 among the scored libraries of the same province and jenis). R5: kegiatan = 0
  reported for 3 consecutive months in the window. R6: CIEL index at least 30 points above the
  score. Q: quadrant IV (score below the median of its level, and lower than a year earlier).
- Libraries whose first report is less than 6 months before the window's end are not judged on
  growth (R3 and Q).
- Points add up once per rule; tiers: >= 5 prioritas_1, 3-4 prioritas_2, 1-2 pantau.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.catalogue import SCORE_PILLARS, Catalogue, catalogue
from kpi.compute import Filters, achievement, aggregate, ciel, growth, last_month, targets
from kpi.periods import Period, add_months, months_between, parse_period, window
from kpi.score import bands_of, scored_table
from kpi.score import get_settings as get_score_settings
from kpi.store import Store

SETTINGS_KEY = "pembinaan"
RULES: tuple[str, ...] = ("D", "R1", "R2", "R3", "R4", "R5", "R6", "Q")
TIERS: tuple[str, ...] = ("pelaporan", "prioritas_1", "prioritas_2", "pantau")
# the order of the list handed to field teams
TIER_ORDER: dict[str, int] = {"prioritas_1": 0, "prioritas_2": 1, "pelaporan": 2, "pantau": 3}
QUADRANTS: tuple[str, ...] = ("teladan", "waspada", "berkembang", "prioritas")


def default_settings(cat: Catalogue | None = None) -> dict[str, Any]:
    return (cat or catalogue()).pembinaan_defaults()


def get_settings(store: Store, cat: Catalogue | None = None) -> dict[str, Any]:
    """The rule settings in use: the stored ones over the defaults (merged rule by rule)."""
    merged = default_settings(cat)
    stored = store.get_setting(SETTINGS_KEY, None)
    if isinstance(stored, dict):
        for key, value in stored.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            else:
                merged[key] = value
    return merged


def save_settings(store: Store, settings: Mapping[str, Any]) -> None:
    store.set_setting(SETTINGS_KEY, copy.deepcopy(dict(settings)))


def tier_of(points: float, settings: Mapping[str, Any]) -> str | None:
    t = settings.get("tier") or {}
    if points >= t.get("prioritas_1", 5):
        return "prioritas_1"
    if points >= t.get("prioritas_2", 3):
        return "prioritas_2"
    if points >= t.get("pantau", 1):
        return "pantau"
    return None


def quadrant_of(x: float | None, y: float | None) -> str | None:
    """x: score minus the peer median; y: change of the score against a year earlier."""
    if x is None or y is None or _nan(x) or _nan(y):
        return None
    if x >= 0:
        return "teladan" if y >= 0 else "waspada"
    return "berkembang" if y >= 0 else "prioritas"


def _text(v: Any, lang: str) -> str:
    """A value as shown in a reason: numbers in the language's format, names in the language."""
    if isinstance(v, dict):
        return str(v.get(lang, v.get("id", "")))
    if isinstance(v, int | float) and not isinstance(v, bool):
        decimals = 0 if float(v).is_integer() else 1
        return i18n.format_number(v, lang, decimals)
    return str(v)


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _num(v: Any, decimals: int = 1) -> float | None:
    if _nan(v):
        return None
    return round(float(v), decimals)


def reason(
    rule: str, values: dict[str, Any], text_values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A reason: its rule, its text in both languages (from data/i18n) and its numbers."""
    tv = text_values or values
    out: dict[str, Any] = {"rule": rule}
    for lang in ("id", "en"):
        formatted = {k: _text(v, lang) for k, v in tv.items()}
        out[f"text_{lang}"] = i18n.t(f"coaching.reason.{rule}", lang, **formatted)
    out["values"] = values
    return out


# ---------------------------------------------------------------------------------------------


def _longest_zero_run(store: Store, win: Period, filters: Filters) -> pd.Series:
    """Per library: the longest run of consecutive months reported with kegiatan = 0."""
    params: dict[str, Any] = {"first": win.first, "last": win.last}
    where = filters.sql(params)
    frame = store.query(
        f"""
        WITH z AS (
            SELECT r.kode_perpustakaan,
                   year(r.periode) * 12 + month(r.periode) AS idx
            FROM laporan_bulanan r JOIN perpustakaan p ON p.kode_perpustakaan = r.kode_perpustakaan
            WHERE {where} AND r.periode BETWEEN $first AND $last AND r.kegiatan = 0
        ),
        g AS (
            SELECT kode_perpustakaan,
                   idx - row_number() OVER (PARTITION BY kode_perpustakaan ORDER BY idx) AS grp
            FROM z
        )
        SELECT kode_perpustakaan, max(n) AS n FROM (
            SELECT kode_perpustakaan, grp, count(*) AS n FROM g GROUP BY ALL
        ) GROUP BY kode_perpustakaan
        """,
        params,
    )
    return frame.set_index("kode_perpustakaan")["n"]


def _first_report(store: Store, filters: Filters, last: date) -> pd.Series:
    params: dict[str, Any] = {"last": last}
    where = filters.sql(params)
    frame = store.query(
        f"""
        SELECT r.kode_perpustakaan, min(r.periode) AS pertama
        FROM laporan_bulanan r JOIN perpustakaan p ON p.kode_perpustakaan = r.kode_perpustakaan
        WHERE {where} AND r.periode <= $last GROUP BY 1
        """,
        params,
    )
    return frame.set_index("kode_perpustakaan")["pertama"]


def _region_names(store: Store) -> dict[str, str]:
    names = store.query(
        "SELECT kode, nama FROM wilayah WHERE tingkat IN ('provinsi', 'kabupaten_kota')"
    )
    return dict(zip(names["kode"].tolist(), names["nama"].tolist(), strict=True))


def evaluate(
    store: Store,
    period: str | date | None = None,
    window_months: int | None = None,
    filters: Filters | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Every library of the filter with its rules, points, tier, quadrant and reasons.

    Columns: kode, nama, tingkat, jenis, kode_provinsi, provinsi, kode_kabupaten_kota,
    kabupaten_kota, tier (None when no flag), points, quadrant, reasons (list of dicts), and the
    figures behind them (skor, band, kelengkapan, ...). ``attrs["window"]`` holds the window.
    """
    cat = cat or catalogue()
    s = dict(settings) if settings is not None else get_settings(store, cat)
    filters = filters or Filters()
    if period is None:
        end = last_month(store)
        if end is None:
            return pd.DataFrame(columns=["kode", "tier", "points", "quadrant", "reasons"])
    else:
        end = parse_period(period).last
    n_months = int(window_months or s.get("jendela_bulan", 12))
    win = window(end, n_months)
    skor_settings = get_score_settings(store, cat)
    bands = bands_of(skor_settings)
    lowest_band = bands[0].id if bands else "merah"

    libs = scored_table(store, "perpustakaan", win, filters, [], settings=skor_settings, cat=cat)
    libs = libs.set_index("kode", drop=False)
    idx = libs.index

    # D: reporting first
    d_cfg = s.get("D") or {}
    last_n = int(d_cfg.get("bulan_terakhir", 2))
    tail = aggregate(
        store, "perpustakaan", window(end, last_n), filters, ["kelengkapan"], cat
    ).set_index("kode")
    tail_expected = tail["bulan_diharapkan"].reindex(idx).fillna(0)
    tail_reported = tail["bulan_dilaporkan"].reindex(idx).fillna(0)
    expected = libs["bulan_diharapkan"].fillna(0)
    reported = libs["bulan_dilaporkan"].fillna(0)
    complete = libs["kelengkapan"]
    min_complete = float(d_cfg.get("kelengkapan_minimum", 80))
    fails_d = ((tail_expected > 0) & (tail_reported == 0)) | (
        (expected > 0) & (complete.fillna(0) < min_complete)
    )

    # growth is judged only for libraries reporting for at least N months before the end
    first = _first_report(store, filters, end).reindex(idx)
    min_age = int(s.get("bulan_bergabung_minimum", 6))
    age = first.map(
        lambda d: months_between(pd.Timestamp(d).date(), end) - 1 if pd.notna(d) else -1
    )
    judged_growth = age >= min_age

    # R2 inputs: achievement year to date for pillar KPIs that have a target this year
    tahun_targets = targets(store, cat.ids, end.year)
    r2_ids = sorted(
        k for k in set(tahun_targets["kpi"]) if k in cat and cat[k].pillar in SCORE_PILLARS
    )
    ach = (
        achievement(store, "perpustakaan", Period("bulan", end, end), filters, r2_ids, cat)
        if r2_ids
        else pd.DataFrame(columns=["kode", "kpi", "aktual", "target", "target_prorata", "capaian"])
    )
    # R3 inputs
    r3 = s.get("R3") or {}
    r3_ids = list(r3.get("kpi", ["kunjungan", "kegiatan"]))
    gr = growth(
        store,
        "perpustakaan",
        Period("bulan", end, end),
        filters,
        r3_ids,
        float(r3.get("basis_minimum", 30)),
        cat,
    ).set_index("kode")
    # R4: cume_dist within province and jenis
    scored = libs["skor"].notna()
    cume = (
        libs[scored]
        .groupby(["kode_provinsi", "jenis"])["skor"]
        .rank(method="max", pct=True)
        .reindex(idx)
    )
    # R5
    zero_run = _longest_zero_run(store, win, filters).reindex(idx).fillna(0).astype(int)
    # R6
    c = ciel(store, "perpustakaan", Period("bulan", end, end), filters).set_index("kode")
    ciel_index = c["ciel"].reindex(idx)
    # Q: score against the peer median and a year earlier
    prev = scored_table(
        store, "perpustakaan", win.previous_year(), filters, [], settings=skor_settings, cat=cat
    ).set_index("kode")
    skor_prev = prev["skor"].reindex(idx)
    median = libs[scored].groupby("jenis")["skor"].median()
    x = libs["skor"] - libs["jenis"].map(median).astype(float)
    y = libs["skor"] - skor_prev

    names = _region_names(store)
    ach_by_lib: dict[str, list[tuple[str, float, float, float]]] = {}
    r2_min = float((s.get("R2") or {}).get("capaian_minimum", 60))
    for row in ach.itertuples(index=False):
        if not _nan(row.capaian) and row.capaian < r2_min:
            ach_by_lib.setdefault(str(row.kode), []).append(
                (str(row.kpi), float(row.capaian), float(row.aktual), float(row.target_prorata))
            )

    pts = {r: float((s.get(r) or {}).get("poin", 0)) for r in RULES}
    r3_max = float(r3.get("perubahan_maksimum", -20))
    r4_share = float((s.get("R4") or {}).get("persen_terbawah", 20)) / 100.0
    r5_n = int((s.get("R5") or {}).get("bulan_berturut", 3))
    r6_gap = float((s.get("R6") or {}).get("selisih_minimum", 30))
    period_label = win.label

    # plain Python values per library, by position (pandas row access is slow)
    kodes = [str(k) for k in idx.tolist()]
    v_fails = fails_d.to_numpy(dtype=bool).tolist()
    v_expected = expected.to_numpy(dtype=float).tolist()
    v_reported = reported.to_numpy(dtype=float).tolist()
    v_complete = complete.to_numpy(dtype=float).tolist()
    v_tail = tail_reported.to_numpy(dtype=float).tolist()
    v_skor = libs["skor"].to_numpy(dtype=float).tolist()
    v_band = libs["band"].tolist()
    v_prov = libs["kode_provinsi"].astype(object).tolist()
    v_judged = judged_growth.to_numpy(dtype=bool).tolist()
    v_cume = cume.to_numpy(dtype=float).tolist()
    v_zero = zero_run.to_numpy(dtype=int).tolist()
    v_ciel = ciel_index.to_numpy(dtype=float).tolist()
    v_x = x.to_numpy(dtype=float).tolist()
    v_y = y.to_numpy(dtype=float).tolist()
    v_prev = skor_prev.to_numpy(dtype=float).tolist()
    gr = gr.reindex(idx)
    v_gr = {
        c: gr[c].to_numpy(dtype=float).tolist()
        for k in r3_ids
        for c in (k, f"{k}__kini", f"{k}__lalu")
    }

    tiers: list[str | None] = []
    points: list[float] = []
    quadrants: list[str | None] = []
    reasons: list[list[dict[str, Any]]] = []
    for i, kode in enumerate(kodes):
        rs: list[dict[str, Any]] = []
        if v_fails[i]:
            n_missing = int(v_expected[i] - v_reported[i])
            rs.append(
                reason(
                    "D",
                    {
                        "n": n_missing,
                        "m": int(v_expected[i]),
                        "kelengkapan": _num(v_complete[i]),
                        "dilaporkan_bulan_terakhir": int(v_tail[i]),
                        "bulan_terakhir": last_n,
                        "periode": period_label,
                    },
                    {"n": n_missing, "m": int(v_expected[i])},
                )
            )
            tiers.append("pelaporan")
            points.append(0.0)
            quadrants.append(None)
            reasons.append(rs)
            continue
        rules_hit: set[str] = set()
        skor = v_skor[i]
        if not _nan(skor) and v_band[i] == lowest_band:
            rules_hit.add("R1")
            rs.append(reason("R1", {"s": _num(skor), "band": v_band[i], "periode": period_label}))
        for kpi_id, cap, akt, tgt in ach_by_lib.get(kode, []):
            rules_hit.add("R2")
            rs.append(
                reason(
                    "R2",
                    {
                        "kpi": kpi_id,
                        "p": _num(cap),
                        "aktual": _num(akt, 2),
                        "target_prorata": _num(tgt, 2),
                        "periode": f"{end.year}-01..{end.year}-{end.month:02d}",
                    },
                    {"kpi": {"id": cat[kpi_id].nama_id, "en": cat[kpi_id].nama_en}, "p": _num(cap)},
                )
            )
        if v_judged[i]:
            for kpi_id in r3_ids:
                change = v_gr[kpi_id][i]
                if not _nan(change) and change <= r3_max:
                    rules_hit.add("R3")
                    rs.append(
                        reason(
                            "R3",
                            {
                                "kpi": kpi_id,
                                "p": _num(change),
                                "kini": _num(v_gr[f"{kpi_id}__kini"][i], 0),
                                "lalu": _num(v_gr[f"{kpi_id}__lalu"][i], 0),
                                "periode": f"{add_months(end, -2):%Y-%m}..{end:%Y-%m}",
                            },
                            {
                                "kpi": {"id": cat[kpi_id].nama_id, "en": cat[kpi_id].nama_en},
                                "p": _num(abs(change)),
                            },
                        )
                    )
        cd = v_cume[i]
        if not _nan(cd) and cd <= r4_share + 1e-12:
            rules_hit.add("R4")
            prov = names.get(str(v_prov[i]), str(v_prov[i]))
            rs.append(
                reason(
                    "R4",
                    {"s": _num(skor), "persentil": _num(100 * cd), "provinsi": prov},
                    {"provinsi": prov},
                )
            )
        if v_zero[i] >= r5_n:
            rules_hit.add("R5")
            rs.append(reason("R5", {"n": int(v_zero[i]), "periode": period_label}))
        ci = v_ciel[i]
        if not _nan(ci) and not _nan(skor) and ci - skor >= r6_gap:
            rules_hit.add("R6")
            rs.append(reason("R6", {"ciel": _num(ci), "s": _num(skor), "selisih": _num(ci - skor)}))
        quad = quadrant_of(v_x[i], v_y[i]) if v_judged[i] else None
        if quad == "prioritas":
            rules_hit.add("Q")
            rs.append(
                reason(
                    "Q",
                    {
                        "s": _num(skor),
                        "median": _num(skor - v_x[i]),
                        "s_tahun_lalu": _num(v_prev[i]),
                    },
                )
            )
        total = sum(pts[r] for r in rules_hit)
        tiers.append(tier_of(total, s))
        points.append(total)
        quadrants.append(quad)
        reasons.append(rs)

    out = pd.DataFrame(
        {
            "kode": idx.to_numpy(),
            "nama": libs["nama"].to_numpy(),
            "tingkat": "perpustakaan",
            "jenis": libs["jenis"].to_numpy(),
            "kode_provinsi": libs["kode_provinsi"].to_numpy(),
            "provinsi": [names.get(str(k)) for k in v_prov],
            "kode_kabupaten_kota": libs["kode_kabupaten_kota"].to_numpy(),
            "kabupaten_kota": [names.get(str(k)) for k in libs["kode_kabupaten_kota"].tolist()],
            "tier": tiers,
            "points": points,
            "quadrant": quadrants,
            "reasons": reasons,
            "skor": libs["skor"].to_numpy(),
            "band": libs["band"].to_numpy(),
            "skor_tahun_lalu": skor_prev.to_numpy(),
            "kelengkapan": complete.to_numpy(),
            "bulan_dilaporkan": reported.to_numpy(),
            "bulan_diharapkan": expected.to_numpy(),
            "ciel": ciel_index.to_numpy(),
        }
    )
    out["points"] = out["points"].astype(float)
    out.attrs["window"] = win.label
    out.attrs["settings"] = s
    return out


def priorities(frame: pd.DataFrame) -> pd.DataFrame:
    """The flagged libraries, in the order handed to field teams (tier, then points)."""
    flagged = frame[frame["tier"].notna()].copy()
    flagged["_o"] = flagged["tier"].map(TIER_ORDER)
    flagged = flagged.sort_values(["_o", "points", "kode"], ascending=[True, False, True])
    return flagged.drop(columns="_o").reset_index(drop=True)


def rollup(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """Per kab/kota or province: libraries per tier and their shares, the area library's own
    tier, ranked by the share in prioritas_1 and 2 (ties: the number of libraries concerned).
    """
    if level not in ("provinsi", "kabupaten_kota"):
        raise ValueError("roll-up is to provinsi or kabupaten_kota")
    key = f"kode_{level}"
    data = frame[frame[key].notna()]
    counts = pd.crosstab(data[key], data["tier"].fillna("tanpa_flag"))
    counts = counts.reindex(columns=[*TIERS, "tanpa_flag"], fill_value=0)
    total = counts.sum(axis=1)
    out = pd.DataFrame({"kode": counts.index.astype(str)})
    out["jumlah_perpustakaan"] = total.to_numpy()
    for t in TIERS:
        out[f"jumlah_{t}"] = counts[t].to_numpy()
        out[f"porsi_{t}"] = (100.0 * counts[t] / total).to_numpy()
    out["jumlah_prioritas"] = out["jumlah_prioritas_1"] + out["jumlah_prioritas_2"]
    out["porsi_prioritas"] = 100.0 * out["jumlah_prioritas"] / out["jumlah_perpustakaan"]
    own = data[data["jenis"] == level].drop_duplicates(key).set_index(key)
    for col in ("kode", "nama", "tier", "points", "quadrant", "reasons"):
        out[f"sendiri_{col}"] = out["kode"].map(own[col]).to_numpy() if len(own) else None
    names = frame.drop_duplicates(key).set_index(key)
    prov_names = names[f"{'provinsi' if level == 'provinsi' else 'kabupaten_kota'}"]
    out["nama"] = out["kode"].map(prov_names)
    out["kode_provinsi"] = out["kode"].str[:2]
    out["provinsi"] = out["kode_provinsi"].map(
        frame.drop_duplicates("kode_provinsi").set_index("kode_provinsi")["provinsi"]
    )
    out["kabupaten_kota"] = out["nama"] if level == "kabupaten_kota" else None
    out["tingkat"] = level
    out = out.sort_values(
        ["porsi_prioritas", "jumlah_prioritas", "kode"], ascending=[False, False, True]
    ).reset_index(drop=True)
    out["peringkat"] = np.arange(1, len(out) + 1)
    return out
