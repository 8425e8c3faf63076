"""Kualitas data: completeness and timeliness by area, libraries that never reported, values to
verify. Builders (``completeness_chart`` and the ``*_table`` functions) are pure functions of small
frames; ``render`` draws the page with Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import export, i18n, quality
from kpi.columns import MONTHLY_COLUMNS
from kpi.compute import Filters
from kpi.periods import Period, window
from kpi.store import open_store
from kpi.ui import data, masuk, plot, state
from kpi.ui.charts import BAND_COLOURS, _layout
from kpi.ui.data import FilterKey, filter_key
from kpi.ui.filters import View
from kpi.ui.jelajah import (
    download_buttons,
    period_label,
    profile_url,
    remember,
    restore,
    xlsx_bytes,
)
from kpi.ui.literal import html_list

RULE_D = 80.0  # coaching rule D: completeness under 80% needs reporting coaching
CHART_LIMIT = 40  # kab/kota: the chart shows the lowest ones, the table all of them
TIMELINESS_COLOUR = "#34495e"
AREA_LEVELS: tuple[str, ...] = ("provinsi", "kabupaten_kota")
Z_THRESHOLD = 3.5


def column_label(column: str, lang: str) -> str:
    for c in MONTHLY_COLUMNS:
        if c.name == column:
            return c.label_en if i18n.norm_lang(lang) == "en" else c.label_id
    return column


def quality_period(period: Period) -> Period:
    """The months kpi.quality measures: a single month stands for the 12 months ending there."""
    return window(period.last, 12) if period.kind == "bulan" else period


def completeness_chart(frame: pd.DataFrame, lang: str, limit: int | None = None) -> go.Figure:
    """Completeness per area, lowest first, coloured (and named) by rule D's 80% line, with
    timeliness as markers beside each bar. ``limit`` keeps only the lowest areas."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    rows = frame.dropna(subset=["kelengkapan"]).sort_values(["kelengkapan", "nama"])
    if limit is not None:
        rows = rows.head(limit)
    # names as text on the axis and in the hover, never read as tags
    names = pd.Series(html_list(rows["nama"].fillna(rows["kode"])), index=rows.index)
    fig = go.Figure()
    below = rows["kelengkapan"] < RULE_D
    for mask, colour, key in (
        (below, BAND_COLOURS["merah"], "kualitas.chart.below"),
        (~below, BAND_COLOURS["hijau"], "kualitas.chart.above"),
    ):
        part = rows[mask]
        fig.add_bar(
            x=part["kelengkapan"],
            y=names[mask],
            orientation="h",
            name=t(key),
            marker_color=colour,
            customdata=part[["bulan_dilaporkan", "bulan_diharapkan"]].to_numpy(),
            hovertemplate=(
                f"%{{y}}<br>{t('kualitas.col.kelengkapan')}: %{{x:,.1f}}% "
                "(%{customdata[0]:,.0f} / %{customdata[1]:,.0f})<extra></extra>"
            ),
        )
    fig.add_scatter(
        x=rows["ketepatan"],
        y=names,
        mode="markers",
        name=t("kualitas.col.ketepatan"),
        marker={"symbol": "diamond", "size": 8, "color": TIMELINESS_COLOUR},
        hovertemplate=f"%{{y}}<br>{t('kualitas.col.ketepatan')}: %{{x:,.1f}}%<extra></extra>",
    )
    fig.add_vline(
        x=RULE_D,
        line_dash="dash",
        line_color="#555",
        annotation_text=t("kualitas.chart.rule_d"),
        annotation_position="top",
    )
    fig.update_yaxes(
        autorange="reversed", type="category", categoryorder="array", categoryarray=list(names)
    )
    fig.update_xaxes(range=[0, 100], title=t("kualitas.chart.axis"), ticksuffix="%")
    fig = _layout(fig, lang)
    fig.update_layout(barmode="overlay", height=max(320, 20 * len(rows) + 100))
    return fig


