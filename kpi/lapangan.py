"""The field team's workbook (daftar pembinaan untuk tim lapangan): one shaper for the command
line (``python -m kpi priorities --format xlsx``) and the Prioritas page's download.

What a field team needs, in the user's language: a cover sheet (what the list is, the window,
the filters and tiers chosen, the rule and score settings in words, when it was made), then one
row per library needing coaching (by default Prioritas 1, Prioritas 2 and Pembinaan pelaporan;
Pantau on request) with headers in words, tier, quadrant, level and band in words, the area
names, the register's contacts, each reason as its sentence in its own column and the numbers
behind them in plain number columns with formats (never JSON), then the settings as rows.
Column widths, a frozen header and name, an autofilter; every cell through kpi.export.put_cell,
so no text ever becomes a formula.

The figures come from kpi.coaching.evaluate (its rows as they are): nothing is computed here.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from kpi import coaching, export, i18n
from kpi.catalogue import Catalogue, catalogue
from kpi.lapangan_cover import About as About
from kpi.lapangan_cover import cover_sheet
from kpi.reasons import words as reason_words
from kpi.vocab import SCORE_RULES, TIER_ORDER, TIERS_BY_ORDER, Rule, Tier

# what a field team gets unless it asks for more: the tiers that need coaching, not Pantau
DEFAULT_TIERS: tuple[Tier, ...] = tuple(t for t in TIERS_BY_ORDER if t != Tier.PANTAU)
# the reason columns: one per kind of weakness; R1, R4 and Q read the same score and are one
# reason (kpi.vocab.SCORE_RULES), so they share a column
REASON_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Rule.D, (Rule.D,)),
    ("skor", SCORE_RULES),
    (Rule.R2, (Rule.R2,)),
    (Rule.R3, (Rule.R3,)),
    (Rule.R5, (Rule.R5,)),
    (Rule.R6, (Rule.R6,)),
)
PERCENT = "0.0%"
DECIMAL = "0.0"
WHOLE = "0"
WRAP_WIDTH = 48


@dataclass(frozen=True)
class Column:
    key: str  # the column's id (header: lapangan.col.<key>)
    width: float
    number_format: str | None = None  # numbers only
    wrap: bool = False


def library_columns(cat: Catalogue | None = None) -> tuple[Column, ...]:
    """The list's columns, the year-on-year change of each of the catalogue's growth KPIs
    (``pertumbuhan``) among them."""
    growth = (cat or catalogue()).pertumbuhan
    return (
        Column("no", 5, WHOLE),
        Column("nama", 34),
        Column("kode", 17),
        Column("tier", 26, wrap=True),
        Column("poin", 6, WHOLE),
        Column("jenis", 24),
        Column("kabupaten_kota", 26),
        Column("provinsi", 22),
        Column("kontak_nama", 20),
        Column("kontak_telepon", 16),
        Column("kontak_email", 26),
        Column("alamat", 30, wrap=True),
        *(Column(f"alasan_{k}", WRAP_WIDTH, wrap=True) for k, _ in REASON_COLUMNS),
        Column("skor", 10, DECIMAL),
        Column("pita", 12),
        Column("skor_tahun_lalu", 12, DECIMAL),
        Column("median_sejawat", 12, DECIMAL),
        Column("persentil_sejawat", 13, PERCENT),
        Column("kelengkapan", 13, PERCENT),
        Column("bulan_dilaporkan", 11, WHOLE),
        Column("bulan_diharapkan", 11, WHOLE),
        *(Column(f"{k}_yoy", 14, PERCENT) for k in growth),
        Column("bulan_tanpa_kegiatan", 13, WHOLE),
        Column("capaian_terendah", 13, PERCENT),
        Column("capaian_kpi", 30, wrap=True),
        Column("ciel", 10, DECIMAL),
        Column("kuadran", 14),
    )


CONTACTS: tuple[str, ...] = ("kontak_nama", "kontak_telepon", "kontak_email", "alamat")


def _number(v: Any) -> float | None:
    if export.blank(v):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _share(v: Any) -> float | None:
    """A percentage (0-100) as the fraction a % format shows."""
    x = _number(v)
    return None if x is None else x / 100.0


def _whole(v: Any) -> int | None:
    x = _number(v)
    return None if x is None else int(round(x))


def select(
    rows: pd.DataFrame, tiers: Sequence[str] | None = None, rules: Sequence[str] = ()
) -> pd.DataFrame:
    """The libraries of ``tiers`` (default: DEFAULT_TIERS) having any of ``rules`` (none: all),
    in the field teams' order (coaching.priorities: tier, then points)."""
    chosen = list(tiers) if tiers else list(DEFAULT_TIERS)
    unknown = [t for t in chosen if t not in TIER_ORDER]
    if unknown:
        raise ValueError(f"unknown tier {unknown[0]!r} (one of {', '.join(TIER_ORDER)})")
    out = coaching.priorities(rows) if "tier" in rows.columns else rows
    out = out[out["tier"].isin(chosen)]
    if rules:
        wanted = set(rules)

        def has(reasons: Any) -> bool:
            if not isinstance(reasons, list):
                return False
            return any(set(r.get("rules") or [r.get("rule")]) & wanted for r in reasons)

        out = out[out["reasons"].map(has)]
    return out.reset_index(drop=True)


