"""Peta: provinces, kab/kota and libraries on an offline map, coloured by KPI, band or tier."""

from kpi.ui import filters, peta, state
from kpi.ui.shell import page_guard

page_guard()
peta.render(filters.current(), state.lang())