def completeness_table(frame: pd.DataFrame, level: str, lang: str) -> pd.DataFrame:
    """Areas lowest completeness first; numbers stay numbers; a link to each area's profile."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    rows = frame.sort_values(["kelengkapan", "nama"], na_position="first", kind="stable")
    return pd.DataFrame(
        {
            t("kualitas.col.kode"): rows["kode"].astype(str),
            t("kualitas.col.nama"): rows["nama"].astype(str),
            t("kualitas.col.perpustakaan"): rows["perpustakaan"].astype("Int64"),
            t("kualitas.col.melapor"): rows["perpustakaan_melapor"].astype("Int64"),
            t("kualitas.col.dilaporkan"): rows["bulan_dilaporkan"].astype(float),
            t("kualitas.col.diharapkan"): rows["bulan_diharapkan"].astype(float),
            t("kualitas.col.kelengkapan"): rows["kelengkapan"].astype(float),
            t("kualitas.col.ketepatan"): rows["ketepatan"].astype(float),
            t("kualitas.col.profil"): [profile_url(k, level) for k in rows["kode"]],
        }
    ).reset_index(drop=True)


def never_table(frame: pd.DataFrame, areas: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Libraries with no monthly report at all, with their place and a profile link."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731

    def area(kode: object) -> str | None:
        return areas.get(str(kode)) if isinstance(kode, str) and kode else None

    return pd.DataFrame(
        {
            t("kualitas.col.kode"): frame["kode"].astype(str),
            t("kualitas.col.nama"): frame["nama"].astype(str),
            t("kualitas.col.jenis"): [i18n.t(f"jenis.{j}", lang) for j in frame["jenis"]],
            t("kualitas.col.provinsi"): [area(k) for k in frame["kode_provinsi"]],
            t("kualitas.col.kabupaten_kota"): [area(k) for k in frame["kode_kabupaten_kota"]],
            t("kualitas.col.tahun_bergabung"): frame["tahun_bergabung"].astype("Int64"),
            t("kualitas.col.batch"): frame["batch_id"],
            t("kualitas.col.profil"): [profile_url(k, "perpustakaan") for k in frame["kode"]],
        }
    ).reset_index(drop=True)


def reason_text(row: Mapping[str, Any], lang: str) -> str:
    """Why a value is listed, in words with its typical values: far from the library's own
    history (its median), from its peers (their median that month), or both."""
    return reason_texts(
        [row.get("alasan")], [row.get("median_sendiri")], [row.get("median_sejawat")], lang
    )[0]


def reason_texts(
    reasons: Sequence[Any], own: Sequence[Any], peers: Sequence[Any], lang: str
) -> list[str]:
    """``reason_text`` for whole columns (each distinct number formatted once)."""
    templates = {r: i18n.t(f"kualitas.alasan.{r}", lang) for r in quality.REASONS}
    shown: dict[Any, str] = {}

    def fmt(v: Any) -> str:
        key = None if v is None or v != v else float(v)
        if key not in shown:
            shown[key] = i18n.format_number(key, lang, 1)
        return shown[key]

    return [
        templates.get(str(r) if r in templates else "sejawat", "").format(
            sendiri=fmt(o), sejawat=fmt(p)
        )
        for r, o, p in zip(reasons, own, peers, strict=True)
    ]


def verify_table(frame: pd.DataFrame, libraries: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Values to verify: library, month, column, value, typical value, why it is listed (own
    history, peers or both), modified z-scores, batch. Words are made once per distinct value
    (a list can hold thousands of rows)."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    kodes = frame["kode"].astype(str)
    months = {p: i18n.format_month(p, lang) for p in frame["periode"].unique()}
    columns = {c: column_label(c, lang) for c in frame["kolom"].unique()}
    n = len(frame)

    def col(name: str) -> list[Any]:
        return frame[name].tolist() if name in frame.columns else [None] * n

    own_z = frame["skor_z_sendiri"] if "skor_z_sendiri" in frame.columns else frame["skor_z"]
    reasons = frame["alasan"].tolist() if "alasan" in frame.columns else ["sejawat"] * n
    return pd.DataFrame(
        {
            t("kualitas.col.kode"): kodes,
            t("kualitas.col.nama"): [libraries.get(k) for k in kodes],
            t("kualitas.col.bulan"): frame["periode"].map(months),
            t("kualitas.col.kolom"): frame["kolom"].map(columns),
            t("kualitas.col.nilai"): frame["nilai"].astype(float),
            t("kualitas.col.nilai_tipikal"): frame["nilai_tipikal"].astype(float),
            t("kualitas.col.alasan"): reason_texts(
                reasons, col("median_sendiri"), col("median_sejawat"), lang
            ),
            t("kualitas.col.skor_z_sendiri"): own_z.astype(float),
            t("kualitas.col.skor_z_sejawat"): frame["skor_z_sejawat"].astype(float),
            t("kualitas.col.batch"): frame["batch_id"],
            t("kualitas.col.profil"): "profil?kode="
            + kodes.str.replace(".", "", regex=False)
            + "&tingkat=perpustakaan",
        }
    ).reset_index(drop=True)


def formats(
    table: pd.DataFrame, lang: str, decimals: Mapping[str, int]
) -> dict[str, Callable[[object], str]]:
    """Formatters for the shown table: every listed column in the language's number format."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return {
        t(key): (lambda v, d=d: i18n.format_number(v, lang, d))
        for key, d in decimals.items()
        if t(key) in table.columns
    }


