"""Two app servers behind nginx on one PostgreSQL store, an analyst's import in Debian's
Chromium: the browser, pinned to server 1 by the sticky cookie, uploads a workbook on that
server's own Impor data page and commits it; a session on server 2 (Streamlit's own websocket
protocol, kpi.bench.wsclient) shows the new batch and the new figure within 5 s.

The command line's commit beside the servers is tests/test_multiserver_pg.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import ingest_fixtures as fx
import pytest
from journeys import FIRST_LOAD, STEP, heading, no_errors, wait_run
from pg_fixtures import PgCluster
from playwright.sync_api import Page, expect

from kpi.bench import wsclient
from kpi.bench.wsclient import Session, View
from kpi.serve import NGINX, Cluster, running

pytestmark = [
    pytest.mark.multiserver,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is missing (apt-get install nginx)"),
]
VISIBLE_WITHIN = 5.0  # s
LIBRARIES = "Perpustakaan mitra"
# two new libraries (real Kemendagri village codes), in a workbook as an analyst sends it
NEW_LIBRARIES = [
    ("E2E-001", "Perpustakaan Desa Pondok Rajeg", "desa_kelurahan", "3201011001", 2019, 9000),
    ("E2E-002", "Perpustakaan Desa Karadenan", "desa_kelurahan", "3201011002", 2020, 8000),
]


@pytest.fixture
def cluster(pg_cluster: PgCluster, pg_demo_template: str) -> Iterator[Cluster]:
    url = pg_cluster.url(pg_cluster.create_db(pg_demo_template))
    with running([url, url]) as c:
        yield c


def _figure(view: View, label: str) -> int:
    """A metric's value as an integer (the wsclient keeps a metric as "label: value")."""
    for text in view.texts:
        if text.startswith(f"{label}: "):
            return int(re.sub(r"\D", "", text.split(": ", 1)[1]))
    raise AssertionError(f"no metric {label!r} in {view.texts}")


async def _on_server_2(url: str) -> Session:
    session = Session(url, cookies={"tpbis_srv": "s2"})
    await session.open()
    assert session.cookies["tpbis_srv"] == "s2"
    return session


def test_an_import_committed_in_the_browser_on_one_server_is_shown_by_the_other_within_5_s(
    page: Page, cluster: Cluster, blocked_requests: list[str]
) -> None:
    async def before() -> int:
        s = await _on_server_2(cluster.url)
        try:
            view = await s.view("")
            assert view.errors == []
            return _figure(view, LIBRARIES)
        finally:
            await s.close()

    libraries_before = wsclient.run(before())

    # the browser on server 1: its cookie names it before the first request
    page.context.add_cookies([{"name": "tpbis_srv", "value": "s1", "url": cluster.url}])
    page.goto(f"{cluster.url.rstrip('/')}/impor")
    heading(page, "Impor data", timeout=FIRST_LOAD)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [
            {
                "name": "daftar_baru.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": fx.workbook({"Daftar": [fx.REGISTER_HEADER, *map(list, NEW_LIBRARIES)]}),
            }
        ]
    )
    expect(page.get_by_role("heading", name="Hasil uji coba")).to_be_visible(timeout=STEP)
    wait_run(page)
    page.get_by_role("button", name="Simpan ke basis data").click()
    saved = page.get_by_text("Tersimpan sebagai batch")
    expect(saved).to_be_visible(timeout=STEP)
    committed = time.perf_counter()
    found = re.search(r"batch (\S+?):", saved.inner_text())
    assert found, saved.inner_text()
    batch = found.group(1)

    async def after() -> tuple[float, int]:
        s = await _on_server_2(cluster.url)
        try:
            await wsclient.until_shown(s, "impor", batch, VISIBLE_WITHIN)
            seen = time.perf_counter() - committed
            view = await s.view("")
            assert view.errors == []
            return seen, _figure(view, LIBRARIES)
        finally:
            await s.close()

    seen, libraries_after = wsclient.run(after())
    assert seen < VISIBLE_WITHIN, seen
    assert libraries_after == libraries_before + len(NEW_LIBRARIES), (
        libraries_before,
        libraries_after,
    )
    # and the browser's own page went on with no error, on server 1
    wait_run(page)
    no_errors(page)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["tpbis_srv"] == "s1"  # the commit ran on server 1
    assert blocked_requests == []
