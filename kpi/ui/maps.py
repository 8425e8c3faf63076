"""Map builders that draw with no network (maps.md).

MapLibre traces (Choroplethmap, Scattermap) on the "white-bg" style with the committed province
outlines: nothing is fetched from the web. An optional online base map is offered for browsers
that are online; it is never needed. No text is drawn on the map itself (text layers would fetch
glyphs); names show in the hover and the legend.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpi import i18n, places
from kpi.palette import BAND_COLOURS, NO_DATA_COLOUR
from kpi.ui.cache import cached
from kpi.ui.literal import html_list

CENTER = {"lat": -2.5, "lon": 118.0}
ZOOM = 3.7
# sequential scale, light to dark (colour-blind safe, differs in lightness)
SEQUENTIAL = "Blues"
ONLINE_STYLE = "open-street-map"


def _base_layout(fig: go.Figure, lang: str, online: bool, center: dict | None, zoom: float):
    fig.update_layout(
        map={
            "style": ONLINE_STYLE if online else "white-bg",
            "center": center or CENTER,
            "zoom": zoom,
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=620,
        separators=",." if i18n.norm_lang(lang) == "id" else ".,",
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 0.0,
            "x": 0.0,
            "bgcolor": "rgba(255,255,255,0.8)",
        },
    )
    return fig


def fit_zoom(lat: Sequence[float], lon: Sequence[float], width: int = 760, height: int = 520):
    """Center and zoom that show all points (web-mercator tiles are 512 px wide at zoom 0)."""
    la = np.asarray(lat, dtype=float)
    lo = np.asarray(lon, dtype=float)
    la, lo = la[~np.isnan(la)], lo[~np.isnan(lo)]
    if la.size == 0:
        return CENTER, ZOOM
    span_lon = max(float(lo.max() - lo.min()), 0.05) * 1.3
    span_lat = max(float(la.max() - la.min()), 0.05) * 1.3
    zoom = min(
        np.log2(width * 360.0 / (512.0 * span_lon)),
        np.log2(height * 180.0 / (512.0 * span_lat)),
        11.0,
    )
    center = {"lat": float((la.max() + la.min()) / 2), "lon": float((lo.max() + lo.min()) / 2)}
    return center, float(zoom)


def outline(kode_provinsi: str, lang: str, fill: str = "#eef2f5") -> go.Choroplethmap:
    """One province's outline as a light background layer (a 2022 province: its parent's)."""
    kode = places.geojson_kode(kode_provinsi)
    return go.Choroplethmap(
        geojson=_subset(_province_outlines(), [kode]),
        featureidkey="properties.kode",
        locations=[kode],
        z=[0],
        colorscale=[[0, fill], [1, fill]],
        showscale=False,
        marker={"line": {"color": "#9aa5b1", "width": 1}},
        hoverinfo="skip",
        showlegend=False,
        name="",
    )


class _Shared(dict):
    """Outlines that figures share and never change. Plotly deep-copies a trace's values when
    the trace is added and again in ``to_dict()`` (~50 ms for the province outlines, on every
    map built); the copy of a shared outline is the outline itself."""

    def __deepcopy__(self, memo: dict) -> _Shared:
        return self


@cached(max_entries=1, kept=True, versioned=False)
def _province_outlines() -> dict:
    """The province outlines, parsed once (read only: places.province_geojson() parses a
    fresh copy on every call)."""
    return places.province_geojson()


def _subset(geo: dict, kodes: Sequence[str]) -> _Shared:
    """Only the outlines a trace draws: every outline travels to the browser once, not once
    per trace (the whole set is ~230 KB)."""
    wanted = set(kodes)
    return _Shared(
        type="FeatureCollection",
        features=[f for f in geo["features"] if f["properties"]["kode"] in wanted],
    )


def _own_outline(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split provinces with an outline of their own from the four 2022 Papua provinces."""
    inside_parent = frame["kode"].isin(list(places.PAPUA_2022))
    return frame[~inside_parent], frame[inside_parent]


