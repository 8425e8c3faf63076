"""The demo program's data: a synthetic TPBIS (3,505 village libraries at scale 1, with their
kab/kota and provincial libraries), its monthly reports, self-assessments, targets and context
indicators, built from a seed (kpi.demo loads it into the store).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kpi import places
from kpi.columns import MONTHLY_COLUMN_NAMES
from kpi.schema import CONTACT_COLUMNS

DEMO_BATCH_PREFIX = "demo-"
DEMO_SOURCE_LABEL = "DEMO: data sintetis, bukan data resmi / synthetic, not official data"

FIRST_MONTH = date(2018, 1, 1)
LAST_MONTH = date(2025, 12, 1)
COHORT_YEARS = (2018, 2019, 2020, 2021, 2022)
# share of kab/kota joining in each cohort year (the program grew year by year)
KAB_COHORT_WEIGHTS = (0.10, 0.12, 0.16, 0.27, 0.35)

# remote provinces: fewer visits, more reporting gaps
REMOTE_PROVINCES = {"53", "62", "65", "74", "75", "76", "81", "82", "91", "92"}
JAVA_BALI = {"31", "32", "33", "34", "35", "36", "51"}
# the province whose libraries largely stopped reporting in 2024 (as happened in the field)
REPORTING_COLLAPSE_PROVINCE = "73"

# first month of Ramadan per year (the fasting month lowers visits and activities)
RAMADAN = {
    2018: (5, 6),
    2019: (5,),
    2020: (4, 5),
    2021: (4, 5),
    2022: (4,),
    2023: (3, 4),
    2024: (3, 4),
    2025: (3,),
}


@dataclass(frozen=True)
class DemoResult:
    batch_id: str
    libraries: int
    monthly_rows: int
    seconds: float


def _months() -> pd.DatetimeIndex:
    return pd.date_range(FIRST_MONTH, LAST_MONTH, freq="MS")


def _allocate(total: int, caps: np.ndarray, weights: np.ndarray, minimum: int = 1) -> np.ndarray:
    """Split ``total`` over bins with a minimum each, proportional to weights, within caps."""
    caps = caps.astype(np.int64)
    alloc = np.minimum(np.full(len(caps), minimum, dtype=np.int64), caps)
    remaining = total - int(alloc.sum())
    if remaining < 0 or total > caps.sum():
        raise ValueError("cannot allocate demo libraries within the gazetteer's places")
    w = weights.astype(float).copy()
    while remaining > 0:
        room = caps - alloc
        w_open = np.where(room > 0, w, 0.0)
        share = w_open / w_open.sum() * remaining
        add = np.minimum(np.floor(share).astype(np.int64), room)
        if add.sum() == 0:
            # hand out the remainder one by one to the largest open weights
            order = np.argsort(-(w_open + 1e-12 * np.arange(len(w_open))))
            for i in order:
                if remaining == 0:
                    break
                if room[i] > 0:
                    alloc[i] += 1
                    remaining -= 1
            continue
        alloc += add
        remaining -= int(add.sum())
    return alloc


def _choose_areas(rng: np.random.Generator, scale: int) -> tuple[pd.DataFrame, ...]:
    prov = places.provinsi()
    prov = prov[prov["kode"] == prov["kode_induk_2021"]].copy()  # the 34 pre-2022 provinces
    kab = places.kabupaten_kota()
    kab = kab[kab["kode_provinsi"].isin(prov["kode"])].copy()
    desa = places.desa_kelurahan()
    desa = desa.assign(kode_kabupaten_kota=desa["kode"].str[:4])
    desa = desa[desa["kode_kabupaten_kota"].isin(kab["kode"])]

    # 399 kab/kota: at least one per province, the rest proportional to each province's count
    per_prov = kab.groupby("kode_provinsi").size().reindex(prov["kode"]).to_numpy()
    n_kab = _allocate(399, per_prov, per_prov.astype(float) ** 0.9, minimum=1)
    chosen: list[Any] = []
    for kode_prov, n in zip(prov["kode"], n_kab, strict=True):
        options = kab[kab["kode_provinsi"] == kode_prov]["kode"].to_numpy()
        chosen.extend(rng.choice(np.sort(options), size=int(n), replace=False))
    kab = kab[kab["kode"].isin(chosen)].sort_values("kode").reset_index(drop=True)

    # 3,505 x scale village libraries, at least one per chosen kab/kota
    desa = desa[desa["kode_kabupaten_kota"].isin(kab["kode"])]
    counts = desa.groupby("kode_kabupaten_kota").size().reindex(kab["kode"]).to_numpy()
    weights = np.sqrt(counts) * rng.lognormal(0.0, 0.35, size=len(counts))
    n_desa = _allocate(3505 * scale, counts, weights, minimum=1)
    picked = []
    for kode_kab, n in zip(kab["kode"], n_desa, strict=True):
        options = desa[desa["kode_kabupaten_kota"] == kode_kab]
        idx = rng.choice(len(options), size=int(n), replace=False)
        picked.append(options.iloc[np.sort(idx)])
    desa = pd.concat(picked, ignore_index=True)
    return prov.reset_index(drop=True), kab, desa


def _dinas(areas: pd.DataFrame, level: str) -> pd.DataFrame:
    """The library of each province or kab/kota (its dinas), with full support."""
    prov = level == "provinsi"
    name = "Dinas Perpustakaan dan Kearsipan Provinsi " if prov else "Dinas Perpustakaan "
    return pd.DataFrame(
        {
            "kode_perpustakaan": ("PRV-" if prov else "KAB-") + areas["kode"],
            "nama_perpustakaan": name + areas["nama"],
            "jenis": level,
            "kode_wilayah": areas["kode"],
            "kode_provinsi": areas["kode"] if prov else areas["kode_provinsi"],
            "kode_kabupaten_kota": None if prov else areas["kode"],
            "kode_kecamatan": None,
            "kode_desa_kelurahan": None,
            "tahun_bergabung": areas["tahun_bergabung"],
            "jenis_dukungan": "penuh",
            "penduduk": areas["penduduk"],
        }
    )


def _registers(rng: np.random.Generator, scale: int) -> pd.DataFrame:
    prov, kab, desa = _choose_areas(rng, scale)

    kab_cohort = rng.choice(COHORT_YEARS, size=len(kab), p=KAB_COHORT_WEIGHTS)
    kab = kab.assign(tahun_bergabung=kab_cohort)
    prov_cohort = kab.groupby("kode_provinsi")["tahun_bergabung"].min()
    prov = prov.assign(tahun_bergabung=prov["kode"].map(prov_cohort).astype(int))
    # a village joins in its kab/kota's cohort year or later
    desa_kab_cohort = desa["kode_kabupaten_kota"].map(kab.set_index("kode")["tahun_bergabung"])
    lag = rng.choice([0, 0, 0, 1, 1, 2], size=len(desa))
    desa_cohort = np.minimum(desa_kab_cohort.to_numpy() + lag, 2022)
    desa = desa.assign(tahun_bergabung=desa_cohort)

    kec = places.kecamatan().set_index("kode")["nama"]
    kab_names = kab.set_index("kode")["nama"]
    prov_names = prov.set_index("kode")["nama"]

    frames = [_dinas(prov, "provinsi"), _dinas(kab, "kabupaten_kota")]
    is_kel = desa["jenis"].eq("kelurahan").to_numpy()
    support = np.where(
        (desa["tahun_bergabung"].to_numpy() >= 2021) & (rng.random(len(desa)) < 0.28),
        "replikasi_mandiri",
        np.where(rng.random(len(desa)) < 0.08, "bantuan_buku", "penuh"),
    )
    penduduk_desa = np.round(
        rng.lognormal(np.log(np.where(is_kel, 9000, 3500)), 0.45, size=len(desa)), -1
    ).astype(np.int64)
    frames.append(
        pd.DataFrame(
            {
                "kode_perpustakaan": "DES-" + desa["kode"],
                "nama_perpustakaan": np.where(
                    is_kel, "Perpustakaan Kelurahan ", "Perpustakaan Desa "
                )
                + desa["nama"],
                "jenis": "desa_kelurahan",
                "kode_wilayah": desa["kode"],
                "kode_provinsi": desa["kode"].str[:2],
                "kode_kabupaten_kota": desa["kode"].str[:4],
                "kode_kecamatan": desa["kode"].str[:6],
                "kode_desa_kelurahan": desa["kode"],
                "tahun_bergabung": desa["tahun_bergabung"],
                "jenis_dukungan": support,
                "penduduk": penduduk_desa,
            }
        )
    )
    reg = pd.concat(frames, ignore_index=True)
    # a population missing in the gazetteer: a plausible figure for the level
    missing = reg["penduduk"].isna()
    reg.loc[missing, "penduduk"] = np.where(
        reg.loc[missing, "jenis"] == "provinsi", 3_000_000, 400_000
    )
    reg["penduduk"] = reg["penduduk"].astype(np.int64)
    kec_name = reg["kode_kecamatan"].map(kec)
    kab_name = reg["kode_kabupaten_kota"].map(kab_names)
    prov_name = reg["kode_provinsi"].map(prov_names)
    reg["alamat"] = np.where(
        reg["jenis"] == "desa_kelurahan",
        "Kec. " + kec_name.fillna("") + ", " + kab_name.fillna("") + ", " + prov_name.fillna(""),
        np.where(reg["jenis"] == "kabupaten_kota", kab_name + ", " + prov_name, prov_name),
    )
    for col in CONTACT_COLUMNS[1:]:  # the demo has addresses, no contact person
        reg[col] = None
    reg["latitude"] = np.nan
    reg["longitude"] = np.nan
    return reg


def _season(months: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers per month for visits and for activities."""
    visits = np.ones(len(months))
    activities = np.ones(len(months))
    for i, m in enumerate(months):
        if m.month in RAMADAN.get(m.year, ()):
            visits[i] *= 0.72
            activities[i] *= 0.65
        if m.month == 12:  # school holidays and closing the budget year
            visits[i] *= 0.8
            activities[i] *= 1.25
        if m.month in (7, 8):  # reading month and independence-day events
            activities[i] *= 1.15
        if date(2020, 4, 1) <= m.date() <= date(2021, 6, 1):  # the pandemic
            visits[i] *= 0.45
            activities[i] *= 0.5
    return visits, activities


