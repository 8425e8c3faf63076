"""kpi.coaching's evaluate, rule_inputs and apply_rules against their implementation before
they were vectorised (issue 15): the same frame (columns, order, dtypes, values, attrs) and the
same reasons (the same dicts in the same order, the same types and rounding), on the demo store
over several windows, settings and filters, and on hand-made rows at every edge.

The reference below is the code of 2026-12 as it was, copied here as the oracle; only its names
changed (reference_*), and it takes the module's helpers (AUTO, reporting_window, quadrant_of,
get_settings) from kpi.coaching. Do not "improve" it: it is what the engine must keep giving.
"""

from __future__ import annotations

import copy
import math
import shutil
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_coaching import healthy

from kpi import closing, coaching
from kpi.catalogue import SCORE_PILLARS, Catalogue, catalogue
from kpi.coaching import AUTO, get_settings, quadrant_of, reporting_window
from kpi.compute import aggregate, ciel, growth
from kpi.periods import Period, add_months, months_between, parse_period, window
from kpi.queries import regions, reports
from kpi.reasons import _nan, _num, reason, weak_score_reason
from kpi.scope import Filters, ask
from kpi.score import get_settings as get_score_settings
from kpi.score import scored_table
from kpi.settings import CoachingSettings, ScoreSettings
from kpi.store import Store, consistent
from kpi.targets import achievement, targets
from kpi.vocab import Band, Quadrant, Rule, Tier

# ---------------------------------------------------------------------------------------------
# the reference: kpi/coaching.py's rule_inputs, apply_rules and evaluate before issue 15's work


