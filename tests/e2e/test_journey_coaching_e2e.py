"""Issue 14's journeys in a real browser, on a desktop (1400x1000) and a phone (390x844).

- A leader: Ringkasan shows the tier counts and the areas most in need; the top area's profile;
  its coaching list on Prioritas with the same filters; a library's profile; its report card
  (PDF) arrives and opens.
- A field-team member: finds a library by part of its name in the sidebar's search, opens its
  profile, downloads the field team's list of its kab/kota and finds the library in it, with
  its tier and reasons in words.

What a person sees is asserted: the counts and links are visible, the page never scrolls
sideways at 390 px, the files arrive and open.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import openpyxl  # noqa: E402
from journeys import FIRST_LOAD, STEP, download, heading, no_errors, wait_run  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

SIZES = {"desktop": (1400, 1000), "phone": (390, 844)}
TIERS = ("Prioritas 1", "Prioritas 2", "Pembinaan pelaporan", "Pantau", "Tanpa tanda")
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


SIDEBAR_OPEN = """() => {
  const s = document.querySelector('[data-testid="stSidebar"]');
  if (!s) return false;
  const r = s.getBoundingClientRect();
  return r.width > 100 && r.left >= 0 && s.getAnimations().length === 0;
}"""


def _open_sidebar(page: Page) -> None:
    """On a phone the sidebar starts closed: open it as a person does."""
    expand = page.get_by_test_id("stExpandSidebarButton")
    if page.evaluate(SIDEBAR_OPEN) or not expand.is_visible():
        return
    expand.click()
    page.wait_for_function(SIDEBAR_OPEN, timeout=STEP)


def _close_sidebar(page: Page) -> None:
    """On a phone the open sidebar covers the page: close it as a person does."""
    if page.viewport_size["width"] >= 640 or not page.evaluate(SIDEBAR_OPEN):
        return
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click(force=True)
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible(timeout=STEP)


def _fits(page: Page) -> None:
    assert page.evaluate(NO_SIDEWAYS), "the page scrolls sideways"


@pytest.mark.parametrize("size", list(SIZES))
def test_leader_from_the_first_screen_to_a_report_card(
    page: Page, app_url: str, blocked_requests: list[str], tmp_path: Path, size: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(app_url)
    heading(page, "Ringkasan program", timeout=FIRST_LOAD)
    expect(
        page.get_by_role("heading", name="Di mana pembinaan diperlukan sekarang")
    ).to_be_visible()
    main = page.get_by_test_id("stMain")
    for tier in TIERS:
        label = main.get_by_test_id("stMetricLabel").get_by_text(tier, exact=True).first
        expect(label).to_be_visible(timeout=STEP)
    # the five counts come before anything else and fit in the first screen
    last = main.get_by_test_id("stMetricLabel").get_by_text("Tanpa tanda", exact=True).first
    assert last.bounding_box()["y"] < SIZES[size][1], "the tier counts run past the first screen"
    to_prioritas = main.get_by_role("link", name="Buka Prioritas pembinaan (filter yang sama)")
    expect(to_prioritas).to_be_visible()
    expect(main.get_by_role("link", name="Lihat di peta (filter yang sama)")).to_be_visible()
    _fits(page)

    # the top area of the leadership ranking, then its profile
    area = main.locator('a[href*="tingkat=provinsi"]').first
    name = area.inner_text().strip().split("\n")[-1].strip()  # after the icon
    assert name
    area.click()
    heading(page, f"Profil: {name}")
    no_errors(page)
    _fits(page)

    # its coaching list, on Prioritas, with the same period and the area as the province
    page.get_by_role("link", name=f"Prioritas pembinaan di {name}").click()
    heading(page, "Prioritas pembinaan")
    assert "provinsi=" in page.url and "periode=" in page.url, page.url
    province = (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stSelectbox")
        .filter(has=page.get_by_text("Provinsi", exact=True))
    )
    expect(province.locator("input")).to_have_value(name)
    no_errors(page)

    # a library of the list (the Ringkasan's most in need), its profile and its report card
    page.goto(app_url)
    heading(page, "Ringkasan program")
    library = main.locator('a[href*="tingkat=perpustakaan"]').first
    lib_name = library.inner_text().strip().split("\n")[-1].strip()
    library.click()
    heading(page, f"Profil: {lib_name}")
    _fits(page)
    pdf = download(page, page.get_by_role("button", name="Unduh rapor (PDF)"), tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5_000
    assert blocked_requests == []


@pytest.mark.parametrize("size", list(SIZES))
def test_field_team_finds_a_library_and_downloads_its_list(
    page: Page, app_url: str, blocked_requests: list[str], tmp_path: Path, size: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(app_url)
    heading(page, "Ringkasan program", timeout=FIRST_LOAD)
    _open_sidebar(page)
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.get_by_label("Cari perpustakaan atau wilayah", exact=True)
    box.click()
    box.press_sequentially("selodon", delay=60)  # as one types: no Enter
    hit = sidebar.get_by_role("link", name=re.compile(r"^Perpustakaan Desa Selodono · Kabupaten"))
    expect(hit).to_be_visible(timeout=STEP)
    hit.click()
    heading(page, "Profil: Perpustakaan Desa Selodono")
    _close_sidebar(page)
    no_errors(page)
    _fits(page)
    book = download(
        page, page.get_by_role("button", name="Unduh daftar tim lapangan (Excel)"), tmp_path
    )
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[1]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]
    mine = [r for r in rows if "Selodono" in " ".join(str(v) for v in r.values())]
    assert mine, "the library is not in its kab/kota's list"
    text = " ".join(str(v) for v in mine[0].values() if v is not None)
    assert "Prioritas 1" in text  # its tier, in words
    reasons = [v for k, v in mine[0].items() if str(k).startswith("Alasan") and v]
    assert reasons and not any(str(v).startswith(("[", "{")) for v in reasons)
    assert blocked_requests == []
    wait_run(page)
