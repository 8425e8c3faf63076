"""kpi.profile on a small hand-built store; every figure computed by hand here."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from kpi import profile as prof
from kpi.compute import Filters
from kpi.store import Store, migrate

WILAYAH = [
    ("52", "provinsi", "Nusa Tenggara Barat", None),
    ("5201", "kabupaten_kota", "Kabupaten Lombok Barat", "52"),
    ("5202", "kabupaten_kota", "Kabupaten Lombok Tengah", "52"),
    ("53", "provinsi", "Nusa Tenggara Timur", None),
    ("5301", "kabupaten_kota", "Kabupaten Kupang", "53"),
    ("54", "provinsi", "Provinsi Tanpa Mitra", None),
]
LIBS = [
    # kode, nama, jenis, prov, kab, tahun_bergabung, penduduk, dukungan, alamat, kontak_nama
    ("A", "Desa A", "desa_kelurahan", "52", "5201", 2022, 1000, "penuh", "Jl. A 1", "Bu Ani"),
    ("B", "Desa B", "desa_kelurahan", "52", "5201", 2022, 3000, "penuh", None, None),
    ("C", "Desa C", "desa_kelurahan", "52", "5202", 2023, 2000, "bantuan_buku", None, None),
    ("K", "Kab Lombok Barat", "kabupaten_kota", "52", "5201", 2021, 9000, "penuh", None, None),
    ("D", "Desa D", "desa_kelurahan", "53", "5301", 2022, 1500, "penuh", None, None),
]
REPORTS: list[dict[str, Any]] = [
    {"kode_perpustakaan": "A", "periode": date(2024, 1, 1), "kunjungan": 10, "kegiatan": 1},
    {"kode_perpustakaan": "A", "periode": date(2024, 2, 1), "kunjungan": None, "kegiatan": 2},
    {"kode_perpustakaan": "B", "periode": date(2024, 1, 1), "kunjungan": 5, "kegiatan": 0},
    {"kode_perpustakaan": "C", "periode": date(2024, 3, 1), "kunjungan": 7, "peserta": 4},
    {"kode_perpustakaan": "K", "periode": date(2024, 1, 1), "kunjungan": 100},
    {"kode_perpustakaan": "D", "periode": date(2024, 1, 1), "kunjungan": 1000},
    {"kode_perpustakaan": "A", "periode": date(2023, 12, 1), "kunjungan": 999},  # before
]
CONTEXT = [
    ("52", "provinsi", "IPLM", 2022, 61.5),
    ("52", "provinsi", "IPLM", 2023, 64.0),
    ("52", "provinsi", "TGM", 2023, 59.0),
    ("52.01", "kabupaten_kota", "TGM", 2024, 55.0),
    ("53", "provinsi", "IPLM", 2023, 40.0),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "profile.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    for row in WILAYAH:
        con.execute("INSERT INTO wilayah VALUES (?, ?, ?, ?, NULL, NULL)", list(row))
    con.close()
    s = Store(path)
    cols = (
        "kode_perpustakaan, nama_perpustakaan, jenis, kode_provinsi, kode_kabupaten_kota, "
        "tahun_bergabung, penduduk, jenis_dukungan, alamat, kontak_nama"
    )
    with s.write() as cur:
        for lib in LIBS:
            cur.execute(f"INSERT INTO perpustakaan ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", lib)
        for rep in REPORTS:
            names = list(rep)
            cur.execute(
                f"INSERT INTO laporan_bulanan ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})",
                [rep[c] for c in names],
            )
        for c in CONTEXT:
            cur.execute(
                "INSERT INTO indikator_konteks (kode_wilayah, tingkat, indikator, tahun, nilai) "
                "VALUES (?,?,?,?,?)",
                list(c),
            )
    yield s
    s.close()


# --- which place ------------------------------------------------------------------------------


def test_find_place_of_a_library_carries_its_register_and_area_names(store: Store) -> None:
    p = prof.find_place(store, "perpustakaan", " A ")
    assert p is not None
    assert p["nama"] == "Desa A"
    assert p["kode_provinsi"] == "52" and p["provinsi"] == "Nusa Tenggara Barat"
    assert p["kode_kabupaten_kota"] == "5201" and p["kabupaten_kota"] == "Kabupaten Lombok Barat"
    assert p["jenis"] == "desa_kelurahan" and p["tahun_bergabung"] == 2022
    assert p["jenis_dukungan"] == "penuh" and p["penduduk"] == 1000
    assert p["alamat"] == "Jl. A 1" and p["kontak_nama"] == "Bu Ani"
    assert p["kontak_email"] is None
    assert p["perpustakaan"] == 1


def test_find_place_of_areas_counts_their_libraries(store: Store) -> None:
    kab = prof.find_place(store, "kabupaten_kota", "52.01")  # codes may carry dots
    assert kab is not None
    assert (kab["kode"], kab["nama"], kab["kode_provinsi"], kab["provinsi"]) == (
        "5201",
        "Kabupaten Lombok Barat",
        "52",
        "Nusa Tenggara Barat",
    )
    assert kab["perpustakaan"] == 3  # A, B and the kab/kota library K
    prov = prof.find_place(store, "provinsi", "52")
    assert prov is not None and prov["perpustakaan"] == 4
    assert prov["kode_kabupaten_kota"] is None
    empty = prof.find_place(store, "provinsi", "54")
    assert empty is not None and empty["perpustakaan"] == 0


@pytest.mark.parametrize(
    ("tingkat", "kode"),
    [
        ("perpustakaan", "ZZZ"),
        ("provinsi", "5201"),  # a kab/kota code at the wrong level
        ("kabupaten_kota", "52"),
        ("desa", "A"),
        ("perpustakaan", ""),
        ("provinsi", None),
    ],
)
def test_unknown_places_are_none(store: Store, tingkat: str, kode: str | None) -> None:
    assert prof.find_place(store, tingkat, kode) is None


@pytest.mark.parametrize(
    ("kode", "tingkat"),
    [
        ("52", "provinsi"),
        ("52.01", "kabupaten_kota"),
        ("5201", "kabupaten_kota"),
        ("DES-5201012001", "perpustakaan"),
        ("PRV-52", "perpustakaan"),
        ("520101", "perpustakaan"),
        ("A", "perpustakaan"),
    ],
)
def test_guess_tingkat(kode: str, tingkat: str) -> None:
    assert prof.guess_tingkat(kode) == tingkat


def test_library_index_lists_every_library_with_area_names(store: Store) -> None:
    idx = prof.library_index(store)
    assert sorted(idx["kode"]) == ["A", "B", "C", "D", "K"]
    row = idx.set_index("kode").loc["C"]
    assert row["kabupaten_kota"] == "Kabupaten Lombok Tengah" and row["provinsi"] == (
        "Nusa Tenggara Barat"
    )


def test_place_and_peer_filters() -> None:
    view = Filters(provinsi="53", jenis="desa_kelurahan", tahun_bergabung=2022)
    lib = {"tingkat": "perpustakaan", "kode": "A", "kode_provinsi": "52", "jenis": "desa_kelurahan"}
    assert prof.place_filters(lib, view) == Filters(provinsi="52")
    assert prof.peer_filters(lib, view) == Filters(provinsi="52", jenis="desa_kelurahan")
    prv = {"tingkat": "perpustakaan", "kode": "PRV-52", "kode_provinsi": "52", "jenis": "provinsi"}
    assert prof.peer_filters(prv, view) == Filters(jenis="provinsi")  # one per province
    kab = {"tingkat": "kabupaten_kota", "kode": "5201", "kode_provinsi": "52"}
    assert prof.place_filters(kab, view) == Filters(
        provinsi="52", kabupaten_kota="5201", jenis="desa_kelurahan", tahun_bergabung=2022
    )
    assert prof.peer_filters(kab, view) == Filters(
        provinsi="52", jenis="desa_kelurahan", tahun_bergabung=2022
    )
    prov = {"tingkat": "provinsi", "kode": "52", "kode_provinsi": "52"}
    assert prof.place_filters(prov, view).provinsi == "52"
    assert prof.peer_filters(prov, view) == Filters(jenis="desa_kelurahan", tahun_bergabung=2022)


# --- monthly series ---------------------------------------------------------------------------


def _series(store: Store, tingkat: str, kode: str, filters: Filters | None = None):
    return prof.monthly_series(
        store, {"tingkat": tingkat, "kode": kode}, date(2024, 1, 1), date(2024, 3, 1), filters
    ).set_index("periode")


def test_series_of_a_kab_kota_sums_reported_values_only(store: Store) -> None:
    s = _series(store, "kabupaten_kota", "5201")
    assert list(s.index) == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    jan, feb, mar = (s.loc[pd.Timestamp(m)] for m in ("2024-01-01", "2024-02-01", "2024-03-01"))
    assert jan["kunjungan"] == 10 + 5 + 100 and jan["perpustakaan_melapor"] == 3
    assert jan["kegiatan"] == 1 + 0
    assert math.isnan(feb["kunjungan"])  # A reported, but not kunjungan: empty, not 0
    assert feb["kegiatan"] == 2 and feb["perpustakaan_melapor"] == 1
    assert math.isnan(mar["kunjungan"]) and mar["perpustakaan_melapor"] == 0


def test_series_of_a_province_a_library_and_with_filters(store: Store) -> None:
    prov = _series(store, "provinsi", "52")
    assert prov.loc[pd.Timestamp("2024-01-01"), "kunjungan"] == 115  # D is in 53
    assert prov.loc[pd.Timestamp("2024-03-01"), "kunjungan"] == 7
    assert prov.loc[pd.Timestamp("2024-03-01"), "peserta"] == 4
    lib = _series(store, "perpustakaan", "A")
    assert lib["kunjungan"].iloc[0] == 10  # December 2023 lies before the range
    desa = _series(store, "provinsi", "52", Filters(jenis="desa_kelurahan"))
    assert desa.loc[pd.Timestamp("2024-01-01"), "kunjungan"] == 15  # without K
    assert desa.loc[pd.Timestamp("2024-01-01"), "perpustakaan_melapor"] == 2


def test_series_refuses_unknown_columns(store: Store) -> None:
    with pytest.raises(ValueError):
        prof.monthly_series(
            store,
            {"tingkat": "provinsi", "kode": "52"},
            date(2024, 1, 1),
            date(2024, 3, 1),
            columns=["kunjungan; DROP TABLE perpustakaan"],
        )


# --- peers ------------------------------------------------------------------------------------


def test_peer_comparison_value_median_and_rank() -> None:
    table = pd.DataFrame(
        {"kode": ["a", "b", "c", "d"], "skor": [50.0, 70.0, math.nan, 90.0], "x": [3.0, 1, 2, 4]}
    )
    comp = prof.peer_comparison(table, "a", ["skor", "x"], lower_is_better=["x"]).set_index("kolom")
    skor = comp.loc["skor"]
    assert skor["nilai"] == 50 and skor["median"] == 80  # peers 70 and 90
    assert skor["minimum"] == 70 and skor["maksimum"] == 90
    assert skor["peringkat"] == 3 and skor["n"] == 3  # c has no score: not ranked
    x = comp.loc["x"]  # lower is better: 1, 2 beat 3
    assert x["peringkat"] == 3 and x["n"] == 4 and x["median"] == 2
    d = prof.peer_comparison(table, "d", ["skor"]).iloc[0]
    assert d["peringkat"] == 1
    c = prof.peer_comparison(table, "c", ["skor"]).iloc[0]
    assert math.isnan(c["nilai"]) and math.isnan(c["peringkat"]) and c["median"] == 70


# --- flag history -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "n", "expected"),
    [
        (date(2025, 12, 1), 4, [(2025, 3), (2025, 6), (2025, 9), (2025, 12)]),
        (date(2025, 11, 1), 4, [(2025, 3), (2025, 6), (2025, 9), (2025, 11)]),
        (date(2025, 1, 1), 3, [(2024, 9), (2024, 12), (2025, 1)]),
        (date(2025, 6, 1), 1, [(2025, 6)]),
    ],
)
def test_quarter_ends(end: date, n: int, expected: list[tuple[int, int]]) -> None:
    assert [(d.year, d.month) for d in prof.quarter_ends(end, n)] == expected


def _evaluation(tiers: dict[str, str | None]) -> pd.DataFrame:
    meta = {
        "A": ("desa_kelurahan", "52", "5201"),
        "B": ("desa_kelurahan", "52", "5201"),
        "K": ("kabupaten_kota", "52", "5201"),
        "C": ("desa_kelurahan", "52", "5202"),
    }
    rows = []
    for kode, tier in tiers.items():
        jenis, prov, kab = meta[kode]
        rows.append(
            {
                "kode": kode,
                "jenis": jenis,
                "kode_provinsi": prov,
                "kode_kabupaten_kota": kab,
                "tier": tier,
                "points": {None: 0, "pantau": 1, "prioritas_2": 3, "prioritas_1": 5}.get(tier, 0),
                "quadrant": "prioritas" if tier == "prioritas_1" else None,
                "reasons": [{"rule": "R1", "text_id": "Skor", "text_en": "Score"}] if tier else [],
            }
        )
    return pd.DataFrame(rows)


def test_tier_history_of_a_library_and_of_an_area() -> None:
    evals = {
        date(2025, 9, 1): _evaluation({"A": "pelaporan", "B": None, "K": "pantau", "C": None}),
        date(2025, 6, 1): _evaluation(
            {"A": "prioritas_1", "B": "prioritas_2", "K": None, "C": "prioritas_1"}
        ),
    }
    lib = prof.tier_history(evals, {"tingkat": "perpustakaan", "kode": "A"})
    assert list(lib["akhir"]) == [date(2025, 6, 1), date(2025, 9, 1)]  # oldest first
    assert list(lib["tier"]) == ["prioritas_1", "pelaporan"]
    assert lib["points"].iloc[0] == 5 and lib["quadrant"].iloc[0] == "prioritas"
    assert lib["reasons"].iloc[1][0]["rule"] == "R1"
    b = prof.tier_history(evals, {"tingkat": "perpustakaan", "kode": "B"})
    assert list(b["tier"]) == ["prioritas_2", "tanpa_tanda"]
    missing = prof.tier_history(evals, {"tingkat": "perpustakaan", "kode": "Z"})
    assert missing["tier"].isna().all()

    kab = prof.tier_history(evals, {"tingkat": "kabupaten_kota", "kode": "5201"}).set_index("akhir")
    june, sept = kab.loc[date(2025, 6, 1)], kab.loc[date(2025, 9, 1)]
    assert june["perpustakaan"] == 3  # A, B, K (C is in 5202)
    assert (june["jumlah_prioritas_1"], june["jumlah_prioritas_2"]) == (1, 1)
    assert june["porsi_prioritas"] == pytest.approx(200 / 3)
    assert june["tier_sendiri"] == "tanpa_tanda"  # K had no flag
    assert (sept["jumlah_pelaporan"], sept["jumlah_pantau"], sept["jumlah_tanpa_tanda"]) == (
        1,
        1,
        1,
    )
    assert sept["porsi_prioritas"] == 0 and sept["tier_sendiri"] == "pantau"
    assert [r["rule"] for r in sept["reasons_sendiri"]] == ["R1"]
    assert june["reasons_sendiri"] == []
    prov = prof.tier_history(evals, {"tingkat": "provinsi", "kode": "52"})
    assert list(prov["perpustakaan"]) == [4, 4]
    assert prov["tier_sendiri"].isna().all()  # no provincial library among them


# --- context ----------------------------------------------------------------------------------


def test_context_indicators_for_areas_and_year(store: Store) -> None:
    frame = prof.context_indicators(store, ["52.01", "52"])
    assert sorted(set(frame["kode_wilayah"])) == ["52", "5201"]  # dots removed
    assert "53" not in set(frame["kode_wilayah"])
    y2023 = prof.context_for_year(frame, 2023).set_index(["kode_wilayah", "indikator"])
    assert y2023.loc[("52", "IPLM"), "nilai"] == 64.0  # 2023, not 2022
    assert y2023.loc[("52", "TGM"), "nilai"] == 59.0
    assert ("5201", "TGM") not in y2023.index  # 2024 lies after the year
    y2030 = prof.context_for_year(frame, 2030).set_index(["kode_wilayah", "indikator"])
    assert y2030.loc[("5201", "TGM"), "tahun"] == 2024  # the latest before
    assert prof.context_for_year(frame, 2020).empty
    assert prof.context_indicators(store, []).empty


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, "sangat_rendah"),
        (29.99, "sangat_rendah"),
        (30.0, "rendah"),
        (49.9, "rendah"),
        (50.0, "sedang"),
        (79.9, "sedang"),
        (80.0, "tinggi"),
        (89.9, "tinggi"),
        (90.0, "sangat_tinggi"),
        (100.0, "sangat_tinggi"),
        (None, None),
        (math.nan, None),
    ],
)
def test_iplm_band_edges(value: float | None, band: str | None) -> None:
    assert prof.iplm_band(value) == band


# --- 5A and CIEL ------------------------------------------------------------------------------

STAGES = ("jangkauan_sosialisasi", "kunjungan", "anggota_baru", "peserta", "testimoni")
CONV = ("konversi_appeal", "konversi_ask", "konversi_act", "konversi_advocate")


def test_funnel_reading_without_aware_starts_at_appeal_and_names_conversions_above_100() -> None:
    row = {
        "jangkauan_sosialisasi": math.nan,
        "kunjungan": 2571.0,
        "anggota_baru": 100.0,
        "peserta": 1475.0,
        "testimoni": 65.0,
        "konversi_appeal": math.nan,
        "konversi_ask": 3.89,
        "konversi_act": 1475.0,
        "konversi_advocate": 4.4,
    }
    r = prof.funnel_reading(row, STAGES, CONV)
    assert r["aware_reported"] is False
    assert r["stages"] == list(STAGES[1:])
    assert r["over_100"] == ["konversi_act"]
    assert r["has_data"] is True


def test_funnel_reading_with_aware_and_without_any_data() -> None:
    row = dict.fromkeys(STAGES, 10.0) | dict.fromkeys(CONV, 100.0)
    r = prof.funnel_reading(row, STAGES, CONV)
    assert r["aware_reported"] is True and r["stages"] == list(STAGES)
    assert r["over_100"] == []  # exactly 100% is not above
    empty = prof.funnel_reading({}, STAGES, CONV)
    assert empty["has_data"] is False and empty["aware_reported"] is False


@pytest.mark.parametrize(
    ("ciel", "skor", "gap", "reading"),
    [
        (80.0, 50.0, 30.0, "jauh_di_atas"),
        (79.0, 50.0, 29.0, "di_atas"),
        (60.0, 50.0, 10.0, "di_atas"),
        (55.0, 50.0, 5.0, "sejalan"),
        (40.5, 50.0, -9.5, "sejalan"),
        (40.0, 50.0, -10.0, "di_bawah"),
        (None, 50.0, None, None),
        (60.0, math.nan, None, None),
    ],
)
def test_ciel_gap(ciel: float | None, skor: float | None, gap: float | None, reading) -> None:
    got_gap, got_reading = prof.ciel_gap(ciel, skor)
    assert got_reading == reading
    if gap is None:
        assert got_gap is None
    else:
        assert got_gap == pytest.approx(gap)


# -- the search box (kpi.profile.search_places) ----------------------------------------------


def test_search_finds_libraries_areas_by_name_or_code(demo_store: Store) -> None:
    from kpi.profile import search_places

    # part of a name, in any capitals, and every word must be in it
    hits = search_places(demo_store, "SELODONO")
    assert list(hits["kode"]) == ["DES-3506232008"]
    assert hits.iloc[0]["kabupaten_kota"] == "Kabupaten Kediri"
    both = search_places(demo_store, "desa sido rejo")
    assert "DES-6310042027" in set(both["kode"])
    assert all("sido" in n.lower() and "rejo" in n.lower() for n in both["nama"])
    # a code with or without its dots; the exact code first, provinces before kab/kota
    assert search_places(demo_store, "35.06").iloc[0]["kode"] == "3506"
    assert search_places(demo_store, "3506").iloc[0]["tingkat"] == "kabupaten_kota"
    aceh = search_places(demo_store, "aceh")
    assert aceh.iloc[0][["tingkat", "kode"]].tolist() == ["provinsi", "11"]
    assert len(aceh) == 20  # at most 20 rows come back
    # a library code, whole or by its digits
    assert search_places(demo_store, "des-3506232008").iloc[0]["kode"] == "DES-3506232008"
    assert search_places(demo_store, "3506232008").iloc[0]["kode"] == "DES-3506232008"
    # wildcards are literal, nothing and blanks find nothing
    assert search_places(demo_store, "%").empty
    assert search_places(demo_store, "a_c").empty
    assert search_places(demo_store, "   ").empty


def test_search_stays_inside_the_users_areas(demo_store: Store) -> None:
    from kpi.profile import search_places

    # a Nusa Tenggara Barat (52) user finds nothing in Aceh, not even the province
    assert search_places(demo_store, "aceh", scope=("52",)).empty
    assert search_places(demo_store, "1101", scope=("52",)).empty
    ntb = search_places(demo_store, "nusa tenggara barat", scope=("52",))
    assert ntb.iloc[0]["kode"] == "52"
    # a kab/kota scope: its own libraries, not the rest of the province
    kediri = search_places(demo_store, "perpustakaan desa", scope=("3506",), limit=500)
    assert len(kediri) and set(kediri["kode"].str[4:8]) == {"3506"}
    assert search_places(demo_store, "jawa timur", scope=("3506",)).iloc[0]["kode"] == "35"
    assert search_places(demo_store, "aceh", scope=()).empty  # an empty scope: nothing
