"""The Jelajah page: the KPI and level, the definition, and the four tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from kpi import export, i18n
from kpi.access import Principal
from kpi.catalogue import Kpi, catalogue
from kpi.compute import LEVELS
from kpi.ui import data, masuk, paged, plot, tautan
from kpi.ui.context import PageContext
from kpi.ui.filters import View, period_label
from kpi.ui.jelajah.figures import (
    MAX_LINES,
    TOP_N,
)
from kpi.ui.jelajah.labels import (
    _fmt,
    kpi_choices,
    kpi_label,
    unit_label,
)
from kpi.ui.jelajah.loads import _figure, monthly, total, values
from kpi.ui.jelajah.tables import (
    _tables,
    sort_labels,
    styled_page,
    xlsx_bytes,
)
from kpi.ui.pilihan import radio_row
from kpi.ui.tautan import remember, restore


def _definition(ctx: PageContext, k: Kpi, total: pd.DataFrame) -> None:
    """The KPI in words, its unit, direction and aggregation, and the aggregate with its
    completeness, in one row above the charts."""
    lang, t = ctx.lang, ctx.t
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


UNITS_PARAM = "banding"  # the URL's compared units (codes, comma-separated)


def render(ctx: PageContext) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    ctx.title(t("jelajah.title"), subtitle(view, lang))
    if view.last_month is None:
        st.info(t("empty.no_data"))
        return
    cat = catalogue()
    choices = kpi_choices(cat)
    # the first of the overview's headline KPIs that can be explored (else the first choice)
    first = next((k for k in cat.ringkasan if k in choices), choices[0])
    restore("jelajah_kpi", choices, first)
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
    table = values(ctx.store, kpi_id, level, view)
    whole = table if level == "nasional" else total(ctx.store, kpi_id, view)

    with st.container(border=True):
        _definition(ctx, k, whole)
    has_value = kpi_id in table.columns and table[kpi_id].notna().any()
    if table.empty or not has_value:
        st.info(t("jelajah.empty", kpi=k.nama(lang)))
        return
    ids = ("bars", "lines", "dist", "table")
    labels = [t(f"jelajah.tab.{name}") for name in ids]
    # only the open tab is drawn (and runs its queries); the URL's "tab" names it
    tabs = tautan.tabs(ids, labels, key=f"jelajah_tab_{lang}", param="tab")
    with tabs[0]:
        if tabs[0].open:
            _bars(ctx, table, k)
    with tabs[1]:
        if tabs[1].open:
            _lines(ctx, table, k, level)
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
            _table(ctx, scored, k, level)


def _bars(ctx: PageContext, table: pd.DataFrame, k: Kpi) -> None:
    lang, t = ctx.lang, ctx.t
    n_units = int(table[k.id].notna().sum())
    lowest = False
    n = n_units
    if n_units > TOP_N * 2:
        a, b = st.columns(2)
        lowest = (
            radio_row(
                t("jelajah.bars.which"),
                ["top", "bottom"],
                t,
                "jelajah.bars",
                "jelajah_bars_which",
                a,
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


def _lines(ctx: PageContext, table: pd.DataFrame, k: Kpi, level: str) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    units: list[str] = []
    if level != "nasional":
        # the same options whatever the KPI, so that the chosen units stay when the KPI changes
        by_name = table.sort_values(["nama", "kode"], kind="stable")
        names = dict(
            zip(by_name["kode"].astype(str), by_name["nama"].fillna("").astype(str), strict=True)
        )
        key = f"jelajah_units_{level}"
        # the tab was closed (its widget state is gone), or a shared link names the units
        tautan.restore_list(key, list(names), param=UNITS_PARAM)
        units = st.multiselect(
            t("jelajah.lines.units"),
            list(names),
            format_func=lambda kode: f"{names.get(kode) or kode} ({kode})",
            max_selections=MAX_LINES,
            placeholder=t("jelajah.lines.placeholder"),
            key=key,
        )
        tautan.remember_list(key, units, param=UNITS_PARAM)
    if units:
        series = monthly(ctx.store, k.id, level, view, units)
    else:
        series = monthly(ctx.store, k.id, "nasional", view, None)
        series = series.assign(nama=t("jelajah.lines.total"))
    if series["nilai"].notna().any():
        fig = _figure("lines", series, k.id, lang)
        plot.chart(fig, width="stretch", key="jelajah_lines")
    else:
        st.info(t("jelajah.lines.empty"))
    st.caption(t("jelajah.lines.help"))


@st.fragment
def _table(ctx: PageContext, table: pd.DataFrame, k: Kpi, level: str) -> None:
    """The table a page at a time (search, sort and page rerun this fragment alone); the
    downloads keep every row."""
    view, lang, t = ctx.view, ctx.lang, ctx.t
    # the profile link only on screen; the files keep the figures
    shown, linked, index = _tables(table, k.id, level, lang)
    profil = t("jelajah.col.profil")
    column_config: dict[str, Any] = {
        profil: st.column_config.LinkColumn(profil, display_text=t("jelajah.open_profil"))
    }
    page = paged.controls(index, f"jelajah_list_{level}", t, sort_labels(shown, k, lang))
    on_screen = linked.iloc[list(page.positions)]
    st.dataframe(
        styled_page(on_screen, shown, k, lang),
        hide_index=True,
        width="stretch",
        column_config=column_config,
        key="jelajah_table",
    )
    paged.navigation(page, f"jelajah_list_{level}", t, ctx.num)
    name = f"jelajah_{k.id}_{level}_{view.periode.replace('..', '_')}"
    download_buttons(
        shown,
        name,
        t("jelajah.sheet"),
        (t("jelajah.download_xlsx"), t("jelajah.download_csv")),
        "jelajah",
        who=ctx.user,
        lang=ctx.lang,
    )


def download_buttons(
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    sheet: str,
    labels: tuple[str, str],
    key: str,
    who: Principal | None = None,
    lang: str | None = None,
) -> None:
    """Excel and CSV downloads of a table side by side (the files are written on click); a
    function instead of the table makes it only then (every row of a list shown in part).
    Offered only with the right to export (``who``: the page's principal), recorded in the
    audit trail when clicked."""

    def build() -> pd.DataFrame:
        return table() if callable(table) else table

    rows = None if callable(table) else len(table)
    files = (
        ("xlsx", lambda: xlsx_bytes({sheet: build()}), export.XLSX_MIME),
        ("csv", lambda: export.csv_string(build()), "text/csv"),
    )
    # side by side; with the right to export, recorded in the audit trail
    for label, where, (ext, make, mime) in zip(labels, st.columns(2), files, strict=True):
        masuk.download_button(
            label,
            data=make,
            file_name=f"{name}.{ext}",
            mime=mime,
            icon=":material/download:",
            key=f"{key}_{ext}",
            what=name,
            rows=rows,
            where=where,
            who=who,
            lang=lang,
        )


def subtitle(view: View, lang: str) -> str:
    return i18n.t("jelajah.subtitle", lang, periode=period_label(view.period, lang))
