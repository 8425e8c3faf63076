"""Prioritas pembinaan (coaching priorities): the ranked list with reasons, the area roll-up,
the quadrant chart and the Excel export for field teams.

The rules live in kpi.coaching (coaching-rules.md); this package arranges their result for people:
tables (pure frame builders and the export), figures (the quadrant chart and the area bars), loads
(the evaluation's bundle and the shown figures, kept per data version) and page (the drawing)."""

from kpi.ui.parts import names_of
from kpi.ui.prioritas import figures, loads, tables
from kpi.ui.prioritas.page import render

__all__ = ["render"]
__getattr__ = names_of(__name__, (tables, figures, loads))
