"""The report card drawn as a PDF with reportlab (offline: fonts from the machine or reportlab).

Every text that came from data (names, reasons, codes) goes through ``_p``, which escapes it
before reportlab's Paragraph reads its mini-markup, so ``<b>x</b>`` prints as those characters.
The footer is drawn with canvas.drawString (no markup at all). Charts are reportlab drawings
(vector, no browser, no network).
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from kpi import i18n
from kpi.catalogue import SCORE_PILLARS, catalogue
from kpi.palette import BAND_COLOURS, NO_DATA_COLOUR
from kpi.rapor.content import Card
from kpi.rapor.writer import (
    AREA_TIERS,
    FONT,
    FONT_BOLD,
    LINE,
    TIER_COUNTS,
    Writer,
    finite,
    table,
)
from kpi.score import weights_and_edges
from kpi.settings import CoachingSettings, ScoreSettings
from kpi.vocab import Level, Tier


def _header(card: Card, w: Writer, width: float) -> list[Any]:
    p = card.place
    if p["tingkat"] == Level.PERPUSTAKAAN:
        where = [
            w.t(f"jenis.{p['jenis']}") if p.get("jenis") else w.t("profil.tingkat.perpustakaan")
        ]
        where += [str(p[k]) for k in ("kabupaten_kota", "provinsi") if p.get(k)]
    else:
        where = [w.t(f"profil.tingkat.{p['tingkat']}")]
        if p["tingkat"] != "provinsi" and p.get("provinsi"):
            where.append(str(p["provinsi"]))
    where.append(w.t("rapor.kode", kode=p["kode"]))
    out = [
        w.p(w.t("rapor.title", nama=p["nama"]), "title"),
        w.p(" · ".join(where)),
        w.p(w.t("rapor.period", periode=_period_text(card, w))),
    ]
    if card.demo:
        out.append(w.p(w.t("rapor.demo"), "small"))
    return out


def _period_text(card: Card, w: Writer) -> str:
    per = card.period
    first, last = i18n.format_month(per.first, w.lang), i18n.format_month(per.last, w.lang)
    return first if per.first == per.last else f"{first} – {last}"


def _score_block(card: Card, w: Writer, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    row = card.row
    out: list[Any] = [w.p(w.t("rapor.section.score"), "h2")]
    if row is None:
        out.append(w.p(w.t("rapor.not_in_view")))
        return out
    skor = row.get("skor")
    band = row.get("band") if finite(skor) else None
    area = card.place["tingkat"] != Level.PERPUSTAKAAN
    if band:
        band_label = w.t(f"kpi.band.{band}")
    elif area and finite(skor):
        band_label = w.t("kpi.band.data_belum_cukup")
    else:
        band_label = w.t("kpi.band.tanpa_skor")
    cells = [
        [
            w.p(w.t("kpi.skor"), "cell"),
            *[w.p(w.t(f"kpi.pilar.{x}"), "cell") for x in SCORE_PILLARS],
            w.p(w.t("kpi.kelengkapan"), "cell"),
        ],
        [
            w.p(w.num(skor, 1) if finite(skor) else "–", "big"),
            *[w.p(w.num(row.get(f"skor_{x}"), 1), "big") for x in SCORE_PILLARS],
            w.p(w.pct(row.get("kelengkapan_laporan")), "big"),
        ],
        [
            w.p(band_label, "cell_b"),
            w.p("", "cell"),
            w.p("", "cell"),
            w.p("", "cell"),
            w.p(
                w.t(
                    "rapor.completeness",
                    dilaporkan=w.num(row.get("bulan_dilaporkan")),
                    diharapkan=w.num(row.get("bulan_diharapkan")),
                ),
                "cell",
            ),
        ],
    ]
    table = Table(cells, colWidths=[width * 0.22, *[width * 0.18] * 3, width * 0.24])
    band_colour = BAND_COLOURS.get(str(band), NO_DATA_COLOUR)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor(band_colour)),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#7f7f7f")),
                ("LINEAFTER", (0, 0), (-2, -1), 0.3, colors.HexColor("#bfbfbf")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    out.append(table)
    lines = []
    if finite(row.get("_rank_skor")):
        lines.append(
            w.t(
                "rapor.score.rank",
                r=w.num(row["_rank_skor"]),
                n=w.num(row.get("_n_skor")),
                median=w.num(row.get("_median_skor"), 1),
            )
        )
    ly = (card.row_last_year or {}).get("skor")
    if finite(ly):
        lines.append(w.t("rapor.score.last_year", s=w.num(ly, 1)))
    if not finite(skor):
        lines.append(w.t("profil.card.no_score_area" if area else "profil.card.no_score"))
    elif area and not band:
        lines.append(
            w.t(
                "profil.card.not_enough",
                n=w.num(row.get("perpustakaan_berskor")),
                m=w.num(row.get("perpustakaan_diharapkan")),
            )
        )
    if area:
        lines.append(
            w.t(
                "rapor.bands",
                n=w.num(row.get("perpustakaan")),
                melapor=w.num(row.get("perpustakaan_melapor")),
                merah=w.num(row.get("perpustakaan_merah")),
                kuning=w.num(row.get("perpustakaan_kuning")),
                hijau=w.num(row.get("perpustakaan_hijau")),
                tanpa=w.num(row.get("perpustakaan_tanpa_skor")),
            )
        )
    out += [w.p(x, "small") for x in lines]
    return out


def _kpitable(card: Card, w: Writer, width: float) -> list[Any]:
    cat = catalogue()
    out: list[Any] = [w.p(w.t("rapor.section.kpi"), "h2")]
    jenis = card.place.get("jenis") if card.place["tingkat"] == Level.PERPUSTAKAAN else None
    rows = [
        [
            w.p(w.t(f"rapor.kpi.{c}"), "cell_b")
            for c in ("kpi", "value", "last_year", "target", "capaian", "median", "rank")
        ]
    ]
    for k in card.kpis:
        kpi = cat[k["id"]]
        if jenis and kpi.jenis and jenis not in kpi.jenis:
            continue  # not a KPI of this level of library
        rank = (
            w.t("rapor.kpi.rank_of", r=w.num(k["rank"]), n=w.num(k["n"]))
            if finite(k["rank"])
            else "–"
        )
        rows.append(
            [
                w.p(kpi.nama(w.lang), "cell"),
                w.p(w.kpi_value(k["id"], k["value"]), "cell"),
                w.p(w.kpi_value(k["id"], k["last_year"]), "cell"),
                w.p(w.kpi_value(k["id"], k["target"]) if finite(k["target"]) else "–", "cell"),
                w.p(w.pct(k["capaian"]) if finite(k["capaian"]) else "–", "cell"),
                w.p(w.kpi_value(k["id"], k["median"]), "cell"),
                w.p(rank, "cell"),
            ]
        )
    fr = [0.3, 0.11, 0.11, 0.11, 0.13, 0.12, 0.12]
    out.append(table(rows, [width * f for f in fr]))
    out.append(
        w.p(
            w.t(
                "rapor.kpi.note",
                bulan=i18n.format_month(card.period.last, w.lang),
                sejawat=w.t(f"rapor.peers.{_peer_kind(card)}"),
            ),
            "small",
        )
    )
    return out


def _peer_kind(card: Card) -> str:
    p = card.place
    if p["tingkat"] == Level.PERPUSTAKAAN:
        return "perpustakaan_provinsi" if p.get("jenis") == "provinsi" else "perpustakaan"
    return str(p["tingkat"])


def _trend(card: Card, w: Writer, width: float) -> list[Any]:
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
    from reportlab.lib import colors

    series = card.series
    out: list[Any] = []
    if series is None or series.empty or int(series["perpustakaan_melapor"].sum()) == 0:
        return [w.p(w.t("rapor.section.trend", n=len(series)), "h2"), w.p(w.t("rapor.no_reports"))]
    out.append(w.p(w.t("rapor.section.trend", n=len(series)), "h2"))
    cat = catalogue()
    trend = [k for k in cat.tren if cat[k].numerator.column in series.columns]
    cols = [str(cat[k].numerator.column) for k in trend]
    height = 78.0
    d = Drawing(width, height + 14)
    panel = width / len(cols)
    grey = colors.HexColor("#7f7f7f")
    for i, col in enumerate(cols):
        x0, x1 = i * panel + 34, (i + 1) * panel - 10
        y0, y1 = 14.0, height
        values = [float(v) if finite(v) else None for v in series[col]]
        top = max([x for x in values if x is not None] or [0.0]) or 1.0
        name = cat[trend[i]].nama(w.lang)
        d.add(String(x0, height + 4, name, fontName=FONT_BOLD, fontSize=7.5))
        d.add(Line(x0, y0, x1, y0, strokeColor=grey, strokeWidth=0.5))
        d.add(Line(x0, y0, x0, y1, strokeColor=grey, strokeWidth=0.5))
        for tick, y in ((0.0, y0), (top, y1)):
            d.add(String(x0 - 3, y - 2.5, w.num(tick), fontName=FONT, fontSize=6, textAnchor="end"))
        n = len(values)
        step = (x1 - x0) / max(1, n - 1)
        pts: list[float] = []
        for j, v in enumerate(values):
            if v is None:  # an unreported month is a gap, never 0
                if len(pts) >= 4:
                    d.add(PolyLine(pts, strokeColor=colors.HexColor(LINE), strokeWidth=1))
                pts = []
                continue
            x, y = x0 + j * step, y0 + (y1 - y0) * v / top
            pts += [x, y]
            d.add(Circle(x, y, 1.2, fillColor=colors.HexColor(LINE), strokeColor=None))
        if len(pts) >= 4:
            d.add(PolyLine(pts, strokeColor=colors.HexColor(LINE), strokeWidth=1))
        months = list(series["periode"])
        for j in (0, n - 1):
            label = pd.Timestamp(months[j]).strftime("%m/%Y")
            anchor = "start" if j == 0 else "end"
            d.add(String(x0 + j * step, 4, label, fontName=FONT, fontSize=6, textAnchor=anchor))
    out.append(d)
    return out


def _funnel(card: Card, w: Writer, width: float) -> list[Any]:
    cat = catalogue()
    out: list[Any] = [w.p(w.t("rapor.section.funnel"), "h2")]
    if card.funnel is None:
        out.append(w.p(w.t("rapor.funnel.none")))
        return out
    row, reading = card.funnel["row"], card.funnel["reading"]
    stages = list(cat.funnel_tahap)
    head = [w.p(cat[s].nama(w.lang), "cell_b") for s in stages]
    head += [w.p("PAR", "cell_b"), w.p("BAR", "cell_b")]
    values = [w.p(w.num(row.get(s)) if s in reading["stages"] else "–", "cell") for s in stages]
    values += [w.p(w.pct(row.get("par")), "cell"), w.p(w.pct(row.get("bar")), "cell")]
    n = len(head)
    out.append(table([head, values], [width / n] * n, zebra=False))
    notes = [
        w.t("rapor.funnel.rows", n=w.num(reading.get("months")), m=w.num(reading.get("months_any")))
    ]
    if not reading["aware_reported"]:
        notes.append(w.t("rapor.funnel.no_aware"))
    if reading["over_100"]:
        notes.append(
            w.t(
                "rapor.funnel.over_100",
                konversi=", ".join(cat[c].nama(w.lang) for c in reading["over_100"]),
            )
        )
    out.append(w.p(" ".join(notes), "small"))
    return out


def _ciel(card: Card, w: Writer) -> list[Any]:
    out: list[Any] = [w.p(w.t("rapor.section.ciel"), "h2")]
    if card.ciel is None:
        out.append(w.p(w.t("rapor.ciel.none")))
        return out
    row = card.ciel["row"]
    dims = ", ".join(
        f"{w.t(f'profil.ciel.{d}')} {w.num(row.get(d), 1)}"
        for d in ("kreativitas", "inovasi", "kewirausahaan", "kepemimpinan")
    )
    text = w.t("rapor.ciel.index", ciel=w.num(row.get("ciel"), 1), dims=dims)
    if card.ciel["reading"]:
        text += " " + w.t(
            f"rapor.ciel.gap.{card.ciel['reading']}", gap=w.num(abs(card.ciel["gap"]), 1)
        )
    else:
        text += " " + w.t("profil.ciel.no_score")
    if card.place["tingkat"] != Level.PERPUSTAKAAN:
        text += " " + w.t("rapor.ciel.area", n=w.num(row.get("perpustakaan_ciel")))
    out.append(w.p(text))
    return out


def _coaching(card: Card, w: Writer, width: float) -> list[Any]:
    c = card.coaching
    out: list[Any] = [w.p(w.t("rapor.section.coaching"), "h2")]
    jendela = card.window or "–"
    area = card.place["tingkat"] != Level.PERPUSTAKAAN
    if area:
        n = card.tiers.get("perpustakaan", 0)
        parts = ", ".join(f"{w.tier(t)} {w.num(card.tiers.get(t, 0))}" for t in TIER_COUNTS)
        out.append(w.p(w.t("rapor.coaching.area", n=w.num(n), jendela=jendela, tiers=parts)))
        if c.get("tier"):
            out.append(w.p(w.t("rapor.coaching.own", tier=w.tier(c["tier"]))))
    elif c.get("tier") is None:
        out.append(w.p(w.t("rapor.coaching.not_evaluated", jendela=jendela)))
    elif c["tier"] == Tier.TANPA_TANDA:
        out.append(w.p(w.t("rapor.coaching.no_flag", jendela=jendela)))
    elif c["tier"] == Tier.PELAPORAN:  # rule D stands alone: no points
        out.append(
            w.p(w.t("rapor.coaching.tier_pelaporan", tier=w.tier(c["tier"]), jendela=jendela), "h3")
        )
    else:
        out.append(
            w.p(
                w.t(
                    "rapor.coaching.tier",
                    tier=w.tier(c["tier"]),
                    poin=w.num(c.get("points")),
                    jendela=jendela,
                ),
                "h3",
            )
        )
    for r in c.get("reasons") or []:
        out.append(w.p(w.reason(r), "bullet", bulletText="•"))
    if not area and c.get("quadrant"):
        out.append(w.p(w.t("rapor.coaching.quadrant", q=w.t(f"coaching.quadrant.{c['quadrant']}"))))
    if not area:
        return out
    if len(card.areas):
        out.append(w.p(w.t("rapor.section.areas"), "h2"))
        head = [
            w.p(w.t(f"rapor.areas.{x}"), "cell_b")
            for x in ("nama", "perpustakaan", *AREA_TIERS, "porsi")
        ]
        rows = [head]
        for r in card.areas.itertuples(index=False):
            rows.append(
                [
                    w.p(r.nama, "cell"),
                    w.p(w.num(r.jumlah_perpustakaan), "cell"),
                    w.p(w.num(r.jumlah_prioritas_1), "cell"),
                    w.p(w.num(r.jumlah_prioritas_2), "cell"),
                    w.p(w.num(r.jumlah_pelaporan), "cell"),
                    w.p(w.pct(r.porsi_perlu), "cell"),
                ]
            )
        fr = [0.4, 0.12, 0.12, 0.12, 0.12, 0.12]
        out.append(table(rows, [width * f for f in fr]))
    out.append(w.p(w.t("rapor.section.needing", n=w.num(card.needing_total)), "h2"))
    if card.needing.empty:
        out.append(w.p(w.t("rapor.needing.none")))
        return out
    head = [w.p(w.t(f"rapor.needing.{x}"), "cell_b") for x in ("nama", "tier", "poin", "alasan")]
    rows = [head]
    for r in card.needing.itertuples(index=False):
        label = str(r.nama)
        if card.place["tingkat"] == Level.PROVINSI and _text(r.kabupaten_kota):
            label = f"{r.nama} ({r.kabupaten_kota})"
        reasons = "; ".join(w.reason(x) for x in (r.reasons or []))
        rows.append(
            [
                w.p(f"{label} · {r.kode}", "cell"),
                w.p(w.tier(r.tier), "cell"),
                w.p(w.num(r.points), "cell"),
                w.p(reasons, "cell"),
            ]
        )
    out.append(table(rows, [width * f for f in (0.3, 0.13, 0.07, 0.5)]))
    if card.needing_total > len(card.needing):
        more = card.needing_total - len(card.needing)
        out.append(w.p(w.t("rapor.needing.more", n=w.num(more)), "small"))
    return out


def _text(v: Any) -> bool:
    return isinstance(v, str) and bool(v)


def footer_text(card: Card, lang: str) -> str:
    """The settings and the data date the card was made with (one line of plain text)."""
    w_lang = i18n.norm_lang(lang)
    s = ScoreSettings.of(card.score_settings)
    window = CoachingSettings.of(card.coaching_settings).jendela_bulan
    return i18n.t(
        "rapor.footer",
        w_lang,
        dibuat=card.made.strftime("%Y-%m-%d %H:%M UTC"),
        data=i18n.format_month(card.last_report, w_lang) if card.last_report else "–",
        tutup=i18n.format_month(card.last_closed, w_lang) if card.last_closed else "–",
        versi=str(card.data_version),
        jendela=i18n.format_number(window, w_lang),
        **weights_and_edges(s, w_lang),
    )


def render(card: Card, lang: str = "id") -> bytes:
    """The card as PDF bytes (A4 portrait)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.lib.utils import simpleSplit
    from reportlab.platypus import SimpleDocTemplate, Spacer

    w = Writer(lang)
    buf = io.BytesIO()
    margin = 1.4 * cm
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 0.6 * cm,
        title=w.t("rapor.title", nama=card.place["nama"]),
        author="TPBIS KPI Dashboard",
        lang=w.lang,
    )
    width = A4[0] - 2 * margin
    footer = footer_text(card, w.lang)

    def on_page(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 6.5)
        canvas.setFillGray(0.35)
        lines = simpleSplit(footer, FONT, 6.5, width - 1.5 * cm)
        y = margin - 0.05 * cm + 8 * (len(lines) - 1)
        for line in lines:
            canvas.drawString(margin, y, line)
            y -= 8
        canvas.drawRightString(A4[0] - margin, margin - 0.05 * cm, str(doc_.page))
        canvas.restoreState()

    story: list[Any] = []
    story += _header(card, w, width)
    story += _score_block(card, w, width)
    story += _coaching(card, w, width) if card.place["tingkat"] == Level.PERPUSTAKAAN else []
    story += _kpitable(card, w, width)
    story += _trend(card, w, width)
    story += _funnel(card, w, width)
    story += _ciel(card, w)
    if card.place["tingkat"] != Level.PERPUSTAKAAN:
        story.append(Spacer(1, 4))
        story += _coaching(card, w, width)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
