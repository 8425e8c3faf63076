"""Reading every format, and refusing what cannot be read: fast, with one clear message."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import ingest_fixtures as fx
import pytest

from kpi.ingest.messages import RefusalError
from kpi.ingest.read import OLE_MAGIC, decode_text, read_file, sniff_delimiter

FIXTURES = Path(__file__).parent / "fixtures"


def refusal(name: str, data: bytes, **kw: float) -> str:
    t0 = time.perf_counter()
    with pytest.raises(RefusalError) as info:
        read_file(name, data, **kw)
    assert time.perf_counter() - t0 < 3.0
    msg = info.value.msg
    assert msg.message_id and msg.message_en and msg.message_id != msg.message_en
    return msg.rule


@pytest.mark.parametrize("name", ["contoh.xls", "contoh.ods"])
def test_legacy_and_open_formats(name: str) -> None:
    wb = read_file(name, (FIXTURES / name).read_bytes())
    assert wb.format == name.rsplit(".", 1)[1]
    assert [s.name for s in wb.sheets] == ["Daftar", "Laporan"]
    laporan = wb.sheets[1].rows
    assert laporan[2][:3] == ["Kode Perpustakaan", "Periode", "Kunjungan"]  # row 3
    assert laporan[3][0] == "P-001"


def test_xlsx_keeps_file_rows_and_merges() -> None:
    wb = read_file("messy.xlsx", fx.messy_monthly_xlsx())
    sheet = wb.sheets[0]
    assert sheet.rows[0][0].startswith("LAPORAN BULANAN")
    assert sheet.rows[6][0] == "P-001"  # row 7 of the file
    assert (3, 5, 3, 6) in sheet.merged  # F4:G4


def test_cp1252_semicolon_csv() -> None:
    wb = read_file("laporan.csv", fx.cp1252_semicolon_csv())
    rows = wb.sheets[0].rows
    assert wb.format == "csv"
    assert rows[0][0] == "Kode Perpustakaan"
    assert rows[1][5] == "Kegiatan dongeng café"
    assert rows[2][4] == "–"


def test_utf8_bom_and_tab_csv() -> None:
    data = "\ufeffKode Perpustakaan\tPeriode\tKunjungan\nP-001\t2023-08\t1.234\n".encode()
    rows = read_file("x.csv", data).sheets[0].rows
    assert rows[0] == ["Kode Perpustakaan", "Periode", "Kunjungan"]
    assert decode_text("é".encode("cp1252")) == "é"
    assert sniff_delimiter("a,b;c\n1,2;3\n4,5;6") in {",", ";"}
    assert sniff_delimiter("a;b;c\n1,5;2;3\n4;5,5;6") == ";"


def test_refuses_what_is_not_a_spreadsheet() -> None:
    assert refusal("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) == "bukan_spreadsheet"
    assert refusal("a.pdf", b"%PDF-1.4 ...") == "bukan_spreadsheet"
    assert refusal("a.xlsx", b"\x00\x01\x02binary" * 10) == "bukan_spreadsheet"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    assert refusal("surat.xlsx", buf.getvalue()) == "bukan_spreadsheet"


def test_refuses_corrupt_files() -> None:
    data = fx.messy_monthly_xlsx()
    assert refusal("rusak.xlsx", data[: len(data) // 2]) == "rusak"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not really")
    assert refusal("rusak2.xlsx", buf.getvalue()) == "rusak"
    xls = (FIXTURES / "contoh.xls").read_bytes()
    assert refusal("rusak.xls", xls[: len(xls) // 2]) == "rusak"
    word = OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
    assert refusal("surat.doc", word) == "bukan_spreadsheet"


def test_refuses_password_protected_files() -> None:
    # an encrypted xlsx is an OLE container with EncryptionInfo and EncryptedPackage streams
    fake = OLE_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    assert refusal("rahasia.xlsx", fake) == "berpassword"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", "<manifest:encryption-data/>")
        zf.writestr("content.xml", "x")
    assert refusal("rahasia.ods", buf.getvalue()) == "berpassword"


def test_refuses_files_over_the_size_limit() -> None:
    data = fx.messy_monthly_xlsx()
    assert refusal("besar.xlsx", data, max_mb=len(data) / 1024 / 1024 / 2) == "terlalu_besar"


def test_refuses_zip_bombs_from_the_directory() -> None:
    # a small zip whose directory declares a huge uncompressed sheet: refused before parsing
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    data = buf.getvalue()
    assert len(data) < 100_000
    assert refusal("bom.xlsx", data, max_unzipped_mb=2) == "terurai_terlalu_besar"
    # and the default limit, with a directory that declares 4 GB
    pos = data.rfind(b"PK\x01\x02")
    patched = bytearray(data)
    patched[pos + 24 : pos + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    assert refusal("bom2.xlsx", bytes(patched)) == "terurai_terlalu_besar"
    # and one that inflates 60 MB from a few kB: within the size limit, but a bomb by its ratio
    patched[pos + 24 : pos + 28] = (60 * 1024 * 1024).to_bytes(4, "little")
    assert refusal("bom3.xlsx", bytes(patched)) == "terurai_terlalu_besar"


def test_refuses_empty_files() -> None:
    assert refusal("kosong.csv", b"") == "kosong"
    assert refusal("kosong.xlsx", fx.workbook({"Sheet1": []})) == "kosong"
    assert refusal("kosong2.csv", b"\n\n;;\n") == "kosong"


def test_excel_sep_hint_line() -> None:
    rows = read_file("x.csv", b"sep=;\nKode;Periode\nP-1;2023-08\n").sheets[0].rows
    assert rows == [["Kode", "Periode"], ["P-1", "2023-08"]]


def test_size_limit_is_a_setting(tmp_store) -> None:  # noqa: ANN001
    from kpi.ingest import plan_import
    from kpi.ingest.read import SETTING_MAX_MB

    tmp_store.set_setting(SETTING_MAX_MB, 0.001)
    plan = plan_import(tmp_store, [("besar.xlsx", fx.messy_monthly_xlsx())])
    assert plan.files[0].status == "refused"
    assert plan.files[0].message.rule == "terlalu_besar"
    assert plan.exit_status() == 2


def test_a_damaged_xls_never_brings_the_process_down() -> None:
    """A BIFF record with a wild length makes calamine abort its process (an 800 GB
    allocation): workbooks are read in a child process, so the file is refused as corrupt.
    Run here in a child process too, so that a regression fails this test instead of killing
    the test run."""
    import subprocess
    import sys

    code = (
        "from kpi.ingest.read import read_file\n"
        "from kpi.ingest.messages import RefusalError\n"
        "data = open('tests/fixtures/biff_rusak.xls', 'rb').read()\n"
        "try:\n"
        "    read_file('biff_rusak.xls', data)\n"
        "except RefusalError as exc:\n"
        "    print(exc.rule)\n"
        "print('survived')\n"
    )
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.split() == ["rusak", "survived"]


def test_a_reader_that_takes_too_long_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.ingest import read

    monkeypatch.setattr(read, "READ_TIMEOUT_S", 0.001)
    assert refusal("lambat.xlsx", fx.messy_monthly_xlsx()) == "rusak"
