"""Jelajah KPI: any catalogue KPI by any level over the view's period.

Figure builders (``ranking_bars``, ``trend_lines``, ``distribution``) and the table builder
(``table_frame``) are pure functions of small frames; ``render`` draws the page with Streamlit.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler
from plotly.subplots import make_subplots

from kpi import export, i18n, trend
from kpi.catalogue import PILLARS, Catalogue, Kpi, catalogue
from kpi.compute import LEVELS, Filters, aggregate
from kpi.store import open_store
from kpi.ui import data, masuk, plot, state
from kpi.ui.charts import BAND_COLOURS, _layout
from kpi.ui.data import FilterKey, filter_key
from kpi.ui.filters import View, period_label
from kpi.ui.literal import html as esc
from kpi.ui.literal import html_list

BAR_COLOUR = "#1b4f72"
LINE_COLOURS = (
    "#1b4f72",
    "#d35400",
    "#117a65",
    "#7d3c98",
    "#b7950b",
    "#2e86c1",
    "#a93226",
    "#566573",
)
TOP_N = 15
MAX_LINES = 8


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
            text = "#1f1f1f" if band == "kuning" else "#ffffff"
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


def ranking_bars(
    frame: pd.DataFrame, k: Kpi, lang: str, n: int = TOP_N, lowest: bool = False
) -> go.Figure:
    """Units sorted by the KPI, the highest first (or the lowest first), at most ``n`` bars.

    Each bar's hover names the unit, its value and (when ``frame`` has it) the band of its
    Skor KPI TPBIS.
    """
    banded = "band" in frame.columns
    vals = _values(frame, k).sort_values(["nilai", "nama"], ascending=[lowest, True])
    vals = vals.head(n)
    fmt = f",.{k.decimals}f"
    fig = go.Figure(
        go.Bar(
            x=vals["nilai"],
            y=html_list(vals["nama"]),  # names as text on the axis and in the hover
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[_fmt(v, lang, k.decimals) for v in vals["nilai"]],
            textposition="auto",
            customdata=[[band_label(b, lang)] for b in vals["band"]] if banded else None,
            hovertemplate=(
                f"%{{y}}: %{{x:{fmt}}} {unit_label(k, lang)}"
                + (f"<br>{i18n.t('kpi.band', lang)}: %{{customdata[0]}}" if banded else "")
                + "<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat=fmt, title=unit_label(k, lang), rangemode="tozero")
    fig = _layout(fig, lang)
    fig.update_layout(height=max(260, 24 * len(vals) + 80), showlegend=False)
    return fig


def trend_lines(series: pd.DataFrame, k: Kpi, lang: str) -> go.Figure:
    """One line per unit over the months (``series`` from kpi.trend.monthly)."""
    fmt = f",.{k.decimals}f"
    fig = go.Figure()
    for i, (kode, rows) in enumerate(series.groupby("kode", sort=False)):
        rows = rows.sort_values("periode")
        name = str(rows["nama"].iloc[0]) if rows["nama"].notna().any() else str(kode)
        fig.add_scatter(
            x=rows["periode"],
            y=rows["nilai"],
            mode="lines+markers",
            # the unit's name is text (legend and hover), never a tag nor part of the template
            name=esc(name),
            line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
            marker={"size": 5},
            connectgaps=False,
            hovertemplate=f"%{{fullData.name}}<br>%{{x|%m/%Y}}: %{{y:{fmt}}}<extra></extra>",
        )
    fig.update_xaxes(tickformat="%m/%Y", dtick="M1" if series["periode"].nunique() <= 12 else None)
    fig.update_yaxes(tickformat=fmt, title=unit_label(k, lang), rangemode="tozero")
    fig = _layout(fig, lang)
    fig.update_layout(showlegend=True)
    return fig


def distribution(frame: pd.DataFrame, k: Kpi, lang: str) -> go.Figure:
    """The spread of the KPI over the units: a box (median, quartiles) above a histogram."""
    vals = _values(frame, k)
    fmt = f",.{k.decimals}f"
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.22, 0.78])
    fig.add_trace(
        go.Box(
            x=vals["nilai"],
            name="",
            marker_color=BAR_COLOUR,
            boxpoints="outliers",
            customdata=[[esc(n)] for n in vals["nama"]],
            hovertemplate=f"%{{customdata[0]}}: %{{x:{fmt}}}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Histogram(
            x=vals["nilai"],
            marker_color=BAR_COLOUR,
            name=i18n.t("jelajah.units", lang),
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {i18n.t('jelajah.units', lang)}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.update_xaxes(tickformat=fmt, row=2, col=1, title=unit_label(k, lang))
    fig.update_yaxes(showticklabels=False, row=1, col=1)
    fig.update_yaxes(title=i18n.t("jelajah.units", lang), tickformat=",.0f", row=2, col=1)
    fig = _layout(fig, lang)
    fig.update_layout(showlegend=False, bargap=0.05)
    return fig


def table_frame(frame: pd.DataFrame, k: Kpi, lang: str) -> pd.DataFrame:
    """The table shown and exported: one row per unit, the KPI first, then completeness, the
    libraries behind the value, the Skor KPI TPBIS and its band (named). Highest value first,
    units without a value last. Column headers in ``lang``; numbers stay numbers."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
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
    t = lambda key: i18n.t(key, lang)  # noqa: E731
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
    return {c: (lambda v, d=d: _fmt(v, lang, d)) for c, d in table_decimals(table, k, lang).items()}


