"""Hostile input (issue 11): every attack that once worked, replayed so that it stays held.

1. Undo in the import page undid another batch (a stale choice after a commit, a confirmation
   that did not name its batch, a page that jumped back to the upload tab).
2. Undo raced a commit (its checks ran before it took the writer lock).
3. The rejected-rows workbook and the context csv wrote live formulas; every export path is
   walked here (page downloads and command line outputs).
4. Stored text rendered as Markdown and HTML (profile title, GeoJSON file name, upload file
   name, Plotly hovers and axes) on every page.
5. A damaged database file was blamed on "another process", and the command line printed a
   traceback.
6. Deep GeoJSON, the demo undone from the command line, over-long names in xlsx, the import
   page's "Hapus data demo" without confirmation, the history's "None" user.

The browser half (no injected element, image request or link in a real page) is
tests/e2e/test_hostile_e2e.py.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import hostile_fixtures as hf
import ingest_fixtures as fx
import openpyxl
import pytest
from apptest_helpers import APP, app_test
from streamlit.testing.v1 import AppTest

from kpi import boundaries, export
from kpi.demo import clear_demo
from kpi.ingest import commit, plan_import, undo
from kpi.ingest.rejected import batch_rejected_excel, plan_rejected_excel
from kpi.store import Store, StoreError, close_all, open_store
from kpi.ui.literal import md, unescape_md

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hostile_template(
    demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(demo_db_template, path)
    return path, hf.make_hostile(path)


@pytest.fixture
def hostile(hostile_template: tuple[Path, dict[str, str]], tmp_path: Path) -> dict[str, Any]:
    """A private copy of the hostile database, and the codes the tests look at."""
    from kpi.ui import profil

    profil.wait_for_history()  # the profile's background evaluations use the earlier stores
    close_all()
    path = tmp_path / "hostile.duckdb"
    shutil.copy(hostile_template[0], path)
    return {"db": path, **hostile_template[1]}


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---------------------------------------------------------------------------------------------
# 4. stored text is literal text on every page


def _page(db: Path, mp: pytest.MonkeyPatch, page: str, params: dict | None = None) -> AppTest:
    return _run(app_test(db, mp, page, params=params, timeout=180))


def _assert_literal(at: AppTest, where: str, expect: tuple[str, ...] = ()) -> dict[str, list]:
    texts = hf.page_texts(at)
    live = hf.live_markup(texts)
    assert not live, f"{where}: stored text rendered live:\n" + "\n".join(live[:10])
    shown = (
        [unescape_md(t) for t in texts["markdown"]]
        + [
            t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            for t in texts["plotly"]
        ]
        + texts["plain"]
    )
    assert any(hf.NAME_BODY in t for t in shown), f"{where}: no hostile name on the page at all"
    for text in expect:  # where a name must appear as itself, e.g. the profile's title
        assert any(text in t for t in shown), f"{where}: {text!r} not shown literally"
    return texts


PAGES = [
    ("pages/ringkasan.py", None),
    ("pages/peta.py", None),
    ("pages/prioritas.py", None),
    ("pages/jelajah.py", None),
    ("pages/kualitas.py", None),
    ("pages/pengaturan.py", None),
]


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[p for p, _ in PAGES])
def test_hostile_names_show_literally(
    hostile: dict[str, Any], monkeypatch: pytest.MonkeyPatch, page: str, params: dict | None
) -> None:
    at = _page(hostile["db"], monkeypatch, page, params)
    expect = (hf.shown(hf.GEOJSON_NAME),) if page.endswith("pengaturan.py") else ()
    _assert_literal(at, page, expect)


def test_map_of_a_province_and_its_reasons(
    hostile: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(hostile["db"], monkeypatch, "pages/peta.py", {"provinsi": hostile["provinsi"]})
    texts = _assert_literal(at, "peta, one province")
    # the libraries' names are in the hover as entities, which Plotly shows as the characters
    assert any("&lt;b&gt;B&lt;/b&gt;" in t for t in texts["plotly"])


def test_profile_title_is_the_name_itself(
    hostile: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    kode = hostile["library"]
    at = _page(
        hostile["db"], monkeypatch, "pages/profil.py", {"kode": kode, "tingkat": "perpustakaan"}
    )
    store = open_store(hostile["db"])
    name = store.scalar(
        "SELECT nama_perpustakaan FROM perpustakaan WHERE kode_perpustakaan = ?", [kode]
    )
    (title,) = at.title
    assert unescape_md(title.value) == "Profil: " + hf.shown(name)
    assert title.value == "Profil: " + md(name)  # the source: every Markdown sign escaped
    texts = _assert_literal(at, "profil", (hf.shown(hf.ADDRESS), hf.shown(hf.CONTACT)))
    # the context indicator's source (in a tooltip) and its hostile name, literal
    assert any(hf.shown(hf.SOURCE) in unescape_md(t) for t in texts["markdown"])
    # its province and kab/kota profiles, and a code from the URL that the store does not know
    for params in (
        {"kode": hostile["provinsi"], "tingkat": "provinsi"},
        {"kode": kode.split("-")[-1][:4], "tingkat": "kabupaten_kota"},
        {"kode": hf.NAME_BODY},
    ):
        at = _page(hostile["db"], monkeypatch, "pages/profil.py", params)
        if params.get("tingkat"):
            _assert_literal(at, f"profil {params}")
        else:  # the unknown code is quoted as a code span, which Markdown shows as it is
            (warning,) = [w for w in at.warning if "`" in w.value]
            quoted = warning.value.split("`")
            assert len(quoted) == 3 and quoted[1] == hf.NAME_BODY[:60]
            assert not hf.MD_LIVE.search(quoted[0] + quoted[2])


def test_every_tab_and_level_shows_names_literally(
    hostile: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_test(hostile["db"], monkeypatch, "pages/jelajah.py", timeout=180)
    at.session_state["jelajah_tingkat"] = "perpustakaan"
    _run(at)
    for tab in ("Peringkat", "Tren bulanan", "Sebaran", "Tabel"):
        at.session_state["jelajah_tab_id"] = tab
        _run(at)
        if tab == "Tren bulanan":  # one unit's line: its name in the legend and hover
            at.multiselect(key="jelajah_units_perpustakaan").set_value([hostile["library"]])
            _run(at)
        _assert_literal(at, f"jelajah {tab}")
    at = _page(hostile["db"], monkeypatch, "pages/kualitas.py")
    for tab in (
        "Kelengkapan dan ketepatan waktu per wilayah",
        "Belum pernah melapor",
        "Nilai perlu verifikasi",
    ):
        at.session_state["kualitas_tab_id"] = tab
        _run(at)
        _assert_literal(at, f"kualitas {tab}")
    at = _page(hostile["db"], monkeypatch, "pages/prioritas.py")
    for level in ("kabupaten_kota", "provinsi"):
        at.radio(key="prio_level").set_value(level)
        at.radio(key="prio_area_level").set_value(level)
        _run(at)
        _assert_literal(at, f"prioritas {level}")


SHEET = "<img src=x> =1+1 ~~x~~ $x$"  # what a sheet name may hold (no / [ ] : * ?)


def test_import_page_shows_file_sheet_header_and_values_literally(
    hostile: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(hostile["db"], monkeypatch, "pages/impor.py")
    # the history names the hostile batch in the chooser (plain text) and in the confirmation
    texts = _assert_literal(at, "impor history")
    assert any(hf.shown(hf.HOSTILE_FILE) in unescape_md(t) for t in texts["markdown"])
    # an upload whose name, header and cells are hostile: the dry run shows them as text
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    for j, value in enumerate(["Kode Perpustakaan", "Periode", "Kunjungan", hf.HOSTILE_HEADER]):
        cell = ws.cell(row=1, column=j + 1, value=value)
        cell.data_type = "s"
    for i, f in enumerate(hf.FORMULAS, start=2):
        for j, value in enumerate([f, "2025-11", f, hf.NAME_BODY]):
            cell = ws.cell(row=i, column=j + 1, value=value)
            cell.data_type = "s"  # text that looks like a formula, as a hostile file holds it
    name = hf.HOSTILE_FILE.replace(".csv", ".xlsx")
    at.file_uploader[0].set_value([(name, fx.xlsx_bytes(wb), "application/octet-stream")])
    _run(at)
    texts = _assert_literal(at, "impor dry run", (hf.shown(name),))
    assert any(hf.shown(hf.HOSTILE_HEADER) in unescape_md(t) for t in texts["markdown"])
    assert any(SHEET in unescape_md(t) for t in texts["markdown"])


# ---------------------------------------------------------------------------------------------
# 3. no export holds a live formula: every download of every page, every command line output


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def check_xlsx(data: bytes, where: str) -> int:
    """No formula anywhere in the workbook; risky text is a quoted string cell; no cell beyond
    Excel's limit. Returns the number of cells that hold risky text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                xml = z.read(part).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, f"{where}: formula in {part}"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    risky = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: formula cell {ws.title}!{cell.coordinate}"
                v = cell.value
                if isinstance(v, str):
                    assert len(v) <= export.XLSX_CELL_LIMIT, f"{where}: {cell.coordinate} too long"
                    if v.startswith(export.RISKY_PREFIXES):
                        assert cell.data_type == "s" and cell.quotePrefix, (
                            f"{where}: {ws.title}!{cell.coordinate} {v[:40]!r} is not quoted text"
                        )
                        risky += 1
    return risky


