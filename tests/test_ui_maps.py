"""Map builders: offline style, no-data class, 2022 Papua provinces, one legend entry per class."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi import palette, places
from kpi.ui import maps


def _provinces(values: dict[str, float | None]) -> pd.DataFrame:
    p = places.provinsi()
    return pd.DataFrame(
        {
            "kode": list(values),
            "nama": [p.set_index("kode").at[k, "nama"] for k in values],
            "nilai": [np.nan if v is None else v for v in values.values()],
        }
    )


def test_choropleth_is_offline_and_greys_missing_provinces() -> None:
    fig = maps.province_choropleth(_provinces({"52": 10.0, "31": None, "93": 5.0}), "Skor", "id")
    assert fig.layout.map.style == "white-bg"
    names = [t.name for t in fig.data]
    assert "Tidak ada data" in names
    grey = next(t for t in fig.data if t.name == "Tidak ada data")
    # 31 has no value and the 31 provinces with no row at all are grey too
    assert "31" in list(grey.locations) and len(grey.locations) == 34 - 1
    coloured = next(t for t in fig.data if t.type == "choroplethmap" and t.name == "Skor")
    assert list(coloured.locations) == ["52"]
    # a 2022 Papua province is a point inside its parent, not a missing outline
    point = next(t for t in fig.data if t.type == "scattermap")
    assert point.customdata[0][0] == "Papua Selatan"
    assert "5,0" in point.customdata[0][1]


def test_choropleth_by_band_names_each_band() -> None:
    frame = _provinces({"52": 40.0, "51": 60.0, "32": 90.0}).assign(
        band=["merah", "kuning", "hijau"]
    )
    fig = maps.province_choropleth(frame, "Skor", "en", bands=True)
    names = {t.name for t in fig.data}
    assert {"Red", "Yellow", "Green", "No data"} <= names


def test_points_one_trace_per_class_unknown_class_is_no_data() -> None:
    frame = pd.DataFrame(
        {
            "nama": ["A", "B", "C"],
            "latitude": [-6.0, -7.0, -8.0],
            "longitude": [106.0, 110.0, 116.0],
            "tier": ["prioritas_1", None, "aneh"],
            "n": [1, 4, 9],
        }
    )
    fig = maps.points(
        frame,
        "id",
        colour_by="tier",
        colours=palette.TIER_COLOURS,
        label_prefix="tier",
        size_col="n",
    )
    assert [t.name for t in fig.data] == ["Prioritas 1", "Tidak ada data"]
    assert len(fig.data[1].lat) == 2
    assert fig.layout.map.style == "white-bg"
    assert (
        maps.points(
            frame,
            "id",
            colour_by="tier",
            colours=palette.TIER_COLOURS,
            label_prefix="tier",
            online=True,
        ).layout.map.style
        == maps.ONLINE_STYLE
    )
