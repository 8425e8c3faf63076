"""The Kualitas page's frames as shown (plain functions of small frames) and its constants."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from kpi import i18n, quality
from kpi.columns import MONTHLY_COLUMNS
from kpi.periods import Period, window
from kpi.ui.context import translator
from kpi.ui.jelajah import (
    profile_url,
)

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


def completeness_table(frame: pd.DataFrame, level: str, lang: str) -> pd.DataFrame:
    """Areas lowest completeness first; numbers stay numbers; a link to each area's profile."""
    t = translator(lang)
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
    t = translator(lang)

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
    t = translator(lang)
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
    t = translator(lang)

    def fmt(d: int) -> Callable[[object], str]:
        return lambda v: i18n.format_number(v, lang, d)

    return {t(key): fmt(d) for key, d in decimals.items() if t(key) in table.columns}


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
