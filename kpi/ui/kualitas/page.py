"""The Kualitas page: the headline figures and the three tabs (areas, never reported, to verify)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from kpi import coaching, i18n, quality
from kpi.access import Principal
from kpi.queries.paging import ListIndex
from kpi.settings import CoachingSettings
from kpi.ui import data, paged, plot, tautan
from kpi.ui.cache import cached
from kpi.ui.context import PageContext, translator
from kpi.ui.data import filter_key
from kpi.ui.filters import View, period_label
from kpi.ui.jelajah import (
    download_buttons,
    remember,
    restore,
)
from kpi.ui.kualitas.figures import completeness_chart
from kpi.ui.kualitas.loads import (
    _library_names,
    _of_reasons,
    _verify_counts,
    _verify_part,
    _verify_reasons,
    _verify_shown,
    never_reported,
)
from kpi.ui.kualitas.tables import (
    AREA_LEVELS,
    CHART_LIMIT,
    NUMBER_DECIMALS,
    VERIFY_SHOWN,
    Z_THRESHOLD,
    column_label,
    completeness_table,
    formats,
    never_table,
    quality_period,
    verify_table,
)
from kpi.ui.pilihan import radio_row


def subtitle(view: View, lang: str) -> str:
    return i18n.t(
        "kualitas.subtitle", lang, periode=period_label(quality_period(view.period), lang)
    )


def _downloads(
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    sheet: str,
    lang: str,
    key: str,
    who: Principal | None,
) -> None:
    labels = (i18n.t("kualitas.download_xlsx", lang), i18n.t("kualitas.download_csv", lang))
    download_buttons(table, name, sheet, labels, key, who=who, lang=lang)


@cached(max_entries=16, kept=True, versioned=False)
def _index(table: pd.DataFrame, search: tuple[str, ...], sorts: tuple[str, ...]) -> ListIndex:
    """A shown table held in DuckDB for its pages (kept per table: the frame is its key)."""
    return ListIndex(table, search=search, columns=sorts)


@st.fragment
def _show(table: pd.DataFrame, lang: str, key: str, height: int | None = None) -> None:
    """A table a page at a time, searched by name or code and sorted on its columns, in a
    fragment of its own (issue 15): the browser gets a page of rows; the downloads hold all."""
    t = translator(lang)
    profil = t("kualitas.col.profil")
    search = tuple(c for c in (t("kualitas.col.nama"), t("kualitas.col.kode")) if c in table)
    sorts = tuple(c for c in table.columns if c != profil)
    index = _index(table, search, sorts)
    page = paged.controls(index, key, t, {c: str(c) for c in sorts})
    shown = table.iloc[list(page.positions)]
    st.dataframe(
        shown.style.format(formats(shown, lang, NUMBER_DECIMALS), na_rep="–"),
        hide_index=True,
        width="stretch",
        height=height or "auto",
        column_config={
            profil: st.column_config.LinkColumn(profil, display_text=t("kualitas.open_profil"))
        },
        key=key,
    )
    paged.navigation(page, key, t, lambda v: i18n.format_number(v, lang, 0))


def render(ctx: PageContext) -> None:
    view, lang, t, num = ctx.view, ctx.lang, ctx.t, ctx.num
    ctx.title(t("kualitas.title"), subtitle(view, lang))
    if view.last_month is None:
        st.info(t("empty.no_data"))
        return

    whole = data.completeness("nasional", view)
    never = never_reported(ctx.store, view)
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
    ids = ("area", "never", "verify")
    labels = [t(f"kualitas.tab.{name}") for name in ids]
    # the URL's "tab" names the open one (a shared link opens it)
    tabs = tautan.tabs(ids, labels, key=f"kualitas_tab_{lang}", param="tab")
    with tabs[0]:
        if tabs[0].open:
            _area_section(ctx)
    with tabs[1]:
        if tabs[1].open:
            _never_section(ctx, never)
    with tabs[2]:
        if tabs[2].open:
            _verify_section(ctx)


def _area_section(ctx: PageContext) -> None:
    view, lang, t, num = ctx.view, ctx.lang, ctx.t, ctx.num
    stamp = view.periode.replace("..", "_")
    restore("kualitas_level", AREA_LEVELS, "provinsi")
    level = radio_row(t("kualitas.area.level"), AREA_LEVELS, t, "kualitas.level", "kualitas_level")
    remember("kualitas_level", level)
    areas = data.completeness(level, view)
    if areas.empty or areas["kelengkapan"].notna().sum() == 0:
        st.info(t("kualitas.area.empty"))
        return
    limit = CHART_LIMIT if len(areas) > CHART_LIMIT else None
    # rule D's threshold as stored, so Kualitas and Prioritas agree
    rule_d = CoachingSettings.of(coaching.get_settings(ctx.store)).d_kelengkapan_minimum
    chart = completeness_chart(areas, lang, limit, rule_d)
    plot.chart(chart, width="stretch", key="kualitas_chart")
    below = int((areas["kelengkapan"] < rule_d).sum())
    st.caption(
        t("kualitas.area.caption", n=num(below), m=num(len(areas)), batas=num(rule_d))
        + (" " + t("kualitas.area.limited", n=num(limit)) if limit else "")
    )
    table = completeness_table(areas, level, lang)
    _show(table, lang, "kualitas_area_table", height=360)
    _downloads(
        table, f"kelengkapan_{level}_{stamp}", t("kualitas.sheet.area"), lang, "dl_area", ctx.user
    )


def _never_section(ctx: PageContext, never: pd.DataFrame) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.caption(t("kualitas.never.help"))
    if never.empty:
        st.success(t("kualitas.never.none"))
        return
    table = never_table(never, _area_names(view), lang)
    _show(table, lang, "kualitas_never_table", height=320)
    _downloads(table, "belum_pernah_melapor", t("kualitas.sheet.never"), lang, "dl_never", ctx.user)
    _profile_link(never, lang)


def _verify_section(ctx: PageContext) -> None:
    view, lang, t, num = ctx.view, ctx.lang, ctx.t, ctx.num
    stamp = view.periode.replace("..", "_")
    store, fkey = ctx.store, filter_key(view.filters)
    st.info(t("kualitas.verify.note", ambang=num(Z_THRESHOLD, 1)), icon=":material/fact_check:")
    with st.spinner(t("kualitas.verify.loading")):
        counts = _verify_counts(store, view.periode, fkey)
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
    reasons = _verify_reasons(store, view.periode, fkey, columns)
    picked = st.multiselect(
        t("kualitas.verify.reasons"),
        [r for r in quality.REASONS if r in reasons],
        format_func=lambda r: f"{t(f'kualitas.alasan_pilih.{r}')} ({num(int(reasons.get(r, 0)))})",
        placeholder=t("kualitas.verify.all_reasons"),
        key="kualitas_verify_reasons",
        help=t("kualitas.verify.reasons_help"),
    )
    chosen_reasons = tuple(picked)
    n, table = _verify_shown(store, view.periode, fkey, columns, chosen_reasons, lang)
    if n > VERIFY_SHOWN:
        # the browser gets what a person can read; the downloads hold every row
        st.caption(t("kualitas.verify.first", n=num(VERIFY_SHOWN), m=num(n)))
    _show(table, lang, "kualitas_verify_table", height=360)
    sheet = t("kualitas.sheet.verify")

    def everything() -> pd.DataFrame:
        rows = _of_reasons(_verify_part(store, view.periode, fkey, columns), chosen_reasons)
        return verify_table(rows, _library_names(store, view.periode, fkey), lang)

    _downloads(everything, f"nilai_perlu_verifikasi_{stamp}", sheet, lang, "dl_verify", ctx.user)


def _area_names(view: View) -> dict[str, str]:
    names: dict[str, str] = {}
    for level in AREA_LEVELS:
        frame = data.completeness(level, view)
        names.update(zip(frame["kode"].astype(str), frame["nama"].astype(str), strict=True))
    return names


def _profile_link(never: pd.DataFrame, lang: str) -> None:
    """A chosen library's profile through st.page_link (the table's links open a new tab)."""
    t = translator(lang)
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