def check_csv(text: str, where: str) -> int:
    """No field starts with =, +, -, @, tab or CR (unless it is a plain number). Returns the
    number of fields that were defused with an apostrophe."""
    defused = 0
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            if field.startswith(export.RISKY_PREFIXES):
                assert _is_number(field), f"{where}: field {field[:40]!r} would run as a formula"
            if field.startswith("'") and field[1:].startswith(export.RISKY_PREFIXES):
                defused += 1
    return defused


def check_export(name: str, data: bytes | str, where: str) -> int:
    if name.endswith(".xlsx"):
        assert isinstance(data, bytes)
        return check_xlsx(data, where)
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return check_csv(text, where)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, bytes | str]]:
    """Every st.download_button of the runs: key -> (file name, the file, built as on click)."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    seen: dict[str, tuple[str, bytes | str]] = {}
    original = DeltaGenerator.download_button

    def recording(self: Any, label: str, data: Any, file_name: str | None = None, **kw: Any):
        key = str(kw.get("key") or label)
        if key not in seen or seen[key][0] != file_name:
            seen[key] = (str(file_name), data() if callable(data) else data)
        return original(self, label, data, file_name, **kw)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    monkeypatch.setattr(st, "download_button", functools.partial(recording, st._main))
    return seen


def test_every_page_download_is_formula_free(
    hostile: dict[str, Any], monkeypatch: pytest.MonkeyPatch, downloads: dict
) -> None:
    db = hostile["db"]
    at = _page(db, monkeypatch, "pages/prioritas.py")
    for level in ("perpustakaan", "kabupaten_kota", "provinsi"):
        at.radio(key="prio_level").set_value(level)
        _run(at)
        name, data = downloads["prio_export"]
        check_xlsx(data, f"prioritas {level}")
    at = app_test(db, monkeypatch, "pages/jelajah.py", timeout=180)
    at.session_state["jelajah_tab_id"] = "Tabel"
    for level in ("perpustakaan", "kabupaten_kota", "provinsi"):
        at.session_state["jelajah_tingkat"] = level
        _run(at)
        for key in ("jelajah_xlsx", "jelajah_csv"):
            check_export(*downloads.pop(key), f"jelajah {level} {key}")
    at = _page(db, monkeypatch, "pages/kualitas.py")
    for tab, keys in (
        ("Kelengkapan dan ketepatan waktu per wilayah", ("dl_area_xlsx", "dl_area_csv")),
        ("Belum pernah melapor", ("dl_never_xlsx", "dl_never_csv")),
        ("Nilai perlu verifikasi", ("dl_verify_xlsx", "dl_verify_csv")),
    ):
        at.session_state["kualitas_tab_id"] = tab
        _run(at)
        for key in keys:
            check_export(*downloads[key], f"kualitas {key}")
    # the import page: the template, the dry run's rejected rows, a batch's rejected rows
    at = _page(db, monkeypatch, "pages/impor.py")
    at.selectbox(key="impor_batch").set_value(hostile["batch"])
    _run(at)
    assert check_xlsx(downloads["impor_batch_rejected"][1], "batch rejected") >= len(hf.FORMULAS)
    check_xlsx(downloads["impor_template"][1], "template")
    csv_bytes = hf.hostile_csv([hostile["library"]])
    at.file_uploader[0].set_value([(hf.HOSTILE_FILE, csv_bytes, "text/csv")])
    _run(at)
    rejected = downloads["impor_download_rejected"][1]
    assert check_xlsx(rejected, "dry-run rejected") >= len(hf.FORMULAS)
    # every download the pages offer was walked
    walked = {k for k in downloads}
    assert {"prio_export", "impor_template", "impor_download_rejected"} <= walked
    assert {f"dl_{t}_{f}" for t in ("area", "never", "verify") for f in ("xlsx", "csv")} <= walked


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_every_command_line_output_is_formula_free(hostile: dict[str, Any], tmp_path: Path) -> None:
    db = str(hostile["db"])
    outputs: list[tuple[str, list[str]]] = []
    for level in ("perpustakaan", "provinsi"):
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"kpis_{level}.{fmt}"
            args = ["kpis", "--db", db, "--level", level, "--period", "2025", "--format", fmt]
            outputs.append((str(out), [*args, "--out", str(out)]))
    for level in ("perpustakaan", "kabupaten_kota"):
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"priorities_{level}.{fmt}"
            args = ["priorities", "--db", db, "--level", level, "--format", fmt, "--out", str(out)]
            outputs.append((str(out), args))
    out = tmp_path / "quality.csv"
    outputs.append((str(out), ["quality", "--db", db, "--format", "csv", "--out", str(out)]))
    out = tmp_path / "context.csv"
    outputs.append((str(out), ["context", "--db", db, "--format", "csv", "--out", str(out)]))
    defused: dict[str, int] = {}
    for path, args in outputs:
        done = _cli(*args)
        assert done.returncode == 0, (args, done.stderr)
        data = Path(path).read_bytes()
        defused[Path(path).name] = check_export(path, data, " ".join(args[:1] + args[3:]))
    # the hostile names reached the files, and were defused there
    assert defused["kpis_perpustakaan.csv"] >= 5
    assert defused["context.csv"] >= 1  # the indicator named "=HYPERLINK(...)"
    # the context csv on standard output too (case 3: python -m kpi context --format csv)
    done = _cli("context", "--db", db, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert check_csv(done.stdout, "context stdout") >= 1
    fields = [f for row in csv.reader(io.StringIO(done.stdout)) for f in row]
    assert "'" + hf.INDICATOR in fields  # the hostile indicator, defused and whole


def test_cli_rejected_out_is_the_pages_workbook(hostile: dict[str, Any], tmp_path: Path) -> None:
    """``python -m kpi import ... --rejected-out`` writes what the page's download holds: the
    analyst's columns, the reason and the source row, every formula defused."""
    source = tmp_path / "laporan.csv"
    source.write_bytes(hf.hostile_csv([hostile["library"]]))
    out = tmp_path / "ditolak.xlsx"
    done = _cli("import", str(source), "--db", str(hostile["db"]), "--rejected-out", str(out))
    assert done.returncode == 1, done.stderr  # accepted rows landed, some were rejected
    assert "ditolak.xlsx" in done.stdout
    cli = out.read_bytes()
    assert check_xlsx(cli, "--rejected-out") >= len(hf.FORMULAS)

    def cells(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}

    store = Store(hostile["db"])
    try:
        plan = plan_import(store, [("laporan.csv", source.read_bytes())])
        page = plan_rejected_excel(plan.issues, plan.rejected_rows, "id")  # the page's download
        batch_id = store.scalar(
            "SELECT batch_id FROM import_batch ORDER BY created_at DESC LIMIT 1"
        )
        from_history = batch_rejected_excel(store, batch_id, "id")  # the history's download
    finally:
        store.close()
    assert cells(cli) == cells(page) == cells(from_history)
    sheet = cells(cli)["laporan"]
    assert sheet[0][-2:] == ("alasan_ditolak", "baris_asal")
    assert sheet[1][0] == hf.FORMULAS[0]  # the value itself, kept as text
    assert "Kode Perpustakaan" in sheet[1][-2]  # the reason names the file's column


