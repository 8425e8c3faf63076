"""What the Kualitas page reads, kept per data version (kpi.ui.cache)."""

from __future__ import annotations

import pandas as pd

from kpi import quality
from kpi.compute import Filters
from kpi.store import Store
from kpi.ui import data
from kpi.ui.cache import cached
from kpi.ui.data import FilterKey, filter_key
from kpi.ui.filters import View
from kpi.ui.kualitas.tables import (
    VERIFY_SHOWN,
    Z_THRESHOLD,
    verify_table,
)


@cached(max_entries=16)
def _never(store: Store, fkey: FilterKey) -> pd.DataFrame:
    return quality.never_reported(store, Filters(*fkey))


@cached(max_entries=16)
def _verify(store: Store, periode: str, fkey: FilterKey) -> pd.DataFrame:
    return quality.values_to_verify(store, periode, Filters(*fkey), threshold=Z_THRESHOLD)


def never_reported(store: Store, view: View) -> pd.DataFrame:
    return _never(store, filter_key(view.filters))


def values_to_verify(store: Store, view: View) -> pd.DataFrame:
    return _verify(store, view.periode, filter_key(view.filters))


@cached(max_entries=16)
def _verify_counts(store: Store, periode: str, fkey: FilterKey) -> dict[str, int]:
    """How many values to verify there are per column (the list itself stays in the cache)."""
    return {
        str(k): int(v) for k, v in _verify(store, periode, fkey)["kolom"].value_counts().items()
    }


def _verify_part(
    store: Store, periode: str, fkey: FilterKey, columns: tuple[str, ...]
) -> pd.DataFrame:
    verify = _verify(store, periode, fkey)
    return verify[verify["kolom"].isin(columns)] if columns else verify


@cached(max_entries=32)
def _verify_reasons(
    store: Store, periode: str, fkey: FilterKey, columns: tuple[str, ...]
) -> dict[str, int]:
    part = _verify_part(store, periode, fkey, columns)
    return {str(k): int(v) for k, v in part["alasan"].value_counts().items()}


def _of_reasons(part: pd.DataFrame, reasons: tuple[str, ...]) -> pd.DataFrame:
    """The values to verify for one of ``reasons`` (every one without)."""
    return part[part["alasan"].isin(reasons)] if reasons else part


def _library_names(store: Store, periode: str, fkey: FilterKey) -> dict[str, str]:
    libs = data._completeness(store, "perpustakaan", periode, fkey)
    return dict(zip(libs["kode"].astype(str), libs["nama"].astype(str), strict=True))


@cached(max_entries=32)
def _verify_shown(
    store: Store,
    periode: str,
    fkey: FilterKey,
    columns: tuple[str, ...],
    reasons: tuple[str, ...],
    lang: str,
) -> tuple[int, pd.DataFrame]:
    """The number of values matching the choices, and the first VERIFY_SHOWN as shown."""
    rows = _of_reasons(_verify_part(store, periode, fkey, columns), reasons)
    names = _library_names(store, periode, fkey)
    return len(rows), verify_table(rows.head(VERIFY_SHOWN), names, lang)
