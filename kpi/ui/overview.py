"""The overview page (Ringkasan): coverage, score bands, headline KPIs against a year earlier,
trends, reporting completeness, best and worst provinces, for the sidebar's filters.

Data comes from the KPI engine, cached per data version; this module only draws.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import coaching, i18n, palette, quality, reasons, trend
from kpi import overview as ov
from kpi.catalogue import catalogue
from kpi.compute import Filters
from kpi.periods import Period, parse_period, window
from kpi.scope import ask
from kpi.settings import CoachingSettings
from kpi.store import Store
from kpi.summary import summary
from kpi.ui import charts, data, layout, plot, state
from kpi.ui.cache import cached, filter_key
from kpi.ui.context import PageContext
from kpi.ui.filters import View, closed_caption, month_span, view_params
from kpi.ui.literal import md
from kpi.vocab import Level

PROFILE_PAGE = "pages/profil.py"
TIER_STYLE = """<style>
.st-key-coach_tiers { row-gap: 0.25rem; column-gap: 1.5rem; }
.st-key-coach_tiers [data-testid="stMetricValue"] { font-size: 1.6rem; line-height: 1.2; }
</style>"""
PRIORITAS_PAGE = "pages/prioritas.py"
PETA_PAGE = "pages/peta.py"


@dataclass(frozen=True)
class OverviewData:
    summary: dict[str, Any]
    headlines: list[ov.HeadlineKpi]
    trends: dict[str, pd.DataFrame]
    never_reported: int
    bands: pd.DataFrame | None = None


@cached(max_entries=16)
def _load(store: Store, periode: str, fkey: tuple[Any, ...]) -> OverviewData | None:
    """Everything but the KPI tables (those come from kpi.ui.data, shared with other pages)."""
    filters = Filters(*fkey)
    period = parse_period(periode)
    s = summary(store, filters)
    if not s["monthly_rows"] and not s["libraries_total"]:
        return None
    ids = list(catalogue().ringkasan)
    wide = trend.monthly_wide(ask(store, "nasional", window(period.last, 36), filters, ids))
    trends = {i: wide[["periode", i]].rename(columns={i: "nilai"}) for i in ids}
    return OverviewData(
        summary=s,
        headlines=ov.headline_kpis(store, period, filters),
        trends=trends,
        never_reported=len(quality.never_reported(store, filters)),
    )


def load(view: View, store: Store | None = None) -> OverviewData | None:
    loaded = _load(store or state.store(), view.periode, filter_key(view.filters))
    if loaded is None:
        return None
    libraries = data.kpi_table("perpustakaan", view, kpis=(), store=store)
    return replace(loaded, bands=ov.band_distribution(libraries))


@cached(max_entries=16)
def _digest(
    store: Store, key: tuple[str, int, tuple[Any, ...]], level: str, _frame: pd.DataFrame
) -> ov.CoachingDigest:
    """The coaching digest of the evaluation ``_frame`` (identified by ``key``)."""
    del store, key
    return ov.coaching_digest(_frame, level)


def coaching_digest(view: View, store: Store | None = None) -> ov.CoachingDigest:
    """Tiers, top areas and libraries most in need for the sidebar's view (the same
    evaluation, window and filters as Prioritas by default)."""
    store = store or state.store()
    months = CoachingSettings.of(coaching.get_settings(store)).jendela_bulan
    frame = data.evaluation(view, months, store=store)
    key = (view.period.last.strftime("%Y-%m"), int(months), filter_key(view.filters))
    return _digest(store, key, ov.digest_level(view.filters), frame)


def _profile_link(label: str, kode: str, tingkat: str, params: dict[str, str]) -> None:
    st.page_link(
        PROFILE_PAGE,
        label=label,
        query_params={**params, "kode": kode, "tingkat": tingkat},
        icon=":material/badge:",
    )


def coaching_section(ctx: PageContext, digest: ov.CoachingDigest | None = None) -> None:
    """What a leader reads first: libraries per coaching tier, the areas that need coaching
    most and why, the libraries most in need, and the way to Prioritas and the map.
    ``digest``: already made (render starts it beside the page's other loads)."""
    t, num, lang = ctx.t, ctx.num, ctx.lang
    if digest is None:
        digest = coaching_digest(ctx.view)
    params = view_params()
    st.subheader(t("overview.coach.title"))
    if not digest.evaluated:
        st.info(t("overview.coach.empty"))
        return
    # compact counts: five fit in two rows on a phone (390 px)
    st.html(TIER_STYLE)
    with st.container(horizontal=True, gap="small", key="coach_tiers"):
        for tier in ov.DIGEST_TIERS:
            st.metric(
                t(f"tier.{tier}"),
                num(digest.tiers[tier]),
                help=t(f"overview.coach.tier_help.{tier}"),
                width="content",
            )
    with st.container(horizontal=True, gap="small", key="coach_links"):
        st.page_link(
            PRIORITAS_PAGE,
            label=t("overview.coach.to_prioritas"),
            query_params=params,
            icon=":material/flag:",
        )
        st.page_link(
            PETA_PAGE,
            label=t("overview.coach.to_peta"),
            query_params=params,
            icon=":material/map:",
        )
    if len(digest.areas):
        level_word = t(f"overview.coach.level.{digest.level}")
        st.markdown(f"**{t('overview.coach.areas', tingkat=level_word)}**")
        for row in digest.areas.itertuples(index=False):
            # the link is the name alone (a page link does not wrap on a phone)
            _profile_link(md(row.nama or row.kode), str(row.kode), str(digest.level), params)
            count = t(
                "overview.coach.area",
                perlu=num(row.jumlah_perlu),
                total=num(row.jumlah_perpustakaan),
                porsi=i18n.format_percent(row.porsi_perlu, lang),
            )
            main = [
                t("overview.coach.rule_count", aturan=t(f"prioritas.rule.{rule}"), n=num(n))
                for rule, n in row.alasan[:3]
            ]
            said = t("overview.coach.main_reasons", alasan=" · ".join(main)) if main else ""
            st.caption(" — ".join(x for x in (count, said) if x))
    if len(digest.libraries):
        st.markdown(f"**{t('overview.coach.libraries')}**")
        for row in digest.libraries.itertuples(index=False):
            _profile_link(md(row.nama), str(row.kode), Level.PERPUSTAKAAN, params)
            tier_said = t(
                "overview.coach.library", tier=t(f"tier.{row.tier}"), poin=num(row.points)
            )
            where = ", ".join(md(x) for x in (row.kabupaten_kota, row.provinsi) if x)
            said = "; ".join(md(reasons.words(r, lang)) for r in (row.reasons or [])[:2])
            st.caption(" — ".join(x for x in (f"{tier_said} · {where}", said) if x))


def band_bar(bands: pd.DataFrame, lang: str) -> go.Figure:
    """One stacked bar: libraries per band, named, with the ones that have no score in grey."""
    fig = go.Figure()
    for row in bands.itertuples():
        band = row.band if isinstance(row.band, str) else None
        name = i18n.t(f"band.{band}", lang) if band else i18n.t("overview.no_score", lang)
        colour = palette.BAND_COLOURS.get(band or "", palette.NO_DATA_COLOUR)
        fig.add_bar(
            y=[""],
            x=[row.jumlah],
            name=name,
            orientation="h",
            marker_color=colour,
            text=[
                f"{i18n.format_number(row.jumlah, lang)} ({i18n.format_percent(row.porsi, lang)})"
            ],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,  # never turned on its side in a narrow segment (a phone)
            hovertemplate=f"{name}: %{{x:,}}<extra></extra>",
        )
    fig = charts.apply_layout(fig, lang)
    fig.update_layout(
        barmode="stack",
        height=190,
        xaxis={"visible": False},
        yaxis={"visible": False},
        legend={"orientation": "h", "yanchor": "top", "y": -0.05, "x": 0, "traceorder": "normal"},
        margin={"l": 0, "r": 0, "t": 10, "b": 10},
    )
    return fig


def _delta(h: ov.HeadlineKpi, lang: str) -> str | None:
    if h.perubahan is None:
        return None
    if h.poin:
        text = i18n.format_number(h.perubahan, lang, 1)
        sign = "" if text.startswith("-") else "+"
        return f"{sign}{text} {i18n.t('overview.points', lang)}"
    return i18n.format_change(h.perubahan, lang)


def render(ctx: PageContext) -> None:
    view, lang, t, num = ctx.view, ctx.lang, ctx.t, ctx.num
    ctx.title(t("overview.title"))
    # on a new data version the coaching evaluation is the page's longest load: it runs beside
    # the summary, trends and KPI tables below (DuckDB answers one while Python shapes another;
    # a cached call made again waits for this one and reads its result)
    digest_of = data.in_parallel(coaching_digest, view)
    loaded = load(view)
    if loaded is None:
        st.info(t("empty.no_data"))
        return
    s = loaded.summary
    period: Period = view.period
    st.caption(t("overview.period", bulan=month_span(period, lang)))
    # which month is the last closed one, and whether this period reaches beyond it
    st.caption(closed_caption(view.last_closed, view.last_month, lang))
    if view.is_open:
        st.warning(t("overview.open_period"), icon=":material/hourglass_top:")

    coaching_section(ctx, digest_of())
    layout.demo_banner(ctx)  # below what the first screen is for (app.py skips it here)

    st.subheader(t("overview.coverage"))
    c = st.columns(4)
    c[0].metric(t("overview.provinces"), num(s["provinces"]))
    c[1].metric(t("overview.kabkota"), num(s["kabupaten_kota"]))
    c[2].metric(t("overview.desa"), num(s["desa_kelurahan"]))
    lv = s["libraries"]
    c[3].metric(
        t("overview.libraries"),
        num(s["libraries_total"]),
        help=t(
            "overview.libraries_help",
            prov=num(lv.get("provinsi", 0)),
            kab=num(lv.get("kabupaten_kota", 0)),
            desa=num(lv.get("desa_kelurahan", 0)),
        ),
    )
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('overview.cohort')}**")
        plot.chart(charts.cohort_bars(s["by_cohort"], lang), width="stretch", toolbar=False)
    with right:
        st.markdown(f"**{t('overview.bands')}**")
        if loaded.bands is not None and loaded.bands["jumlah"].sum():
            plot.chart(band_bar(loaded.bands, lang), width="stretch", toolbar=False)
            st.caption(t("overview.bands_help"))
        else:
            st.info(t("overview.bands_empty"))

    cat = catalogue()
    st.subheader(t("overview.headline", bulan=month_span(period, lang)))
    cols = st.columns(len(loaded.headlines))
    for col, h in zip(cols, loaded.headlines, strict=True):
        k = cat[h.kpi]
        value = num(h.nilai, int(k.decimals))
        if k.unit == "%" and h.nilai is not None:
            value = i18n.format_percent(h.nilai, lang, int(k.decimals))
        col.metric(
            k.nama(lang),
            value,
            delta=_delta(h, lang),
            delta_color="normal" if k.direction != "turun" else "inverse",
            help=k.definisi(lang)
            + " "
            + t("overview.headline_help", lalu=month_span(period.previous_year(), lang)),
        )

    st.subheader(t("overview.trend"))
    ids = list(loaded.trends)
    for start in range(0, len(ids), 2):
        for col, kpi_id in zip(st.columns(2), ids[start : start + 2], strict=False):
            series = loaded.trends[kpi_id]
            plot.chart(
                charts.trend_series(series, cat[kpi_id].nama(lang), lang),
                col,
                width="stretch",
                toolbar=False,
            )

    st.subheader(t("overview.completeness"))
    comp = data.completeness("provinsi", view)
    head = next((h for h in loaded.headlines if h.kpi == "kelengkapan"), None)
    a, b = st.columns(2)
    a.metric(
        t("overview.completeness_period"),
        i18n.format_percent(head.nilai if head else None, lang),
        help=t(
            "overview.completeness_help",
            dilaporkan=num(comp["bulan_dilaporkan"].sum() if len(comp) else 0),
            diharapkan=num(comp["bulan_diharapkan"].sum() if len(comp) else 0),
        ),
    )
    b.metric(
        t("overview.never_reported"),
        num(loaded.never_reported),
        help=t("overview.never_reported_help"),
    )
    if len(comp) > 1:
        plot.chart(
            charts.completeness_bars(
                comp.rename(
                    columns={"bulan_dilaporkan": "dilaporkan", "bulan_diharapkan": "diharapkan"}
                ),
                lang,
            ),
            width="stretch",
            toolbar=False,
        )

    if view.filters.provinsi is None:
        provinces = data.kpi_table("provinsi", view, kpis=())
        # at least three provinces with a band, or no best and weakest tables
        best, worst = ov.province_ranking(provinces)
        if len(best):
            st.subheader(t("overview.ranking"))
            st.caption(t("overview.ranking_help"))
            l2, r2 = st.columns(2)
            l2.markdown(f"**{t('overview.best', n=len(best))}**")
            l2.dataframe(_ranking_table(best, lang), hide_index=True, width="stretch")
            r2.markdown(f"**{t('overview.worst', n=len(worst))}**")
            r2.dataframe(_ranking_table(worst, lang), hide_index=True, width="stretch")


def _ranking_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            i18n.t("overview.col.provinsi", lang): frame["nama"],
            i18n.t("overview.col.skor", lang): [
                i18n.format_number(v, lang, 1) for v in frame["skor"]
            ],
            i18n.t("overview.col.band", lang): [
                i18n.t(f"band.{b}", lang) if isinstance(b, str) else "–" for b in frame["band"]
            ],
            i18n.t("overview.col.kelengkapan", lang): [
                i18n.format_percent(v, lang) for v in frame.get("kelengkapan_laporan", [])
            ],
        }
    )
