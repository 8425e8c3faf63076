"""Prioritas at a desktop's and a phone's size, in a real browser (issue 15): the list comes a
page at a time, its choices live in the URL and come back from a shared link; on a 1400x1000
screen the profile link and the reasons are on screen without scrolling right; on a 390x844
phone each library shows its name, tier, main reason and profile link, and the tier counts fit
in two rows.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import STEP, no_errors, open_page, wait_run  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

SHOWN = re.compile(r"Baris (\d+)–(\d+) dari ([\d.]+) · halaman (\d+) dari (\d+)")
COUNTS = ".st-key-prio_counts [data-testid='stMetric']"


def _shown(page: Page) -> tuple[int, ...]:
    caption = page.get_by_text(SHOWN).first
    expect(caption).to_be_visible(timeout=STEP)
    found = SHOWN.search(caption.inner_text())
    assert found, caption.inner_text()
    return tuple(int(g.replace(".", "")) for g in found.groups())


def test_desktop_list_pages_and_keeps_its_choices_in_the_url(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(
        page, f"{app_url}prioritas?tier=prioritas_1,prioritas_2&halaman=2", "Daftar prioritas"
    )
    a, b, n, p, m = _shown(page)
    assert (a, b, p) == (51, 100, 2) and n > 100 and m == -(-n // 50)
    tiers = page.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_text("Tingkat pembinaan", exact=True)
    )
    chips = tiers.get_by_role("button", name=re.compile(r"^Remove "))
    expect(chips).to_have_count(2)
    table = page.locator(".st-key-prio_wide [data-testid='stDataFrame']")
    expect(table).to_be_visible()
    expect(page.locator(".st-key-prio_narrow")).to_be_hidden()
    # the grid's accessible table holds the columns on screen: the profile link and the whole
    # reasons' column are there without scrolling right (the column after them starts on screen)
    headers = table.locator("th[role='columnheader']")
    expect(headers.first).to_be_attached(timeout=STEP)
    shown = [h.strip() for h in headers.all_inner_texts()]
    assert shown[:6] == ["No.", "Nama", "Tingkat", "Poin", "Profil", "Alasan"], shown
    assert len(shown) >= 7, shown
    box, main = table.bounding_box(), page.get_by_test_id("stMain").bounding_box()
    assert box and main and box["x"] + box["width"] <= main["x"] + main["width"] + 1
    links = table.locator("td[role='gridcell'][aria-colindex='5']")
    expect(links.first).to_contain_text("profil?kode=")

    page.get_by_role("button", name="Berikutnya").click()
    expect(page.get_by_text(SHOWN).first).to_contain_text("Baris 101–150", timeout=STEP)
    wait_run(page)
    assert "halaman=3" in page.url and "tier=prioritas_1%2Cprioritas_2" in page.url

    # the link, opened in a new session, shows the same page of the same list
    copied = page.url
    page.goto("about:blank")
    open_page(page, copied, "Daftar prioritas")
    assert _shown(page)[:2] == (101, 150)
    expect(chips).to_have_count(2)

    page.get_by_label("Cari", exact=True).fill("selodono")
    page.get_by_label("Cari", exact=True).press("Enter")
    wait_run(page)
    expect(page.get_by_text(SHOWN).first).to_contain_text("halaman 1 dari 1", timeout=STEP)
    no_errors(page)


def test_phone_shows_name_tier_reason_and_profile_link(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, f"{app_url}prioritas", "Daftar prioritas")
    expect(page.locator(".st-key-prio_wide")).to_be_hidden()
    cards = page.locator(".st-key-prio_narrow")
    expect(cards).to_be_visible()
    items = cards.locator("li")
    expect(items).to_have_count(50)
    first = items.first
    text = first.inner_text()
    assert re.search(r"Perpustakaan .+ · Prioritas 1", text), text
    assert re.search(r"Skor KPI|laporan|Kegiatan|Kunjungan", text), text  # the main reason
    link = first.get_by_role("link", name="Buka profil")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r"profil\?kode=[\w-]+&tingkat=perpustakaan"))
    # nothing wider than the phone
    width = page.evaluate("document.querySelector('.st-key-prio_narrow').scrollWidth")
    assert width <= 390, width
    box = first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # the five counts in at most two rows
    tops = {round(page.locator(COUNTS).nth(i).bounding_box()["y"]) for i in range(5)}
    assert len(tops) <= 2, tops
    no_errors(page)
