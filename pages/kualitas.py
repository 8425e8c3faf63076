"""Kualitas data: completeness and timeliness by area, libraries that never reported, values to
verify."""

from kpi.ui import context, kualitas
from kpi.ui.shell import page_guard

page_guard()
kualitas.render(context.current())
