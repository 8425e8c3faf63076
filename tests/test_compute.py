"""The KPI table on a small hand-built store, every figure computed by hand in the test."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from kpi import compute
from kpi import targets as targets_mod
from kpi.compute import Filters
from kpi.scope import ask
from kpi.store import Store, migrate

WILAYAH = [
    ("52", "provinsi", "Nusa Tenggara Barat", None),
    ("5201", "kabupaten_kota", "Kabupaten Lombok Barat", "52"),
    ("5202", "kabupaten_kota", "Kabupaten Lombok Tengah", "52"),
    ("53", "provinsi", "Nusa Tenggara Timur", None),
    ("5301", "kabupaten_kota", "Kabupaten Kupang", "53"),
]
LIB_COLS = (
    "kode_perpustakaan",
    "nama_perpustakaan",
    "jenis",
    "kode_provinsi",
    "kode_kabupaten_kota",
    "tahun_bergabung",
    "penduduk",
    "jenis_dukungan",
)


def build_store(
    path: Path,
    libraries: list[tuple[Any, ...]],
    reports: list[dict[str, Any]],
    targets: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
    ciel: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
) -> Store:
    """A store with a few regions (no gazetteer needed), libraries, reports, targets, CIEL."""
    con = duckdb.connect(str(path))
    migrate(con)
    for row in WILAYAH:
        con.execute("INSERT INTO wilayah VALUES (?, ?, ?, ?, NULL, NULL)", list(row))
    con.close()
    store = Store(path)
    with store.write() as cur:
        for lib in libraries:
            cur.execute(
                f"INSERT INTO perpustakaan ({', '.join(LIB_COLS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                list(lib),
            )
        for rep in reports:
            cols = list(rep)
            cur.execute(
                f"INSERT INTO laporan_bulanan ({', '.join(cols)}, batch_id) "
                f"VALUES ({', '.join('?' for _ in cols)}, 'b1')",
                [rep[c] for c in cols],
            )
        for t in targets:
            row = list(t) + [""] * (6 - len(t))  # jenis: '' unless the target names a level
            cur.execute(
                "INSERT INTO target (kpi, tingkat, kode, tahun, nilai, jenis) VALUES (?,?,?,?,?,?)",
                row,
            )
        for c in ciel:
            cur.execute(
                "INSERT INTO penilaian_mandiri (kode_perpustakaan, periode, tahun, semester, "
                "kreativitas, inovasi, kewirausahaan, kepemimpinan) VALUES (?,?,?,?,?,?,?,?)",
                list(c),
            )
    return store


LIBS = [
    ("A", "Desa A", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh"),
    ("B", "Desa B", "desa_kelurahan", "52", "5201", 2022, 3000, "penuh"),
    ("C", "Desa C", "desa_kelurahan", "52", "5202", 2022, 2000, "bantuan_buku"),  # never reports
    ("J", "Desa J", "desa_kelurahan", "52", "5202", 2024, 800, "replikasi_mandiri"),  # joined 2024
    ("K", "Kab Lombok Barat", "kabupaten_kota", "52", "5201", 2022, 50000, "penuh"),
    ("P", "Prov NTB", "provinsi", "52", None, 2022, 1000000, "penuh"),
    ("N", "Desa N", "desa_kelurahan", "53", "5301", 2021, 500, "penuh"),
]
REPORTS = [
    # A: January complete, February without pengguna_tik / peserta_perempuan / manfaat
    dict(
        kode_perpustakaan="A",
        periode="2024-01-01",
        tanggal_lapor="2024-02-10",
        jangkauan_sosialisasi=400,
        kunjungan=100,
        anggota_baru=5,
        anggota_total=50,
        peminjaman=30,
        pengguna_tik=10,
        komputer_aktif=2,
        akses_internet=True,
        kegiatan=2,
        peserta=40,
        peserta_perempuan=20,
        penerima_manfaat=10,
        testimoni=4,
        mitra_baru=1,
    ),
    dict(
        kode_perpustakaan="A",
        periode="2024-02-01",
        tanggal_lapor="2024-03-11",
        kunjungan=200,
        anggota_total=60,
        peminjaman=90,
        komputer_aktif=0,
        akses_internet=True,
        kegiatan=0,
        peserta=0,
    ),
    dict(kode_perpustakaan="A", periode="2023-01-01", kunjungan=80),
    dict(kode_perpustakaan="A", periode="2023-02-01", kunjungan=100),
    # B: visits not reported (empty, not 0)
    dict(
        kode_perpustakaan="B",
        periode="2024-01-01",
        tanggal_lapor="2024-02-05",
        anggota_total=200,
        peminjaman=20,
        komputer_aktif=3,
        akses_internet=True,
        kegiatan=4,
        peserta=10,
    ),
    # J joined in 2024 and reported at once: expected from its first report (February)
    dict(kode_perpustakaan="J", periode="2024-02-01", kunjungan=70),
    # K: history before the period (cumulative KPIs), then February
    dict(kode_perpustakaan="K", periode="2023-06-01", mitra_baru=2, replikasi_desa=3),
    dict(
        kode_perpustakaan="K",
        periode="2024-02-01",
        tanggal_lapor="2024-03-01",
        kunjungan=1000,
        anggota_total=500,
        kegiatan=6,
        peserta=300,
        replikasi_desa=1,
    ),
    # N: zero members, so loans per member has a zero denominator
    dict(
        kode_perpustakaan="N",
        periode="2024-01-01",
        kunjungan=50,
        anggota_total=0,
        peminjaman=5,
        kegiatan=0,
    ),
]
TARGETS = [
    # NTB's total visits (the province's aggregate)
    ("kunjungan", "provinsi", "52", 2024, 12000.0),
    # each village library of NTB, and each village library nationally
    ("kegiatan_per_bulan", "provinsi", "52", 2024, 4.0, "desa_kelurahan"),
    ("kegiatan_per_bulan", "nasional", "", 2024, 2.0, "desa_kelurahan"),
    # NTB's own activity rate (its aggregate): never a library's benchmark
    ("kegiatan_per_bulan", "provinsi", "52", 2024, 3.0),
]
CIEL = [
    ("A", "2023-S2", 2023, 2, 50.0, 60.0, 70.0, 80.0),
    ("A", "2024-S2", 2024, 2, 100.0, 100.0, 100.0, 100.0),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = build_store(tmp_path / "kecil.duckdb", LIBS, REPORTS, TARGETS, CIEL)
    yield s
    s.close()


def by_kode(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r["kode"]): r for r in frame.to_dict("records")}


def empty(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


JAN_FEB = "2024-01..2024-02"


def test_library_level_hand_computed(store: Store) -> None:
    t = by_kode(compute.aggregate(ask(store, "perpustakaan", JAN_FEB)))
    a = t["A"]
    assert a["kunjungan"] == 300
    assert a["kunjungan_per_1000"] == pytest.approx(1000 * 300 / (1000 * 2))
    assert a["anggota"] == 60  # the stock at the period's last reported month
    assert a["cakupan_anggota"] == pytest.approx(100 * 60 / 1000)
    # loans per member per month: loans / (members at the end x months reporting loans)
    assert a["pinjaman_per_anggota"] == pytest.approx((30 + 90) / (60 * 2))
    assert a["kesiapan_tik"] == 0  # no working computer at the last report
    # same rows: only January reports both pengguna_tik and kunjungan
    assert a["pemanfaatan_tik"] == pytest.approx(100 * 10 / 100)
    assert a["kegiatan_per_bulan"] == pytest.approx(2 / 2)
    assert a["peserta_per_kegiatan"] == pytest.approx(40 / 2)
    assert a["porsi_perempuan"] == pytest.approx(100 * 20 / 40)
    assert a["rasio_manfaat"] == pytest.approx(100 * 10 / 40)
    assert a["kemitraan"] == 1
    assert a["kelengkapan"] == pytest.approx(100.0)
    assert a["ketepatan"] == pytest.approx(50.0)  # February came on the 11th

    b = t["B"]
    assert empty(b["kunjungan"])  # not reported is empty, not 0
    assert empty(b["kunjungan_per_1000"])
    assert b["kesiapan_tik"] == 100
    assert b["pinjaman_per_anggota"] == pytest.approx(20 / (200 * 1))
    assert b["kelengkapan"] == pytest.approx(50.0)

    c = t["C"]
    assert empty(c["kunjungan"]) and c["kelengkapan"] == 0

    assert empty(t["N"]["pinjaman_per_anggota"])  # zero denominator: empty, not infinite
    assert t["N"]["kegiatan_per_bulan"] == 0

    k = t["K"]
    assert k["replikasi"] == 3 + 1  # running sum since joining, to the period end
    assert k["kemitraan"] == 2
    assert empty(t["A"]["replikasi"])  # village libraries have no replication KPI
    assert empty(t["P"]["replikasi"])

    j = t["J"]
    assert j["kunjungan"] == 70
    # expected from the earlier of its first report (2024-02) and January 2025
    assert j["bulan_diharapkan"] == 1 and j["bulan_dilaporkan"] == 1
    assert j["kelengkapan"] == pytest.approx(100.0)


def test_area_levels_are_ratios_of_sums(store: Store) -> None:
    kab = by_kode(compute.aggregate(ask(store, "kabupaten_kota", JAN_FEB)))["5201"]
    assert kab["nama"] == "Kabupaten Lombok Barat" and kab["tingkat"] == "kabupaten_kota"
    assert kab["kunjungan"] == 300 + 1000
    # population counted once: the kab/kota library K serves the whole kab/kota, so A's and B's
    # villages are inside its catchment; months: January and February (A, K reported visits)
    assert kab["kunjungan_per_1000"] == pytest.approx(1000 * 1300 / (50000 * 2))
    assert kab["anggota"] == 60 + 200 + 500
    assert kab["cakupan_anggota"] == pytest.approx(100 * 760 / 50000)
    # ratio of sums, not the mean of the libraries' ratios ((1 + 4 + 6) / 3)
    assert kab["kegiatan_per_bulan"] == pytest.approx((2 + 0 + 4 + 6) / (2 + 1 + 1))
    assert kab["kegiatan_per_bulan"] != pytest.approx((1 + 4 + 6) / 3)
    assert kab["peserta_per_kegiatan"] == pytest.approx(350 / 12)
    assert kab["kesiapan_tik"] == pytest.approx(100 * 1 / 2)  # A no, B yes, K not reported
    assert kab["replikasi"] == 4
    assert kab["kelengkapan"] == pytest.approx(100 * 4 / 6)
    assert kab["perpustakaan"] == 3

    prov = by_kode(compute.aggregate(ask(store, "provinsi", JAN_FEB)))
    assert set(prov) == {"52", "53"}
    ntb = prov["52"]
    assert ntb["kunjungan"] == 300 + 1000 + 70
    # expected: A, B, C, K, P two months each; J one (from its first report)
    assert ntb["bulan_diharapkan"] == 11 and ntb["bulan_dilaporkan"] == 5
    assert ntb["kelengkapan"] == pytest.approx(100 * 5 / 11)
    assert ntb["ketepatan"] == pytest.approx(100 * 3 / 11)
    # the provincial library P (1,000,000) serves the whole province: its population alone,
    # over the months in which any NTB library reported visits (January and February)
    assert ntb["kunjungan_per_1000"] == pytest.approx(1000 * 1370 / (1_000_000 * 2))

    nat = compute.aggregate(ask(store, "nasional", JAN_FEB)).iloc[0]
    assert nat["kode"] == "00"
    assert nat["kunjungan"] == 1420
    # N (expected from 2022, reported January) adds 1 of 2
    assert nat["kelengkapan"] == pytest.approx(100 * 6 / 13)
    # NTB once (P) and N's village (500, January only)
    assert nat["kunjungan_per_1000"] == pytest.approx(1000 * 1420 / (1_000_000 * 2 + 500 * 1))


def test_filters(store: Store) -> None:
    f = Filters(provinsi="52", jenis="desa_kelurahan")
    nat = compute.aggregate(ask(store, "nasional", JAN_FEB, f)).iloc[0]
    assert nat["kunjungan"] == 300 + 70
    kab = compute.aggregate(ask(store, "perpustakaan", JAN_FEB, Filters(kabupaten_kota="52.01")))
    assert sorted(kab["kode"]) == ["A", "B", "K"]
    cohort = compute.aggregate(ask(store, "nasional", JAN_FEB, Filters(tahun_bergabung=2021)))
    assert cohort.iloc[0]["kunjungan"] == 50
    support = compute.aggregate(
        ask(store, "perpustakaan", JAN_FEB, Filters(jenis_dukungan="bantuan_buku"))
    )
    assert list(support["kode"]) == ["C"]
    with pytest.raises(ValueError):
        Filters(jenis="kota")


@pytest.mark.parametrize(
    ("period", "kunjungan", "anggota", "kelengkapan"),
    [
        ("2024-01", 100, 50, 100.0),
        ("2024-02", 200, 60, 100.0),
        ("2024-Q1", 300, 60, 100 * 2 / 3),
        ("2024-S1", 300, 60, 100 * 2 / 6),
        ("2024", 300, 60, 100 * 2 / 12),
        ("2023-12..2024-01", 100, 50, 100 * 1 / 2),
    ],
)
def test_each_period_kind(
    store: Store, period: str, kunjungan: int, anggota: int, kelengkapan: float
) -> None:
    a = by_kode(
        compute.aggregate(
            ask(store, "perpustakaan", period, kpis=["kunjungan", "anggota", "kelengkapan"])
        )
    )["A"]
    assert a["kunjungan"] == kunjungan
    assert a["anggota"] == anggota
    assert a["kelengkapan"] == pytest.approx(kelengkapan)


def test_unknown_kpi_is_an_error(store: Store) -> None:
    with pytest.raises(ValueError, match="tidak_ada"):
        compute.aggregate(ask(store, "nasional", "2024", kpis=["tidak_ada"]))
    with pytest.raises(ValueError):
        compute.aggregate(ask(store, "desa", "2024"))


def test_growth_on_months_reported_in_both_years(store: Store) -> None:
    g = by_kode(compute.growth(ask(store, "perpustakaan", "2024-02", kpis=["kunjungan"])))
    # window 2023-12..2024-02: January (100 vs 80) and February (200 vs 100)
    assert g["A"]["kunjungan__kini"] == 300 and g["A"]["kunjungan__lalu"] == 180
    assert g["A"]["kunjungan"] == pytest.approx(100 * (300 - 180) / 180)
    # under the minimum base the change is empty
    g2 = by_kode(
        compute.growth(ask(store, "perpustakaan", "2024-02", kpis=["kunjungan"]), min_base=200)
    )
    assert empty(g2["A"]["kunjungan"])
    # K has no February 2023 report: nothing to compare
    assert "K" not in g or empty(g["K"]["kunjungan"])


def test_achievement_pro_rated(store: Store) -> None:
    ach = targets_mod.achievement(ask(store, "provinsi", "2024-02", kpis=["kunjungan"]))
    row = ach[ach["kode"] == "52"].iloc[0]
    assert row["aktual"] == 1370
    assert row["target_prorata"] == pytest.approx(12000 * 2 / 12)
    assert row["capaian"] == pytest.approx(100 * 1370 / 2000)

    rate_area = targets_mod.achievement(
        ask(store, "provinsi", "2024-02", kpis=["kegiatan_per_bulan"])
    )
    # the province's own rate target (no jenis) applies to its aggregate: 12 activities in
    # 2024-01..02 over 5 library-months (A 2, B 1, K 1, N is in NTT)
    ntb = rate_area.set_index("kode").loc["52"]
    assert ntb["target"] == 3.0
    assert ntb["aktual"] == pytest.approx(12 / 4)

    lib = targets_mod.achievement(
        ask(store, "perpustakaan", "2024-02", kpis=["kunjungan", "kegiatan_per_bulan"])
    )
    # a provincial flow target does not apply to one library
    assert lib[lib["kpi"] == "kunjungan"].empty
    rate = lib.set_index("kode")
    assert rate.loc["A", "target"] == 4.0  # the target naming village libraries of NTB
    assert rate.loc["A", "capaian"] == pytest.approx(100 * 1.0 / 4.0)
    assert rate.loc["N", "target"] == 2.0  # none for NTT's villages: the national one
    assert rate.loc["N", "capaian"] == 0
    # K is a kab/kota library: no target names it or its level, and the province's own 3.0
    # names the province's aggregate, not its libraries
    assert "K" not in rate.index and "P" not in rate.index


def test_funnel_5a_bars_and_ratios_from_the_same_rows(store: Store) -> None:
    f = by_kode(compute.funnel_5a(ask(store, "perpustakaan", JAN_FEB)))
    a = f["A"]
    # only January reports all five stages: every bar and every ratio comes from it
    assert a["bulan_funnel"] == 1 and a["bulan_5a"] == 2
    assert [a[s] for s in ("jangkauan_sosialisasi", "kunjungan", "anggota_baru")] == [400, 100, 5]
    assert a["peserta"] == 40 and a["testimoni"] == 4
    assert a["konversi_appeal"] == pytest.approx(100 * 100 / 400)
    assert a["konversi_ask"] == pytest.approx(100 * 5 / 100)
    assert a["konversi_act"] == pytest.approx(100 * 40 / 5)  # 800%: not nested
    assert a["konversi_advocate"] == pytest.approx(100 * 4 / 40)
    assert a["par"] == pytest.approx(100 * a["peserta"] / a["jangkauan_sosialisasi"])
    assert a["bar"] == pytest.approx(100 * 4 / 400)
    assert a["per100_peserta"] == pytest.approx(10.0) and a["per100_anggota_baru"] == 1.25
    assert not a["bertingkat"]  # Act 40 > Ask 5: drawn side by side, not as a funnel
    assert a["aware_dilaporkan"]
    # B reports no visits, so no month has the stages from Appeal on: nothing to draw
    assert empty(f["B"]["kunjungan"]) and empty(f["B"]["par"]) and empty(f["B"]["bar"])
    # K reports no Aware at all, so its funnel would start at Appeal; but its only month lacks
    # new members and testimonials: no month to draw
    assert not f["K"]["aware_dilaporkan"] and f["K"]["bulan_funnel"] == 0


def test_funnel_5a_nested_stages(tmp_path: Path) -> None:
    libs = [("X", "Desa X", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh")]
    rep = dict(
        kode_perpustakaan="X",
        jangkauan_sosialisasi=1000,
        kunjungan=500,
        anggota_baru=50,
        peserta=20,
        testimoni=5,
    )
    reports = [
        {**rep, "periode": "2024-01-01"},
        {**rep, "periode": "2024-02-01", "jangkauan_sosialisasi": None},  # not used
    ]
    s = build_store(tmp_path / "f.duckdb", libs, reports)
    try:
        x = compute.funnel_5a(ask(s, "kabupaten_kota", JAN_FEB)).iloc[0]
        assert x["kode"] == "5201" and x["bulan_funnel"] == 1
        assert x["kunjungan"] == 500  # February has no Aware: left out of every bar
        assert bool(x["bertingkat"])  # 1000 >= 500 >= 50 >= 20 >= 5
        assert x["par"] == pytest.approx(2.0) and x["per100_peserta"] == pytest.approx(2.0)
        assert x["konversi_ask"] == pytest.approx(10.0)
    finally:
        s.close()


def test_ciel_latest_assessment(store: Store) -> None:
    early = by_kode(compute.ciel(ask(store, "perpustakaan", "2024-02")))
    assert early["A"]["ciel"] == pytest.approx((50 + 60 + 70 + 80) / 4)
    late = by_kode(compute.ciel(ask(store, "kabupaten_kota", "2024")))
    assert late["5201"]["ciel"] == pytest.approx(100.0)


def test_growth_without_kpis_reads_the_catalogue_s_growth_kpis(store: Store) -> None:
    from kpi.catalogue import catalogue

    g = compute.growth(ask(store, "perpustakaan", "2024-02"))
    assert [c for c in g.columns if "__" not in c and c != "kode"] == list(catalogue().pertumbuhan)


@pytest.mark.parametrize("level", ["perpustakaan", "kabupaten_kota", "nasional"])
def test_aggregate_of_some_columns_is_the_table_s_columns(store: Store, level: str) -> None:
    """columns=: the same values as the whole table's columns, by kode; a name that is not a
    column of the table (or no kode) is refused, never put into the SQL."""
    q = ask(store, level, JAN_FEB, None, ["kelengkapan", "kunjungan_per_1000"])
    whole = compute.aggregate(q)
    cols = ["kode", "bulan_diharapkan", "bulan_dilaporkan", "kelengkapan", "kunjungan_per_1000"]
    some = compute.aggregate(q, columns=cols)
    assert list(some.columns) == cols
    pd.testing.assert_frame_equal(some, whole[cols], check_exact=True)
    assert compute.aggregate(q, columns=["kode"])["kode"].tolist() == whole["kode"].tolist()
    for bad in (["kode", "kunjungan"], ["kode", "1; DROP TABLE target"], ["kelengkapan"]):
        with pytest.raises(ValueError, match="not columns"):
            compute.aggregate(q, columns=bad)
