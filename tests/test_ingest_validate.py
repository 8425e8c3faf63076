"""Validation per cell, with the analyst's own row numbers and columns, in both languages."""

from __future__ import annotations

from datetime import date

import ingest_fixtures as fx
import pytest

from kpi.ingest import plan_import
from kpi.ingest.plan import ISSUE_COLUMNS
from kpi.store import Store

TODAY = date(2025, 6, 15)


@pytest.fixture
def store(tmp_store: Store) -> Store:
    fx.seed_register(tmp_store)
    return tmp_store


def issues_of(store: Store, rows: list[list[object]], name: str = "x.xlsx") -> list[dict]:
    plan = plan_import(store, [(name, fx.workbook({"Data": rows}))], today=TODAY)
    assert list(plan.issues.columns) == ISSUE_COLUMNS
    return plan.issues.to_dict("records")


def test_messy_export_is_read_as_the_analyst_means_it(store: Store) -> None:
    plan = plan_import(store, [("messy.xlsx", fx.messy_monthly_xlsx())], today=TODAY)
    assert plan.issues.empty
    frame = plan.tables["laporan_bulanan"].frame.set_index("kode_perpustakaan")
    assert frame.loc["P-001", "kunjungan"] == 1234
    assert frame.loc["P-002", "kunjungan"] == 2345
    assert frame.loc["P-002", "kegiatan"] == 0  # "-" is zero
    assert frame.loc["3201", "peserta"] == 120  # a code stored as a number
    assert frame.loc["P-002", "anggaran_daerah"] == pytest.approx(1_250_000.5)
    assert frame.loc["P-001", "tanggal_lapor"].date() == date(2023, 9, 5)  # day first
    assert set(frame["periode"].dt.date) == {date(2023, 8, 1)}
    assert frame.loc["3201", "anggaran_daerah"] is pd_na()


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def test_cell_rules_name_row_and_column(store: Store) -> None:
    issues = issues_of(
        store,
        [
            ["Kode Perpustakaan", "Periode", "Kunjungan", "Kegiatan"],
            ["P-001", "2023-08", "-5", "1"],  # row 2: negative
            ["P-001", "2023-09", "2,5", "1"],  # row 3: fractional count
            ["P-001", "2026-01", "5", "1"],  # row 4: future
            ["P-001", "2017-12", "5", "1"],  # row 5: before the program
            ["P-001", "bulan lalu", "5", "1"],  # row 6: not a period
            ["P-001", "2023-10", "banyak", "1"],  # row 7: not a number
            ["P-009", "2023-10", "5", "1"],  # row 8: unknown library
            ["P-002", "2023-10", "5", "1"],  # row 9: fine
        ],
    )
    got = {(i["row"], i["rule"]) for i in issues}
    assert got == {
        (2, "negatif"),
        (3, "pecahan"),
        (4, "periode_masa_depan"),
        (5, "periode_sebelum_2018"),
        (6, "periode"),
        (7, "angka"),
        (8, "perpustakaan_tidak_dikenal"),
    }
    by_row = {i["row"]: i for i in issues}
    assert by_row[7]["column"] == "Kunjungan"
    assert by_row[7]["value"] == "banyak"
    assert "bukan angka" in by_row[7]["message_id"]
    assert "not a number" in by_row[7]["message_en"]


def test_unknown_library_gets_suggestions(store: Store) -> None:
    (issue,) = issues_of(
        store, [["Kode Perpustakaan", "Periode", "Kunjungan"], ["P-01", "2023-08", 1]]
    )
    assert issue["rule"] == "perpustakaan_tidak_dikenal"
    assert "P-001" in issue["message_en"]


def test_library_by_name_and_area(store: Store) -> None:
    plan = plan_import(
        store,
        [
            (
                "nama.xlsx",
                fx.workbook(
                    {
                        "Data": [
                            ["Nama Perpustakaan", "Kabupaten", "Periode", "Kunjungan"],
                            ["Perpustakaan Desa Karadenan", "Kab. Bogor", "Agustus 2023", 10],
                            ["Perpustakaan Desa Entah", "Kab. Bogor", "Agustus 2023", 10],
                            ["Pondok Rajeg", None, "Agustus 2023", 10],
                        ]
                    }
                ),
            )
        ],
        today=TODAY,
    )
    assert plan.tables["laporan_bulanan"].frame["kode_perpustakaan"].tolist() == [
        "P-002",
        "P-001",
    ]
    assert plan.issues["rule"].tolist() == ["perpustakaan_tidak_dikenal"]


