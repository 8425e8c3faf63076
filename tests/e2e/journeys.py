"""Helpers of the browser tests: the user journeys (tests/e2e/test_journey_*.py) and the page
tests (tests/e2e/test_*_e2e.py) wait, read metrics and count drawn charts with these.

Each journey gets its OWN Streamlit server on its own database file, so one journey's writes (an
import, a cleared demo, saved settings) never leak into another test, and the order of the test
files does not matter.

The server is started the way tests/e2e/conftest.py starts the shared one (``streamlit run
app.py`` on a free loopback port, file watcher off, stats off, waited for on its health
endpoint: kpi.bench.server, which the browser benchmark uses too); the browser, the page with
every non-loopback request aborted (``blocked_requests``) and ``canvas_has_pixels`` come from
that conftest's fixtures.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
from playwright.sync_api import Download, Locator, Page, expect

from kpi.bench.server import streamlit_server

FIRST_LOAD = 120_000  # ms: a first load also fills the caches (or loads the demo)
STEP = 60_000  # ms: one user action on 2 busy cores

ERRORS = (
    '[data-testid="stException"], [data-testid="stAlertContentError"], '
    '[data-testid="stErrorElement"]'
)
RUN_FINISHED = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
    '[data-test-script-state="notRunning"]'
)
MAP_CANVAS = '[data-testid="stPlotlyChart"] canvas.maplibregl-canvas'
PLOT = '[data-testid="stPlotlyChart"] .js-plotly-plot'
BARS = f"{PLOT} g.barlayer g.point path"
# the SVG paths that plotly.js really drew (a path with no outline has an empty "d")
DRAWN = "els => els.filter(e => (e.getAttribute('d') || '').length > 2).length"


@contextmanager
def serve(db: Path, log: Path) -> Iterator[str]:
    """``streamlit run app.py -- --db DB`` on a free loopback port; yields the base URL."""
    with streamlit_server("app.py", log, db=db) as server:
        yield server.url


# ---------------------------------------------------------------------------------------------
# waiting on the app's own state


def wait_run(page: Page, timeout: float = STEP) -> None:
    """Streamlit connected and its script run finished."""
    page.wait_for_selector(RUN_FINISHED, state="attached", timeout=timeout)


def heading(page: Page, name: str, timeout: float = STEP) -> None:
    expect(page.get_by_role("heading", name=name).first).to_be_visible(timeout=timeout)
    wait_run(page, timeout)


def open_page(
    page: Page, url: str, name: str, *, exact: bool = False, timeout: float = FIRST_LOAD
) -> None:
    """Open ``url`` (a first load) and wait for the heading ``name`` and the end of the run."""
    page.goto(url)
    expect(page.get_by_role("heading", name=name, exact=exact)).to_be_visible(timeout=timeout)
    wait_run(page, timeout)


# an expander's <details> once its open animation is over: Streamlit animates the height for
# 500 ms (restarted when the content resizes as it draws), and when an animation ends the details
# keep their stale inline height for a frame, so the main area's scroll jumps; a dropdown open at
# that moment (react-aria closes a popover when an ancestor of its trigger scrolls) closes under
# the click.
EXPANDER_SETTLED = """(el) => {
  const d = el.querySelector('details');
  return !!d && d.open && !d.style.height && d.getAnimations().length === 0;
}"""
# the list of a selectbox or multiselect that is open, not one fading out
OPEN_DROPDOWN = (
    '[data-testid="stMultiSelectDropdown"]:not([data-exiting]), '
    '[data-testid="stSelectboxVirtualDropdown"]:not([data-exiting])'
)


def open_expander(page: Page, label: str, timeout: float = STEP) -> Locator:
    """Open the expander whose summary reads ``label``; return it once it stopped moving."""
    expander = page.get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text(label, exact=True)
    )
    expander.locator("summary").click()
    page.wait_for_function(EXPANDER_SETTLED, arg=expander.element_handle(), timeout=timeout)
    return expander


def multiselect_pick(box: Locator, typed: str, option: str, timeout: float = STEP) -> None:
    """Type ``typed`` in the multiselect ``box``, click ``option``, and see its chip appear."""
    page = box.page
    chooser = box.locator("input")
    chooser.click()
    chooser.fill(typed)  # the list filters as the analyst types
    page.locator(OPEN_DROPDOWN).get_by_role("option", name=option, exact=True).click()
    expect(
        box.get_by_test_id("stMultiSelectTagsContainer").get_by_text(option, exact=True)
    ).to_be_visible(timeout=timeout)


def no_errors(page: Page) -> None:
    expect(page.locator(ERRORS)).to_have_count(0)


def drawn_paths(page: Page, selector: str) -> int:
    """How many of the SVG paths matching ``selector`` plotly.js drew (bars, lines, points)."""
    return int(page.eval_on_selector_all(selector, DRAWN))


def metric(scope: Page | Locator, label: str) -> Locator:
    """The value of the metric labelled ``label`` on the page or inside a container."""
    root = scope if isinstance(scope, Page) else scope.page  # ``has`` is relative to the metric
    return (
        scope.get_by_test_id("stMetric")
        .filter(has=root.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        .get_by_test_id("stMetricValue")
    )


def metric_int(page: Page, label: str) -> int:
    """A metric's value as an integer (Indonesian thousands dots removed)."""
    text = metric(page, label).first.inner_text().strip()
    digits = re.sub(r"[.\s]", "", text)
    assert digits.isdigit(), f"{label}: {text!r} is not a whole number"
    return int(digits)


