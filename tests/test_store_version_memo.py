"""The data version a page's cached calls ask for is remembered per file between writes
(kpi.store._VersionMemo): it must never outlive a write, in any thread or Store object."""

from __future__ import annotations

import threading
from pathlib import Path

from kpi.store import Store


def _bump(store: Store) -> None:
    with store.write() as cur:
        cur.execute("INSERT OR REPLACE INTO meta VALUES ('memo_test', '1')")


def test_the_version_is_remembered_until_a_write_and_then_read_again(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.duckdb")
    v0 = store.data_version()
    queries: list[str] = []
    real = store.scalar

    def counting(sql, params=None):
        queries.append(sql)
        return real(sql, params)

    store.scalar = counting  # type: ignore[method-assign]
    assert store.data_version() == v0 and store.data_version() == v0
    assert queries == []  # remembered: no query
    _bump(store)
    assert store.data_version() == v0 + 1
    assert len(queries) == 1
    with store.write(bump=False) as cur:  # a write no page shows keeps the version
        cur.execute("INSERT OR REPLACE INTO meta VALUES ('memo_test', '2')")
    assert store.data_version() == v0 + 1 and len(queries) == 1
    store.close()


def test_a_second_store_object_of_the_file_sees_the_first_ones_write(tmp_path: Path) -> None:
    a = Store(tmp_path / "b.duckdb")
    b = Store(tmp_path / "b.duckdb")
    v0 = b.data_version()
    _bump(a)
    assert b.data_version() == v0 + 1
    a.close()
    b.close()


def test_a_write_in_another_thread_is_seen_at_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.duckdb")
    v0 = store.data_version()
    t = threading.Thread(target=_bump, args=(store,))
    t.start()
    t.join()
    assert store.data_version() == v0 + 1
    store.close()


def test_a_version_read_before_a_commit_is_not_kept_after_it(tmp_path: Path) -> None:
    """The reader asked, then a write committed, then the reader's answer came back: it must
    not be remembered (the next reader would see the old version for ever)."""
    store = Store(tmp_path / "d.duckdb")
    v0 = store.data_version()
    memo = store._version  # noqa: SLF001 - the race is between its steps
    memo.forget()
    asked = memo.generation()
    _bump(store)  # commits between the reader's question and its answer
    memo.remember(v0, asked)  # the stale answer arrives
    assert memo.known() is None
    assert store.data_version() == v0 + 1
    store.close()


def test_inside_a_snapshot_the_version_is_the_snapshots(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.duckdb")
    v0 = store.data_version()
    seen: list[int] = []
    with store.snapshot():
        store.scalar("SELECT count(*) FROM meta")  # the snapshot's first read fixes its state
        t = threading.Thread(target=_bump, args=(store,))
        t.start()
        t.join()
        seen.append(store.data_version())  # the snapshot began before the write
    assert seen == [v0]
    assert store.data_version() == v0 + 1
    store.close()


def test_reopening_the_file_reads_the_version_again(tmp_path: Path) -> None:
    """Another process may write while no Store of this process holds the file."""
    path = tmp_path / "f.duckdb"
    store = Store(path)
    v0 = store.data_version()
    store.close()
    import duckdb

    con = duckdb.connect(str(path))  # "another process": a write outside this Store
    con.execute("INSERT OR REPLACE INTO meta VALUES ('data_version', ?)", [str(v0 + 5)])
    con.close()
    again = Store(path)
    assert again.data_version() == v0 + 5
    again.close()
