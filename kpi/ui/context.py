"""What every page's ``render(ctx)`` is handed: one PageContext, built once per run by app.py.

The store, the sidebar's view (period and filters), the session's language and its translator,
and the signed-in user (None until sign-in exists). A page reads these from ``ctx`` instead of
asking the session again; figure builders stay plain functions of a frame and a language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from kpi import i18n
from kpi.store import Store
from kpi.ui import filters, state
from kpi.ui.filters import View

Translator = Callable[..., str]
_KEY = "_page_context"


def translator(lang: str) -> Translator:
    """``t(key, **values)`` in ``lang``: the one translator of kpi/ui."""

    def t(key: str, **values: Any) -> str:
        return i18n.t(key, lang, **values)

    return t


@dataclass(frozen=True)
class PageContext:
    store: Store
    view: View
    lang: i18n.Lang
    user: Any | None = None  # the signed-in user, once sign-in exists (issue 16)

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(key, self.lang, **values)

    def num(self, value: Any, decimals: int = 0) -> str:
        return i18n.format_number(value, self.lang, decimals)

    def title(self, text: str, caption: str | None = None) -> None:
        """The page's title (and the line under it): every page sets its title here."""
        st.title(text)
        if caption:
            st.caption(caption)


def build() -> PageContext:
    """This run's context (app.py, after the sidebar's filters); pages read it with current()."""
    ctx = PageContext(store=state.store(), view=filters.current(), lang=state.lang())
    st.session_state[_KEY] = ctx
    return ctx


def current() -> PageContext:
    """The context app.py built for this run."""
    ctx = st.session_state.get(_KEY)
    if not isinstance(ctx, PageContext):
        ctx = build()
    return ctx
