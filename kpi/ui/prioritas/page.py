"""The Prioritas page's drawing: the window, the counts, the list, the areas and the quadrant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi import coaching, i18n, lapangan
from kpi.periods import parse_period
from kpi.queries.paging import PageRequest
from kpi.settings import CoachingSettings
from kpi.ui import data, masuk, paged, plot
from kpi.ui.context import PageContext
from kpi.ui.filters import keep_in_url, month_span, seed_from_url
from kpi.ui.literal import md
from kpi.ui.pilihan import radio_row
from kpi.ui.prioritas.loads import (
    EvalKey,
    Priorities,
    _area_bars,
    _default_window,
    _library_index,
    _priorities,
    _quadrant_chart,
    _rollup,
)
from kpi.ui.prioritas.tables import (
    AREA_LEVELS,
    BASES,
    BASIS_KEY,
    LEVELS,
    LIST_SORTS,
    PROFILE_PAGE,
    TIERS,
    WINDOWS,
    XLSX_MIME,
    area_contacts,
    area_list,
    area_table,
    areas_xlsx,
    at_least,
    export_settings,
    filter_libraries,
    library_table,
    main_reason,
    profile_url,
)
from kpi.vocab import Rule, Tier


def _page_link(kode: str, tingkat: str, label: str, url: str) -> None:
    """An in-app link to the profile; a plain link while the Profil page is not registered."""
    try:
        st.page_link(
            PROFILE_PAGE,
            label=label,
            icon=":material/open_in_new:",
            query_params={"kode": kode, "tingkat": tingkat},
        )
    except StreamlitAPIException:
        st.markdown(f"[{label}]({url})")


def _window_control(ctx: PageContext, default: int) -> int:
    # ctx.t is bound to this run's language: format_func may be called outside the run (AppTest)
    t = ctx.t
    options = sorted({*WINDOWS, default})
    return int(
        st.radio(
            t("prioritas.window"),
            options,
            index=options.index(default),
            format_func=lambda n: t("prioritas.window_option", n=n),
            horizontal=True,
            key="prio_window",
            help=t("prioritas.window_help"),
        )
    )


def _metrics(ctx: PageContext, frame: pd.DataFrame, settings: Mapping[str, Any]) -> None:
    t, num = ctx.t, ctx.num
    counts = frame["tier"].value_counts()
    edges = settings.get("tier") or {}
    p1, p2, pantau = (
        float(edges.get(k, d))
        for k, d in ((Tier.PRIORITAS_1, 5), (Tier.PRIORITAS_2, 3), (Tier.PANTAU, 1))
    )
    helps = {
        Tier.PRIORITAS_1: t("prioritas.tier_help.prioritas_1", min=p1),
        Tier.PRIORITAS_2: t("prioritas.tier_help.prioritas_2", min=p2, max=p1),
        Tier.PELAPORAN: t("prioritas.tier_help.pelaporan"),
        Tier.PANTAU: t("prioritas.tier_help.pantau", min=pantau, max=p2),
    }
    cols = st.columns(len(TIERS) + 1)
    for col, tier in zip(cols, TIERS, strict=False):
        col.metric(t(f"tier.{tier}"), num(int(counts.get(tier, 0))), help=helps[tier])
    unflagged = int(frame["tier"].isna().sum())
    cols[-1].metric(
        t("prioritas.evaluated"),
        num(len(frame)),
        help=t("prioritas.evaluated_help", n=num(unflagged)),
    )


def _how(ctx: PageContext, settings: Mapping[str, Any]) -> None:
    t = ctx.t
    rules = [
        t(
            "prioritas.how_rule",
            aturan=t(f"prioritas.rule.{r}"),
            poin=CoachingSettings.of(settings).poin[r],
        )
        for r in coaching.RULES
        if r != Rule.D
    ]
    edges = settings.get("tier") or {}
    with st.expander(t("prioritas.how")):
        st.markdown(
            t(
                "prioritas.how_text",
                aturan="; ".join(rules),
                p1=float(edges.get(Tier.PRIORITAS_1, 5)),
                p2=float(edges.get(Tier.PRIORITAS_2, 3)),
                pantau=float(edges.get(Tier.PANTAU, 1)),
                bulan=CoachingSettings.of(settings).bulan_bergabung_minimum,
            )
        )


def render(ctx: PageContext) -> None:
    """The whole page."""
    view, t, lang = ctx.view, ctx.t, ctx.lang
    ctx.title(t("prioritas.title"), t("prioritas.intro"))
    if view.last_month is None:
        st.info(t("empty.no_data"))
        return
    store = ctx.store
    months = _window_control(ctx, _default_window(store))
    frame = data.evaluation(view, months)
    if frame.empty:
        st.info(t("prioritas.empty.no_libraries"))
        return
    end = view.period.last.strftime("%Y-%m")
    key: EvalKey = (end, months, data.filter_key(view.filters))
    bundle = _priorities(store, key, frame)
    win = parse_period(bundle.window) if bundle.window else view.period
    st.caption(
        t(
            "prioritas.window_caption",
            awal=i18n.format_month(win.first, lang),
            akhir=i18n.format_month(win.last, lang),
            n=win.months,
        )
    )
    d_window = frame.attrs.get("window_pelaporan")
    if d_window != bundle.window:
        if d_window:
            st.caption(t("prioritas.d_closed", bulan=month_span(parse_period(str(d_window)), lang)))
        else:
            st.caption(t("prioritas.d_none"))
    st.html(NARROW_CSS)
    with st.container(key="prio_counts"):
        _metrics(ctx, frame, bundle.settings)

    if bundle.rows.empty:
        st.info(t("prioritas.empty.nothing_flagged"))
    else:
        _list_section(ctx, key, bundle, frame)
        _areas_section(ctx, key, bundle, frame)
    _quadrant_section(ctx, key, frame)
    _how(ctx, bundle.settings)


# the list's own choices in the URL (kpi.ui.filters): widget key -> URL parameter
LIST_PARAMS = {
    "prio_level": "tingkat_daftar",
    "prio_tiers": "tier",
    "prio_rules": "aturan",
    "prio_list_page": "halaman",
}
LIST_KEY = "prio_list"  # the paged list's widgets: prio_list_search, _sort, _desc, _page
# the list on a phone: cards instead of the wide table (CSS by the containers' keys)
NARROW_CSS = """
<style>
@media (max-width: 640px) {
  .st-key-prio_wide { display: none; }
  .st-key-prio_counts [data-testid="stHorizontalBlock"] { flex-flow: row wrap; gap: 0.25rem; }
  .st-key-prio_counts [data-testid="stColumn"] { flex: 1 1 30% !important; min-width: 30%; }
  .st-key-prio_counts [data-testid="stMetricValue"] { font-size: 1.4rem; }
  .st-key-prio_counts [data-testid="stMetricLabel"] p { font-size: 0.8rem; }
}
@media (min-width: 641px) { .st-key-prio_narrow { display: none; } }
</style>
"""
# the reasons' column on a wide screen (px) and about how many characters a line of it holds
REASONS_WIDTH = 440
REASONS_LINE = 62


def _row_height(reasons: pd.Series) -> int:
    """Rows tall enough for the page's longest reasons to be read in full: the table wraps
    text when its rows are taller than 4rem."""
    lines = max((-(-len(str(text)) // REASONS_LINE) for text in reasons), default=1)
    return 40 if lines <= 1 else min(16 + 20 * lines, 240)


def _seed_list_state() -> None:
    """The list's choices from a shared link, once the session holds none (kpi.ui.filters)."""
    seed_from_url("prio_level", LIST_PARAMS["prio_level"], LEVELS)
    seed_from_url("prio_tiers", LIST_PARAMS["prio_tiers"], TIERS, many=True)
    seed_from_url("prio_rules", LIST_PARAMS["prio_rules"], coaching.RULES, many=True)
    if (
        LIST_KEY + "_page" not in st.session_state
        and LIST_PARAMS["prio_list_page"] in st.query_params
    ):
        raw = str(st.query_params.get(LIST_PARAMS["prio_list_page"], ""))
        if raw.isdigit() and int(raw) >= 1:
            st.session_state[LIST_KEY + "_page"] = int(raw)
            # the paged list keeps the number while its search and sort stay as they are
            st.session_state.pop(f"_{LIST_KEY}_signature", None)


