"""The field team's workbook from the English Prioritas page: English throughout, in a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import openpyxl  # noqa: E402
from journeys import FIRST_LOAD, download, no_errors, open_page  # noqa: E402
from playwright.sync_api import Page  # noqa: E402


def test_the_english_page_downloads_an_english_workbook(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    open_page(page, f"{app_url}prioritas?lang=en", "Coaching priorities")
    path = download(
        page,
        page.get_by_role("button", name="Download the list (Excel)"),
        tmp_path,
        timeout=FIRST_LOAD,
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["About", "Coaching list", "Rule settings"]
    ws = wb["Coaching list"]
    head = [c.value for c in ws[1]]
    assert head[:5] == ["No", "Library name", "Library code", "Coaching tier", "Points"]
    tiers = {r[3] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert tiers == {
        "Priority 1 (field visit)",
        "Priority 2 (remote mentoring or PLM clinic)",
        "Reporting coaching",
    }
    bands = {r[head.index("Score band")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert bands <= {"Red", "Yellow", "Green", None}
    no_errors(page)
