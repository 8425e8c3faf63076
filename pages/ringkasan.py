"""Ringkasan: coverage, score bands, headline KPIs against a year earlier, trends, completeness,
best and worst provinces, for the sidebar's filters."""

from kpi.ui import context, overview
from kpi.ui.shell import page_guard

page_guard()
overview.render(context.current())