def _library_cards(ctx: PageContext, table: pd.DataFrame, urls: list[str]) -> None:
    """The page of the list on a phone, one element: per library its name, tier, main reason
    and the link to its profile (text from the files shown as text, never as Markdown)."""
    link = md(ctx.t("prioritas.open_profile"))
    items = [
        f"{int(r.no)}. **{md(r.nama)}** · {md(r.tier)}  \n{md(r.main)} · [{link}]({url})"
        for r, url in zip(table.itertuples(index=False), urls, strict=True)
    ]
    with st.container(key="prio_narrow"):
        st.markdown("\n\n".join(items))


@st.fragment
def _list_section(ctx: PageContext, key: EvalKey, bundle: Priorities, frame: pd.DataFrame) -> None:
    """The list: its level, tier and rule choices (kept in the URL) and a page of it. A
    fragment: a choice here reruns the list alone, not the page's counts and charts."""
    store, view, lang, t, num = ctx.store, ctx.view, ctx.lang, ctx.t, ctx.num
    _seed_list_state()
    st.subheader(t("prioritas.list"))
    c_level, c_tier, c_rule = st.columns([1.2, 2, 2])
    level = c_level.radio(
        t("prioritas.level"),
        LEVELS,
        format_func=lambda v: t(f"prioritas.level.{v}"),
        key="prio_level",
    )
    tiers = c_tier.multiselect(
        t("prioritas.tiers"),
        TIERS,
        default=None if "prio_tiers" in st.session_state else list(lapangan.DEFAULT_TIERS),
        format_func=lambda v: t(f"tier.{v}"),
        key="prio_tiers",
    )
    rules = c_rule.multiselect(
        t("prioritas.rules"),
        coaching.RULES,
        format_func=lambda v: t(f"prioritas.rule.{v}"),
        key="prio_rules",
        help=t("prioritas.rules_help"),
        placeholder=t("filter.all"),
    )
    keep_in_url(LIST_PARAMS["prio_level"], level, LEVELS[0])
    keep_in_url(LIST_PARAMS["prio_tiers"], list(tiers), list(lapangan.DEFAULT_TIERS))
    keep_in_url(LIST_PARAMS["prio_rules"], list(rules), [])
    link_label = t("prioritas.open_profile")
    if level == "perpustakaan":
        index = _library_index(store, key, bundle.rows)
        filters: dict[str, Any] = {
            "equals": {"tier": list(tiers)},
            "any_of": {"rules": list(rules)},
        }
        sorts = {c: t(f"prioritas.col.{c}") for c in LIST_SORTS}
        page = paged.controls(index, LIST_KEY, t, sorts, **filters)
        keep_in_url(LIST_PARAMS["prio_list_page"], page.page, 1)
        matched = index.page(PageRequest(size=1, **filters)).total
        st.caption(t("prioritas.shown", n=num(matched), m=num(len(bundle.rows))))
        if not page.total:
            st.info(t("prioritas.empty.no_match"))
            return
        rows = bundle.rows.iloc[list(page.positions)]
        table = library_table(rows, lang, view.periode, page.first)
        config = {
            "no": st.column_config.NumberColumn(
                t("prioritas.col.no"), format="%d", width=44, pinned=True
            ),
            "nama": st.column_config.TextColumn(t("prioritas.col.nama"), width=180, pinned=True),
            "tier": st.column_config.TextColumn(t("prioritas.col.tier"), width=110),
            "points": st.column_config.NumberColumn(
                t("prioritas.col.points"), format="%d", width=50
            ),
            "profil": st.column_config.LinkColumn(
                t("prioritas.col.profile"), display_text=link_label, width=96
            ),
            "reasons": st.column_config.TextColumn(t("prioritas.col.reasons"), width=REASONS_WIDTH),
            "skor": st.column_config.TextColumn(t("prioritas.col.skor"), width="small"),
            "quadrant": st.column_config.TextColumn(t("prioritas.col.quadrant")),
            "provinsi": st.column_config.TextColumn(t("prioritas.col.provinsi")),
            "kabupaten_kota": st.column_config.TextColumn(t("prioritas.col.kabupaten_kota")),
            "jenis": st.column_config.TextColumn(t("prioritas.col.jenis")),
        }
        with st.container(key="prio_wide"):
            # rows tall enough for the reasons to wrap: they are read in full, not cut
            st.dataframe(
                table,
                column_config=config,
                hide_index=True,
                width="stretch",
                row_height=_row_height(table["reasons"]),
                key="prio_table",
            )
        cards = table.assign(main=[main_reason(r, lang) for r in rows["reasons"]])
        _library_cards(ctx, cards, list(table["profil"]))
        paged.navigation(page, LIST_KEY, t, num)

        def chosen_rows() -> pd.DataFrame:
            return filter_libraries(bundle.rows, tiers, rules)

        chosen, contacts, n_chosen = chosen_rows, bundle.contacts, matched
    else:
        basis = str(st.session_state.get(BASIS_KEY, "semua"))
        if basis not in BASES:
            basis = "semua"
        roll = area_list(_rollup(store, key, level, basis, frame), bundle.rows, level, tiers, rules)
        st.caption(t("prioritas.shown_areas", n=num(len(roll))))
        if roll.empty:
            st.info(t("prioritas.empty.no_match"))
            return
        table = area_table(roll, level, lang, view.periode)
        config = {
            "no": st.column_config.NumberColumn(t("prioritas.col.no"), format="%d", width="small"),
            "nama": st.column_config.TextColumn(t(f"prioritas.col.{level}")),
            "provinsi": st.column_config.TextColumn(t("prioritas.col.provinsi")),
            "at_least": st.column_config.TextColumn(
                t("prioritas.col.at_least"), width="medium", help=t("prioritas.col.at_least_help")
            ),
            "share": st.column_config.TextColumn(t(f"prioritas.col.share.{basis}")),
            "concerned": st.column_config.NumberColumn(t("prioritas.col.concerned"), format="%d"),
            "libraries": st.column_config.NumberColumn(t("prioritas.col.libraries"), format="%d"),
            Tier.PRIORITAS_1: st.column_config.NumberColumn(t("tier.prioritas_1"), format="%d"),
            Tier.PRIORITAS_2: st.column_config.NumberColumn(t("tier.prioritas_2"), format="%d"),
            Tier.PELAPORAN: st.column_config.NumberColumn(t("tier.pelaporan"), format="%d"),
            Tier.PANTAU: st.column_config.NumberColumn(t("tier.pantau"), format="%d"),
            "own_tier": st.column_config.TextColumn(t("prioritas.col.own_tier")),
            "own_reasons": st.column_config.TextColumn(
                t("prioritas.col.own_reasons"), width="large"
            ),
            "profil": st.column_config.LinkColumn(
                t("prioritas.col.profile"), display_text=link_label
            ),
        }
        st.dataframe(
            table, column_config=config, hide_index=True, width="stretch", key="prio_table"
        )
        chosen_roll = roll

        def chosen_rows() -> pd.DataFrame:
            return chosen_roll

        chosen, contacts, n_chosen = chosen_rows, area_contacts(bundle.contacts, roll), len(roll)

    settings = export_settings(bundle, view, level, tiers, rules)
    about = lapangan.About(
        bundle.window,
        view.filters,
        tuple(rules),
        bundle.settings,
        bundle.skor_settings,
        data_version=store.data_version(),
        demo=store.has_demo(),
        extra_settings=settings,
    )
    masuk.download_button(  # with the right to export, recorded in the audit trail
        t("prioritas.export"),
        # built on click, in its own thread: writing a workbook of thousands of rows takes a while
        data=(
            lambda: lapangan.workbook_bytes(
                chosen(), lang, tiers=tiers or TIERS, contacts=contacts, about=about
            )
        )
        if level == "perpustakaan"  # the field team's workbook (kpi.lapangan), as the CLI's
        # the areas' list in words (kpi.export.write_areas_xlsx), as the CLI's
        else lambda: areas_xlsx(chosen(), level, settings, lang, contacts),
        file_name=f"prioritas-pembinaan_{level}_{bundle.window.replace('..', '_')}_{lang}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        help=t("prioritas.export_help"),
        key="prio_export",
        what=f"prioritas_{level}",
        rows=n_chosen,
        who=ctx.user,
        lang=ctx.lang,
    )


