"""Shared fixtures: an empty store, and the default demo built once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# the PostgreSQL cluster and the stores on either engine (tests/pg_fixtures.py)
from pg_fixtures import any_demo_store as any_demo_store
from pg_fixtures import any_store as any_store
from pg_fixtures import engine as engine
from pg_fixtures import pg_cluster as pg_cluster
from pg_fixtures import pg_demo_template as pg_demo_template
from pg_fixtures import pg_template as pg_template
from pg_fixtures import pg_url as pg_url
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


_COMPONENTS: list[object] = []


@pytest.fixture(autouse=True)
def _apptest_shares_components(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest discovers the installed Streamlit components again on its first run (it
    scans every installed package, ~0.2 s); a server does it once when it starts. The test apps
    share one registry, as a server's sessions do (kpi.ui.bench_pages does the same)."""
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    original_init = AppTest.__init__

    def init(self: AppTest, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]
        if not _COMPONENTS:
            manager = BidiComponentManager()
            manager.discover_and_register_components(start_file_watching=False)
            _COMPONENTS.append(manager)
        self._bidi_component_manager = _COMPONENTS[0]

    monkeypatch.setattr(AppTest, "__init__", init)


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
