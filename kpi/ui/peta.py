"""The map page (Peta): provinces coloured by a KPI, the score or the share of libraries in
coaching priority; kab/kota as points; village libraries as points inside a chosen province.

Everything draws offline (MapLibre on "white-bg" with the committed outlines); an online base
map is an option for browsers that are online.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import boundaries, coaching, i18n
from kpi.catalogue import catalogue
from kpi.compute import Filters
from kpi.geo import area_points, library_points
from kpi.palette import BAND_COLOURS, TIER_COLOURS
from kpi.periods import parse_period
from kpi.reasons import words
from kpi.store import Store
from kpi.ui import data, filters, maps, plot, state, tautan
from kpi.ui.cache import cached, filter_key
from kpi.ui.context import PageContext
from kpi.ui.filters import View
from kpi.ui.literal import html as esc
from kpi.ui.literal import md
from kpi.ui.pilihan import radio_row
from kpi.ui.profil.loads import place
from kpi.vocab import Tier

SCORE = "skor"
PRIORITY = "prioritas"


@cached(max_entries=16)
def _library_points(store: Store, fkey: tuple[Any, ...]) -> pd.DataFrame:
    return library_points(store, Filters(*fkey))


@cached(max_entries=16)
def _area_points(store: Store, tingkat: str, kodes: tuple[str, ...]) -> pd.DataFrame:
    return area_points(store, tingkat, list(kodes))


def _reasons_text(reasons: Any, lang: str, limit: int = 3) -> str:
    if not isinstance(reasons, list) or not reasons:
        return ""
    lines = [esc(words(r, lang)) for r in reasons[:limit]]
    more = len(reasons) - limit
    if more > 0:
        lines.append(f"(+{more})")
    return "<br>".join(lines)


def _tier_label(tier: Any, lang: str) -> str:
    return i18n.t(f"tier.{tier}" if isinstance(tier, str) else "tier.tanpa_tanda", lang)


def _band_label(band: Any, lang: str, skor: Any = None) -> str:
    if isinstance(band, str):
        return i18n.t(f"band.{band}", lang)
    if skor is not None and not pd.isna(skor):  # an area scored by too few of its libraries
        return i18n.t("kpi.band.data_belum_cukup", lang)
    return i18n.t("peta.no_score", lang)


def _kpis_for(metric: str) -> tuple[str, ...]:
    return () if metric in (SCORE, PRIORITY) else (metric,)


def metric_options() -> list[str]:
    """What the provinces can be coloured by: the score, the priority share, any main KPI."""
    return [SCORE, PRIORITY, *catalogue().utama]


def metric_label(metric: str, lang: str) -> str:
    if metric == SCORE:
        return i18n.t("peta.metric.skor", lang)
    if metric == PRIORITY:
        return i18n.t("peta.metric.prioritas", lang)
    return catalogue()[metric].nama(lang)


def _national(view: View) -> View:
    return View(view.period, view.filters.without_geography(), view.last_month, view.last_closed)


def _score_texts(frame: pd.DataFrame, lang: str) -> list[str]:
    """The hover line 'Skor 62,4 · Kuning' of each row (skor, band)."""
    return [
        i18n.t(
            "peta.hover.skor",
            lang,
            skor=i18n.format_number(s, lang, 1),
            band=_band_label(b, lang, s),
        )
        for s, b in zip(frame["skor"], frame["band"], strict=True)
    ]


def _priority_texts(frame: pd.DataFrame, lang: str) -> list[str]:
    """The hover line of the libraries in coaching priority (jumlah_ and porsi_prioritas)."""
    return [
        i18n.t(
            "peta.hover.prioritas",
            lang,
            n=i18n.format_number(n, lang),
            p=i18n.format_number(p, lang, 1),
        )
        for n, p in zip(frame["jumlah_prioritas"].fillna(0), frame["porsi_prioritas"], strict=True)
    ]


def province_frame(view: View, metric: str, lang: str) -> tuple[pd.DataFrame, int]:
    """kode, nama, nilai, band and hover text per province; and the decimals of ``nilai``."""
    national = _national(view)
    # only the KPI the map shows (the score and its components come with every table)
    table = data.kpi_table("provinsi", national, kpis=_kpis_for(metric))
    evaluation = data.evaluation(national)
    roll = (
        coaching.rollup(evaluation, "provinsi").set_index("kode")
        if not evaluation.empty
        else pd.DataFrame()
    )
    frame = table[["kode", "nama", "skor", "band"]].copy()
    # the share needing coaching of any kind (Prioritas 1, 2 and reporting: silence counts)
    frame["porsi_prioritas"] = frame["kode"].map(roll["porsi_perlu"]) if len(roll) else np.nan
    frame["jumlah_prioritas"] = frame["kode"].map(roll["jumlah_perlu"]) if len(roll) else 0
    if metric == SCORE:
        # an area scored by too few of its libraries has no band: drawn as "no data"
        frame["nilai"], decimals = frame["skor"].where(frame["band"].notna()), 1
    elif metric == PRIORITY:
        frame["nilai"], decimals = frame["porsi_prioritas"], 1
    else:
        frame["nilai"], decimals = table[metric], int(catalogue()[metric].decimals)
    frame["skor_teks"] = _score_texts(frame, lang)
    frame["prioritas_teks"] = _priority_texts(frame, lang)
    return frame, decimals


def kabkota_frame(view: View, colour_by: str, lang: str) -> pd.DataFrame:
    """Kab/kota points: partner libraries, band, the kab/kota library's own tier, hover."""
    table = data.kpi_table("kabupaten_kota", view, kpis=())
    if table.empty:
        return table
    evaluation = data.evaluation(view)
    roll = (
        coaching.rollup(evaluation, "kabupaten_kota").set_index("kode")
        if not evaluation.empty
        else pd.DataFrame()
    )
    pts = _area_points(state.store(), "kabupaten_kota", tuple(table["kode"])).set_index("kode")
    out = table[["kode", "nama", "skor", "band", "perpustakaan"]].copy()
    out["latitude"] = out["kode"].map(pts["latitude"])
    out["longitude"] = out["kode"].map(pts["longitude"])
    has_roll = len(roll) > 0
    out["tier"] = out["kode"].map(roll["sendiri_tier"]) if has_roll else None
    out["porsi_prioritas"] = out["kode"].map(roll["porsi_perlu"]) if has_roll else np.nan
    out["jumlah_prioritas"] = out["kode"].map(roll["jumlah_perlu"]) if has_roll else 0
    out["h_nama"] = ["<b>" + esc(n) + "</b>" for n in out["nama"]]
    out["h_skor"] = _score_texts(out, lang)
    out["h_lib"] = [
        i18n.t("peta.hover.libraries", lang, n=i18n.format_number(n, lang))
        for n in out["perpustakaan"]
    ]
    out["h_prio"] = _priority_texts(out, lang)
    out["h_tier"] = [
        i18n.t("peta.hover.own_tier", lang, tier=_tier_label(t, lang)) for t in out["tier"]
    ]
    out["kategori"] = out["band"] if colour_by == "band" else out["tier"].fillna(Tier.TANPA_TANDA)
    return out


