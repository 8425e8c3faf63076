"""Impor data: upload spreadsheets, check the dry run, commit, see the history and undo."""

from kpi.ui import impor, state

impor.render(state.store())
