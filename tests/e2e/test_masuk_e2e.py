"""Sign-in, roles and areas in a real browser with no network, on a server of its own (a copy of
the demo database with four users):

- a kab/kota analyst (Kab. Sukabumi, 32.02) signs in, imports a file holding monthly reports of
  their own libraries and of Kab. Cianjur (32.03): only their own rows land, the others are
  listed with the reason;
- a leader signs in: no Impor data in the navigation, and its URL says "Tidak ada akses";
- five wrong passwords lock an account, and the form says until when;
- the administrator opens Jejak audit and sees all of it: the import, the refused page, the
  failed sign-ins and the lock, with the hash chain intact.

The tests run in this order (the last reads what the others did). The module is named to run
after test_bench_browser_e2e, which starts Playwright itself before any shared browser exists.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import ingest_fixtures as fx  # noqa: E402
import openpyxl  # noqa: E402
from journeys import (  # noqa: E402
    FIRST_LOAD,
    STEP,
    download,
    heading,
    metric,
    nav,
    no_errors,
    serve,
    wait_run,
)
from playwright.sync_api import Page, expect  # noqa: E402

from kpi import users  # noqa: E402
from kpi.store import Store  # noqa: E402

PASSWORD = "sandi-uji-123"
TEAM = [
    ("admin", "admin", None, None),
    ("ana.sukabumi", "analis", "3202", "3202"),
    ("pimpinan", "pimpinan", None, None),
    ("kons.lupa", "konsultan", "32", None),  # the one who gets locked out
]
MONTH = "2025-12"


@pytest.fixture(scope="module")
def access_app(
    demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """The server on a demo copy with the team; yields its URL and two libraries per kab/kota."""
    folder = tmp_path_factory.mktemp("e2e-access")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db_template, db)
    store = Store(db)
    for name, role, view, capture in TEAM:
        users.add_user(store, name, role, password=PASSWORD, view=view, capture=capture)
    libs = {
        kab: store.query(
            "SELECT kode_perpustakaan FROM perpustakaan WHERE kode_kabupaten_kota = ? "
            "AND jenis = 'desa_kelurahan' ORDER BY 1 LIMIT 2",
            [kab],
        )["kode_perpustakaan"].tolist()
        for kab in ("3202", "3203")
    }
    store.close()
    try:
        with serve(db, folder / "streamlit.log") as url:
            yield url.rstrip("/"), libs
    except RuntimeError as exc:
        pytest.fail(str(exc))


def sign_in(page: Page, url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible(timeout=FIRST_LOAD)
    wait_run(page, FIRST_LOAD)
    page.get_by_label("Nama pengguna").fill(name)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_analyst_imports_only_the_rows_of_their_own_kab_kota(
    page: Page,
    access_app: tuple[str, dict[str, list[str]]],
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    url, libs = access_app
    sign_in(page, f"{url}/impor", "ana.sukabumi")
    heading(page, "Impor data", FIRST_LOAD)
    expect(page.get_by_test_id("stSidebar").get_by_text("ana.sukabumi")).to_be_visible()
    own, other = libs["3202"], libs["3203"]
    rows = [(k, MONTH, 4321) for k in own] + [(k, MONTH, 1234) for k in other]
    data = fx.workbook({"Laporan": fx.monthly_rows(rows)})
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": "laporan_campuran.xlsx", "mimeType": "application/octet-stream", "buffer": data}]
    )
    expect(page.get_by_role("heading", name="Hasil uji coba")).to_be_visible(timeout=STEP)
    wait_run(page)
    expect(metric(page, "Diterima").last).to_have_text(str(len(own)))
    expect(metric(page, "Ditolak").last).to_have_text(str(len(other)))
    # the rows of Kab. Cianjur are listed with the reason, in the same report
    rejected = openpyxl.load_workbook(
        download(
            page, page.get_by_role("button", name="Unduh baris yang ditolak (Excel)"), tmp_path
        )
    ).worksheets[0]
    head = [c.value for c in rejected[1]]
    body = [
        dict(zip(head, r, strict=True)) for r in rejected.iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(str(r["Kode Perpustakaan"]) for r in body) == sorted(other), body
    assert all("wilayah input" in str(r["alasan_ditolak"]) for r in body), body
    page.get_by_role("button", name="Simpan ke basis data").click()
    done = page.get_by_text("Tersimpan sebagai batch")
    expect(done).to_be_visible(timeout=STEP)
    expect(done).to_contain_text(f"{len(other)} baris ditolak")
    wait_run(page)
    no_errors(page)
    assert not blocked_requests


def test_leader_cannot_reach_the_import_page(
    page: Page, access_app: tuple[str, dict[str, list[str]]]
) -> None:
    url, _ = access_app
    # the import page's URL typed by hand (a new tab: a new session, which signs in first)
    sign_in(page, f"{url}/impor", "pimpinan")
    expect(page.get_by_role("heading", name="Tidak ada akses")).to_be_visible(timeout=FIRST_LOAD)
    wait_run(page)
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
    # the navigation offers the leader's pages, never Impor data, Pengaturan or Pengguna
    navigation = page.get_by_test_id("stSidebarNav")
    for hidden in ("Impor data", "Pengaturan", "Pengguna", "Jejak audit"):
        expect(navigation.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    nav(page, "Prioritas pembinaan", "Prioritas pembinaan")
    no_errors(page)


def test_five_wrong_passwords_lock_the_account(
    page: Page, access_app: tuple[str, dict[str, list[str]]]
) -> None:
    url, _ = access_app
    page.goto(url)
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible(timeout=FIRST_LOAD)
    wait_run(page, FIRST_LOAD)
    for attempt in range(1, 6):
        page.get_by_label("Nama pengguna").fill("kons.lupa")
        page.get_by_label("Kata sandi").fill(f"salah-{attempt}")
        page.get_by_role("button", name="Masuk").click()
        # each answer counts the attempt: the next one starts after this one was answered
        expect(page.get_by_text(f"Percobaan gagal di sesi ini: {attempt}.")).to_be_visible(
            timeout=STEP
        )
        wanted = "terkunci" if attempt == 5 else "Nama pengguna atau kata sandi salah"
        expect(page.get_by_text(wanted)).to_be_visible()
        wait_run(page)
    # the right password now: still locked, and the form says until when
    page.get_by_label("Nama pengguna").fill("kons.lupa")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Percobaan gagal di sesi ini: 6.")).to_be_visible(timeout=STEP)
    expect(page.get_by_text("terkunci karena terlalu banyak percobaan gagal")).to_be_visible()
    wait_run(page)
    expect(page.get_by_role("heading", name="Ringkasan program")).to_have_count(0)


def test_admin_sees_it_all_in_jejak_audit(
    page: Page, access_app: tuple[str, dict[str, list[str]]]
) -> None:
    url, _ = access_app
    sign_in(page, url, "admin")
    heading(page, "Ringkasan program", FIRST_LOAD)
    nav(page, "Jejak audit", "Jejak audit")
    expect(page.get_by_text("Rantai hash utuh")).to_be_visible()
    # who did what, one pair at a time: the page counts the events that match
    for who, code in (
        ("ana.sukabumi", "import.commit"),
        ("pimpinan", "access.refused"),
        ("kons.lupa", "login.failed"),
        ("kons.lupa", "login.locked"),
    ):
        _choose(page, "Pelaku", who)
        _choose(page, "Tindakan", code)
        # the count once the run for both choices is done (it may show the last one's first)
        wanted = 5 if code == "login.failed" else 1
        expect(page.get_by_text("peristiwa cocok")).to_have_text(
            re.compile(rf"^{wanted} peristiwa cocok"), timeout=STEP
        )
    no_errors(page)


def _choose(page: Page, label: str, text: str) -> None:
    """Pick the option holding ``text`` in the page's selectbox labelled ``label``."""
    box = (
        page.get_by_test_id("stMain")
        .get_by_test_id("stSelectbox")
        .filter(has=page.get_by_text(label, exact=True))
    )
    box.locator("input").click()
    box.locator("input").fill(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    wait_run(page)
