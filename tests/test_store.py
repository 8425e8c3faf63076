"""The store: schema, migrations of an older file, the single writer, settings, paths."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from kpi import store as store_mod
from kpi.store import SCHEMA_VERSION, Store, StoreError, migrate, resolve_db_path


@pytest.fixture
def tmp_store(any_store: Store) -> Store:
    """Every test of this module that takes a new store runs on both engines."""
    return any_store


def test_new_store_has_latest_schema_and_regions(tmp_store: Store) -> None:
    assert tmp_store.schema_version() == SCHEMA_VERSION
    counts = dict(
        tmp_store.query("SELECT tingkat, count(*) AS n FROM wilayah GROUP BY tingkat")
        .set_index("tingkat")["n"]
        .items()
    )
    assert counts == {
        "provinsi": 38,
        "kabupaten_kota": 514,
        "kecamatan": 7285,
        "desa_kelurahan": 83762,
    }
    assert tmp_store.is_empty()
    assert tmp_store.should_load_demo()


def test_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=1)
    con.execute(
        "INSERT INTO perpustakaan (kode_perpustakaan, nama_perpustakaan, jenis, kode_wilayah) "
        "VALUES ('P1', 'Perpustakaan Desa Uji', 'desa_kelurahan', '5201012001')"
    )
    con.execute("INSERT INTO settings VALUES ('skor', '{\"a\": 1}', now())")
    columns = {r[0] for r in con.execute("DESCRIBE perpustakaan").fetchall()}
    assert "kontak_telepon" not in columns
    con.close()

    s = Store(path)
    try:
        assert s.schema_version() == SCHEMA_VERSION
        row = s.query("SELECT nama_perpustakaan, kontak_telepon FROM perpustakaan").iloc[0]
        assert row["nama_perpustakaan"] == "Perpustakaan Desa Uji"
        assert row["kontak_telepon"] is None
        hist_cols = set(s.query("DESCRIBE perpustakaan_riwayat")["column_name"])
        assert {"kontak_telepon", "diganti_oleh"} <= hist_cols
        assert s.scalar("SELECT count(*) FROM pemetaan_kolom") == 0
        assert s.get_setting("skor") == {"a": 1}
    finally:
        s.close()


def test_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError) as err:
        Store(path)
    assert "99" in err.value.message_id and "99" in err.value.message_en


def test_failed_migration_leaves_the_file_at_its_version(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "half.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=1)

    def broken(c: duckdb.DuckDBPyConnection) -> None:
        c.execute("CREATE TABLE setengah (x INTEGER)")
        raise RuntimeError("boom")

    monkeypatch.setattr(store_mod, "MIGRATIONS", [store_mod.MIGRATIONS[0], broken])
    with pytest.raises(RuntimeError):
        migrate(con, target=2)
    assert store_mod.schema_version_of(con) == 1
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert "setengah" not in tables
    con.close()


def test_write_is_all_or_nothing_and_bumps_data_version(tmp_store: Store) -> None:
    v0 = tmp_store.data_version()
    with pytest.raises(ZeroDivisionError), tmp_store.write() as cur:
        cur.execute(
            "INSERT INTO target (kpi, tingkat, kode, tahun, nilai, batch_id) "
            "VALUES ('kunjungan', 'nasional', '', 2024, 10, 'b1')"
        )
        _ = 1 / 0
    assert tmp_store.scalar("SELECT count(*) FROM target") == 0
    assert tmp_store.data_version() == v0
    with tmp_store.write() as cur:
        cur.execute(
            "INSERT INTO target (kpi, tingkat, kode, tahun, nilai, batch_id) "
            "VALUES ('kunjungan', 'nasional', '', 2024, 10, 'b1')"
        )
    assert tmp_store.scalar("SELECT count(*) FROM target") == 1
    assert tmp_store.data_version() == v0 + 1


def test_concurrent_writers_are_serialised_and_readers_see_whole_transactions(
    tmp_store: Store,
) -> None:
    """Writers from many threads all land; a reader never sees half of a transaction."""
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        try:
            for i in range(5):
                with tmp_store.write() as cur:
                    # two rows per transaction: readers must always see an even count
                    for part in ("a", "b"):
                        cur.execute(
                            "INSERT INTO target (kpi, tingkat, kode, tahun, nilai, batch_id) "
                            "VALUES ('kegiatan', 'provinsi', ?, ?, 1, 'x')",
                            [f"{n}{part}", 2000 + i],
                        )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    odd_seen: list[int] = []

    def reader() -> None:
        while not stop.is_set():
            n = tmp_store.scalar("SELECT count(*) FROM target")
            if n % 2:
                odd_seen.append(n)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(timeout=60)
    stop.set()
    for t in readers:
        t.join(timeout=10)
    assert not errors
    assert not odd_seen
    assert tmp_store.scalar("SELECT count(*) FROM target") == 4 * 5 * 2


def test_each_thread_gets_its_own_cursor(tmp_store: Store) -> None:
    seen: list[object] = []
    t = threading.Thread(target=lambda: seen.append(tmp_store.cursor()))
    t.start()
    t.join()
    assert seen[0] is not tmp_store.cursor()
    assert tmp_store.cursor() is tmp_store.cursor()


def test_settings_round_trip(tmp_store: Store) -> None:
    assert tmp_store.get_setting("skor", {"default": True}) == {"default": True}
    tmp_store.set_setting("skor", {"bobot": {"informasi": 35}})
    assert tmp_store.get_setting("skor") == {"bobot": {"informasi": 35}}
    tmp_store.delete_setting("skor")
    assert tmp_store.get_setting("skor") is None


def test_db_path_resolution(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TPBIS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_db_path() == tmp_path / "xdg" / "tpbis" / "tpbis.duckdb"
    monkeypatch.setenv("TPBIS_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path() == tmp_path / "env.duckdb"
    assert resolve_db_path(tmp_path / "cli.duckdb") == tmp_path / "cli.duckdb"


def test_a_file_held_by_another_process_gets_a_clear_message(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "held.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(path)!r}); "
            "print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as err:
            Store(path)
        # the lock conflict, and only it, is blamed on another process (issue 11)
        assert "sedang dipakai proses lain" in err.value.message_id
        assert "held by another process" in err.value.message_en
        assert str(path) in err.value.message_en
    finally:
        holder.kill()
        holder.wait()


def test_a_snapshot_does_not_see_a_commit_made_meanwhile(tmp_store: Store) -> None:
    """Several reads inside store.snapshot() see one state, even when a write lands between."""
    with tmp_store.write() as cur:
        cur.execute(
            "INSERT INTO target (kpi, tingkat, kode, tahun, nilai, batch_id) "
            "VALUES ('kunjungan', 'nasional', '', 2024, 10, 'b1')"
        )
    seen: list[int] = []
    with tmp_store.snapshot():
        seen.append(tmp_store.scalar("SELECT count(*) FROM target"))
        done = threading.Event()  # a writer in another thread commits through the store

        def write() -> None:
            with tmp_store.write() as cur:
                cur.execute(
                    "INSERT INTO target (kpi, tingkat, kode, tahun, nilai, batch_id) "
                    "VALUES ('kegiatan', 'nasional', '', 2024, 5, 'b2')"
                )
            done.set()

        t = threading.Thread(target=write)
        t.start()
        t.join(timeout=30)
        assert done.is_set()
        with tmp_store.snapshot():  # nested: the same snapshot
            seen.append(tmp_store.scalar("SELECT count(*) FROM target"))
        seen.append(tmp_store.scalar("SELECT count(*) FROM target"))
    seen.append(tmp_store.scalar("SELECT count(*) FROM target"))
    assert seen == [1, 1, 1, 2]
