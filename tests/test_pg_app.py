"""The app on PostgreSQL (TPBIS_DB=postgresql://...): the home page shows the demo's figures
as on the embedded file, and the priorities page runs clean (AppTest smoke)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apptest_helpers import app_test, assert_clean, metric_values


def test_the_app_runs_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, pg_cluster: Any, pg_demo_template: str
) -> None:
    url = pg_cluster.url(pg_cluster.create_db(pg_demo_template))
    on_pg = app_test(url, monkeypatch).run()  # type: ignore[arg-type]
    assert_clean(on_pg)
    embedded = app_test(demo_db, monkeypatch).run()
    assert_clean(embedded)
    assert metric_values(on_pg) == metric_values(embedded)
    assert metric_values(on_pg).get("Provinsi") == "34"
    page = app_test(url, monkeypatch, "pages/prioritas.py").run()  # type: ignore[arg-type]
    assert_clean(page)
