"""Helpers of the AppTest page tests (tests/test_page_*.py): app.py opened on a page of a database
file, with the URL's query parameters and the language, and small readers of what a run showed.

tests/ is on sys.path under pytest (no __init__.py: the rootdir's conftest puts it there), so the
page tests import these as ``from apptest_helpers import ...``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.store import DEFAULT_DB_ENV

APP = Path(__file__).resolve().parents[1] / "app.py"


def app_test(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    page: str | None = None,
    *,
    params: dict[str, str] | None = None,
    lang: str | None = None,
    timeout: float = 90,
) -> AppTest:
    """An AppTest of app.py on ``db``, not run yet.

    ``page``: the page script to open (``"pages/peta.py"``; None: the app's home page);
    ``params``: the URL's query parameters; ``lang``: the language chosen in the session.
    """
    monkeypatch.setenv(DEFAULT_DB_ENV, str(db))
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if lang:
        at.session_state["lang"] = lang
    if page is not None:
        at.switch_page(page)
    return at


def assert_clean(at: AppTest) -> None:
    """The run raised no exception and showed no error."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metric_values(at: AppTest) -> dict[str, str]:
    """The metrics shown, value by label."""
    return {m.label: m.value for m in at.metric}


def number(text: str) -> int:
    """A whole number as shown in either language ("3.938", "3,938")."""
    return int(text.replace(".", "").replace(",", ""))


def plotly_charts(at: AppTest) -> list:
    """The Plotly charts shown."""
    return list(at.get("plotly_chart"))


def paged_total(at: AppTest) -> int:
    """The rows a paged list matches (kpi.ui.paged), from its caption ("Baris 1–50 dari 2.102 ·
    halaman 1 dari 43" / "Rows 1–50 of 2,102 · page 1 of 43"): the table holds one page."""
    for c in at.caption:
        found = re.search(r"(?:dari|of) ([\d.,]+) · (?:halaman|page)", c.value)
        if found:
            return int(re.sub(r"[.,]", "", found.group(1)))
    raise AssertionError([c.value for c in at.caption])
