"""What every page's ``render(ctx)`` is handed: one PageContext, built once per run by app.py.

The store, the sidebar's view (period and filters, the scope of the principal's view areas
included), the session's language and its translator, and the principal the session acts as
(the signed-in user, or the local operator while the store has no user; see kpi.ui.masuk). A
page reads these from ``ctx`` instead of asking the session again, and hands ``ctx.actor`` to
every write; figure builders stay plain functions of a frame and a language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from kpi import i18n
from kpi.access import Action, Principal
from kpi.store import Store
from kpi.ui import filters, masuk, state
from kpi.ui.filters import View

Translator = i18n.Translator
translator = i18n.translator  # kpi/ui's one translator (its home is kpi.i18n: masuk uses it too)
_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    store: Store
    view: View
    lang: i18n.Lang
    # who acts (access.md): the signed-in user or the local operator; None: nobody signed in
    user: Principal | None = None

    @property
    def actor(self) -> Principal:
        """The principal for a write or a download (nobody signed in: one without any right,
        which the domain refuses)."""
        return self.user if self.user is not None else masuk.NOBODY

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(key, self.lang, **values)

    def num(self, value: Any, decimals: int = 0) -> str:
        return i18n.format_number(value, self.lang, decimals)

    def require(self, action: Action) -> Principal:
        """The principal, who must hold ``action``; otherwise the page says no and stops (app.py
        refuses a role without the right first: this is the net)."""
        who = self.user
        if who is None or not who.can(action):
            st.error(self.t("akses.no_access_title"))
            st.stop()
        assert who is not None
        return who

    def title(self, text: str, caption: str | None = None) -> None:
        """The page's title (and the line under it): every page sets its title here."""
        st.title(text)
        if caption:
            st.caption(caption)


def build(user: Principal | None = None) -> PageContext:
    """This run's context (app.py, after the sign-in gate and the sidebar's filters); pages read
    it with current(). ``user``: the gate's principal (default: the session's, kpi.ui.masuk)."""
    ctx = PageContext(
        store=state.store(),
        view=filters.current(),
        lang=state.lang(),
        user=user if user is not None else masuk.principal(),
    )
    st.session_state[_KEY] = ctx
    return ctx


def current() -> PageContext:
    """The context app.py built for this run."""
    ctx = st.session_state.get(_KEY)
    if not isinstance(ctx, PageContext):
        ctx = build()
    return ctx
