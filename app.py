"""TPBIS KPI Dashboard: navigation, language, the shared sidebar and the first-run demo.

Run: streamlit run app.py   (database: --db after `--`, or TPBIS_DB, or the default path)
"""

from __future__ import annotations

import logging

import streamlit as st

from kpi.ui import (
    bench_browser,
    cari,
    context,
    deeplink,
    filters,
    layout,
    masuk,
    rapor,
    shell,
    state,
    warm,
)
from kpi.ui.pengaturan.widgets import unsaved_notice

st.set_page_config(page_title="Dasbor KPI TPBIS", page_icon="📚", layout="wide")
rapor.print_style()  # printing a page leaves the sidebar out
deeplink.install()  # deep links without 404s in the browser's console (kpi.ui.deeplink)


def pages() -> list:
    """The pages in the order people use them, titled in the session's language."""
    return [
        st.Page(
            "pages/ringkasan.py",
            title=state.tr("page.ringkasan"),
            icon=":material/dashboard:",
            default=True,
            url_path="ringkasan",
        ),
        st.Page(
            "pages/peta.py", title=state.tr("page.peta"), icon=":material/map:", url_path="peta"
        ),
        st.Page("pages/prioritas.py", title=state.tr("page.prioritas"), icon=":material/flag:"),
        st.Page("pages/profil.py", title=state.tr("page.profil"), icon=":material/badge:"),
        st.Page("pages/jelajah.py", title=state.tr("page.jelajah"), icon=":material/query_stats:"),
        st.Page("pages/kualitas.py", title=state.tr("page.kualitas"), icon=":material/fact_check:"),
        st.Page(
            "pages/impor.py",
            title=state.tr("page.impor"),
            icon=":material/upload_file:",
            url_path="impor",
        ),
        st.Page(
            "pages/pengaturan.py", title=state.tr("page.pengaturan"), icon=":material/settings:"
        ),
        st.Page(
            "pages/pengguna.py",
            title=state.tr("page.pengguna"),
            icon=":material/group:",
            url_path="pengguna",
        ),
        st.Page(
            "pages/jejak_audit.py",
            title=state.tr("page.jejak_audit"),
            icon=":material/history:",
            url_path="jejak-audit",
        ),
        *bench_browser.hidden_pages(),  # none unless the browser benchmark started the server
    ]


try:
    store = state.store()
    state.ensure_demo(store)
    warm.after_new_version(store)  # new data: the national views computed ahead (kpi.ui.warm)
    layout.sidebar(store)
    # who acts (access.md): nobody before signing in, and then no page and no data
    who = masuk.gate(store)
    page = st.navigation(masuk.restrict(pages(), who), position="sidebar" if who else "hidden")
    shell.shell_started()  # the page opened below runs inside the shell (kpi.ui.shell)
    if who is None:
        masuk.login_page(store, state.lang())
    elif not masuk.allowed(who, page.url_path):
        masuk.account_sidebar(store, who, state.lang())
        masuk.no_access(store, who, page.url_path, state.lang())
    else:
        masuk.account_sidebar(store, who, state.lang())
        search_slot = st.sidebar.container()  # the search box above the filters
        filters.sidebar()
        cari.sidebar(search_slot)
        unsaved_notice()  # settings edited on Pengaturan and not saved: said on every page
        # the one PageContext of this run, handed to the banner and the page's render(ctx)
        ctx = context.build(who)
        if page.url_path not in ("", "ringkasan"):  # Ringkasan shows it below its coaching
            layout.demo_banner(ctx)
        page.run()
except Exception as exc:  # a user never sees a traceback; the log keeps it for the team
    logging.getLogger("tpbis").exception("page failed")
    # a damaged or unreadable database file, or one another process holds, says so
    st.error(state.store_message(exc) or state.tr("app.error"))
