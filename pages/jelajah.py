"""Jelajah KPI: any KPI of the catalogue by any level over the view's period."""

import streamlit as st

from kpi.ui import filters, jelajah, state
from kpi.ui.shell import page_guard

page_guard()

view = filters.current()
st.title(state.tr("jelajah.title"))
st.caption(jelajah.subtitle(view, state.lang()))
if view.last_month is None:
    st.info(state.tr("empty.no_data"))
    st.stop()
jelajah.render(view, state.lang())
