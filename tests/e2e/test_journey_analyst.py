"""The analyst's journey, in a real browser with no network, on a server of its own that starts
on an EMPTY store:

the demo loads by itself -> the analyst clears it (the banner's "Hapus data demo") -> downloads
the template (Impor data) and fills it in (a register and monthly reports) -> imports it -> then
uploads a provincial office's messy workbook (title rows, a merged two-row header, a JUMLAH row)
together with a second file that has errors -> reads the dry-run report (counts, the rejected
rows) -> downloads the rejected rows (a valid workbook with a reason column) -> commits -> sees
the overview's coverage change -> undoes that batch from the history -> sees the numbers return.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import openpyxl  # noqa: E402
from journeys import (  # noqa: E402
    FIRST_LOAD,
    STEP,
    download,
    heading,
    map_draws,
    metric,
    metric_int,
    nav,
    no_errors,
    serve,
    wait_run,
    workbook_bytes,
)
from playwright.sync_api import Page, expect  # noqa: E402

# the analyst's own register: Kabupaten Bogor (Jawa Barat), village libraries and the kab library
TEMPLATE_LIBRARIES = [
    ("JB-0001", "Perpustakaan Desa Pondok Rajeg", "desa_kelurahan", "3201011001", 2019),
    ("JB-0002", "Perpustakaan Desa Karadenan", "desa_kelurahan", "3201011002", 2019),
    ("JB-0003", "Perpustakaan Desa Harapanjaya", "desa_kelurahan", "3201011003", 2020),
    ("JB-0004", "Perpustakaan Desa Nanggewer", "desa_kelurahan", "3201011004", 2021),
    ("3201", "Dinas Perpustakaan Kabupaten Bogor", "kabupaten_kota", "3201", 2018),
]
TEMPLATE_MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]

# the provincial office's messy export: Kotawaringin Barat (Kalimantan Tengah)
MESSY_LIBRARIES = [
    ("KT-0001", "Perpustakaan Desa Candi", "6201011011", 2020, "2.345"),
    ("KT-0002", "Perpustakaan Desa Kumai Hulu", "6201011012", 2020, "1.980"),
    ("KT-0003", "Perpustakaan Desa Kumai Hilir", "6201011013", 2021, "3.120"),
]


def fill_template(template: bytes) -> bytes:
    """The downloaded template with its register and monthly-report sheets filled in."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    reg = wb["perpustakaan"]
    head = [c.value for c in reg[1]]
    for kode, nama, jenis, wilayah, tahun in TEMPLATE_LIBRARIES:
        row: list[object] = [None] * len(head)
        row[head.index("kode_perpustakaan")] = kode
        row[head.index("nama_perpustakaan")] = nama
        row[head.index("jenis")] = jenis
        row[head.index("kode_wilayah")] = wilayah
        row[head.index("tahun_bergabung")] = tahun
        row[head.index("jenis_dukungan")] = "penuh"
        row[head.index("penduduk")] = 8000 if jenis == "desa_kelurahan" else 5_400_000
        reg.append(row)
    rep = wb["laporan_bulanan"]
    head = [c.value for c in rep[1]]
    for i, (kode, *_rest) in enumerate(TEMPLATE_LIBRARIES):
        for m, periode in enumerate(TEMPLATE_MONTHS):
            row = [None] * len(head)
            row[head.index("kode_perpustakaan")] = kode
            row[head.index("periode")] = periode
            row[head.index("kunjungan")] = 300 + 25 * i + 7 * m
            row[head.index("peminjaman")] = 120 + 10 * i + 3 * m
            rep.append(row)
    return workbook_bytes(wb)


