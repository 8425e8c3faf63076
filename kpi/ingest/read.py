"""Step 1, read: bytes of an uploaded file -> its sheets as rows of raw cells, or a refusal.

Refusals come first and cheap, from the first bytes and (for zip containers) the zip directory,
before any parsing: not a spreadsheet, corrupt, password-protected, too large, inflating beyond a
safe size (or ratio), empty. Workbooks (xlsx, xlsm, xlsb, xls, ods) are read with
python-calamine, and csv files with the standard library after sniffing the encoding and the
delimiter, in a child process with a memory limit and a timeout (see _reader.py): a damaged file
can make a native reader abort, and a million-row csv parsed as Python lists takes gigabytes.
The child sends each distinct string once, so the server holds only the rows' lists and distinct
values. A csv field over the csv module's default limit is kept and listed (``long_cells``): it
is a problem of that cell, never of the file. Limits: settings impor.batas_ukuran_mb (default 50)
and impor.batas_terurai_mb (default 600).
"""

from __future__ import annotations

import hashlib
import io
import pickle
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.ingest._reader import (  # noqa: F401  (decode_text, sniff_delimiter: the csv steps)
    LONG_CELL_CHARS,
    decode_text,
    read_csv_rows,
    sniff_delimiter,
)
from kpi.ingest.messages import RefusalError
from kpi.settings import IMPORT_DEFAULTS, IMPORT_MAX_MB_KEY, IMPORT_MAX_UNZIPPED_MB_KEY

# the limits are settings (kpi.settings): their keys and defaults; an .xlsx is a zip, its
# declared uncompressed size is checked against the second before parsing
SETTING_MAX_MB = IMPORT_MAX_MB_KEY
SETTING_MAX_UNZIPPED_MB = IMPORT_MAX_UNZIPPED_MB_KEY
DEFAULT_MAX_MB = IMPORT_DEFAULTS[IMPORT_MAX_MB_KEY]
DEFAULT_MAX_UNZIPPED_MB = IMPORT_DEFAULTS[IMPORT_MAX_UNZIPPED_MB_KEY]
MAX_RATIO = 100

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc")


@dataclass(frozen=True)
class RawSheet:
    """One sheet as read: ``rows[i]`` is row ``i + 1`` of the file, as the analyst numbers it."""

    name: str
    rows: list[list[Any]]
    # merged cells as (first_row, first_col, last_row, last_col), 0-based, inclusive
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # csv fields longer than the csv module's default limit: (row, column), 0-based
    long_cells: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Workbook:
    file_name: str
    format: str  # xlsx, xls, ods, csv
    sheets: list[RawSheet]
    checksum: str  # sha256 of the bytes
    size_bytes: int


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(data: bytes, max_mb: float = DEFAULT_MAX_MB) -> None:
    if len(data) == 0:
        raise RefusalError("kosong")
    if len(data) > max_mb * 1024 * 1024:
        raise RefusalError(
            "terlalu_besar", ukuran=f"{len(data) / 1024 / 1024:.1f}", batas=f"{max_mb:g}"
        )


def sniff_format(name: str, data: bytes, max_unzipped_mb: float = DEFAULT_MAX_UNZIPPED_MB) -> str:
    """The file's real format from its bytes (never from its name alone), or a refusal."""
    head = data[:8]
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, max_unzipped_mb)
    if head.startswith(OLE_MAGIC):
        # an encrypted xlsx is an OLE container holding EncryptionInfo + EncryptedPackage
        if (
            "EncryptedPackage".encode("utf-16-le") in data
            or "EncryptionInfo".encode("utf-16-le") in data[: 65536 * 8]
        ):
            raise RefusalError("berpassword")
        for other in ("WordDocument", "PowerPoint Document", "__substg1.0_"):
            if other.encode("utf-16-le") in data:
                raise RefusalError("bukan_spreadsheet")  # Word, PowerPoint, Outlook
        return "xls"  # a broken one is reported as corrupt when it is parsed
    if any(head.startswith(m) for m in _BINARY_MAGICS):
        raise RefusalError("bukan_spreadsheet")
    sample = data[:65536]
    if b"\x00" in sample:
        raise RefusalError("bukan_spreadsheet")
    lowered = sample.lstrip().lower()
    if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html"):
        raise RefusalError("bukan_spreadsheet")
    return "csv"


