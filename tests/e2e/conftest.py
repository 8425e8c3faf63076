"""Browser tests: the real app served by Streamlit, driven by Debian's Chromium through Playwright.

- ``app_url``: ``streamlit run app.py`` on a free loopback port, on a copy of the demo database
  built once per session; stopped at the end of the session.
- ``page``: a fresh browser context and page per test. Every request whose host is not the loopback
  is aborted and recorded in ``blocked_requests``: the app must work with no network.
- ``canvas_has_pixels``: whether canvases (plotly.js WebGL, MapLibre maps) drew anything.

Playwright never downloads a browser here: it launches /usr/bin/chromium (``apt-get install
chromium``; .ci/run does it). Without it, these tests are skipped with that reason (under CI=true
they fail instead: CI installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# one copy of the browser's settings, shared with the browser benchmark (kpi.bench.browser)
from kpi.bench.server import CHROMIUM, chromium, loopback_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# WebGL canvases (plotly's gl traces, MapLibre maps) are cleared once a frame is shown unless they
# keep their drawing buffer; keeping it lets canvas_has_pixels read what was drawn.
KEEP_WEBGL_BUFFER = """
(() => {
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, attributes) {
    if (typeof type === "string" && type.startsWith("webgl")) {
      attributes = Object.assign({}, attributes, { preserveDrawingBuffer: true });
    }
    return getContext.call(this, type, attributes);
  };
})();
"""

_CANVAS_HAS_PIXELS_JS = """
(selector) => {
  for (const canvas of document.querySelectorAll(selector)) {
    if (!(canvas instanceof HTMLCanvasElement) || !canvas.width || !canvas.height) continue;
    const w = Math.min(canvas.width, 1024);
    const h = Math.min(canvas.height, 1024);
    const probe = document.createElement("canvas");
    probe.width = w;
    probe.height = h;
    const ctx = probe.getContext("2d", { willReadFrequently: true });
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(canvas, 0, 0, w, h);
    const data = new Uint32Array(ctx.getImageData(0, 0, w, h).data.buffer);
    // fully transparent pixels count as one colour whatever their RGB
    const norm = (px) => ((px >>> 24) === 0 ? 0 : px);
    const first = norm(data[0]);
    for (let i = 1; i < data.length; i++) {
      if (norm(data[i]) !== first) return true;
    }
  }
  return false;
}
"""


def canvas_has_pixels(page: Page, selector: str) -> bool:
    """True when one of the canvases matching ``selector`` drew something.

    A canvas counts as blank when all its pixels are the same: all transparent, or one flat fill
    such as the white background of a map whose layers did not draw. Reads the pixels in the page
    (drawImage into a 2D canvas, then getImageData); WebGL canvases are readable because every
    test page keeps their drawing buffer (see KEEP_WEBGL_BUFFER).
    """
    return bool(page.evaluate(_CANVAS_HAS_PIXELS_JS, selector))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is a browser test (`pytest -m "not e2e"` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def app_db(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's own copy of the demo database (built once per session in tests/conftest.py)."""
    path = tmp_path_factory.mktemp("e2e-db") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture(scope="session")
def app_url(app_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve app.py with Streamlit on a free loopback port until the session ends."""
    from journeys import serve  # the one way these tests start a server

    log = tmp_path_factory.mktemp("e2e-server") / "streamlit.log"
    try:
        with serve(app_db, log) as url:
            yield url
    except RuntimeError as exc:  # the server did not start: say why, with its log
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, shared by the session's tests."""
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: browser tests need Debian's chromium "
            "(apt-get install chromium; .ci/run installs it)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)  # CI installs it: a missing browser there is a broken CI run
        pytest.skip(reason)
    pytest.importorskip("playwright.sync_api")
    with chromium() as browser:
        yield browser


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs that the page asked for beyond the loopback, aborted by the page fixture."""
    return []


@pytest.fixture
def page(browser: Browser, blocked_requests: list[str]) -> Iterator[Page]:
    """A fresh context and page; any request to a host other than the loopback is aborted."""
    context = loopback_context(browser, init_scripts=[KEEP_WEBGL_BUFFER], blocked=blocked_requests)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(name="canvas_has_pixels")
def canvas_has_pixels_fixture() -> Callable[[Page, str], bool]:
    """The canvas check as a fixture, for test modules: ``canvas_has_pixels(page, "canvas")``."""
    return canvas_has_pixels
