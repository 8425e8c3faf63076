"""kpi.queries.paging: a page of a long list, searched, filtered and sorted in DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.queries.paging import ListIndex, PageRequest, PagingError, page_of


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode": ["5101", "5102", "5103", "5104", "5105"],
            "nama": ["Desa Alas", "Desa Bima", "Kota Mataram", "Desa O'Neil", None],
            "tier": ["p1", "p2", "p1", "pel", "p2"],
            "points": [5, 7, None, 3, 7],
            "rules": [["R1", "D"], ["R5"], [], ["D"], ["R1"]],
        }
    )


def _index(frame: pd.DataFrame) -> ListIndex:
    return ListIndex(frame, search=("nama", "kode"), columns=("tier", "points", "rules"))


def test_pages_keep_the_list_order_and_count(frame: pd.DataFrame) -> None:
    index = _index(frame)
    first = index.page(PageRequest(size=2))
    assert (first.total, first.page, first.pages, first.first) == (5, 1, 3, 0)
    assert first.rows["kode"].tolist() == ["5101", "5102"]
    last = index.page(PageRequest(size=2, page=3))
    assert last.rows["kode"].tolist() == ["5105"]
    assert last.positions == (4,)
    # a page beyond the end (a stale link) is the last page; below 1 the first
    assert index.page(PageRequest(size=2, page=99)).page == 3
    assert index.page(PageRequest(size=2, page=-4)).page == 1


def test_search_filter_and_sort(frame: pd.DataFrame) -> None:
    index = _index(frame)
    # case-insensitive, in the name or the code; a quote is a value, not SQL
    assert index.page(PageRequest(search="DESA")).rows["kode"].tolist() == [
        "5101",
        "5102",
        "5104",
    ]
    assert index.page(PageRequest(search="o'neil")).rows["kode"].tolist() == ["5104"]
    assert index.page(PageRequest(search="5103")).rows["nama"].tolist() == ["Kota Mataram"]
    assert index.page(PageRequest(equals={"tier": ["p2", "pel"]})).total == 3
    assert index.page(PageRequest(any_of={"rules": ["D"]})).rows["kode"].tolist() == [
        "5101",
        "5104",
    ]
    both = PageRequest(equals={"tier": ["p1"]}, any_of={"rules": ["D", "R5"]})
    assert index.page(both).rows["kode"].tolist() == ["5101"]
    # sorted, ties in the list's order, missing values last either way
    down = index.page(PageRequest(sort="points", descending=True)).rows["kode"].tolist()
    assert down == ["5102", "5105", "5101", "5104", "5103"]
    up = index.page(PageRequest(sort="points")).rows["kode"].tolist()
    assert up == ["5104", "5101", "5102", "5105", "5103"]
    empty = index.page(PageRequest(search="zzz"))
    assert (empty.total, empty.page, empty.pages, len(empty.rows)) == (0, 1, 1, 0)


def test_columns_only_from_the_whitelist(frame: pd.DataFrame) -> None:
    index = _index(frame)
    with pytest.raises(PagingError):
        index.page(PageRequest(sort='nama"; DROP TABLE lst; --'))
    with pytest.raises(PagingError):
        index.page(PageRequest(equals={"kode": ["5101"]}))  # searchable, not a filter
    with pytest.raises(PagingError):
        ListIndex(frame, columns=("nope",))
    assert page_of(frame, PageRequest(size=1), search=("nama",)).pages == 5
