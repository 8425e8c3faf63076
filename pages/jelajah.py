"""Jelajah KPI: any KPI of the catalogue by any level over the view's period."""

from kpi.ui import context, jelajah
from kpi.ui.shell import page_guard

page_guard()
jelajah.render(context.current())
