"""The printable report card (rapor) of a library, a kab/kota or a province, as PDF.

``content.gather`` picks the place's figures from the engine (no KPI arithmetic here);
``pdf.render`` draws them with reportlab. ``build_pdf`` does both.
"""

from __future__ import annotations

from kpi.compute import Filters
from kpi.periods import Period
from kpi.rapor.content import Card, UnknownPlaceError, default_period, gather
from kpi.rapor.pdf import render
from kpi.store import Store

__all__ = [
    "Card",
    "UnknownPlaceError",
    "build_pdf",
    "default_period",
    "file_name",
    "gather",
    "render",
]


def build_pdf(
    store: Store,
    tingkat: str,
    kode: str,
    period: str | Period | None = None,
    lang: str = "id",
    filters: Filters | None = None,
) -> bytes:
    """The report card of one place as PDF bytes (UnknownPlaceError for a code the store lacks)."""
    return render(gather(store, tingkat, kode, period, filters), lang)


def file_name(card_or_kode: Card | str, period: Period | str | None = None) -> str:
    """rapor_<code>_<period>.pdf, with only letters, digits, - and _ from the code."""
    if isinstance(card_or_kode, Card):
        kode, per = str(card_or_kode.place["kode"]), card_or_kode.period.label
    else:
        kode = str(card_or_kode)
        per = period.label if isinstance(period, Period) else str(period or "")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in kode)[:60]
    when = "".join(c if c.isalnum() or c in "-_" else "_" for c in per)
    return f"rapor_{safe}_{when}.pdf" if when else f"rapor_{safe}.pdf"
