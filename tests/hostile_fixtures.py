"""The hostile inputs of issue 11, shared by tests/test_hostile.py and the browser test
(tests/e2e/test_hostile_e2e.py): names, file names and cells that try to become Markdown, HTML,
links, images or spreadsheet formulas, written into a copy of the demo database.

Every library is renamed ``<risky prefix>HYPERLINK(...) ![p](...) [Login](...) <a href>...``
(the prefix cycles through =, +, -, @, tab and CR), every province and kab/kota likewise, one
library gets a name of 40,000 characters, the register's address and contacts, the context
indicators' source and one indicator's name are hostile, a batch was imported from a file whose
name and cells are hostile (some rows rejected), and the stored kab/kota boundary file has a
hostile name.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from kpi import boundaries, coaching
from kpi.ingest import commit, plan_import
from kpi.store import Store

HOST = "example.invalid"  # the outside host every payload points at (never resolves)
NAME_BODY = (
    f'HYPERLINK("http://{HOST}/x","klik") ![p](http://{HOST}/x.png) '
    f'[Login](http://{HOST}/phish) <a href="http://{HOST}/a">A</a> <b>B</b>'
)
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LONG_NAME = "=" + "panjang " * 5_000 + NAME_BODY  # over Excel's 32,767 characters per cell
AREA_NAME = "=" + NAME_BODY
ADDRESS = f"![alamat](http://{HOST}/alamat.png) Jl. Merdeka"
CONTACT = f"<b>B</b> [Login](http://{HOST}/kontak)"
SOURCE = f"[sumber](http://{HOST}/sumber) <img src=http://{HOST}/s.png>"
INDICATOR = "=" + NAME_BODY
HOSTILE_FILE = f"[Login](http:{HOST}) <b>B</b> ![p](www.{HOST}) =1+1.csv"
HOSTILE_HEADER = f"<b>B</b> [kolom](http://{HOST}/kolom)"
GEOJSON_NAME = f"![peta](http://{HOST}/peta.png) [Login](http://{HOST}/geo).geojson"
# cells of the hostile import that are rejected (unknown library codes): live formulas, once
FORMULAS = (
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
)
PERIODE = "2025-12"  # the demo's last month: the pages' default view keeps its data


def hostile_name(i: int, kode: str) -> str:
    return RISKY_PREFIXES[i % len(RISKY_PREFIXES)] + NAME_BODY + " " + str(kode)


def shown(text: str) -> str:
    """A text as a page shows it: whitespace runs as one space."""
    return " ".join(str(text).split())


def hostile_csv(codes: list[str]) -> bytes:
    """Monthly reports: two rows for known libraries, one per formula for unknown ones, and a
    column with a hostile header."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["Kode Perpustakaan", "Periode", "Kunjungan", HOSTILE_HEADER])
    for kode in codes[:2]:
        w.writerow([kode, PERIODE, 5, NAME_BODY])
    for f in FORMULAS:
        w.writerow([f, PERIODE, f, f])
    return buf.getvalue().encode("utf-8")


def boundary_report() -> boundaries.BoundaryReport:
    ring = [[106.5, -6.5], [106.9, -6.5], [106.9, -6.8], [106.5, -6.8], [106.5, -6.5]]
    return boundaries.match_features(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"kode": "3201", "nama": AREA_NAME},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            ],
        }
    )


def make_hostile(path: Path) -> dict[str, str]:
    """Turn the demo database at ``path`` hostile; returns the codes the tests look at."""
    store = Store(path)
    try:
        codes = store.query("SELECT kode_perpustakaan FROM perpustakaan ORDER BY 1")[
            "kode_perpustakaan"
        ].tolist()
        flagged = coaching.priorities(coaching.evaluate(store, None, None))
        library = str(flagged.iloc[0]["kode"])
        long_one = next(k for k in codes if k != library)
        names = pd.DataFrame(
            {"kode": codes, "nama": [hostile_name(i, k) for i, k in enumerate(codes)]}
        )
        names.loc[names["kode"] == long_one, "nama"] = LONG_NAME
        with store.write() as cur:
            cur.register("hostile_names", names)
            cur.execute(
                "UPDATE perpustakaan SET nama_perpustakaan = n.nama FROM hostile_names n "
                "WHERE perpustakaan.kode_perpustakaan = n.kode"
            )
            cur.unregister("hostile_names")
            cur.execute(
                "UPDATE wilayah SET nama = ? || ' ' || kode "
                "WHERE tingkat IN ('provinsi', 'kabupaten_kota')",
                [AREA_NAME],
            )
            cur.execute(
                "UPDATE perpustakaan SET alamat = ?, kontak_nama = ?, kontak_email = ?, "
                "kontak_telepon = ?",
                [ADDRESS, CONTACT, f"x@{HOST}", "+62 812 =1+1"],
            )
            cur.execute("UPDATE indikator_konteks SET sumber = ?", [SOURCE])
            cur.execute(
                "UPDATE indikator_konteks SET indikator = ? WHERE indikator = 'TGM'", [INDICATOR]
            )
        plan = plan_import(store, [(HOSTILE_FILE, hostile_csv([library, long_one]))])
        assert plan.accepted == 2 and plan.rejected == len(FORMULAS), plan.issues
        batch = commit(store, plan).batch_id
        boundaries.save(store, boundary_report(), GEOJSON_NAME)
        province = str(
            store.scalar(
                "SELECT kode_provinsi FROM perpustakaan WHERE kode_perpustakaan = ?", [library]
            )
        )
    finally:
        store.close()
    return {"library": library, "long": long_one, "batch": batch, "provinsi": province}


