"""Impor data: upload spreadsheets, check the dry run, commit, see the history and undo."""

from kpi.ui import context, impor
from kpi.ui.shell import page_guard

page_guard()
impor.render(context.current())