def _areas_section(ctx: PageContext, key: EvalKey, bundle: Priorities, frame: pd.DataFrame) -> None:
    store, view, lang, t = ctx.store, ctx.view, ctx.lang, ctx.t
    st.subheader(t("prioritas.areas"))
    st.caption(t("prioritas.areas_intro"))
    c_level, c_basis = st.columns([1, 2])
    level = radio_row(
        t("prioritas.areas_level"), AREA_LEVELS, t, "prioritas.level", "prio_area_level", c_level
    )
    basis = radio_row(
        t("prioritas.basis"),
        BASES,
        t,
        "prioritas.basis",
        BASIS_KEY,
        c_basis,
        help=t("prioritas.basis_help"),
    )
    roll = _rollup(store, key, level, basis, frame)
    ranked = roll[roll["jumlah_perlu"] > 0]
    if ranked.empty:
        st.info(t(f"prioritas.areas_none.{basis}"))
        return
    plot.chart(
        _area_bars(store, key, lang, level, basis, roll),
        width="stretch",
        key="prio_area_bars",
    )
    st.caption(t("prioritas.areas_links"))
    for row in ranked.head(5).itertuples(index=False):
        label = t(
            "prioritas.areas_link",
            n=int(row.peringkat),
            nama=md(row.nama),
            p=at_least(row.batas_bawah, lang),
            k=int(row.jumlah_perlu),
            m=int(row.jumlah_perpustakaan),
        )
        _page_link(
            str(row.kode), level, label, profile_url(str(row.kode), level, view.periode, lang)
        )


def _quadrant_section(ctx: PageContext, key: EvalKey, frame: pd.DataFrame) -> None:
    store, lang, t, num = ctx.store, ctx.lang, ctx.t, ctx.num
    st.subheader(t("prioritas.quadrant"))
    st.caption(t("prioritas.quadrant_intro"))
    placed = frame["quadrant"].notna() & frame["skor_tahun_lalu"].notna()
    if not placed.any():
        st.info(t("prioritas.quadrant_none"))
        return
    plot.chart(_quadrant_chart(store, key, lang, frame), width="stretch", key="prio_quadrant")
    missing = int((~placed).sum())
    if missing:
        st.caption(t("prioritas.quadrant_missing", n=num(missing)))
