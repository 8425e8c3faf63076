"""Jejak audit (administrators): the audit trail, filtered and exported, and its hash check."""

from kpi.ui import jejak
from kpi.ui.shell import page_guard

page_guard()
jejak.page()
