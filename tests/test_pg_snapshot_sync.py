"""A PostgreSQL store's snapshot rebuilt batch by batch (kpi.pgsnapshot.sync_batches) holds
exactly what a full rebuild holds: after commits that add rows and replace rows (their history
kept), after an undo that puts them back, after a batch committed and undone between two
rebuilds, and after the demo is cleared (a table that does not match is copied whole)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ingest_fixtures as fx
import pytest
from pg_fixtures import PgCluster

from kpi.ingest import commit, plan_import, undo
from kpi.pgstore import PgStore
from kpi.store import Store


@pytest.fixture
def url(pg_cluster: PgCluster, pg_demo_template: str) -> str:
    return pg_cluster.url(pg_cluster.create_db(pg_demo_template))


@pytest.fixture
def reader(url: str) -> Iterator[PgStore]:
    """A server's store: its snapshot rebuilt only when refresh() is called here."""
    store = PgStore(url, listen=False)
    yield store
    store.close()


def _tables(store: PgStore) -> list[str]:
    return [
        str(r[0])
        for r in store.cursor()
        .execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "ORDER BY 1"
        )
        .fetchall()
    ]


def _contents(store: PgStore) -> dict[str, Any]:
    """Each table's column types, row count and a checksum of every column's values."""
    out: dict[str, Any] = {}
    cur = store.cursor()
    for table in _tables(store):
        types = cur.execute(f'DESCRIBE "{table}"').fetchall()
        sums = cur.execute(f'SELECT count(*), sum(hash(COLUMNS(*))) FROM "{table}"').fetchall()
        out[table] = ([(r[0], r[1]) for r in types], sums)
    return out


def assert_same_as_a_full_rebuild(reader: PgStore, url: str) -> None:
    full = PgStore(url, listen=False)  # built whole at its start
    try:
        assert full.write_version() == reader.write_version()
        got, want = _contents(reader), _contents(full)
        assert set(got) == set(want)
        assert [t for t in want if got[t] != want[t]] == []
    finally:
        full.close()


def _import(url: str, name: str, data: bytes) -> str:
    store = Store(url)
    try:
        plan = plan_import(store, [(name, data)])
        assert plan.rejected == 0, plan.issues.to_dict("records")
        return commit(store, plan).batch_id
    finally:
        store.close()


def _undo(url: str, batch: str) -> None:
    store = Store(url)
    try:
        undo(store, batch)
    finally:
        store.close()


def _demo_codes(reader: PgStore, n: int) -> list[str]:
    rows = reader.cursor().execute(
        "SELECT DISTINCT kode_perpustakaan FROM laporan_bulanan WHERE periode = "
        "(SELECT max(periode) FROM laporan_bulanan) ORDER BY 1 LIMIT ?",
        [n],
    )
    return [str(r[0]) for r in rows.fetchall()]


def _monthly(codes: list[str], month: str, value: int) -> bytes:
    return fx.workbook({"L": fx.monthly_rows([(c, month, value + i) for i, c in enumerate(codes)])})


def test_commits_and_an_undo_synced_by_batch_equal_a_full_rebuild(
    reader: PgStore, url: str
) -> None:
    codes = _demo_codes(reader, 6)
    last = str(reader.scalar("SELECT strftime(max(periode), '%Y-%m') FROM laporan_bulanan"))
    # new libraries, and a month that replaces the demo's figures of six of them (history)
    register = _import(url, "daftar.csv", fx.register_csv())
    replacing = _import(url, "ganti.xlsx", _monthly(codes, last, 90_000))
    assert reader.refresh()
    assert {"laporan_bulanan", "laporan_bulanan_riwayat", "perpustakaan"} <= reader.last_synced
    assert reader.scalar(
        "SELECT count(*) FROM laporan_bulanan_riwayat WHERE diganti_oleh = ?", [replacing]
    ) == len(codes)
    assert_same_as_a_full_rebuild(reader, url)

    # a new month, then the replacing batch undone: the demo's figures come back
    year, month = map(int, last.split("-"))
    following = f"{year + month // 12}-{month % 12 + 1:02d}"
    adding = _import(url, "baru.xlsx", _monthly(["P-001", "P-002"], following, 5))
    assert reader.refresh()
    assert "laporan_bulanan" in reader.last_synced
    assert_same_as_a_full_rebuild(reader, url)
    _undo(url, replacing)
    assert reader.refresh()
    assert {"laporan_bulanan", "laporan_bulanan_riwayat"} <= reader.last_synced
    assert not reader.scalar("SELECT count(*) FROM laporan_bulanan WHERE batch_id = ?", [replacing])
    assert_same_as_a_full_rebuild(reader, url)

    # several writes between two rebuilds: a commit, another undone, one committed and undone
    again = _import(url, "ganti2.xlsx", _monthly(codes[:3], last, 70_000))
    _undo(url, adding)
    gone = _import(url, "sebentar.xlsx", _monthly(codes[3:], last, 1))
    _undo(url, gone)
    assert reader.refresh()
    assert "laporan_bulanan" in reader.last_synced
    assert reader.scalar("SELECT count(*) FROM laporan_bulanan WHERE batch_id = ?", [again]) == 3
    assert_same_as_a_full_rebuild(reader, url)
    assert register


def test_the_demo_cleared_after_a_batch_replaced_its_rows_still_equals_a_full_rebuild(
    reader: PgStore, url: str
) -> None:
    """Clearing the demo marks it undone but also drops the history of its rows that a later
    batch replaced, which an undo would keep: the check per batch sees the difference and
    that history is copied whole."""
    from kpi.demo import clear_demo

    codes = _demo_codes(reader, 4)
    last = str(reader.scalar("SELECT strftime(max(periode), '%Y-%m') FROM laporan_bulanan"))
    _import(url, "ganti.xlsx", _monthly(codes, last, 90_000))
    assert reader.refresh()
    store = Store(url)
    try:
        clear_demo(store)
    finally:
        store.close()
    assert reader.refresh()
    assert "laporan_bulanan_riwayat" not in reader.last_synced
    assert "laporan_bulanan" in reader.last_synced  # the demo's rows gone, batch by batch
    assert_same_as_a_full_rebuild(reader, url)
