"""kpi.ui.data.in_parallel: a call run beside the page's run, its result or its error."""

from __future__ import annotations

import threading

import pytest

from kpi.ui import data


def test_in_parallel_runs_in_another_thread_and_returns_the_result() -> None:
    seen: list[str] = []

    def work(a: int, b: int = 0) -> int:
        seen.append(threading.current_thread().name)
        return a + b

    wait = data.in_parallel(work, 2, b=3)
    assert wait() == 5
    assert wait() == 5  # asking again returns the same result
    assert seen == ["tpbis-parallel"]


def test_in_parallel_hands_the_error_to_whoever_waits() -> None:
    def fail() -> None:
        raise ValueError("no data")

    wait = data.in_parallel(fail)
    with pytest.raises(ValueError, match="no data"):
        wait()
