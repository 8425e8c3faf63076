"""The settings page in a real browser: a band edge typed into the form changes the live preview,
and an uploaded boundary file gets its matching report. Nothing is saved (the server's database
is shared by the session's browser tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from journeys import BARS, FIRST_LOAD, metric, no_errors, open_page, wait_run  # noqa: E402
from playwright.sync_api import Locator, Page, expect  # noqa: E402

PREVIEW_TIMEOUT = 60_000  # ms: a candidate's preview recomputes scores and coaching rules


def _number_input(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")


def _open(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}pengaturan", "Pengaturan", exact=True)
    expect(metric(page, "Pindah pita")).to_be_visible(timeout=FIRST_LOAD)


def test_a_band_edge_changes_the_preview(
    page: Page,
    app_url: str,
    blocked_requests: list[str],
    tmp_path: Path,
) -> None:
    _open(page, app_url)
    no_errors(page)
    moved = metric(page, "Pindah pita")
    expect(moved).to_have_text("0")
    expect(page.locator(BARS).first).to_be_attached()

    edge = _number_input(page, "Batas merah → kuning")
    expect(edge).to_have_value("50")
    edge.fill("60")
    edge.press("Enter")
    # while the script reruns, the last run's elements stay on screen: wait for a new count
    expect(moved.filter(has_text=re.compile(r"^[1-9][0-9.]*$"))).to_have_count(
        1, timeout=PREVIEW_TIMEOUT
    )
    wait_run(page, PREVIEW_TIMEOUT)
    expect(moved).to_have_count(1)
    assert int(moved.inner_text().replace(".", "")) > 0
    # the moves table names the bands: yellow libraries become red
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    no_errors(page)
    page.screenshot(path=tmp_path / "pengaturan.png", full_page=True)  # for debugging a failure
    assert blocked_requests == [], f"the page reached beyond the loopback: {blocked_requests}"


def test_boundary_upload_shows_the_matching_report(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    square = [[[116.1, -8.6], [116.2, -8.6], [116.2, -8.5], [116.1, -8.5], [116.1, -8.6]]]
    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Polygon", "coordinates": square},
        }
        for props in ({"KDPKAB": "52.01"}, {"WADMKK": "Lombok Tengah"}, {"nama": "Atlantis"})
    ]
    path = tmp_path / "kabkota.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    _open(page, app_url)
    page.get_by_role("tab", name="Batas kabupaten/kota").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(metric(page, "Fitur cocok")).to_have_text("2", timeout=PREVIEW_TIMEOUT)
    expect(metric(page, "Fitur tidak cocok")).to_have_text("1")
    expect(page.get_by_text("Fitur yang tidak cocok (tidak akan disimpan)")).to_be_visible()
    expect(page.get_by_role("button", name="Simpan batas kabupaten/kota")).to_be_visible()
    wait_run(page)
    no_errors(page)
