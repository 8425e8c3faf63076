"""Concurrent use: twenty sessions reading while one commits an import of a few thousand rows and
another undoes an earlier batch. No reader sees an error or a half-applied batch, no batch is
lost, and the file passes a consistency check afterwards.

Design. DuckDB lets one process own a database file, and the app's server is that one process:
every session of a Streamlit server shares the process's one ``Store`` (``open_store``: one
DuckDB database object per file, a cursor per thread, writes serialised by the store's writer
lock), and the pages read through caches keyed on the data version. So the test reproduces the
server's situation in one process, on a copy of the demo database, with the product's own code:

- 20 reader threads are the sessions. Each, in a loop until the writers are done (and a few
  rounds after): reads one aggregate of the monthly reports together with the committed-batch
  count (a single statement: one MVCC snapshot), then the KPI table of every library and the
  coaching evaluation for a fixed window, half of the readers through the pages' cached
  functions (``kpi.ui.data``: keyed on the data version, as the pages call them) and half
  straight from the engine (``score.kpi_table``, ``coaching.evaluate``: no cache to hide a
  race). Two more threads run the real overview page (app.py through ``AppTest``) repeatedly.
- Batch A (2,000 rows of January 2026) is committed before the readers start; during the run one
  thread commits batch B (3,000 rows of February 2026) through ``plan_import`` + ``commit`` (the
  dry run, then the one transaction), and another thread undoes batch A.
- The reference results of the four states the store can pass through (before A, after A, after
  A and B, after B with A undone) are computed beforehand on a separate copy of the file with the
  same operations. Every reader result must equal one of them: the before or the after of a
  batch, never a mix.
- Afterwards the store is closed and the file re-opened: no batch lost (A undone, B committed,
  every earlier batch still there), each batch's rows match its counts, no history row points
  to an undone batch, keys are unique, and a CHECKPOINT succeeds.

The same on loopback (second test): ``streamlit run app.py`` on a copy of the demo with batch A,
twenty real sessions of that server over its websocket (Streamlit's own protocol: a rerun
request, then the page's deltas until the run finishes; half on Ringkasan, half on Prioritas
pembinaan, rerunning until the writes are done and twice after), while a browser commits batch B
on the Impor data page (upload, dry run, Simpan) and a second browser page undoes batch A from
the import history, both clicks landing together. No session may see an exception or an error,
every run must draw its page, both writes must report success, and the file must pass the same
checks once the server has stopped. (The before/after comparison of results is the in-process
test's: here the pages' figures are not compared with references.)

Undo against commit (third test, issue 11): round after round, a batch is committed, then a
second file that reports the same libraries and month is committed in one thread while the
first batch is undone in another, both released together. Whichever takes the writer lock first,
the outcome is one of two, and nothing between: the undo first (the first batch undone, its rows
gone, the second batch adds them anew) or the commit first (the undo refused, saying the second
batch replaced its values; both batches committed). After every round every batch is fully
present (its rows in its tables, or in the history of a committed batch that replaced them) or
fully undone (no row left, nothing of what it replaced kept), as import_batch says; the same
check closes the two tests above.

Each concurrent phase is bounded in time (DEADLINE seconds).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from kpi import coaching, score
from kpi.compute import Filters
from kpi.ingest import commit, plan_import, undo
from kpi.scope import ask
from kpi.store import DATA_TABLE_KEYS, Store, StoreError, close_all, open_store

READERS = 20
PAGE_SESSIONS = 2
DEADLINE = 120.0  # s for the concurrent phase
ROWS_A, ROWS_B = 2_000, 3_000
PERIODE = "2025-03..2026-02"  # twelve months that include both batches' months
END, MONTHS = "2026-02", 12
ROOT = Path(__file__).resolve().parents[1]

AGGREGATE = (
    "SELECT count(*) AS n, coalesce(sum(kunjungan), 0) AS kunjungan, "
    "coalesce(sum(peminjaman), 0) AS peminjaman, "
    "(SELECT count(*) FROM import_batch WHERE status = 'committed') AS batches "
    "FROM laporan_bulanan"
)


def _workbook(codes: list[str], periode: str, seed: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Laporan")
    ws.append(["Kode Perpustakaan", "Periode", "Kunjungan", "Peminjaman"])
    for i, kode in enumerate(codes):
        ws.append([kode, periode, 100 + (i * seed) % 400, 20 + (i * seed) % 90])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a result that does not depend on row order or on which thread computed it."""
    plain = frame.copy()
    for col in plain.columns:
        if plain[col].map(lambda v: isinstance(v, list | dict)).any():
            plain[col] = plain[col].map(repr)
    key = "kode" if "kode" in plain.columns else plain.columns[0]
    plain = plain.sort_values(key)
    return hashlib.sha256(
        pd.util.hash_pandas_object(plain.reset_index(drop=True), index=False).values.tobytes()
        + ",".join(map(str, plain.columns)).encode()
    ).hexdigest()


