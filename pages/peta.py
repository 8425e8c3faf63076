"""Peta: provinces, kab/kota and libraries on an offline map, coloured by KPI, band or tier."""

from kpi.ui import context, peta
from kpi.ui.shell import page_guard

page_guard()
peta.render(context.current())
