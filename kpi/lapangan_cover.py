"""The cover sheet of the field team's workbook (kpi.lapangan): what the list is, the window, the
filters and tiers chosen, the rule and score settings in words, when it was made. ``About`` holds
what made the list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from kpi import export, i18n
from kpi.scope import Filters
from kpi.settings import CoachingSettings, ScoreSettings
from kpi.vocab import Rule, Tier


@dataclass(frozen=True)
class About:
    """What made the list, for its cover sheet."""

    window: str | None = None  # the evaluated window, e.g. "2025-01..2025-12"
    filters: Filters = field(default_factory=Filters)
    rules: tuple[str, ...] = ()  # the rules chosen (empty: all)
    coaching_settings: Mapping[str, Any] = field(default_factory=dict)
    score_settings: Mapping[str, Any] = field(default_factory=dict)
    made: datetime | None = None
    data_version: int | None = None
    demo: bool = False
    extra_settings: Mapping[str, Any] = field(default_factory=dict)  # more rows for sheet 3


def _filter_lines(about: About, rows: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    f = about.filters
    every = t("lapangan.cover.all")

    def name(code: str | None, column: str) -> str:
        if not code:
            return every
        if not len(rows):
            return str(code)
        hit = rows.loc[rows[f"kode_{column}"].astype(str) == str(code), column]
        label = str(hit.iloc[0]) if len(hit) else ""
        return f"{label} ({code})" if label else str(code)

    return [
        (t("lapangan.col.provinsi"), name(f.provinsi, "provinsi")),
        (t("lapangan.col.kabupaten_kota"), name(f.kabupaten_kota, "kabupaten_kota")),
        (t("lapangan.col.jenis"), t(f"jenis.{f.jenis}") if f.jenis else every),
        (t("lapangan.cover.angkatan"), str(f.tahun_bergabung) if f.tahun_bergabung else every),
        (
            t("lapangan.cover.dukungan"),
            t(f"dukungan.{f.jenis_dukungan}") if f.jenis_dukungan else every,
        ),
    ]


def _settings_lines(about: About, lang: str) -> list[tuple[str, str]]:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    s = CoachingSettings.of(about.coaching_settings or {})

    def num(v: Any) -> str:
        return i18n.format_number(v, lang) if not export.blank(v) else "–"

    def points(rule: Rule) -> str:
        return num(s.poin.get(rule))

    lines = [
        (
            t("lapangan.cover.set.D"),
            t(
                "lapangan.cover.set.D_text",
                n=num(s.d_bulan_terakhir),
                k=num(s.d_kelengkapan_minimum),
            ),
        ),
        (
            t(f"prioritas.rule.{Rule.R1}"),
            t("lapangan.cover.set.poin", p=points(Rule.R1)),
        ),
        (
            t(f"prioritas.rule.{Rule.R2}"),
            t("lapangan.cover.set.R2_text", c=num(s.r2_capaian_minimum), p=points(Rule.R2)),
        ),
        (
            t(f"prioritas.rule.{Rule.R3}"),
            t("lapangan.cover.set.R3_text", c=num(s.r3_perubahan_maksimum), p=points(Rule.R3)),
        ),
        (
            t(f"prioritas.rule.{Rule.R4}"),
            t("lapangan.cover.set.R4_text", c=num(s.r4_persen_terbawah), p=points(Rule.R4)),
        ),
        (
            t(f"prioritas.rule.{Rule.R5}"),
            t("lapangan.cover.set.R5_text", n=num(s.r5_bulan_berturut), p=points(Rule.R5)),
        ),
        (
            t(f"prioritas.rule.{Rule.R6}"),
            t("lapangan.cover.set.R6_text", c=num(s.r6_selisih_minimum), p=points(Rule.R6)),
        ),
        (t(f"prioritas.rule.{Rule.Q}"), t("lapangan.cover.set.poin", p=points(Rule.Q))),
        (
            t("lapangan.cover.set.tiers"),
            t(
                "lapangan.cover.set.tiers_text",
                p1=num(s.tier.get(Tier.PRIORITAS_1)),
                p2=num(s.tier.get(Tier.PRIORITAS_2)),
                pantau=num(s.tier.get(Tier.PANTAU)),
            ),
        ),
    ]
    if about.score_settings:
        sk = ScoreSettings.of(about.score_settings)
        edges = [b.dari for b in sk.bands][1:] or [50.0, 80.0]
        lines.append(
            (
                t("lapangan.cover.set.skor"),
                t(
                    "lapangan.cover.set.skor_text",
                    informasi=num(sk.bobot.get("informasi")),
                    pelibatan=num(sk.bobot.get("pelibatan")),
                    advokasi=num(sk.bobot.get("advokasi")),
                    kuning=num(edges[0]),
                    hijau=num(edges[-1]),
                ),
            )
        )
    return lines


def cover_sheet(ws: Any, rows: pd.DataFrame, tiers: Sequence[str], about: About, lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    put = export.put_cell
    put(ws, 1, 1, t("lapangan.cover.title")).font = Font(bold=True, size=14)
    lines: list[tuple[str, Any] | None] = [
        (t("lapangan.cover.what"), t("lapangan.cover.what_text")),
        (t("lapangan.cover.window"), _window_text(about.window, lang)),
        (t("lapangan.cover.tiers"), ", ".join(t(f"coaching.tier.{x}") for x in tiers)),
        (
            t("lapangan.cover.rules"),
            ", ".join(t(f"prioritas.rule.{r}") for r in about.rules)
            if about.rules
            else t("lapangan.cover.all"),
        ),
        (t("lapangan.cover.rows"), len(rows)),
        *[
            (t(f"coaching.tier.{x}"), int((rows["tier"] == x).sum()) if len(rows) else 0)
            for x in tiers
        ],
        None,
        (t("lapangan.cover.filters"), ""),
        *_filter_lines(about, rows, lang),
        None,
        (t("lapangan.cover.settings"), ""),
        *_settings_lines(about, lang),
        None,
        (
            t("lapangan.cover.made"),
            (about.made or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        ),
        (
            t("lapangan.cover.data"),
            t("lapangan.cover.demo") if about.demo else t("lapangan.cover.real"),
        ),
        (t("lapangan.cover.sheets"), t("lapangan.cover.sheets_text")),
    ]
    if about.data_version is not None:
        lines.insert(-2, (t("lapangan.cover.version"), about.data_version))
    r = 3
    for line in lines:
        if line is None:
            r += 1
            continue
        label, value = line
        cell = put(ws, r, 1, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
        value_cell = put(ws, r, 2, value)
        value_cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        r += 1
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100


def _window_text(window: str | None, lang: str) -> str:
    if not window:
        return "–"
    from kpi.periods import parse_period

    try:
        per = parse_period(window)
    except ValueError:
        return str(window)
    first, last = i18n.format_month(per.first, lang), i18n.format_month(per.last, lang)
    span = first if per.first == per.last else f"{first} – {last}"
    return i18n.t("lapangan.cover.window_text", lang, span=span, n=str(per.months))