def _sniff_zip(data: bytes, max_unzipped_mb: float) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # not a readable zip directory
        raise RefusalError("rusak", detail=str(exc)) from exc
    declared = sum(i.file_size for i in infos)
    # a real workbook inflates 3 to 20 times; far beyond that on a large size is a zip bomb
    bomb = declared > 50 * 1024 * 1024 and declared > MAX_RATIO * len(data)
    if declared > max_unzipped_mb * 1024 * 1024 or bomb:
        raise RefusalError(
            "terurai_terlalu_besar",
            ukuran=f"{declared / 1024 / 1024:,.0f}",
            batas=f"{max_unzipped_mb:g}",
        )
    names = {i.filename for i in infos}
    if "mimetype" in names:
        try:
            mimetype = zf.read("mimetype")[:100]
            manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        except Exception as exc:  # a damaged member: bad CRC, deflate data, unknown method
            raise RefusalError("rusak", detail=str(exc)) from exc
        if b"spreadsheet" not in mimetype:
            raise RefusalError("bukan_spreadsheet")
        if b"encryption-data" in manifest:
            raise RefusalError("berpassword")
        return "ods"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            return "xlsb"
        return "xlsx"
    if "[Content_Types].xml" in names:
        raise RefusalError("bukan_spreadsheet")  # a Word or PowerPoint file
    if not infos:
        raise RefusalError("kosong")
    raise RefusalError("bukan_spreadsheet")


def read_file(
    name: str,
    data: bytes,
    max_mb: float = DEFAULT_MAX_MB,
    max_unzipped_mb: float = DEFAULT_MAX_UNZIPPED_MB,
) -> Workbook:
    """Read every sheet of an uploaded file; ``RefusalError`` for a file that cannot be used."""
    check_size(data, max_mb)
    fmt = sniff_format(name, data, max_unzipped_mb)
    sheets = read_csv(data) if fmt == "csv" else read_workbook(data)
    if not any(_has_data(s.rows) for s in sheets):
        raise RefusalError("kosong")
    return Workbook(
        file_name=Path(name).name,
        format=fmt,
        sheets=sheets,
        checksum=checksum(data),
        size_bytes=len(data),
    )


def _has_data(rows: list[list[Any]]) -> bool:
    return any(any(c is not None and c != "" for c in row) for row in rows)


READER_SCRIPT = Path(__file__).with_name("_reader.py")
# the child that reads a workbook: a damaged file can at worst be refused, never stop the app
READ_TIMEOUT_S = 120.0
READ_MEMORY_MB = 6144.0


def read_workbook(data: bytes, isolated: bool = True) -> list[RawSheet]:
    """Every worksheet of an xlsx, xlsm, xlsb, xls or ods, read by python-calamine in a child
    process with a memory limit and a timeout (``isolated=False``: in this process)."""
    if isolated:
        result = _read_in_child(data)
    else:
        from kpi.ingest._reader import read_sheets

        result = read_sheets(data)
    return _sheets(result)


def _sheets(result: tuple[Any, ...]) -> list[RawSheet]:
    if result[0] != "ok":
        _, rule, detail = result
        raise RefusalError(rule, detail=detail)
    return [
        RawSheet(name=n, rows=rows, merged=merged, long_cells=long)
        for n, rows, merged, long in result[1]
    ]


def _read_in_child(data: bytes, mode: str = "workbook") -> tuple[Any, ...]:
    try:
        proc = subprocess.run(
            [sys.executable, "-P", str(READER_SCRIPT), str(READ_MEMORY_MB), mode],
            input=data,
            capture_output=True,
            timeout=READ_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RefusalError(
            "rusak", detail=f"membaca berkas melebihi {READ_TIMEOUT_S:.0f} s / reading timed out"
        ) from exc
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise RefusalError("rusak", detail=(detail[0] if detail else "")[:200])
    return pickle.loads(proc.stdout)  # type: ignore[no-any-return]


def read_csv(data: bytes, isolated: bool = True) -> list[RawSheet]:
    """A csv file (comma, semicolon, tab or pipe; UTF-8, UTF-8 with BOM or Windows-1252) as one
    sheet, parsed in the same memory-limited child as workbooks (``isolated=False``: here).
    A field over the csv module's default limit is kept and listed in ``long_cells``: its
    column decides whether it is an error (see parse.py)."""
    result = _read_in_child(data, "csv") if isolated else read_csv_rows(data)
    return _sheets(result)