def nav(page: Page, title: str, heading_text: str) -> None:
    """Go to a page the way a user does: its link in the sidebar navigation."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    heading(page, heading_text)


def sidebar_select(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox labelled ``label``."""
    box = (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stSelectbox")
        .filter(has=page.get_by_text(label, exact=True))
    )
    box.locator("input").click()
    box.locator("input").fill(option)  # the list is virtualised: type to bring the option up
    page.get_by_role("option", name=option, exact=True).click()
    expect(box.locator("input")).to_have_value(option)
    wait_run(page)


def download(page: Page, button: Locator, folder: Path, timeout: float = STEP) -> Path:
    with page.expect_download(timeout=timeout) as info:
        button.click()
    d: Download = info.value
    path = folder / d.suggested_filename
    d.save_as(path)
    return path


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def no_formulas(wb: openpyxl.Workbook) -> None:
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"


def map_draws(page: Page, canvas_has_pixels: object, timeout: float = STEP) -> None:
    """The page's MapLibre canvas is attached and has drawn something (not one flat colour)."""
    expect(page.locator(MAP_CANVAS).first).to_be_attached(timeout=timeout)
    page.wait_for_function(
        """(sel) => [...document.querySelectorAll(sel)].some(c => c.width > 0 && c.height > 0)""",
        arg=MAP_CANVAS,
        timeout=timeout,
    )
    # MapLibre draws on its next frames: wait until the canvas holds pixels (the app's own state)
    page.wait_for_function(
        """(sel) => {
          for (const canvas of document.querySelectorAll(sel)) {
            const p = document.createElement("canvas");
            p.width = Math.min(canvas.width, 512); p.height = Math.min(canvas.height, 512);
            const ctx = p.getContext("2d", { willReadFrequently: true });
            ctx.drawImage(canvas, 0, 0, p.width, p.height);
            const d = new Uint32Array(ctx.getImageData(0, 0, p.width, p.height).data.buffer);
            const norm = (px) => ((px >>> 24) === 0 ? 0 : px);
            for (let i = 1; i < d.length; i++) if (norm(d[i]) !== norm(d[0])) return true;
          }
          return false;
        }""",
        arg=MAP_CANVAS,
        timeout=timeout,
    )
    assert canvas_has_pixels(page, MAP_CANVAS), "the map's canvas is blank"  # type: ignore[operator]
