"""Two app servers behind nginx (kpi.serve), driven by Streamlit's own websocket protocol
(kpi.bench.wsclient): sessions stick to one server, spread over both, survive a server's death
by reconnecting to the other, and 100 sessions at once get their pages with no error.

Here each server has its own copy of the demo file, so a page says which server drew it (the
sidebar names its database): that is what proves where a session landed. The shared
PostgreSQL store (a commit through one server seen through the other) is tested in
tests/test_multiserver_pg.py.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi.bench import wsclient
from kpi.bench.wsclient import Session, View, many_sessions
from kpi.serve import NGINX, Cluster, running

pytestmark = [
    pytest.mark.multiserver,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is missing (apt-get install nginx)"),
]


@pytest.fixture(scope="module")
def dbs(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("multiserver")
    paths = [folder / "server-a.duckdb", folder / "server-b.duckdb"]
    for path in paths:
        shutil.copy(demo_db_template, path)
    return paths


@pytest.fixture(scope="module")
def cluster(dbs: list[Path]) -> Iterator[Cluster]:
    with running([str(p) for p in dbs]) as c:
        yield c


def drawn_by(view: View, dbs: list[Path]) -> int | None:
    """Which server drew the view: 1 or 2 (the database its sidebar names), None if unsure."""
    found = [i for i, db in enumerate(dbs, start=1) if any(str(db) in t for t in view.texts)]
    return found[0] if len(found) == 1 else None


def test_each_session_sticks_to_one_server_and_the_sessions_use_both(
    cluster: Cluster, dbs: list[Path]
) -> None:
    async def run() -> list[tuple[str, list[int | None]]]:
        out = []
        sessions = []
        for _ in range(6):  # open at once: a new browser goes to the least busy server
            s = Session(cluster.url)
            await s.open()
            sessions.append(s)
        for s in sessions:
            views = [await s.view(page) for page in ("", "kualitas", "")]
            assert [v.errors for v in views] == [[], [], []]
            out.append((s.cookies["tpbis_srv"], [drawn_by(v, dbs) for v in views]))
            await s.close()
        return out

    results = wsclient.run(run())
    for cookie, servers in results:
        # every view of a session on the server its cookie names
        assert servers == [int(cookie[1:])] * 3, results
    assert set(Counter(cookie for cookie, _ in results)) == {"s1", "s2"}, results


def test_a_hundred_sessions_at_once_get_their_pages_with_no_error(
    cluster: Cluster, dbs: list[Path]
) -> None:
    views = wsclient.run(many_sessions(cluster.url, 100, ["", "kualitas"]))
    assert len(views) == 200
    assert [v.errors for v in views if v.errors] == []
    per_server = Counter(drawn_by(v, dbs) for v in views)
    assert set(per_server) == {1, 2} and per_server[1] + per_server[2] == 200, per_server
    assert min(per_server.values()) >= 50, per_server  # both carry a real share


def test_a_dead_server_leaves_the_other_serving_and_a_reconnecting_session_lands_there(
    cluster: Cluster, dbs: list[Path]
) -> None:
    async def run() -> None:
        # a session on server 1 (new sessions until one lands there)
        on_first = None
        others = []
        for _ in range(6):
            s = Session(cluster.url)
            await s.open()
            if s.cookies["tpbis_srv"] == "s1" and on_first is None:
                on_first = s
            else:
                others.append(s)
        assert on_first is not None
        before = await on_first.view("")
        assert before.ok and drawn_by(before, dbs) == 1

        cluster.servers[0].proc.kill()  # type: ignore[union-attr]
        cluster.servers[0].proc.wait()  # type: ignore[union-attr]

        lost = await on_first.view("kualitas")
        assert not lost.ok  # its socket went with its server
        # the browser reconnects (same cookies): nginx skips the dead server
        again = Session(cluster.url, cookies=on_first.cookies)
        await again.open()
        assert again.cookies["tpbis_srv"] == "s2"  # the cookie now names where it landed
        after = await again.view("kualitas")
        assert after.errors == [] and drawn_by(after, dbs) == 2
        # sessions already on server 2 go on; new ones land there too
        for s in others:
            if s.cookies["tpbis_srv"] == "s2":
                view = await s.view("prioritas")
                assert view.errors == [] and drawn_by(view, dbs) == 2
        views = await many_sessions(cluster.url, 5, [""])
        assert [drawn_by(v, dbs) for v in views] == [2] * 5
        assert all(v.ok for v in views)
        await again.close()
        for s in others:
            await s.close()

        # server 1 back: the moved session stays where its session lives
        cluster.servers[0].start()
        cluster.wait_ready()
        back = Session(cluster.url, cookies=again.cookies)
        await back.open()
        view = await back.view("")
        assert back.cookies["tpbis_srv"] == "s2" and drawn_by(view, dbs) == 2
        await back.close()

    wsclient.run(run())


def test_a_fresh_server_shows_every_first_visit_of_a_page_url_inside_the_shell(
    dbs: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Many browsers opening a shared page link at the same moment on servers that have just
    started (a Peer Learning Meeting at 9:00 after a restart). Until app.py's st.navigation has
    run once in a process, Streamlit takes pages/ for a legacy multipage folder and runs the
    page script alone; kpi.ui.shell.page_guard must send every such run through the shell,
    not only the first one (it once checked a process-wide flag that the first run cleared,
    so the other sessions of that moment got the page without sidebar, filters or heading)."""
    folder = tmp_path_factory.mktemp("fresh")  # no "_" in the path: the sidebar escapes it
    fresh = [folder / "server-a.duckdb", folder / "server-b.duckdb"]
    for src, dst in zip(dbs, fresh, strict=True):
        shutil.copy(src, dst)
    with running([str(p) for p in fresh]) as c:
        views = wsclient.run(many_sessions(c.url, 40, ["kualitas"]))
    assert len(views) == 40
    assert [v.errors for v in views if v.errors] == []
    alone = [v.texts[:3] for v in views if drawn_by(v, fresh) is None]
    assert alone == [], f"{len(alone)} of 40 views ran without the shell: {alone[:3]}"
    assert all("Kualitas data" in v.texts for v in views), views[0].texts[:5]
