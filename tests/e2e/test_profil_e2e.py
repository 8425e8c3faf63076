"""The Profil page in a real browser: a shared profile link opens directly, every chart draws
(trends, peers, 5A funnel, CIEL radar), links lead to the parent area, nothing leaves the loopback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect  # noqa: E402

WaitForApp = Callable[..., None]

ERRORS = (
    '[data-testid="stException"], [data-testid="stAlertContentError"], '
    '[data-testid="stErrorElement"]'
)
FIRST_LOAD_TIMEOUT = 90_000  # ms: the first profile also fills the coaching caches
PLOT = '[data-testid="stPlotlyChart"] .js-plotly-plot'
LIBRARY = "DES-5202022012"
DRAWN = "els => els.filter(e => (e.getAttribute('d') || '').length > 2).length"


def _drawn(page: Page, selector: str) -> int:
    return int(page.eval_on_selector_all(selector, DRAWN))


def _open(page: Page, url: str, heading: str, wait_for_app_run: WaitForApp) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=FIRST_LOAD_TIMEOUT)
    wait_for_app_run(page, FIRST_LOAD_TIMEOUT)


def test_a_library_profile_link_draws_every_chart_offline(
    page: Page,
    app_url: str,
    wait_for_app_run: WaitForApp,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    url = f"{app_url}profil?kode={LIBRARY}&tingkat=perpustakaan"
    _open(page, url, "Profil: Perpustakaan Desa Bonjeruk", wait_for_app_run)
    expect(page.get_by_role("heading", name="Corong 5A (MarkPlus)")).to_be_visible()
    expect(page.locator(PLOT)).to_have_count(4)
    for plot in page.locator(PLOT).all():
        plot.scroll_into_view_if_needed()
    assert _drawn(page, f"{PLOT} g.scatterlayer path.js-line") >= 4, "trend lines not drawn"
    assert _drawn(page, f"{PLOT} g.boxlayer path") >= 1, "peer box not drawn"
    assert _drawn(page, f"{PLOT} g.funnellayer path") >= 4, "funnel not drawn"
    assert _drawn(page, f"{PLOT} g.polarlayer path.js-fill, {PLOT} .polarlayer path") >= 1
    expect(page.get_by_text("Indikator provinsi Nusa Tenggara Barat")).to_be_visible()
    # earlier quarter ends are evaluated in the background; the page completes by itself
    expect(page.get_by_text("masih dinilai")).to_have_count(0, timeout=FIRST_LOAD_TIMEOUT)
    expect(page.get_by_text("Alasan terakhir (Desember 2025")).to_be_visible()
    expect(page.locator(ERRORS)).to_have_count(0)
    page.screenshot(path=tmp_path / "profil.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_the_province_link_opens_the_province_profile(
    page: Page, app_url: str, wait_for_app_run: WaitForApp
) -> None:
    url = f"{app_url}profil?kode={LIBRARY}&tingkat=perpustakaan"
    _open(page, url, "Profil: Perpustakaan Desa Bonjeruk", wait_for_app_run)
    page.get_by_test_id("stPageLink").get_by_text("Profil Nusa Tenggara Barat").click()
    expect(page.get_by_role("heading", name="Profil: Nusa Tenggara Barat")).to_be_visible(
        timeout=FIRST_LOAD_TIMEOUT
    )
    wait_for_app_run(page, FIRST_LOAD_TIMEOUT)
    assert "kode=52" in page.url and "tingkat=provinsi" in page.url
    expect(page.locator(PLOT).first).to_be_visible()
    expect(page.locator(ERRORS)).to_have_count(0)


def test_an_unknown_code_shows_a_message_not_an_error(
    page: Page, app_url: str, wait_for_app_run: WaitForApp
) -> None:
    page.goto(f"{app_url}profil?kode=TIDAK-ADA&tingkat=perpustakaan")
    expect(page.get_by_text("Tidak ada perpustakaan dengan kode TIDAK-ADA")).to_be_visible(
        timeout=FIRST_LOAD_TIMEOUT
    )
    wait_for_app_run(page)
    expect(page.get_by_role("button", name="Buka profil")).to_be_visible()
    expect(page.locator(ERRORS)).to_have_count(0)