def test_rejected_rows_keep_formulas_as_text() -> None:
    """Case 3 exactly: a cell ``=cmd|' /C calc'!A0`` arrives as text in the rejected rows."""
    import pandas as pd

    issues = pd.DataFrame(
        {
            "file": ["a.csv"] * 2,
            "sheet": ["csv"] * 2,
            "row": [2, 3],
            "column": ["kode_perpustakaan"] * 2,
            "message_id": ["tidak dikenal"] * 2,
            "message_en": ["unknown"] * 2,
        }
    )
    rows = pd.DataFrame(
        {
            "file": ["a.csv"] * 2,
            "sheet": ["csv"] * 2,
            "row": [2, 3],
            "data": [json.dumps({"kode": f, "=cmd|' /C calc'!A0": f}) for f in hf.FORMULAS[:2]],
        }
    )
    data = plan_rejected_excel(issues, rows)
    assert check_xlsx(data, "rejected") == 5  # the hostile header and the four hostile values
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws["A2"].value == "=cmd|' /C calc'!A0" and ws["A2"].data_type == "s"


def test_names_beyond_an_excel_cell_are_not_cut_silently(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"nama": [hf.LONG_NAME, "pendek"]})
    buf = io.BytesIO()
    export.write_xlsx({"KPI": frame}, buf)
    cell = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["KPI"]["A2"].value
    assert len(cell) <= export.XLSX_CELL_LIMIT
    assert cell.startswith(hf.LONG_NAME[:1000])
    assert "TERPOTONG / CUT" in cell and str(len(hf.LONG_NAME)) in cell  # said in the cell
    assert export.csv_string(frame).count("panjang") == hf.LONG_NAME.count("panjang")  # whole


