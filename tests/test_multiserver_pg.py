"""Two app servers behind nginx on one PostgreSQL store (kpi.serve, kpi.pgstore), driven by
Streamlit's own websocket protocol (kpi.bench.wsclient): a commit is visible through every
server within 5 s, and 100 sessions across both go on with no error while an import commits
and an earlier batch is undone, with no batch lost or half there.

The commits come from the command line (``python -m kpi import`` / ``undo``, run in this
process), a writer beside the servers as an analyst's import is; the servers see them through
PostgreSQL's NOTIFY and their snapshot's swap. The same through a server's own Impor data page,
in a real browser pinned to one server: tests/e2e/test_multiserver_pg_e2e.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import ingest_fixtures as fx
import pytest
from pg_fixtures import PgCluster

from kpi.__main__ import main
from kpi.bench import wsclient
from kpi.bench.wsclient import Session, View, many_sessions, until_shown
from kpi.serve import NGINX, Cluster, running
from kpi.store import Store

pytestmark = [
    pytest.mark.multiserver,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is missing (apt-get install nginx)"),
]
VISIBLE_WITHIN = 5.0  # s


@pytest.fixture(scope="module")
def pg_demo_url(pg_cluster: PgCluster, pg_demo_template: str) -> str:
    return pg_cluster.url(pg_cluster.create_db(pg_demo_template))


@pytest.fixture(scope="module")
def cluster(pg_demo_url: str) -> Iterator[Cluster]:
    with running([pg_demo_url, pg_demo_url]) as c:
        yield c


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pg-imports")
    out = {
        "register": fx.register_csv(),
        "laporan_a": fx.workbook({"L": fx.monthly_rows([("P-001", "2023-08", 11)])}),
        "laporan_b": fx.workbook({"L": fx.monthly_rows([("P-002", "2023-08", 22)])}),
        "laporan_c": fx.workbook({"L": fx.monthly_rows([("P-003", "2023-08", 33)])}),
    }
    paths = {}
    for name, data in out.items():
        path = folder / (f"{name}.csv" if name == "register" else f"{name}.xlsx")
        path.write_bytes(data)
        paths[name] = path
    return paths


def cli_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


async def one_session_per_server(url: str) -> dict[str, Session]:
    """Open sessions until one is on each server: {"s1": ..., "s2": ...}."""
    found: dict[str, Session] = {}
    spare = []
    for _ in range(10):
        s = Session(url)
        await s.open()
        name = s.cookies["tpbis_srv"]
        if name in found:
            spare.append(s)
        else:
            found[name] = s
        if len(found) == 2:
            break
    for s in spare:
        await s.close()
    assert set(found) == {"s1", "s2"}
    return found


def test_a_commit_is_visible_through_every_server_within_5_s(
    cluster: Cluster, pg_demo_url: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    async def run() -> dict[str, float]:
        sessions = await one_session_per_server(cluster.url)
        for s in sessions.values():  # both drew the page before the commit
            assert (await s.view("impor")).errors == []
        out = cli_json(capsys, ["import", str(files["register"]), "--db", pg_demo_url, "--json"])
        batch = out["batch_id"]
        seen = {}
        for name, s in sessions.items():
            seen[name] = await until_shown(s, "impor", batch, VISIBLE_WITHIN)
            await s.close()
        return seen

    seen = wsclient.run(run())
    assert set(seen) == {"s1", "s2"} and max(seen.values()) < VISIBLE_WITHIN, seen


def test_a_hundred_sessions_go_on_while_an_import_commits_and_a_batch_is_undone(
    cluster: Cluster, pg_demo_url: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    if "P-001" not in json.dumps(
        cli_json(capsys, ["batches", "--db", pg_demo_url, "--format", "json"])
    ):
        cli_json(capsys, ["import", str(files["register"]), "--db", pg_demo_url, "--json"])
    earlier = cli_json(capsys, ["import", str(files["laporan_a"]), "--db", pg_demo_url, "--json"])
    views: list[View] = []
    done = threading.Event()

    def load() -> None:
        try:
            views.extend(wsclient.run(many_sessions(cluster.url, 100, ["", "impor"], repeat=2)))
        finally:
            done.set()

    worker = threading.Thread(target=load)
    worker.start()
    time.sleep(3)  # the sessions are opening and drawing
    assert not done.is_set(), "the load ended before the writes: nothing was tested"
    new = cli_json(capsys, ["import", str(files["laporan_b"]), "--db", pg_demo_url, "--json"])
    assert main(["undo", earlier["batch_id"], "--db", pg_demo_url]) == 0
    capsys.readouterr()
    assert not done.is_set(), "the load ended before both writes had committed"
    worker.join(timeout=600)
    assert not worker.is_alive()

    assert len(views) == 400
    assert [v.errors for v in views if v.errors] == []
    # the store: the new batch whole, the undone one wholly gone
    store = Store(pg_demo_url)
    try:
        rows = store.query(
            "SELECT kode_perpustakaan, batch_id FROM laporan_bulanan "
            "WHERE kode_perpustakaan IN ('P-001', 'P-002') ORDER BY 1"
        )
        assert rows.to_dict("records") == [
            {"kode_perpustakaan": "P-002", "batch_id": new["batch_id"]}
        ]
        status = dict(
            store.query(
                "SELECT batch_id, status FROM import_batch WHERE batch_id IN (?, ?)",
                [earlier["batch_id"], new["batch_id"]],
            ).itertuples(index=False)
        )
        assert status[new["batch_id"]] == "committed"
        assert status[earlier["batch_id"]] != "committed"
    finally:
        store.close()

    # and both servers show it within 5 s
    async def shown() -> None:
        sessions = await one_session_per_server(cluster.url)
        for s in sessions.values():
            await until_shown(s, "impor", new["batch_id"], VISIBLE_WITHIN)
            await s.close()

    wsclient.run(shown())