@consistent
def reference_rule_inputs(
    store: Store,
    end: date,
    window_months: int,
    filters: Filters | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    score_settings: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
    closed_until: Any = AUTO,
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
    closed = closing.last_closed(store, today) if closed_until is AUTO else closed_until
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


def reference_apply_rules(
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
def reference_evaluate(
    store: Store,
    period: str | date | None = None,
    window_months: int | None = None,
    filters: Filters | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    cat: Catalogue | None = None,
    today: date | None = None,
    closed_until: Any = AUTO,
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
    inputs = reference_rule_inputs(
        store, end, n_months, filters, settings=s, cat=cat, today=today, closed_until=closed_until
    )
    lowest = ScoreSettings.of(get_score_settings(store, cat), cat).lowest_band
    out = reference_apply_rules(inputs, s, lowest_band=lowest, cat=cat)
    out.insert(2, "tingkat", "perpustakaan")
    out.attrs.update(inputs.attrs)
    out.attrs["settings"] = s
    return out


# ---------------------------------------------------------------------------------------------
# the comparison


def same(new: Any, ref: Any, where: str = "") -> None:
    """``new`` equals ``ref`` with the same types all the way down (dict keys and their order
    too); floats by their repr, so that 0.0 and -0.0, 2 and 2.0, NaN and NaN are told apart."""
    assert type(new) is type(ref), f"{where}: {type(new).__name__} != {type(ref).__name__}"
    if isinstance(ref, dict):
        keys = [(type(k), k) for k in ref]
        assert [(type(k), k) for k in new] == keys, f"{where}: keys {list(new)} != {list(ref)}"
        for k in ref:
            same(new[k], ref[k], f"{where}.{k}")
    elif isinstance(ref, list | tuple):
        assert len(new) == len(ref), f"{where}: {len(new)} items != {len(ref)}"
        for i, (a, b) in enumerate(zip(new, ref, strict=True)):
            same(a, b, f"{where}[{i}]")
    elif isinstance(ref, float):
        assert repr(new) == repr(ref), f"{where}: {new!r} != {ref!r}"
    else:
        assert new == ref, f"{where}: {new!r} != {ref!r}"


def assert_same(new: pd.DataFrame, ref: pd.DataFrame) -> None:
    """The same frame: columns, order, dtypes, index, values (exactly), attrs and reasons."""
    pd.testing.assert_frame_equal(new, ref, check_exact=True)
    same(new.attrs, ref.attrs, "attrs")
    for c in ref.columns:
        same(new[c].tolist(), ref[c].tolist(), str(c))


@pytest.fixture(scope="module")
def demo(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The default demo (read only: every case reads it)."""
    path = tmp_path_factory.mktemp("equivalence") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    store = Store(path, read_only=True)
    yield store
    store.close()


def moved(s: Mapping[str, Any]) -> dict[str, Any]:
    """Every threshold, point and tier of the coaching settings moved (points in halves, so
    that their sums are exact in any order)."""
    s = copy.deepcopy(dict(s))
    s["jendela_bulan"] = 6
    s["bulan_bergabung_minimum"] = 12
    s["D"] = {"bulan_terakhir": 3, "kelengkapan_minimum": 92}
    s["R1"] = {"poin": 4}
    s["R2"] = {"capaian_minimum": 85, "poin": 1.5}
    s["R3"] = {"kpi": ["kunjungan"], "perubahan_maksimum": -10, "poin": 2.5}
    s["R4"] = {"persen_terbawah": 35, "poin": 0.5}
    s["R5"] = {"bulan_berturut": 2, "poin": 1}
    s["R6"] = {"selisih_minimum": 12, "poin": 2}
    s["Q"] = {"poin": 1.5}
    s["tier"] = {"prioritas_1": 4, "prioritas_2": 2.5, "pantau": 0.5}
    return s


def other_r3(s: Mapping[str, Any]) -> dict[str, Any]:
    """R3 on other KPIs (three, in another order than the catalogue's)."""
    s = copy.deepcopy(dict(s))
    s["R3"] = {**s["R3"], "kpi": ["peserta", "kunjungan", "peminjaman"]}
    return s


SETTINGS = {
    "default": lambda s: s,
    "moved": moved,
    "r3": other_r3,
}

WINDOWS = [("2025-12", 3), ("2025-12", 12), ("2025-06", 6), ("2024-02", 3), (None, None)]

FILTERS = {
    "all": Filters(),
    "province": Filters(provinsi="52"),
    "kabkota": Filters(kabupaten_kota="5201"),
    "villages": Filters(jenis="desa_kelurahan"),
    # provincial libraries have no kab/kota: a column with no value at all
    "provincial": Filters(jenis="provinsi"),
    "province_kab_libraries": Filters(provinsi="33", jenis="kabupaten_kota"),
    "scope": Filters(wilayah=("52", "3201")),
    "cohort_support": Filters(tahun_bergabung=2018, jenis_dukungan="bantuan_buku"),
    "no_place": Filters(provinsi="99"),
    "nothing": Filters(wilayah=()),
}


@pytest.mark.parametrize(("period", "months"), WINDOWS, ids=lambda v: str(v))
@pytest.mark.parametrize("name", list(SETTINGS))
def test_evaluate_is_the_reference_over_windows_and_settings(
    demo: Store, period: str | None, months: int | None, name: str
) -> None:
    s = SETTINGS[name](get_settings(demo))
    new = coaching.evaluate(demo, period, months, settings=s)
    ref = reference_evaluate(demo, period, months, settings=s)
    assert len(ref) > 3000 or period is None
    assert_same(new, ref)


@pytest.mark.parametrize("name", list(FILTERS))
def test_evaluate_is_the_reference_under_filters(demo: Store, name: str) -> None:
    for s in (get_settings(demo), moved(get_settings(demo))):
        new = coaching.evaluate(demo, "2025-12", 3, FILTERS[name], settings=s)
        ref = reference_evaluate(demo, "2025-12", 3, FILTERS[name], settings=s)
        assert_same(new, ref)


@pytest.mark.parametrize(
    "closed",
    [None, date(2025, 10, 1), date(2025, 11, 1), date(2024, 1, 1), date(2026, 6, 1)],
    ids=str,
)
def test_evaluate_is_the_reference_for_any_last_closed_month(
    demo: Store, closed: date | None
) -> None:
    for period, months in (("2025-12", 3), ("2025-12", 12)):
        new = coaching.evaluate(demo, period, months, closed_until=closed)
        ref = reference_evaluate(demo, period, months, closed_until=closed)
        assert_same(new, ref)


def test_rule_inputs_are_the_reference_under_candidate_score_settings(demo: Store) -> None:
    skor = get_score_settings(demo)
    skor = {
        **skor,
        "bands": [
            {"id": "merah", "dari": 0, "sampai": 60},
            {"id": "kuning", "dari": 60, "sampai": 75},
            {"id": "hijau", "dari": 75, "sampai": 100},
        ],
    }
    skor["bobot"] = {"informasi": 50, "pelibatan": 30, "advokasi": 20}
    end = date(2025, 12, 1)
    for f in (Filters(), Filters(provinsi="52")):
        new = coaching.rule_inputs(demo, end, 6, f, score_settings=skor)
        ref = reference_rule_inputs(demo, end, 6, f, score_settings=skor)
        assert_same(new, ref)


def perturbed(inputs: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The demo's rule inputs with empty values, exact thresholds and odd types sprinkled in."""
    rng = np.random.default_rng(seed)
    out = inputs.copy()
    n = len(out)
    counts = ("bulan_diharapkan", "bulan_dilaporkan", "diharapkan_akhir", "dilaporkan_akhir")
    for c in out.columns:
        if out[c].dtype == float and c not in counts:  # rule_inputs fills the counts
            out.loc[rng.random(n) < 0.1, c] = np.nan
    out.loc[rng.random(n) < 0.05, "persentil_sejawat"] = 0.2
    out.loc[rng.random(n) < 0.05, "kunjungan_yoy"] = -20.0
    out.loc[rng.random(n) < 0.05, "bulan_melapor"] = 6
    out.loc[rng.random(n) < 0.05, "kelengkapan"] = 80.0
    out.loc[rng.random(n) < 0.05, "skor"] = math.inf
    band = out["band"].astype(object)
    band[rng.random(n) < 0.05] = None
    out["band"] = band
    prov = out["provinsi"].astype(object)
    prov[rng.random(n) < 0.05] = None
    out["provinsi"] = prov
    # counts as objects, with None (read as 0)
    counts = out["bulan_diharapkan"].astype(object)
    counts[rng.random(n) < 0.05] = None
    out["bulan_diharapkan"] = counts
    out.attrs = dict(inputs.attrs)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_apply_rules_is_the_reference_on_perturbed_inputs(demo: Store, seed: int) -> None:
    s = get_settings(demo)
    inputs = coaching.rule_inputs(demo, date(2025, 12, 1), 12, None, settings=s)
    frame = perturbed(inputs, seed)
    for settings in (s, moved(s)):
        for lowest in (Band.MERAH, "kuning"):
            new = coaching.apply_rules(frame, settings, lowest_band=lowest)
            ref = reference_apply_rules(frame, settings, lowest_band=lowest)
            assert_same(new, ref)


def test_apply_rules_is_the_reference_on_hand_made_rows() -> None:
    """Rows as tests and callers write them: ints, None, missing values, no attrs."""
    rows = [
        healthy(),
        healthy(bulan_dilaporkan=9, kelengkapan=75.0),
        healthy(dilaporkan_akhir=0),
        healthy(kelengkapan=None),
        healthy(bulan_diharapkan=0, kelengkapan=None),
        healthy(diharapkan_akhir=None, dilaporkan_akhir=None),
        healthy(skor=20.0, band="merah", persentil_sejawat=0.1),
        healthy(skor=40.0, skor_tahun_lalu=50.0, persentil_sejawat=0.2),
        healthy(skor=None, band=None, ciel=90.0),
        healthy(ciel=100.0, skor=69.9),
        healthy(bulan_tanpa_kegiatan=3),
        healthy(bulan_tanpa_kegiatan=None),
        healthy(bulan_melapor=5, kunjungan_yoy=-50.0, skor=40.0, skor_tahun_lalu=50.0),
        healthy(bulan_melapor=None, kegiatan_yoy=-25.0),
        healthy(kunjungan_yoy=-20.0, kegiatan_yoy=-20.000001),
        healthy(capaian=[("kegiatan_per_bulan", 59.94, 1.234, 2.0), ("x", 60.0, 1.0, 1.0)]),
        healthy(capaian=None),
        healthy(provinsi=None, persentil_sejawat=0.0),
        healthy(median_sejawat=None, skor=10.0, band="merah"),
    ]
    frame = pd.DataFrame(rows)
    frame.attrs.update({"end": date(2025, 12, 1), "window": "2025-01..2025-12"})
    s = coaching.default_settings()
    for settings in (s, moved(s), other_r3(s)):
        same_frames = [
            (coaching.apply_rules(frame, settings), reference_apply_rules(frame, settings)),
            (
                coaching.apply_rules(frame.drop(columns=["ciel", "bulan_melapor", "band"]), s),
                reference_apply_rules(frame.drop(columns=["ciel", "bulan_melapor", "band"]), s),
            ),
            (
                coaching.apply_rules(frame.iloc[:0], settings),
                reference_apply_rules(frame.iloc[:0], settings),
            ),
        ]
        for new, ref in same_frames:
            assert_same(new, ref)
