"""Coaching priorities (prioritas pembinaan): rules D, R1-R6 and the quadrant Q, with reasons.

Every flag names its rule, the numbers behind it and the window it looked at; every threshold
and point is a setting ("pembinaan" in the store, defaults in kpi/catalogue.yaml).

- Window: the ``jendela_bulan`` months (3, 6 or 12) ending at the selected month; by default
  the last closed month (kpi.closing), so a new, still open month moves nothing.
- D (reporting first) counts only closed months: no report in the last 2 closed months of the
  window, or completeness below 80% over its closed months. A library failing D gets the tier
  "pelaporan" and no other rule is applied to it.
- R1: score in the lowest band (merah). R2: year-to-date achievement below 60% of the pro-rated
  target of a pillar KPI, for the targets that apply to the library (one naming it, or naming
  its level in its kab/kota, province or nationally: kpi.compute.resolve_targets). R3:
  year-on-year change of kunjungan or kegiatan on the 3-month rolling sums at the window's end
  (months reported in both years) at or below -20%, when the earlier sum is at least the KPI's
  own minimum base (catalogue data). R4: score in the bottom 20% of its province and level
  (cume_dist <= 0.2 among the scored libraries of the same province and jenis). R5: kegiatan = 0
  reported for 3 consecutive months in the window. R6: CIEL index at least 30 points above the
  score. Q: quadrant IV (score below the median of its level, and lower than a year earlier).
- One weakness counts once: R1, R4 and Q read the same score, so together they give the largest
  of their points, as one reason with all their numbers.
- Libraries whose first report is less than 6 months before the window's end are not judged on
  growth (R3 and Q).
- Points add up once per rule; tiers: >= 5 prioritas_1, 3-4 prioritas_2, 1-2 pantau.
- Roll-up to areas for leadership: ranked by the lower bound of the 90% Wilson interval of the
  share of libraries needing coaching (Prioritas 1, Prioritas 2 or Pembinaan pelaporan; or the
  performance tiers only, or reporting only), ties by the number of libraries concerned.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi import closing
from kpi import settings as settings_mod
from kpi.catalogue import SCORE_PILLARS, Catalogue, catalogue
from kpi.compute import aggregate, ciel, growth
from kpi.periods import Period, add_months, months_between, parse_period, window
from kpi.queries import regions, reports
from kpi.reasons import _nan, _num, reason, weak_score_reason
from kpi.rollup import priorities as priorities
from kpi.rollup import rollup as rollup
from kpi.rollup import wilson_lower as wilson_lower
from kpi.scope import Filters, ask
from kpi.score import get_settings as get_score_settings
from kpi.score import scored_table
from kpi.settings import CoachingSettings, ScoreSettings
from kpi.store import Store, consistent
from kpi.targets import achievement, targets

# the vocabulary's names stay importable from here (coaching.RULES, coaching.TIERS, ...)
from kpi.vocab import (
    BASES,
    QUADRANTS,
    RULES,
    SCORE_RULES,
    TIER_ORDER,
    TIERS,
    Band,
    Quadrant,
    Rule,
    Tier,
)

if TYPE_CHECKING:
    from kpi.access import Principal

# what this module offers, with the vocabulary's and the roll-up's names it re-exports
__all__ = [
    "AUTO",
    "BASES",
    "QUADRANTS",
    "RULES",
    "SCORE_RULES",
    "SETTINGS_KEY",
    "TIERS",
    "TIER_ORDER",
    "apply_rules",
    "default_settings",
    "evaluate",
    "get_settings",
    "priorities",
    "quadrant_of",
    "reason",
    "reporting_window",
    "rollup",
    "rule_inputs",
    "save_settings",
    "tier_of",
    "weak_score_reason",
    "wilson_lower",
]

SETTINGS_KEY = settings_mod.COACHING_KEY


def default_settings(cat: Catalogue | None = None) -> dict[str, Any]:
    return settings_mod.defaults(SETTINGS_KEY, cat)


def get_settings(store: Store, cat: Catalogue | None = None) -> dict[str, Any]:
    """The rule settings in use: the stored ones over the defaults (merged rule by rule)."""
    return settings_mod.stored(store, SETTINGS_KEY, cat)


def save_settings(
    store: Store, settings: Mapping[str, Any], actor: Principal | None = None
) -> None:
    """Validate and store the rule settings (SettingsError naming every problem); ``actor``
    (default the local operator) needs the right to save settings, and the change is an audit
    event with the settings before and after."""
    settings_mod.save(store, SETTINGS_KEY, settings, actor=actor)


def tier_of(points: float, settings: Mapping[str, Any] | CoachingSettings) -> str | None:
    return CoachingSettings.of(settings).tier_of(points)


def quadrant_of(x: float | None, y: float | None) -> str | None:
    """x: score minus the peer median; y: change of the score against a year earlier."""
    if x is None or y is None or _nan(x) or _nan(y):
        return None
    if x >= 0:
        return Quadrant.TELADAN if y >= 0 else Quadrant.WASPADA
    return Quadrant.BERKEMBANG if y >= 0 else Quadrant.PRIORITAS


# ---------------------------------------------------------------------------------------------


class _Auto:
    """The default of ``closed_until``: the last closed month of the store (kpi.closing)."""


AUTO = _Auto()


def reporting_window(win: Period, closed_until: date | None) -> Period | None:
    """The months of ``win`` that rule D counts: its closed ones (None when none is closed)."""
    if closed_until is None or closed_until < win.first:
        return None
    if closed_until >= win.last:
        return win
    return Period("rentang", win.first, closed_until)


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
    closed_until: date | None | _Auto = AUTO,
    today: date | None = None,
) -> pd.DataFrame:
    """Per library, every figure the rules look at (all computed in DuckDB, a few queries).

    Columns: kode, nama, jenis, kode_provinsi, provinsi, kode_kabupaten_kota, kabupaten_kota,
    bulan_diharapkan, bulan_dilaporkan, kelengkapan (the closed months of the window: what rule
    D counts), diharapkan_akhir and dilaporkan_akhir (the last closed months of rule D), skor,
    band (over the whole window), skor_tahun_lalu, median_sejawat
    (median score of the same jenis), persentil_sejawat (cume_dist of the score within province
    and jenis), bulan_tanpa_kegiatan (longest run of reported kegiatan = 0), ciel,
    bulan_melapor (months from the first report to the window's end), ``<kpi>_yoy``,
    ``<kpi>_kini``, ``<kpi>_lalu`` for the R3 KPIs, and capaian (list of (kpi, percent, actual,
    pro-rated target) for the KPIs with a target). ``score_settings`` (default: the stored
    ones) scores the libraries, so candidate settings can be previewed without saving them.
    ``closed_until``: the last closed month (default: the store's, on ``today``); months of the
    window after it are open and rule D does not count them.
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
    names = regions.names(store)
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
    closed = closing.last_closed(store, today) if isinstance(closed_until, _Auto) else closed_until
    d_win = reporting_window(win, closed)
    last_n = CoachingSettings.of(s, cat).d_bulan_terakhir
    if d_win is None:  # no closed month in the window: rule D has nothing to count yet
        for c in ("bulan_diharapkan", "bulan_dilaporkan", "diharapkan_akhir", "dilaporkan_akhir"):
            out[c] = 0.0
        out["kelengkapan"] = np.nan
    else:
        d_libs = (
            libs
            if d_win == win
            else aggregate(
                ask(store, "perpustakaan", d_win, filters, ["kelengkapan"], cat)
            ).set_index("kode")
        )
        out["bulan_diharapkan"] = d_libs["bulan_diharapkan"].reindex(idx).fillna(0).astype(float)
        out["bulan_dilaporkan"] = d_libs["bulan_dilaporkan"].reindex(idx).fillna(0).astype(float)
        out["kelengkapan"] = d_libs["kelengkapan"].reindex(idx).astype(float)
        tail = aggregate(
            ask(
                store,
                "perpustakaan",
                window(d_win.last, min(last_n, d_win.months)),
                filters,
                ["kelengkapan"],
                cat,
            )
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
        reports.longest_zero_run(store, win, filters).reindex(idx).fillna(0).astype(int)
    )
    c = ciel(ask(store, "perpustakaan", Period("bulan", end, end), filters)).set_index("kode")
    out["ciel"] = c["ciel"].reindex(idx).astype(float)

    first = reports.first_reports(store, filters, end).reindex(idx)
    out["bulan_melapor"] = [
        months_between(pd.Timestamp(d).date(), end) - 1 if pd.notna(d) else -1
        for d in first.tolist()
    ]

    r3_ids = list(CoachingSettings.of(s, cat).r3_kpi)
    # each KPI's own minimum base (catalogue data)
    gr = growth(
        ask(store, "perpustakaan", Period("bulan", end, end), filters, r3_ids, cat), min_base=None
    )
    gr = gr.set_index("kode")
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
        ach = achievement(
            ask(store, "perpustakaan", Period("bulan", end, end), filters, r2_ids, cat)
        )
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
    # the months rule D counted, and the last closed month of the store
    out.attrs["window_pelaporan"] = d_win.label if d_win is not None else None
    out.attrs["tutup"] = closed.strftime("%Y-%m") if closed is not None else None
    return out


def apply_rules(
    inputs: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    lowest_band: str = Band.MERAH,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Rules D, R1-R6 and Q on the figures of ``rule_inputs``: adds tier, points, quadrant and
    reasons (a pure function of its inputs and the settings)."""
    cat = cat or catalogue()
    cfg = CoachingSettings.of(settings, cat)
    end: date = inputs.attrs.get("end") or date.today()
    period_label = str(inputs.attrs.get("window", ""))
    d_label = inputs.attrs.get("window_pelaporan", period_label)
    r3_ids = list(inputs.attrs.get("r3") or cfg.r3_kpi)
    last_n = cfg.d_bulan_terakhir
    min_complete = cfg.d_kelengkapan_minimum
    min_age = cfg.bulan_bergabung_minimum
    pts = dict(cfg.poin)
    r2_min = cfg.r2_capaian_minimum
    r3_max = cfg.r3_perubahan_maksimum
    r4_share = cfg.r4_persen_terbawah / 100.0
    r5_n = cfg.r5_bulan_berturut
    r6_gap = cfg.r6_selisih_minimum

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
                    Rule.D,
                    {
                        "n": n_missing,
                        "m": int(v_expected[i]),
                        "kelengkapan": _num(complete),
                        "dilaporkan_bulan_terakhir": int(v_tail_rep[i]),
                        "bulan_terakhir": last_n,
                        "periode": d_label,
                    },
                )
            )
            tiers.append(Tier.PELAPORAN)
            points.append(0.0)
            quadrants.append(None)
            reasons.append(rs)
            continue
        hit: set[str] = set()
        skor = v_skor[i]
        weak: dict[str, dict[str, Any]] = {}  # R1, R4, Q: one weakness, one reason
        if not _nan(skor) and v_band[i] == lowest_band:
            weak[Rule.R1] = {"band": v_band[i]}
        for kpi_id, cap, akt, tgt in v_cap[i] or []:
            if cap < r2_min:
                hit.add(Rule.R2)
                values = {
                    "kpi": kpi_id,
                    "p": _num(cap),
                    "aktual": _num(akt, 2),
                    "target_prorata": _num(tgt, 2),
                    "periode": f"{end.year}-01..{end.year}-{end.month:02d}",
                }
                rs.append(reason(Rule.R2, values))
        judged = v_age[i] is not None and not _nan(v_age[i]) and v_age[i] >= min_age
        if judged:
            for kpi_id in r3_ids:
                change = v_gr[f"{kpi_id}_yoy"][i]
                if not _nan(change) and change <= r3_max:
                    hit.add(Rule.R3)
                    values = {
                        "kpi": kpi_id,
                        "p": _num(change),
                        "kini": _num(v_gr[f"{kpi_id}_kini"][i], 0),
                        "lalu": _num(v_gr[f"{kpi_id}_lalu"][i], 0),
                        "periode": f"{add_months(end, -2):%Y-%m}..{end:%Y-%m}",
                    }
                    rs.append(reason(Rule.R3, values))
        cd = v_cume[i]
        if not _nan(cd) and cd <= r4_share + 1e-12:
            prov = str(v_prov[i]) if v_prov[i] is not None else ""
            weak[Rule.R4] = {"persentil": _num(100 * cd), "provinsi": prov}
        zero = v_zero[i]
        if not _nan(zero) and zero >= r5_n:
            hit.add(Rule.R5)
            rs.append(reason(Rule.R5, {"n": int(zero), "periode": period_label}))
        ci = v_ciel[i]
        if not _nan(ci) and not _nan(skor) and ci - skor >= r6_gap:
            hit.add(Rule.R6)
            rs.append(
                reason(Rule.R6, {"ciel": _num(ci), "s": _num(skor), "selisih": _num(ci - skor)})
            )
        quad = None
        if judged and not _nan(skor) and not _nan(v_median[i]) and not _nan(v_prev[i]):
            quad = quadrant_of(skor - v_median[i], skor - v_prev[i])
        if quad == Quadrant.PRIORITAS:
            weak[Rule.Q] = {"median": _num(v_median[i]), "s_tahun_lalu": _num(v_prev[i])}
        if weak:
            # first: the score is the headline of a library's weakness
            rs.insert(0, weak_score_reason(weak, skor, pts, period_label, round(100 * r4_share)))
        total = sum(pts[r] for r in hit) + (max(pts[r] for r in weak) if weak else 0.0)
        tiers.append(cfg.tier_of(total))
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
    today: date | None = None,
    closed_until: date | None | _Auto = AUTO,
) -> pd.DataFrame:
    """Every library of the filter with its rules, points, tier, quadrant and reasons.

    Columns: those of ``rule_inputs`` plus tingkat, tier (None when no flag), points, quadrant
    and reasons (list of {"rule", "values"}; their words are kpi.reasons.words, at the edge).
    ``attrs`` holds the window and the settings used. Without ``period`` the window ends at the
    last closed month (kpi.closing, on ``today``); ``closed_until`` overrides the last closed
    month (rule D).
    """
    cat = cat or catalogue()
    s = dict(settings) if settings is not None else get_settings(store, cat)
    if period is None:
        end = closing.default_end(store, today)
        if end is None:
            return pd.DataFrame(columns=["kode", "tier", "points", "quadrant", "reasons"])
    else:
        end = parse_period(period).last
    n_months = int(window_months or CoachingSettings.of(s, cat).jendela_bulan)
    inputs = rule_inputs(
        store, end, n_months, filters, settings=s, cat=cat, today=today, closed_until=closed_until
    )
    lowest = ScoreSettings.of(get_score_settings(store, cat), cat).lowest_band
    out = apply_rules(inputs, s, lowest_band=lowest, cat=cat)
    out.insert(2, "tingkat", "perpustakaan")
    out.attrs.update(inputs.attrs)
    out.attrs["settings"] = s
    return out
