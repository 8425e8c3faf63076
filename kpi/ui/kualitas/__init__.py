"""Kualitas data: completeness and timeliness by area, libraries that never reported, values to
verify.

tables (the frames as shown: plain functions), figures (the completeness chart), loads (kept per
data version) and page (the drawing)."""

from kpi.ui.kualitas import figures, loads, tables
from kpi.ui.kualitas.page import render, subtitle
from kpi.ui.parts import names_of

__all__ = ["render", "subtitle"]
__getattr__ = names_of(__name__, (tables, figures, loads))
