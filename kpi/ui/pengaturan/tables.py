"""The Pengaturan page's frames as shown: the preview's moves, the targets, the boundary match."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from kpi import boundaries, i18n, places
from kpi.catalogue import catalogue
from kpi.ui.context import translator


def moves_frame(moves: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The moves table with class names and column titles in the language."""
    t = translator(lang)
    return pd.DataFrame(
        {
            t("pengaturan.preview.dari"): [labels.get(str(v), str(v)) for v in moves["dari"]],
            t("pengaturan.preview.ke"): [labels.get(str(v), str(v)) for v in moves["ke"]],
            t("pengaturan.preview.jumlah"): [i18n.format_number(v, lang) for v in moves["jumlah"]],
        }
    )


def target_frame(targets: pd.DataFrame, lang: str, names: Callable[[str], str]) -> pd.DataFrame:
    """The target table as shown: one row per place (national first), one column per KPI."""
    cat = catalogue()
    t = translator(lang)
    rows = targets.copy()
    rows["_o"] = rows["tingkat"].map({"nasional": 0, "provinsi": 1, "kabupaten_kota": 2}).fillna(3)
    rows["wilayah"] = [
        t("pengaturan.target.nasional") if tk == "nasional" else names(str(k))
        for tk, k in zip(rows["tingkat"], rows["kode"], strict=True)
    ]
    jenis = rows["jenis"] if "jenis" in rows.columns else pd.Series([""] * len(rows))
    rows["berlaku"] = [
        t("pengaturan.target.berlaku_wilayah")
        if not isinstance(j, str) or not j
        else i18n.t("pengaturan.target.berlaku_jenis", lang, jenis=i18n.t(f"jenis.{j}", lang))
        for j in jenis
    ]
    rows.loc[rows["tingkat"] == "perpustakaan", "berlaku"] = t("pengaturan.target.berlaku_sendiri")
    rows["nilai_teks"] = [
        i18n.format_number(v, lang, cat[k].decimals if k in cat else 2)
        for k, v in zip(rows["kpi"], rows["nilai"], strict=True)
    ]
    kpi_order = [k for k in cat.ids if k in set(rows["kpi"])]
    table = rows.pivot_table(
        index=["_o", "kode", "wilayah", "berlaku"],
        columns="kpi",
        values="nilai_teks",
        aggfunc="first",
    ).reindex(columns=kpi_order)
    table = table.reset_index().drop(columns=["_o"])
    table.columns = [
        t("pengaturan.batas.col_kode")
        if c == "kode"
        else t("pengaturan.target.wilayah")
        if c == "wilayah"
        else t("pengaturan.target.berlaku")
        if c == "berlaku"
        else cat[c].nama(lang)
        if c in cat
        else str(c)
        for c in table.columns
    ]
    return table.fillna("–")


def unmatched_frame(report: boundaries.BoundaryReport, lang: str) -> pd.DataFrame:
    t = translator(lang)
    return pd.DataFrame(
        {
            t("pengaturan.batas.col_no"): [f.index + 1 for f in report.unmatched],
            t("pengaturan.batas.col_label"): [f.label for f in report.unmatched],
            t("pengaturan.batas.col_reason"): [
                t(f"pengaturan.batas.reason.{f.reason}") for f in report.unmatched
            ],
            t("pengaturan.batas.col_saran"): ["; ".join(f.suggestions) for f in report.unmatched],
        }
    )


def matched_frame(report: boundaries.BoundaryReport, lang: str) -> pd.DataFrame:
    t = translator(lang)
    return pd.DataFrame(
        {
            t("pengaturan.batas.col_no"): [f.index + 1 for f in report.matched],
            t("pengaturan.batas.col_label"): [f.label for f in report.matched],
            t("pengaturan.batas.col_kode"): [places.format_kode(f.kode) for f in report.matched],
            t("pengaturan.batas.col_nama"): [f.nama for f in report.matched],
            t("pengaturan.batas.col_via"): [
                t(f"pengaturan.batas.via.{f.via}") for f in report.matched
            ],
        }
    )
