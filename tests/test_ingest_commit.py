"""Dry run, commit (all or nothing), idempotent re-import, history and undo."""

from __future__ import annotations

import importlib
import io
from datetime import date

import ingest_fixtures as fx
import pandas as pd
import pytest

from kpi.ingest import commit, plan_import, undo
from kpi.ingest.rejected import batch_rejected_excel
from kpi.store import Store, StoreError


@pytest.fixture
def tmp_store(any_store: Store) -> Store:
    """Every test of this module that takes a new store runs on both engines."""
    return any_store


@pytest.fixture
def demo_store(any_demo_store: Store) -> Store:
    return any_demo_store


TODAY = date(2025, 6, 15)
commit_module = importlib.import_module("kpi.ingest.commit")


def counts(store: Store) -> dict[str, int]:
    tables = [
        "perpustakaan",
        "laporan_bulanan",
        "laporan_bulanan_riwayat",
        "import_batch",
        "import_file",
        "rejected_row",
    ]
    return {t: int(store.scalar(f"SELECT count(*) FROM {t}")) for t in tables}


def monthly(rows: list[tuple[str, str, object]], indicator: str = "Kunjungan") -> bytes:
    return fx.workbook({"Laporan": fx.monthly_rows(rows, indicator)})


def test_dry_run_writes_nothing(tmp_store: Store) -> None:
    before, version = counts(tmp_store), tmp_store.data_version()
    plan = plan_import(
        tmp_store,
        [("register.csv", fx.register_csv()), ("messy.xlsx", fx.messy_monthly_xlsx())],
        today=TODAY,
    )
    assert plan.accepted == 6 and plan.added == 6
    assert counts(tmp_store) == before
    assert tmp_store.data_version() == version


