"""python -m kpi import / batches / undo / context: flags, JSON and exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ingest_fixtures as fx

from kpi.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


def run_json(capsys, argv: list[str]) -> tuple[int, object]:  # noqa: ANN001
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_import_json_exit_codes_batches_undo(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    db = str(tmp_path / "cli.duckdb")
    register = tmp_path / "register.csv"
    register.write_bytes(fx.register_csv())
    good = tmp_path / "laporan.xlsx"
    good.write_bytes(fx.workbook({"L": fx.monthly_rows([("P-001", "2023-08", "1.234")])}))
    mixed = tmp_path / "campur.xlsx"
    mixed.write_bytes(
        fx.workbook({"L": fx.monthly_rows([("P-002", "2023-08", 5), ("P-404", "2023-08", 1)])})
    )
    picture = tmp_path / "foto.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    # a dry run: everything accepted, nothing written
    code, out = run_json(
        capsys, ["import", str(register), str(good), "--db", db, "--dry-run", "--json"]
    )
    assert code == 0
    assert out["batch_id"] is None and out["dry_run"] is True
    assert (out["accepted"], out["rejected"], out["added"]) == (4, 0, 4)
    code, batches = run_json(capsys, ["batches", "--db", db, "--format", "json"])
    assert batches == []

    code, out = run_json(capsys, ["import", str(register), str(good), "--db", db, "--json"])
    assert code == 0 and out["batch_id"]
    sheet = out["files"][1]["sheets"][0]
    assert sheet == {
        "sheet": "L",
        "kind": "laporan_bulanan",
        "header_row": 1,
        "rows": 1,
        "accepted": 1,
        "rejected": 0,
        "skipped_reason": None,
    }
    first_batch = out["batch_id"]

    # some rows rejected: exit 1, the issue names the analyst's row and column
    code, out = run_json(capsys, ["import", str(mixed), "--db", db, "--json"])
    assert code == 1
    assert (out["accepted"], out["rejected"], out["added"]) == (1, 1, 1)
    (issue,) = out["issues"]
    assert issue["row"] == 3 and issue["column"] == "Kode Perpustakaan"
    assert issue["rule"] == "perpustakaan_tidak_dikenal"
    assert set(issue) == {"file", "sheet", "row", "column", "value", "rule", "message"}

    # nothing importable: exit 2
    code, out = run_json(capsys, ["import", str(picture), "--db", db, "--json", "--lang", "en"])
    assert code == 2
    assert out["batch_id"] is None
    assert out["files"][0]["status"] == "refused"
    assert "not a spreadsheet" in out["files"][0]["message"]

    code, batches = run_json(capsys, ["batches", "--db", db, "--format", "json"])
    assert [b["batch_id"] for b in batches][-1] == first_batch
    assert batches[0]["files"] == ["campur.xlsx"]
    assert batches[0]["undone"] is False

    assert main(["undo", batches[0]["batch_id"], "--db", db]) == 0
    capsys.readouterr()
    code, batches = run_json(capsys, ["batches", "--db", db, "--format", "json"])
    assert batches[0]["undone"] is True
    assert main(["undo", batches[0]["batch_id"], "--db", db]) == 2  # already undone


def test_context_command(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    db = str(tmp_path / "ctx.duckdb")
    src = tmp_path / "iplm.xlsx"
    src.write_bytes(
        fx.workbook(
            {
                "IPLM": [
                    ["kode_provinsi", "nama_provinsi", "nilai_iplm", "nilai_tgm", "tahun"],
                    ["32", "Jawa Barat", "70,25", "66,1", 2024],
                    ["31", "DKI Jakarta", "75,1", "70", 2023],
                ]
            }
        )
    )
    assert main(["import", str(src), "--db", db]) == 0
    capsys.readouterr()
    code, rows = run_json(
        capsys, ["context", "--db", db, "--indicator", "iplm", "--year", "2024", "--format", "json"]
    )
    assert code == 0
    assert rows == [
        {
            "kode": "32",
            "nama": rows[0]["nama"],
            "tingkat": "provinsi",
            "indikator": "IPLM",
            "tahun": 2024,
            "nilai": 70.25,
        }
    ]
    assert "Jawa Barat" in rows[0]["nama"]
    assert main(["context", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "kode,nama,tingkat,indikator,tahun,nilai"
    assert len(lines) == 5


def test_module_entry_point(tmp_path: Path) -> None:
    src = tmp_path / "lap.csv"
    src.write_bytes(fx.cp1252_semicolon_csv())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi",
            "import",
            str(src),
            "--db",
            str(tmp_path / "x.duckdb"),
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # no register yet: every row refers to an unknown library
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["accepted"] == 0 and out["rejected"] == 2


def test_size_is_checked_before_the_file_is_read(
    tmp_path: Path,
    capsys,
    monkeypatch,  # noqa: ANN001
) -> None:
    from kpi.commands import import_ as cmd
    from kpi.store import Store

    db = tmp_path / "size.duckdb"
    store = Store(db)
    store.set_setting("impor.batas_ukuran_mb", 0.01)  # 10 KB
    store.close()
    big = tmp_path / "besar.csv"
    big.write_bytes(fx.register_csv() + b"x" * 20_000)
    small = tmp_path / "kecil.csv"
    small.write_bytes(fx.register_csv())
    read: list[str] = []
    original = cmd._read

    def spy(path: str) -> bytes | None:
        read.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(cmd, "_read", spy)
    code, out = run_json(capsys, ["import", str(big), str(small), "--db", str(db), "--json"])
    assert read == ["kecil.csv"]  # the large one was never read
    assert code == 1 and out["accepted"] == 3
    refused = next(f for f in out["files"] if f["file"] == "besar.csv")
    assert refused["status"] == "refused" and "melebihi batas 0.01 MB" in refused["message"]
