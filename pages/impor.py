"""Impor data: upload spreadsheets, check the dry run, commit, see the history and undo."""

from kpi.ui import impor, state
from kpi.ui.shell import page_guard

page_guard()
impor.render(state.store())