def test_register_areas_by_name_ambiguous_and_unknown(store: Store) -> None:
    issues = issues_of(
        store,
        [
            ["Kode Perpustakaan", "Nama Perpustakaan", "Jenis", "Provinsi", "Kabupaten/Kota"],
            ["K-1", "Perpustakaan Kota Bogor", "kabupaten_kota", "Jawa Barat", "Kota Bogor"],
            ["K-2", "Perpustakaan Bogor", "kabupaten_kota", "Jawa Barat", "Bogor"],
            ["K-3", "Perpustakaan Atlantis", "kabupaten_kota", "Jawa Barat", "Atlantis"],
            ["K-4", "Perpustakaan X", "desa", "", ""],
        ],
    )
    got = {(i["row"], i["rule"]) for i in issues}
    assert got == {(3, "wilayah_ambigu"), (4, "wilayah_tidak_dikenal"), (5, "wilayah_kosong")}
    ambiguous = next(i for i in issues if i["row"] == 3)
    assert "3201" in ambiguous["message_en"] and "3271" in ambiguous["message_en"]


def test_implausible_counts(store: Store) -> None:
    (issue,) = issues_of(
        store, [["Kode Perpustakaan", "Periode", "Peserta"], ["P-001", "2023-08", 9_000_000]]
    )
    assert issue["rule"] == "tidak_wajar"


def test_duplicates_within_an_import(store: Store) -> None:
    issues = issues_of(
        store,
        [
            ["Kode Perpustakaan", "Periode", "Kunjungan"],
            ["P-001", "2023-08", 1],
            ["P-001", "Agustus 2023", 2],
        ],
    )
    assert [(i["row"], i["rule"]) for i in issues] == [(3, "duplikat")]


def test_self_assessment_scales(store: Store) -> None:
    plan = plan_import(
        store,
        [
            (
                "ciel.xlsx",
                fx.workbook(
                    {
                        "CIEL": [
                            ["Kode Perpustakaan", "Periode", "Kreativitas", "Inovasi (0-100)"],
                            ["P-001", "2023-S2", 5, 80],
                            ["P-002", 2024, 1, 20],
                            ["3201", "2024-S1", 7, 20],
                        ]
                    }
                ),
            )
        ],
        today=TODAY,
    )
    frame = plan.tables["penilaian_mandiri"].frame.set_index("kode_perpustakaan")
    assert frame.loc["P-001", "kreativitas"] == 100.0
    assert frame.loc["P-002", "kreativitas"] == 0.0
    assert frame.loc["P-001", "inovasi"] == 80.0
    assert frame.loc["P-001", "semester"] == 2
    assert plan.issues["rule"].tolist() == ["skor"]


def test_targets_and_context(store: Store) -> None:
    plan = plan_import(
        store,
        [
            (
                "target.xlsx",
                fx.workbook(
                    {
                        "Target": [
                            ["KPI", "Tingkat", "Kode", "Tahun", "Nilai"],
                            ["kunjungan", "nasional", None, 2025, "1.000.000"],
                            ["kunjungan", "provinsi", "32", 2025, 50000],
                            ["kegiatan", "perpustakaan", "P-001", 2025, 24],
                        ],
                        "IPLM": [
                            ["Kode Provinsi", "Nama Provinsi", "Nilai IPLM", "Satuan", "Tahun"],
                            ["32", "Jawa Barat", "70,25", "indeks", 2024],
                            [None, "DKI Jakarta", "75,1", "indeks", 2024],
                        ],
                    }
                ),
            )
        ],
        today=TODAY,
    )
    assert plan.issues.empty, plan.issues.to_dict("records")
    target = plan.tables["target"].frame
    assert target["kode"].tolist() == ["", "32", "P-001"]
    ctx = plan.tables["indikator_konteks"].frame
    assert ctx["kode_wilayah"].tolist() == ["32", "31"]
    assert ctx["indikator"].tolist() == ["IPLM", "IPLM"]
    assert ctx["nilai"].tolist() == [70.25, 75.1]


