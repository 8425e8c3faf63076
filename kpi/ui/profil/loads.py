"""What the Profil page reads, kept per data version (kpi.ui.cache), and the place the URL names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from kpi import compute, i18n
from kpi import profile as prof
from kpi.catalogue import catalogue
from kpi.compute import Filters
from kpi.periods import add_months, parse_period
from kpi.scope import ask
from kpi.store import Store
from kpi.ui.cache import cached
from kpi.ui.profil.figures import (
    trends_figure,
)

TREND_MONTHS = 36
HISTORY_POINTS = 5  # the window ends of the flag history: the period end and 4 quarters before
# an area's trends also show how many of its libraries reported each month
REPORTING = "perpustakaan_melapor"


def peer_columns() -> tuple[str, ...]:
    """What a profile sets beside its peers: the composite score, the report completeness,
    then the catalogue's ``profil.sebaya`` KPIs."""
    return ("skor", "kelengkapan_laporan", *catalogue().profil_sebaya)


STAGE_NAMES: tuple[str, ...] = ("Aware", "Appeal", "Ask", "Act", "Advocate")


@cached(max_entries=4)
def _index(store: Store) -> pd.DataFrame:
    return prof.library_index(store)


@cached(max_entries=256)
def _place(store: Store, tingkat: str, kode: str) -> dict[str, Any] | None:
    return prof.find_place(store, tingkat, kode)


@cached(max_entries=64)
def _series(
    store: Store, place: tuple[str, str], first: date, last: date, fkey: tuple
) -> pd.DataFrame:
    p = {"tingkat": place[0], "kode": place[1]}
    return prof.monthly_series(store, p, first, last, Filters(*fkey))


@cached(max_entries=32)
def _funnel(store: Store, level: str, periode: str, fkey: tuple) -> pd.DataFrame:
    return compute.funnel_5a(ask(store, level, periode, Filters(*fkey)))


@cached(max_entries=32)
def _ciel(store: Store, level: str, periode: str, fkey: tuple) -> pd.DataFrame:
    return compute.ciel(ask(store, level, periode, Filters(*fkey)))


@cached(max_entries=64)
def _context(store: Store, kodes: tuple[str, ...]) -> pd.DataFrame:
    return prof.context_indicators(store, kodes)


def requested() -> tuple[str, str | None]:
    """The place the URL asks for: (tingkat, kode or None). Without ``tingkat``, a 2-digit code
    is a province, a 4-digit one a kab/kota, anything else a library.
    """
    kode = st.query_params.get("kode")
    kode = kode.strip() if kode else None
    tingkat = st.query_params.get("tingkat")
    if tingkat not in prof.TINGKAT:
        tingkat = prof.guess_tingkat(kode) if kode else "perpustakaan"
    return tingkat, kode or None


def unknown_message(tingkat: str, kode: str, lang: str) -> str:
    """What to say about a code the store does not know (the code shown as code, never as
    markdown: it comes from the URL)."""
    shown = "".join(ch for ch in str(kode)[:60] if ch.isprintable() and ch != "`")
    level = i18n.t(f"profil.tingkat.{tingkat}", lang).lower()
    return i18n.t("profil.unknown", lang, kode=f"`{shown}`", tingkat=level)


def place(store: Store, tingkat: str, kode: str) -> dict[str, Any] | None:
    return _place(store, tingkat, kode)


def _open(tingkat: str, kode: str) -> None:
    st.query_params["tingkat"] = tingkat
    st.query_params["kode"] = kode


def _level(p: Mapping[str, Any]) -> str:
    return str(p["tingkat"])


@cached(max_entries=256)
def figure_spec(store: Store, key: tuple[Any, ...], _build: Callable[[], Any]) -> dict:
    """A section's figure as its dict, built by ``_build`` once per data version and ``key``:
    the section, the place, the period, the filters, the language and whatever else the figure
    shows (the figure is made of the cached frames those identify). A revisit then builds no
    Plotly figure (~0.15 s a profile)."""
    del store, key
    return _build().to_dict()


@cached(max_entries=64)
def _trends(
    store: Store, place: tuple[str, str], periode: str, fkey: tuple, lang: str
) -> dict | None:
    """The trends figure of a place, as its dict (None without any report in the months
    shown); subplots are slow to build, so the figure itself is cached per data version.
    """
    period = parse_period(periode)
    first = add_months(period.last, -(TREND_MONTHS - 1))
    series = _series(store, place, first, period.last, fkey)
    if series.empty or int(series[REPORTING].sum()) == 0:
        return None
    cat = catalogue()
    area = place[0] != "perpustakaan"
    kpis = cat.profil_tren + (cat.profil_tren_wilayah if area else ())
    titles = {str(cat[k].numerator.column): cat[k].nama(lang) for k in kpis}
    if area:
        titles[REPORTING] = i18n.t("profil.trend.melapor", lang)
    return trends_figure(series, titles, lang, period).to_dict()


def _own_row(frame: pd.DataFrame, kode: str) -> pd.Series | None:
    col = frame["kode"]
    same = (col if pd.api.types.is_string_dtype(col) else col.astype(str)) == str(kode)
    at = np.flatnonzero(same.to_numpy(dtype=bool, na_value=False))
    return frame.iloc[int(at[0])] if len(at) else None  # one row, not a filtered copy


def _row_of(frame: pd.DataFrame, kode: str) -> dict[str, Any] | None:
    row = _own_row(frame, kode)
    return None if row is None else row.to_dict()


@cached(max_entries=256)
def own_funnel(store: Store, level: str, periode: str, fkey: tuple, kode: str) -> pd.Series | None:
    """A place's row of the 5A table (kept per place: a revisit reads no 35,000-row table)."""
    row = _row_of(_funnel(store, level, periode, fkey), kode)
    return None if row is None else pd.Series(row, dtype=object)


@cached(max_entries=256)
def own_ciel(store: Store, level: str, periode: str, fkey: tuple, kode: str) -> pd.Series | None:
    """A place's row of the CIEL table (kept per place, as ``own_funnel``)."""
    row = _row_of(_ciel(store, level, periode, fkey), kode)
    return None if row is None else pd.Series(row, dtype=object)
