"""End to end per format: the same register and report from xls, ods, csv and formulas."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ingest_fixtures as fx
import pytest

from kpi.ingest import commit, plan_import
from kpi.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2025, 6, 15)


@pytest.mark.parametrize("name", ["contoh.xls", "contoh.ods"])
def test_legacy_and_open_workbooks_import(tmp_store: Store, name: str) -> None:
    plan = plan_import(tmp_store, [(name, (FIXTURES / name).read_bytes())], today=TODAY)
    assert plan.issues.empty, plan.issues.to_dict("records")
    sheets = {s.sheet: (s.kind, s.header_row, s.rows) for s in plan.files[0].sheets}
    assert sheets == {"Daftar": ("perpustakaan", 1, 3), "Laporan": ("laporan_bulanan", 3, 3)}
    result = commit(tmp_store, plan)
    assert (result.added, result.rejected) == (6, 0)
    got = tmp_store.query(
        "SELECT kode_perpustakaan, periode, kunjungan, kegiatan FROM laporan_bulanan "
        "ORDER BY kode_perpustakaan"
    )
    assert got["kode_perpustakaan"].tolist() == ["3201", "P-001", "P-002"]
    assert got["kunjungan"].tolist() == [4000, 120, 1500]
    assert got["kegiatan"].tolist() == [5, 2, 0]  # "-" is zero
    assert set(got["periode"].astype(str)) == {"2023-08-01"}
    codes = tmp_store.query(
        "SELECT kode_wilayah, kode_kecamatan FROM perpustakaan ORDER BY kode_perpustakaan"
    )
    assert codes["kode_wilayah"].tolist() == ["3201", "3201011001", "3201011002"]
    assert codes["kode_kecamatan"].tolist()[1] == "320101"


def test_formulas_use_cached_values(tmp_store: Store) -> None:
    fx.seed_register(tmp_store)
    plan = plan_import(
        tmp_store, [("rumus.xlsx", (FIXTURES / "rumus.xlsx").read_bytes())], today=TODAY
    )
    assert plan.tables["laporan_bulanan"].frame["kunjungan"].tolist() == [123, 57]
    head = plan.files[0].sheets[0].header
    assert head is not None
    assert head.unmapped() == ["Kunjungan Luring", "Kunjungan Daring"]


def test_cp1252_semicolon_csv_imports(tmp_store: Store) -> None:
    fx.seed_register(tmp_store)
    plan = plan_import(tmp_store, [("lap.csv", fx.cp1252_semicolon_csv())], today=TODAY)
    assert plan.issues.empty, plan.issues.to_dict("records")
    frame = plan.tables["laporan_bulanan"].frame
    assert frame["kunjungan"].tolist() == [1234, 2001]
    assert frame["peserta"].tolist() == [12, 0]