# ---------------------------------------------------------------------------------------------
# What "literal" means, checked on what a page sends


# a link the app itself makes to one of its pages (relative, no scheme:
# "[Buka profil](profil?...)"), beside escaped stored text: not stored text rendered live, so
# it is taken out before the check
APP_PAGE_LINK = re.compile(
    r"\[[^\[\]\\]*\]\((?:profil|prioritas|peta|jelajah|kualitas|ringkasan)\?[^()\s:]*\)"
)
# in Markdown source: an address that a renderer would turn into a link, or an unescaped tag
# or bracket (a backslash before it makes it text)
MD_LIVE = re.compile(r"https?://|(?<!\\)<(?:a|b|img)\b|(?<!\\)[\[\]]|www\.", re.I)
# in Plotly text: a tag of the payload (Plotly renders <a href>, <b>, <img> is never drawn)
PLOTLY_LIVE = re.compile(r"<a\s+href|<img|<b>B</b>", re.I)


def _proto_strings(msg: object, skip: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Every string a protobuf message holds, with its field name (maps and lists included)."""
    out: list[tuple[str, str]] = []
    for field, value in msg.ListFields():  # type: ignore[attr-defined]
        if field.name in skip:
            continue
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            items = list(value.items())
            out += [(field.name, str(k)) for k, _ in items if isinstance(k, str)]
            for _, v in items:
                if isinstance(v, str):
                    out.append((field.name, v))
                elif hasattr(v, "ListFields"):
                    out += _proto_strings(v, skip)
            continue
        values = value if field.is_repeated else [value]
        for v in values:
            if isinstance(v, str):
                out.append((field.name, v))
            elif hasattr(v, "ListFields"):
                out += _proto_strings(v, skip)
    return out


# what Streamlit shows as plain text: the options of choosers, values typed into inputs,
# addresses of links and media
PLAIN_FIELDS = frozenset(
    {
        "options",
        "default",
        "raw_values",
        "raw_value",
        "value",
        "set_value",
        "url",
        "page",
        "query_string",
        "placeholder",
        "accept_new_options",
        "id",
        "form_id",
        "spec",
        "columns",
        "data",
        "page_script_hash",
        "icon",
    }
)


def page_texts(at: object) -> dict[str, list[str]]:
    """What an AppTest run sends, by how the browser treats it: ``markdown`` (sources that are
    rendered as Markdown: bodies, labels, help, radio and tab options, st.table cells),
    ``plotly`` (every string of every figure), ``plain`` (dataframes, chooser options)."""
    import json

    out: dict[str, list[str]] = {"markdown": [], "plotly": [], "plain": []}

    def walk(obj: object, into: list[str]) -> None:
        if isinstance(obj, str):
            into.append(obj)
        elif isinstance(obj, dict):
            for v in obj.values():
                walk(v, into)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, into)

    for root in (at.main, at.sidebar):  # type: ignore[attr-defined]
        for node in root:
            kind, proto = node.type, getattr(node, "proto", None)
            if proto is None or not hasattr(proto, "ListFields"):
                continue
            if kind == "plotly_chart":
                walk(json.loads(proto.spec), out["plotly"])
                continue
            if kind in ("dataframe", "arrow_data_frame", "table"):
                frame = node.value
                cells = [str(c) for c in frame.columns] + [
                    v for col in frame.columns for v in frame[col].tolist() if isinstance(v, str)
                ]
                (out["markdown"] if kind == "table" else out["plain"]).extend(cells)
                continue
            plain_options = kind in ("selectbox", "multiselect")
            for name, text in _proto_strings(proto):
                if name in PLAIN_FIELDS and (plain_options or name != "options"):
                    out["plain"].append(text)
                else:
                    out["markdown"].append(text)
    return out


def live_markup(texts: dict[str, list[str]]) -> list[str]:
    """The payloads that would become live: Markdown sources or Plotly strings holding a link,
    an image or a tag of a hostile name."""
    bad = []
    for text in texts["markdown"]:
        if HOST in text and MD_LIVE.search(APP_PAGE_LINK.sub("", text)):
            bad.append(f"markdown: {text[:300]!r}")
    for text in texts["plotly"]:
        if HOST in text and PLOTLY_LIVE.search(text):
            bad.append(f"plotly: {text[:300]!r}")
    return bad
