"""The template workbook: every kind, a Petunjuk sheet, drop-down lists; it imports cleanly."""

from __future__ import annotations

import io

import openpyxl

from kpi.ingest import plan_import
from kpi.ingest.template import build_template
from kpi.store import Store


def test_template_has_every_kind_and_lists() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_template()))
    assert wb.sheetnames == [
        "Petunjuk",
        "perpustakaan",
        "laporan_bulanan",
        "target",
        "penilaian_mandiri",
        "indikator_konteks",
    ]
    lists = [dv.formula1 for dv in wb["perpustakaan"].data_validations.dataValidation]
    assert '"provinsi,kabupaten_kota,desa_kelurahan"' in lists


def test_template_sheets_are_recognised(tmp_store: Store) -> None:
    plan = plan_import(tmp_store, [("templat.xlsx", build_template())])
    kinds = {s.sheet: s.kind for s in plan.files[0].sheets}
    assert kinds == {
        "Petunjuk": None,
        "perpustakaan": "perpustakaan",
        "laporan_bulanan": "laporan_bulanan",
        "target": "target",
        "penilaian_mandiri": "penilaian_mandiri",
        "indikator_konteks": "indikator_konteks",
    }
    assert plan.accepted == 0 and plan.rejected == 0


def test_committed_copy_matches_the_generator() -> None:
    """data/templat_impor.xlsx is regenerated with kpi.ingest.template.write_template()."""
    from kpi.ingest.template import TEMPLATE_PATH

    def shape(data: bytes) -> dict[str, list[object]]:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        return {ws.title: [c.value for c in ws[1]] for ws in wb.worksheets}

    assert shape(TEMPLATE_PATH.read_bytes()) == shape(build_template())
