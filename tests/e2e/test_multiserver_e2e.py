"""Two app servers behind nginx (python -m kpi serve's cluster) in Debian's Chromium: the page
and its websocket work through nginx, and when the browser's server dies the real Streamlit
client reconnects on its own and lands on the other server, where the next click runs.

Each server has its own copy of the demo file, so the sidebar ("Basis data: ...") says which
server drew the page.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from journeys import ERRORS, FIRST_LOAD, RUN_FINISHED
from playwright.sync_api import Page, expect

from kpi.serve import NGINX, Cluster, running

pytestmark = [
    pytest.mark.multiserver,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is missing (apt-get install nginx)"),
]


@pytest.fixture
def two_servers(demo_db_template: Path, tmp_path: Path) -> Iterator[tuple[Cluster, list[Path]]]:
    dbs = [tmp_path / "server-a.duckdb", tmp_path / "server-b.duckdb"]
    for db in dbs:
        shutil.copy(demo_db_template, db)
    with running([str(db) for db in dbs]) as cluster:
        yield cluster, dbs


def test_the_browser_reconnects_to_the_other_server_when_its_server_dies(
    page: Page, two_servers: tuple[Cluster, list[Path]]
) -> None:
    cluster, dbs = two_servers
    page.goto(cluster.url)
    page.wait_for_selector(RUN_FINISHED, state="attached", timeout=FIRST_LOAD)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Basis data:", exact=False)).to_be_visible(timeout=FIRST_LOAD)
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["tpbis_srv"]
    first = int(cookie[1:])  # s1 or s2
    other = 3 - first
    expect(sidebar.get_by_text(str(dbs[first - 1]), exact=False)).to_be_visible()

    server = cluster.servers[first - 1]
    assert server.proc is not None
    server.proc.kill()
    server.proc.wait()

    # no reload: Streamlit's client finds its socket gone, polls the health endpoint and
    # reconnects through nginx, which sends it to the other server and re-points the cookie
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "PINGING_SERVER", timeout=30_000)
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=FIRST_LOAD)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["tpbis_srv"] == f"s{other}"  # it now names the server that holds the session
    # the next click runs on the other server (the page stays as drawn until then)
    sidebar.get_by_role("link", name="Peta").click()
    expect(sidebar.get_by_text(str(dbs[other - 1]), exact=False)).to_be_visible(timeout=FIRST_LOAD)
    page.wait_for_selector(RUN_FINISHED, state="attached", timeout=FIRST_LOAD)
    expect(page.get_by_role("heading", name="Peta")).to_be_visible()
    assert page.locator(ERRORS).count() == 0
