"""The data quality page in a real browser: the completeness chart draws with no network, the
tables download as valid files, and a never-reported library links to its profile."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import (  # noqa: E402
    BARS,
    FIRST_LOAD,
    drawn_paths,
    metric,
    no_errors,
    open_page,
    wait_run,
)
from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402


def test_completeness_chart_draws_with_no_network(
    page: Page,
    app_url: str,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    open_page(page, f"{app_url}kualitas", "Kualitas data", exact=True)
    expect(metric(page, "Kelengkapan laporan")).to_have_text(
        re.compile(r"^\d+,\d%$"), timeout=FIRST_LOAD
    )
    expect(page.locator(BARS).first).to_be_attached(timeout=FIRST_LOAD)
    drawn = drawn_paths(page, BARS)
    assert drawn == 34, f"the completeness chart drew {drawn} province bars"
    expect(page.get_by_text("Batas 80% (aturan D)")).to_be_attached()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    no_errors(page)
    page.screenshot(path=tmp_path / "kualitas.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_tables_download_as_valid_files(page: Page, app_url: str, tmp_path: Path) -> None:
    open_page(page, f"{app_url}kualitas", "Kualitas data", exact=True)
    buttons = page.get_by_test_id("stDownloadButton")
    expect(buttons).to_have_count(2, timeout=FIRST_LOAD)

    with page.expect_download() as info:
        buttons.filter(has_text="Unduh Excel").click()
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert [c.value for c in ws[1]][:2] == ["Kode", "Nama"]
    assert ws.max_row == 35  # header + 34 provinces

    page.get_by_role("tab", name="Nilai perlu verifikasi").click()
    expect(page.get_by_test_id("stAlertContentInfo")).to_contain_text(
        "bukan alasan pembinaan", timeout=FIRST_LOAD
    )
    wait_run(page)
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh CSV").click()
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Kode,Nama,Bulan,Kolom,Nilai,Nilai tipikal")
    assert len(lines) > 1
    no_errors(page)


def test_a_never_reported_library_links_to_its_profile(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}kualitas", "Kualitas data", exact=True)
    page.get_by_role("tab", name="Belum pernah melapor").click()
    link = page.get_by_test_id("stPageLink").get_by_role("link", name="Buka profil")
    expect(link).to_be_visible(timeout=FIRST_LOAD)
    href = str(link.evaluate("a => a.href"))  # resolved against the page's address
    assert "/profil" in href and "kode=DES-" in href and "tingkat=perpustakaan" in href, href
