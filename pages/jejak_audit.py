"""Jejak audit (administrators): the audit trail, filtered and exported, and its hash check."""

from kpi.ui import context, jejak
from kpi.ui.shell import page_guard

page_guard()
jejak.render(context.current())