# the values to verify shown on the page (the list is ordered: most suspicious first)
VERIFY_SHOWN = 500

NUMBER_DECIMALS = {
    "kualitas.col.perpustakaan": 0,
    "kualitas.col.melapor": 0,
    "kualitas.col.dilaporkan": 0,
    "kualitas.col.diharapkan": 0,
    "kualitas.col.kelengkapan": 1,
    "kualitas.col.ketepatan": 1,
    "kualitas.col.tahun_bergabung": 0,
    "kualitas.col.nilai": 0,
    "kualitas.col.nilai_tipikal": 1,
    "kualitas.col.skor_z_sendiri": 1,
    "kualitas.col.skor_z_sejawat": 1,
}


# ---------------------------------------------------------------------------------------------
# cached data and drawing


@st.cache_data(show_spinner=False, max_entries=16)
def _never(db: str, version: int, fkey: FilterKey) -> pd.DataFrame:
    del version
    return quality.never_reported(open_store(db), Filters(*fkey))


@st.cache_data(show_spinner=False, max_entries=16)
def _verify(db: str, version: int, periode: str, fkey: FilterKey) -> pd.DataFrame:
    del version
    return quality.values_to_verify(open_store(db), periode, Filters(*fkey), threshold=Z_THRESHOLD)


def never_reported(view: View) -> pd.DataFrame:
    store = state.store()
    return _never(str(store.path), store.data_version(), filter_key(view.filters))


def values_to_verify(view: View) -> pd.DataFrame:
    store = state.store()
    return _verify(str(store.path), store.data_version(), view.periode, filter_key(view.filters))


def subtitle(view: View, lang: str) -> str:
    return i18n.t(
        "kualitas.subtitle", lang, periode=period_label(quality_period(view.period), lang)
    )


def _downloads(table: pd.DataFrame, name: str, sheet: str, lang: str, key: str) -> None:
    labels = (i18n.t("kualitas.download_xlsx", lang), i18n.t("kualitas.download_csv", lang))
    download_buttons(table, name, sheet, labels, key)


def _lazy_downloads(
    build: Callable[[], pd.DataFrame], name: str, sheet: str, lang: str, key: str
) -> None:
    """Excel and CSV downloads of a table made only when a button is clicked (every row of a
    list the page shows only the start of)."""
    a, b = st.columns(2)
    # with the right to export, recorded in the audit trail
    masuk.download_button(
        i18n.t("kualitas.download_xlsx", lang),
        data=lambda: xlsx_bytes({sheet: build()}),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"{key}_xlsx",
        what=name,
        where=a,
    )
    masuk.download_button(
        i18n.t("kualitas.download_csv", lang),
        data=lambda: export.csv_string(build()),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_csv",
        what=name,
        where=b,
    )


def _show(table: pd.DataFrame, lang: str, key: str, height: int | None = None) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    profil = t("kualitas.col.profil")
    st.dataframe(
        table.style.format(formats(table, lang, NUMBER_DECIMALS), na_rep="–"),
        hide_index=True,
        width="stretch",
        height=height or "auto",
        column_config={
            profil: st.column_config.LinkColumn(profil, display_text=t("kualitas.open_profil"))
        },
        key=key,
    )


