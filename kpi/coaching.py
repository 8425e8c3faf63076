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
import string
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi import audit, i18n
from kpi.catalogue import SCORE_PILLARS, Catalogue, catalogue
from kpi.compute import Filters, achievement, aggregate, ciel, growth, last_month, targets
from kpi.periods import Period, add_months, months_between, parse_period, window
from kpi.score import bands_of, scored_table
from kpi.score import get_settings as get_score_settings
from kpi.store import Store, consistent

if TYPE_CHECKING:
    from kpi.access import Principal

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


def save_settings(
    store: Store, settings: Mapping[str, Any], actor: Principal | None = None
) -> None:
    """Store the rule settings; ``actor`` (default the local operator) needs the right to save
    settings, and the change is an audit event with the settings before and after."""
    audit.save_setting(store, SETTINGS_KEY, copy.deepcopy(dict(settings)), actor)


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


_ID_SEPARATORS = str.maketrans({",": ".", ".": ","})


def _text(v: Any, lang: str) -> str:
    """A value as shown in a reason: numbers in the language's format (as i18n.format_number,
    one decimal unless whole), names in the language."""
    if isinstance(v, dict):
        return str(v.get(lang, v.get("id", "")))
    if isinstance(v, int | float) and not isinstance(v, bool):
        x = float(v)
        if x != x or x in (math.inf, -math.inf):
            return "–"
        text = f"{x:,.0f}" if x.is_integer() else f"{x:,.1f}"
        return text.translate(_ID_SEPARATORS) if lang == "id" else text
    return str(v)


def _nan(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)
    except TypeError:  # pd.NA
        return True


def _num(v: Any, decimals: int = 1) -> float | None:
    if _nan(v):
        return None
    return round(float(v), decimals)


