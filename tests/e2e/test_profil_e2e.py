"""The Profil page in a real browser: a shared profile link opens directly, every chart draws
(trends, peers, 5A funnel, CIEL radar), links lead to the parent area, nothing leaves the loopback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import (  # noqa: E402
    FIRST_LOAD,
    PLOT,
    drawn_paths,
    no_errors,
    open_page,
    wait_run,
)
from playwright.sync_api import Page, expect  # noqa: E402

LIBRARY = "DES-5202022012"


def test_a_library_profile_link_draws_every_chart_offline(
    page: Page,
    app_url: str,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    url = f"{app_url}profil?kode={LIBRARY}&tingkat=perpustakaan"
    open_page(page, url, "Profil: Perpustakaan Desa Bonjeruk")
    expect(page.get_by_role("heading", name="Corong 5A (MarkPlus)")).to_be_visible()
    expect(page.locator(PLOT)).to_have_count(4, timeout=FIRST_LOAD)  # charts draw after the text
    for plot in page.locator(PLOT).all():
        plot.scroll_into_view_if_needed()
    assert drawn_paths(page, f"{PLOT} g.scatterlayer path.js-line") >= 4, "trend lines not drawn"
    assert drawn_paths(page, f"{PLOT} g.boxlayer path") >= 1, "peer box not drawn"
    # this library's 5A stages are not nested: drawn side by side as bars, per 100 Appeal
    assert drawn_paths(page, f"{PLOT} g.barlayer path") >= 4, "5A stages not drawn"
    assert drawn_paths(page, f"{PLOT} g.polarlayer path.js-fill, {PLOT} .polarlayer path") >= 1
    expect(page.get_by_text("Indikator provinsi Nusa Tenggara Barat")).to_be_visible()
    # earlier quarter ends are evaluated in the background; the page completes by itself
    expect(page.get_by_text("masih dinilai")).to_have_count(0, timeout=FIRST_LOAD)
    expect(page.get_by_text("Alasan terakhir (Desember 2025")).to_be_visible()
    no_errors(page)
    page.screenshot(path=tmp_path / "profil.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_the_province_link_opens_the_province_profile(page: Page, app_url: str) -> None:
    url = f"{app_url}profil?kode={LIBRARY}&tingkat=perpustakaan"
    open_page(page, url, "Profil: Perpustakaan Desa Bonjeruk")
    page.get_by_test_id("stPageLink").get_by_text("Profil Nusa Tenggara Barat").click()
    expect(page.get_by_role("heading", name="Profil: Nusa Tenggara Barat")).to_be_visible(
        timeout=FIRST_LOAD
    )
    wait_run(page, FIRST_LOAD)
    assert "kode=52" in page.url and "tingkat=provinsi" in page.url
    expect(page.locator(PLOT).first).to_be_visible()
    no_errors(page)


def test_an_unknown_code_shows_a_message_not_an_error(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}profil?kode=TIDAK-ADA&tingkat=perpustakaan")
    expect(page.get_by_text("Tidak ada perpustakaan dengan kode TIDAK-ADA")).to_be_visible(
        timeout=FIRST_LOAD
    )
    wait_run(page)
    expect(page.get_by_role("button", name="Buka profil")).to_be_visible()
    no_errors(page)
