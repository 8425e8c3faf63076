"""Ringkasan: coverage, headline monthly figures against a year earlier, trends, completeness."""

import streamlit as st

from kpi.ui import overview, state
from kpi.ui.shell import page_guard

page_guard()

store = state.store()
lang = state.lang()
view = overview.load(str(store.path), store.data_version(), lang)

st.title(state.tr("overview.title"))
if view is None:
    st.info(state.tr("empty.no_data"))
    st.stop()
overview.render(view, lang)