def _reason_texts(reasons: Any, rules: Sequence[str], lang: str) -> str | None:
    if not isinstance(reasons, list):
        return None
    texts = [reason_words(r, lang) for r in reasons if r.get("rule") in rules]
    return "\n".join(t for t in texts if t) or None


def _lowest_capaian(capaian: Any, lang: str) -> tuple[float | None, str | None]:
    """The lowest achievement against target among the library's KPIs with a target (percent
    as a fraction, and the KPIs with their percent in words)."""
    if not isinstance(capaian, list | tuple) or not capaian:
        return None, None
    cat = catalogue()
    pairs = [(str(c[0]), _number(c[1])) for c in capaian if len(c) >= 2]
    items = [(k, p) for k, p in pairs if p is not None]
    if not items:
        return None, None
    low = min(p for _, p in items)
    words = "; ".join(
        f"{cat[k].nama(lang) if k in cat else k} {i18n.format_percent(p, lang)}" for k, p in items
    )
    return low / 100.0, words


def table(
    rows: pd.DataFrame, lang: str = "id", contacts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The list's rows with the column ids of library_columns() (values as written to the file):
    words in ``lang``, numbers as numbers (percentages as fractions), contacts by library."""
    lang = i18n.norm_lang(lang)
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    growth = catalogue().pertumbuhan
    by_kode: dict[str, dict[str, Any]] = {}
    if contacts is not None and len(contacts):
        for contact_rec in contacts.to_dict("records"):
            by_kode[str(contact_rec["kode"])] = contact_rec
    out: list[dict[str, Any]] = []
    for i, r in enumerate(rows.to_dict("records"), start=1):
        contact = by_kode.get(str(r["kode"]), {})
        low, low_words = _lowest_capaian(r.get("capaian"), lang)
        band = r.get("band")
        quadrant = r.get("quadrant")
        rec: dict[str, Any] = {
            "no": i,
            "nama": r.get("nama"),
            "kode": r.get("kode"),
            "tier": t(f"coaching.tier.{r['tier']}"),
            "poin": _whole(r.get("points")),
            "jenis": t(f"jenis.{r['jenis']}") if not export.blank(r.get("jenis")) else None,
            "kabupaten_kota": r.get("kabupaten_kota"),
            "provinsi": r.get("provinsi"),
            **{c: None if export.blank(contact.get(c)) else contact.get(c) for c in CONTACTS},
            "skor": _number(r.get("skor")),
            "pita": t(f"kpi.band.{band}") if isinstance(band, str) and band else None,
            "skor_tahun_lalu": _number(r.get("skor_tahun_lalu")),
            "median_sejawat": _number(r.get("median_sejawat")),
            "persentil_sejawat": _number(r.get("persentil_sejawat")),
            "kelengkapan": _share(r.get("kelengkapan")),
            "bulan_dilaporkan": _whole(r.get("bulan_dilaporkan")),
            "bulan_diharapkan": _whole(r.get("bulan_diharapkan")),
            **{f"{k}_yoy": _share(r.get(f"{k}_yoy")) for k in growth},
            "bulan_tanpa_kegiatan": _whole(r.get("bulan_tanpa_kegiatan")),
            "capaian_terendah": low,
            "capaian_kpi": low_words,
            "ciel": _number(r.get("ciel")),
            "kuadran": t(f"coaching.quadrant.{quadrant}")
            if isinstance(quadrant, str) and quadrant
            else None,
        }
        for key, rules in REASON_COLUMNS:
            rec[f"alasan_{key}"] = _reason_texts(r.get("reasons"), rules, lang)
        out.append(rec)
    return pd.DataFrame(out, columns=[c.key for c in library_columns()])


def header(col: Column, lang: str) -> str:
    """A column's header: its own string, or for a growth KPI without one, the general
    year-on-year header with the KPI's name."""
    key = f"lapangan.col.{col.key}"
    if key in i18n.strings(i18n.norm_lang(lang)) or not col.key.endswith("_yoy"):
        return i18n.t(key, lang)
    kpi = catalogue()[col.key.removesuffix("_yoy")]
    return i18n.t("lapangan.col.yoy", lang, kpi=kpi.nama(lang).lower())


def columns_shown(frame: pd.DataFrame) -> list[Column]:
    """Every column, except contact columns that no library of the list has filled."""
    return [
        c
        for c in library_columns()
        if c.key not in CONTACTS or (c.key in frame.columns and frame[c.key].notna().any())
    ]


# ---------------------------------------------------------------------------------------------
# The workbook


def _plain_list(value: Any) -> Any:
    """A list setting (settings_frame writes it as JSON) as words: 'kunjungan, kegiatan'."""
    if isinstance(value, str) and value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return value
        if isinstance(items, list):
            return ", ".join("" if x is None else str(x) for x in items)
    return value


def _named_styles(wb: Any, shown: Sequence[Column]) -> list[str]:
    """The named style of each shown column (registered once in ``wb``)."""
    from openpyxl.styles import Alignment, NamedStyle

    names = []
    for col in shown:
        name = f"lapangan_{col.number_format or 'text'}_{'wrap' if col.wrap else 'top'}"
        if name not in wb.named_styles:
            style = NamedStyle(name=name)
            style.alignment = Alignment(wrap_text=col.wrap, vertical="top")
            if col.number_format:
                style.number_format = col.number_format
            wb.add_named_style(style)
        names.append(name)
    return names


def write(
    rows: pd.DataFrame,
    out: str | Path | IO[bytes],
    lang: str = "id",
    *,
    tiers: Sequence[str] | None = None,
    contacts: pd.DataFrame | None = None,
    about: About | None = None,
) -> int:
    """Write the field-team workbook of ``rows`` (coaching.evaluate's libraries, or a part of
    them) to ``out``: cover, list, settings. Returns the number of libraries listed."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = i18n.norm_lang(lang)
    about = about or About()
    chosen = list(tiers) if tiers else list(DEFAULT_TIERS)
    listed = select(rows, chosen, about.rules)
    frame = table(listed, lang, contacts)
    shown = columns_shown(frame)

    wb = Workbook()
    cover = wb.active
    cover.title = export.sheet_title(i18n.t("lapangan.sheet.cover", lang))
    cover_sheet(cover, listed, chosen, about, lang)

    ws = wb.create_sheet(export.sheet_title(i18n.t("lapangan.sheet.list", lang), wb.sheetnames))
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    for j, col in enumerate(shown, start=1):
        cell = export.put_cell(ws, 1, j, header(col, lang))
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = col.width
    # one named style per kind of column: assigning a named style is far quicker than an
    # alignment and a number format per cell (thousands of rows)
    styles = _named_styles(wb, shown)
    values = frame[[c.key for c in shown]].itertuples(index=False, name=None)
    for i, row in enumerate(values, start=2):
        for j, (name, v) in enumerate(zip(styles, row, strict=True), start=1):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue  # an empty cell: nothing to write, nothing to style
            ws.cell(row=i, column=j).style = name  # before put_cell: it may add a quote prefix
            export.put_cell(ws, i, j, v)
    last = get_column_letter(len(shown))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(frame)) + 1}"
    ws.freeze_panes = "C2"  # the header and the library's number and name stay in view
    ws.row_dimensions[1].height = 42
    # the list opens first (one tab selected, never two grouped); the cover is to its left
    wb.active = wb.index(ws)
    cover.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True

    settings = dict(about.extra_settings)
    settings.setdefault("jendela", about.window)
    settings["pembinaan"] = dict(about.coaching_settings)
    if about.score_settings:
        settings["skor"] = dict(about.score_settings)
    table_settings = export.settings_frame(settings)
    rules_ws = wb.create_sheet(
        export.sheet_title(i18n.t("lapangan.sheet.settings", lang), wb.sheetnames)
    )
    for j, name in enumerate(
        (i18n.t("lapangan.settings.key", lang), i18n.t("lapangan.settings.value", lang)), start=1
    ):
        export.put_cell(rules_ws, 1, j, name).font = Font(bold=True)
    for i, (k, v) in enumerate(table_settings.itertuples(index=False, name=None), start=2):
        export.put_cell(rules_ws, i, 1, k)
        export.put_cell(rules_ws, i, 2, _plain_list(v))
    rules_ws.column_dimensions["A"].width = 44
    rules_ws.column_dimensions["B"].width = 40
    rules_ws.freeze_panes = "A2"
    wb.save(out)
    return len(frame)


def workbook_bytes(
    rows: pd.DataFrame,
    lang: str = "id",
    *,
    tiers: Sequence[str] | None = None,
    contacts: pd.DataFrame | None = None,
    about: About | None = None,
) -> bytes:
    buf = io.BytesIO()
    write(rows, buf, lang, tiers=tiers, contacts=contacts, about=about)
    return buf.getvalue()


def file_name(window: str | None, lang: str) -> str:
    when = (window or "").replace("..", "_")
    return f"daftar-pembinaan_{when}_{i18n.norm_lang(lang)}.xlsx".replace("__", "_")
