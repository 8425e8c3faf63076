"""The coaching-priorities page in a real browser, with no network: the tiers, the list, the
charts drawn by plotly.js, the Excel export downloaded and opened again, and the English page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import openpyxl  # noqa: E402
from journeys import (  # noqa: E402
    BARS,
    FIRST_LOAD,
    PLOT,
    drawn_paths,
    metric,
    no_errors,
    open_page,
)
from playwright.sync_api import Page, expect  # noqa: E402

# the quadrant chart's points are drawn with WebGL (issue 15), in its gl canvas
GL_POINTS = f"{PLOT} .gl-container canvas"


def _open(page: Page, url: str, heading: str) -> None:
    open_page(page, url, heading)
    expect(page.locator(PLOT)).to_have_count(2, timeout=FIRST_LOAD)


def test_priorities_page_draws_with_no_network(
    page: Page,
    app_url: str,
    blocked_requests: list[str],
    tmp_path: Path,
    canvas_has_pixels: Callable[[Page, str], bool],
) -> None:
    _open(page, f"{app_url}prioritas", "Prioritas pembinaan")
    for label in ("Prioritas 1", "Prioritas 2", "Pembinaan pelaporan", "Pantau"):
        expect(metric(page, label)).to_have_text(re.compile(r"^\d[\d.]*$"))
    expect(metric(page, "Perpustakaan dinilai")).to_have_text("3.938")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(page.get_by_role("button", name="Unduh daftar (Excel)")).to_be_visible()
    # the area ranking (bars) and the quadrant chart (points) are really drawn
    expect(page.locator(BARS).first).to_be_attached()
    expect(page.locator(GL_POINTS).first).to_be_attached()
    assert drawn_paths(page, BARS) > 0, "the area ranking has no drawn bar"
    assert canvas_has_pixels(page, GL_POINTS), "the quadrant chart has no drawn point"
    # the list is a page of 50 rows, not the whole list (issue 15)
    expect(page.get_by_text(re.compile(r"Baris 1–50 dari [\d.]+ · halaman 1 dari"))).to_be_visible()
    for quadrant in ("I Teladan", "II Waspada", "III Berkembang", "IV Prioritas"):
        expect(page.locator(f"{PLOT} g.annotation").filter(has_text=quadrant)).to_have_count(1)
    # the top priority areas link to their profiles
    links = page.get_by_test_id("stPageLink").locator("a")
    expect(links.first).to_have_attribute("href", re.compile(r"profil\?kode=\d{4}&tingkat="))
    no_errors(page)
    page.screenshot(path=tmp_path / "prioritas.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_export_downloads_a_valid_workbook(page: Page, app_url: str, tmp_path: Path) -> None:
    _open(page, f"{app_url}prioritas", "Prioritas pembinaan")
    p1 = int(metric(page, "Prioritas 1").inner_text().replace(".", ""))
    p2 = int(metric(page, "Prioritas 2").inner_text().replace(".", ""))
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Unduh daftar (Excel)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    # the field team's workbook (issue 14): cover, the list with headers in words, settings
    assert wb.sheetnames == ["Keterangan", "Daftar pembinaan", "Pengaturan aturan"]
    ws = wb["Daftar pembinaan"]
    head = [c.value for c in ws[1]]
    assert {"Kode perpustakaan", "Nama perpustakaan", "Tingkat pembinaan", "Poin"} <= set(head)
    assert {"Alasan: pelaporan (D)", "Alasan: skor (R1, R4, Q)"} <= set(head)
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref
    tiers = [
        row[head.index("Tingkat pembinaan")] for row in ws.iter_rows(min_row=2, values_only=True)
    ]
    assert "Pantau" not in tiers  # the tiers needing coaching by default
    assert tiers.count("Prioritas 1 (kunjungan lapangan)") == p1
    assert tiers.count("Prioritas 2 (pendampingan jarak jauh atau klinik PLM)") == p2
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    settings = {r[0]: r[1] for r in wb["Pengaturan aturan"].iter_rows(min_row=2, values_only=True)}
    assert settings["pembinaan.jendela_bulan"] == 12
    assert settings["tingkat_daftar"] == "perpustakaan"
    no_errors(page)


def test_english_page(page: Page, app_url: str) -> None:
    _open(page, f"{app_url}prioritas?lang=en", "Coaching priorities")
    expect(metric(page, "Libraries evaluated")).to_have_text("3,938")
    expect(page.get_by_role("button", name="Download the list (Excel)")).to_be_visible()
    expect(page.locator(f"{PLOT} g.annotation").filter(has_text="I Role model")).to_have_count(1)
    no_errors(page)