def kabkota_values(view: View, kab: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, int]:
    """The chosen metric per kab/kota (for the uploaded kab/kota outlines) and its decimals."""
    out = kab[["kode", "nama", "skor", "band", "h_skor", "h_prio", "h_lib"]].copy()
    if metric == SCORE:
        out["nilai"], decimals = kab["skor"].where(kab["band"].notna()), 1
    elif metric == PRIORITY:
        out["nilai"], decimals = kab["porsi_prioritas"], 1
    else:
        table = data.kpi_table("kabupaten_kota", view, kpis=_kpis_for(metric)).set_index("kode")
        out["nilai"], decimals = out["kode"].map(table[metric]), int(catalogue()[metric].decimals)
    return out, decimals


def kabkota_choropleth(
    kab_geo: dict,
    values: pd.DataFrame,
    metric: str,
    decimals: int,
    lang: str,
    online: bool,
    kode_provinsi: str | None,
) -> go.Figure:
    """Kab/kota outlines from the uploaded boundary file, coloured like the provinces."""
    if kode_provinsi:
        kab_geo = {
            "type": "FeatureCollection",
            "features": [
                f for f in kab_geo["features"] if str(f["properties"]["kode"])[:2] == kode_provinsi
            ],
        }
    fig = _choropleth(
        values,
        metric,
        decimals,
        lang,
        online,
        extra_hover=("h_skor", "h_prio", "h_lib"),
        geo=kab_geo,
        grey_absent=True,
    )
    if kode_provinsi:
        pts = maps.fit_zoom(
            [lat for f in kab_geo["features"] for lat in _lats(f["geometry"])],
            [lon for f in kab_geo["features"] for lon in _lons(f["geometry"])],
        )
        fig.update_layout(map={"center": pts[0], "zoom": pts[1]})
    return fig


def _choropleth(
    values: pd.DataFrame, metric: str, decimals: int, lang: str, online: bool, **kw: Any
) -> go.Figure:
    """Areas coloured by ``metric`` (by band for the score), labelled in ``lang``."""
    return maps.province_choropleth(
        values,
        metric_label(metric, lang),
        lang,
        decimals=decimals,
        bands=metric == SCORE,
        online=online,
        **kw,
    )


