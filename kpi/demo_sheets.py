"""The demo program's other sheets (kpi.demo_data builds the register and the monthly reports):
self-assessments (CIEL per semester), targets (national and provincial, per year) and context
indicators (IPLM, TGM), from the same seeded generator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.columns import CIEL_DIMENSIONS, STRATEGY_SELF_RATINGS
from kpi.demo_data import DEMO_SOURCE_LABEL, REMOTE_PROVINCES


def self_assessments(
    rng: np.random.Generator, reg: pd.DataFrame, monthly: pd.DataFrame
) -> pd.DataFrame:
    """CIEL per semester, 2022-S1 to 2025-S2, for libraries that joined a Peer Learning Meeting."""
    visits = monthly.groupby("kode_perpustakaan")["kunjungan"].median()
    level = reg["kode_perpustakaan"].map(visits).fillna(0.0)
    # relative standing within the level, 0..1
    rank = level.groupby(reg["jenis"]).rank(pct=True).to_numpy()
    takes_part = rng.random(len(reg)) < 0.6
    overrate = rng.random(len(reg)) < 0.12  # rates itself far above what its data shows
    rows = []
    for year in range(2022, 2026):
        for sem in (1, 2):
            present = takes_part & (rng.random(len(reg)) < 0.85)
            for i in np.nonzero(present)[0]:
                mean = 1.6 + 2.4 * rank[i] if not overrate[i] else rng.uniform(4.2, 4.9)
                scores = np.clip(rng.normal(mean, 0.35, size=7), 1.0, 5.0)
                # stored on 0-100 (1 -> 0, 5 -> 100), as the CIEL index reads
                s100 = np.round((scores - 1.0) * 25.0, 1)
                rows.append(
                    (
                        reg["kode_perpustakaan"].iat[i],
                        f"{year}-S{sem}",
                        year,
                        sem,
                        *s100,
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "kode_perpustakaan",
            "periode",
            "tahun",
            "semester",
            *CIEL_DIMENSIONS,
            *STRATEGY_SELF_RATINGS,
        ],
    )


def targets(rng: np.random.Generator, reg: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """National and provincial targets per year: the areas' totals (flows) and completeness,
    and an activity rate for each village library of the area (jenis desa_kelurahan)."""
    m = monthly.assign(
        tahun=pd.to_datetime(monthly["periode"]).dt.year,
        kode_provinsi=monthly["kode_perpustakaan"].map(
            reg.set_index("kode_perpustakaan")["kode_provinsi"]
        ),
    )
    rows = []
    provinces = sorted(reg["kode_provinsi"].unique())
    ambition = dict(zip(provinces, rng.uniform(0.95, 1.6, size=len(provinces)), strict=True))
    rate_amb = dict(
        zip(["", *provinces], rng.uniform(0.85, 1.25, size=len(provinces) + 1), strict=True)
    )
    for tahun in range(2019, 2027):
        ref = m[m["tahun"] == min(tahun - 1, 2025)]
        for tingkat, kode, part, amb in [("nasional", "", ref, 1.1)] + [
            ("provinsi", p, ref[ref["kode_provinsi"] == p], ambition[p]) for p in provinces
        ]:
            if part.empty:
                continue
            total = part["kunjungan"].sum() * amb
            rows.append(("kunjungan", tingkat, kode, tahun, "", round(total, -2)))
            rows.append(("kegiatan", tingkat, kode, tahun, "", round(part["kegiatan"].sum() * amb)))
            rows.append(
                ("peserta", tingkat, kode, tahun, "", round(part["peserta"].sum() * amb, -1))
            )
            # a rate target for each village library of the area (the target names their
            # level), set from the village libraries' own rate
            desa = part[part["kode_perpustakaan"].str.startswith("DES-")]
            rate = desa["kegiatan"].sum() / max(len(desa), 1)
            rows.append(
                (
                    "kegiatan_per_bulan",
                    tingkat,
                    kode,
                    tahun,
                    "desa_kelurahan",
                    round(rate * rate_amb[kode], 1),
                )
            )
            rows.append(("kelengkapan", tingkat, kode, tahun, "", 90.0))
    return pd.DataFrame(rows, columns=["kpi", "tingkat", "kode", "tahun", "jenis", "nilai"])


# the official IPLM and TGM national values the demo's provinces scatter around (2022-2024);
# the values per province are synthetic
_IPLM_NATIONAL = {2019: 53.8, 2020: 55.7, 2021: 58.2, 2022: 64.5, 2023: 69.4, 2024: 73.5}
_TGM_NATIONAL = {2019: 53.8, 2020: 55.7, 2021: 59.5, 2022: 63.9, 2023: 66.7, 2024: 72.4}


def context(rng: np.random.Generator, reg: pd.DataFrame) -> pd.DataFrame:
    provinces = sorted(reg["kode_provinsi"].unique())
    offset_iplm = rng.normal(0, 8, size=len(provinces))
    offset_tgm = rng.normal(0, 6, size=len(provinces))
    rows = []
    for i, p in enumerate(provinces):
        remote = -6.0 if p in REMOTE_PROVINCES else 0.0
        for tahun, value in _IPLM_NATIONAL.items():
            v = float(np.clip(value + offset_iplm[i] + remote + rng.normal(0, 1.5), 15, 98))
            rows.append((p, "provinsi", "IPLM", tahun, round(v, 2), "indeks", DEMO_SOURCE_LABEL))
        for tahun, value in _TGM_NATIONAL.items():
            v = float(np.clip(value + offset_tgm[i] + remote + rng.normal(0, 1.5), 20, 95))
            rows.append((p, "provinsi", "TGM", tahun, round(v, 2), "indeks", DEMO_SOURCE_LABEL))
    return pd.DataFrame(
        rows, columns=["kode_wilayah", "tingkat", "indikator", "tahun", "nilai", "satuan", "sumber"]
    )
