"""The coaching rules on the figures of kpi.coaching.rule_inputs: ``apply_rules`` adds each
library's tier, points, quadrant and reasons (coaching-rules.md; the rules themselves are told
in kpi.coaching's docstring).

Each rule is a mask over all the libraries at once (numpy); a reason is made only for the
libraries a rule hits, with the numbers rounded as kpi.reasons rounds them. A library's
reasons: D alone; else the weak score's (R1, R4 and Q together) first, then R2, R3 (in the
order of the R3 KPIs), R5 and R6. At national scale (35,000 libraries) this is what used to be
a Python loop per library (issue 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kpi import gcpause
from kpi.catalogue import Catalogue, catalogue
from kpi.periods import add_months
from kpi.reasons import _nan, _num, reason, weak_score_reason
from kpi.settings import CoachingSettings
from kpi.vocab import POINT_TIERS, Band, Quadrant, Rule, Tier


@gcpause.paused()
def apply_rules(
    inputs: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    lowest_band: str = Band.MERAH,
    cat: Catalogue | None = None,
) -> pd.DataFrame:
    """Rules D, R1-R6 and Q on the figures of ``rule_inputs``: adds tier, points, quadrant and
    reasons (a pure function of its inputs and the settings).

    Each rule is a mask over all the libraries; a reason is made only for the libraries a rule
    hits. A library's reasons: D alone; else the weak score's (R1, R4, Q) first, then R2, R3
    (in the order of the R3 KPIs), R5 and R6.
    """
    cat = cat or catalogue()
    cfg = CoachingSettings.of(settings, cat)
    end: date = inputs.attrs.get("end") or date.today()
    period_label = str(inputs.attrs.get("window", ""))
    d_label = inputs.attrs.get("window_pelaporan", period_label)
    r3_ids = list(inputs.attrs.get("r3") or cfg.r3_kpi)
    pts = dict(cfg.poin)
    r4_share = cfg.r4_persen_terbawah / 100.0
    f = _Figures(inputs)
    n = len(inputs)
    reasons: list[list[dict[str, Any]]] = [[] for _ in range(n)]

    # D: silent in the last closed months, or incomplete; it silences every other rule
    expected, reported = f.count("bulan_diharapkan"), f.count("bulan_dilaporkan")
    complete, tail_rep = f.num("kelengkapan"), f.count("dilaporkan_akhir")
    silent_tail = (f.count("diharapkan_akhir") > 0) & (tail_rep == 0)
    low = (expected > 0) & (np.isnan(complete) | (complete < cfg.d_kelengkapan_minimum))
    d_hit = silent_tail | low
    rest = ~d_hit
    rows = np.flatnonzero(d_hit)
    for i, m, r, c, t in zip(
        rows.tolist(),
        expected[rows].tolist(),
        reported[rows].tolist(),
        _rounded(complete[rows]),
        tail_rep[rows].tolist(),
        strict=True,
    ):
        values = {
            "n": int(m - r),
            "m": int(m),
            "kelengkapan": c,
            "dilaporkan_bulan_terakhir": int(t),
            "bulan_terakhir": cfg.d_bulan_terakhir,
            "periode": d_label,
        }
        reasons[i].append(reason(Rule.D, values))

    skor, median, prev = f.num("skor"), f.num("median_sejawat"), f.num("skor_tahun_lalu")
    age = f.num("bulan_melapor")
    judged = rest & ~np.isnan(age) & (age >= cfg.bulan_bergabung_minimum)

    # R1, R4 and Q read the same score: one weakness, one reason (first), the largest points
    bands = f.col("band")
    r1 = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(rest & ~np.isnan(skor)).tolist():
        r1[i] = bool(bands[i] == lowest_band)
    cume = f.num("persentil_sejawat")
    r4 = rest & ~np.isnan(cume) & (cume <= r4_share + 1e-12)
    quadrants = _quadrants(skor, median, prev, judged & ~np.isnan(median) & ~np.isnan(prev))
    q = np.asarray(quadrants == Quadrant.PRIORITAS, dtype=bool)
    provinces = f.col("provinsi")
    batas = round(100 * r4_share)
    rows = np.flatnonzero(r1 | r4 | q)
    for i, s, is_r1, is_r4, is_q, pct, md, pv in zip(
        rows.tolist(),
        skor[rows].tolist(),
        r1[rows].tolist(),
        r4[rows].tolist(),
        q[rows].tolist(),
        _rounded(100 * cume[rows]),
        _rounded(median[rows]),
        _rounded(prev[rows]),
        strict=True,
    ):
        weak: dict[str, dict[str, Any]] = {}
        if is_r1:
            weak[Rule.R1] = {"band": bands[i]}
        if is_r4:
            prov = str(provinces[i]) if provinces[i] is not None else ""
            weak[Rule.R4] = {"persentil": pct, "provinsi": prov}
        if is_q:
            weak[Rule.Q] = {"median": md, "s_tahun_lalu": pv}
        reasons[i].append(weak_score_reason(weak, s, pts, period_label, batas))

    # R2: year-to-date achievement of a pillar KPI under the minimum
    r2 = np.zeros(n, dtype=bool)
    r2_min = cfg.r2_capaian_minimum
    r2_period = f"{end.year}-01..{end.year}-{end.month:02d}"
    achieved = f.col("capaian")
    for i in np.flatnonzero(rest).tolist():
        for kpi_id, cap, akt, tgt in achieved[i] or []:
            if cap < r2_min:
                r2[i] = True
                values = {
                    "kpi": kpi_id,
                    "p": _num(cap),
                    "aktual": _num(akt, 2),
                    "target_prorata": _num(tgt, 2),
                    "periode": r2_period,
                }
                reasons[i].append(reason(Rule.R2, values))

    # R3: a fall year on year of a KPI at or under the maximum, for libraries old enough
    r3 = np.zeros(n, dtype=bool)
    r3_period = f"{add_months(end, -2):%Y-%m}..{end:%Y-%m}"
    for kpi_id in r3_ids:
        change = f.num(f"{kpi_id}_yoy")
        hit = judged & ~np.isnan(change) & (change <= cfg.r3_perubahan_maksimum)
        r3 |= hit
        rows = np.flatnonzero(hit)
        for i, p, now, before in zip(
            rows.tolist(),
            _rounded(change[rows]),
            _rounded(f.num(f"{kpi_id}_kini")[rows], 0),
            _rounded(f.num(f"{kpi_id}_lalu")[rows], 0),
            strict=True,
        ):
            values = {"kpi": kpi_id, "p": p, "kini": now, "lalu": before, "periode": r3_period}
            reasons[i].append(reason(Rule.R3, values))

    # R5: kegiatan = 0 for consecutive months
    zero = f.num("bulan_tanpa_kegiatan")
    r5 = rest & ~np.isnan(zero) & (zero >= cfg.r5_bulan_berturut)
    rows = np.flatnonzero(r5)
    for i, z in zip(rows.tolist(), zero[rows].tolist(), strict=True):
        reasons[i].append(reason(Rule.R5, {"n": int(z), "periode": period_label}))

    # R6: the CIEL index well above the score
    ciel_ = f.num("ciel")
    with np.errstate(invalid="ignore"):
        gap = ciel_ - skor
    r6 = rest & ~np.isnan(ciel_) & ~np.isnan(skor) & (gap >= cfg.r6_selisih_minimum)
    rows = np.flatnonzero(r6)
    for i, ci, s, g in zip(
        rows.tolist(),
        _rounded(ciel_[rows]),
        _rounded(skor[rows]),
        _rounded(gap[rows]),
        strict=True,
    ):
        reasons[i].append(reason(Rule.R6, {"ciel": ci, "s": s, "selisih": g}))

    # points once per rule, the weak score's once (its largest); tiers from the points
    total = np.zeros(n, dtype=float)
    for rule, hit in ((Rule.R2, r2), (Rule.R3, r3), (Rule.R5, r5), (Rule.R6, r6)):
        total = total + np.where(hit, pts[rule], 0.0)
    weakest = np.full(n, -np.inf)
    for rule, hit in ((Rule.R1, r1), (Rule.R4, r4), (Rule.Q, q)):
        weakest = np.where(hit, np.maximum(weakest, pts[rule]), weakest)
    total = total + np.where(r1 | r4 | q, weakest, 0.0)
    total[d_hit] = 0.0
    tiers = np.full(n, None, dtype=object)
    for t in reversed(POINT_TIERS):  # the highest tier reached wins
        tiers[total >= cfg.tier[t]] = t
    tiers[d_hit] = Tier.PELAPORAN
    quadrants[d_hit] = None
    out = inputs.copy()
    out["tier"] = tiers.tolist()
    out["points"] = pd.Series(total, index=out.index, dtype=float)
    out["quadrant"] = quadrants.tolist()
    out["reasons"] = reasons
    return out


class _Figures:
    """The columns of a frame of rule inputs as apply_rules reads them (a missing column is
    empty: None, NaN or 0)."""

    def __init__(self, inputs: pd.DataFrame) -> None:
        self.inputs = inputs
        self.n = len(inputs)

    def col(self, name: str) -> list[Any]:
        inputs = self.inputs
        return inputs[name].tolist() if name in inputs.columns else [None] * self.n

    def num(self, name: str) -> np.ndarray:
        """As numbers (NaN where not one)."""
        if name not in self.inputs.columns:
            return np.full(self.n, np.nan)
        return pd.to_numeric(self.inputs[name], errors="coerce").to_numpy(dtype=float)

    def count(self, name: str) -> np.ndarray:
        """A count of months: ``float(value or 0)`` (None and a missing column read 0)."""
        if name not in self.inputs.columns:
            return np.zeros(self.n)
        values = self.inputs[name]
        if values.dtype.kind in "fiub":
            return values.to_numpy(dtype=float)
        return np.array([float(v or 0) for v in values.tolist()], dtype=float)


def _rounded(values: np.ndarray, decimals: int = 1) -> list[float | None]:
    """kpi.reasons._num of each value: rounded as Python rounds, None for NaN."""
    return [None if v != v else round(v, decimals) for v in values.tolist()]


def quadrant_of(x: float | None, y: float | None) -> str | None:
    """x: score minus the peer median; y: change of the score against a year earlier."""
    if x is None or y is None or _nan(x) or _nan(y):
        return None
    if x >= 0:
        return Quadrant.TELADAN if y >= 0 else Quadrant.WASPADA
    return Quadrant.BERKEMBANG if y >= 0 else Quadrant.PRIORITAS


def _quadrants(skor: np.ndarray, median: np.ndarray, prev: np.ndarray, ok: np.ndarray) -> Any:
    """quadrant_of(score - median, score - a year earlier) where ``ok`` (else None)."""
    with np.errstate(invalid="ignore"):
        x, y = (skor - median).tolist(), (skor - prev).tolist()
    out = np.full(len(skor), None, dtype=object)
    for i in np.flatnonzero(ok).tolist():
        out[i] = quadrant_of(x[i], y[i])
    return out