def _positions(geometry: dict) -> list[list[float]]:
    coords = geometry.get("coordinates", [])
    if geometry.get("type") == "Polygon":
        return [p for ring in coords for p in ring]
    return [p for poly in coords for ring in poly for p in ring]


def _lats(geometry: dict) -> list[float]:
    return [p[1] for p in _positions(geometry)]


def _lons(geometry: dict) -> list[float]:
    return [p[0] for p in _positions(geometry)]


def library_frame(view: View, colour_by: str, lang: str) -> pd.DataFrame:
    """Village (and other) libraries of the view as points, with score, band, tier, reasons."""
    pts = _library_points(state.store(), filter_key(view.filters))
    if pts.empty:
        return pts
    evaluation = data.evaluation(view).set_index("kode")
    out = pts.copy()
    for col in ("skor", "band", "tier", "reasons"):
        out[col] = out["kode"].map(evaluation[col]) if col in evaluation else None
    out["h_nama"] = ["<b>" + esc(n) + "</b>" for n in out["nama"]]
    out["h_skor"] = _score_texts(out, lang)
    out["h_tier"] = [_tier_label(t, lang) for t in out["tier"]]
    out["h_alasan"] = [_reasons_text(r, lang) for r in out["reasons"]]
    out["kategori"] = out["band"] if colour_by == "band" else out["tier"].fillna(Tier.TANPA_TANDA)
    return out


def national_figure(
    prov: pd.DataFrame,
    kab: pd.DataFrame,
    metric: str,
    decimals: int,
    colour_by: str,
    lang: str,
    online: bool,
) -> go.Figure:
    """Provinces as a choropleth with the kab/kota points on top."""
    fig = _choropleth(
        prov, metric, decimals, lang, online, extra_hover=("skor_teks", "prioritas_teks")
    )
    if not kab.empty:
        colours = maps_colours(colour_by)
        pts = maps.points(
            kab,
            lang,
            colour_by="kategori",
            colours=colours,
            label_prefix="band" if colour_by == "band" else "tier",
            size_col="perpustakaan",
            hover_cols=("h_nama", "h_skor", "h_lib", "h_prio", "h_tier"),
        )
        for trace in pts.data:
            trace.legendgroup = "kab"
            trace.legendgrouptitle = {"text": i18n.t("peta.kabkota_points", lang)}
            fig.add_trace(trace)
    return fig


def province_figure(
    kode_provinsi: str,
    kab: pd.DataFrame,
    libs: pd.DataFrame,
    colour_by: str,
    lang: str,
    online: bool,
) -> go.Figure:
    """Inside one province: its outline, its libraries as small points and its kab/kota as
    larger transparent ones."""
    colours = maps_colours(colour_by)
    prefix = "band" if colour_by == "band" else "tier"
    fig = maps.points(
        libs,
        lang,
        colour_by="kategori",
        colours=colours,
        label_prefix=prefix,
        online=online,
        hover_cols=("h_nama", "h_skor", "h_tier", "h_alasan"),
    )
    for trace in fig.data:
        trace.legendgroup = "lib"
        trace.legendgrouptitle = {"text": i18n.t("peta.library_points", lang)}
    fig.add_trace(maps.outline(kode_provinsi, lang))
    # the outline goes underneath the points
    fig.data = (fig.data[-1], *fig.data[:-1])
    if not kab.empty:
        pts = maps.points(
            kab,
            lang,
            colour_by="kategori",
            colours=colours,
            label_prefix=prefix,
            size_col="perpustakaan",
            hover_cols=("h_nama", "h_skor", "h_lib", "h_prio", "h_tier"),
        )
        for trace in pts.data:
            trace.marker.symbol = "circle"
            trace.marker.opacity = 0.45
            trace.legendgroup = "kab"
            trace.legendgrouptitle = {"text": i18n.t("peta.kabkota_points", lang)}
            fig.add_trace(trace)
    return fig


def maps_colours(colour_by: str) -> dict[str, str]:
    return dict(BAND_COLOURS) if colour_by == "band" else dict(TIER_COLOURS)


@cached(max_entries=8)
def _has_kab_outlines(store: Store) -> bool:
    return boundaries.kabkota_geojson(store) is not None


