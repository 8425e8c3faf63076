"""The Profil page: one province, kab/kota or library, its data cached per data version, its
figure builders (pure: frame -> figure) and its drawing.
"""

from __future__ import annotations

import html
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from kpi import coaching, compute, i18n
from kpi import profile as prof
from kpi.catalogue import catalogue
from kpi.compute import Filters
from kpi.periods import Period, add_months, parse_period
from kpi.store import open_store
from kpi.ui import data, masuk, plot, state
from kpi.ui.charts import BAND_COLOURS, _layout
from kpi.ui.filters import View, month_span
from kpi.ui.literal import html as esc
from kpi.ui.literal import md, md_frame
from kpi.ui.maps import TIER_COLOURS

TREND_MONTHS = 36
HISTORY_POINTS = 5  # the window ends of the flag history: the period end and 4 quarters before
TREND_COLUMNS: tuple[str, ...] = ("kunjungan", "peminjaman", "kegiatan", "peserta")
# an area also shows its new members and how many of its libraries reported each month
AREA_TREND_COLUMNS: tuple[str, ...] = (*TREND_COLUMNS, "anggota_baru", "perpustakaan_melapor")
PEER_COLUMNS: tuple[str, ...] = (
    "skor",
    "kelengkapan_laporan",
    "kunjungan_per_1000",
    "cakupan_anggota",
    "kegiatan_per_bulan",
    "peserta_per_kegiatan",
    "rasio_manfaat",
)
STAGE_NAMES: tuple[str, ...] = ("Aware", "Appeal", "Ask", "Act", "Advocate")
LINE = "#1b4f72"
NO_SCORE = "#c8c8c8"


def _t(lang: str):
    return lambda key, **kw: i18n.t(key, lang, **kw)


def _text(v: Any) -> bool:
    """A non-empty string (a missing value from a frame may be None or NaN)."""
    return isinstance(v, str) and bool(v)


def _finite(v: Any) -> bool:
    try:
        return v is not None and not math.isnan(float(v))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------
# Figure builders (pure)


