"""The overview page's data (cached per data version) and its drawing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from kpi import i18n
from kpi import overview as ov
from kpi.store import open_store
from kpi.summary import summary
from kpi.ui import charts


@dataclass(frozen=True)
class OverviewData:
    summary: dict[str, Any]
    month: date
    headlines: list[ov.Headline]
    trend: pd.DataFrame
    completeness: pd.DataFrame
    never_reported: int


@st.cache_data(show_spinner=False, max_entries=16)
def load(db: str, data_version: int, lang: str) -> OverviewData | None:
    """Everything the overview shows; the data version in the key invalidates it on change."""
    del data_version, lang  # cache keys only
    store = open_store(db)
    month = ov.last_month(store)
    if month is None:
        return None
    return OverviewData(
        summary=summary(store),
        month=month,
        headlines=ov.headlines(store, month),
        trend=ov.monthly_trend(store),
        completeness=ov.completeness(store, month),
        never_reported=ov.never_reported(store),
    )


def render(view: OverviewData, lang: str) -> None:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    num = lambda v, d=0: i18n.format_number(v, lang, d)  # noqa: E731
    s = view.summary
    st.caption(t("overview.period", bulan=i18n.format_month(view.month, lang)))

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
    st.markdown(f"**{t('overview.cohort')}**")
    st.plotly_chart(charts.cohort_bars(s["by_cohort"], lang), width="stretch")

    year_before = date(view.month.year - 1, view.month.month, 1)
    st.subheader(t("overview.headline", bulan=i18n.format_month(view.month, lang)))
    cols = st.columns(len(view.headlines))
    for col, h in zip(cols, view.headlines, strict=True):
        col.metric(
            t(f"kolom.{h.kolom}"),
            num(h.nilai),
            delta=None if h.perubahan is None else i18n.format_change(h.perubahan, lang),
            help=t("overview.headline_help", bulan_lalu=i18n.format_month(year_before, lang))
            + f": {num(h.nilai_tahun_lalu)}",
        )

    st.subheader(t("overview.trend"))
    columns = [h.kolom for h in view.headlines]
    for row_start in range(0, len(columns), 2):
        for col, name in zip(st.columns(2), columns[row_start : row_start + 2], strict=False):
            col.plotly_chart(charts.trend_line(view.trend, name, lang), width="stretch")

    st.subheader(t("overview.completeness"))
    comp = view.completeness
    expected, reported = int(comp["diharapkan"].sum()), int(comp["dilaporkan"].sum())
    start = date(view.month.year - 1, view.month.month, 1) + pd.DateOffset(months=1)
    a, b = st.columns(2)
    a.metric(
        t("overview.completeness_national"),
        i18n.format_percent(100.0 * reported / expected if expected else None, lang),
        help=t(
            "overview.completeness_help",
            dilaporkan=num(reported),
            diharapkan=num(expected),
            awal=i18n.format_month(start.date(), lang),
            akhir=i18n.format_month(view.month, lang),
        ),
    )
    b.metric(
        t("overview.never_reported"),
        num(view.never_reported),
        help=t("overview.never_reported_help"),
    )
    if not comp.empty:
        st.plotly_chart(charts.completeness_bars(comp, lang), width="stretch")
