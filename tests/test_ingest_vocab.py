"""Categorical values as people write them (data/kosakata_nilai.yaml, kpi/ingest/vocab.py)."""

from __future__ import annotations

import pytest

from kpi.ingest.kinds import COLUMNS
from kpi.ingest.values import INVALID, parse_bool, parse_month
from kpi.ingest.vocab import (
    choice_parser,
    load_vocabulary,
    map_distinct,
    mapping_key,
    vocabulary_of,
    with_mapping,
)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("Perpustakaan Desa", "desa_kelurahan"),
        ("PERPUSTAKAAN DESA", "desa_kelurahan"),
        ("Perpus. Desa", "desa_kelurahan"),
        ("Perpusdes", "desa_kelurahan"),
        ("Perpus Des", "desa_kelurahan"),
        ("Desa", "desa_kelurahan"),
        ("Kelurahan", "desa_kelurahan"),
        ("Perpustakaan Kelurahan", "desa_kelurahan"),
        ("Ds.", "desa_kelurahan"),
        ("Kel.", "desa_kelurahan"),
        ("Village library", "desa_kelurahan"),
        ("desa_kelurahan", "desa_kelurahan"),
        ("Perpustakaan Kabupaten", "kabupaten_kota"),
        ("Perpustakaan Kota", "kabupaten_kota"),
        ("Kab.", "kabupaten_kota"),
        ("Kab/Kota", "kabupaten_kota"),
        ("Pemkot", "kabupaten_kota"),
        ("Dinas Perpustakaan dan Kearsipan Kabupaten", "kabupaten_kota"),
        ("Regency/city library", "kabupaten_kota"),
        ("Perpustakaan Provinsi", "provinsi"),
        ("Perpustakaan Daerah Provinsi", "provinsi"),
        ("Prov.", "provinsi"),
        ("Provincial library", "provinsi"),
    ],
)
def test_library_levels_as_people_write_them(written: str, value: str) -> None:
    assert load_vocabulary().match("jenis_perpustakaan", written) == value


@pytest.mark.parametrize("written", ["Perpustakaan Daerah", "Perpustakaan", "Taman Baca", "TBM"])
def test_what_is_no_level_is_not_guessed(written: str) -> None:
    """Filler words alone mean nothing ("Perpustakaan Daerah" is a province's or a regency's)."""
    assert load_vocabulary().match("jenis_perpustakaan", written) is None


def test_support_types_and_target_levels() -> None:
    voc = load_vocabulary()
    assert voc.match("jenis_dukungan", "Dukungan Penuh") == "penuh"
    assert voc.match("jenis_dukungan", "Replikasi") == "replikasi_mandiri"
    assert voc.match("jenis_dukungan", "Self-funded replication") == "replikasi_mandiri"
    assert voc.match("jenis_dukungan", "Bantuan Buku") == "bantuan_buku"
    assert voc.match("tingkat_target", "Kab/Kota") == "kabupaten_kota"
    assert voc.match("tingkat_target", "Per Perpustakaan") == "perpustakaan"
    assert voc.match("tingkat_target", "Nasional") == "nasional"
    assert voc.match("satuan", "%") == "persen"
    assert voc.match("satuan", "INDEKS") == "indeks"


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("Ada", True),
        ("Tidak ada", False),
        ("TIDAK ADA", False),
        ("Tersedia", True),
        ("Tidak tersedia", False),
        ("v", True),
        ("✓", True),
        ("✔", True),
        ("✗", False),
        ("Ya", True),
        ("Belum ada", False),
        ("Ada internet", True),
        (1, True),
        (0.0, False),
        ("-", None),
        ("", None),
        ("Ada / Tidak ada", INVALID),
        ("mungkin", INVALID),
    ],
)
def test_yes_and_no(written: object, value: object) -> None:
    assert parse_bool(written) is value


def test_months_from_the_vocabulary() -> None:
    assert parse_month("Agustus") == 8
    assert parse_month("Agt.") == 8
    assert parse_month("Bulan Januari") == 1
    assert parse_month("Nopember") == 11
    assert parse_month("Dec") == 12
    assert parse_month("Bulan ke-13") is INVALID


def test_columns_find_their_vocabulary() -> None:
    """Every choice, yes/no and month column of the data contract takes its values from one
    vocabulary (a column added later with the same choices finds it too)."""
    for specs in COLUMNS.values():
        for spec in specs:
            if spec.type in ("choice", "bool", "month"):
                assert vocabulary_of(spec.type, spec.choices), spec.name


def test_a_word_meaning_two_values_is_an_error(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "kosakata.yaml"
    path.write_text(
        "abaikan: [perpustakaan]\nkosakata:\n  x:\n    nilai:\n"
        "      a: {sebutan: [Desa]}\n      b: {sebutan: [perpustakaan desa]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="means both"):
        load_vocabulary.__wrapped__(path)


def test_a_mapping_by_hand_comes_first() -> None:
    base = choice_parser("jenis_perpustakaan")
    assert base("Rumah Baca") is INVALID
    key = mapping_key("Rumah Baca")
    parse = with_mapping(
        "jenis_perpustakaan", base, {"jenis_perpustakaan": {key: "desa_kelurahan"}}
    )
    assert parse("RUMAH  BACA") == "desa_kelurahan"
    assert parse("Rumah baca.") == "desa_kelurahan"
    assert parse("Perpustakaan Kota") == "kabupaten_kota"  # the vocabulary still applies


def test_each_distinct_value_is_parsed_once() -> None:
    calls: list[object] = []

    def fn(x: object) -> object:
        calls.append(x)
        return x

    cells = ["Desa", "Desa", 1, 1.0, True, None, "Desa", None]
    assert map_distinct(cells, fn) == cells
    assert calls == ["Desa", 1, 1.0, True, None]  # 1, 1.0 and True are different cells
