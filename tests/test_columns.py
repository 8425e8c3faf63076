"""The monthly report's columns, a table of data (kpi/kolom_bulanan.yaml) read by kpi.columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi import columns


def test_the_monthly_columns_are_read_in_order() -> None:
    got = columns.MONTHLY_COLUMNS
    assert len(got) == 20 and len({c.name for c in got}) == 20
    assert got[0] == columns.MonthlyColumn(
        "tanggal_lapor", "date", "data", "DATE", "Tanggal lapor", "Report date"
    )
    kunjungan = next(c for c in got if c.name == "kunjungan")
    assert (kunjungan.kind, kunjungan.pillar, kunjungan.sql_type) == ("flow", "informasi", "BIGINT")
    assert "tanggal_lapor" not in columns.INDICATOR_COLUMNS
    assert len(columns.INDICATOR_COLUMNS) == 19


def test_an_unknown_kind_names_the_file_and_the_column(tmp_path: Path) -> None:
    path = tmp_path / "kolom.yaml"
    path.write_text("- [kunjungan, jumlah, informasi, BIGINT, Kunjungan, Visits]\n", "utf-8")
    with pytest.raises(ValueError, match=r"kolom\.yaml: column 'kunjungan' has kind 'jumlah'"):
        columns._monthly_columns(path)