@cached(max_entries=32)
def _figure(
    store: Store,
    periode: str,
    fkey: tuple[Any, ...],
    metric: str,
    colour_by: str,
    lang: str,
    online: bool,
    kab_outlines: bool = False,
) -> dict | None:
    """The map for a view, built once per data version (None when there is nothing to draw).

    Returned as the figure's dict, so that the first run and every cached run hand Streamlit
    the very same spec: an unpickled Figure differs (its template), which changed the chart's
    element id on the rerun a map click triggers, and the click was lost.
    """
    view = View(parse_period(periode), Filters(*fkey), None)
    prov_code = view.filters.provinsi
    # the coaching evaluation behind the tiers and shares is the map's longest part: it runs
    # beside the KPI tables (the frames below read it from the cache, waiting if need be)
    evaluated = view if prov_code or kab_outlines else _national(view)
    data.in_parallel(data.evaluation, evaluated)
    kab_geo = boundaries.kabkota_geojson(store) if kab_outlines else None
    if kab_geo is not None:
        kab = kabkota_frame(view, colour_by, lang)
        if kab.empty:
            return None
        values, decimals = kabkota_values(view, kab, metric)
        fig = kabkota_choropleth(kab_geo, values, metric, decimals, lang, online, prov_code)
        return fig.to_dict()
    if prov_code is None:
        prov, decimals = province_frame(view, metric, lang)
        if prov["nilai"].notna().sum() == 0 and prov["skor"].notna().sum() == 0:
            return None
        kab = kabkota_frame(view, colour_by, lang)
        return national_figure(prov, kab, metric, decimals, colour_by, lang, online).to_dict()
    kab = kabkota_frame(view, colour_by, lang)
    libs = library_frame(view, colour_by, lang)
    if libs.empty:
        return None
    return province_figure(prov_code, kab, libs, colour_by, lang, online).to_dict()


COLOUR_BY = ["band", "tier"]  # what colours the points


def selected_place(event: Any) -> tuple[str, str] | None:
    """(kode, kind) of the place clicked on the map: a province outline or a point."""
    try:
        points = event.selection.points  # type: ignore[union-attr]
    except AttributeError:
        return None
    for p in points or []:
        if p.get("location"):
            kode = str(p["location"])
            return kode, "kabupaten_kota" if len(kode) == 4 else "provinsi"
        custom = p.get("customdata")
        if custom:
            return str(custom[-1]), "titik"
    return None


def render(ctx: PageContext) -> None:
    ctx.title(ctx.t("peta.title"))
    _map_section(ctx)


@st.fragment
def _map_section(ctx: PageContext) -> None:
    """The colouring choices and the map. A fragment: a new colouring (or a click on the map)
    reruns this part alone, not the sidebar and the app's frame; a province clicked changes
    the filters and reruns the whole app (filters.request)."""
    view, lang, t = ctx.view, ctx.lang, ctx.t
    c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
    # the colouring is in the URL (peta_metric, peta_colour_by): a shared link keeps it
    options = metric_options()
    tautan.restore("peta_metric", options, options[0])
    tautan.restore("peta_colour_by", COLOUR_BY, COLOUR_BY[0])
    metric = c1.selectbox(
        t("peta.colour_provinces"),
        options,
        format_func=lambda m: metric_label(m, lang),
        key="peta_metric",
    )
    colour_by = radio_row(
        t("peta.colour_points"), COLOUR_BY, t, "peta.colour_by", "peta_colour_by", c2
    )
    tautan.remember("peta_metric", metric, default=options[0])
    tautan.remember("peta_colour_by", colour_by, default=COLOUR_BY[0])
    online = c3.toggle(t("peta.online"), value=False, help=t("peta.online_help"), key="peta_online")
    has_outlines = _has_kab_outlines(ctx.store)
    kab_outlines = has_outlines and c3.toggle(
        t("peta.kab_outlines"), value=False, help=t("peta.kab_outlines_help"), key="peta_kab"
    )

    prov_code = view.filters.provinsi
    fig = _figure(
        ctx.store,
        view.periode,
        filter_key(view.filters),
        metric,
        colour_by,
        lang,
        online,
        kab_outlines,
    )
    if fig is None:
        st.info(t("peta.empty"))
        return
    st.caption(t("peta.hint_national" if prov_code is None else "peta.hint_province"))
    event = plot.chart(
        fig,
        key="peta_map",
        on_select="rerun",
        selection_mode="points",
        config={"scrollZoom": True, "displaylogo": False},
    )
    st.caption(t("peta.papua_note"))
    chosen = selected_place(event)
    if chosen is None:
        return
    kode, kind = chosen
    if kind == "provinsi":
        if prov_code != kode:
            # selecting a province filters the page (and every page) to it
            filters.request(provinsi=kode, kab="")
        tingkat = "provinsi"
    elif kind == "kabupaten_kota" or kode.isdigit():
        tingkat = "kabupaten_kota" if len(kode) == 4 else "provinsi"
    else:
        tingkat = "perpustakaan"
    found = place(ctx.store, tingkat, kode)  # the link names the place, not its code
    st.page_link(
        "pages/profil.py",
        label=t("peta.open_profile", nama=md(found["nama"] if found else kode)),
        icon=":material/person_search:",
        query_params={"kode": kode, "tingkat": tingkat},
    )
