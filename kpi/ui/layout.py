"""The parts every page shares: the sidebar (language, database) and the demo banner."""

from __future__ import annotations

import streamlit as st

from kpi import i18n
from kpi.access import Principal
from kpi.store import Store, StoreError
from kpi.ui import masuk, state
from kpi.ui.literal import md


def _language_changed() -> None:
    """Runs before the rerun, so the whole next run speaks the chosen language."""
    chosen = i18n.norm_lang(st.session_state["lang_radio"])
    st.session_state["lang"] = chosen
    st.query_params["lang"] = chosen


def sidebar(store: Store) -> None:
    with st.sidebar:
        st.markdown(f"### {state.tr('app.title')}")
        st.caption(state.tr("app.subtitle"))
        labels = {"id": "Bahasa Indonesia", "en": "English"}
        st.radio(
            state.tr("app.language"),
            options=list(i18n.LANGS),
            index=list(i18n.LANGS).index(state.lang()),
            format_func=labels.__getitem__,
            horizontal=True,
            key="lang_radio",
            on_change=_language_changed,
        )
        st.caption(f"{state.tr('app.database')}: {md(store.path)}")


def demo_banner(store: Store) -> None:
    """The "Data demo" banner with the one action that clears the demo."""
    if not store.has_demo():
        return
    col_text, col_action = st.columns([5, 1], vertical_alignment="center")
    col_text.warning(state.tr("demo.banner"), icon=":material/science:")
    if not masuk.actor().undo_scope().everything:  # clearing undoes rows everywhere
        return
    with col_action.popover(state.tr("demo.clear"), width="stretch"):
        demo_clear_confirm(store, "clear_demo")


def demo_clear_confirm(store: Store, key: str, who: Principal | None = None) -> None:
    """Inside a popover: what clearing the demo removes, and the one button that does it (the
    banner's and the import page's "Hapus data demo" ask the same); ``who``: the page's
    principal (default the session's)."""
    st.caption(state.tr("demo.clear_help"))
    if st.button(state.tr("demo.clear_confirm"), type="primary", key=key):
        from kpi.demo import clear_demo

        try:
            clear_demo(store, actor=who if who is not None else masuk.actor())
        except StoreError as exc:  # refused (recorded): said in the user's language
            st.error(md(exc.message_en if state.lang() == "en" else exc.message_id))
            return
        st.cache_data.clear()
        st.toast(state.tr("demo.cleared"))
        st.rerun()