def messy_register() -> bytes:
    """A provincial office's register: title rows, a merged two-row header, numbering, a
    JUMLAH row and a note under the data, numbers written the Indonesian way."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Daftar Perpustakaan"
    ws.append(["DAFTAR PERPUSTAKAAN DESA MITRA TPBIS"])  # 1
    ws.merge_cells("A1:F1")
    ws.append(["Dinas Perpustakaan Provinsi Kalimantan Tengah, keadaan Desember 2024"])  # 2
    ws.append([])  # 3
    ws.append(["Perpustakaan", None, "Jenis", "Kode Wilayah", "Tahun Bergabung", "Penduduk"])
    ws.append(["Kode", "Nama", None, None, None, None])  # 5
    ws.merge_cells("A4:B4")
    for col in "CDEF":
        ws.merge_cells(f"{col}4:{col}5")
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])  # 6: numbering
    for kode, nama, wilayah, tahun, penduduk in MESSY_LIBRARIES:
        ws.append([kode, nama, "desa_kelurahan", wilayah, tahun, penduduk])  # 7..9
    ws.append([])  # 10
    ws.append(["JUMLAH", None, None, None, None, "7.445"])  # 11
    ws.append(["Sumber: Dinas Perpustakaan Provinsi Kalimantan Tengah"])  # 12
    return workbook_bytes(wb)


# the file with errors: two good rows, three bad ones (unknown library, a month that is not a
# month, a negative count)
ERROR_ROWS = [
    ("KT-0001", "Januari 2025", 410),
    ("KT-0002", "Januari 2025", 388),
    ("KT-9999", "Januari 2025", 120),  # row 4: no such library
    ("KT-0003", "Bulan ke-13 2025", 95),  # row 5: not a period
    ("KT-0003", "Februari 2025", -40),  # row 6: negative
]


def report_with_errors() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Laporan Januari"
    ws.append(["Kode Perpustakaan", "Periode", "Kunjungan"])
    for row in ERROR_ROWS:
        ws.append(list(row))
    return workbook_bytes(wb)


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own on a database file that does not exist yet: an empty store."""
    folder = tmp_path_factory.mktemp("journey-analyst")
    with serve(folder / "empty.duckdb", folder / "streamlit.log") as url:
        yield url


def _coverage(page: Page) -> tuple[int, int, int, int]:
    return (
        metric_int(page, "Provinsi"),
        metric_int(page, "Kabupaten/kota"),
        metric_int(page, "Desa/kelurahan"),
        metric_int(page, "Perpustakaan mitra"),
    )


def _upload(page: Page, files: list[tuple[str, bytes]]) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [
            {"name": name, "mimeType": "application/octet-stream", "buffer": data}
            for name, data in files
        ]
    )


