"""kpi.ui.cache.cached, the one cache of the pages: kept across calls, made again when the store's
data version moves, told apart per store file, "_" arguments out of the key; and the PageContext's
translator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi.store import Store, open_store
from kpi.ui.cache import cached, filter_key
from kpi.ui.context import translator


def test_a_result_is_kept_until_the_data_version_moves(tmp_store: Store) -> None:
    calls: list[tuple[str, int]] = []

    @cached(max_entries=8)
    def count(store: Store, kind: str, n: int = 1) -> int:
        calls.append((kind, n))
        return len(calls)

    assert count(tmp_store, "a") == 1
    assert count(tmp_store, "a") == 1  # kept: not made again
    assert count(tmp_store, "a", n=2) == 2  # other arguments, another entry
    assert count(tmp_store, "a", 1) == 1  # the same call, however the argument is passed
    with tmp_store.write():
        pass  # a committed write bumps the data version
    assert count(tmp_store, "a") == 3
    with tmp_store.write(bump=False):
        pass  # a write no page shows from its caches leaves them valid
    assert count(tmp_store, "a") == 3
    assert calls == [("a", 1), ("a", 2), ("a", 1)]


def test_two_store_files_never_share_a_result(tmp_store: Store, tmp_path: Path) -> None:
    @cached()
    def where(store: Store) -> str:
        return str(store.path)

    other = open_store(tmp_path / "other.duckdb")
    assert where(tmp_store) == str(tmp_store.path)
    assert where(other) == str(other.path)


def test_underscore_arguments_are_not_part_of_the_key(tmp_store: Store) -> None:
    @cached()
    def rows(store: Store, key: str, _frame: pd.DataFrame) -> int:
        return len(_frame)

    # a frame of lists cannot be hashed; the key names it instead
    frame = pd.DataFrame({"reasons": [[1], [2], [3]]})
    assert rows(tmp_store, "k", frame) == 3
    assert rows(tmp_store, "k", frame.head(1)) == 3  # the key decides
    assert rows(tmp_store, "other", frame.head(1)) == 1


def test_kept_results_are_one_shared_object_and_copied_ones_are_copies(tmp_store: Store) -> None:
    @cached(kept=True)
    def shared(store: Store) -> dict:
        return {"n": 1}

    @cached()
    def copied(store: Store) -> dict:
        return {"n": 1}

    assert shared(tmp_store) is shared(tmp_store)
    first = copied(tmp_store)
    first["n"] = 2  # a caller may change what it got
    assert copied(tmp_store) == {"n": 1}


def test_unversioned_results_depend_on_their_arguments_only() -> None:
    made: list[int] = []

    @cached(max_entries=2, kept=True, versioned=False)
    def square(x: int) -> int:
        made.append(x)
        return x * x

    assert (square(3), square(3), square(4)) == (9, 9, 16)
    assert made == [3, 4]


def test_filter_key_is_a_hashable_tuple_of_the_filters() -> None:
    from kpi.compute import Filters

    f = Filters(provinsi="51", tahun_bergabung=2020)
    assert isinstance(filter_key(f), tuple) and Filters(*filter_key(f)) == f


def test_the_translator_speaks_the_language_and_fills_values() -> None:
    from kpi import i18n

    for lang in i18n.LANGS:
        t = translator(lang)
        assert t("app.title") == i18n.t("app.title", lang)
    assert translator("id")("page.ringkasan") != translator("en")("page.ringkasan")


def test_a_newer_data_version_drops_what_the_older_ones_kept(tmp_store: Store) -> None:
    """A kept result of an older version is never asked for again: it is not kept either (a
    national coaching evaluation is tens of megabytes, and every import makes a new version)."""
    import gc
    import weakref

    class Result:
        pass

    @cached(max_entries=8, kept=True)
    def make(store: Store, kind: str) -> Result:
        return Result()

    first = make(tmp_store, "a")
    assert make(tmp_store, "a") is first  # kept: the one object
    gone = weakref.ref(first)
    del first
    with tmp_store.write():
        pass
    newer = make(tmp_store, "a")
    gc.collect()
    assert gone() is None  # the older version's result is no longer held
    assert make(tmp_store, "a") is newer
