"""A shared link opened on a freshly started server runs inside the app's shell.

The page scripts sit in the top-level pages/ folder, which Streamlit takes for a legacy
multipage folder until app.py's st.navigation has run once in the process. Without
kpi.ui.shell.page_guard, the first visitor of a fresh server who opens /prioritas directly would
get the page script alone: no sidebar filters, no language switch, Streamlit's own page list.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import FIRST_LOAD, heading, no_errors, serve, wait_run  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402


@pytest.fixture
def fresh_server(demo_db_template: Path, tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, db)
    with serve(db, tmp_path / "streamlit.log") as url:
        yield url


def test_first_visit_to_a_page_url_gets_the_shell(
    page: Page, fresh_server: str, blocked_requests: list[str]
) -> None:
    # the very first request this server sees is a shared link with filters
    page.goto(f"{fresh_server.rstrip('/')}/prioritas?provinsi=52&lang=en")
    heading(page, "Coaching priorities", timeout=FIRST_LOAD)
    wait_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    # the app's own navigation titles (not file names) and its filters, in the URL's language
    expect(sidebar.get_by_role("link", name="Overview")).to_be_visible()
    expect(sidebar.get_by_text("Filters", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("link", name="prioritas", exact=True)).to_have_count(0)
    assert "provinsi=52" in page.url
    no_errors(page)
    assert blocked_requests == []
