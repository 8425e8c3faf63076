"""Shared fixtures: an empty store, and the default demo built once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi.store import Store


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
