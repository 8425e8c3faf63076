"""The overview page in a real browser: coverage figures, language switch, charts that draw.

AppTest checks what the script sends; only a browser shows that plotly.js really draws and that
nothing on the page reaches beyond the loopback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import (  # noqa: E402
    FIRST_LOAD,
    PLOT,
    drawn_paths,
    metric,
    no_errors,
    open_page,
    wait_run,
)
from playwright.sync_api import Page, expect  # noqa: E402

# bars (cohorts, completeness) and lines (trends), as plotly.js draws them
TRACE_PATHS = f"{PLOT} g.barlayer g.point path, {PLOT} g.scatterlayer path.js-line"


def test_overview_shows_the_coverage_in_indonesian(
    page: Page,
    app_url: str,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    open_page(page, app_url, "Ringkasan program")
    expect(metric(page, "Provinsi")).to_have_text("34")
    expect(metric(page, "Kabupaten/kota")).to_have_text("399")
    expect(metric(page, "Desa/kelurahan")).to_have_text("3.505")
    expect(page.get_by_test_id("stAlertContentWarning").first).to_contain_text("Data demo")
    no_errors(page)
    page.screenshot(path=tmp_path / "overview.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_switching_to_english(page: Page, app_url: str) -> None:
    open_page(page, app_url, "Ringkasan program")
    page.get_by_test_id("stSidebar").get_by_test_id("stRadio").get_by_text(
        "English", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Program overview")).to_be_visible()
    expect(metric(page, "Provinces")).to_have_text("34")
    expect(metric(page, "Regencies/cities")).to_have_text("399")
    expect(metric(page, "Villages")).to_have_text("3,505")
    expect(page.get_by_test_id("stMetricValue").filter(has_text="3.505")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentWarning").first).to_contain_text("Demo data")
    wait_run(page)
    no_errors(page)


def test_plotly_charts_draw(page: Page, app_url: str) -> None:
    open_page(page, app_url, "Ringkasan program")
    # plotly's renderer is a lazily loaded script: give it time on a busy machine
    expect(page.locator(PLOT).first).to_be_visible(timeout=FIRST_LOAD)
    assert page.locator(f"{PLOT} svg.main-svg").count() > 0
    expect(page.locator(TRACE_PATHS).first).to_be_attached(timeout=FIRST_LOAD)
    drawn = drawn_paths(page, TRACE_PATHS)
    assert drawn > 0, "plotly charts have no drawn bar or line"
    no_errors(page)


def test_canvas_has_pixels_tells_blank_from_drawn(
    page: Page, canvas_has_pixels: Callable[[Page, str], bool]
) -> None:
    page.set_content(
        '<canvas id="c2d" width="40" height="20"></canvas>'
        '<canvas id="cgl" width="40" height="20"></canvas>'
    )
    assert not canvas_has_pixels(page, "#c2d")  # transparent
    page.evaluate(
        """() => {
          const ctx = document.getElementById("c2d").getContext("2d");
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(0, 0, 40, 20);
        }"""
    )
    assert not canvas_has_pixels(page, "#c2d")  # one flat fill (a white map with nothing on it)
    page.evaluate(
        """() => {
          const ctx = document.getElementById("c2d").getContext("2d");
          ctx.fillStyle = "#b2182b";
          ctx.fillRect(5, 5, 4, 4);
        }"""
    )
    assert canvas_has_pixels(page, "#c2d")
    assert not canvas_has_pixels(page, "#missing")

    # WebGL (MapLibre draws this way): still readable after the frame was shown
    has_webgl = page.evaluate(
        """async () => {
          const gl = document.getElementById("cgl").getContext("webgl");
          if (!gl) return false;
          gl.clearColor(1, 1, 1, 1);
          gl.clear(gl.COLOR_BUFFER_BIT);
          gl.enable(gl.SCISSOR_TEST);
          gl.scissor(0, 0, 10, 10);
          gl.clearColor(0.1, 0.5, 0.2, 1);
          gl.clear(gl.COLOR_BUFFER_BIT);
          await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
          return true;
        }"""
    )
    assert has_webgl, "headless chromium has no WebGL: MapLibre maps cannot draw"
    assert canvas_has_pixels(page, "#cgl")