def test_analyst_journey(
    page: Page,
    empty_app: str,
    blocked_requests: list[str],
    tmp_path: Path,
    canvas_has_pixels: Callable[[Page, str], bool],
) -> None:
    # 1. an empty store: the demo loads by itself, clearly labelled
    page.goto(empty_app)
    heading(page, "Ringkasan program", timeout=FIRST_LOAD)
    banner = page.get_by_test_id("stAlertContentWarning").filter(has_text="Data demo")
    expect(banner).to_be_visible()
    assert _coverage(page)[0] == 34
    no_errors(page)

    # 2. clear the demo: the banner's popover, then the confirmation
    page.get_by_role("button", name="Hapus data demo").click()
    page.get_by_role("button", name="Ya, hapus semua data demo").click()
    expect(page.get_by_text("Belum ada data di basis data ini.")).to_be_visible(timeout=STEP)
    wait_run(page)
    expect(banner).to_have_count(0)
    no_errors(page)

    # 3. the template, from the Impor data page
    nav(page, "Impor data", "Impor data")
    page.get_by_role("tab", name="Templat").click()
    template_path = download(
        page, page.get_by_role("button", name="Unduh templat (xlsx)"), tmp_path
    )
    template = openpyxl.load_workbook(template_path)
    assert template.sheetnames[0] == "Petunjuk"
    assert {"perpustakaan", "laporan_bulanan", "target"} <= set(template.sheetnames)

    # 4. fill it in and import it: the analyst's first real data
    page.get_by_role("tab", name="Unggah").click()
    _upload(page, [("templat_terisi.xlsx", fill_template(template_path.read_bytes()))])
    expect(page.get_by_role("heading", name="Hasil uji coba")).to_be_visible(timeout=STEP)
    wait_run(page)
    expected_template_rows = len(TEMPLATE_LIBRARIES) * (1 + len(TEMPLATE_MONTHS))
    expect(metric(page, "Diterima").last).to_have_text(str(expected_template_rows))
    expect(metric(page, "Ditolak").last).to_have_text("0")
    expect(page.get_by_text("Semua baris dapat diimpor.")).to_be_visible()
    page.get_by_role("button", name="Simpan ke basis data").click()
    expect(page.get_by_text("Tersimpan sebagai batch")).to_be_visible(timeout=STEP)
    wait_run(page)
    no_errors(page)

    nav(page, "Ringkasan", "Ringkasan program")
    before = _coverage(page)
    assert before == (1, 1, 4, 5), before

    # 5. the messy workbook and a file with errors, together: the dry run
    nav(page, "Impor data", "Impor data")
    _upload(
        page,
        [("daftar_kalteng.xlsx", messy_register()), ("laporan_januari.xlsx", report_with_errors())],
    )
    expect(page.get_by_role("heading", name="Hasil uji coba")).to_be_visible(timeout=STEP)
    wait_run(page)
    # 3 libraries from the messy register + 2 good report rows; 3 rows rejected
    expect(metric(page, "Diterima").last).to_have_text("5")
    expect(metric(page, "Ditolak").last).to_have_text("3")
    expect(metric(page, "Baru").last).to_have_text("5")
    # the messy sheet: its header found on the merged two-row header (rows 4-5), 3 data rows,
    # the numbering row, the JUMLAH row and the note left out
    messy = page.get_by_test_id("stExpander").filter(has_text="Sheet Daftar Perpustakaan")
    messy.locator("summary").click()
    expect(metric(messy, "Baris judul")).to_have_text("5")
    expect(metric(messy, "Baris data")).to_have_text("3")
    expect(metric(messy, "Ditolak")).to_have_text("0")
    expect(messy.get_by_text("3 baris jumlah/catatan diabaikan")).to_be_visible()
    expect(page.get_by_text("3 masalah ditampilkan dari 3")).to_be_visible()
    # the report is filterable: the analyst looks for the unknown library
    search = page.get_by_role("textbox", name="Cari")
    search.fill("KT-9999")
    search.press("Enter")
    expect(page.get_by_text("1 masalah ditampilkan dari 3")).to_be_visible(timeout=STEP)
    wait_run(page)
    search.fill("")
    search.press("Enter")
    expect(page.get_by_text("3 masalah ditampilkan dari 3")).to_be_visible(timeout=STEP)
    wait_run(page)

    # 6. the rejected rows, as a workbook to fix and upload again
    rejected_path = download(
        page, page.get_by_role("button", name="Unduh baris yang ditolak (Excel)"), tmp_path
    )
    rejected = openpyxl.load_workbook(rejected_path)
    ws = rejected.worksheets[0]
    head = [c.value for c in ws[1]]
    assert "alasan_ditolak" in head and "baris_asal" in head, head
    body = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted(int(r["baris_asal"]) for r in body) == [4, 5, 6]
    assert all(str(r["alasan_ditolak"]).strip() for r in body)
    codes = {str(r.get("Kode Perpustakaan")) for r in body}
    assert codes == {"KT-9999", "KT-0003"}, body

    # 7. commit: the overview's coverage changes (a second province, its kab, three villages)
    page.get_by_role("button", name="Simpan ke basis data").click()
    expect(page.get_by_text("Tersimpan sebagai batch")).to_be_visible(timeout=STEP)
    wait_run(page)
    no_errors(page)
    nav(page, "Ringkasan", "Ringkasan program")
    after = _coverage(page)
    assert after == (2, 2, 7, 8), after

    # 8. undo that batch from the history: the numbers return
    nav(page, "Impor data", "Impor data")
    page.get_by_role("tab", name="Riwayat impor").click()
    history = page.get_by_test_id("stDataFrame").first
    expect(history).to_be_visible()
    # the newest batch is chosen first in the history
    page.get_by_role("button", name="Batalkan batch ini").click()
    page.get_by_role("button", name="Ya, batalkan").click()
    expect(page.get_by_text("dibatalkan:").first).to_be_visible(timeout=STEP)
    wait_run(page)
    no_errors(page)
    nav(page, "Ringkasan", "Ringkasan program")
    assert _coverage(page) == before

    # the map draws what the analyst imported, offline
    nav(page, "Peta", "Peta")
    map_draws(page, canvas_has_pixels)
    no_errors(page)
    assert blocked_requests == [], f"the app reached beyond the loopback: {blocked_requests}"