def province_choropleth(
    frame: pd.DataFrame,
    value_label: str,
    lang: str,
    *,
    decimals: int = 1,
    bands: bool = False,
    online: bool = False,
    extra_hover: Sequence[str] = (),
    geo: dict | None = None,
    grey_absent: bool = True,
) -> go.Figure:
    """Provinces coloured by ``nilai`` (or by ``band`` when ``bands``), grey where there is none.

    ``frame``: kode (Kemendagri province code), nama, nilai, optional band and the columns named
    in ``extra_hover`` (already formatted text). The four 2022 Papua provinces are drawn as
    points inside their parent's outline. ``geo`` draws other outlines keyed by
    ``properties.kode`` instead (an uploaded kab/kota boundary file); ``grey_absent`` greys the
    outlines that have no row in ``frame``.
    """
    geo = geo or _province_outlines()
    own, inside = _own_outline(frame)
    fig = go.Figure()
    hover_cols = ["nama", "nilai_teks", *extra_hover]

    def hover(df: pd.DataFrame) -> tuple[np.ndarray, str]:
        lines = ["<b>%{customdata[0]}</b>", f"{value_label}: %{{customdata[1]}}"]
        lines += [f"%{{customdata[{i + 2}]}}" for i in range(len(extra_hover))]
        shown = df[hover_cols].copy()
        shown["nama"] = html_list(shown["nama"])  # a name is text in the hover, never a tag
        return shown.to_numpy(), "<br>".join(lines) + "<extra></extra>"

    def text_values(df: pd.DataFrame) -> pd.DataFrame:
        return df.assign(
            nilai_teks=[
                i18n.t("peta.no_data", lang)
                if pd.isna(v)
                else i18n.format_number(v, lang, decimals)
                for v in df["nilai"]
            ]
        )

    own = text_values(own)
    inside = text_values(inside)
    missing = own[own["nilai"].isna()]
    present = own[own["nilai"].notna()]
    # provinces with no row at all are "no data" too
    listed = set(own["kode"])
    absent = [f["properties"] for f in geo["features"] if f["properties"]["kode"] not in listed]
    if absent and grey_absent:
        extra = pd.DataFrame(
            {
                "kode": [a["kode"] for a in absent],
                "nama": [a["nama"] for a in absent],
                "nilai": np.nan,
                "nilai_teks": i18n.t("peta.no_data", lang),
                **{c: "" for c in extra_hover},
            }
        )
        missing = pd.concat([missing, extra], ignore_index=True)

    def flat(part: pd.DataFrame, colour: str, name: str) -> None:
        """One layer of areas in one colour, named in the legend (a band, or no data)."""
        data, template = hover(part)
        fig.add_choroplethmap(
            geojson=_subset(geo, part["kode"]),
            featureidkey="properties.kode",
            locations=part["kode"],
            z=np.ones(len(part)),
            colorscale=[[0, colour], [1, colour]],
            showscale=False,
            marker={"line": {"color": "white", "width": 0.8}, "opacity": 0.85},
            name=name,
            showlegend=True,
            customdata=data,
            hovertemplate=template,
        )

    if bands and "band" in present:
        for band, colour in BAND_COLOURS.items():
            part = present[present["band"] == band]
            if part.empty:
                continue
            flat(part, colour, i18n.t(f"band.{band}", lang))
    elif not present.empty:
        data, template = hover(present)
        fig.add_choroplethmap(
            geojson=_subset(geo, present["kode"]),
            featureidkey="properties.kode",
            locations=present["kode"],
            z=present["nilai"],
            colorscale=SEQUENTIAL,
            colorbar={"title": {"text": value_label}, "thickness": 12, "len": 0.6},
            marker={"line": {"color": "white", "width": 0.8}, "opacity": 0.85},
            name=value_label,
            customdata=data,
            hovertemplate=template,
        )
    if not missing.empty:
        flat(
            missing.fillna({c: "" for c in extra_hover}),
            NO_DATA_COLOUR,
            i18n.t("peta.no_data", lang),
        )
    if not inside.empty:
        prov = places.provinsi().set_index("kode")
        pts = inside.join(prov[["latitude", "longitude"]], on="kode")
        data, template = hover(pts)
        fig.add_scattermap(
            lat=pts["latitude"],
            lon=pts["longitude"],
            mode="markers",
            marker={"size": 12, "color": "#333333", "symbol": "circle"},
            name=i18n.t("peta.papua_2022", lang),
            customdata=data,
            hovertemplate=template,
        )
    return _base_layout(fig, lang, online, None, ZOOM)


def points(
    frame: pd.DataFrame,
    lang: str,
    *,
    colour_by: str,
    colours: dict[str, str],
    label_prefix: str,
    size_col: str | None = None,
    online: bool = False,
    hover_cols: Sequence[str] = ("nama",),
    center: dict | None = None,
    zoom: float | None = None,
) -> go.Figure:
    """Places as points (kab/kota or libraries) coloured by a category (band or tier).

    ``frame``: latitude, longitude, the ``colour_by`` column, ``hover_cols`` (text for the
    hover, its names already escaped with kpi.ui.literal.html), optional
    ``size_col`` (e.g. the number of partner libraries). One trace per category, so the legend
    names each class; places without a class are grey "no data".
    """
    fig = go.Figure()
    data = frame.dropna(subset=["latitude", "longitude"]).copy()
    data[colour_by] = data[colour_by].where(data[colour_by].isin(list(colours)), "__none__")
    if size_col:
        s = data[size_col].astype(float).fillna(0)
        data["_size"] = 5 + 13 * np.sqrt(s / max(float(s.max()), 1.0))
    else:
        data["_size"] = 7
    categories = [*colours, "__none__"]
    template = "<br>".join(f"%{{customdata[{i}]}}" for i in range(len(hover_cols)))
    for cat in categories:
        part = data[data[colour_by] == cat]
        if part.empty:
            continue
        name = (
            i18n.t("peta.no_data", lang)
            if cat == "__none__"
            else i18n.t(f"{label_prefix}.{cat}", lang)
        )
        fig.add_scattermap(
            lat=part["latitude"],
            lon=part["longitude"],
            mode="markers",
            marker={
                "size": part["_size"],
                "color": colours.get(cat, NO_DATA_COLOUR),
                "opacity": 0.85,
            },
            name=name,
            # the kode rides last in customdata so that a selection knows the place
            customdata=part[[*hover_cols, "kode"]].to_numpy()
            if "kode" in part
            else part[list(hover_cols)].to_numpy(),
            hovertemplate=template + "<extra>" + name + "</extra>",
        )
    if center is None and zoom is None and not data.empty:
        center, zoom = fit_zoom(data["latitude"], data["longitude"])
    return _base_layout(fig, lang, online, center, zoom if zoom is not None else ZOOM)