def test_commit_is_all_or_nothing(tmp_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_import(
        tmp_store,
        [("register.csv", fx.register_csv()), ("messy.xlsx", fx.messy_monthly_xlsx())],
        today=TODAY,
    )
    assert set(plan.tables) == {"perpustakaan", "laporan_bulanan"}
    before, version = counts(tmp_store), tmp_store.data_version()
    real = commit_module.write_table
    calls: list[str] = []

    def failing(cur, store, table, frame, batch_id, now):  # noqa: ANN001, ANN202
        calls.append(table)
        if len(calls) == 2:
            raise RuntimeError("disk full (on purpose)")
        return real(cur, store, table, frame, batch_id, now)

    monkeypatch.setattr(commit_module, "write_table", failing)
    with pytest.raises(RuntimeError, match="on purpose"):
        commit(tmp_store, plan)
    assert len(calls) == 2  # the first table was written inside the transaction
    assert counts(tmp_store) == before
    assert tmp_store.data_version() == version
    monkeypatch.setattr(commit_module, "write_table", real)
    result = commit(tmp_store, plan)
    assert (result.added, result.changed) == (6, 0)
    assert tmp_store.data_version() == version + 1


def test_reimport_changes_nothing(tmp_store: Store) -> None:
    fx.seed_register(tmp_store)
    data = fx.messy_monthly_xlsx()
    first = commit(tmp_store, plan_import(tmp_store, [("m.xlsx", data)], today=TODAY))
    assert (first.added, first.changed, first.unchanged) == (3, 0, 0)
    stored = tmp_store.query("SELECT * FROM laporan_bulanan ORDER BY kode_perpustakaan")
    again = commit(tmp_store, plan_import(tmp_store, [("m.xlsx", data)], today=TODAY))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    assert tmp_store.scalar("SELECT count(*) FROM laporan_bulanan_riwayat") == 0
    # the original is archived once; the second batch refers to it by checksum
    assert (
        tmp_store.scalar(
            "SELECT count(*) FROM import_file WHERE file_name = 'm.xlsx' AND content IS NOT NULL"
        )
        == 1
    )
    after = tmp_store.query("SELECT * FROM laporan_bulanan ORDER BY kode_perpustakaan")
    pd.testing.assert_frame_equal(stored, after)  # batch_id included: rows untouched


def test_later_value_replaces_keeps_history_and_undo_restores(tmp_store: Store) -> None:
    fx.seed_register(tmp_store)
    v1 = fx.workbook(
        {
            "L": [
                ["Kode Perpustakaan", "Periode", "Kunjungan", "Kegiatan"],
                ["P-001", "2023-08", 10, 2],
                ["P-002", "2023-08", 20, 3],
            ]
        }
    )
    b1 = commit(tmp_store, plan_import(tmp_store, [("v1.xlsx", v1)], today=TODAY))
    # the later file reports only visits: one corrected, one new month
    v2 = monthly([("P-001", "Agustus 2023", 15), ("P-001", "September 2023", 7)])
    plan2 = plan_import(tmp_store, [("v2.xlsx", v2)], today=TODAY)
    preview = plan2.tables["laporan_bulanan"].frame
    assert preview["_status"].tolist() == ["berubah", "baru"]  # per record, for the preview
    assert preview["_row"].tolist() == [2, 3]
    assert preview["_file"].tolist() == ["v2.xlsx", "v2.xlsx"]
    b2 = commit(tmp_store, plan2)
    assert (b2.added, b2.changed, b2.unchanged) == (1, 1, 0)

    def row(kode: str, periode: str) -> tuple:
        return (
            tmp_store.cursor()
            .execute(
                "SELECT kunjungan, kegiatan, batch_id FROM laporan_bulanan "
                "WHERE kode_perpustakaan = ? AND periode = ?",
                [kode, periode],
            )
            .fetchall()[0]
        )

    assert row("P-001", "2023-08-01") == (15, 2, b2.batch_id)  # kegiatan kept: not in v2
    history = tmp_store.query("SELECT * FROM laporan_bulanan_riwayat")
    assert len(history) == 1
    assert history.loc[0, "kunjungan"] == 10
    assert history.loc[0, "batch_id"] == b1.batch_id
    assert history.loc[0, "diganti_oleh"] == b2.batch_id

    with pytest.raises(StoreError):
        undo(tmp_store, b1.batch_id)  # b2 replaced its values: undo b2 first

    result = undo(tmp_store, b2.batch_id)
    assert (result.removed, result.restored) == (2, 1)
    assert row("P-001", "2023-08-01") == (10, 2, b1.batch_id)
    assert tmp_store.scalar("SELECT count(*) FROM laporan_bulanan") == 2
    assert tmp_store.scalar("SELECT count(*) FROM laporan_bulanan_riwayat") == 0
    assert (
        tmp_store.scalar("SELECT status FROM import_batch WHERE batch_id = ?", [b2.batch_id])
        == "undone"
    )
    with pytest.raises(StoreError):
        undo(tmp_store, b2.batch_id)
    undo(tmp_store, b1.batch_id)
    assert tmp_store.scalar("SELECT count(*) FROM laporan_bulanan") == 0


def test_batch_keeps_files_and_rejected_rows(tmp_store: Store) -> None:
    fx.seed_register(tmp_store)
    data = monthly([("P-001", "2023-08", 5), ("P-404", "2023-08", 5), ("P-002", "2023-08", "x")])
    result = commit(tmp_store, plan_import(tmp_store, [("lap.xlsx", data)], today=TODAY))
    assert (result.accepted, result.rejected) == (1, 2)
    archived = tmp_store.query("SELECT * FROM import_file WHERE batch_id = ?", [result.batch_id])
    assert bytes(archived.loc[0, "content"]) == data
    assert len(archived.loc[0, "checksum"]) == 64
    rejected = pd.read_excel(
        io.BytesIO(batch_rejected_excel(tmp_store, result.batch_id)), engine="calamine"
    )
    assert rejected["Kode Perpustakaan"].tolist() == ["P-404", "P-002"]
    assert rejected["baris_asal"].tolist() == [3, 4]
    assert "tidak ada di daftar" in rejected.loc[0, "alasan_ditolak"]


def test_undo_keeps_libraries_that_later_reports_use(tmp_store: Store) -> None:
    register = fx.seed_register(tmp_store)
    report = commit(
        tmp_store,
        plan_import(tmp_store, [("l.xlsx", monthly([("P-001", "2023-08", 5)]))], today=TODAY),
    )
    with pytest.raises(StoreError, match=report.batch_id):
        undo(tmp_store, register)
    undo(tmp_store, report.batch_id)
    undo(tmp_store, register)
    assert tmp_store.scalar("SELECT count(*) FROM perpustakaan") == 0


def test_correcting_demo_reports_and_undoing(demo_store: Store) -> None:
    rows = demo_store.query(
        "SELECT kode_perpustakaan, strftime(periode, '%m/%Y') AS periode, kunjungan, kegiatan "
        "FROM laporan_bulanan WHERE kunjungan IS NOT NULL ORDER BY kode_perpustakaan, periode "
        "LIMIT 3"
    )
    data = fx.workbook(
        {
            "Koreksi": [
                ["Kode Perpustakaan", "Periode", "Kunjungan", "Kegiatan"],
                *[
                    [r.kode_perpustakaan, r.periode, int(r.kunjungan) + 1, int(r.kegiatan)]
                    for r in rows.itertuples()
                ],
            ]
        }
    )
    plan = plan_import(demo_store, [("koreksi.xlsx", data)])
    assert (plan.added, plan.changed, plan.unchanged, plan.rejected) == (0, 3, 0, 0)
    before = demo_store.scalar("SELECT sum(kunjungan) FROM laporan_bulanan")
    result = commit(demo_store, plan)
    assert demo_store.scalar("SELECT sum(kunjungan) FROM laporan_bulanan") == before + 3
    assert demo_store.scalar("SELECT count(*) FROM laporan_bulanan_riwayat") == 3
    undo(demo_store, result.batch_id)
    assert demo_store.scalar("SELECT sum(kunjungan) FROM laporan_bulanan") == before
    assert demo_store.scalar("SELECT count(*) FROM laporan_bulanan_riwayat") == 0
