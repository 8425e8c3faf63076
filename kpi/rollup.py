"""The coaching list handed to field teams, and the roll-up of libraries to areas for
leadership: libraries per tier, the share needing coaching and its Wilson lower bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kpi.settings import CoachingSettings
from kpi.vocab import AREA_LEVELS, BASES, TIER_ORDER, TIERS, Basis, Tier

# An area's own library (its dinas) in a roll-up row: the columns that read as the area's own
# tier, points, quadrant and reasons in the priority tables (command line and page alike).
OWN_AS_AREA = {
    "sendiri_tier": "tier",
    "sendiri_points": "points",
    "sendiri_quadrant": "quadrant",
    "sendiri_reasons": "reasons",
}


def priorities(frame: pd.DataFrame) -> pd.DataFrame:
    """The flagged libraries, in the order handed to field teams (tier, then points)."""
    flagged = frame[frame["tier"].notna()].copy()
    flagged["_o"] = flagged["tier"].map(TIER_ORDER)
    flagged = flagged.sort_values(["_o", "points", "kode"], ascending=[True, False, True])
    return flagged.drop(columns="_o").reset_index(drop=True)


def wilson_lower(k: np.ndarray | float, n: np.ndarray | float, confidence: float = 90.0) -> Any:
    """The lower bound of the Wilson score interval of k successes in n (a share in 0-1),
    two-sided at ``confidence`` percent; empty (NaN) when n is 0."""
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + float(confidence) / 200.0)
    k_ = np.asarray(k, dtype=float)
    n_ = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k_ / n_
        centre = p + z * z / (2 * n_)
        spread = z * np.sqrt(p * (1 - p) / n_ + z * z / (4 * n_ * n_))
        low = (centre - spread) / (1 + z * z / n_)
    low = np.where(n_ > 0, np.clip(low, 0.0, 1.0), np.nan)
    return low if low.ndim else float(low)


def rollup(
    frame: pd.DataFrame, level: str, basis: str = "semua", confidence: float | None = None
) -> pd.DataFrame:
    """Per kab/kota or province: libraries per tier and their shares, the area library's own
    tier, and the ranking for leadership.

    ``basis`` says which libraries "need coaching": semua (Prioritas 1, Prioritas 2 and
    Pembinaan pelaporan), kinerja (Prioritas 1 and 2) or pelaporan. Their number is
    ``jumlah_perlu`` and their share ``porsi_perlu`` (percent); the areas are ranked by
    ``batas_bawah``, the lower bound (percent) of the Wilson interval of that share at
    ``confidence`` percent (default: the setting ``selang_kepercayaan`` given in ``frame``'s
    attrs, else 90), so that 2 of 3 does not outrank 40 of 60; ties by the number concerned.
    """
    if level not in AREA_LEVELS:
        raise ValueError("roll-up is to provinsi or kabupaten_kota")
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r} (one of {', '.join(BASES)})")
    if confidence is None:
        confidence = CoachingSettings.of(frame.attrs.get("settings") or {}).selang_kepercayaan
    key = f"kode_{level}"
    if key not in frame.columns or frame.empty:
        cols = ["kode", "nama", "tingkat", "provinsi", "kabupaten_kota", "peringkat"]
        cols += ["sendiri_kode", "sendiri_tier", "sendiri_points", "sendiri_quadrant"]
        cols += ["sendiri_reasons", "sendiri_nama", "jumlah_perpustakaan", "jumlah_perlu"]
        cols += ["porsi_perlu", "batas_bawah", "basis", "jumlah_prioritas", "porsi_prioritas"]
        cols += [f"jumlah_{t}" for t in TIERS] + [f"porsi_{t}" for t in TIERS]
        return pd.DataFrame(columns=cols)
    data = frame[frame[key].notna()]
    tiers = data["tier"].fillna(Tier.TANPA_TANDA)
    # libraries per area and tier (a crosstab, counted the quick way)
    counts = (
        pd.DataFrame({"g": data[key], "t": tiers}).groupby(["g", "t"]).size().unstack(fill_value=0)
    )
    counts = counts.reindex(columns=[*TIERS, Tier.TANPA_TANDA], fill_value=0)
    total = counts.sum(axis=1)
    out = pd.DataFrame({"kode": counts.index.astype(str)})
    out["jumlah_perpustakaan"] = total.to_numpy()
    for t in TIERS:
        out[f"jumlah_{t}"] = counts[t].to_numpy()
        out[f"porsi_{t}"] = (100.0 * counts[t] / total).to_numpy()
    out["jumlah_prioritas"] = out["jumlah_prioritas_1"] + out["jumlah_prioritas_2"]
    out["porsi_prioritas"] = 100.0 * out["jumlah_prioritas"] / out["jumlah_perpustakaan"]
    concerned = out[[f"jumlah_{t}" for t in BASES[Basis(basis)]]].sum(axis=1)
    out["jumlah_perlu"] = concerned.astype(int)
    out["porsi_perlu"] = 100.0 * out["jumlah_perlu"] / out["jumlah_perpustakaan"]
    out["batas_bawah"] = 100.0 * wilson_lower(
        out["jumlah_perlu"].to_numpy(), out["jumlah_perpustakaan"].to_numpy(), confidence
    )
    out["basis"] = basis
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
        ["batas_bawah", "jumlah_perlu", "kode"], ascending=[False, False, True]
    ).reset_index(drop=True)
    out["peringkat"] = np.arange(1, len(out) + 1)
    return out
