"""Hostile stored text in a real browser (issue 11), on a server of its own whose database holds
the names, file names and free text of tests/hostile_fixtures.py: Markdown images and links,
``<a href>``, ``<b>``, ``=HYPERLINK(...)``, a name of 40,000 characters.

On every page (and the Profil of a library and of its province, the import history with its
undo confirmation, the boundary file on Pengaturan): no element the payloads try to inject (no
image or link to the outside host, in HTML or in Plotly's SVG), no request beyond the loopback,
and the payloads shown as the characters they are. Last, a double click on the undo
confirmation undoes the batch it names and nothing else, and the page stays on the history.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import hostile_fixtures as hf  # noqa: E402
from journeys import FIRST_LOAD, STEP, no_errors, open_page, serve, wait_run  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from kpi.store import Store  # noqa: E402

# what the payloads would inject, wherever it appears in the page (HTML or SVG)
INJECTED_JS = """
(host) => {
  const found = [];
  for (const el of document.querySelectorAll('img, a, image, source, iframe, link, script')) {
    for (const attr of ['src', 'href', 'xlink:href', 'srcset']) {
      const v = el.getAttribute(attr);
      if (v && v.includes(host)) found.push(el.tagName + ' ' + attr + '=' + v);
    }
  }
  // bold text made by a payload: <b>B</b> rendered instead of shown
  for (const el of document.querySelectorAll('b, strong, tspan[style*="bold"]')) {
    if (el.textContent.trim() === 'B') found.push(el.tagName + ' B (a live <b> tag)');
  }
  return found;
}
"""
LITERAL = (
    "[Login](http://example.invalid/phish)",
    "<b>B</b>",
    "![p](http://example.invalid/x.png)",
)


@pytest.fixture(scope="module")
def hostile_app(
    demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("hostile-e2e")
    db = folder / "hostile.duckdb"
    shutil.copy(demo_db_template, db)
    codes = hf.make_hostile(db)
    store = Store(db, read_only=True)  # read before the server holds the file
    try:
        name = store.scalar(
            "SELECT nama_perpustakaan FROM perpustakaan WHERE kode_perpustakaan = ?",
            [codes["library"]],
        )
    finally:
        store.close()
    shutil.copy(db, folder / "pristine.duckdb")  # for the undo test's own server
    try:
        with serve(db, folder / "streamlit.log") as url:
            yield {"url": url, "db": str(db), "name": name, **codes}
    except RuntimeError as exc:
        pytest.fail(str(exc))


def _text(page: Page) -> str:
    return page.inner_text("body").replace("\u2060", "")


def _assert_clean(page: Page, blocked: list[str], where: str) -> None:
    injected = page.evaluate(INJECTED_JS, hf.HOST)
    assert injected == [], f"{where}: injected from stored text: {injected[:10]}"
    assert blocked == [], f"{where}: requests beyond the loopback: {blocked}"
    no_errors(page)


SHOWN_JS = """
(text) => document.body.innerText.replaceAll('\\u2060', '').includes(text)
  || [...document.querySelectorAll('svg text')].some(e => e.textContent.includes(text))
