"""The report card (kpi.rapor) on the small store of test_compute: the PDF's text, read back
with pdftotext, holds the figures computed by hand here, in both languages; a name from a file
prints literally; page 1 renders (pdftoppm) to an image that is not blank.

The store: village libraries A, B (renamed to a hostile name), C, J in NTB (52), K the kab/kota
library of Lombok Barat (5201), P the provincial library, N in NTT. The score settings are
test_score's (one KPI per pillar). Period January-February 2024.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_compute import CIEL, LIBS, REPORTS, TARGETS, build_store
from test_score import settings

from kpi import rapor, score
from kpi.__main__ import main
from kpi.store import Store

PERIOD = "2024-01..2024-02"
HOSTILE = '<b>x</b> =HYPERLINK("u")'

# CI installs poppler-utils (.ci/run): there a missing pdftotext fails instead of skipping
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI")
    and (shutil.which("pdftotext") is None or not shutil.which("pdftoppm")),
    reason="poppler-utils (pdftotext, pdftoppm) is not installed: apt-get install poppler-utils",
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    libs = [(lib[0], HOSTILE, *lib[2:]) if lib[0] == "B" else lib for lib in LIBS]
    s = build_store(tmp_path / "rapor.duckdb", libs, REPORTS, TARGETS, CIEL)
    score.save_settings(s, settings())
    yield s
    s.close()


def text_of(pdf: bytes, tmp_path: Path, name: str = "card") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(out.stdout.split())  # one line: wrapping and layout spaces do not matter


def pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def test_library_card_in_indonesian_holds_the_hand_computed_figures(
    store: Store, tmp_path: Path
) -> None:
    pdf = rapor.build_pdf(store, "perpustakaan", "A", PERIOD, "id")
    assert pdf.startswith(b"%PDF-")
    assert pages(pdf, tmp_path) == 1  # a library's card is one page
    text = text_of(pdf, tmp_path)
    assert "Rapor Desa A" in text
    assert "Kabupaten Lombok Barat · Nusa Tenggara Barat · kode A" in text
    assert "Periode: Januari 2024 – Februari 2024" in text
    # score (35 x 100 + 40 x 25) / 75 = 60: yellow; information 150 visits per 1,000 against the
    # peers' P90 of 140, capped at 100; engagement 1 activity a month against NTB's 4 = 25
    assert "60,0 100,0 25,0 – 100,0%" in text
    assert "Kuning" in text
    assert "2 dari 2 bulan yang diharapkan dilaporkan" in text
    # peers: B 100 and J 62,5 score higher; their median 81,25 shows with one decimal
    assert "Peringkat 3 dari 3 sejawat (median sejawat 81,2)" in text
    # coaching at 2024-02 over 2023-03..2024-02: expected from January 2023 (after joining in
    # 2022), so 12 months, of which 2 reported: rule D alone
    assert "Tingkat pembinaan: Pembinaan pelaporan, jendela 2023-03..2024-02" in text
    assert "Perlu pembinaan pelaporan: 10 dari 12 bulan tidak dilaporkan" in text
    # visits 100 + 200; a year earlier 80 + 100; the only peer with visits is J (70)
    assert "Kunjungan 300 180 – – 70 1 dari 2" in text
    # 2 activities over 2 months = 1.00 a month against the target of 4.00: 25%
    assert "Kegiatan per perpustakaan per bulan 1,00 – 4,00 25,0%" in text
    # 5A from January only (every stage reported): 400, 100, 5, 40, 4; PAR 40/400, BAR 4/400
    assert "400 100 5 40 4 10,0% 1,0%" in text
    assert "Dari 1 bulan-perpustakaan yang melaporkan semua tahap (dari 2" in text
    # CIEL: the 2023-S2 assessment (the 2024-S2 one starts after February): mean of 50, 60, 70,
    # 80 = 65; 5 points above the score of 60
    assert "Indeks CIEL 65,0" in text
    assert "sejalan dengan skor terukur (selisih 5,0 poin)" in text
    assert "bobot skor: layanan informasi 35, pelibatan masyarakat 40, advokasi 25" in text
    assert "data sampai Februari 2024" in text


def test_library_card_in_english(store: Store, tmp_path: Path) -> None:
    text = text_of(rapor.build_pdf(store, "perpustakaan", "A", PERIOD, "en"), tmp_path)
    assert "Report card: Desa A" in text
    assert "Period: January 2024 – February 2024" in text
    assert "60.0 100.0 25.0 – 100.0%" in text
    assert "Yellow" in text and "Kuning" not in text
    assert "Rank 3 of 3 peers (peer median 81.2)" in text
    assert "Coaching tier: Reporting coaching, window 2023-03..2024-02" in text
    assert "Needs reporting coaching: 10 of 12 months not reported" in text
    assert "Visits 300 180 – – 70 1 of 2" in text
    assert "Activities per library-month 1.00 – 4.00 25.0%" in text
    assert "400 100 5 40 4 10.0% 1.0%" in text
    assert "CIEL index 65.0" in text
    assert "Pembinaan" not in text and "Periode" not in text


def test_a_hostile_name_prints_literally(store: Store, tmp_path: Path) -> None:
    lib = text_of(rapor.build_pdf(store, "perpustakaan", "B", PERIOD, "id"), tmp_path, "b")
    assert f"Rapor {HOSTILE}" in lib
    # the kab/kota card lists it among its libraries needing coaching, as typed
    kab = text_of(rapor.build_pdf(store, "kabupaten_kota", "52.01", PERIOD, "en"), tmp_path)
    assert f"{HOSTILE} · B" in kab


def test_kab_kota_card_lists_bands_and_its_libraries_needing_coaching(
    store: Store, tmp_path: Path
) -> None:
    text = text_of(rapor.build_pdf(store, "kabupaten_kota", "5201", PERIOD, "id"), tmp_path)
    assert "Rapor Kabupaten Lombok Barat" in text
    # A yellow (60), B green (100), K green
    assert "merah 0, kuning 1, hijau 2, tanpa skor 0" in text
    # every one of A, B, K misses at least 10 of its 12 months: reporting coaching
    assert "3 perpustakaan dinilai pada jendela 2023-03..2024-02" in text
    assert "Pembinaan pelaporan 3" in text
    assert "Perpustakaan yang perlu pembinaan (3)" in text
    for name in ("Desa A · A", "Kab Lombok Barat · K"):
        assert name in text
    assert "Perpustakaan wilayah ini sendiri: Pembinaan pelaporan" in text  # K


def test_province_card_ranks_its_kab_kota(store: Store, tmp_path: Path) -> None:
    text = text_of(rapor.build_pdf(store, "provinsi", "52", PERIOD, "en"), tmp_path)
    assert "Report card: Nusa Tenggara Barat" in text
    # Lombok Barat: A, B, K all reporting coaching (3 of 3); Lombok Tengah: C of C and J
    assert "Kabupaten Lombok Barat 3 0 0 3 100.0%" in text
    assert "Kabupaten Lombok Tengah 2 0 0 1 50.0%" in text
    # A, B, C, K and the provincial library P
    assert "Libraries needing coaching (5)" in text
    assert "The area's own library: Reporting coaching" in text


def test_page_one_renders_to_a_picture_that_is_not_blank(store: Store, tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "card.pdf"
    path.write_bytes(rapor.build_pdf(store, "perpustakaan", "A", PERIOD, "id"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
        capture_output=True,
    )
    png = next(tmp_path.glob("p*.png"))
    image = Image.open(png).convert("L")
    assert image.size[1] > image.size[0] > 300  # A4 portrait
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 0.01 * image.size[0] * image.size[1]  # text and tables, not an empty page


def test_unknown_places_and_periods(store: Store) -> None:
    with pytest.raises(rapor.UnknownPlaceError):
        rapor.gather(store, "perpustakaan", "ZZZ", PERIOD)
    with pytest.raises(rapor.UnknownPlaceError):
        rapor.gather(store, "provinsi", "5201", PERIOD)  # a kab/kota code at the wrong level
    assert (
        rapor.file_name("DES/../1 x", "2025-01..2025-12") == "rapor_DES____1_x_2025-01__2025-12.pdf"
    )


def test_command_line_writes_the_card_and_refuses_an_unknown_code(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(store.path)
    store.close()
    out = tmp_path / "kab.pdf"
    rc = main(["rapor", "--db", db, "--kode", "52.01", "--period", PERIOD, "--out", str(out)])
    assert rc == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Kabupaten Lombok Barat" in capsys.readouterr().out
    bad = tmp_path / "none.pdf"
    rc = main(["rapor", "--db", db, "--kode", "ZZZ", "--lang", "en", "--out", str(bad)])
    assert rc == 2
    assert "There is no library with the code ZZZ in this database." in capsys.readouterr().err
    assert not bad.exists()
    rc = main(["rapor", "--db", db, "--kode", "A", "--period", "2024-13", "--out", str(bad)])
    assert rc == 2 and not bad.exists()


def test_a_zip_of_every_card_of_a_kab_kota(store: Store, tmp_path: Path) -> None:
    import io
    import zipfile

    data, n = rapor.build_zip(store, "kabupaten_kota", "5201", PERIOD, "en")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    # the area's card first, then its partner libraries A, B and K
    assert n == 4
    assert names[0] == "00_rapor_5201_2024-01__2024-02.pdf"
    assert sorted(names[1:]) == [
        "rapor_A_2024-01__2024-02.pdf",
        "rapor_B_2024-01__2024-02.pdf",
        "rapor_K_2024-01__2024-02.pdf",
    ]
    card = zipfile.ZipFile(io.BytesIO(data)).read("rapor_A_2024-01__2024-02.pdf")
    # a card made within the batch says what the card made alone says (up to its footer's time)
    within = text_of(card, tmp_path, "zip_a").split(" Made ")[0]
    alone = text_of(rapor.build_pdf(store, "perpustakaan", "A", PERIOD, "en"), tmp_path, "a")
    assert within == alone.split(" Made ")[0]
    with pytest.raises(ValueError):
        rapor.build_zip(store, "perpustakaan", "A", PERIOD)
