"""A KPI in words for the Jelajah page: its name, unit, value header, band and number format."""

from __future__ import annotations

import pandas as pd

from kpi import i18n
from kpi.catalogue import PILLARS, Catalogue, Kpi
from kpi.ui.charts import BAND_COLOURS
from kpi.vocab import Band


def kpi_choices(cat: Catalogue) -> list[str]:
    """KPI ids grouped by pillar (the catalogue's pillar order), catalogue order within one."""
    order = {p: i for i, p in enumerate(PILLARS)}
    return [k.id for k in sorted(cat.kpis, key=lambda k: order.get(k.pillar, len(order)))]


def kpi_label(k: Kpi, lang: str) -> str:
    return f"{i18n.t(f'jelajah.pilar.{k.pillar}', lang)} · {k.nama(lang)}"


def unit_label(k: Kpi, lang: str) -> str:
    key = f"jelajah.unit.{k.unit}"
    text = i18n.t(key, lang)
    return k.unit if text == key else text


def value_header(k: Kpi, lang: str) -> str:
    """The KPI's column header: its name, with its unit unless the name already says it."""
    name, unit = k.nama(lang), unit_label(k, lang)
    if unit.lower() in name.lower() or k.unit == "rasio":
        return name
    return f"{name} ({unit})"


def band_label(band: object, lang: str, skor: object = None) -> str:
    """The band's name; an area with a score but no band has too few scored libraries."""
    if not isinstance(band, str) or not band:
        if isinstance(skor, int | float) and skor == skor:
            return i18n.t("kpi.band.data_belum_cukup", lang)
        return i18n.t("kpi.band.tanpa_skor", lang)
    return i18n.t(f"kpi.band.{band}", lang)


def band_css(label: object, lang: str) -> str:
    """The band's colour behind its (named) label in a table cell."""
    for band, colour in BAND_COLOURS.items():
        if label == band_label(band, lang):
            text = "#1f1f1f" if band == Band.KUNING else "#ffffff"
            return f"background-color: {colour}; color: {text}"
    return ""


def _fmt(value: object, lang: str, decimals: int) -> str:
    return i18n.format_number(value, lang, decimals)


def _values(frame: pd.DataFrame, k: Kpi) -> pd.DataFrame:
    """kode, nama, nilai (float), band of the units that have a value."""
    out = pd.DataFrame(
        {
            "kode": frame["kode"].astype(str),
            "nama": frame["nama"].fillna(frame["kode"]).astype(str),
            "nilai": pd.to_numeric(frame[k.id], errors="coerce").astype(float),
            "band": frame["band"] if "band" in frame.columns else None,
        }
    )
    return out[out["nilai"].notna()]
