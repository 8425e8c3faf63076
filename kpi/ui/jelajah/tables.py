"""The Jelajah table as shown (numbers in the language's format, band colours, profile links) and
its files."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from kpi import export, i18n
from kpi.catalogue import Kpi, catalogue
from kpi.queries.paging import ListIndex
from kpi.ui.cache import cached
from kpi.ui.context import translator
from kpi.ui.jelajah.labels import (
    _fmt,
    band_css,
    band_label,
    value_header,
)


def table_frame(frame: pd.DataFrame, k: Kpi, lang: str) -> pd.DataFrame:
    """The table shown and exported: one row per unit, the KPI first, then completeness, the
    libraries behind the value, the Skor KPI TPBIS and its band (named). Highest value first,
    units without a value last. Column headers in ``lang``; numbers stay numbers."""
    t = translator(lang)
    out = pd.DataFrame(
        {
            t("jelajah.col.kode"): frame["kode"].astype(str),
            t("jelajah.col.nama"): frame["nama"].fillna(frame["kode"]).astype(str),
        }
    )
    if "jenis" in frame.columns:
        out[t("jelajah.col.jenis")] = [
            i18n.t(f"jenis.{j}", lang) if isinstance(j, str) else None for j in frame["jenis"]
        ]
    out[value_header(k, lang)] = pd.to_numeric(frame[k.id], errors="coerce").astype(float)
    out[t("jelajah.col.kelengkapan")] = frame["kelengkapan_laporan"].astype(float)
    contributing = f"{k.id}__perpustakaan"
    if contributing in frame.columns:
        out[t("jelajah.col.perpustakaan_nilai")] = frame[contributing].astype("Int64")
    out[t("jelajah.col.perpustakaan")] = frame["perpustakaan"].astype("Int64")
    if "skor" in frame.columns:
        out[t("kpi.skor")] = frame["skor"].astype(float)
        out[t("kpi.band")] = [
            band_label(b, lang, sk) for b, sk in zip(frame["band"], frame["skor"], strict=True)
        ]
    value_col = out.columns[3 if "jenis" in frame.columns else 2]
    out = out.sort_values(value_col, ascending=False, na_position="last", kind="stable")
    return out.reset_index(drop=True)


def table_decimals(table: pd.DataFrame, k: Kpi, lang: str) -> dict[str, int]:
    """The decimals of each number column of the shown table."""
    t = translator(lang)
    decimals = {
        value_header(k, lang): k.decimals,
        t("jelajah.col.kelengkapan"): 1,
        t("jelajah.col.perpustakaan_nilai"): 0,
        t("jelajah.col.perpustakaan"): 0,
        t("kpi.skor"): 1,
    }
    return {c: int(d) for c, d in decimals.items() if c in table.columns}


def table_formats(table: pd.DataFrame, k: Kpi, lang: str) -> dict[str, Callable[[object], str]]:
    """Per-column formatters for the shown table (numbers in the language's format)."""

    def fmt(d: int) -> Callable[[object], str]:
        return lambda v: _fmt(v, lang, d)

    return {c: fmt(d) for c, d in table_decimals(table, k, lang).items()}


def profile_url(kode: object, tingkat: str) -> str:
    """The Profil page's address for a unit, relative to the app's root."""
    # encoded: a library code from a file may hold &, # or ? of its own
    return "profil?" + urlencode({"kode": str(kode).replace(".", ""), "tingkat": tingkat})


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    export.write_xlsx(sheets, buf)
    return buf.getvalue()


def kept_styler(styled: Styler) -> Styler:
    """The Styler with its rendering kept after the first time.

    st.dataframe renders a Styler (every cell formatted and styled, in pandas) on every run:
    ~0.2 s for the 3,938 libraries, although the table does not change within a data version.
    Kept with the table, the rendering is done once; each run then only sends it. The object
    stays a plain Styler (Streamlit recognises it by its exact type): its own ``_compute`` and
    ``_translate`` (what Streamlit calls) are replaced by their kept results.
    """
    styled._compute()
    computed = styled
    translations: dict[tuple[Any, ...], Any] = {}
    translate = styled._translate

    def translate_kept(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in translations:
            translations[key] = translate(*args, **kwargs)
        return translations[key]

    styled._compute = lambda: computed  # type: ignore[method-assign]
    styled._translate = translate_kept  # type: ignore[method-assign]
    return styled


def _styles_whole(frame: pd.DataFrame) -> bool:
    """Whether pandas will style a table this size (its limit: styler.render.max_elements)."""
    return frame.size <= int(pd.get_option("styler.render.max_elements"))


@cached(max_entries=16, kept=True, versioned=False)
def _tables(
    table: pd.DataFrame, kpi_id: str, level: str, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame, ListIndex]:
    """The table for the files, the one shown (with profile links) and its index: the shown
    table goes to the browser a page at a time, searched and sorted in DuckDB (issue 15)."""
    k = catalogue()[kpi_id]
    shown = table_frame(table, k, lang)
    linked = shown
    if level != "nasional":
        codes = shown[i18n.t("jelajah.col.kode", lang)]
        profil = i18n.t("jelajah.col.profil", lang)
        linked = shown.assign(**{profil: [profile_url(c, level) for c in codes]})
    return shown, linked, ListIndex(_list_frame(shown, k, lang), search=SEARCH, columns=SORTS)


# what the shown table may be searched in and sorted on (kpi.queries.paging)
SEARCH: tuple[str, ...] = ("nama", "kode")
SORTS: tuple[str, ...] = ("nilai", "nama", "kelengkapan", "skor")


def _list_frame(shown: pd.DataFrame, k: Kpi, lang: str) -> pd.DataFrame:
    """The shown table's columns under plain names, for its index."""
    t = translator(lang)
    names = {
        "kode": t("jelajah.col.kode"),
        "nama": t("jelajah.col.nama"),
        "nilai": value_header(k, lang),
        "kelengkapan": t("jelajah.col.kelengkapan"),
        "skor": t("kpi.skor"),
    }
    return pd.DataFrame(
        {plain: shown[col] if col in shown.columns else None for plain, col in names.items()}
    )


def sort_labels(shown: pd.DataFrame, k: Kpi, lang: str) -> dict[str, str]:
    """The sorts offered for the shown table: column -> its header."""
    t = translator(lang)
    labels = {
        "nilai": value_header(k, lang),
        "nama": t("jelajah.col.nama"),
        "kelengkapan": t("jelajah.col.kelengkapan"),
        "skor": t("kpi.skor"),
    }
    return {c: h for c, h in labels.items() if h in shown.columns}


def styled_page(page: pd.DataFrame, shown: pd.DataFrame, k: Kpi, lang: str) -> Styler:
    """A page of the shown table, styled: numbers in the language's format, band colours."""
    styled = page.style.format(table_formats(shown, k, lang), na_rep="–")
    band_col = i18n.t("kpi.band", lang)
    if band_col in page.columns:
        styled = styled.map(lambda v: band_css(v, lang), subset=[band_col])
    return styled


def _plain_formats(shown: pd.DataFrame, k: Kpi, lang: str) -> dict[str, Any]:
    """Column formats for a table too large to style: decimals of each figure, thousands
    grouped in English (the browser's printf knows no Indonesian separators; none there)."""
    group = "," if i18n.norm_lang(lang) == "en" else ""
    return {
        c: st.column_config.NumberColumn(c, format=f"%{group}.{d}f")
        for c, d in table_decimals(shown, k, lang).items()
    }
