"""The leader's journey, in a real browser with no network, on a server of its own (a copy of the
demo database):

Prioritas pembinaan -> filter a province in the sidebar -> open an area's profile from the
priority ranking -> back to the list, export it and open the workbook (rows per tier as the page
counts them, the settings sheet with the province filter, no formula) -> Peta: the province's
map draws offline -> click a library's point -> open its profile from the link the map shows.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
import openpyxl  # noqa: E402
from journeys import (  # noqa: E402
    FIRST_LOAD,
    MAP_CANVAS,
    STEP,
    download,
    heading,
    map_draws,
    metric,
    metric_int,
    nav,
    no_errors,
    no_formulas,
    serve,
    sidebar_select,
    wait_run,
)
from playwright.sync_api import Page, expect  # noqa: E402

PROVINCE, PROVINCE_CODE = "Kalimantan Tengah", "62"
TIER_NAMES = {
    "Prioritas 1": "Prioritas 1 (kunjungan lapangan)",
    "Prioritas 2": "Prioritas 2 (pendampingan jarak jauh atau klinik PLM)",
}
MAP_READY = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  return !!(gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
            && gd._fullLayout.map._subplot.map.loaded());
}"""
# where a library's point is on screen (MapLibre projects its coordinates): one inside the map
# and away from the kab/kota circles drawn over the libraries, so that the pointer is on it alone
LIBRARY_POINT = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const box = map.getCanvas().getBoundingClientRect();
  const px = (t) => Array.from(t.lat, (lat, i) => map.project([t.lon[i], lat]));
  const scatter = gd._fullData.filter((t) => t.type === "scattermap" && t.lat && t.lat.length);
  const others = scatter.filter((t) => t.legendgroup !== "lib").flatMap(px);
  let best = null;
  for (const t of scatter.filter((t) => t.legendgroup === "lib")) {
    px(t).forEach((p, i) => {
      if (p.x < 40 || p.y < 40 || p.x > box.width - 40 || p.y > box.height - 40) return;
      const gap = Math.min(...others.map((o) => Math.hypot(o.x - p.x, o.y - p.y)), 1e9);
      if (!best || gap > best.gap) {
        const custom = t.customdata[i];
        best = {x: box.x + p.x, y: box.y + p.y, gap, name: custom[0],
                kode: custom[custom.length - 1]};
      }
    });
  }
  return best;
}"""


@pytest.fixture(scope="module")
def leader_app(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("journey-leader")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db_template, db)
    with serve(db, folder / "streamlit.log") as url:
        yield url


def _click_point(page: Page) -> dict:
    page.wait_for_function(MAP_READY, timeout=STEP)
    point = page.evaluate(LIBRARY_POINT)
    page.mouse.move(point["x"] - 4, point["y"] - 4)
    page.mouse.move(point["x"], point["y"], steps=4)
    # plotly picks what is under the pointer on hover: the library's label shows
    expect(page.locator(".hoverlayer .hovertext").first).to_contain_text(
        re.sub(r"<[^>]+>", "", point["name"])
    )
    page.mouse.click(point["x"], point["y"])
    return point


def test_leader_journey(
    page: Page,
    leader_app: str,
    blocked_requests: list[str],
    tmp_path: Path,
    canvas_has_pixels: Callable[[Page, str], bool],
) -> None:
    defects: list[str] = []

    # 1. the coaching priorities, nationally
    page.goto(f"{leader_app}prioritas")
    heading(page, "Prioritas pembinaan", timeout=FIRST_LOAD)
    evaluated_all = metric_int(page, "Perpustakaan dinilai")
    assert evaluated_all > 3000
    no_errors(page)

    # 2. one province, from the sidebar: the numbers and the URL follow
    sidebar_select(page, "Provinsi", PROVINCE)
    expect(metric(page, "Perpustakaan dinilai")).not_to_have_text(
        f"{evaluated_all:,}".replace(",", "."), timeout=STEP
    )
    wait_run(page)
    evaluated = metric_int(page, "Perpustakaan dinilai")
    assert 0 < evaluated < evaluated_all
    assert f"provinsi={PROVINCE_CODE}" in page.url
    p1, p2 = metric_int(page, "Prioritas 1"), metric_int(page, "Prioritas 2")
    no_errors(page)

    # 3. a profile from the list: the first kab/kota of the priority ranking
    first = page.get_by_test_id("stMain").get_by_role("link", name=re.compile(r"\b1\. \w"))
    expect(first).to_be_visible(timeout=STEP)
    found = re.search(r"\b1\.\s*([^:\n]+)", first.inner_text())
    assert found, first.inner_text()
    area = found.group(1).strip()
    first.click()
    heading(page, f"Profil: {area}")
    no_errors(page)

    # 4. back to the list (the province filter stays), export it, open the workbook
    nav(page, "Prioritas pembinaan", "Prioritas pembinaan")
    expect(metric(page, "Perpustakaan dinilai")).to_have_text(
        f"{evaluated:,}".replace(",", "."), timeout=STEP
    )
    path = download(page, page.get_by_role("button", name="Unduh daftar (Excel)"), tmp_path)
    assert path.suffix == ".xlsx"
    wb = openpyxl.load_workbook(path)
    # the field team's workbook (issue 14): a cover, the list with headers in words, settings
    assert wb.sheetnames == ["Keterangan", "Daftar pembinaan", "Pengaturan aturan"], wb.sheetnames
    ws = wb["Daftar pembinaan"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert rows, "the exported list is empty"
    tiers = [r["Tingkat pembinaan"] for r in rows]
    assert tiers.count(TIER_NAMES["Prioritas 1"]) == p1
    assert tiers.count(TIER_NAMES["Prioritas 2"]) == p2
    assert {r["Provinsi"] for r in rows} == {PROVINCE}
    # a given library: its tier, its reasons in words, its contact
    first = rows[0]
    reasons = [v for k, v in first.items() if str(k).startswith("Alasan") and v]
    assert first["Tingkat pembinaan"] and reasons, first
    assert first.get("Alamat") or first.get("Telepon") or first.get("Nama kontak"), first
    settings = {r[0]: r[1] for r in wb["Pengaturan aturan"].iter_rows(min_row=2, values_only=True)}
    province_setting = [v for k, v in settings.items() if "provinsi" in str(k)]
    assert province_setting and str(province_setting[0]) in (PROVINCE_CODE, PROVINCE), settings
    assert settings["tingkat_daftar"] == "perpustakaan"
    no_formulas(wb)

    # 5. the map of the province draws with no network
    nav(page, "Peta", "Peta")
    map_draws(page, canvas_has_pixels)
    expect(page.get_by_text("Titik kecil = perpustakaan mitra", exact=False).first).to_be_visible()

    # 6. a library's point, then its profile from the link the map shows
    point = _click_point(page)
    # the link names the place (issue 14), not its code
    link = page.get_by_role("link", name=f"Buka profil {re.sub(r'<[^>]+>', '', point['name'])}")
    try:
        expect(link).to_be_visible(timeout=20_000)
    except AssertionError:
        defects.append(
            "kpi/ui/peta.py:356 st.plotly_chart(key='peta_map', on_select='rerun'): the first "
            "click on a freshly built map can be lost (no 'Buka profil' link). The figure's "
            "spec on the cache-miss run differs from the cached one (a layout.template only on the "
            "first), so the chart's element id changes on the selection's rerun and Streamlit "
            "drops the selection; a second click works"
        )
        wait_run(page)
        point = _click_point(page)
        name = re.sub(r"<[^>]+>", "", point["name"])
        link = page.get_by_role("link", name=f"Buka profil {name}")
        expect(link).to_be_visible(timeout=STEP)
    assert canvas_has_pixels(page, MAP_CANVAS)
    link.click()
    heading(page, f"Profil: {re.sub(r'<[^>]+>', '', point['name'])}")
    no_errors(page)

    assert blocked_requests == [], f"the app reached beyond the loopback: {blocked_requests}"
    if defects:
        pytest.xfail("; ".join(defects))
