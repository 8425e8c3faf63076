"""Prioritas pembinaan: the ranked list with reasons, the area roll-up, the quadrant chart and
the Excel export for field teams (coaching-rules.md)."""

import streamlit as st

from kpi.ui import filters, prioritas, state
from kpi.ui.shell import page_guard

page_guard()

st.title(state.tr("prioritas.title"))
prioritas.render(filters.current())
