"""The background computation of the national default view after a new data version
(kpi.ui.warm): it asks for exactly what a new session's pages ask for, so that they find it."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import app_test, assert_clean

from kpi import coaching, trend
from kpi.store import DEFAULT_DB_ENV, Store
from kpi.ui import filters, warm


def test_the_default_view_is_what_a_new_sessions_sidebar_gives(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(demo_db, monkeypatch)
    at.run()
    assert_clean(at)
    monkeypatch.setenv(DEFAULT_DB_ENV, str(demo_db))
    from kpi.ui import state

    assert filters.default_view(state.store()) == at.session_state["_view"]


def test_after_the_warm_up_ringkasan_computes_no_evaluation_and_no_trend(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(demo_db, monkeypatch)
    from kpi.ui import state

    store = state.store()
    with store.write():  # a new data version, as after a commit: nothing of it is cached
        pass
    thread = warm.after_new_version(store, force=True)
    assert thread is not None
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert warm.after_new_version(store, force=True) is None  # once per version

    def computed(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again: the warm-up asked with other keys")

    monkeypatch.setattr(coaching, "evaluate", computed)
    monkeypatch.setattr(trend, "monthly_wide", computed)
    at.run()
    assert_clean(at)
    assert at.metric  # Ringkasan drew its figures from the kept results


def test_off_outside_a_server(tmp_store: Store) -> None:
    assert warm.after_new_version(tmp_store) is None  # no `streamlit run` in this process


def test_turned_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "streamlit.web.bootstrap", sys.modules["streamlit"])
    assert warm.enabled()
    monkeypatch.setenv(warm.ENV, "0")
    assert not warm.enabled()