def trends_figure(
    series: pd.DataFrame,
    titles: Mapping[str, str],
    lang: str,
    period: Period | None = None,
    cols: int = 2,
) -> go.Figure:
    """The monthly series of the place (``titles``: column -> title), one small panel each, in
    one figure; the view's period shaded in every panel. Unreported months are gaps, not 0.
    """
    names = list(titles)
    rows = max(1, math.ceil(len(names) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[titles[c] for c in names],
        horizontal_spacing=0.08,
        vertical_spacing=0.22 if rows > 1 else 0.1,
    )
    for i, column in enumerate(names):
        r, c = divmod(i, cols)
        fig.add_trace(
            go.Scatter(
                x=series["periode"],
                y=series[column],
                mode="lines+markers",
                marker={"size": 4},
                line={"color": LINE},
                name=titles[column],
                connectgaps=False,
                hovertemplate=f"{titles[column]}, %{{x|%m/%Y}}: %{{y:,.0f}}<extra></extra>",
            ),
            row=r + 1,
            col=c + 1,
        )
        if period is not None:
            fig.add_vrect(
                x0=pd.Timestamp(period.first) - pd.Timedelta(days=15),
                x1=pd.Timestamp(period.last) + pd.Timedelta(days=15),
                fillcolor="#85c1e9",
                opacity=0.18,
                line_width=0,
                row=r + 1,
                col=c + 1,
            )
    fig.update_xaxes(tickformat="%m/%Y")
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig = _layout(fig, lang)
    fig.update_layout(height=250 * rows, showlegend=False, margin={"t": 40})
    return fig


def band_counts_figure(counts: Mapping[str, int], labels: Mapping[str, str], lang: str):
    """Libraries per band as one stacked horizontal bar, each band named in the legend."""
    fig = go.Figure()
    for band in ("merah", "kuning", "hijau", "tanpa_skor"):
        n = int(counts.get(band, 0) or 0)
        fig.add_bar(
            x=[n],
            y=[""],
            orientation="h",
            name=f"{labels[band]}: {i18n.format_number(n, lang)}",
            marker_color=BAND_COLOURS.get(band, NO_SCORE),
            text=[i18n.format_number(n, lang)] if n else None,
            textposition="inside",
            hovertemplate=f"{labels[band]}: %{{x:,.0f}}<extra></extra>",
        )
    fig.update_xaxes(tickformat=",.0f")
    fig = _layout(fig, lang)
    fig.update_layout(barmode="stack", height=150, legend={"traceorder": "normal"})
    return fig


def peer_figure(
    table: pd.DataFrame, kode: str, column: str, title: str, place_label: str, lang: str
) -> go.Figure:
    """The peers' values as a box with every point, the place as a large marker, the median
    line; hover names each peer.
    """
    own = table[table["kode"].astype(str) == str(kode)]
    peers = table[(table["kode"].astype(str) != str(kode)) & table[column].notna()]
    fig = go.Figure()
    fig.add_box(
        x=peers[column].astype(float),
        y=[title] * len(peers),
        orientation="h",
        boxpoints="all",
        jitter=0.5,
        pointpos=0,
        marker={"color": "#85c1e9", "size": 6},
        line={"color": "#2e86c1"},
        fillcolor="rgba(133,193,233,0.15)",
        name=i18n.t("profil.peers.peers", lang),
        text=[esc(n) for n in peers["nama"]] if "nama" in peers.columns else None,
        hovertemplate="%{text}: %{x:,.1f}<extra></extra>",
    )
    if len(own) and _finite(own[column].iloc[0]):
        fig.add_scatter(
            x=[float(own[column].iloc[0])],
            y=[title],
            mode="markers",
            marker={"symbol": "diamond", "size": 16, "color": "#b2182b", "line": {"width": 1}},
            name=esc(place_label),
            # the name is data: in the hover as text, never read as a template or a tag
            text=[esc(place_label)],
            hovertemplate="%{text}: %{x:,.1f}<extra></extra>",
        )
    fig.update_xaxes(tickformat=",.1f")
    fig.update_yaxes(showticklabels=False)
    fig = _layout(fig, lang)
    fig.update_layout(height=220)
    return fig


def funnel_figure(values: Sequence[float], labels: Sequence[str], lang: str) -> go.Figure:
    """The 5A stages as a funnel (counts of the period; stages need not be nested)."""
    fig = go.Figure(
        go.Funnel(
            y=list(labels),
            x=[0 if not _finite(v) else float(v) for v in values],
            text=[i18n.format_number(v, lang) for v in values],
            textinfo="text",
            marker={
                "color": ["#1b4f72", "#2e86c1", "#5dade2", "#85c1e9", "#aed6f1"][-len(values) :]
            },
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig = _layout(fig, lang)
    fig.update_layout(height=300)
    return fig


def stage_bars(
    values: Sequence[float],
    labels: Sequence[str],
    per100: Sequence[float],
    base: str,
    lang: str,
) -> go.Figure:
    """The 5A stages side by side as counts (they are not nested, so no narrowing funnel), each
    labelled with its count and how many it is per 100 of the first stage (``base``)."""
    texts = []
    for i, (v, r) in enumerate(zip(values, per100, strict=True)):
        count = i18n.format_number(v, lang)
        if i == 0 or not _finite(r):
            texts.append(count)
        else:
            per = i18n.t("profil.funnel.per100", lang, n=i18n.format_number(r, lang, 1), base=base)
            texts.append(f"{count}<br>{per}")
    fig = go.Figure(
        go.Bar(
            x=list(labels),
            y=[0 if not _finite(v) else float(v) for v in values],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": ["#1b4f72", "#2e86c1", "#5dade2", "#85c1e9", "#aed6f1"][-len(values) :]
            },
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig = _layout(fig, lang)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig.update_layout(height=320, showlegend=False, margin={"t": 40})
    return fig


def ciel_figure(
    dims: Mapping[str, float],
    labels: Mapping[str, str],
    skor: float | None,
    names: Mapping[str, str],
    lang: str,
) -> go.Figure:
    """The four CIEL dimensions (0-100) as a radar, and the measured score as a dashed ring."""
    keys = list(dims)
    theta = [labels[k] for k in keys]
    r = [float(dims[k]) if _finite(dims[k]) else 0.0 for k in keys]
    fig = go.Figure()
    fig.add_scatterpolar(
        r=[*r, r[0]],
        theta=[*theta, theta[0]],
        fill="toself",
        name=names["ciel"],
        line={"color": "#2e86c1"},
        hovertemplate="%{theta}: %{r:,.1f}<extra></extra>",
    )
    if _finite(skor):
        ring = [float(skor)] * (len(theta) + 1)  # type: ignore[arg-type]
        fig.add_scatterpolar(
            r=ring,
            theta=[*theta, theta[0]],
            mode="lines",
            name=names["skor"],
            line={"color": "#b2182b", "dash": "dash"},
            hovertemplate=f"{names['skor']}: %{{r:,.1f}}<extra></extra>",
        )
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickformat": ",.0f"}})
    fig = _layout(fig, lang)
    fig.update_layout(
        height=400,
        margin={"l": 60, "r": 60, "t": 30, "b": 30},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
    )
    return fig


def tier_history_figure(history: pd.DataFrame, labels: Mapping[str, str], lang: str):
    """An area's libraries per coaching tier at each window end (stacked bars, tiers named)."""
    x = [i18n.format_month(d, lang) for d in history["akhir"]]
    fig = go.Figure()
    for tier in ("pelaporan", "prioritas_1", "prioritas_2", "pantau", "tanpa_tanda"):
        fig.add_bar(
            x=x,
            y=history[f"jumlah_{tier}"],
            name=labels[tier],
            marker_color=TIER_COLOURS[tier],
            hovertemplate=f"{labels[tier]}: %{{y:,.0f}}<extra></extra>",
        )
    fig.update_yaxes(tickformat=",.0f")
    fig.update_xaxes(type="category")
    fig = _layout(fig, lang)
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    return fig


def band_badge(band: str | None, label: str) -> str:
    """A coloured, named chip for a band (the name carries it without colour)."""
    colour = BAND_COLOURS.get(band or "", NO_SCORE)
    text = "#1f1f1f" if band in ("kuning", None) else "#ffffff"
    return (
        f'<span style="background:{colour};color:{text};padding:0.2em 0.6em;'
        f'border-radius:0.4em;font-weight:600;display:inline-block">{html.escape(label)}</span>'
    )


# ---------------------------------------------------------------------------------------------
# Data, cached per data version


def _db() -> tuple[str, int]:
    store = state.store()
    return str(store.path), store.data_version()


@st.cache_data(show_spinner=False, max_entries=4)
def _index(db: str, version: int) -> pd.DataFrame:
    del version
    return prof.library_index(open_store(db))


@st.cache_data(show_spinner=False, max_entries=256)
def _place(db: str, version: int, tingkat: str, kode: str) -> dict[str, Any] | None:
    del version
    return prof.find_place(open_store(db), tingkat, kode)


@st.cache_data(show_spinner=False, max_entries=64)
def _series(
    db: str, version: int, place: tuple[str, str], first: date, last: date, fkey: tuple
) -> pd.DataFrame:
    del version
    p = {"tingkat": place[0], "kode": place[1]}
    return prof.monthly_series(open_store(db), p, first, last, Filters(*fkey))


@st.cache_data(show_spinner=False, max_entries=32)
def _funnel(db: str, version: int, level: str, periode: str, fkey: tuple) -> pd.DataFrame:
    del version
    return compute.funnel_5a(open_store(db), level, periode, Filters(*fkey))


@st.cache_data(show_spinner=False, max_entries=32)
def _ciel(db: str, version: int, level: str, periode: str, fkey: tuple) -> pd.DataFrame:
    del version
    return compute.ciel(open_store(db), level, periode, Filters(*fkey))


@st.cache_data(show_spinner=False, max_entries=64)
def _context(db: str, version: int, kodes: tuple[str, ...]) -> pd.DataFrame:
    del version
    return prof.context_indicators(open_store(db), kodes)


# The flag history needs the coaching rules evaluated at several window ends, each over every
# library (about half a second apiece on the demo). They run in one background thread, the
# view's own window end first, through data.evaluation (the priority page's cache, shared both
# ways), once per data version for every place and session: the page draws at once and
# completes its history when the evaluations arrive.
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profil-riwayat")
_EVALUATIONS: OrderedDict[tuple[Any, ...], Future] = OrderedDict()
_EVALUATIONS_LOCK = threading.Lock()
_EVALUATIONS_MAX = 24
_SLIM = (
    "kode",
    "jenis",
    "kode_provinsi",
    "kode_kabupaten_kota",
    "tier",
    "points",
    "quadrant",
    "reasons",
)


def _evaluate_slim(db: str, version: int, end: date, months: int) -> pd.DataFrame:
    if _db() == (db, version):
        v = View(period=Period("bulan", end, end), filters=Filters(), last_month=end)
        ev = data.evaluation(v, months=months, filters=Filters())
    else:  # the app's store changed meanwhile (tests switch databases): this exact one
        ev = coaching.evaluate(open_store(db), end.strftime("%Y-%m"), months, Filters())
    return ev[[c for c in _SLIM if c in ev.columns]].copy()


def _evaluation_at(db: str, version: int, end: date, months: int) -> Future:
    key = (db, version, end, months)
    with _EVALUATIONS_LOCK:
        fut = _EVALUATIONS.get(key)
        if fut is None:
            fut = _POOL.submit(_evaluate_slim, db, version, end, months)
            _EVALUATIONS[key] = fut
            while len(_EVALUATIONS) > _EVALUATIONS_MAX:
                _EVALUATIONS.popitem(last=False)
        else:
            _EVALUATIONS.move_to_end(key)
        return fut


def wait_for_history(timeout: float = 180.0) -> None:
    """Wait until every queued evaluation of the flag history is done (tests, benchmarks)."""
    with _EVALUATIONS_LOCK:
        pending = list(_EVALUATIONS.values())
    wait(pending, timeout=timeout)


def _ready(fut: Future, end: date) -> pd.DataFrame | None:
    if not fut.done():
        return None
    if fut.exception() is not None:
        logging.getLogger("tpbis").error("flag history at %s failed", end, exc_info=fut.exception())
        return None
    return fut.result()


def _history(
    place: tuple[str, str], ends: tuple[date, ...], months: int
) -> tuple[pd.DataFrame, list[Future]]:
    """The place's flags at the window ends evaluated so far, and the evaluations still running."""
    db, version = _db()
    # the view's own window end first: its reasons are what a reader wants
    futures = {end: _evaluation_at(db, version, end, months) for end in reversed(ends)}
    pending = [f for f in futures.values() if not f.done()]
    if not pending:
        return _complete_history(db, version, place, ends, months), []
    evaluations = {}
    for end, fut in futures.items():
        ev = _ready(fut, end)
        if ev is not None:
            evaluations[end] = ev
    return prof.tier_history(evaluations, {"tingkat": place[0], "kode": place[1]}), pending


@st.cache_data(show_spinner=False, max_entries=256)
def _complete_history(
    db: str, version: int, place: tuple[str, str], ends: tuple[date, ...], months: int
) -> pd.DataFrame:
    """Every window end, once all are evaluated (cached per place: a revisit loads nothing)."""
    evaluations = {}
    for end in ends:
        fut = _evaluation_at(db, version, end, months)
        wait([fut], timeout=300)  # done already, unless dropped from the queue meanwhile
        ev = _ready(fut, end)
        if ev is not None:
            evaluations[end] = ev
    return prof.tier_history(evaluations, {"tingkat": place[0], "kode": place[1]})


@st.fragment(run_every=2)
def _poll_history(pending: list[Future]) -> None:
    """While earlier window ends are evaluated: check every 2 s, then redraw the page."""
    if all(f.done() for f in pending):
        st.rerun(scope="app")


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


def place(tingkat: str, kode: str) -> dict[str, Any] | None:
    db, version = _db()
    return _place(db, version, tingkat, kode)


def _open(tingkat: str, kode: str) -> None:
    st.query_params["tingkat"] = tingkat
    st.query_params["kode"] = kode


# ---------------------------------------------------------------------------------------------
# Drawing


def _keep(key: str, options: Sequence[Any], default: Any = None) -> None:
    """A picker choice that the new options no longer hold goes back to the default."""
    if st.session_state.get(key) not in options:
        if default in options:
            st.session_state[key] = default
        else:
            st.session_state.pop(key, None)


def picker(lang: str, view: View | None = None) -> None:
    """Choose a level, then province -> kab/kota -> library (searchable by name or code);
    opening sets the URL's kode and tingkat. Starts at the sidebar's province and kab/kota.
    """
    t = _t(lang)
    db, version = _db()
    idx = _index(db, version)
    if idx.empty:
        st.info(t("profil.empty.no_libraries_at_all"))
        return
    side = view.filters if view is not None else Filters()
    idx = idx[masuk.in_scope(idx, side.wilayah)]  # only the places the user may see
    st.markdown(f"**{t('profil.picker.title')}**")
    cols = st.columns(3)
    tingkat = cols[0].selectbox(
        t("profil.picker.tingkat"),
        prof.TINGKAT,
        format_func=lambda x: t(f"profil.tingkat.{x}"),
        key="profil_tingkat",
    )
    provs = idx.dropna(subset=["kode_provinsi"]).drop_duplicates("kode_provinsi")
    prov_names = dict(
        sorted(
            zip(provs["kode_provinsi"], provs["provinsi"].fillna(""), strict=True),
            key=lambda kv: kv[1],
        )
    )
    _keep("profil_prov", list(prov_names), side.provinsi)
    prov = cols[1].selectbox(
        t("filter.provinsi"),
        list(prov_names),
        format_func=lambda k: prov_names.get(k) or k,
        key="profil_prov",
    )
    target: str | None = prov if tingkat == "provinsi" else None
    if tingkat != "provinsi":
        in_prov = idx[idx["kode_provinsi"] == prov]
        kabs = in_prov.dropna(subset=["kode_kabupaten_kota"]).drop_duplicates("kode_kabupaten_kota")
        kab_names = dict(
            sorted(
                zip(kabs["kode_kabupaten_kota"], kabs["kabupaten_kota"].fillna(""), strict=True),
                key=lambda kv: kv[1],
            )
        )
        kab_options = list(kab_names) if tingkat == "kabupaten_kota" else ["", *kab_names]
        _keep("profil_kab", kab_options, side.kabupaten_kota)
        kab = cols[2].selectbox(
            t("filter.kabupaten_kota"),
            kab_options,
            format_func=lambda k: kab_names.get(k) or t("filter.all"),
            key="profil_kab",
        )
        if tingkat == "kabupaten_kota":
            target = kab or None
        else:
            libs = in_prov if not kab else in_prov[in_prov["kode_kabupaten_kota"] == kab]
            lib_names = dict(zip(libs["kode"], libs["nama"], strict=True))
            _keep("profil_lib", list(lib_names))
            target = st.selectbox(
                t("profil.picker.perpustakaan"),
                list(lib_names),
                index=None,
                format_func=lambda k: f"{lib_names.get(k, k)} ({k})",
                key="profil_lib",
                placeholder=t("profil.picker.search"),
            )
    if st.button(t("profil.picker.open"), type="primary", disabled=not target, key="profil_open"):
        _open(tingkat, str(target))
        st.rerun()


def header(p: Mapping[str, Any], view: View, lang: str) -> None:
    t = _t(lang)
    st.title(t("profil.title_place", nama=md(p["nama"])))
    if p["tingkat"] == "perpustakaan":
        where = [t(f"jenis.{p['jenis']}") if p.get("jenis") else t("profil.tingkat.perpustakaan")]
        where += [md(p[k]) for k in ("kabupaten_kota", "provinsi") if p.get(k)]
    else:
        where = [t(f"profil.tingkat.{p['tingkat']}")]
        where += [md(p["provinsi"])] if p["tingkat"] != "provinsi" and p.get("provinsi") else []
    st.caption(" · ".join([*where, t("profil.period", periode=month_span(view.period, lang))]))
    links = st.columns([3, 3, 2, 1])
    if p["tingkat"] != "provinsi" and p.get("kode_provinsi"):
        links[0].page_link(
            "pages/profil.py",
            label=t("profil.link.provinsi", nama=md(p.get("provinsi") or p["kode_provinsi"])),
            query_params={"kode": p["kode_provinsi"], "tingkat": "provinsi"},
            icon=":material/north_west:",
        )
    if p["tingkat"] == "perpustakaan" and p.get("kode_kabupaten_kota"):
        links[1].page_link(
            "pages/profil.py",
            label=t(
                "profil.link.kab", nama=md(p.get("kabupaten_kota") or p["kode_kabupaten_kota"])
            ),
            query_params={"kode": p["kode_kabupaten_kota"], "tingkat": "kabupaten_kota"},
            icon=":material/north_west:",
        )
    if links[2].button(t("profil.picker.change"), key="profil_change"):
        st.query_params.pop("kode", None)
        st.query_params.pop("tingkat", None)
        st.rerun()


def _level(p: Mapping[str, Any]) -> str:
    return str(p["tingkat"])


def render(p: Mapping[str, Any], view: View, lang: str) -> None:
    """Every section of the profile, each with its own empty state."""
    t = _t(lang)
    if p["perpustakaan"] == 0:
        st.info(t("profil.empty.no_libraries"))
        return
    table = data.kpi_table(_level(p), view, filters=prof.peer_filters(p, view.filters))
    own = table[table["kode"].astype(str) == str(p["kode"])]
    row = own.iloc[0] if len(own) else None
    report_card(p, row, lang)
    trends(p, view, lang)
    peers(p, table, row, lang)
    funnel(p, view, lang)
    ciel(p, view, row, lang)
    flag_history(p, view, lang)
    if p["tingkat"] == "perpustakaan":
        context(p, view, lang)
        register(p, lang)
    else:
        libraries(p, view, lang)
        context(p, view, lang)


def report_card(p: Mapping[str, Any], row: pd.Series | None, lang: str) -> None:
    t = _t(lang)
    st.subheader(t("profil.card.title"))
    if row is None:
        st.info(t("profil.empty.not_in_view"))
        return
    skor = row.get("skor")
    band = row.get("band") if _finite(skor) else None
    area = p["tingkat"] != "perpustakaan"
    if band:
        band_label = t(f"band.{band}")
    elif area and _finite(skor):
        band_label = t("kpi.band.data_belum_cukup")  # a score from too few of its libraries
    else:
        band_label = t("kpi.band.tanpa_skor")
    cols = st.columns([1.3, 1, 1, 1, 1.2])
    cols[0].metric(t("kpi.skor"), state.num(skor, 1) if _finite(skor) else "–")
    for col, pillar in zip(cols[1:4], ("informasi", "pelibatan", "advokasi"), strict=True):
        col.metric(t(f"kpi.pilar.{pillar}"), state.num(row.get(f"skor_{pillar}"), 1))
    cols[4].metric(
        t("kpi.kelengkapan"),
        i18n.format_percent(row.get("kelengkapan_laporan"), lang),
        help=t(
            "profil.card.completeness_help",
            dilaporkan=state.num(row.get("bulan_dilaporkan")),
            diharapkan=state.num(row.get("bulan_diharapkan")),
        ),
    )
    st.markdown(band_badge(band, band_label), unsafe_allow_html=True)
    if not _finite(skor):
        st.warning(t("profil.card.no_score_area" if area else "profil.card.no_score"))
    elif area and not band:
        st.warning(
            t(
                "profil.card.not_enough",
                n=state.num(row.get("perpustakaan_berskor")),
                m=state.num(row.get("perpustakaan_diharapkan")),
            )
        )
    score_definition(lang)
    if p["tingkat"] != "perpustakaan":
        counts = {
            b: int(row.get(f"perpustakaan_{b}", 0) or 0)
            for b in ("merah", "kuning", "hijau", "tanpa_skor")
        }
        labels = {b: t(f"kpi.band.{b}") for b in counts}
        st.markdown(
            t(
                "profil.card.bands",
                n=state.num(row.get("perpustakaan")),
                melapor=state.num(row.get("perpustakaan_melapor")),
            )
        )
        plot.chart(band_counts_figure(counts, labels, lang), width="stretch", key="profil_bands")


def score_definition(lang: str) -> None:
    """The score's definition in words (both languages, data/i18n), with the settings in use."""
    from kpi import score

    with st.expander(i18n.t("kpi.skor.how", lang), expanded=False):
        st.markdown(score.definition_text(score.get_settings(state.store()), lang))


def trends(p: Mapping[str, Any], view: View, lang: str) -> None:
    t = _t(lang)
    st.subheader(t("profil.trend.title", n=TREND_MONTHS))
    db, version = _db()
    fkey = data.filter_key(prof.place_filters(p, view.filters))
    fig = _trends(db, version, (p["tingkat"], str(p["kode"])), view.periode, fkey, lang)
    if fig is None:
        st.info(t("profil.empty.no_reports"))
        return
    st.caption(t("profil.trend.caption"))
    plot.chart(fig, width="stretch", key="profil_trends")


@st.cache_data(show_spinner=False, max_entries=64)
def _trends(
    db: str, version: int, place: tuple[str, str], periode: str, fkey: tuple, lang: str
) -> dict | None:
    """The trends figure of a place, as its dict (None without any report in the months
    shown); subplots are slow to build, so the figure itself is cached per data version.
    """
    period = parse_period(periode)
    first = add_months(period.last, -(TREND_MONTHS - 1))
    series = _series(db, version, place, first, period.last, fkey)
    if series.empty or int(series["perpustakaan_melapor"].sum()) == 0:
        return None
    cat = catalogue()
    columns = TREND_COLUMNS if place[0] == "perpustakaan" else AREA_TREND_COLUMNS
    titles = {
        c: i18n.t("profil.trend.melapor", lang)
        if c == "perpustakaan_melapor"
        else cat[c].nama(lang)
        for c in columns
    }
    return trends_figure(series, titles, lang, period).to_dict()


def peers(p: Mapping[str, Any], table: pd.DataFrame, row: pd.Series | None, lang: str) -> None:
    t = _t(lang)
    st.subheader(t("profil.peers.title"))
    if row is None:
        st.info(t("profil.empty.not_in_view"))
        return
    if p["tingkat"] == "perpustakaan":
        table = table[table["jenis"] == p.get("jenis")]
    who = "perpustakaan_provinsi" if p.get("jenis") == "provinsi" else p["tingkat"]
    st.caption(t(f"profil.peers.who.{who}", provinsi=md(p.get("provinsi") or "")))
    if len(table) < 2:
        st.info(t("profil.empty.no_peers"))
        return
    cat = catalogue()
    names = {c: _column_name(c, lang) for c in PEER_COLUMNS if c in table.columns}
    lower = [c for c in names if c in cat and cat[c].direction == "turun"]
    comp = prof.peer_comparison(table, str(p["kode"]), list(names), lower)
    chosen = st.selectbox(
        t("profil.peers.kpi"), list(names), format_func=names.__getitem__, key="profil_peer_kpi"
    )
    plot.chart(
        peer_figure(table, str(p["kode"]), chosen, names[chosen], str(p["nama"]), lang),
        width="stretch",
        key="profil_peer_fig",
    )
    shown = pd.DataFrame(
        {
            t("profil.peers.kpi"): [names[c] for c in comp["kolom"]],
            t("profil.peers.value"): [
                _value(c, v, lang) for c, v in zip(comp["kolom"], comp["nilai"], strict=True)
            ],
            t("profil.peers.median"): [
                _value(c, v, lang) for c, v in zip(comp["kolom"], comp["median"], strict=True)
            ],
            t("profil.peers.rank"): [
                t("profil.peers.rank_of", r=state.num(r), n=state.num(n)) if _finite(r) else "–"
                for r, n in zip(comp["peringkat"], comp["n"], strict=True)
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def _column_name(column: str, lang: str) -> str:
    if column == "skor":
        return i18n.t("kpi.skor", lang)
    if column == "kelengkapan_laporan":
        return i18n.t("kpi.kelengkapan", lang)
    return catalogue()[column].nama(lang)


def _value(column: str, value: Any, lang: str) -> str:
    """A KPI value as shown beside its peers: the KPI's decimals, and % where it is a percent."""
    if column == "kelengkapan_laporan" or (
        column in catalogue() and catalogue()[column].unit == "%"
    ):
        return i18n.format_percent(value, lang, _decimals(column))
    return i18n.format_number(value, lang, _decimals(column))


def _decimals(column: str) -> int:
    if column in ("skor", "kelengkapan_laporan"):
        return 1
    cat = catalogue()
    return cat[column].decimals if column in cat else 1


def _own_row(frame: pd.DataFrame, kode: str) -> pd.Series | None:
    own = frame[frame["kode"].astype(str) == str(kode)]
    return own.iloc[0] if len(own) else None


def funnel(p: Mapping[str, Any], view: View, lang: str) -> None:
    """The 5A stages and their ratios, all from the same library-months (compute.funnel_5a): a
    narrowing funnel with conversions when the stages are nested, else counts side by side with
    each stage per 100 of the first one."""
    t = _t(lang)
    st.subheader(t("profil.funnel.title"))
    db, version = _db()
    fkey = data.filter_key(prof.place_filters(p, view.filters))
    row = _own_row(_funnel(db, version, _level(p), view.periode, fkey), str(p["kode"]))
    cat = catalogue()
    stages, conversions = cat.funnel_tahap, cat.funnel_konversi
    reading = prof.funnel_reading({} if row is None else row.to_dict(), stages, conversions)
    if row is None or not reading["has_data"]:
        st.info(t("profil.empty.no_funnel"))
        return
    stage_name = dict(zip(stages, STAGE_NAMES, strict=True))
    drawn = reading["stages"]
    labels = [_stage_label(stage_name[s], cat[s].nama(lang)) for s in drawn]
    base = stage_name[reading["base"]]
    left, right = st.columns([3, 2])
    if reading["nested"]:
        fig = funnel_figure([row[s] for s in drawn], labels, lang)
    else:
        fig = stage_bars(
            [row[s] for s in drawn], labels, [row.get(f"per100_{s}") for s in drawn], base, lang
        )
    plot.chart(fig, left, width="stretch", key="profil_funnel")
    with right:
        if reading["nested"]:
            for conv in conversions:
                if conv not in row.index:
                    continue
                st.metric(
                    cat[conv].nama(lang),
                    i18n.format_percent(row[conv], lang),
                    help=cat[conv].definisi(lang) + " " + t("profil.funnel.same_rows"),
                )
        else:
            for s in drawn[1:]:
                st.metric(
                    t("profil.funnel.per100_title", stage=stage_name[s], base=base),
                    state.num(row.get(f"per100_{s}"), 1),
                    help=t("profil.funnel.per100_help", stage=cat[s].nama(lang), base=base),
                )
        a, b = st.columns(2)
        for col, ratio in ((a, "par"), (b, "bar")):
            col.metric(
                ratio.upper(),
                i18n.format_percent(row.get(ratio), lang),
                help=(cat[ratio].definisi(lang) if ratio in cat else "")
                + " "
                + t("profil.funnel.same_rows"),
            )
    months, months_any = reading["months"], reading["months_any"]
    if months is not None and months_any is not None:
        st.caption(
            t(
                "profil.funnel.rows",
                n=state.num(months),
                m=state.num(months_any),
            )
        )
    if not reading["aware_reported"]:
        st.caption(t("profil.funnel.no_aware"))
    if not reading["nested"]:
        st.caption(t("profil.funnel.not_nested", base=base))
    elif reading["over_100"]:
        st.caption(
            t(
                "profil.funnel.over_100",
                konversi=", ".join(cat[c].nama(lang) for c in reading["over_100"]),
            )
        )


def _stage_label(stage: str, name: str) -> str:
    """'Appeal · Kunjungan'; a KPI name that already says its stage stays as it is."""
    return name if stage.lower() in name.lower() else f"{stage} · {name}"


def ciel(p: Mapping[str, Any], view: View, row: pd.Series | None, lang: str) -> None:
    t = _t(lang)
    st.subheader(t("profil.ciel.title"))
    db, version = _db()
    fkey = data.filter_key(prof.place_filters(p, view.filters))
    c = _own_row(_ciel(db, version, _level(p), view.periode, fkey), str(p["kode"]))
    if c is None or not _finite(c.get("ciel")):
        st.info(t("profil.empty.no_ciel"))
        return
    skor = row.get("skor") if row is not None else None
    dims = {d: c.get(d) for d in compute.CIEL_COLUMNS}
    labels = {d: t(f"profil.ciel.{d}") for d in dims}
    names = {"ciel": t("profil.ciel.index"), "skor": t("kpi.skor")}
    left, right = st.columns([3, 2])
    plot.chart(
        ciel_figure(dims, labels, skor if _finite(skor) else None, names, lang),
        left,
        width="stretch",
        key="profil_ciel",
    )
    right.metric(t("profil.ciel.index"), state.num(c["ciel"], 1))
    right.metric(t("kpi.skor"), state.num(skor, 1) if _finite(skor) else "–")
    gap, reading = prof.ciel_gap(c["ciel"], skor if _finite(skor) else None)
    if reading is None:
        right.info(t("profil.ciel.no_score"))
    else:
        right.markdown(t(f"profil.ciel.gap.{reading}", gap=state.num(abs(gap), 1)))
    if p["tingkat"] != "perpustakaan":
        st.caption(t("profil.ciel.area", n=state.num(c.get("perpustakaan_ciel"))))


def flag_history(p: Mapping[str, Any], view: View, lang: str) -> None:
    t = _t(lang)
    st.subheader(t("profil.flags.title"))
    ends = tuple(prof.quarter_ends(view.period.last, HISTORY_POINTS))
    months = int(coaching.get_settings(state.store()).get("jendela_bulan", 12))
    history, pending = _history((p["tingkat"], str(p["kode"])), ends, months)
    tier_labels = {x: t(f"tier.{x}") for x in TIER_COLOURS}
    st.caption(t("profil.flags.caption", n=state.num(len(ends)), m=state.num(months)))
    if pending:
        st.caption(t("profil.flags.loading"))
        _poll_history(pending)
    if history.empty:
        if not pending:
            st.info(t("profil.empty.no_flags"))
        return
    latest = history.iloc[-1] if history["akhir"].iloc[-1] == ends[-1] else None
    if p["tingkat"] == "perpustakaan":
        _library_flags(history, latest, tier_labels, lang)
        return
    if not pending and history["perpustakaan"].sum() == 0:
        st.info(t("profil.empty.no_libraries"))
        return
    plot.chart(tier_history_figure(history, tier_labels, lang), width="stretch", key="profil_flags")
    if latest is None:
        return
    sendiri = latest["tier_sendiri"] if _text(latest["tier_sendiri"]) else None
    st.markdown(
        t(
            "profil.flags.area_latest",
            bulan=i18n.format_month(latest["akhir"], lang),
            porsi=i18n.format_percent(latest["porsi_prioritas"], lang),
            sendiri=tier_labels.get(sendiri, "–") if sendiri else "–",
        )
    )
    _reasons(latest.get("reasons_sendiri") or [], lang)


def _library_flags(
    history: pd.DataFrame, latest: pd.Series | None, tier_labels: Mapping[str, str], lang: str
) -> None:
    t = _t(lang)
    shown = pd.DataFrame(
        {
            t("profil.flags.end"): [i18n.format_month(d, lang) for d in history["akhir"]],
            t("profil.flags.tier"): [
                tier_labels.get(x, "–") if x else "–" for x in history["tier"]
            ],
            t("profil.flags.points"): [state.num(x) for x in history["points"]],
            t("profil.flags.quadrant"): [
                t(f"coaching.quadrant.{q}") if _text(q) else "–" for q in history["quadrant"]
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    if latest is None:
        return
    st.markdown(
        t(
            "profil.flags.latest",
            bulan=i18n.format_month(latest["akhir"], lang),
            tier=tier_labels.get(latest["tier"], "–") if _text(latest["tier"]) else "–",
        )
    )
    if latest["reasons"]:
        _reasons(latest["reasons"], lang)
    else:
        st.caption(t("profil.flags.no_reasons"))


def _reasons(reasons: Sequence[Mapping[str, Any]], lang: str) -> None:
    if reasons:
        # a reason's text can hold a name or a value from a file: each line literal
        st.markdown("\n".join(f"- {md(r.get(f'text_{lang}', r.get('text_id')))}" for r in reasons))


def libraries(p: Mapping[str, Any], view: View, lang: str) -> None:
    """An area's partner libraries, lowest score first, each with a link to its profile."""
    t = _t(lang)
    st.subheader(t("profil.libraries.title"))
    table = data.kpi_table(
        "perpustakaan", view, kpis=("kelengkapan",), filters=prof.place_filters(p, view.filters)
    )
    if table.empty:
        st.info(t("profil.empty.not_in_view"))
        return
    table = table.sort_values(["skor", "nama"], na_position="first")
    keep = {k: st.query_params[k] for k in st.query_params if k not in ("kode", "tingkat")}
    link = t("profil.libraries.link")
    shown = pd.DataFrame(
        {
            t("profil.libraries.nama"): table["nama"].astype(str).to_numpy(),
            t("profil.register.jenis"): [t(f"jenis.{j}") for j in table["jenis"]],
            t("kpi.skor"): [state.num(v, 1) for v in table["skor"]],
            t("kpi.band"): [
                t(f"kpi.band.{b}") if _text(b) else t("kpi.band.tanpa_skor") for b in table["band"]
            ],
            t("kpi.kelengkapan"): [
                i18n.format_percent(v, lang) for v in table["kelengkapan_laporan"]
            ],
            link: [
                "profil?" + urlencode({**keep, "kode": k, "tingkat": "perpustakaan"})
                for k in table["kode"].astype(str)
            ],
        }
    )
    st.caption(t("profil.libraries.caption"))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(shown)),
        column_config={
            link: st.column_config.LinkColumn(link, display_text=t("profil.libraries.open"))
        },
    )


def context(p: Mapping[str, Any], view: View, lang: str) -> None:
    t = _t(lang)
    st.subheader(t("profil.context.title"))
    kodes = tuple(k for k in (p.get("kode_kabupaten_kota"), p.get("kode_provinsi")) if k)
    db, version = _db()
    frame = _context(db, version, kodes)
    year = view.period.last.year
    latest = prof.context_for_year(frame, year)
    if latest.empty:
        st.info(t("profil.empty.no_context"))
        return
    if p["tingkat"] == "perpustakaan":
        st.caption(t("profil.context.of_province", provinsi=md(p.get("provinsi") or "")))
    cols = st.columns(max(1, len(latest)))
    for col, r in zip(cols, latest.itertuples(index=False), strict=False):
        area = p.get("provinsi") if str(r.kode_wilayah) == p.get("kode_provinsi") else p["nama"]
        band = prof.iplm_band(r.nilai) if str(r.indikator).upper() == "IPLM" else None
        col.metric(
            t(
                "profil.context.metric",
                indikator=md(r.indikator),
                tahun=str(int(r.tahun)),
                area=md(area),
            ),
            state.num(r.nilai, 1),
            help=md(r.sumber) if _text(r.sumber) else None,
        )
        if band:
            col.caption(t("profil.context.iplm_band", band=t(f"profil.iplm.{band}")))
    if int(latest["tahun"].max()) < year:
        st.caption(t("profil.context.older", tahun=str(year)))
    st.caption(t("profil.context.note"))


def register(p: Mapping[str, Any], lang: str) -> None:
    t = _t(lang)
    st.subheader(t("profil.register.title"))
    rows = [
        (t("profil.register.kode"), p["kode"]),
        (t("profil.register.jenis"), t(f"jenis.{p['jenis']}") if p.get("jenis") else None),
        (t("profil.register.angkatan"), p.get("tahun_bergabung")),
        (
            t("profil.register.dukungan"),
            t(f"dukungan.{p['jenis_dukungan']}") if p.get("jenis_dukungan") else None,
        ),
        (t("profil.register.penduduk"), state.num(p["penduduk"]) if p.get("penduduk") else None),
        (t("profil.register.alamat"), p.get("alamat")),
        (t("profil.register.kontak_nama"), p.get("kontak_nama")),
        (t("profil.register.kontak_telepon"), p.get("kontak_telepon")),
        (t("profil.register.kontak_email"), p.get("kontak_email")),
    ]
    shown = [(k, str(v)) for k, v in rows if v not in (None, "")]
    # st.table renders Markdown in its cells: the register's address and contacts are literal
    st.table(
        md_frame(
            pd.DataFrame(shown, columns=[t("profil.register.field"), t("profil.register.value")])
        )
    )
    if not any(p.get(c) for c in ("kontak_nama", "kontak_telepon", "kontak_email")):
        st.caption(t("profil.register.no_contact"))