def _monthly(rng: np.random.Generator, reg: pd.DataFrame) -> pd.DataFrame:
    months = _months()
    n_lib, n_mon = len(reg), len(months)
    month_idx = np.arange(n_mon)
    jenis = reg["jenis"].to_numpy()
    kode_prov = reg["kode_provinsi"].to_numpy()
    is_desa = jenis == "desa_kelurahan"
    is_kota = (
        reg["kode_kabupaten_kota"]
        .map(places.kabupaten_kota().set_index("kode")["jenis"])
        .to_numpy()
        == "kota"
    )
    remote = np.isin(kode_prov, list(REMOTE_PROVINCES))
    java = np.isin(kode_prov, list(JAVA_BALI))
    urban = np.where(remote, 0.55, np.where(is_kota, 1.6, np.where(java, 1.2, 0.9)))

    # first reported month: a random month of the cohort year, then one month later
    join_month = rng.integers(0, 12, size=n_lib)
    start = (reg["tahun_bergabung"].to_numpy() - FIRST_MONTH.year) * 12 + join_month + 1
    active = month_idx[None, :] >= start[:, None]

    # reporting: a two-state chain per library, persistent gaps, worse in remote places
    p_stay = np.where(remote, 0.9, 0.965)
    p_back = np.where(remote, 0.4, 0.6)
    never = rng.random(n_lib) < np.where(remote, 0.07, 0.025)
    never &= is_desa
    reporting = np.zeros((n_lib, n_mon), dtype=bool)
    state = rng.random(n_lib) < 0.9
    draws = rng.random((n_lib, n_mon))
    for t in range(n_mon):
        state = np.where(state, draws[:, t] < p_stay, draws[:, t] < p_back)
        reporting[:, t] = state
    reporting &= active & ~never[:, None]
    # the province where most libraries stopped reporting from 2024 on
    collapse = (kode_prov == REPORTING_COLLAPSE_PROVINCE) & (rng.random(n_lib) < 0.7) & is_desa
    from_2024 = month_idx >= (2024 - FIRST_MONTH.year) * 12
    reporting[collapse[:, None] & from_2024[None, :]] = False
    # some libraries stop reporting for the last months (rule D's "last 2 months")
    stopped = rng.random(n_lib) < 0.05
    reporting[stopped[:, None] & (month_idx >= n_mon - 3)[None, :]] = False

    # levels and trends
    base_visits = np.where(is_desa, 260.0, np.where(jenis == "kabupaten_kota", 2600.0, 9000.0))
    base_visits = base_visits * urban * rng.lognormal(0.0, 0.5, size=n_lib)
    growth = rng.normal(0.09, 0.07, size=n_lib)  # a year
    years_in = np.clip(month_idx[None, :] - start[:, None], 0, None) / 12.0
    trend = (1.0 + growth[:, None]) ** years_in
    # declines: some libraries lose a third or more of their activity from a month in 2024-25
    decline = rng.random(n_lib) < 0.1
    decline_from = rng.integers(n_mon - 24, n_mon - 8, size=n_lib)
    depth = rng.uniform(0.4, 0.7, size=n_lib)
    decl = np.where(
        decline[:, None] & (month_idx[None, :] >= decline_from[:, None]), depth[:, None], 1.0
    )
    season_v, season_a = _season(months)
    noise = rng.lognormal(0.0, 0.2, size=(n_lib, n_mon))
    visits = base_visits[:, None] * trend * decl * season_v[None, :] * noise

    act_rate = np.where(is_desa, 3.0, np.where(jenis == "kabupaten_kota", 7.0, 12.0))
    act_rate = act_rate * np.sqrt(urban) * rng.lognormal(0.0, 0.4, size=n_lib)
    kegiatan = rng.poisson(act_rate[:, None] * decl * season_a[None, :] * np.sqrt(trend))
    # inactivity spells: no engagement activity for 3 to 6 months running
    idle = rng.random(n_lib) < 0.08
    idle_len = rng.integers(3, 7, size=n_lib)
    idle_from = np.where(
        rng.random(n_lib) < 0.6, n_mon - idle_len, rng.integers(24, n_mon - 6, size=n_lib)
    )
    idle_mask = (
        idle[:, None]
        & (month_idx[None, :] >= idle_from[:, None])
        & (month_idx[None, :] < (idle_from + idle_len)[:, None])
    )
    kegiatan[idle_mask] = 0

    def share(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, size=n_lib)[:, None]

    kunjungan = np.round(visits).astype(np.int64)
    jangkauan = np.round(visits * share(1.5, 4.0) * rng.lognormal(0, 0.2, (n_lib, n_mon)))
    anggota_baru = rng.poisson(visits * share(0.03, 0.08))
    anggota_awal = np.round(base_visits * rng.uniform(0.8, 2.5, size=n_lib))
    anggota_total = anggota_awal[:, None] + np.cumsum(np.where(active, anggota_baru, 0), axis=1)
    peminjaman = rng.poisson(visits * share(0.3, 0.9))
    komputer = np.where(
        is_desa, rng.integers(0, 6, size=n_lib), rng.integers(5, 30, size=n_lib)
    ).astype(np.int64)
    komputer = np.where(remote & is_desa & (rng.random(n_lib) < 0.3), 0, komputer)
    internet = rng.random(n_lib) < np.where(remote, 0.6, 0.9)
    pengguna_tik = np.where((komputer > 0)[:, None], rng.poisson(visits * share(0.1, 0.4)), 0)
    peserta = rng.poisson(kegiatan * share(15, 35))
    peserta_perempuan = rng.binomial(peserta, share(0.45, 0.65))
    penerima_manfaat = rng.binomial(peserta, share(0.15, 0.45))
    kisah_sukses = rng.poisson(kegiatan * 0.08)
    testimoni = rng.binomial(peserta, share(0.03, 0.12))
    adv_rate = np.where(is_desa, 0.5, np.where(jenis == "kabupaten_kota", 2.0, 3.0))
    advokasi = rng.poisson(adv_rate[:, None] * decl * np.ones((1, n_mon)))
    mitra_baru = rng.poisson(np.where(is_desa, 0.08, 0.3)[:, None] * np.ones((1, n_mon)))
    # local budget: a yearly commitment, booked in one month of the year by part of the places
    budget_year = np.where(
        is_desa,
        rng.lognormal(np.log(25e6), 0.6, n_lib),
        rng.lognormal(np.log(400e6), 0.5, n_lib),
    ) * (rng.random(n_lib) < np.where(is_desa, 0.45, 0.9))
    budget_month = rng.integers(0, 12, size=n_lib)
    anggaran = np.where(
        (month_idx[None, :] % 12) == budget_month[:, None], budget_year[:, None], 0.0
    )
    anggaran = np.round(anggaran, -3)
    replikasi = np.where(
        is_desa[:, None],
        0,
        rng.poisson(np.where(jenis == "provinsi", 0.25, 0.12)[:, None] * np.ones((1, n_mon))),
    )
    publikasi = rng.poisson(np.where(is_desa, 0.3, 1.5)[:, None] * np.ones((1, n_mon)))

    # entry errors: a value typed with one or two zeros too many
    # (village libraries only: a provincial library's slip would dwarf the national total)
    spikes = (rng.random((n_lib, n_mon)) < 0.0015) & is_desa[:, None]
    factor = rng.choice([10, 10, 10, 100], size=(n_lib, n_mon))
    kunjungan = np.where(spikes, kunjungan * factor, kunjungan)
    # submission date: on time (by the 10th of next month) more often in connected places
    on_time = rng.random((n_lib, n_mon)) < np.where(remote, 0.5, 0.78)[:, None]
    day = np.where(
        on_time, rng.integers(1, 11, (n_lib, n_mon)), rng.integers(11, 29, (n_lib, n_mon))
    )

    # some libraries do not report outreach reach: PAR and BAR stay empty for them
    reports_aware = rng.random(n_lib) < 0.7

    li, mi = np.nonzero(reporting)
    periode = months[mi]
    next_month = periode + pd.offsets.MonthBegin(1)
    frame = pd.DataFrame(
        {
            "kode_perpustakaan": reg["kode_perpustakaan"].to_numpy()[li],
            "periode": periode.date,
            "tanggal_lapor": (next_month + pd.to_timedelta(day[li, mi] - 1, unit="days")).date,
            "jangkauan_sosialisasi": pd.array(
                np.where(reports_aware[li], jangkauan[li, mi], np.nan), dtype="Int64"
            ),
            "kunjungan": kunjungan[li, mi],
            "anggota_baru": anggota_baru[li, mi],
            "anggota_total": anggota_total[li, mi].astype(np.int64),
            "peminjaman": peminjaman[li, mi],
            "pengguna_tik": pengguna_tik[li, mi],
            "komputer_aktif": komputer[li],
            "akses_internet": internet[li],
            "kegiatan": kegiatan[li, mi],
            "peserta": peserta[li, mi],
            "peserta_perempuan": peserta_perempuan[li, mi],
            "penerima_manfaat": penerima_manfaat[li, mi],
            "kisah_sukses": kisah_sukses[li, mi],
            "testimoni": testimoni[li, mi],
            "advokasi": advokasi[li, mi],
            "mitra_baru": mitra_baru[li, mi],
            "anggaran_daerah": anggaran[li, mi],
            "replikasi_desa": replikasi[li, mi],
            "publikasi": publikasi[li, mi],
        }
    )
    return frame[["kode_perpustakaan", "periode", *MONTHLY_COLUMN_NAMES]]
