"""The capacity benchmark's arithmetic (kpi.bench.capacity), with hand-computed answers."""

from __future__ import annotations

import pytest

from kpi.bench.capacity import Step, p95, step_up, table


def test_p95_is_the_nearest_rank() -> None:
    # 20 values 1..20: 95% of 20 is 19, so the 19th smallest
    assert p95([float(v) for v in range(20, 0, -1)]) == 19.0
    # 10 values: 9.5 rounds up to rank 10, the largest
    assert p95([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 5.0]) == 5.0
    # 100 values 0.01 .. 1.00: rank 95
    assert p95([i / 100 for i in range(1, 101)]) == 0.95
    assert p95([3.0]) == 3.0
    with pytest.raises(ValueError):
        p95([])


def test_step_up_stops_at_the_first_level_over_the_limit_then_halves_the_gap() -> None:
    asked: list[int] = []

    def measure(k: int) -> Step:  # p95 grows 0.3 s per session
        asked.append(k)
        return Step(sessions=k, p95=round(0.3 * k, 2), views=2 * k, errors=0)

    capacity, steps = step_up(measure, levels=(1, 2, 4, 8, 16), limit=2.0)
    # 8 sessions: 2.4 s, over (twice); then 6 (1.8 s, passes) and 7 (2.1 s, over twice)
    assert asked == [1, 2, 4, 8, 8, 6, 7, 7]  # 16 is never tried once 8 failed
    assert capacity == 6
    assert [s.sessions for s in steps] == asked
    capacity, _ = step_up(measure, levels=(1, 2, 4, 8, 16), limit=2.0, refine=0)
    assert capacity == 4


def test_a_step_with_an_error_fails_and_exactly_the_limit_passes() -> None:
    results = {1: Step(1, 2.0, 2, 0), 2: Step(2, 0.5, 4, 1), 4: Step(4, 0.5, 8, 0)}
    capacity, steps = step_up(lambda k: results[k], levels=(1, 2, 4), limit=2.0)
    # 2 fails twice (an error each time); 1 and 2 are next to each other: nothing between
    assert capacity == 1 and [s.sessions for s in steps] == [1, 2, 2]
    capacity, steps = step_up(lambda k: Step(k, 2.01, k, 0), levels=(1, 2), limit=2.0)
    assert capacity == 0 and len(steps) == 2


def test_a_step_that_passes_on_its_second_try_passes() -> None:
    tries = iter([0.5, 2.5, 1.9, 3.0, 3.0])  # 1: ok; 2: over, then ok; 4: over twice

    def measure(k: int) -> Step:
        return Step(sessions=k, p95=next(tries), views=k, errors=0)

    capacity, steps = step_up(measure, levels=(1, 2, 4), limit=2.0, refine=0)
    assert capacity == 2 and [s.p95 for s in steps] == [0.5, 2.5, 1.9, 3.0, 3.0]


def test_the_table_puts_a_page_per_row_and_servers_in_columns() -> None:
    rows = [
        {"page": "peta", "servers": 1, "sessions": 4, "seconds": 1.5, "load_average": 2.0},
        {"page": "peta", "servers": 2, "sessions": 8, "seconds": 1.9, "load_average": 2.5},
    ]
    assert table(rows).splitlines() == [
        "| page | 1 server(s) | 2 server(s) |",
        "| --- | ---: | ---: |",
        "| peta | 4 (p95 1.50 s, load 2.0) | 8 (p95 1.90 s, load 2.5) |",
    ]
