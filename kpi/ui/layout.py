"""The parts every page shares: the sidebar (language, database) and the demo banner."""

from __future__ import annotations

import streamlit as st

from kpi import i18n
from kpi.access import Principal
from kpi.store import Store, StoreError
from kpi.ui import state
from kpi.ui.context import PageContext, translator
from kpi.ui.literal import md


def _language_changed() -> None:
    """Runs before the rerun, so the whole next run speaks the chosen language."""
    chosen = i18n.norm_lang(st.session_state["lang_radio"])
    st.session_state["lang"] = chosen
    st.query_params["lang"] = chosen


def sidebar(store: Store) -> None:
    """The app's name, the language and the database file: drawn before the run's PageContext
    exists (the sign-in page has this sidebar too), so with the same translator it will hold."""
    t = translator(state.lang())
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        st.caption(t("app.subtitle"))
        labels = {"id": "Bahasa Indonesia", "en": "English"}
        st.radio(
            t("app.language"),
            options=list(i18n.LANGS),
            index=list(i18n.LANGS).index(state.lang()),
            format_func=labels.__getitem__,
            horizontal=True,
            key="lang_radio",
            on_change=_language_changed,
        )
        st.caption(f"{t('app.database')}: {md(store.path)}")


def demo_banner(ctx: PageContext) -> None:
    """The "Data demo" banner with the one action that clears the demo."""
    if not ctx.store.has_demo():
        return
    col_text, col_action = st.columns([5, 1], vertical_alignment="center")
    col_text.warning(ctx.t("demo.banner"), icon=":material/science:")
    if not ctx.actor.undo_scope().everything:  # clearing undoes rows everywhere
        return
    with col_action.popover(ctx.t("demo.clear"), width="stretch"):
        demo_clear_confirm(ctx, "clear_demo")


def demo_clear_confirm(ctx: PageContext, key: str, who: Principal | None = None) -> None:
    """Inside a popover: what clearing the demo removes, and the one button that does it (the
    banner's and the import page's "Hapus data demo" ask the same); ``who``: the page's
    principal (default the context's actor)."""
    st.caption(ctx.t("demo.clear_help"))
    if st.button(ctx.t("demo.clear_confirm"), type="primary", key=key):
        from kpi.demo import clear_demo

        try:
            clear_demo(ctx.store, actor=who if who is not None else ctx.actor)
        except StoreError as exc:  # refused (recorded): said in the user's language
            st.error(md(exc.message_en if ctx.lang == "en" else exc.message_id))
            return
        st.cache_data.clear()
        st.toast(ctx.t("demo.cleared"))
        st.rerun()
