"""The report card in a real browser: the profile's "Unduh rapor (PDF)" downloads a PDF of that
place (its text read back with pdftotext when poppler-utils is there), in English too; printing
a page leaves the sidebar out.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import FIRST_LOAD, download, no_errors, open_page, wait_run  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

LIBRARY = "DES-5202022012"
NAME = "Perpustakaan Desa Bonjeruk"


def pdf_text(path: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def test_the_profile_downloads_the_report_card_as_pdf(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    open_page(page, f"{app_url}profil?kode={LIBRARY}&tingkat=perpustakaan", f"Profil: {NAME}")
    button = page.get_by_role("button", name="Unduh rapor (PDF)")
    expect(button).to_be_visible()
    path = download(page, button, tmp_path, timeout=FIRST_LOAD)
    assert path.name.startswith(f"rapor_{LIBRARY}_") and path.suffix == ".pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    text = pdf_text(path)
    if text is not None:
        assert f"Rapor {NAME}" in text and "Skor KPI TPBIS" in text
    no_errors(page)


def test_the_english_card_and_a_kab_kota_card(page: Page, app_url: str, tmp_path: Path) -> None:
    open_page(
        page,
        f"{app_url}profil?kode=5202&tingkat=kabupaten_kota&lang=en",
        "Profile: Kabupaten Lombok Tengah",
    )
    path = download(
        page,
        page.get_by_role("button", name="Download report card (PDF)"),
        tmp_path,
        timeout=FIRST_LOAD,
    )
    assert path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(path)
    if text is not None:
        assert "Report card: Kabupaten Lombok Tengah" in text
        assert "Libraries needing coaching" in text
    # every card of the kab/kota, for a field visit
    cards = download(
        page,
        page.get_by_role("button", name="Download every card of the kab/kota (ZIP)"),
        tmp_path,
        timeout=FIRST_LOAD,
    )
    names = zipfile.ZipFile(cards).namelist()
    assert names[0].startswith("00_rapor_5202_") and len(names) > 2
    assert all(n.endswith(".pdf") for n in names)


def test_printing_a_page_leaves_the_sidebar_out(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}profil?kode={LIBRARY}&tingkat=perpustakaan", f"Profil: {NAME}")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_be_visible()
    page.emulate_media(media="print")
    expect(sidebar).to_be_hidden()
    expect(page.get_by_role("button", name="Unduh rapor (PDF)")).to_be_hidden()
    expect(page.get_by_role("heading", name=f"Profil: {NAME}")).to_be_visible()
    page.emulate_media(media="screen")
    expect(sidebar).to_be_visible()
    wait_run(page)
