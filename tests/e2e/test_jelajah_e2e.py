"""The KPI explorer in a real browser: the ranking draws, the table tab exports a valid workbook
and a formula-safe csv, the English labels, and nothing reaches beyond the loopback."""

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


def test_the_ranking_draws_with_no_network(
    page: Page,
    app_url: str,
    wait_for_app_run: WaitForApp,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    _open(page, f"{app_url}jelajah", "Jelajah KPI", wait_for_app_run)
    expect(page.locator(ERRORS)).to_have_count(0)
    expect(_metric(page, "Nilai agregat")).to_have_text(
        re.compile(r"^\d{1,3}(\.\d{3})*$"), timeout=FIRST_LOAD_TIMEOUT
    )
    expect(page.locator(BARS).first).to_be_attached(timeout=FIRST_LOAD_TIMEOUT)
    drawn = page.eval_on_selector_all(
        BARS, "paths => paths.filter(p => (p.getAttribute('d') || '').length > 2).length"
    )
    assert drawn >= 15, f"the ranking drew {drawn} bars"
    page.screenshot(path=tmp_path / "jelajah.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_the_table_exports_a_workbook_and_a_csv(
    page: Page, app_url: str, wait_for_app_run: WaitForApp, tmp_path: Path
) -> None:
    _open(page, f"{app_url}jelajah", "Jelajah KPI", wait_for_app_run)
    page.get_by_role("tab", name="Tabel").click()  # the tab's content is drawn on opening
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=FIRST_LOAD_TIMEOUT)
    wait_for_app_run(page)

    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh Excel").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    ws = load_workbook(io.BytesIO(path.read_bytes())).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Kode", "Nama", "Kunjungan (orang)"]
    assert ws.max_row == 35  # header + 34 provinces
    assert isinstance(ws["C2"].value, int | float)

    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("Kode,Nama,Kunjungan (orang)")
    assert len(text.splitlines()) == 35
    expect(page.locator(ERRORS)).to_have_count(0)


def test_in_english(page: Page, app_url: str, wait_for_app_run: WaitForApp) -> None:
    _open(page, f"{app_url}jelajah?lang=en", "KPI explorer", wait_for_app_run)
    expect(page.get_by_role("tab", name="Monthly trend")).to_be_visible(timeout=FIRST_LOAD_TIMEOUT)
    page.get_by_role("tab", name="Monthly trend").click()
    expect(page.locator(f"{PLOT} g.scatterlayer path.js-line").first).to_be_attached(
        timeout=FIRST_LOAD_TIMEOUT
    )
    value = _metric(page, "Aggregate value")
    expect(value).to_have_text(re.compile(r"^\d{1,3}(,\d{3})*$"), timeout=FIRST_LOAD_TIMEOUT)
    expect(page.locator(ERRORS)).to_have_count(0)