def render(view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    num = lambda v, d=0: i18n.format_number(v, lang, d)  # noqa: E731

    whole = data.completeness("nasional", view)
    never = never_reported(view)
    c = st.columns(3)
    if not whole.empty:
        row = whole.iloc[0]
        c[0].metric(
            t("kualitas.metric.kelengkapan"),
            i18n.format_percent(row["kelengkapan"], lang),
            help=t(
                "kualitas.metric.kelengkapan_help",
                dilaporkan=num(row["bulan_dilaporkan"]),
                diharapkan=num(row["bulan_diharapkan"]),
            ),
        )
        c[1].metric(
            t("kualitas.metric.ketepatan"),
            i18n.format_percent(row["ketepatan"], lang),
            help=t("kualitas.metric.ketepatan_help"),
        )
    c[2].metric(t("kualitas.metric.never"), num(len(never)))

    # only the open tab runs its queries: values to verify cost the most and wait for their tab
    labels = [t("kualitas.tab.area"), t("kualitas.tab.never"), t("kualitas.tab.verify")]
    tabs = st.tabs(labels, key=f"kualitas_tab_{lang}", on_change="rerun")
    with tabs[0]:
        if tabs[0].open:
            _area_section(view, lang)
    with tabs[1]:
        if tabs[1].open:
            _never_section(view, never, lang)
    with tabs[2]:
        if tabs[2].open:
            _verify_section(view, lang)


def _area_section(view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    num = lambda v, d=0: i18n.format_number(v, lang, d)  # noqa: E731
    stamp = view.periode.replace("..", "_")
    restore("kualitas_level", AREA_LEVELS, "provinsi")
    level = st.radio(
        t("kualitas.area.level"),
        AREA_LEVELS,
        format_func=lambda lv: t(f"kualitas.level.{lv}"),
        horizontal=True,
        key="kualitas_level",
    )
    remember("kualitas_level", level)
    areas = data.completeness(level, view)
    if areas.empty or areas["kelengkapan"].notna().sum() == 0:
        st.info(t("kualitas.area.empty"))
        return
    limit = CHART_LIMIT if len(areas) > CHART_LIMIT else None
    plot.chart(completeness_chart(areas, lang, limit), width="stretch", key="kualitas_chart")
    below = int((areas["kelengkapan"] < RULE_D).sum())
    st.caption(
        t("kualitas.area.caption", n=num(below), m=num(len(areas)))
        + (" " + t("kualitas.area.limited", n=num(limit)) if limit else "")
    )
    table = completeness_table(areas, level, lang)
    _show(table, lang, "kualitas_area_table", height=360)
    _downloads(table, f"kelengkapan_{level}_{stamp}", t("kualitas.sheet.area"), lang, "dl_area")


def _never_section(view: View, never: pd.DataFrame, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    st.caption(t("kualitas.never.help"))
    if never.empty:
        st.success(t("kualitas.never.none"))
        return
    table = never_table(never, _area_names(view), lang)
    _show(table, lang, "kualitas_never_table", height=320)
    _downloads(table, "belum_pernah_melapor", t("kualitas.sheet.never"), lang, "dl_never")
    _profile_link(never, lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _verify_counts(db: str, version: int, periode: str, fkey: FilterKey) -> dict[str, int]:
    """How many values to verify there are per column (the list itself stays in the cache)."""
    return {
        str(k): int(v)
        for k, v in _verify(db, version, periode, fkey)["kolom"].value_counts().items()
    }


def _verify_part(
    db: str, version: int, periode: str, fkey: FilterKey, columns: tuple[str, ...]
) -> pd.DataFrame:
    verify = _verify(db, version, periode, fkey)
    return verify[verify["kolom"].isin(columns)] if columns else verify


@st.cache_data(show_spinner=False, max_entries=32)
def _verify_reasons(
    db: str, version: int, periode: str, fkey: FilterKey, columns: tuple[str, ...]
) -> dict[str, int]:
    part = _verify_part(db, version, periode, fkey, columns)
    return {str(k): int(v) for k, v in part["alasan"].value_counts().items()}


def _verify_rows(
    db: str,
    version: int,
    periode: str,
    fkey: FilterKey,
    columns: tuple[str, ...],
    reasons: tuple[str, ...],
) -> pd.DataFrame:
    part = _verify_part(db, version, periode, fkey, columns)
    return part[part["alasan"].isin(reasons)] if reasons else part


def _library_names(db: str, version: int, periode: str, fkey: FilterKey) -> dict[str, str]:
    libs = data._completeness(db, version, "perpustakaan", periode, fkey)
    return dict(zip(libs["kode"].astype(str), libs["nama"].astype(str), strict=True))


@st.cache_data(show_spinner=False, max_entries=32)
def _verify_shown(
    db: str,
    version: int,
    periode: str,
    fkey: FilterKey,
    columns: tuple[str, ...],
    reasons: tuple[str, ...],
    lang: str,
) -> tuple[int, pd.DataFrame]:
    """The number of values matching the choices, and the first VERIFY_SHOWN as shown."""
    rows = _verify_rows(db, version, periode, fkey, columns, reasons)
    names = _library_names(db, version, periode, fkey)
    return len(rows), verify_table(rows.head(VERIFY_SHOWN), names, lang)


def _verify_section(view: View, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    num = lambda v, d=0: i18n.format_number(v, lang, d)  # noqa: E731
    stamp = view.periode.replace("..", "_")
    store = state.store()
    db, version, fkey = str(store.path), store.data_version(), filter_key(view.filters)
    st.info(t("kualitas.verify.note", ambang=num(Z_THRESHOLD, 1)), icon=":material/fact_check:")
    with st.spinner(t("kualitas.verify.loading")):
        counts = _verify_counts(db, version, view.periode, fkey)
    if not counts:
        st.success(t("kualitas.verify.none"))
        return
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    a.metric(t("kualitas.metric.verify"), num(sum(counts.values())))
    chosen = b.multiselect(
        t("kualitas.verify.columns"),
        list(counts),
        format_func=lambda c: f"{column_label(c, lang)} ({num(int(counts.get(c, 0)))})",
        placeholder=t("kualitas.verify.all_columns"),
        key="kualitas_verify_columns",
    )
    columns = tuple(chosen)
    reasons = _verify_reasons(db, version, view.periode, fkey, columns)
    picked = st.multiselect(
        t("kualitas.verify.reasons"),
        [r for r in quality.REASONS if r in reasons],
        format_func=lambda r: f"{t(f'kualitas.alasan_pilih.{r}')} ({num(int(reasons.get(r, 0)))})",
        placeholder=t("kualitas.verify.all_reasons"),
        key="kualitas_verify_reasons",
        help=t("kualitas.verify.reasons_help"),
    )
    chosen_reasons = tuple(picked)
    n, table = _verify_shown(db, version, view.periode, fkey, columns, chosen_reasons, lang)
    if n > VERIFY_SHOWN:
        # the browser gets what a person can read; the downloads hold every row
        st.caption(t("kualitas.verify.first", n=num(VERIFY_SHOWN), m=num(n)))
    _show(table, lang, "kualitas_verify_table", height=360)
    sheet = t("kualitas.sheet.verify")

    def everything() -> pd.DataFrame:
        rows = _verify_rows(db, version, view.periode, fkey, columns, chosen_reasons)
        return verify_table(rows, _library_names(db, version, view.periode, fkey), lang)

    _lazy_downloads(everything, f"nilai_perlu_verifikasi_{stamp}", sheet, lang, "dl_verify")


def _area_names(view: View) -> dict[str, str]:
    names: dict[str, str] = {}
    for level in AREA_LEVELS:
        frame = data.completeness(level, view)
        names.update(zip(frame["kode"].astype(str), frame["nama"].astype(str), strict=True))
    return names


def _profile_link(never: pd.DataFrame, lang: str) -> None:
    """A chosen library's profile through st.page_link (the table's links open a new tab)."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    names = dict(zip(never["kode"].astype(str), never["nama"].astype(str), strict=True))
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    kode = a.selectbox(
        t("kualitas.never.choose"),
        list(names),
        format_func=lambda k: f"{names.get(k, k)} ({k})",
        key="kualitas_never_choice",
    )
    try:
        with b:
            st.page_link(
                "pages/profil.py",
                label=t("kualitas.open_profil"),
                icon=":material/arrow_forward:",
                query_params={"kode": kode, "tingkat": "perpustakaan"},
            )
    except Exception:  # the Profil page is not registered in this app (yet)
        b.caption(t("kualitas.no_profil"))
