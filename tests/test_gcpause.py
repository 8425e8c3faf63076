"""The collector's pause (kpi.gcpause) is one for the process, however steps overlap, and the
collector is back as it was when the last step ends."""

from __future__ import annotations

import gc
import threading

import pytest

from kpi import gcpause


def test_nested_and_overlapping_pauses_end_with_the_collector_back() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer step still runs
    assert gc.isenabled()


def test_threads_that_end_in_any_order() -> None:
    inside, leave = threading.Barrier(3), [threading.Event(), threading.Event()]

    def step(i: int) -> None:
        with gcpause.paused():
            inside.wait()
            leave[i].wait()

    threads = [threading.Thread(target=step, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    leave[0].set()  # the first to start ends first
    threads[0].join()
    assert not gc.isenabled()
    leave[1].set()
    threads[1].join()
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_as_a_decorator_and_after_an_error() -> None:
    @gcpause.paused()
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("x")

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()
