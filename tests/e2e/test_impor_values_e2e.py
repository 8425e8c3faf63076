"""Value mapping in the Impor data page, in a real browser with no network, on a server of its own
on an empty store (the demo cleared):

a register whose level column says "Rumah Baca" for two rows -> the dry run lists that value once,
with its two rows, under "Nilai yang belum dikenali" -> the analyst picks its meaning -> the dry run
runs again at once (0 rejected) -> saves the mapping -> commits -> uploads another file, of another
shape, with the same value in capitals: read without asking -> removes the saved mapping from
"Pemetaan tersimpan" -> the value is unknown again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import openpyxl  # noqa: E402
from journeys import (  # noqa: E402
    FIRST_LOAD,
    STEP,
    heading,
    metric,
    multiselect_pick,
    no_errors,
    open_expander,
    serve,
    wait_run,
    workbook_bytes,
)
from playwright.sync_api import Page, expect  # noqa: E402

from kpi.demo import clear_demo  # noqa: E402
from kpi.store import Store  # noqa: E402


def _workbook(rows: list[list[object]], title: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return workbook_bytes(wb)


REGISTER = [
    ["Kode Perpustakaan", "Nama Perpustakaan", "Jenis Perpustakaan", "Kode Wilayah"],
    ["RB-1", "Perpustakaan Kelurahan Pondok Rajeg", "Perpustakaan Kelurahan", "32.01.01.1001"],
    ["RB-2", "Rumah Baca Karadenan", "Rumah Baca", "32.01.01.1002"],
    ["RB-3", "Rumah Baca Harapanjaya", "rumah baca", "32.01.01.1003"],
    ["RB-4", "Dinas Perpustakaan Kabupaten Bogor", "Perpustakaan Kabupaten", "32.01"],
]
OTHER_SHAPE = [
    ["NPP", "Nama", "Tingkat Perpustakaan", "Kode Desa", "Tahun Bergabung"],
    ["RB-5", "Rumah Baca Nanggewer", "RUMAH BACA", "3201011004", 2024],
]


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("impor-values")
    db = folder / "kosong.duckdb"
    store = Store(db)
    clear_demo(store)  # an empty store that does not load the demo
    store.close()
    with serve(db, folder / "streamlit.log") as url:
        yield url


def _upload(page: Page, name: str, data: bytes) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    expect(page.get_by_role("heading", name="Hasil uji coba")).to_be_visible(timeout=STEP)
    wait_run(page)


def test_value_mapping_flow(
    page: Page, empty_app: str, blocked_requests: list[str], tmp_path: Path
) -> None:
    page.goto(f"{empty_app.rstrip('/')}/impor")
    heading(page, "Impor data", timeout=FIRST_LOAD)
    _upload(page, "daftar_rumah_baca.xlsx", _workbook(REGISTER, "Daftar"))
    expect(metric(page, "Ditolak").last).to_have_text("2")

    # the unknown value, listed once with the number of rows that carry it
    box = page.locator(".st-key-impor_values")
    expect(box.get_by_role("heading", name="Nilai yang belum dikenali")).to_be_visible()
    row = page.locator(".st-key-impor_value_row_0")
    expect(row.get_by_text("Rumah Baca", exact=True)).to_be_visible()
    expect(row.get_by_text("2", exact=True)).to_be_visible()
    expect(page.locator('[class*="st-key-impor_value_row_"]')).to_have_count(1)

    # its meaning picked: the dry run runs again at once
    choose = row.get_by_test_id("stSelectbox").locator("input")
    choose.click()
    choose.fill("desa")  # the list filters as the analyst types
    page.get_by_role("option", name="Perpustakaan desa/kelurahan", exact=True).click()
    wait_run(page)
    expect(metric(page, "Ditolak").last).to_have_text("0", timeout=STEP)
    expect(metric(page, "Diterima").last).to_have_text("4")
    expect(box.get_by_text("Dipetakan untuk impor ini")).to_be_visible()

    # saved for later files, then committed
    page.get_by_role("button", name="Simpan pemetaan nilai untuk berkas berikutnya").click()
    expect(page.get_by_text("1 pemetaan nilai disimpan")).to_be_visible(timeout=STEP)
    wait_run(page)
    page.get_by_role("button", name="Simpan ke basis data").click()
    expect(page.get_by_text("Tersimpan sebagai batch")).to_be_visible(timeout=STEP)
    wait_run(page)
    no_errors(page)

    # another file of another shape: the saved meaning applies without asking
    _upload(page, "susulan.xlsx", _workbook(OTHER_SHAPE, "Susulan"))
    expect(metric(page, "Diterima").last).to_have_text("1")
    expect(metric(page, "Ditolak").last).to_have_text("0")
    expect(page.locator(".st-key-impor_values")).to_have_count(0)

    # the saved mappings are listed and can be removed
    saved = open_expander(page, "Pemetaan tersimpan (1)")
    expect(saved.get_by_text("Pemetaan nilai", exact=True)).to_be_visible()
    expect(saved.get_by_text("Rumah Baca", exact=True).first).to_be_attached()
    multiselect_pick(
        saved.get_by_test_id("stMultiSelect"), "Rumah", "Rumah Baca → Perpustakaan desa/kelurahan"
    )
    page.keyboard.press("Escape")
    expect(saved.get_by_text("Rumah Baca → Perpustakaan desa/kelurahan")).to_be_visible(
        timeout=STEP
    )
    saved.get_by_role("button", name="Hapus yang dipilih").click()
    expect(page.get_by_text("1 pemetaan dihapus.")).to_be_visible(timeout=STEP)
    wait_run(page)
    expect(metric(page, "Ditolak").last).to_have_text("1", timeout=STEP)
    expect(page.locator(".st-key-impor_value_row_0").get_by_text("RUMAH BACA")).to_be_visible()
    no_errors(page)
    assert blocked_requests == [], f"the app reached beyond the loopback: {blocked_requests}"
