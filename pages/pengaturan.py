"""Pengaturan: score weights, components, band edges and coaching thresholds with a live preview;
targets; the optional kab/kota boundary file."""

import streamlit as st

from kpi.ui import filters, pengaturan, state
from kpi.ui.shell import page_guard

page_guard()

lang = state.lang()
view = filters.current()

st.title(state.tr("pengaturan.title"))
st.caption(state.tr("pengaturan.intro"))
pengaturan.render(view, lang)