def profile_url(kode: object, tingkat: str) -> str:
    """The Profil page's address for a unit, relative to the app's root."""
    # encoded: a library code from a file may hold &, # or ? of its own
    return "profil?" + urlencode({"kode": str(kode).replace(".", ""), "tingkat": tingkat})


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    export.write_xlsx(sheets, buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# cached data and drawing


@st.cache_resource(show_spinner=False, max_entries=48)
def _figure(
    kind: str, frame: pd.DataFrame, kpi_id: str, lang: str, n: int = TOP_N, lowest: bool = False
) -> dict:
    """A built figure's dict, kept while its frame is unchanged: building a Plotly figure costs
    more than the cached query behind it when a page is revisited. It is only read."""
    k = catalogue()[kpi_id]
    if kind == "bars":
        return ranking_bars(frame, k, lang, n, lowest).to_dict()
    if kind == "lines":
        return trend_lines(frame, k, lang).to_dict()
    return distribution(frame, k, lang).to_dict()


@st.cache_data(show_spinner=False, max_entries=64)
def _monthly(
    db: str,
    version: int,
    kpi: str,
    level: str,
    periode: str,
    fkey: FilterKey,
    units: tuple[str, ...] | None,
) -> pd.DataFrame:
    del version
    return trend.monthly(open_store(db), kpi, level, periode, Filters(*fkey), units)


def monthly(kpi: str, level: str, view: View, units: Sequence[str] | None) -> pd.DataFrame:
    store = state.store()
    return _monthly(
        str(store.path),
        store.data_version(),
        kpi,
        level,
        view.periode,
        filter_key(view.filters),
        None if units is None else tuple(units),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _values_table(
    db: str, version: int, kpi: str, level: str, periode: str, fkey: FilterKey
) -> pd.DataFrame:
    del version
    return aggregate(open_store(db), level, periode, Filters(*fkey), [kpi])


def values(kpi: str, level: str, view: View) -> pd.DataFrame:
    """The KPI per unit without the score: what the ranking, trend and distribution need (the
    score needs every library's components and benchmarks, so only the table tab asks for it)."""
    store = state.store()
    return _values_table(
        str(store.path), store.data_version(), kpi, level, view.periode, filter_key(view.filters)
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _total(db: str, version: int, kpi: str, periode: str, fkey: FilterKey) -> pd.DataFrame:
    del version
    return aggregate(open_store(db), "nasional", periode, Filters(*fkey), [kpi])


def total(kpi: str, view: View) -> pd.DataFrame:
    """The KPI over every library in the view's filters (no score needed, so no benchmarks)."""
    store = state.store()
    return _total(
        str(store.path), store.data_version(), kpi, view.periode, filter_key(view.filters)
    )


def _definition(k: Kpi, total: pd.DataFrame, lang: str) -> None:
    """The KPI in words, its unit, direction and aggregation, and the aggregate with its
    completeness, in one row above the charts."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    words, facts, value, complete = st.columns([4, 3, 3, 3], gap="medium")
    words.markdown(f"**{k.nama(lang)}**")
    words.caption(k.definisi(lang))
    facts.caption(
        f"{t('jelajah.def.unit')}: {unit_label(k, lang)}  \n"
        f"{t('jelajah.def.arah')}: {t(f'jelajah.arah.{k.direction}')}  \n"
        f"{t('jelajah.def.agregasi')}: {t(f'jelajah.agregasi.{k.agregasi}')}  \n"
        f"{t('jelajah.def.pilar')}: {t(f'jelajah.pilar.{k.pillar}')}"
    )
    if total.empty:
        return
    row = total.iloc[0]
    value.metric(
        t("jelajah.aggregate"),
        f"{_fmt(row[k.id], lang, k.decimals)}",
        help=t("jelajah.aggregate_help", unit=unit_label(k, lang)),
    )
    covered = int(row["perpustakaan"])
    used = int(row.get(f"{k.id}__perpustakaan", 0) or 0)
    complete.metric(
        t("jelajah.completeness"),
        i18n.format_percent(row["kelengkapan_laporan"], lang),
        help=t(
            "jelajah.completeness_help",
            dilaporkan=_fmt(row["bulan_dilaporkan"], lang, 0),
            diharapkan=_fmt(row["bulan_diharapkan"], lang, 0),
        ),
    )
    words.caption(t("jelajah.libraries_behind", n=_fmt(used, lang, 0), m=_fmt(covered, lang, 0)))


def restore(key: str, valid: Sequence[str], default: str) -> None:
    """The page's choice before its widget is drawn: this session's last one (Streamlit drops a
    widget's state when another page runs), else the URL's (a shared link), else the default."""
    if st.session_state.get(key) in valid:
        return
    for value in (st.session_state.get(f"_{key}"), st.query_params.get(key)):
        if value in valid:
            st.session_state[key] = value
            return
    st.session_state[key] = default


def remember(key: str, value: str) -> None:
    st.session_state[f"_{key}"] = value
    st.query_params[key] = value


def render(view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    cat = catalogue()
    choices = kpi_choices(cat)
    restore("jelajah_kpi", choices, "kunjungan" if "kunjungan" in choices else choices[0])
    restore("jelajah_tingkat", LEVELS, "provinsi")
    c_kpi, c_level = st.columns([2, 1])
    kpi_id = c_kpi.selectbox(
        t("jelajah.kpi"),
        choices,
        format_func=lambda i: kpi_label(cat[i], lang),
        key="jelajah_kpi",
    )
    level = c_level.selectbox(
        t("jelajah.tingkat"),
        LEVELS,
        format_func=lambda lv: t(f"jelajah.tingkat.{lv}"),
        key="jelajah_tingkat",
    )
    remember("jelajah_kpi", kpi_id)
    remember("jelajah_tingkat", level)
    k = cat[kpi_id]
    table = values(kpi_id, level, view)
    whole = table if level == "nasional" else total(kpi_id, view)

    with st.container(border=True):
        _definition(k, whole, lang)
    has_value = kpi_id in table.columns and table[kpi_id].notna().any()
    if table.empty or not has_value:
        st.info(t("jelajah.empty", kpi=k.nama(lang)))
        return
    labels = [t(f"jelajah.tab.{name}") for name in ("bars", "lines", "dist", "table")]
    # only the open tab is drawn (and runs its queries)
    tabs = st.tabs(labels, key=f"jelajah_tab_{lang}", on_change="rerun")
    with tabs[0]:
        if tabs[0].open:
            _bars(table, k, lang)
    with tabs[1]:
        if tabs[1].open:
            _lines(table, k, level, view, lang)
    with tabs[2]:
        if tabs[2].open:
            fig = _figure("dist", table, kpi_id, lang)
            plot.chart(fig, width="stretch", key="jelajah_dist")
            n = int(table[kpi_id].notna().sum())
            st.caption(t("jelajah.dist_help", n=_fmt(n, lang, 0)))
    with tabs[3]:
        if tabs[3].open:
            # the main KPIs come in one cached table shared with the other pages (switching
            # among them costs nothing); any other KPI gets a table of its own
            scored = data.kpi_table(level, view, None if kpi_id in cat.utama else (kpi_id,))
            _table(scored, k, level, view, lang)


def _bars(table: pd.DataFrame, k: Kpi, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    n_units = int(table[k.id].notna().sum())
    lowest = False
    n = n_units
    if n_units > TOP_N * 2:
        a, b = st.columns(2)
        lowest = (
            a.radio(
                t("jelajah.bars.which"),
                ["top", "bottom"],
                format_func=lambda w: t(f"jelajah.bars.{w}"),
                horizontal=True,
                key="jelajah_bars_which",
            )
            == "bottom"
        )
        n = int(
            b.number_input(
                t("jelajah.bars.n"), min_value=5, max_value=100, value=TOP_N, key="jelajah_bars_n"
            )
        )
    fig = _figure("bars", table, k.id, lang, n, lowest)
    plot.chart(fig, width="stretch", key="jelajah_bars")
    shown = min(n, n_units)
    st.caption(t("jelajah.bars.caption", n=_fmt(shown, lang, 0), m=_fmt(n_units, lang, 0)))


def _lines(table: pd.DataFrame, k: Kpi, level: str, view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    units: list[str] = []
    if level != "nasional":
        # the same options whatever the KPI, so that the chosen units stay when the KPI changes
        by_name = table.sort_values(["nama", "kode"], kind="stable")
        names = dict(
            zip(by_name["kode"].astype(str), by_name["nama"].fillna("").astype(str), strict=True)
        )
        key = f"jelajah_units_{level}"
        if key not in st.session_state:  # the tab was closed: its widget state is gone
            st.session_state[key] = [u for u in st.session_state.get(f"_{key}", []) if u in names]
        units = st.multiselect(
            t("jelajah.lines.units"),
            list(names),
            format_func=lambda kode: f"{names.get(kode) or kode} ({kode})",
            max_selections=MAX_LINES,
            placeholder=t("jelajah.lines.placeholder"),
            key=key,
        )
        st.session_state[f"_{key}"] = list(units)
    if units:
        series = monthly(k.id, level, view, units)
    else:
        series = monthly(k.id, "nasional", view, None)
        series = series.assign(nama=t("jelajah.lines.total"))
    if series["nilai"].notna().any():
        fig = _figure("lines", series, k.id, lang)
        plot.chart(fig, width="stretch", key="jelajah_lines")
    else:
        st.info(t("jelajah.lines.empty"))
    st.caption(t("jelajah.lines.help"))


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


@st.cache_resource(show_spinner=False, max_entries=16)
def _tables(
    table: pd.DataFrame, kpi_id: str, level: str, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame | Styler]:
    """The table for the files, and the one shown (profile links, numbers in the language's
    format, band colours), kept per frame."""
    k = catalogue()[kpi_id]
    shown = table_frame(table, k, lang)
    linked = shown
    if level != "nasional":
        codes = shown[i18n.t("jelajah.col.kode", lang)]
        profil = i18n.t("jelajah.col.profil", lang)
        linked = shown.assign(**{profil: [profile_url(c, level) for c in codes]})
    if not _styles_whole(linked):
        # beyond what pandas styles: the numbers as numbers (column formats set when shown)
        return shown, linked
    styled = linked.style.format(table_formats(shown, k, lang), na_rep="–")
    band_col = i18n.t("kpi.band", lang)
    if band_col in linked.columns:
        styled = styled.map(lambda v: band_css(v, lang), subset=[band_col])
    return shown, kept_styler(styled)


def _plain_formats(shown: pd.DataFrame, k: Kpi, lang: str) -> dict[str, Any]:
    """Column formats for a table too large to style: decimals of each figure, thousands
    grouped in English (the browser's printf knows no Indonesian separators; none there)."""
    group = "," if i18n.norm_lang(lang) == "en" else ""
    return {
        c: st.column_config.NumberColumn(c, format=f"%{group}.{d}f")
        for c, d in table_decimals(shown, k, lang).items()
    }


def _table(table: pd.DataFrame, k: Kpi, level: str, view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    # the profile link only on screen; the files keep the figures
    shown, on_screen = _tables(table, k.id, level, lang)
    profil = t("jelajah.col.profil")
    column_config: dict[str, Any] = {
        profil: st.column_config.LinkColumn(profil, display_text=t("jelajah.open_profil"))
    }
    if isinstance(on_screen, pd.DataFrame):
        column_config.update(_plain_formats(shown, k, lang))
    st.dataframe(
        on_screen,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        key="jelajah_table",
    )
    name = f"jelajah_{k.id}_{level}_{view.periode.replace('..', '_')}"
    download_buttons(
        shown,
        name,
        t("jelajah.sheet"),
        (t("jelajah.download_xlsx"), t("jelajah.download_csv")),
        "jelajah",
    )


def download_buttons(
    table: pd.DataFrame, name: str, sheet: str, labels: tuple[str, str], key: str
) -> None:
    """Excel and CSV downloads of a table side by side (the files are written on click)."""
    a, b = st.columns(2)
    # with the right to export, recorded in the audit trail
    masuk.download_button(
        labels[0],
        data=lambda: xlsx_bytes({sheet: table}),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"{key}_xlsx",
        what=name,
        rows=len(table),
        where=a,
    )
    masuk.download_button(
        labels[1],
        data=lambda: export.csv_string(table),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_csv",
        what=name,
        rows=len(table),
        where=b,
    )


def subtitle(view: View, lang: str) -> str:
    return i18n.t("jelajah.subtitle", lang, periode=period_label(view.period, lang))
