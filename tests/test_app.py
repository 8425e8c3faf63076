"""AppTest smoke tests of app.py: first-run demo, clearing the demo, switching the language.

Streamlit's caches (st.cache_resource, st.cache_data) live as long as the test process, and the
app's store is cached by its path, so every test gets a database path of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.store import DEFAULT_DB_ENV, open_store

APP = Path(__file__).resolve().parents[1] / "app.py"
FIRST_RUN_TIMEOUT = 180  # the first run of an empty store builds the whole demo
RUN_TIMEOUT = 60


def _app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(DEFAULT_DB_ENV, str(db))
    return AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_first_run_on_an_empty_store_loads_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "empty.duckdb"
    at = _app(db, monkeypatch).run(timeout=FIRST_RUN_TIMEOUT)
    _assert_clean(at)

    metrics = _metrics(at)
    assert metrics.get("Provinsi") == "34", metrics
    assert "399" in metrics.values(), metrics
    assert "3.505" in metrics.values(), metrics
    assert any("Data demo" in w for w in _warnings(at)), _warnings(at)
    assert at.title[0].value == "Ringkasan program"
    assert open_store(db).has_demo()


def test_clearing_the_demo_empties_the_store_for_good(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch).run()
    _assert_clean(at)
    assert any("Data demo" in w for w in _warnings(at))

    at.button(key="clear_demo").click().run()
    _assert_clean(at)
    store = open_store(demo_db)
    assert store.scalar("SELECT count(*) FROM perpustakaan") == 0
    assert not store.has_demo()
    assert not store.should_load_demo()
    assert not any("Data demo" in w for w in _warnings(at))

    # a new session on the same store does not bring the demo back
    again = _app(demo_db, monkeypatch).run()
    _assert_clean(again)
    assert store.scalar("SELECT count(*) FROM perpustakaan") == 0
    assert not any("Data demo" in w for w in _warnings(again))
    assert "3.505" not in _metrics(again).values()


def test_switching_to_english_changes_labels_and_numbers(
    demo_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "lang.duckdb"
    shutil.copy(demo_db_template, db)
    at = _app(db, monkeypatch).run()
    _assert_clean(at)
    assert at.radio(key="lang_radio").value == "id"
    assert "3.505" in _metrics(at).values()

    at.radio(key="lang_radio").set_value("en").run()
    _assert_clean(at)
    assert at.radio(key="lang_radio").value == "en"
    assert at.title[0].value == "Program overview"
    metrics = _metrics(at)
    assert metrics.get("Provinces") == "34", metrics
    assert "3,505" in metrics.values(), metrics
    assert "3.505" not in metrics.values(), metrics
    assert any("Demo data" in w for w in _warnings(at)), _warnings(at)


def test_streamlit_does_not_collect_garbage_after_every_run() -> None:
    """Streamlit's default gc.collect(2) after each script run holds the interpreter while it
    walks every live object: 0.13-0.6 s on every click at national scale (issue 15). Every
    server runs from the repository (`streamlit run app.py`, `python -m kpi serve`, the
    benchmarks), so the repository's config keeps it off."""
    import tomllib

    config = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
    with config.open("rb") as f:
        assert tomllib.load(f)["runner"]["postScriptGC"] is False
