"""Prioritas pembinaan: the ranked list with reasons, the area roll-up, the quadrant chart and
the Excel export for field teams (coaching-rules.md)."""

from kpi.ui import context, prioritas
from kpi.ui.shell import page_guard

page_guard()
prioritas.render(context.current())