def _state_of(store: Store) -> dict[str, Any]:
    """What a session can see of one state: the aggregate, the KPI table, the evaluation."""
    row = store.query(AGGREGATE).iloc[0]
    return {
        "aggregate": tuple(int(v) for v in row),
        "kpi": _frame_digest(score.kpi_table(ask(store, "perpustakaan", PERIODE))),
        "evaluation": _frame_digest(coaching.evaluate(store, END, MONTHS)),
    }


@pytest.fixture
def setup(demo_db: Path, tmp_path: Path) -> dict[str, Any]:
    """Batch A committed on the test's store; the four states' references from a copy."""
    store = Store(demo_db)
    codes = store.query("SELECT kode_perpustakaan FROM perpustakaan ORDER BY kode_perpustakaan")[
        "kode_perpustakaan"
    ].tolist()
    store.close()
    assert len(codes) >= ROWS_B
    file_a = ("laporan_januari_2026.xlsx", _workbook(codes[:ROWS_A], "2026-01", 7))
    file_b = ("laporan_februari_2026.xlsx", _workbook(codes[-ROWS_B:], "2026-02", 11))

    # references: the same operations, one after the other, on a copy of the file
    ref_path = tmp_path / "reference.duckdb"
    shutil.copy(demo_db, ref_path)
    ref = Store(ref_path)
    try:
        states = {"before_a": _state_of(ref)}
        plan_a = plan_import(ref, [file_a])
        assert (plan_a.accepted, plan_a.rejected) == (ROWS_A, 0)
        id_a = commit(ref, plan_a).batch_id
        states["a"] = _state_of(ref)
        commit(ref, plan_import(ref, [file_b]))
        states["a_b"] = _state_of(ref)
        undo(ref, id_a)
        states["b"] = _state_of(ref)
    finally:
        ref.close()

    store = Store(demo_db)
    try:
        batch_a = commit(store, plan_import(store, [file_a])).batch_id
        batches_before = store.query("SELECT batch_id, status FROM import_batch")
    finally:
        store.close()
    return {
        "db": demo_db,
        "file_b": file_b,
        "batch_a": batch_a,
        "states": states,
        "batches_before": dict(zip(batches_before.batch_id, batches_before.status, strict=True)),
    }


