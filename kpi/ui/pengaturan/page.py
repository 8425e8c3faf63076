"""The Pengaturan page: the settings with their previews, save and restore; targets; boundaries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from kpi import boundaries, closing, coaching, i18n, preview, score
from kpi.catalogue import CatalogueError
from kpi.palette import TIER_COLOURS
from kpi.ui import plot
from kpi.ui.context import PageContext
from kpi.ui.literal import md
from kpi.ui.pengaturan.figures import BAND_BAR_COLOURS, band_labels, shift_bars, tier_labels
from kpi.ui.pengaturan.loads import (
    _last_closed,
    _match_file,
    _stored_boundaries,
    _target_view,
    compute_preview,
)
from kpi.ui.pengaturan.tables import matched_frame, moves_frame, unmatched_frame
from kpi.ui.pengaturan.widgets import (
    CONFIRM,
    FLASH,
    _init_widgets,
    candidate,
    closing_candidate,
    keep_edits,
    period_text,
    problem_texts,
    reset_widgets,
    settings_form,
)


def render_preview(ctx: PageContext, skor: dict[str, Any], pembinaan: dict[str, Any]) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("pengaturan.preview.title"))
    if view.last_month is None:
        st.info(t("pengaturan.preview.no_data"))
        return
    problems = preview.check_settings(skor, pembinaan)
    if problems:
        st.warning(
            "\n".join(
                [
                    t("pengaturan.preview.invalid"),
                    *(f"- {x}" for x in problem_texts(problems, lang)),
                ]
            )
        )
        return
    st.caption(
        t(
            "pengaturan.preview.caption",
            periode=period_text(view, lang),
            jendela=int(pembinaan["jendela_bulan"]),
            bulan=i18n.format_month(view.period.last, lang),
        )
    )
    store = ctx.store
    unchanged = preview.same_settings(skor, score.get_settings(store)) and preview.same_settings(
        pembinaan, coaching.get_settings(store)
    )
    if unchanged and preview.same_settings(
        closing_candidate(closing.get_settings(store)), closing.get_settings(store)
    ):
        st.info(t("pengaturan.preview.unchanged"))
    result = compute_preview(ctx.store, view, skor, pembinaan)
    bl, tl = band_labels(lang), tier_labels(lang)
    c = st.columns(2)
    of = t("pengaturan.preview.of", n=result.libraries)
    c[0].metric(t("pengaturan.preview.band_moved"), ctx.num(result.band_moved), help=of)
    c[1].metric(t("pengaturan.preview.tier_moved"), ctx.num(result.tier_moved), help=of)
    st.caption(of)
    for name, counts, moves, labels, colours in (
        ("band", result.band_counts, result.band_moves, bl, BAND_BAR_COLOURS),
        ("tier", result.tier_counts, result.tier_moves, tl, TIER_COLOURS),
    ):
        st.markdown(f"**{t(f'pengaturan.preview.{name}_chart')}**")
        chart = shift_bars(counts, labels, colours, lang)
        plot.chart(chart, width="stretch", key=f"pg_{name}_chart")
        _moves_table(moves, labels, lang, f"pg_{name}_moves")


def render_closing_preview(ctx: PageContext, tutup: Mapping[str, Any]) -> None:
    """The last closed month now and under the candidate closing settings."""
    view, lang, t = ctx.view, ctx.lang, ctx.t
    if view.last_month is None:
        return
    problems = _closing_problems(tutup)
    if problems:
        st.warning("\n".join(f"- {x}" for x in problem_texts(problems, lang)))
        return
    store, today = ctx.store, closing.today()
    now = _last_closed(store, today, preview.settings_key(closing.get_settings(store)))
    new = _last_closed(store, today, preview.settings_key(tutup))

    def month(d: Any) -> str:
        return i18n.format_month(d, lang) if d is not None else t("pengaturan.tutup.none")

    if now == new:
        st.caption(t("pengaturan.tutup.preview_same", bulan=month(now)))
    else:
        st.info(t("pengaturan.tutup.preview_moves", kini=month(now), baru=month(new)))


def _moves_table(moves: pd.DataFrame, labels: Mapping[str, str], lang: str, key: str) -> None:
    if moves.empty:
        st.caption(i18n.t("pengaturan.preview.no_moves", lang))
        return
    st.dataframe(moves_frame(moves, labels, lang), hide_index=True, width="stretch", key=key)


def _closing_problems(tutup: Mapping[str, Any]) -> list[preview.Problem]:
    return [preview.Problem(key) for key in closing.check_settings(tutup)]


def _save(
    ctx: PageContext,
    skor: dict[str, Any],
    pembinaan: dict[str, Any],
    tutup: dict[str, Any] | None = None,
) -> None:
    store, lang = ctx.store, ctx.lang
    tutup = tutup if tutup is not None else closing.get_settings(store)
    problems = preview.check_settings(skor, pembinaan) + _closing_problems(tutup)
    if problems:
        st.error(
            "\n".join(
                [
                    i18n.t("pengaturan.save_failed", lang),
                    *(f"- {x}" for x in problem_texts(problems, lang)),
                ]
            )
        )
        return
    if (
        preview.same_settings(skor, score.get_settings(store))
        and preview.same_settings(pembinaan, coaching.get_settings(store))
        and preview.same_settings(tutup, closing.get_settings(store))
    ):
        st.info(i18n.t("pengaturan.nothing_to_save", lang))  # no write: caches stay valid
        return
    try:
        score.save_settings(store, skor, actor=ctx.actor)
    except CatalogueError as exc:  # the engine's own check: shown, nothing saved
        st.error(
            "\n".join(
                [i18n.t("pengaturan.save_failed", lang), *(f"- {i.message}" for i in exc.issues)]
            )
        )
        return
    coaching.save_settings(store, pembinaan, actor=ctx.actor)
    if not preview.same_settings(tutup, closing.get_settings(store)):
        closing.save_settings(store, tutup, actor=ctx.actor)
    reset_widgets()
    st.session_state[FLASH] = "pengaturan.saved"
    st.rerun()


def _restore(ctx: PageContext) -> None:
    score.restore_defaults(ctx.store, actor=ctx.actor)
    reset_widgets()
    st.session_state.pop(CONFIRM, None)
    st.session_state[FLASH] = "pengaturan.restored"
    st.rerun()


def render_settings(ctx: PageContext, slot: Any = None) -> None:
    """The settings form and its preview; ``slot``: where the page says edits are unsaved."""
    lang, t, store = ctx.lang, ctx.t, ctx.store
    skor_now, pembinaan_now = score.get_settings(store), coaching.get_settings(store)
    tutup_now = closing.get_settings(store)
    _init_widgets(skor_now, pembinaan_now, tutup_now)
    form, side = st.columns([3, 2], gap="large")
    with form:
        settings_form(lang)
    skor, pembinaan = candidate(skor_now, pembinaan_now)
    tutup = closing_candidate(tutup_now)
    if keep_edits() and slot is not None:  # said at the top of the page
        with slot.container():
            st.warning(t("pengaturan.unsaved.page"), icon=":material/edit_note:")
            if st.button(t("pengaturan.unsaved.discard"), key="pg_discard"):
                reset_widgets()
                st.rerun()
    with side:
        render_closing_preview(ctx, tutup)
        render_preview(ctx, skor, pembinaan)
        st.divider()
        c = st.columns(2)
        if c[0].button(t("pengaturan.save"), type="primary", key="pg_save", width="stretch"):
            _save(ctx, skor, pembinaan, tutup)
        if c[1].button(t("pengaturan.restore"), key="pg_restore", width="stretch"):
            st.session_state[CONFIRM] = True
        if st.session_state.get(CONFIRM):
            st.warning(t("pengaturan.restore_confirm"))
            c = st.columns(2)
            if c[0].button(t("pengaturan.restore_yes"), type="primary", key="pg_restore_yes"):
                _restore(ctx)
            if c[1].button(t("pengaturan.restore_no"), key="pg_restore_no"):
                st.session_state.pop(CONFIRM, None)
                st.rerun()


def render_targets(ctx: PageContext) -> None:
    view, lang, t = ctx.view, ctx.lang, ctx.t
    st.subheader(t("pengaturan.target.title"))
    st.caption(t("pengaturan.target.how"))
    store = ctx.store
    last = view.last_month.year if view.last_month else view.period.last.year
    years = list(range(last + 1, 2017, -1))
    default = view.period.last.year
    tahun = st.selectbox(
        t("pengaturan.target.tahun"),
        years,
        index=years.index(default) if default in years else 0,
        key="pg_target_tahun",
    )
    n, table = _target_view(store, int(tahun), lang)
    if n == 0:
        st.info(t("pengaturan.target.empty", tahun=str(tahun)))
        return
    st.caption(t("pengaturan.target.count", n=n, tahun=str(tahun)))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="pg_target_table",
    )


def render_boundaries(ctx: PageContext) -> None:
    lang, t, store = ctx.lang, ctx.t, ctx.store
    st.subheader(t("pengaturan.batas.title"))
    st.caption(t("pengaturan.batas.intro"))
    info = _stored_boundaries(store)
    if info is None:
        st.info(t("pengaturan.batas.none"))
    else:
        st.success(
            t(
                "pengaturan.batas.stored",
                kabkota=info["kabkota"],
                # the uploaded file's name is literal text, never Markdown for every user
                sumber=md(info.get("sumber") or "GeoJSON"),
                disimpan=str(info.get("disimpan", "")).replace("T", " "),
            )
        )
        if st.button(t("pengaturan.batas.delete"), key="pg_batas_delete"):
            boundaries.delete(store, actor=ctx.actor)
            st.session_state[FLASH] = "pengaturan.batas.deleted"
            st.rerun()
    upload = st.file_uploader(
        t("pengaturan.batas.upload"), type=["geojson", "json"], key="pg_batas_file"
    )
    if upload is None:
        return
    try:
        report = _match_file(upload.getvalue())
    except boundaries.BoundaryError as exc:
        st.error(t(f"pengaturan.batas.err.{exc.key}", **exc.values))
        return
    c = st.columns(4)
    c[0].metric(t("pengaturan.batas.fitur"), ctx.num(len(report.features)))
    c[1].metric(t("pengaturan.batas.cocok"), ctx.num(len(report.matched)))
    c[2].metric(t("pengaturan.batas.kabkota"), ctx.num(report.kabkota))
    c[3].metric(t("pengaturan.batas.tidak_cocok"), ctx.num(len(report.unmatched)))
    if report.unmatched:
        st.markdown(f"**{t('pengaturan.batas.unmatched_title')}**")
        st.dataframe(unmatched_frame(report, lang), hide_index=True, width="stretch")
    if report.matched:
        with st.expander(t("pengaturan.batas.matched_title")):
            st.dataframe(matched_frame(report, lang), hide_index=True, width="stretch")
        if st.button(t("pengaturan.batas.save"), type="primary", key="pg_batas_save"):
            n = boundaries.save(store, report, upload.name, actor=ctx.actor)
            st.session_state[FLASH] = "pengaturan.batas.saved"
            st.session_state[f"{FLASH}_n"] = n
            st.rerun()
    else:
        st.error(t("pengaturan.batas.err.tanpa_kecocokan"))


def render(ctx: PageContext) -> None:
    """The whole page: a message from the last action, then the three tabs."""
    ctx.title(ctx.t("pengaturan.title"), ctx.t("pengaturan.intro"))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(ctx.t(flash, kabkota=st.session_state.pop(f"{FLASH}_n", 0)))
    slot = st.empty()  # says so when edits are unsaved (filled once the edits are known)
    tabs = st.tabs(
        [
            ctx.t("pengaturan.tab.aturan"),
            ctx.t("pengaturan.tab.target"),
            ctx.t("pengaturan.tab.batas"),
        ]
    )
    with tabs[0]:
        render_settings(ctx, slot)
    with tabs[1]:
        render_targets(ctx)
    with tabs[2]:
        render_boundaries(ctx)
