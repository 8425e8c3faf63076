"""The printable report card (rapor) of a library, a kab/kota or a province, as PDF.

``content.gather`` picks the place's figures from the engine (no KPI arithmetic here);
``pdf.render`` draws them with reportlab. ``build_pdf`` does both.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from kpi.periods import Period
from kpi.rapor.content import Card, UnknownPlaceError, default_period, gather
from kpi.rapor.pdf import render
from kpi.scope import Filters
from kpi.store import Store
from kpi.vocab import Level

__all__ = [
    "build_zip",
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


def area_libraries(store: Store, card: Card, filters: Filters | None = None) -> list[str]:
    """The codes of an area's partner libraries (within the view's level filter), in the
    register's order of kab/kota and name."""
    from kpi.profile import library_index

    level = card.place["tingkat"]
    idx = library_index(store)
    idx = idx[idx[f"kode_{level}"].astype(str) == str(card.place["kode"])]
    if filters is not None and filters.jenis:
        idx = idx[idx["jenis"] == filters.jenis]
    return [str(k) for k in idx["kode"]]


def build_zip(
    store: Store,
    tingkat: str,
    kode: str,
    period: str | Period | None = None,
    lang: str = "id",
    filters: Filters | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, int]:
    """Every card of a kab/kota or province for a field visit: the area's own card first, then
    one per partner library. Returns the ZIP's bytes and the number of cards. The cards share
    the engine's frames (one evaluation, one peers' table per level), so each library adds
    little more than its own drawing."""
    if tingkat == Level.PERPUSTAKAAN:
        raise ValueError("a ZIP of cards is for a kab/kota or a province")
    shared: dict[tuple, object] = {}
    area = gather(store, tingkat, kode, period, filters, shared=shared)
    codes = area_libraries(store, area, filters)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"00_{file_name(area)}", render(area, lang))
        for i, lib in enumerate(codes, start=1):
            card = gather(store, Level.PERPUSTAKAAN, lib, area.period, filters, shared=shared)
            zf.writestr(file_name(card), render(card, lang))
            if progress is not None:
                progress(i, len(codes))
    return buf.getvalue(), 1 + len(codes)