def test_the_committed_data_files_hold_no_formula() -> None:
    """The gazetteer and template the repository ships are outputs of this project too."""
    import gzip

    for path in sorted((ROOT / "data").rglob("*.csv*")):
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
        check_csv(text, str(path))
    check_xlsx((ROOT / "data" / "templat_impor.xlsx").read_bytes(), "templat_impor.xlsx")


# ---------------------------------------------------------------------------------------------
# 1. undo: the batch named is the batch undone; the page stays on the history


@pytest.fixture
def register_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "undo.duckdb"
    store = Store(path)
    clear_demo(store)
    fx.seed_register(store)
    store.close()
    monkeypatch.setenv("TPBIS_DB", str(path))
    return path


def _commit_through_page(at: AppTest, name: str, rows: list[tuple[Any, ...]]) -> str:
    at.file_uploader[0].set_value(
        [(name, fx.workbook({"L": fx.monthly_rows(rows)}), "application/octet-stream")]
    )
    _run(at)
    at.button(key="impor_commit").click()
    _run(at)
    (flash,) = [s.value for s in at.success if "Tersimpan sebagai batch" in s.value]
    return unescape_md(flash).split("batch ", 1)[1].split(":", 1)[0]


def _tabs_place(at: AppTest) -> int:
    """Where the tabs stand among the page's elements. The browser keeps the open tab across
    reruns while the tabs keep their place (tests/e2e/test_hostile_e2e.py sees it stay)."""
    (place,) = [k for k, child in at.main.children.items() if any(n.type == "tab" for n in child)]
    return place


