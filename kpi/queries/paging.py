"""One page of a long list, with search, filters and sort done in DuckDB (issue 15).

A page of Prioritas, Jelajah or Kualitas sends the browser a page of rows, never the whole
list: ``page_of`` runs one parameterised query over the frame the page already holds (read by
DuckDB in place, without a copy), and returns the positions of the page's rows, the number of
rows that match and the number of pages. Column names come only from the caller's whitelist
(the columns it lets a person search, filter and sort on), never from a person's input; every
value is a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

PAGE_SIZE = 50
_ROW = "_row"


class PagingError(ValueError):
    """A column asked for that the list does not offer (a bug in the caller, never user input)."""


@dataclass(frozen=True)
class PageRequest:
    """What a person asked of the list: a search text, filters, a sort and a page number."""

    search: str = ""
    # column -> the values kept (any of them); an empty choice keeps every row
    equals: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # column holding a list (e.g. the rules behind a library's reasons) -> any of these values
    any_of: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sort: str | None = None  # None: the list's own order
    descending: bool = False
    page: int = 1  # from 1
    size: int = PAGE_SIZE


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows (the frame's, in the page's order), the matching rows'
    count, the page number (clamped into range) and the number of pages (at least 1)."""

    rows: pd.DataFrame
    total: int
    page: int
    pages: int
    first: int  # the position of the page's first row among the matching ones (from 0)
    positions: tuple[int, ...] = ()  # the page's rows' positions in the listed frame


def _ident(name: str, allowed: Sequence[str]) -> str:
    if name not in allowed:
        raise PagingError(f"column {name!r} is not offered by this list")
    return '"' + name.replace('"', '""') + '"'


class ListIndex:
    """A list held in DuckDB (an in-memory database of its own, made once per list and data
    version), paged by ``page``: each page is one parameterised query, a few milliseconds at
    national scale.

    ``search``: the columns a search text is looked for in (case-insensitively, anywhere in the
    text); ``columns``: the columns that may be filtered or sorted on. The list's own order (the
    frame's) breaks ties and is the order when no sort is asked.
    """

    def __init__(
        self, frame: pd.DataFrame, *, search: Sequence[str] = (), columns: Sequence[str] = ()
    ) -> None:
        self.frame = frame
        self.search = tuple(search)
        self.columns = tuple(columns)
        self.allowed = tuple(dict.fromkeys([*self.search, *self.columns]))
        for name in self.allowed:
            if name not in frame.columns:
                raise PagingError(f"column {name!r} is not in the list")
        view = frame[list(self.allowed)].copy() if self.allowed else pd.DataFrame(index=frame.index)
        view[_ROW] = range(len(frame))
        self._db = duckdb.connect()
        self._db.register("_frame", view)
        self._db.execute("CREATE TABLE lst AS SELECT * FROM _frame")
        self._db.unregister("_frame")

    def __len__(self) -> int:
        return len(self.frame)

    def page(self, request: PageRequest) -> Page:
        """The page of the list that ``request`` asks for."""
        where: list[str] = []
        params: list[object] = []
        text = request.search.strip().lower()
        if text and self.search:
            looked = (
                f"contains(lower(CAST({_ident(c, self.allowed)} AS VARCHAR)), ?)"
                for c in self.search
            )
            where.append("(" + " OR ".join(looked) + ")")
            params.extend([text] * len(self.search))
        for name, values in request.equals.items():
            if values:
                where.append(f"CAST({_ident(name, self.columns)} AS VARCHAR) IN (SELECT unnest(?))")
                params.append([str(v) for v in values])
        for name, values in request.any_of.items():
            if values:
                where.append(f"list_has_any({_ident(name, self.columns)}, ?)")
                params.append([str(v) for v in values])
        order = _ROW
        if request.sort:
            way = "DESC" if request.descending else "ASC"
            order = f"{_ident(request.sort, self.columns)} {way} NULLS LAST, {_ROW}"
        sql_where = " AND ".join(where) or "TRUE"
        size = max(1, int(request.size))
        cur = self._db.cursor()  # one per call: sessions page the same list at once
        try:
            found = cur.execute(f"SELECT count(*) FROM lst WHERE {sql_where}", params).fetchone()
            total = int(found[0]) if found else 0
            pages = max(1, math.ceil(total / size))
            page = min(max(1, int(request.page)), pages)
            first = (page - 1) * size
            picked = cur.execute(
                f"SELECT {_ROW} FROM lst WHERE {sql_where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, size, first],
            ).fetchall()
        finally:
            cur.close()
        positions = tuple(int(r[0]) for r in picked)
        rows = self.frame.iloc[list(positions)]
        return Page(rows, total, page, pages, first, positions)


def page_of(
    frame: pd.DataFrame,
    request: PageRequest,
    *,
    search: Sequence[str] = (),
    columns: Sequence[str] = (),
) -> Page:
    """The page of ``frame`` that ``request`` asks for (a list paged once; see ListIndex)."""
    return ListIndex(frame, search=search, columns=columns).page(request)
