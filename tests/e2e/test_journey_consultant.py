"""The consultant's journey, in a real browser with no network, on a server of its own (a copy of
the demo database):

Ringkasan (how many libraries are red) -> Pengaturan: move ten points of pillar weight and raise
the red/yellow band edge, watch the live preview, save -> Ringkasan: the number of red libraries
changes -> the map, coloured by score, still draws offline -> Pengaturan: restore the defaults
(with the confirmation) -> Ringkasan: the red count returns to where it was.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import (  # noqa: E402
    FIRST_LOAD,
    STEP,
    heading,
    map_draws,
    metric,
    nav,
    no_errors,
    serve,
    wait_run,
)
from playwright.sync_api import Locator, Page, expect  # noqa: E402

# the red bar of the overview's band chart, as plotly.js holds it: [trace name, libraries]
RED_BAR = """() => {
  for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    for (const t of gd._fullData || []) {
      if (t.type === "bar" && typeof t.name === "string" && t.name.startsWith("Merah")) {
        return [t.name, Number(Array.from(t.x)[0])];
      }
    }
  }
  return null;
}"""
RED_BAR_NOT = """(old) => {
  for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    for (const t of gd._fullData || []) {
      if (t.type === "bar" && typeof t.name === "string" && t.name.startsWith("Merah")) {
        return Number(Array.from(t.x)[0]) !== old;
      }
    }
  }
  return false;
}"""
RED_BAR_IS = RED_BAR_NOT.replace("!== old", "=== old")


@pytest.fixture(scope="module")
def consultant_app(
    demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("journey-consultant")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db_template, db)
    with serve(db, folder / "streamlit.log") as url:
        yield url


def _number_input(page: Page, label: str) -> Locator:
    return (
        page.get_by_test_id("stNumberInput")
        .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
        .locator("input")
    )


def _set(page: Page, label: str, value: str) -> None:
    box = _number_input(page, label)
    box.fill(value)
    box.press("Enter")
    expect(box).to_have_value(value)
    wait_run(page, STEP)


def _red(page: Page) -> tuple[str, int]:
    page.wait_for_function(f"() => ({RED_BAR})() !== null", timeout=STEP)
    name, count = page.evaluate(RED_BAR)
    return str(name), int(count)


def test_consultant_journey(
    page: Page,
    consultant_app: str,
    blocked_requests: list[str],
    canvas_has_pixels: Callable[[Page, str], bool],
) -> None:
    # 1. the overview: how many libraries are red today
    page.goto(consultant_app)
    heading(page, "Ringkasan program", timeout=FIRST_LOAD)
    red_name, red_before = _red(page)
    assert red_before > 0, "the demo has no red library to start from"
    no_errors(page)

    # 2. the settings: a pillar weight and a band edge, with the live preview
    nav(page, "Pengaturan", "Pengaturan")
    moved = metric(page, "Pindah pita")
    expect(moved).to_have_text("0", timeout=STEP)
    expect(_number_input(page, "Layanan informasi")).to_have_value("35")
    expect(_number_input(page, "Batas merah → kuning")).to_have_value("50")
    _set(page, "Layanan informasi", "45")
    _set(page, "Pelibatan masyarakat", "30")  # the weights still add up to 100
    expect(page.get_by_text("Jumlah bobot: 100")).to_be_visible()
    _set(page, "Batas merah → kuning", "60")
    expect(moved.filter(has_text=re.compile(r"^[1-9][0-9.]*$"))).to_have_count(1, timeout=STEP)
    wait_run(page, STEP)
    no_errors(page)
    page.get_by_role("button", name="Simpan pengaturan").click()
    expect(page.get_by_text("Pengaturan disimpan.")).to_be_visible(timeout=STEP)
    wait_run(page, STEP)
    expect(_number_input(page, "Batas merah → kuning")).to_have_value("60")
    no_errors(page)

    # 3. the overview: more libraries are red under the higher edge
    nav(page, "Ringkasan", "Ringkasan program")
    page.wait_for_function(RED_BAR_NOT, arg=red_before, timeout=STEP)
    red_name_after, red_after = _red(page)
    assert red_after > red_before, (red_before, red_after)
    assert red_name_after == red_name
    no_errors(page)

    # the map, coloured by the saved score settings, still draws offline
    nav(page, "Peta", "Peta")
    map_draws(page, canvas_has_pixels)
    no_errors(page)

    # 4. restore the defaults, with the confirmation
    nav(page, "Pengaturan", "Pengaturan")
    page.get_by_role("button", name="Kembalikan ke bawaan").click()
    expect(page.get_by_text("Kembalikan semua pengaturan skor")).to_be_visible(timeout=STEP)
    page.get_by_role("button", name="Ya, kembalikan").click()
    expect(page.get_by_text("Pengaturan dikembalikan ke nilai bawaan.")).to_be_visible(timeout=STEP)
    wait_run(page, STEP)
    expect(_number_input(page, "Batas merah → kuning")).to_have_value("50")
    expect(_number_input(page, "Layanan informasi")).to_have_value("35")
    expect(_number_input(page, "Pelibatan masyarakat")).to_have_value("40")

    # 5. the overview: the red count is back
    nav(page, "Ringkasan", "Ringkasan program")
    page.wait_for_function(RED_BAR_IS, arg=red_before, timeout=STEP)
    assert _red(page) == (red_name, red_before)
    no_errors(page)
    assert blocked_requests == [], f"the app reached beyond the loopback: {blocked_requests}"