def test_target_kpis_are_checked_against_the_catalogue(store: Store) -> None:
    plan = plan_import(
        store,
        [
            (
                "target.xlsx",
                fx.workbook(
                    {
                        "Target": [
                            ["KPI", "Tingkat", "Kode", "Tahun", "Nilai"],
                            ["Kunjungan per 1.000 penduduk per bulan", "nasional", None, 2025, 900],
                            ["peserta", "nasional", None, 2025, 10],
                            ["kunjungn", "nasional", None, 2025, 10],
                        ]
                    }
                ),
            )
        ],
        today=TODAY,
    )
    assert plan.tables["target"].frame["kpi"].tolist() == ["kunjungan_per_1000", "peserta"]
    (issue,) = plan.issues.to_dict("records")
    assert issue["rule"] == "kpi_tidak_dikenal" and "kunjungan" in issue["message_en"]


def test_context_long_form_names_the_indicator(store: Store) -> None:
    plan = plan_import(
        store,
        [
            (
                "tgm.csv",
                b"kode_provinsi,indikator,nilai,tahun\n32,Tingkat Gemar Membaca,66.5,2024\n",
            )
        ],
        today=TODAY,
    )
    assert plan.tables["indikator_konteks"].frame["indikator"].tolist() == ["TGM"]


def test_month_column_holding_whole_periods(store: Store) -> None:
    plan = plan_import(
        store,
        [
            (
                "bulan.xlsx",
                fx.workbook(
                    {
                        "L": [
                            ["Kode Perpustakaan", "Bulan", "Kunjungan"],
                            ["P-001", "Agustus 2023", 5],
                            ["P-002", "Sep-23", 6],
                            ["3201", "Oktober", 7],  # no year: an error on that cell
                        ]
                    }
                ),
            )
        ],
        today=TODAY,
    )
    frame = plan.tables["laporan_bulanan"].frame
    assert frame["periode"].dt.strftime("%Y-%m").tolist() == ["2023-08", "2023-09"]
    assert [(i["row"], i["column"]) for i in plan.issues.to_dict("records")] == [(4, "Bulan")]


def test_self_assessment_with_year_and_semester_columns(store: Store) -> None:
    plan = plan_import(
        store,
        [
            (
                "ciel.csv",
                b"Kode Perpustakaan;Tahun;Semester;Kepemimpinan\nP-001;2024;II;4,5\n"
                b"P-002;2024;Semester 1;3\n",
            )
        ],
        today=TODAY,
    )
    assert plan.issues.empty, plan.issues.to_dict("records")
    frame = plan.tables["penilaian_mandiri"].frame
    assert frame["periode"].tolist() == ["2024-S2", "2024-S1"]
    assert frame["kepemimpinan"].tolist() == [87.5, 50.0]


def test_register_level_read_from_the_area_code(tmp_store: Store) -> None:
    plan = plan_import(
        tmp_store,
        [
            (
                "daftar.csv",
                b"NPP,Nama Perpustakaan,Kode Wilayah\nA-1,Perpustakaan Desa Karadenan,"
                b"32.01.01.1002\nA-2,Dinas Perpustakaan Kabupaten Bogor,32.01\n",
            )
        ],
        today=TODAY,
    )
    assert plan.issues.empty, plan.issues.to_dict("records")
    frame = plan.tables["perpustakaan"].frame
    assert frame["jenis"].tolist() == ["desa_kelurahan", "kabupaten_kota"]
    assert frame["kode_wilayah"].tolist() == ["3201011002", "3201"]


def test_register_village_named_under_its_province(tmp_store: Store) -> None:
    plan = plan_import(
        tmp_store,
        [
            (
                "daftar.csv",
                b"Kode Perpustakaan;Nama Perpustakaan;Jenis;Provinsi;Desa/Kelurahan\n"
                b"D-1;Perpustakaan Desa Karadenan;desa;Jawa Barat;Karadenan\n",
            )
        ],
        today=TODAY,
    )
    assert plan.issues.empty, plan.issues.to_dict("records")
    assert plan.tables["perpustakaan"].frame["kode_wilayah"].tolist() == ["3201011002"]


