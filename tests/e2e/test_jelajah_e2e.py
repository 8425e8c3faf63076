"""The KPI explorer in a real browser: the ranking draws, the table tab exports a valid workbook
and a formula-safe csv, the English labels, and nothing reaches beyond the loopback."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import (  # noqa: E402
    BARS,
    FIRST_LOAD,
    PLOT,
    drawn_paths,
    metric,
    no_errors,
    open_page,
    wait_run,
)
from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402


def test_the_ranking_draws_with_no_network(
    page: Page,
    app_url: str,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    open_page(page, f"{app_url}jelajah", "Jelajah KPI", exact=True)
    no_errors(page)
    expect(metric(page, "Nilai agregat")).to_have_text(
        re.compile(r"^\d{1,3}(\.\d{3})*$"), timeout=FIRST_LOAD
    )
    expect(page.locator(BARS).first).to_be_attached(timeout=FIRST_LOAD)
    drawn = drawn_paths(page, BARS)
    assert drawn >= 15, f"the ranking drew {drawn} bars"
    page.screenshot(path=tmp_path / "jelajah.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_the_table_exports_a_workbook_and_a_csv(page: Page, app_url: str, tmp_path: Path) -> None:
    open_page(page, f"{app_url}jelajah", "Jelajah KPI", exact=True)
    page.get_by_role("tab", name="Tabel").click()  # the tab's content is drawn on opening
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=FIRST_LOAD)
    wait_run(page)

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
    no_errors(page)


def test_in_english(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}jelajah?lang=en", "KPI explorer", exact=True)
    expect(page.get_by_role("tab", name="Monthly trend")).to_be_visible(timeout=FIRST_LOAD)
    page.get_by_role("tab", name="Monthly trend").click()
    expect(page.locator(f"{PLOT} g.scatterlayer path.js-line").first).to_be_attached(
        timeout=FIRST_LOAD
    )
    value = metric(page, "Aggregate value")
    expect(value).to_have_text(re.compile(r"^\d{1,3}(,\d{3})*$"), timeout=FIRST_LOAD)
    no_errors(page)
