"""The data quality page in a real browser: the completeness chart draws with no network, the
tables download as valid files, and a never-reported library links to its profile."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import Locator, Page, expect  # noqa: E402

WaitForApp = Callable[..., None]

ERRORS = (
    '[data-testid="stException"], [data-testid="stAlertContentError"], '
    '[data-testid="stErrorElement"]'
)
FIRST_LOAD_TIMEOUT = 60_000  # ms: the first load also fills the app's caches
PLOT = '[data-testid="stPlotlyChart"] .js-plotly-plot'
BARS = f"{PLOT} g.barlayer g.point path"


def _metric(page: Page, label: str) -> Locator:
    return (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        .get_by_test_id("stMetricValue")
    )


def _open(page: Page, url: str, heading: str, wait_for_app_run: WaitForApp) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
        timeout=FIRST_LOAD_TIMEOUT
    )
    wait_for_app_run(page)


def test_completeness_chart_draws_with_no_network(
    page: Page,
    app_url: str,
    wait_for_app_run: WaitForApp,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    _open(page, f"{app_url}kualitas", "Kualitas data", wait_for_app_run)
    expect(_metric(page, "Kelengkapan laporan")).to_have_text(
        re.compile(r"^\d+,\d%$"), timeout=FIRST_LOAD_TIMEOUT
    )
    expect(page.locator(BARS).first).to_be_attached(timeout=FIRST_LOAD_TIMEOUT)
    drawn = page.eval_on_selector_all(
        BARS, "paths => paths.filter(p => (p.getAttribute('d') || '').length > 2).length"
    )
    assert drawn == 34, f"the completeness chart drew {drawn} province bars"
    expect(page.get_by_text("Batas 80% (aturan D)")).to_be_attached()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(page.locator(ERRORS)).to_have_count(0)
    page.screenshot(path=tmp_path / "kualitas.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_tables_download_as_valid_files(
    page: Page, app_url: str, wait_for_app_run: WaitForApp, tmp_path: Path
) -> None:
    _open(page, f"{app_url}kualitas", "Kualitas data", wait_for_app_run)
    buttons = page.get_by_test_id("stDownloadButton")
    expect(buttons).to_have_count(2, timeout=FIRST_LOAD_TIMEOUT)

    with page.expect_download() as info:
        buttons.filter(has_text="Unduh Excel").click()
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert [c.value for c in ws[1]][:2] == ["Kode", "Nama"]
    assert ws.max_row == 35  # header + 34 provinces

    page.get_by_role("tab", name="Nilai perlu verifikasi").click()
    expect(page.get_by_test_id("stAlertContentInfo")).to_contain_text(
        "bukan alasan pembinaan", timeout=FIRST_LOAD_TIMEOUT
    )
    wait_for_app_run(page)
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh CSV").click()
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Kode,Nama,Bulan,Kolom,Nilai,Nilai tipikal")
    assert len(lines) > 1
    expect(page.locator(ERRORS)).to_have_count(0)


def test_a_never_reported_library_links_to_its_profile(
    page: Page, app_url: str, wait_for_app_run: WaitForApp
) -> None:
    _open(page, f"{app_url}kualitas", "Kualitas data", wait_for_app_run)
    page.get_by_role("tab", name="Belum pernah melapor").click()
    link = page.get_by_test_id("stPageLink").get_by_role("link", name="Buka profil")
    expect(link).to_be_visible(timeout=FIRST_LOAD_TIMEOUT)
    href = str(link.evaluate("a => a.href"))  # resolved against the page's address
    assert "/profil" in href and "kode=DES-" in href and "tingkat=perpustakaan" in href, href