def _page_session(db: Path, stop: threading.Event, out: list[str], errors: list[str]) -> None:
    """One browser-less session of the real app: app.py's overview, run again and again."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=DEADLINE)
    runs = 0
    while not stop.is_set() or runs < 2:
        at.run()
        runs += 1
        if at.exception:
            errors.append(f"page session: {[e.value for e in at.exception]}")
            return
        if at.error:
            errors.append(f"page session: {[e.value for e in at.error]}")
            return
        titles = [t.value for t in at.title]
        if "Ringkasan program" not in titles:
            errors.append(f"page session: overview not drawn ({titles})")
            return
    out.append(f"{runs} runs")


def test_twenty_readers_an_import_and_an_undo(
    setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi.ui import data

    db: Path = setup["db"]
    monkeypatch.setenv("TPBIS_DB", str(db))
    states: dict[str, dict[str, Any]] = setup["states"]
    allowed = {
        "aggregate": {s["aggregate"]: name for name, s in states.items()},
        "kpi": {s["kpi"]: name for name, s in states.items()},
        "evaluation": {s["evaluation"]: name for name, s in states.items()},
    }
    # the states a session may see during the run: after A (start), after A and B, after B
    # with A undone, and after A undone before B lands
    reachable = {"a", "a_b", "b", "before_a"}
    assert len(set(allowed["aggregate"])) == 4, "the four states must be told apart"

    store = open_store(db)  # the process's store, as the server's sessions share it
    writers_done = threading.Event()
    readers_ready = threading.Barrier(READERS + 1)
    errors: list[str] = []
    seen: Counter[tuple[str, str]] = Counter()
    seen_lock = threading.Lock()
    wrote: dict[str, Any] = {}

    torn: list[str] = []  # results of several statements that mix two states

    def check(kind: str, value: Any, who: str, versions: tuple[int, int] | None = None) -> None:
        name = allowed[kind].get(value)
        if name is None or name not in reachable:
            what = f"{who}: {kind} matches no state before or after a batch"
            if versions is not None and versions[0] != versions[1]:
                # a commit landed while this result was read: a torn (multi-snapshot) read
                torn.append(f"{what} (data version {versions[0]} -> {versions[1]} meanwhile)")
            else:
                errors.append(f"{what}: {value} (data version {versions})")
            return
        with seen_lock:
            seen[(kind, name)] += 1

    def reader(i: int) -> None:
        who = f"reader {i}"
        cached = i % 2 == 0
        try:
            rounds_after = 0
            first = True
            while rounds_after < 2:
                if writers_done.is_set():
                    rounds_after += 1
                row = store.query(AGGREGATE).iloc[0]
                check("aggregate", tuple(int(v) for v in row), who)
                version = store.data_version()
                if cached:  # as the pages call them: keyed on the data version
                    kpi = data._kpi_table(
                        store, "perpustakaan", PERIODE, data.filter_key(Filters()), None
                    )
                    evaluation = data._evaluation(store, END, MONTHS, data.filter_key(Filters()))
                else:
                    kpi = score.kpi_table(ask(store, "perpustakaan", PERIODE))
                    evaluation = coaching.evaluate(store, END, MONTHS)
                versions = (version, store.data_version())
                check("kpi", _frame_digest(kpi), who, versions)
                check("evaluation", _frame_digest(evaluation), who, versions)
                if first:
                    first = False
                    readers_ready.wait(timeout=DEADLINE)
        except Exception as exc:  # a session that fails is the finding
            errors.append(f"{who}: {exc!r}")
            if readers_ready.n_waiting and not readers_ready.broken:
                readers_ready.abort()

    def importer() -> None:
        try:
            plan = plan_import(store, [setup["file_b"]])  # the dry run, while others read
            assert (plan.accepted, plan.rejected) == (ROWS_B, 0)
            wrote["b"] = commit(store, plan)
        except Exception as exc:
            errors.append(f"importer: {exc!r}")

    def undoer() -> None:
        try:
            wrote["undo"] = undo(store, setup["batch_a"])
        except Exception as exc:
            errors.append(f"undoer: {exc!r}")

    page_runs: list[str] = []
    stop_pages = threading.Event()
    threads = [threading.Thread(target=reader, args=(i,), name=f"r{i}") for i in range(READERS)]
    pages = [
        threading.Thread(target=_page_session, args=(db, stop_pages, page_runs, errors))
        for _ in range(PAGE_SESSIONS)
    ]
    start = time.monotonic()
    for t in threads + pages:
        t.start()
    # every reader has seen the store once before the writes start
    readers_ready.wait(timeout=DEADLINE)
    writers = [threading.Thread(target=importer), threading.Thread(target=undoer)]
    for t in writers:
        t.start()
    for t in writers:
        t.join(timeout=max(1.0, DEADLINE - (time.monotonic() - start)))
    writers_done.set()
    stop_pages.set()
    for t in threads + pages:
        t.join(timeout=max(1.0, DEADLINE - (time.monotonic() - start)))
    elapsed = time.monotonic() - start
    alive = [t.name for t in threads + pages + writers if t.is_alive()]
    assert not alive, f"still running after {elapsed:.0f} s: {alive}"
    assert elapsed < DEADLINE
    assert not errors, "\n".join(errors[:20])
    assert len(page_runs) == PAGE_SESSIONS

    # the readers overlapped the writes: they saw the start and the end state
    assert seen[("aggregate", "a")] >= READERS
    assert seen[("aggregate", "b")] >= READERS
    assert "b" in wrote and "undo" in wrote
    assert wrote["b"].added == ROWS_B
    assert wrote["undo"].removed == ROWS_A and wrote["undo"].restored == 0

    # afterwards: close, re-open the file, check it
    close_all()
    _check_file(db, setup, wrote["b"].batch_id, states["b"])

    # every figure built from several queries comes from one snapshot (Store.snapshot)
    assert not torn, f"{len(torn)} torn results, e.g. {torn[0]}"


def _check_file(
    db: Path, setup: dict[str, Any], batch_b: str, final: dict[str, Any] | None
) -> None:
    store = Store(db)
    try:
        store.cursor().execute("CHECKPOINT")
        batches = store.query("SELECT batch_id, status, added, changed FROM import_batch")
        status = dict(zip(batches.batch_id, batches.status, strict=True))
        # no batch lost: every earlier one is there, A undone, B committed
        for batch_id, before in setup["batches_before"].items():
            expected = "undone" if batch_id == setup["batch_a"] else before
            assert status.get(batch_id) == expected, (batch_id, status.get(batch_id))
        assert status.get(batch_b) == "committed"
        assert len(status) == len(setup["batches_before"]) + 1
        # each batch's rows match its counts; an undone batch left nothing behind
        assert (
            store.scalar("SELECT count(*) FROM laporan_bulanan WHERE batch_id = ?", [batch_b])
            == ROWS_B
        )
        for table, keys in DATA_TABLE_KEYS.items():
            assert (
                store.scalar(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [setup["batch_a"]])
                == 0
            )
            orphans = store.scalar(
                f"SELECT count(*) FROM {table}_riwayat r LEFT JOIN import_batch b "
                "ON b.batch_id = r.diganti_oleh WHERE b.batch_id IS NULL OR b.status <> 'committed'"
            )
            assert orphans == 0, f"{table}_riwayat has rows of an undone or unknown batch"
            cols = ", ".join(keys)
            dupes = store.scalar(
                f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY ALL "
                "HAVING count(*) > 1)"
            )
            assert dupes == 0, f"{table}: duplicate keys"
            unknown = store.scalar(
                f"SELECT count(*) FROM {table} t LEFT JOIN import_batch b USING (batch_id) "
                "WHERE t.batch_id IS NOT NULL AND b.batch_id IS NULL"
            )
            assert unknown == 0, f"{table}: rows of a batch that does not exist"
        check_batches(store)  # every batch fully present or fully undone, as the history says
        # the data is the final state, computed the same way as the reference
        if final is not None:
            assert _state_of(store) == final
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# Undo against a commit of the same rows (issue 11): whichever takes the writer lock first, every
# batch ends fully present or fully undone, and the history says which.

RACE_ROUNDS = 8
RACE_ROWS = 400


def _values_workbook(codes: list[str], periode: str, base: int) -> bytes:
    """Monthly rows whose values all differ from another base's (no row is "unchanged")."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Laporan")
    ws.append(["Kode Perpustakaan", "Periode", "Kunjungan", "Peminjaman"])
    for i, kode in enumerate(codes):
        ws.append([kode, periode, base + i, base + 2 * i])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def check_batches(store: Store) -> None:
    """Every batch fully present or fully undone, as import_batch says.

    A committed batch's rows are all there: in its tables, or in the history of a committed
    later batch that replaced them (added + changed rows in all). An undone batch left no row
    in any table and no history row of values it replaced.
    """
    batches = store.query("SELECT batch_id, status, added, changed FROM import_batch")
    for b in batches.itertuples(index=False):
        present = replaced = history = 0
        for table in DATA_TABLE_KEYS:
            present += store.scalar(
                f"SELECT count(*) FROM {table} WHERE batch_id = ?", [b.batch_id]
            )
            replaced += store.scalar(
                f"SELECT count(*) FROM {table}_riwayat r JOIN import_batch l "
                "ON l.batch_id = r.diganti_oleh WHERE r.batch_id = ? AND l.status = 'committed'",
                [b.batch_id],
            )
            history += store.scalar(
                f"SELECT count(*) FROM {table}_riwayat WHERE diganti_oleh = ?", [b.batch_id]
            )
        if b.status == "committed":
            assert present + replaced == b.added + b.changed, (b, present, replaced)
        else:
            assert b.status == "undone", b
            assert present == 0 and history == 0, (b, present, history)


