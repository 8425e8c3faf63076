"""Where things are: points for kab/kota and libraries, from the store's region table.

A library's own latitude/longitude (from the register) wins; otherwise the point of its area
(desa/kelurahan, kab/kota or province) from the gazetteer is used.
"""

from __future__ import annotations

import pandas as pd

from kpi.queries import regions
from kpi.queries.register import library_points as library_points
from kpi.store import Store


def area_points(store: Store, tingkat: str, kodes: list[str]) -> pd.DataFrame:
    """kode, nama, latitude, longitude of regions of one level (provinsi, kabupaten_kota, ...)."""
    return regions.points(store, tingkat, kodes)
