"""The KPI catalogue: the project's file loads, and bad definitions are reported with their id."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from kpi.catalogue import CATALOGUE_PATH, CatalogueError, load, parse

# every KPI of shared/design/kpi-catalogue.md
DESIGN_IDS = {
    "kunjungan",
    "kunjungan_per_1000",
    "anggota",
    "cakupan_anggota",
    "peminjaman",
    "pinjaman_per_anggota",
    "kesiapan_tik",
    "pemanfaatan_tik",
    "kegiatan",
    "kegiatan_per_bulan",
    "peserta",
    "peserta_per_kegiatan",
    "porsi_perempuan",
    "rasio_manfaat",
    "kisah_sukses",
    "advokasi",
    "kemitraan",
    "anggaran_per_kapita",
    "replikasi",
    "publikasi",
    "kelengkapan",
    "ketepatan",
}


def raw() -> dict[str, Any]:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def kpi_raw(data: dict[str, Any], kpi_id: str) -> dict[str, Any]:
    return next(k for k in data["kpi"] if k["id"] == kpi_id)


def test_project_catalogue_loads_with_every_design_kpi() -> None:
    cat = load()
    assert set(cat.ids) >= DESIGN_IDS
    assert set(cat.utama) == DESIGN_IDS
    k = cat["kunjungan_per_1000"]
    assert k.factor == 1000 and k.numerator.column == "kunjungan"
    assert k.denominator is not None and k.denominator.agg == "penduduk_bulan"
    assert cat["porsi_perempuan"].direction == "konteks"
    assert cat["kunjungan"].is_flow and not cat["kegiatan_per_bulan"].is_flow
    assert cat["replikasi"].jenis == ("provinsi", "kabupaten_kota")
    assert "Januari setelah tahun bergabung" in cat["kelengkapan"].definisi_id
    assert cat.skor_defaults()["bobot"] == {"informasi": 35, "pelibatan": 40, "advokasi": 25}
    assert cat.pembinaan_defaults()["R3"]["perubahan_maksimum"] == -20


def test_objects_are_frozen() -> None:
    k = load()["kunjungan"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        k.factor = 2  # type: ignore[misc]


def test_defaults_are_copies() -> None:
    cat = load()
    d = cat.skor_defaults()
    d["bobot"]["informasi"] = 0
    assert cat.skor_defaults()["bobot"]["informasi"] == 35


def test_unknown_column_and_bad_direction_are_all_reported() -> None:
    data = raw()
    kpi_raw(data, "kunjungan")["numerator"]["column"] = "pengunjung"
    kpi_raw(data, "peserta")["direction"] = "atas"
    with pytest.raises(CatalogueError) as err:
        parse(data)
    issues = {(i.kpi, i.message) for i in err.value.issues}
    assert any(k == "kunjungan" and "pengunjung" in m for k, m in issues)
    assert any(k == "peserta" and "direction" in m for k, m in issues)
    assert "kunjungan" in str(err.value) and "peserta" in str(err.value)


def test_overlapping_and_gapped_bands() -> None:
    data = raw()
    kpi_raw(data, "kelengkapan")["bands"] = [
        {"id": "merah", "dari": 0, "sampai": 60},
        {"id": "kuning", "dari": 50, "sampai": 80},
        {"id": "hijau", "dari": 80, "sampai": 100},
    ]
    kpi_raw(data, "ketepatan")["bands"] = [
        {"id": "merah", "dari": 0, "sampai": 40},
        {"id": "kuning", "dari": 50, "sampai": 100},
    ]
    with pytest.raises(CatalogueError) as err:
        parse(data)
    messages = [str(i) for i in err.value.issues]
    assert any(m.startswith("kelengkapan:") and "overlap" in m for m in messages)
    assert any(m.startswith("ketepatan:") and "gap" in m for m in messages)


def test_score_bands_and_components_are_validated() -> None:
    data = raw()
    data["skor"]["bands"] = [
        {"id": "merah", "dari": 0, "sampai": 50},
        {"id": "hijau", "dari": 60, "sampai": 100},
    ]
    data["skor"]["komponen"]["informasi"].append("tidak_ada")
    with pytest.raises(CatalogueError) as err:
        parse(data)
    text = str(err.value)
    assert "skor" in text and "gap" in text and "tidak_ada" in text


def test_missing_fields_and_unknown_aggregation(tmp_path: Path) -> None:
    data = copy.deepcopy(raw())
    broken = kpi_raw(data, "publikasi")
    del broken["nama_en"]
    broken["numerator"] = {"agg": "rata_rata", "column": "publikasi"}
    path = tmp_path / "k.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load(path)
    assert [i.kpi for i in err.value.issues].count("publikasi") == 2


def test_overview_headlines_are_catalogue_kpis() -> None:
    data = raw()
    assert parse(data).ringkasan == ("kunjungan", "kegiatan", "peserta", "kelengkapan")
    data["ringkasan"] = ["kunjungan", "pengunjung"]
    with pytest.raises(CatalogueError) as err:
        parse(data)
    assert any(i.kpi == "pengunjung" and "ringkasan" in i.message for i in err.value.issues)


@pytest.mark.parametrize("name", ["tren", "pertumbuhan"])
def test_trend_and_growth_lists_are_catalogue_flow_kpis(name: str) -> None:
    data = raw()
    assert getattr(parse(data), name) == ("kunjungan", "kegiatan")
    data[name] = ["kegiatan", "pengunjung", "kunjungan_per_1000"]
    with pytest.raises(CatalogueError) as err:
        parse(data)
    found = {(i.kpi, "flow" in i.message) for i in err.value.issues if f"'{name}'" in i.message}
    # an id the catalogue lacks, and a rate (kunjungan per 1,000 people is not a monthly sum)
    assert found == {("pengunjung", False), ("kunjungan_per_1000", True)}
    del data[name]
    assert getattr(parse(data), name) == ()


def test_report_card_trend_columns_are_the_trend_kpis_columns() -> None:
    from kpi.catalogue import catalogue
    from kpi.rapor.content import trend_columns

    cat = catalogue()
    assert trend_columns(cat) == ("kunjungan", "kegiatan")
    assert trend_columns(dataclasses.replace(cat, tren=("peserta",))) == ("peserta",)


def test_profile_lists_are_catalogue_kpis_and_its_trends_flows() -> None:
    data = raw()
    cat = parse(data)
    assert cat.profil_tren == ("kunjungan", "peminjaman", "kegiatan", "peserta")
    assert cat.profil_tren_wilayah == ("anggota_baru",)
    assert cat.profil_sebaya[0] == "kunjungan_per_1000"
    assert cat.monthly_columns(cat.profil_tren_wilayah) == ("anggota_baru",)
    data["profil"] = {
        "tren": ["kunjungan", "cakupan_anggota"],
        "tren_wilayah": ["pengunjung"],
        "sebaya": ["rasio_manfaat", "tidak_ada"],
    }
    with pytest.raises(CatalogueError) as err:
        parse(data)
    found = {(i.kpi, i.message) for i in err.value.issues if "profil." in i.message}
    assert found == {
        ("cakupan_anggota", "listed in 'profil.tren' but not a flow KPI (a monthly sum)"),
        ("pengunjung", "listed in 'profil.tren_wilayah' but not defined"),
        ("tidak_ada", "listed in 'profil.sebaya' but not defined"),
    }


def test_a_profile_series_sums_the_catalogue_profile_trends_and_only_flows(tmp_path) -> None:
    from datetime import date

    from kpi import profile
    from kpi.store import Store

    store = Store(tmp_path / "s.duckdb")
    try:
        place = {"tingkat": "provinsi", "kode": "11"}
        frame = profile.monthly_series(store, place, date(2025, 1, 1), date(2025, 3, 1))
        assert list(frame.columns) == [
            "periode",
            "kunjungan",
            "peminjaman",
            "kegiatan",
            "peserta",
            "anggota_baru",
            "perpustakaan_melapor",
        ]
        with pytest.raises(ValueError, match="akses_internet"):
            profile.monthly_series(
                store, place, date(2025, 1, 1), date(2025, 3, 1), columns=["akses_internet"]
            )
    finally:
        store.close()