def _race(
    store: Store, plan: Any, batch_id: str, in_commit: threading.Event | None = None
) -> dict[str, Any]:
    """Commit ``plan`` and undo ``batch_id`` from two threads released together; with
    ``in_commit`` (set once the commit is inside its transaction) the undo asks only then."""
    start = threading.Barrier(2, timeout=DEADLINE)
    result: dict[str, Any] = {}

    def committer() -> None:
        start.wait()
        result["second"] = commit(store, plan)

    def undoer() -> None:
        start.wait()
        if in_commit is not None:
            assert in_commit.wait(timeout=DEADLINE)
        try:
            result["undo"] = undo(store, batch_id)
        except StoreError as exc:  # the commit came first: refused, with the reason
            result["refused"] = exc

    threads = [threading.Thread(target=committer), threading.Thread(target=undoer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DEADLINE)
    assert not any(t.is_alive() for t in threads)
    return result


def test_an_undo_races_a_commit_that_replaces_its_rows(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even rounds: both released together (the undo mostly takes the lock first). Odd rounds:
    the undo is asked for while the commit is inside its transaction (the case of issue 11,
    where the undo used to check before waiting for the lock)."""
    commit_module = sys.modules["kpi.ingest.commit"]
    real_write_table = commit_module.write_table
    in_commit = threading.Event()

    def write_table(*args: Any, **kwargs: Any) -> Any:
        in_commit.set()
        return real_write_table(*args, **kwargs)

    monkeypatch.setattr(commit_module, "write_table", write_table)
    store = Store(demo_db)
    outcomes: Counter[str] = Counter()
    try:
        codes = store.query(
            "SELECT kode_perpustakaan FROM perpustakaan ORDER BY kode_perpustakaan"
        )["kode_perpustakaan"].tolist()[:RACE_ROWS]
        for r in range(RACE_ROUNDS):
            periode = f"2026-{r + 1:02d}"
            first = commit(
                store, plan_import(store, [(f"c{r}.xlsx", _values_workbook(codes, periode, 1000))])
            )
            assert first.added == RACE_ROWS
            # the second file reports the same libraries and month with other values
            plan = plan_import(store, [(f"d{r}.xlsx", _values_workbook(codes, periode, 5000))])
            assert plan.changed == RACE_ROWS
            in_commit.clear()
            result = _race(store, plan, first.batch_id, in_commit if r % 2 else None)
            second = result["second"]
            status = dict(
                store.query(
                    "SELECT batch_id, status FROM import_batch WHERE batch_id IN (?, ?)",
                    [first.batch_id, second.batch_id],
                ).itertuples(index=False, name=None)
            )
            assert status[second.batch_id] == "committed"
            values = store.scalar(
                "SELECT sum(kunjungan) FROM laporan_bulanan WHERE periode = ?", [f"{periode}-01"]
            )
            assert values == sum(5000 + i for i in range(RACE_ROWS))  # the second file's values
            if "undo" in result:  # the undo took the lock first: the second batch added them
                outcomes["undo first"] += 1
                assert status[first.batch_id] == "undone"
                assert result["undo"].removed == RACE_ROWS
                assert (second.added, second.changed) == (RACE_ROWS, 0)
            else:
                outcomes["commit first"] += 1
                assert status[first.batch_id] == "committed"
                assert second.batch_id in str(result["refused"])
                assert (second.added, second.changed) == (0, RACE_ROWS)
            check_batches(store)
        assert sum(outcomes.values()) == RACE_ROUNDS, outcomes
        assert outcomes["commit first"] >= RACE_ROUNDS // 2, outcomes  # the odd rounds at least
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# The same on loopback: a real server, twenty websocket sessions, the writes through its pages.

CHROMIUM = Path("/usr/bin/chromium")
SERVER_PAGES = ("", "prioritas")  # Ringkasan (the default page) and Prioritas pembinaan


@pytest.fixture
def server_db(demo_db: Path) -> dict[str, Any]:
    """The demo with batch A committed; the server opens the file once it is closed here."""
    store = Store(demo_db)
    try:
        codes = store.query(
            "SELECT kode_perpustakaan FROM perpustakaan ORDER BY kode_perpustakaan"
        )["kode_perpustakaan"].tolist()
        file_a = ("laporan_januari_2026.xlsx", _workbook(codes[:ROWS_A], "2026-01", 7))
        batch_a = commit(store, plan_import(store, [file_a])).batch_id
        batches = store.query("SELECT batch_id, status FROM import_batch")
    finally:
        store.close()
    return {
        "db": demo_db,
        "batch_a": batch_a,
        "file_b": ("laporan_februari_2026.xlsx", _workbook(codes[-ROWS_B:], "2026-02", 11)),
        "batches_before": dict(zip(batches.batch_id, batches.status, strict=True)),
    }


async def _ws_session(
    port: int, n: int, done: threading.Event, errors: list[str], runs: Counter[str]
) -> None:
    """One session of the server over its websocket, rerunning its page until the writes are
    done (and twice after): every run must finish with the page drawn and no error."""
    import asyncio

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page = SERVER_PAGES[n % len(SERVER_PAGES)]
    heading = "Prioritas pembinaan" if page else "Ringkasan program"
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        after = 0
        while after < 2:
            if done.is_set():
                after += 1
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            msg.rerun_script.page_name = page
            await ws.send(msg.SerializeToString())
            headings: list[str] = []
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await asyncio.wait_for(ws.recv(), DEADLINE))
                kind = fm.WhichOneof("type")
                if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    el = fm.delta.new_element
                    what = el.WhichOneof("type")
                    if what == "exception":
                        errors.append(f"session {n}: exception {el.exception.message}")
                    elif what == "alert" and el.alert.format == 1:  # ERROR
                        errors.append(f"session {n}: error shown: {el.alert.body[:200]}")
                    elif what == "heading":
                        headings.append(el.heading.body)
                if kind == "script_finished" and fm.script_finished != 2:  # 2: rerun follows
                    break
            if heading not in headings:
                errors.append(f"session {n}: {heading!r} not drawn ({headings})")
                return
            runs[page or "ringkasan"] += 1


def test_twenty_server_sessions_while_the_impor_page_commits_and_undoes(
    server_db: dict[str, Any], tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing (CI installs it)")
        pytest.skip(f"{CHROMIUM} is missing: the writes go through the Impor data page")
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("websockets")
    import asyncio

    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from journeys import heading, serve, wait_run  # the journeys' server helper

    db: Path = server_db["db"]
    errors: list[str] = []
    runs: Counter[str] = Counter()
    done = threading.Event()
    started = threading.Event()

    with serve(db, tmp_path / "streamlit.log") as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])

        async def all_sessions() -> None:
            tasks = [
                asyncio.create_task(_ws_session(port, n, done, errors, runs))
                for n in range(READERS)
            ]
            started.set()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            errors.extend(f"session: {r!r}" for r in results if isinstance(r, BaseException))

        sessions = threading.Thread(target=asyncio.run, args=(all_sessions(),))
        start = time.monotonic()
        sessions.start()
        assert started.wait(timeout=DEADLINE)
        written: dict[str, str] = {}

        def write_through_the_pages() -> None:
            # in a thread of its own: Playwright's sync API cannot run where an asyncio loop
            # already runs (the browser tests' session fixture, when run together)
            try:
                with sync_api.sync_playwright() as pw:
                    browser = pw.chromium.launch(
                        executable_path=str(CHROMIUM),
                        headless=True,
                        args=["--no-sandbox", "--disable-gpu"],
                    )
                    try:
                        writer = browser.new_page(viewport={"width": 1400, "height": 1000})
                        undoer = browser.new_page(viewport={"width": 1400, "height": 1000})
                        for p in (writer, undoer):
                            p.set_default_timeout(DEADLINE * 1000)
                            p.goto(f"{url}impor")
                            heading(p, "Impor data", timeout=DEADLINE * 1000)
                        # the import: upload, dry run, commit
                        name, content = server_db["file_b"]
                        writer.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
                            [
                                {
                                    "name": name,
                                    "mimeType": "application/octet-stream",
                                    "buffer": content,
                                }
                            ]
                        )
                        sync_api.expect(
                            writer.get_by_text("Semua baris dapat diimpor.")
                        ).to_be_visible(timeout=DEADLINE * 1000)
                        wait_run(writer, DEADLINE * 1000)
                        # the undo of batch A, chosen in the history
                        undoer.get_by_role("tab", name="Riwayat impor").click()
                        choose = undoer.get_by_test_id("stSelectbox").filter(has_text="Pilih batch")
                        choose.locator("input").click()
                        choose.locator("input").fill(server_db["batch_a"])
                        undoer.get_by_role("option", name=server_db["batch_a"]).click()
                        wait_run(undoer, DEADLINE * 1000)
                        undoer.get_by_role("button", name="Batalkan batch ini").click()
                        # both clicks land on the server together
                        writer.get_by_role("button", name="Simpan ke basis data").click()
                        undoer.get_by_role("button", name="Ya, batalkan").click()
                        sync_api.expect(
                            writer.get_by_text("Tersimpan sebagai batch")
                        ).to_be_visible(timeout=DEADLINE * 1000)
                        sync_api.expect(
                            undoer.get_by_text(f"Batch {server_db['batch_a']} dibatalkan")
                        ).to_be_visible(timeout=DEADLINE * 1000)
                        committed = writer.get_by_text("Tersimpan sebagai batch").inner_text()
                    finally:
                        browser.close()
                written["committed"] = committed
            except Exception as exc:
                errors.append(f"writes through the pages: {exc!r}")

        pages = threading.Thread(target=write_through_the_pages)
        pages.start()
        pages.join(timeout=DEADLINE)
        assert not pages.is_alive(), "the writes through the pages did not finish in time"
        done.set()
        sessions.join(timeout=max(1.0, DEADLINE - (time.monotonic() - start)))
        elapsed = time.monotonic() - start
        assert not sessions.is_alive(), f"sessions still running after {elapsed:.0f} s"
    assert elapsed < DEADLINE, elapsed
    assert not errors, "\n".join(errors[:20])
    assert sum(runs.values()) >= 3 * READERS, runs  # a first run, and two after the writes

    committed = written["committed"]
    found = re.search(r"batch (impor-[0-9a-z-]+)", committed)
    assert found, committed
    _check_file(db, server_db, found.group(1), None)
