"""The demo program: exact coverage, determinism, and the cases the coaching rules need."""

from __future__ import annotations

import pandas as pd

from kpi import places
from kpi.demo import build_demo, clear_demo, load_demo
from kpi.store import Store
from kpi.summary import summary


def test_demo_coverage_is_exactly_the_program(demo_store: Store) -> None:
    s = summary(demo_store)
    assert (s["provinces"], s["kabupaten_kota"], s["desa_kelurahan"]) == (34, 399, 3505)
    assert s["libraries"] == {"provinsi": 34, "kabupaten_kota": 399, "desa_kelurahan": 3505}
    assert s["first_period"] >= "2018-01"
    assert s["last_period"] == "2025-12"
    assert s["monthly_rows"] > 150_000
    assert s["demo"] is True
    # no library in the four provinces created in 2022
    new_2022 = list(places.PAPUA_2022)
    assert len(new_2022) == 4
    assert not demo_store.scalar(
        "SELECT count(*) FROM perpustakaan WHERE list_contains(?, kode_provinsi)", [new_2022]
    )
    # every library's area exists in the gazetteer and its names are real places
    orphans = demo_store.scalar(
        "SELECT count(*) FROM perpustakaan p LEFT JOIN wilayah w ON w.kode = p.kode_wilayah "
        "WHERE w.kode IS NULL"
    )
    assert orphans == 0
    row = demo_store.query(
        "SELECT p.nama_perpustakaan, w.nama FROM perpustakaan p JOIN wilayah w "
        "ON w.kode = p.kode_wilayah WHERE p.jenis = 'desa_kelurahan' LIMIT 1"
    ).iloc[0]
    assert row["nama_perpustakaan"].endswith(row["nama"])


def test_demo_cohorts_grow_and_reports_start_after_joining(demo_store: Store) -> None:
    cohorts = demo_store.query(
        "SELECT tahun_bergabung AS y, count(*) AS n FROM perpustakaan "
        "WHERE jenis = 'desa_kelurahan' GROUP BY 1 ORDER BY 1"
    )
    assert list(cohorts["y"]) == [2018, 2019, 2020, 2021, 2022]
    assert cohorts["n"].iloc[-1] > cohorts["n"].iloc[0]
    early = demo_store.scalar(
        "SELECT count(*) FROM laporan_bulanan l JOIN perpustakaan p USING (kode_perpustakaan) "
        "WHERE year(l.periode) < p.tahun_bergabung"
    )
    assert early == 0


def test_demo_has_the_cases_coaching_needs(demo_store: Store) -> None:
    never = demo_store.scalar(
        "SELECT count(*) FROM perpustakaan p WHERE NOT EXISTS (SELECT 1 FROM laporan_bulanan l "
        "WHERE l.kode_perpustakaan = p.kode_perpustakaan)"
    )
    assert never > 20
    idle = demo_store.scalar(
        """
        SELECT count(DISTINCT kode_perpustakaan) FROM (
            SELECT kode_perpustakaan, kegiatan,
                   sum(kegiatan) OVER (PARTITION BY kode_perpustakaan ORDER BY periode
                                       ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s3,
                   count(*) OVER (PARTITION BY kode_perpustakaan ORDER BY periode
                                  ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS n3
            FROM laporan_bulanan WHERE periode >= DATE '2025-01-01')
        WHERE s3 = 0 AND n3 = 3
        """
    )
    assert idle > 20
    remote, java = demo_store.query(
        """
        SELECT avg(CASE WHEN p.kode_provinsi IN ('91','81','53') THEN l.kunjungan END),
               avg(CASE WHEN p.kode_provinsi IN ('31','32','35') THEN l.kunjungan END)
        FROM laporan_bulanan l JOIN perpustakaan p USING (kode_perpustakaan)
        WHERE p.jenis = 'desa_kelurahan'
        """
    ).iloc[0]
    assert java > 1.5 * remote
    assert demo_store.scalar("SELECT count(DISTINCT kode_perpustakaan) FROM penilaian_mandiri") > 0
    assert demo_store.scalar("SELECT count(*) FROM target WHERE tingkat = 'provinsi'") > 0
    assert (
        demo_store.scalar(
            "SELECT count(DISTINCT kode_wilayah) FROM indikator_konteks WHERE indikator = 'IPLM'"
        )
        == 34
    )
    assert demo_store.scalar("SELECT bool_and(sumber LIKE 'DEMO%') FROM indikator_konteks")


def test_demo_is_deterministic_for_a_seed() -> None:
    a = build_demo(seed=7)
    b = build_demo(seed=7)
    c = build_demo(seed=8)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert not a["laporan_bulanan"]["kunjungan"].equals(c["laporan_bulanan"]["kunjungan"])


def test_clear_demo_empties_and_is_remembered(demo_store: Store) -> None:
    assert demo_store.has_demo()
    clear_demo(demo_store)
    assert demo_store.is_empty()
    assert not demo_store.has_demo()
    assert not demo_store.should_load_demo()
    for table in ("target", "penilaian_mandiri", "indikator_konteks"):
        assert demo_store.scalar(f"SELECT count(*) FROM {table}") == 0


def test_loading_the_demo_twice_replaces_it(tmp_store: Store) -> None:
    load_demo(tmp_store, seed=3)
    first = tmp_store.scalar("SELECT count(*) FROM laporan_bulanan")
    load_demo(tmp_store, seed=3)
    assert tmp_store.scalar("SELECT count(*) FROM laporan_bulanan") == first
