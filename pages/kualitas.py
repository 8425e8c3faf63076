"""Kualitas data: completeness and timeliness by area, libraries that never reported, values to
verify."""

import streamlit as st

from kpi.ui import filters, kualitas, state
from kpi.ui.shell import page_guard

page_guard()

view = filters.current()
st.title(state.tr("kualitas.title"))
st.caption(kualitas.subtitle(view, state.lang()))
if view.last_month is None:
    st.info(state.tr("empty.no_data"))
    st.stop()
kualitas.render(view, state.lang())
