"""Finding the header row and placing the columns of real exports."""

from __future__ import annotations

import ingest_fixtures as fx

from kpi.ingest.header import find_header, load_synonyms
from kpi.ingest.parse import extract
from kpi.ingest.read import RawSheet, read_file


def sheet(
    rows: list[list[object]], merged: list[tuple[int, int, int, int]] | None = None
) -> RawSheet:
    return RawSheet("s", [list(r) for r in rows], merged or [])


def test_synonyms_fold_case_words_and_units() -> None:
    syn = load_synonyms()
    for label in ["Jml. Kunjungan", "Jumlah Pengunjung", "KUNJUNGAN (orang)", "Visits"]:
        assert syn.match(label) == "kunjungan", label
    assert syn.match("Total Anggota") == "anggota_total"
    assert syn.match("Anggaran Daerah (Rp)") == "anggaran_daerah"
    assert syn.match("Kab/Kota") == "kabupaten_kota"
    assert syn.match("NPP") == "kode_perpustakaan"
    assert syn.match("Nilai IPLM") == "iplm"
    assert syn.match("No") is None


def test_title_rows_merged_two_row_header_numbering_totals_and_notes() -> None:
    raw = read_file("messy.xlsx", fx.messy_monthly_xlsx()).sheets[0]
    head = find_header(raw)
    assert head.kind == "laporan_bulanan"
    assert head.header_row == 5
    assert head.mapping() == {
        "kode_perpustakaan": 0,
        "bulan": 1,
        "tahun": 2,
        "tanggal_lapor": 3,
        "kunjungan": 4,
        "kegiatan": 5,
        "peserta": 6,
        "anggaran_daerah": 7,
    }
    parsed = extract(raw, head)
    assert parsed.file_rows == [7, 8, 9]  # numbering, JUMLAH and the note are left out
    assert parsed.skipped_rows == 3


def test_two_row_header_without_merge_information() -> None:
    raw = sheet(
        [
            ["Rekap 2023"],
            ["Kode", "Periode", "Pelibatan Masyarakat", "", "Informasi"],
            ["", "", "Kegiatan", "Peserta", "Kunjungan"],
            ["P-001", "2023-08", 1, 2, 3],
        ]
    )
    head = find_header(raw)
    assert head.kind == "laporan_bulanan"
    assert head.header_row == 3
    assert head.header_rows == 2
    assert head.mapping()["kode_perpustakaan"] == 0
    assert head.mapping()["kegiatan"] == 2


def test_each_kind_is_recognised_by_its_columns() -> None:
    cases = {
        "perpustakaan": fx.REGISTER_HEADER,
        "target": ["KPI", "Tingkat", "Kode", "Tahun", "Nilai"],
        "penilaian_mandiri": ["Kode Perpustakaan", "Periode", "Kreativitas", "Inovasi"],
        "indikator_konteks": ["kode_provinsi", "nama_provinsi", "nilai_iplm", "satuan", "tahun"],
        "laporan_bulanan": ["NPP", "Bulan", "Tahun", "Visits", "Activities"],
    }
    for kind, header in cases.items():
        assert find_header(sheet([header, ["x"] * len(header)])).kind == kind, kind


def test_unknown_columns_are_listed_and_can_be_mapped_by_hand() -> None:
    raw = sheet(
        [["Kode Perpustakaan", "Periode", "Pengunjung Pojok Baca"], ["P-001", "2023-08", 5]]
    )
    head = find_header(raw)
    assert head.kind is None
    assert head.unmapped() == ["Pengunjung Pojok Baca"]
    manual = find_header(raw, manual={"Pengunjung Pojok Baca": "kunjungan"})
    assert manual.kind == "laporan_bulanan"
    assert manual.mapping()["kunjungan"] == 2
    saved = {manual.signature: ("laporan_bulanan", {"Pengunjung Pojok Baca": "kunjungan"})}
    again = find_header(raw, saved=saved)
    assert again.kind == "laporan_bulanan"
    assert [c.source for c in again.columns] == ["sinonim", "sinonim", "tersimpan"]


def test_instructions_sheet_is_not_recognised() -> None:
    head = find_header(sheet([["Petunjuk pengisian"], ["Isi satu baris per perpustakaan."]]))
    assert head.kind is None


def test_a_lone_cell_between_data_rows_is_kept_as_data() -> None:
    raw = sheet(
        [
            ["Kode Perpustakaan", "Nama Perpustakaan", "Jenis", "Kode Wilayah"],
            ["P-1", "Perpustakaan Desa Satu", "desa_kelurahan", "3201011001"],
            ["", "Perpustakaan Desa Tanpa Kode Sama Sekali", "", ""],
            ["P-3", "Perpustakaan Desa Tiga", "desa_kelurahan", "3201011002"],
            ["Catatan: data sementara"],
            ["Data dihimpun oleh Dinas Perpustakaan Provinsi"],
        ]
    )
    parsed = extract(raw, find_header(raw))
    assert parsed.file_rows == [2, 3, 4]
    assert parsed.skipped_rows == 2


def test_a_synonym_meaning_two_columns_is_an_error(tmp_path) -> None:  # noqa: ANN001
    import pytest

    path = tmp_path / "sinonim.yaml"
    path.write_text(
        "abaikan: [jumlah]\nkolom:\n  kunjungan: [visits]\n  peserta: [Jumlah Visits]\n"
    )
    with pytest.raises(ValueError, match="Jumlah Visits"):
        load_synonyms(path)
