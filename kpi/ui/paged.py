"""A long list shown a page at a time (issue 15): search, sort and page controls around a
``kpi.queries.paging.ListIndex``, so the browser gets a page of rows, never the whole list.

``controls`` draws the search box and the sort choice and asks the index for the page;
``navigation`` draws previous / next, the page number and "rows 51-100 of 1,234" under the
table. The page number is kept in session state under ``<key>_page`` (and may be seeded from a
shared link before ``controls`` runs); a new search, sort or filter goes back to page 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from kpi.queries.paging import ListIndex, Page, PageRequest

NO_SORT = ""


def _step(key: str, by: int, pages: int) -> None:
    now = int(st.session_state.get(f"{key}_page", 1) or 1)
    st.session_state[f"{key}_page"] = min(max(1, now + by), max(1, pages))


def controls(
    index: ListIndex,
    key: str,
    t: Callable[..., str],
    sorts: Mapping[str, str],
    *,
    equals: Mapping[str, Sequence[str]] | None = None,
    any_of: Mapping[str, Sequence[str]] | None = None,
    size: int | None = None,
) -> Page:
    """The search box and the sort (``sorts``: column -> label; the list's own order first),
    then the page asked for. ``equals``/``any_of``: the page's own filters (see PageRequest)."""
    c_search, c_sort, c_way = st.columns([2, 1.4, 0.8], vertical_alignment="bottom")
    search = c_search.text_input(
        t("paging.search"),
        key=f"{key}_search",
        placeholder=t("paging.search_placeholder"),
    )
    options = [NO_SORT, *sorts]
    if st.session_state.get(f"{key}_sort") not in options:
        st.session_state.pop(f"{key}_sort", None)
    sort = c_sort.selectbox(
        t("paging.sort"),
        options,
        format_func=lambda c: t("paging.sort_default") if c == NO_SORT else sorts.get(c, c),
        key=f"{key}_sort",
    )
    descending = c_way.toggle(t("paging.descending"), key=f"{key}_desc")
    equals = dict(equals or {})
    any_of = dict(any_of or {})
    signature = (
        search.strip().lower(),
        sort,
        descending,
        tuple((k, tuple(v)) for k, v in sorted(equals.items())),
        tuple((k, tuple(v)) for k, v in sorted(any_of.items())),
        len(index),
    )
    seen = st.session_state.get(f"_{key}_signature")
    if seen is not None and seen != signature:
        st.session_state[f"{key}_page"] = 1
    st.session_state[f"_{key}_signature"] = signature
    request = PageRequest(
        search=search,
        equals=equals,
        any_of=any_of,
        sort=sort or None,
        descending=descending,
        page=_page_number(st.session_state.get(f"{key}_page")),
        **({"size": size} if size else {}),
    )
    page = index.page(request)
    st.session_state[f"{key}_page"] = page.page  # clamped: a stale or shared number still fits
    return page


def _page_number(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def navigation(page: Page, key: str, t: Callable[..., str], num: Callable[[Any], str]) -> None:
    """Previous / next, the page number (typed or stepped) and which rows are shown."""
    c_prev, c_page, c_next, c_info = st.columns(
        [0.8, 1, 0.8, 3.2], vertical_alignment="bottom", gap="small"
    )
    c_prev.button(
        t("paging.previous"),
        key=f"{key}_prev",
        icon=":material/chevron_left:",
        disabled=page.page <= 1,
        on_click=_step,
        args=(key, -1, page.pages),
        width="stretch",
    )
    c_page.number_input(
        t("paging.page"),
        min_value=1,
        max_value=page.pages,
        step=1,
        key=f"{key}_page",
        label_visibility="collapsed",
    )
    c_next.button(
        t("paging.next"),
        key=f"{key}_next",
        icon=":material/chevron_right:",
        disabled=page.page >= page.pages,
        on_click=_step,
        args=(key, 1, page.pages),
        width="stretch",
    )
    shown = len(page.rows)
    c_info.caption(
        t(
            "paging.shown",
            a=num(page.first + 1 if shown else 0),
            b=num(page.first + shown),
            n=num(page.total),
            p=num(page.page),
            m=num(page.pages),
        )
    )