"""


def _assert_shown(page: Page, where: str, *extra: str, payloads: tuple[str, ...] = LITERAL) -> None:
    """Each payload appears as the characters it is: in the page's text (a word joiner, which
    is invisible, keeps addresses from becoming links) or in a chart's SVG text. Charts draw
    after the run ends: this waits until the text is there."""
    for text in (*payloads, *extra):
        try:
            page.wait_for_function(SHOWN_JS, arg=text, timeout=STEP)
        except Exception as exc:  # noqa: BLE001 - say which text, on which page
            raise AssertionError(f"{where}: {text!r} is not shown as itself") from exc


PAGES = [
    ("", "Ringkasan program"),
    ("peta", "Peta"),
    ("prioritas", "Prioritas pembinaan"),
    ("jelajah?jelajah_tingkat=perpustakaan", "Jelajah KPI"),
    ("kualitas", "Kualitas data"),
]


def test_no_page_renders_stored_text(
    hostile_app: dict[str, str], page: Page, blocked_requests: list[str]
) -> None:
    base = hostile_app["url"]
    for path, heading in PAGES:
        open_page(page, base + path, heading, timeout=FIRST_LOAD)
        _assert_clean(page, blocked_requests, path or "ringkasan")
        if not path.startswith("peta"):  # the map's names are in its canvas and hovers
            _assert_shown(page, path or "ringkasan")
    # the map of one province: its libraries' points and hovers
    open_page(page, f"{base}peta?provinsi={hostile_app['provinsi']}", "Peta")
    _assert_clean(page, blocked_requests, "peta, one province")


def test_profiles_show_names_as_themselves(
    hostile_app: dict[str, str], page: Page, blocked_requests: list[str]
) -> None:
    base = hostile_app["url"]
    open_page(page, f"{base}profil?kode={hostile_app['library']}&tingkat=perpustakaan", "Profil:")
    _assert_clean(page, blocked_requests, "profil perpustakaan")
    _assert_shown(page, "profil perpustakaan", hf.shown(hf.ADDRESS), hf.shown(hf.CONTACT))
    title = page.get_by_role("heading", level=1).first
    # the title is the name itself, character for character, with nothing inside it
    assert title.inner_text().replace("\u2060", "").strip() == "Profil: " + hf.shown(
        hostile_app["name"]
    )
    assert title.locator("a[href*='example.invalid'], img, b, strong, em, code").count() == 0
    open_page(page, f"{base}profil?kode={hostile_app['provinsi']}&tingkat=provinsi", "Profil:")
    _assert_clean(page, blocked_requests, "profil provinsi")
    _assert_shown(page, "profil provinsi")


def test_import_history_and_boundary_file_names(
    hostile_app: dict[str, str], page: Page, blocked_requests: list[str]
) -> None:
    base = hostile_app["url"]
    open_page(page, base + "pengaturan", "Pengaturan")
    page.get_by_role("tab", name="Batas kabupaten/kota").click()
    _assert_shown(page, "pengaturan", payloads=(hf.shown(hf.GEOJSON_NAME),))
    _assert_clean(page, blocked_requests, "pengaturan")

    open_page(page, base + "impor", "Impor data")
    page.get_by_role("tab", name="Riwayat impor").click()
    page.get_by_role("button", name="Batalkan batch ini").click()
    confirmation = page.get_by_text("Batch ini:")
    expect(confirmation).to_be_visible(timeout=STEP)
    said = confirmation.inner_text().replace("\u2060", "")
    assert hostile_app["batch"] in said and hf.shown(hf.HOSTILE_FILE) in said
    _assert_clean(page, blocked_requests, "impor history")


def test_a_double_click_on_the_undo_confirmation_undoes_only_its_batch(
    hostile_app: dict[str, str], page: Page, blocked_requests: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "undo.duckdb"
    shutil.copy(Path(hostile_app["db"]).parent / "pristine.duckdb", db)
    with serve(db, tmp_path / "streamlit.log") as url:
        open_page(page, url + "impor", "Impor data")
        page.get_by_role("tab", name="Riwayat impor").click()
        page.get_by_role("button", name="Batalkan batch ini").click()
        page.get_by_role("button", name="Ya, batalkan").dblclick()
        expect(page.get_by_text(f"Batch {hostile_app['batch']} dibatalkan")).to_be_visible(
            timeout=STEP
        )
        wait_run(page)
        no_errors(page)  # the second click is no error: the batch it names is undone
        # the page stays on the history tab
        expect(page.get_by_role("tab", name="Riwayat impor")).to_have_attribute(
            "aria-selected", "true"
        )
        _assert_clean(page, blocked_requests, "impor after the undo")
    store = Store(db, read_only=True)
    try:
        status = dict(
            store.query("SELECT batch_id, status FROM import_batch").itertuples(
                index=False, name=None
            )
        )
        rows = store.scalar(
            "SELECT count(*) FROM laporan_bulanan WHERE batch_id = ?", [hostile_app["batch"]]
        )
    finally:
        store.close()
    assert status[hostile_app["batch"]] == "undone" and rows == 0
    assert [s for b, s in status.items() if b != hostile_app["batch"]] == ["committed"]  # the demo