def test_level_from_labels_places_and_names(tmp_store: Store) -> None:
    """The issue's register: levels as labels, bare kab/kota, codes in library codes."""
    rows = [
        ["Kode Perpustakaan", "Nama Perpustakaan", "Jenis", "Kab/Kota", "Kecamatan", "Desa"],
        ["3201011001", "Perpustakaan Kelurahan Pondok Rajeg", "", "Bogor", "Cibinong", ""],
        ["A-2", "Perpustakaan Bima", "Perpustakaan Kota", "Bima", "", ""],
        ["A-3", "Dinas Perpustakaan Kabupaten Kediri", "", "Kediri", "", ""],
        ["KAB-5201", "Perpustakaan Lombok Barat", "Perpustakaan Kabupaten", "", "", ""],
        ["A-5", "Perpustakaan Kabupaten Bogor", "", "Bogor", "Cibinong", "Karadenan"],
        ["A-6", "Perpustakaan Bogor", "Perpustakaan Kabupaten/Kota", "Bogor", "", ""],
        ["A-7", "Perpusdes Cibinong Raya", "", "Kab. Bogor", "Cibinong", ""],
    ]
    plan = plan_import(tmp_store, [("daftar.xlsx", fx.workbook({"D": rows}))], today=TODAY)
    frame = plan.tables["perpustakaan"].frame.set_index("kode_perpustakaan")
    assert frame.loc["3201011001", ["jenis", "kode_wilayah"]].tolist() == [
        "desa_kelurahan",
        "3201011001",  # the library code is the village's code: it settles the bare "Bogor"
    ]
    assert frame.loc["A-2", "kode_wilayah"] == "5272"  # "Perpustakaan Kota" + "Bima"
    assert frame.loc["A-3", ["jenis", "kode_wilayah"]].tolist() == ["kabupaten_kota", "3506"]
    assert frame.loc["KAB-5201", "kode_wilayah"] == "5201"
    got = {(i["row"], i["column"], i["rule"]) for i in plan.issues.to_dict("records")}
    assert got == {
        # the place says a village, the name a regency library: the level is not clear
        (6, "Jenis", "jenis_tidak_jelas"),
        # "Kabupaten/Kota" says neither: a bare "Bogor" stays ambiguous, on its own column
        (7, "Kab/Kota", "wilayah_ambigu"),
    }
    notes = {(n["row"], n["rule"]) for n in plan.notes.to_dict("records")}
    # the level from the place (10 or 4 digits), else from the name (a kecamatan is no level)
    assert notes == {(2, "jenis_dari_kode"), (4, "jenis_dari_kode"), (8, "jenis_dari_nama")}
    assert frame.loc["A-7", ["jenis", "kode_wilayah"]].tolist() == ["desa_kelurahan", "320101"]


def test_library_code_contradicting_the_names(tmp_store: Store) -> None:
    plan = plan_import(
        tmp_store,
        [
            (
                "d.csv",
                b"Kode Perpustakaan;Nama Perpustakaan;Jenis;Kabupaten/Kota\n"
                b"3201011001;Perpustakaan Kelurahan Pondok Rajeg;Kelurahan;Kota Bandung\n",
            )
        ],
        today=TODAY,
    )
    (issue,) = plan.issues.to_dict("records")
    assert issue["rule"] == "kode_tidak_cocok"
    assert "Kode Perpustakaan 32.01.01.1001" in issue["message_id"]
    assert "Kabupaten/Kota 'Kota Bandung'" in issue["message_id"]


def test_a_cell_over_the_csv_field_limit_is_a_cell_problem(tmp_store: Store) -> None:
    """Over the csv module's limit (131,072 characters): a name is kept, a number is an error
    on its cell, a column nobody uses is ignored; never "the file is damaged"."""
    long_name = "Perpustakaan Desa " + "Karadenan " * 14_000
    lines = [
        "Kode Perpustakaan;Nama Perpustakaan;Jenis;Kode Wilayah;Penduduk;Keterangan",
        f"L-1;{long_name};desa;3201011002;8000;ok",
        f"L-2;Perpustakaan Desa Pondok Rajeg;desa;3201011001;{'9' * 140_000};ok",
        f"L-3;Perpustakaan Desa Nanggewer;desa;3201011004;7000;{'catatan ' * 20_000}",
    ]
    data = ("\n".join(lines) + "\n").encode()
    plan = plan_import(tmp_store, [("panjang.csv", data)], today=TODAY)
    assert plan.files[0].status == "ok"
    assert (plan.accepted, plan.rejected) == (2, 1)
    (issue,) = plan.issues.to_dict("records")
    assert (issue["row"], issue["column"], issue["rule"]) == (3, "Penduduk", "terlalu_panjang")
    assert len(issue["value"]) <= 200 and "140,000" in issue["message_en"]
    frame = plan.tables["perpustakaan"].frame.set_index("kode_perpustakaan")
    assert frame.loc["L-1", "nama_perpustakaan"] == long_name.strip()
    # the rejected row keeps its whole original content
    assert len(plan.rejected_rows["data"].iloc[0]) > 140_000