def _history_tab(at: AppTest) -> Any:
    (tab,) = [n for n in at.main if n.type == "tab" and n.label == "Riwayat impor"]
    return tab


def _status(db: Path) -> dict[str, str]:
    frame = open_store(db).query("SELECT batch_id, status FROM import_batch")
    return dict(zip(frame["batch_id"], frame["status"], strict=True))


def test_undo_undoes_exactly_the_batch_its_confirmation_names(register_db: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    _run(at)
    at.switch_page("pages/impor.py")
    _run(at)
    place = _tabs_place(at)
    older = _commit_through_page(at, "laporan_agustus.xlsx", [("P-001", "2023-08", 7)])
    assert _tabs_place(at) == place  # the commit's message above them took no new place
    # the user looks at the older batch in the history ...
    at.selectbox(key="impor_batch").set_value(older)
    _run(at)
    # ... then commits another file: the chooser follows the new batch, not the stale choice
    newer = _commit_through_page(at, "laporan_september.xlsx", [("P-002", "2023-09", 9)])
    assert newer != older
    assert at.selectbox(key="impor_batch").value == newer
    confirm = [m.value for m in at.markdown if "Batch ini:" in m.value]
    assert len(confirm) == 1
    named = unescape_md(confirm[0])
    assert newer in named and "laporan_september.xlsx" in named and "1 baris diterima" in named
    created = open_store(register_db).scalar(
        "SELECT strftime(created_at, '%Y-%m-%d %H:%M:%S') FROM import_batch WHERE batch_id = ?",
        [newer],
    )
    assert created in named
    # the click lands after the chooser was moved to the older batch (a stale rerun): the
    # confirmation undoes the batch it named, never the chooser's current value
    at.selectbox(key="impor_batch").set_value(older)
    at.button(key=f"impor_undo_{newer}").click()
    _run(at)
    status = _status(register_db)
    assert (status[older], status[newer]) == ("committed", "undone")
    store = open_store(register_db)
    assert store.scalar("SELECT count(*) FROM laporan_bulanan WHERE batch_id = ?", [older]) == 1
    assert store.scalar("SELECT count(*) FROM laporan_bulanan WHERE batch_id = ?", [newer]) == 0
    # the page stays on the history (the tabs kept their place though the commit's message
    # above them is gone) and says there what was undone (batch, file, time, counts)
    assert _tabs_place(at) == place
    (said,) = [unescape_md(s.value) for s in _history_tab(at).success if "dibatalkan" in s.value]
    assert f"Batch {newer} dibatalkan: 1 baris dihapus" in said
    assert "laporan_september.xlsx" in said and created in said
    # the history tells the truth: the undone batch is marked so, the other is saved
    history = at.dataframe[0].value.set_index("Batch")
    assert history.loc[newer, "Status"] == "dibatalkan"
    assert history.loc[older, "Status"] == "tersimpan"
    # the user column: who imported through the app (no user in the store: the local operator)
    from kpi.access import local_operator

    assert history.loc[older, "Pengguna"] == history.loc[newer, "Pengguna"] == local_operator().name


def test_an_undo_that_cannot_be_done_says_why_and_changes_nothing(register_db: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    _run(at)
    at.switch_page("pages/impor.py")
    _run(at)
    first = _commit_through_page(at, "a.xlsx", [("P-001", "2023-08", 7)])
    second = _commit_through_page(at, "b.xlsx", [("P-001", "2023-08", 8)])  # replaces it
    place = _tabs_place(at)
    at.selectbox(key="impor_batch").set_value(first)
    _run(at)
    at.button(key=f"impor_undo_{first}").click()
    _run(at)
    errors = [unescape_md(e.value) for e in _history_tab(at).error]  # said on the history tab
    assert any(first in e and second in e and "lebih dulu" in e for e in errors), errors
    assert _status(register_db)[first] == _status(register_db)[second] == "committed"
    assert open_store(register_db).scalar("SELECT kunjungan FROM laporan_bulanan") == 8
    assert _tabs_place(at) == place


def test_a_repeated_undo_changes_no_other_batch(register_db: Path) -> None:
    store = Store(register_db)
    try:
        a = commit(store, plan_import(store, [("a.xlsx", _monthly("P-001", "2023-08"))]))
        b = commit(store, plan_import(store, [("b.xlsx", _monthly("P-002", "2023-09"))]))
        undo(store, b.batch_id)
        with pytest.raises(StoreError, match="already been undone"):
            undo(store, b.batch_id)  # a double click: refused, nothing else touched
        assert (
            store.scalar("SELECT count(*) FROM laporan_bulanan WHERE batch_id = ?", [a.batch_id])
            == 1
        )
        status = store.query("SELECT batch_id, status FROM import_batch")
        assert dict(zip(status.batch_id, status.status, strict=True))[a.batch_id] == "committed"
    finally:
        store.close()


def _monthly(kode: str, periode: str, value: int = 5) -> bytes:
    return fx.workbook({"L": fx.monthly_rows([(kode, periode, value)])})


# ---------------------------------------------------------------------------------------------
# 2. undo against a commit: the checks run under the writer lock


def test_an_undo_waiting_for_a_commit_sees_it(
    register_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case 2 replayed step by step: batch A is committed; a commit of B (which replaces A's
    values) holds the writer lock; an undo of A is asked for meanwhile and waits for the lock.
    Before issue 11 the undo checked A before waiting, passed on stale data, marked A undone and
    removed 0 rows. Now it checks once it holds the lock: it sees B and refuses."""
    commit_module = sys.modules["kpi.ingest.commit"]  # the module, not the function

    store = Store(register_db)
    try:
        a = commit(store, plan_import(store, [("a.xlsx", _monthly("P-001", "2023-08", 7))]))
        plan_b = plan_import(store, [("b.xlsx", _monthly("P-001", "2023-08", 8))])
        in_commit, undo_waits = threading.Event(), threading.Event()

        class WatchedLock:
            """The store's writer lock, telling when the undo thread starts waiting for it."""

            def __init__(self, lock: Any) -> None:
                self._lock = lock

            def __enter__(self) -> Any:
                if threading.current_thread().name == "undo":
                    undo_waits.set()
                return self._lock.__enter__()

            def __exit__(self, *exc: Any) -> Any:
                return self._lock.__exit__(*exc)

        monkeypatch.setattr(store, "_write_lock", WatchedLock(store._write_lock))
        real_write_table = commit_module.write_table

        def slow_write_table(*args: Any, **kwargs: Any) -> Any:
            in_commit.set()  # B is inside its transaction, holding the lock
            assert undo_waits.wait(timeout=30), "the undo never asked for the lock"
            return real_write_table(*args, **kwargs)

        monkeypatch.setattr(commit_module, "write_table", slow_write_table)
        outcome: dict[str, Any] = {}

        def run_undo() -> None:
            try:
                outcome["undo"] = undo(store, a.batch_id)
            except StoreError as exc:
                outcome["refused"] = exc

        committer = threading.Thread(target=lambda: outcome.setdefault("b", commit(store, plan_b)))
        committer.start()
        assert in_commit.wait(timeout=30)
        undoer = threading.Thread(target=run_undo, name="undo")
        undoer.start()
        committer.join(timeout=60)
        undoer.join(timeout=60)
        assert not committer.is_alive() and not undoer.is_alive()
        # the undo saw B: refused, and A is exactly as committed (its row in B's history)
        assert "refused" in outcome and outcome["b"].batch_id in str(outcome["refused"])
        status = store.query("SELECT batch_id, status FROM import_batch")
        status = dict(zip(status.batch_id, status.status, strict=True))
        assert status[a.batch_id] == status[outcome["b"].batch_id] == "committed"
        assert store.scalar("SELECT kunjungan FROM laporan_bulanan") == 8
        # and B can be undone, giving A's value back to a batch that can still be undone
        undo(store, outcome["b"].batch_id)
        assert store.scalar("SELECT batch_id FROM laporan_bulanan") == a.batch_id
        undo(store, a.batch_id)
        assert store.scalar("SELECT count(*) FROM laporan_bulanan") == 0
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# 5. a damaged database file says so


def _damaged(kind: str, good: Path, out: Path) -> Path:
    data = good.read_bytes()
    if kind == "truncated":
        out.write_bytes(data[: len(data) // 2])
    elif kind == "random":
        out.write_bytes(os.urandom(300_000))
    elif kind == "empty":
        out.write_bytes(b"")
    else:  # a block in the middle overwritten
        b = bytearray(data)
        mid = len(b) // 2
        b[mid : mid + 200_000] = b"\xab" * 200_000
        out.write_bytes(bytes(b))
    return out


DAMAGE = ("truncated", "random", "empty", "overwritten")


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_file_on_the_command_line(
    demo_db_template: Path, tmp_path: Path, kind: str
) -> None:
    db = _damaged(kind, demo_db_template, tmp_path / "damaged.duckdb")
    for args in (
        ["kpis", "--db", str(db), "--level", "provinsi", "--period", "2024"],
        ["summary", "--db", str(db)],
        ["priorities", "--db", str(db)],
    ):
        done = _cli(*args)
        assert done.returncode == 2, (args, done.stdout[:300])
        assert "Traceback" not in done.stderr, done.stderr[-2000:]
        assert str(db) in done.stderr
        assert "rusak atau tidak dapat dibaca" in done.stderr
        assert "damaged or unreadable" in done.stderr and "backup copy" in done.stderr
        assert "another process" not in done.stderr and "proses lain" not in done.stderr


@pytest.mark.parametrize("kind", ("truncated", "random"))
def test_a_damaged_file_in_the_app(
    demo_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    db = _damaged(kind, demo_db_template, tmp_path / "damaged.duckdb")
    close_all()
    for page in (None, "pages/prioritas.py"):
        at = app_test(db, monkeypatch, page, timeout=120)
        at.run()
        assert not at.exception
        errors = [e.value for e in at.error]
        assert any(str(db) in e and "rusak" in e and "salinan cadangan" in e for e in errors), (
            errors
        )
        assert not any("proses lain" in e for e in errors)
    close_all()


def test_only_a_held_file_is_blamed_on_another_process(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ready', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        done = _cli("summary", "--db", str(db))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "sedang dipakai proses lain" in done.stderr and "rusak" not in done.stderr
        assert f"PID {holder.pid}" in done.stderr  # who holds it
    finally:
        holder.kill()
        holder.wait()


# ---------------------------------------------------------------------------------------------
# 6. the smaller ones


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"type": "FeatureCollection", "features": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        + b'{"a": ' * 500
        + b"1"
        + b"}" * 500
        + b', "geometry": null}]}',
    ],
    ids=["arrays", "features", "properties"],
)
def test_deeply_nested_geojson_gets_a_clear_message(data: bytes) -> None:
    with pytest.raises(boundaries.BoundaryError) as err:
        boundaries.read_geojson(data)
    assert err.value.key == "terlalu_dalam"


def test_deeply_nested_geojson_on_the_settings_page(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(app_test(demo_db, monkeypatch, "pages/pengaturan.py", timeout=180))
    at.file_uploader(key="pg_batas_file").set_value(
        ("dalam.geojson", b"[" * 100_000 + b"]" * 100_000, "application/json")
    )
    _run(at)
    assert any("bersarang terlalu dalam" in e.value for e in at.error), [e.value for e in at.error]


def test_undoing_the_demo_from_the_command_line_clears_it_for_good(demo_db: Path) -> None:
    store = Store(demo_db)
    batch = store.scalar("SELECT batch_id FROM import_batch WHERE sumber = 'demo'")
    store.close()
    done = _cli("undo", batch, "--db", str(demo_db))
    assert done.returncode == 0, done.stderr
    store = Store(demo_db)
    try:
        assert store.is_empty() and not store.has_demo()
        assert store.get_meta("demo_dibersihkan") is not None
        assert not store.should_load_demo()  # the next start does not load it again
    finally:
        store.close()


def test_clearing_the_demo_on_the_import_page_asks_first(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(app_test(demo_db, monkeypatch, "pages/impor.py", timeout=180))
    popovers = [
        n for n in at.main if n.type == "popover" and n.proto.popover.label == "Hapus data demo"
    ]
    assert len(popovers) == 2  # the banner's and the import page's, each asking the same
    store = open_store(demo_db)
    assert store.has_demo()  # opening the page (or the popover) deletes nothing
    confirm = at.button(key="impor_clear_demo")
    assert confirm.label == "Ya, hapus semua data demo"
    confirm.click()
    _run(at)
    assert not store.has_demo() and not store.should_load_demo()


def test_the_user_column_says_who_imported(register_db: Path, tmp_path: Path) -> None:
    source = tmp_path / "laporan.xlsx"
    source.write_bytes(_monthly("P-001", "2023-08"))
    done = _cli("import", str(source), "--db", str(register_db), "--user", "analis.ntb")
    assert done.returncode == 0, done.stderr
    done = _cli("batches", "--db", str(register_db), "--format", "json")
    rows = json.loads(done.stdout)  # valid JSON: no NaN for an unknown user
    assert {r["user"] for r in rows} == {None, "analis.ntb"}  # the register came without one
    assert "NaN" not in done.stdout


def test_the_live_markup_check_lets_only_the_apps_own_page_links_through() -> None:
    """The app's relative link to its own page beside escaped stored text is not live stored
    text; a stored link, or a page link that carries a scheme, still is."""
    escaped = "**\\[Login\\](http\\:\u2060//example.invalid/phish)**"
    own = "[Buka profil](profil?kode=DES-1&tingkat=perpustakaan&lang=id)"
    assert hf.live_markup({"markdown": [f"{escaped} · {own}"], "plotly": []}) == []
    assert hf.live_markup({"markdown": [f"[Login](http://example.invalid/x) {own}"], "plotly": []})
    assert hf.live_markup({"markdown": ["[x](profil?u=http://example.invalid)"], "plotly": []})
