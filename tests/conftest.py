"""Shared fixtures: an empty store, and the default demo built once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager

from kpi.store import Store


@pytest.fixture(autouse=True)
def _apptest_runs_app_py(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every AppTest run go through app.py, as the real server does.

    The page scripts sit in the top-level pages/ folder, which Streamlit takes for a legacy (v1)
    multipage folder until app.py's st.navigation has run once in the process. A server clears
    that flag for good at the first run (and kpi.ui.shell.page_guard covers a first visit that
    opens a page URL directly). AppTest, however, resets the flag before every run, so from the
    second run on it would run the page script alone, or lose a click to page_guard's rerun.
    This clears the flag the way the server does.
    """
    original_init = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def tmp_store(tmp_path: Path) -> Iterator[Store]:
    """A new, empty store (schema at the latest version, regions loaded)."""
    store = Store(tmp_path / "test.duckdb")
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo (seed 2018, scale 1), built once; copy it before writing to it."""
    from kpi.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    store = Store(path)
    load_demo(store)
    store.close()
    return path


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database file, free to change."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture
def demo_store(demo_db: Path) -> Iterator[Store]:
    store = Store(demo_db)
    yield store
    store.close()
