"""A deep link (http://host/prioritas?...) loads without a 404 in the browser's console.

Streamlit's frontend first looks for the server under the page's own path
(/prioritas/_stcore/health, /prioritas/_stcore/host-config: 404) and then at the root
(streamlit/streamlit#7074); kpi.ui.deeplink tells it where the server is. That happens on the
server's first run of app.py, so the test opens the app once before the deep links.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import FIRST_LOAD, heading, nav, no_errors  # noqa: E402
from playwright.sync_api import Browser, Page  # noqa: E402

from kpi.bench.server import loopback_context  # noqa: E402


def _watched(browser: Browser) -> tuple[Page, list[str]]:
    context = loopback_context(browser, blocked=[])
    page = context.new_page()
    page.set_default_timeout(60_000)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: failed.append(m.text) if "404" in m.text else None)
    return page, failed


def test_deep_links_log_no_404(page: Page, app_url: str, browser: Browser) -> None:
    page.goto(app_url)  # the server has run app.py at least once
    heading(page, "Ringkasan program", timeout=FIRST_LOAD)
    for path, title in (
        ("prioritas?provinsi=52&periode=2025-01..2025-12", "Prioritas pembinaan"),
        ("profil?kode=3506&tingkat=kabupaten_kota", "Profil: Kabupaten Kediri"),
        ("jelajah?tab=lines&banding=52,53", "Jelajah KPI"),
    ):
        deep, failed = _watched(browser)
        deep.goto(f"{app_url}{path}")
        heading(deep, title, timeout=FIRST_LOAD)
        no_errors(deep)
        assert not [f for f in failed if "_stcore" in f or "404" in f], (path, failed)
        if path.startswith("prioritas"):  # the app found its root: navigation still works
            nav(deep, "Peta", "Peta")
            assert deep.url.split("?")[0].endswith("/peta"), deep.url
        deep.context.close()