@cache
def _template(rule: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """The reason's text in a language (data/i18n) and the names of its placeholders."""
    text = i18n.t(f"coaching.reason.{rule}", lang)
    return text, tuple(f for _, f, _, _ in string.Formatter().parse(text) if f)


def reason(
    rule: str, values: dict[str, Any], text_values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A reason: its rule, its text in both languages (from data/i18n) and its numbers."""
    tv = text_values or values
    out: dict[str, Any] = {"rule": rule}
    for lang in ("id", "en"):
        text, fields = _template(rule, lang)
        if fields:
            text = text.format(**{f: _text(tv.get(f, ""), lang) for f in fields})
        out[f"text_{lang}"] = text
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


@consistent
def rule_inputs(
    store: Store,
    end: date,
    window_months: int,
    filters: Filters | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    score_settings: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Per library, every figure the rules look at (all computed in DuckDB, a few queries).

    Columns: kode, nama, jenis, kode_provinsi, provinsi, kode_kabupaten_kota, kabupaten_kota,
    bulan_diharapkan, bulan_dilaporkan, kelengkapan (window), diharapkan_akhir and
    dilaporkan_akhir (the last months of rule D), skor, band, skor_tahun_lalu, median_sejawat
    (median score of the same jenis), persentil_sejawat (cume_dist of the score within province
    and jenis), bulan_tanpa_kegiatan (longest run of reported kegiatan = 0), ciel,
    bulan_melapor (months from the first report to the window's end), ``<kpi>_yoy``,
    ``<kpi>_kini``, ``<kpi>_lalu`` for the R3 KPIs, and capaian (list of (kpi, percent, actual,
    pro-rated target) for the KPIs with a target). ``score_settings`` (default: the stored
    ones) scores the libraries, so candidate settings can be previewed without saving them.
    """
    cat = cat or catalogue()
    s = dict(settings) if settings is not None else get_settings(store, cat)
    wanted = filters or Filters()
    # peers (R4, the quadrant's median) do not depend on a geographic filter: every library of
    # the other filters is evaluated, and the geographic filter keeps its rows at the end
    filters = wanted.without_geography()
    win = window(end, window_months)
    skor_settings = (
        dict(score_settings) if score_settings is not None else get_score_settings(store, cat)
    )

    libs = scored_table(store, "perpustakaan", win, filters, [], settings=skor_settings, cat=cat)
    libs = libs.set_index("kode", drop=False)
    idx = libs.index
    names = _region_names(store)
    out = pd.DataFrame(
        {
            "kode": [str(k) for k in idx.tolist()],
            "nama": libs["nama"].tolist(),
            "jenis": libs["jenis"].tolist(),
            "kode_provinsi": libs["kode_provinsi"].tolist(),
            "provinsi": [names.get(str(k)) for k in libs["kode_provinsi"].tolist()],
            "kode_kabupaten_kota": libs["kode_kabupaten_kota"].tolist(),
            "kabupaten_kota": [names.get(str(k)) for k in libs["kode_kabupaten_kota"].tolist()],
        },
        index=idx,
    )
    out["bulan_diharapkan"] = libs["bulan_diharapkan"].fillna(0).astype(float)
    out["bulan_dilaporkan"] = libs["bulan_dilaporkan"].fillna(0).astype(float)
    out["kelengkapan"] = libs["kelengkapan"].astype(float)

    last_n = int((s.get("D") or {}).get("bulan_terakhir", 2))
    tail = aggregate(
        store, "perpustakaan", window(end, last_n), filters, ["kelengkapan"], cat
    ).set_index("kode")
    out["diharapkan_akhir"] = tail["bulan_diharapkan"].reindex(idx).fillna(0).astype(float)
    out["dilaporkan_akhir"] = tail["bulan_dilaporkan"].reindex(idx).fillna(0).astype(float)

    out["skor"] = libs["skor"].astype(float)
    out["band"] = libs["band"]
    prev = scored_table(
        store, "perpustakaan", win.previous_year(), filters, [], settings=skor_settings, cat=cat
    ).set_index("kode")
    out["skor_tahun_lalu"] = prev["skor"].reindex(idx).astype(float)
    scored = libs["skor"].notna()
    median = libs[scored].groupby("jenis")["skor"].median()
    out["median_sejawat"] = libs["jenis"].map(median).astype(float)
    out["persentil_sejawat"] = (
        libs[scored]
        .groupby(["kode_provinsi", "jenis"])["skor"]
        .rank(method="max", pct=True)
        .reindex(idx)
        .astype(float)
    )
    out["bulan_tanpa_kegiatan"] = (
        _longest_zero_run(store, win, filters).reindex(idx).fillna(0).astype(int)
    )
    c = ciel(store, "perpustakaan", Period("bulan", end, end), filters).set_index("kode")
    out["ciel"] = c["ciel"].reindex(idx).astype(float)

    first = _first_report(store, filters, end).reindex(idx)
    out["bulan_melapor"] = [
        months_between(pd.Timestamp(d).date(), end) - 1 if pd.notna(d) else -1
        for d in first.tolist()
    ]

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
    gr = gr.reindex(idx)
    for k in r3_ids:
        out[f"{k}_yoy"] = gr[k].astype(float)
        out[f"{k}_kini"] = gr[f"{k}__kini"].astype(float)
        out[f"{k}_lalu"] = gr[f"{k}__lalu"].astype(float)

    tahun_targets = targets(store, cat.ids, end.year)
    r2_ids = sorted(
        k for k in set(tahun_targets["kpi"]) if k in cat and cat[k].pillar in SCORE_PILLARS
    )
    capaian: dict[str, list[tuple[str, float, float, float]]] = {}
    if r2_ids:
        ach = achievement(store, "perpustakaan", Period("bulan", end, end), filters, r2_ids, cat)
        for row in ach.itertuples(index=False):
            if not _nan(row.capaian):
                capaian.setdefault(str(row.kode), []).append(
                    (str(row.kpi), float(row.capaian), float(row.aktual), float(row.target_prorata))
                )
    out["capaian"] = [capaian.get(k, []) for k in out["kode"].tolist()]
    if wanted.provinsi:
        out = out[out["kode_provinsi"] == wanted.provinsi]
    if wanted.kabupaten_kota:
        out = out[out["kode_kabupaten_kota"] == wanted.kabupaten_kota]
    out = out.reset_index(drop=True)
    out.attrs["window"] = win.label
    out.attrs["end"] = end
    out.attrs["r3"] = r3_ids
    return out


def apply_rules(
    inputs: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    lowest_band: str = "merah",
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Rules D, R1-R6 and Q on the figures of ``rule_inputs``: adds tier, points, quadrant and
    reasons (a pure function of its inputs and the settings)."""
    cat = cat or catalogue()
    s = settings
    end: date = inputs.attrs.get("end") or date.today()
    period_label = str(inputs.attrs.get("window", ""))
    r3_ids = list(inputs.attrs.get("r3") or (s.get("R3") or {}).get("kpi", []))
    d_cfg = s.get("D") or {}
    last_n = int(d_cfg.get("bulan_terakhir", 2))
    min_complete = float(d_cfg.get("kelengkapan_minimum", 80))
    min_age = int(s.get("bulan_bergabung_minimum", 6))
    pts = {r: float((s.get(r) or {}).get("poin", 0)) for r in RULES}
    r2_min = float((s.get("R2") or {}).get("capaian_minimum", 60))
    r3_max = float((s.get("R3") or {}).get("perubahan_maksimum", -20))
    r4_share = float((s.get("R4") or {}).get("persen_terbawah", 20)) / 100.0
    r5_n = int((s.get("R5") or {}).get("bulan_berturut", 3))
    r6_gap = float((s.get("R6") or {}).get("selisih_minimum", 30))

    def col(name: str) -> list[Any]:
        return inputs[name].tolist() if name in inputs.columns else [None] * len(inputs)

    def num(name: str) -> list[float]:
        if name not in inputs.columns:
            return [math.nan] * len(inputs)
        return pd.to_numeric(inputs[name], errors="coerce").to_numpy(dtype=float).tolist()

    v_expected = [float(v or 0) for v in col("bulan_diharapkan")]
    v_reported = [float(v or 0) for v in col("bulan_dilaporkan")]
    v_complete = num("kelengkapan")
    v_tail_exp = [float(v or 0) for v in col("diharapkan_akhir")]
    v_tail_rep = [float(v or 0) for v in col("dilaporkan_akhir")]
    v_skor, v_band, v_prev = num("skor"), col("band"), num("skor_tahun_lalu")
    v_median, v_cume = num("median_sejawat"), num("persentil_sejawat")
    v_zero, v_ciel, v_age = num("bulan_tanpa_kegiatan"), num("ciel"), num("bulan_melapor")
    v_prov = col("provinsi")
    v_cap = col("capaian")
    v_gr = {
        f"{k}{suffix}": num(f"{k}{suffix}") for k in r3_ids for suffix in ("_yoy", "_kini", "_lalu")
    }

    tiers: list[str | None] = []
    points: list[float] = []
    quadrants: list[str | None] = []
    reasons: list[list[dict[str, Any]]] = []
    for i in range(len(inputs)):
        rs: list[dict[str, Any]] = []
        complete = v_complete[i]
        silent_tail = v_tail_exp[i] > 0 and v_tail_rep[i] == 0
        low = v_expected[i] > 0 and (_nan(complete) or float(complete) < min_complete)
        if silent_tail or low:
            n_missing = int(v_expected[i] - v_reported[i])
            rs.append(
                reason(
                    "D",
                    {
                        "n": n_missing,
                        "m": int(v_expected[i]),
                        "kelengkapan": _num(complete),
                        "dilaporkan_bulan_terakhir": int(v_tail_rep[i]),
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
        hit: set[str] = set()
        skor = v_skor[i]
        if not _nan(skor) and v_band[i] == lowest_band:
            hit.add("R1")
            rs.append(reason("R1", {"s": _num(skor), "band": v_band[i], "periode": period_label}))
        for kpi_id, cap, akt, tgt in v_cap[i] or []:
            if cap < r2_min:
                hit.add("R2")
                name = {"id": cat[kpi_id].nama_id, "en": cat[kpi_id].nama_en}
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
                        {"kpi": name, "p": _num(cap)},
                    )
                )
        judged = v_age[i] is not None and not _nan(v_age[i]) and v_age[i] >= min_age
        if judged:
            for kpi_id in r3_ids:
                change = v_gr[f"{kpi_id}_yoy"][i]
                if not _nan(change) and change <= r3_max:
                    hit.add("R3")
                    name = {"id": cat[kpi_id].nama_id, "en": cat[kpi_id].nama_en}
                    rs.append(
                        reason(
                            "R3",
                            {
                                "kpi": kpi_id,
                                "p": _num(change),
                                "kini": _num(v_gr[f"{kpi_id}_kini"][i], 0),
                                "lalu": _num(v_gr[f"{kpi_id}_lalu"][i], 0),
                                "periode": f"{add_months(end, -2):%Y-%m}..{end:%Y-%m}",
                            },
                            {"kpi": name, "p": _num(abs(change))},
                        )
                    )
        cd = v_cume[i]
        if not _nan(cd) and cd <= r4_share + 1e-12:
            hit.add("R4")
            prov = str(v_prov[i]) if v_prov[i] is not None else ""
            rs.append(
                reason(
                    "R4",
                    {"s": _num(skor), "persentil": _num(100 * cd), "provinsi": prov},
                    {"provinsi": prov, "batas": round(100 * r4_share)},
                )
            )
        zero = v_zero[i]
        if not _nan(zero) and zero >= r5_n:
            hit.add("R5")
            rs.append(reason("R5", {"n": int(zero), "periode": period_label}))
        ci = v_ciel[i]
        if not _nan(ci) and not _nan(skor) and ci - skor >= r6_gap:
            hit.add("R6")
            rs.append(reason("R6", {"ciel": _num(ci), "s": _num(skor), "selisih": _num(ci - skor)}))
        quad = None
        if judged and not _nan(skor) and not _nan(v_median[i]) and not _nan(v_prev[i]):
            quad = quadrant_of(skor - v_median[i], skor - v_prev[i])
        if quad == "prioritas":
            hit.add("Q")
            rs.append(
                reason(
                    "Q",
                    {"s": _num(skor), "median": _num(v_median[i]), "s_tahun_lalu": _num(v_prev[i])},
                )
            )
        total = sum(pts[r] for r in hit)
        tiers.append(tier_of(total, s))
        points.append(total)
        quadrants.append(quad)
        reasons.append(rs)
    out = inputs.copy()
    out["tier"] = tiers
    out["points"] = pd.Series(points, index=out.index, dtype=float)
    out["quadrant"] = quadrants
    out["reasons"] = reasons
    return out


@consistent
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

    Columns: those of ``rule_inputs`` plus tingkat, tier (None when no flag), points, quadrant
    and reasons (list of {"rule", "text_id", "text_en", "values"}). ``attrs`` holds the window
    and the settings used.
    """
    cat = cat or catalogue()
    s = dict(settings) if settings is not None else get_settings(store, cat)
    if period is None:
        end = last_month(store)
        if end is None:
            return pd.DataFrame(columns=["kode", "tier", "points", "quadrant", "reasons"])
    else:
        end = parse_period(period).last
    n_months = int(window_months or s.get("jendela_bulan", 12))
    inputs = rule_inputs(store, end, n_months, filters, settings=s, cat=cat)
    bands = bands_of(get_score_settings(store, cat))
    out = apply_rules(inputs, s, lowest_band=bands[0].id if bands else "merah", cat=cat)
    out.insert(2, "tingkat", "perpustakaan")
    out.attrs.update(inputs.attrs)
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
    if key not in frame.columns or frame.empty:
        cols = ["kode", "nama", "tingkat", "provinsi", "kabupaten_kota", "peringkat"]
        cols += ["sendiri_kode", "sendiri_tier", "sendiri_points", "sendiri_quadrant"]
        cols += ["sendiri_reasons", "sendiri_nama", "jumlah_perpustakaan"]
        return pd.DataFrame(columns=cols)
    data = frame[frame[key].notna()]
    tiers = data["tier"].fillna("tanpa_flag")
    # libraries per area and tier (a crosstab, counted the quick way)
    counts = (
        pd.DataFrame({"g": data[key], "t": tiers}).groupby(["g", "t"]).size().unstack(fill_value=0)
    )
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
