"""The report card's download on the Profil page, and the print stylesheet of every page.

The PDF is made only when the button is clicked (Streamlit's deferred download): the callable
gets plain values (database path, place, period, filters, language), never a Streamlit object,
because it runs outside the page's script run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import streamlit as st

from kpi import rapor
from kpi.store import open_store
from kpi.ui import masuk
from kpi.ui.context import PageContext
from kpi.vocab import Level

# Printing a page (Ctrl+P) prints the page: no sidebar, toolbar, header or buttons, full width
PRINT_CSS = """
<style>
@media print {
  @page { size: A4; margin: 1.2cm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stBottom"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stPageLink"],
  .modebar-container, header { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], .stApp {
    margin-left: 0 !important; overflow: visible !important; height: auto !important;
    position: static !important;
  }
  [data-testid="stMainBlockContainer"], .block-container {
    max-width: 100% !important; padding: 0 !important;
  }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stTable"] {
    break-inside: avoid;
  }
}
</style>
"""


def print_style() -> None:
    """The print stylesheet (once per run; it takes no room on the screen)."""
    st.html(PRINT_CSS)


def download(ctx: PageContext, place: Mapping[str, Any]) -> None:
    """The "Unduh rapor (PDF)" button of a place: the card for the view's period and filters."""
    db = str(ctx.store.path)
    lang, t = ctx.lang, ctx.t
    tingkat, kode, period, filters = (
        str(place["tingkat"]),
        str(place["kode"]),
        ctx.view.period,
        ctx.view.filters,
    )

    def offer(zipped: bool, where: Any, help_text: str) -> None:
        """One download: the place's card (PDF), or a kab/kota's cards (ZIP), made on click."""

        def make() -> bytes:
            try:
                if zipped:
                    return rapor.build_zip(open_store(db), tingkat, kode, period, lang, filters)[0]
                return rapor.build_pdf(open_store(db), tingkat, kode, period, lang, filters)
            except Exception:  # the log keeps it; the browser gets a failed download, no traceback
                logging.getLogger("tpbis").exception(
                    "report card%s of %s %s failed", "s" if zipped else "", tingkat, kode
                )
                raise

        name = rapor.file_name(kode, period)
        # with the right to export, recorded in the audit trail as a report card (what, filters)
        masuk.download_button(
            t("rapor.download_zip" if zipped else "rapor.download"),
            make,
            name.replace(".pdf", ".zip") if zipped else name,
            "application/zip" if zipped else "application/pdf",
            help=help_text,
            icon=":material/folder_zip:" if zipped else ":material/picture_as_pdf:",
            key="profil_rapor_zip" if zipped else "profil_rapor",
            what=f"rapor_{'zip_' if zipped else ''}{tingkat}_{kode}",
            report_card=True,
            where=where,
            who=ctx.user,
            lang=ctx.lang,
        )

    area = tingkat == Level.KABUPATEN_KOTA
    left, right = st.columns(2) if area else (st.container(), None)
    offer(False, left, t("rapor.download_help"))
    if right is not None:
        # a kab/kota's cards for a field visit (a province's many: python -m kpi rapor --zip)
        offer(True, right, t("rapor.download_zip_help", n=str(place.get("perpustakaan", ""))))
