"""The report card's writing tools (kpi.rapor.pdf draws with them): the fonts (from the machine
or reportlab, offline), the colours of bands and tiers, ``Writer`` (styles, number formats and the
data-safe paragraph of one card in one language) and the table style.

Every text that came from data goes through ``Writer.p``, which escapes it before reportlab's
Paragraph reads its mini-markup, so ``<b>x</b>`` prints as those characters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from kpi import i18n
from kpi.catalogue import catalogue
from kpi.reasons import words as reason_words
from kpi.vocab import TIERS_BY_ORDER, Tier

FONT, FONT_BOLD = "TPBIS-Sans", "TPBIS-Sans-Bold"
# Debian's fonts-dejavu-core (wide Unicode coverage), else the Vera fonts reportlab ships
_FONT_FILES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
)
# an area card's count of libraries per tier: the field teams' order, then the unflagged
TIER_COUNTS: tuple[Tier, ...] = (*TIERS_BY_ORDER, Tier.TANPA_TANDA)
# the columns of a province card's kab/kota table (each tier: its count, jumlah_<tier>)
AREA_TIERS: tuple[Tier, ...] = (Tier.PRIORITAS_1, Tier.PRIORITAS_2, Tier.PELAPORAN)
LINE = "#1b4f72"

_registered = False


def fonts() -> tuple[str, str]:
    """Register the card's fonts once: DejaVu Sans when installed, else reportlab's Vera."""
    global _registered
    if _registered:
        return FONT, FONT_BOLD
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    own = Path(reportlab.__file__).resolve().parent / "fonts"
    candidates = [*_FONT_FILES, (str(own / "Vera.ttf"), str(own / "VeraBd.ttf"))]
    for regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont(FONT, regular))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, bold))
            addMapping(FONT, 0, 0, FONT)
            addMapping(FONT, 1, 0, FONT_BOLD)
            addMapping(FONT, 0, 1, FONT)
            addMapping(FONT, 1, 1, FONT_BOLD)
            _registered = True
            return FONT, FONT_BOLD
    raise RuntimeError("no TrueType font found for the report card")


def finite(v: Any) -> bool:
    try:
        return v is not None and not math.isnan(float(v))
    except (TypeError, ValueError):
        return False


class Writer:
    """Styles, number formats and the data-safe paragraph of one card in one language."""

    def __init__(self, lang: str) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.lang = i18n.norm_lang(lang)
        regular, bold = fonts()
        base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=11)
        self.styles = {
            "base": base,
            "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
            "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
            "cell_b": ParagraphStyle("cell_b", parent=base, fontName=bold, fontSize=7.5, leading=9),
            "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=15, leading=18),
            "h2": ParagraphStyle(
                "h2", parent=base, fontName=bold, fontSize=10, leading=13, spaceBefore=6
            ),
            "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=9, leading=12),
            "big": ParagraphStyle("big", parent=base, fontName=bold, fontSize=16, leading=19),
            "bullet": ParagraphStyle(
                "bullet", parent=base, leftIndent=10, bulletIndent=2, fontSize=8.5
            ),
        }

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(key, self.lang, **values)

    def p(self, text: Any, style: str = "base", **kw: Any):
        """A paragraph of literal text: data never becomes markup."""
        from reportlab.platypus import Paragraph

        return Paragraph(escape("" if text is None else str(text)), self.styles[style], **kw)

    def num(self, v: Any, decimals: int = 0) -> str:
        return i18n.format_number(v, self.lang, decimals)

    def pct(self, v: Any, decimals: int = 1) -> str:
        return i18n.format_percent(v, self.lang, decimals)

    def kpi_value(self, kpi_id: str, v: Any) -> str:
        if kpi_id == "kelengkapan_laporan":
            return self.pct(v)
        cat = catalogue()
        k = cat[kpi_id]
        return self.pct(v, k.decimals) if k.unit == "%" else self.num(v, k.decimals)

    def band(self, band: str | None) -> str:
        return self.t(f"kpi.band.{band}") if band else self.t("kpi.band.tanpa_skor")

    def tier(self, tier: str | None) -> str:
        return self.t(f"tier.{tier or Tier.TANPA_TANDA}")

    def reason(self, r: Any) -> str:
        if not isinstance(r, dict):
            return str(r)
        return reason_words(r, self.lang)


# ---------------------------------------------------------------------------------------------
# Sections


def table(rows: list[list[Any]], widths: Sequence[float], header: bool = True, zebra=True):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LINEBELOW", (0, 0), (-1, 0 if header else -1), 0.5, colors.HexColor("#7f7f7f")),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaf2f8")))
    if zebra:
        for i in range(2 if header else 1, len(rows), 2):
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f7f7f7")))
    table.setStyle(TableStyle(style))
    return table
