"""The Profil page: one province, kab/kota or library.

figures (plain figure builders), loads (what it reads, kept per data version), history (the flag
history, evaluated in the background), sections (report card, trends, peers, 5A, CIEL), page.
"""

from kpi.ui.parts import names_of
from kpi.ui.profil import figures, history, loads, page
from kpi.ui.profil.page import render

__all__ = ["render"]
__getattr__ = names_of(__name__, (figures, loads, history, page))
