"""Every command of ``python -m kpi`` against PostgreSQL (--db postgresql://...), and the
messages a user gets when the server cannot be reached or the database does not exist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpi.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_commands_work_on_postgresql(
    capsys: pytest.CaptureFixture[str], pg_url: str, tmp_path: Path
) -> None:
    db = ["--db", pg_url]
    code, out, err = run(
        capsys, "import", str(CORPUS / "kantor_jabar_ntb_jatim.xlsx"), *db, "--json"
    )
    assert code == 0, err
    batch = json.loads(out)["batch_id"]
    code, out, _ = run(capsys, "batches", *db, "--format", "json")
    assert code == 0 and batch in out
    code, out, _ = run(
        capsys, "kpis", *db, "--level", "provinsi", "--period", "2024-01..2024-03",
        "--kpi", "kunjungan",
    )  # fmt: skip
    assert code == 0
    assert {r["kode"]: r["kunjungan"] for r in json.loads(out)}["32"] == 31590
    code, out, err = run(capsys, "priorities", *db, "--period", "2024-03")
    assert code == 0, err
    assert json.loads(out)
    code, _, err = run(
        capsys, "users", "add", "ana", "--role", "analis", "--no-password",
        "--email", "ana@perpusnas.go.id", "--capture", "32", *db,
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "users", "grant", "ana", "--role", "konsultan", *db)
    assert code == 0, err
    code, out, _ = run(capsys, "users", "list", *db)
    assert code == 0 and "ana" in out and "konsultan" in out
    pdf = tmp_path / "rapor.pdf"
    code, _, err = run(
        capsys, "rapor", *db, "--kode", "32", "--period", "2024-03", "--out", str(pdf)
    )
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    code, out, err = run(capsys, "undo", batch, *db, "--json")
    assert code == 0, err
    assert json.loads(out)["removed"] > 0
    code, out, _ = run(capsys, "kpis", *db, "--level", "provinsi", "--period", "2024-03")
    assert code == 0 and json.loads(out) == []
    code, out, err = run(capsys, "audit", *db, "--verify")
    assert code == 0, err
    code, out, _ = run(capsys, "audit", *db, "--format", "json")
    actions = [e["aksi"] for e in json.loads(out)]
    assert {"import.commit", "user.add", "user.grant", "import.undo"} <= set(actions)


def test_demo_loads_into_postgresql(capsys: pytest.CaptureFixture[str], pg_url: str) -> None:
    code, out, err = run(capsys, "demo", "--db", pg_url, "--json")
    assert code == 0, err
    assert json.loads(out)["libraries"] > 3000
    code, out, _ = run(capsys, "kpis", "--db", pg_url, "--level", "nasional", "--period", "2024-06")
    assert code == 0 and len(json.loads(out)) == 1


def test_unreachable_server_and_unknown_database_say_so_without_the_password(
    capsys: pytest.CaptureFixture[str], pg_cluster: object
) -> None:
    from pg_fixtures import _free_port

    port = pg_cluster.port  # type: ignore[attr-defined]
    unknown = f"postgresql://postgres:rahasia@127.0.0.1:{port}/tidak_ada"
    code, out, err = run(capsys, "batches", "--db", unknown)
    assert code == 2
    assert "tidak ada" in err and "does not exist" in err
    assert "rahasia" not in err + out and "Traceback" not in err
    assert f"127.0.0.1:{port}/tidak_ada" in err
    refused = f"postgresql://postgres:rahasia@127.0.0.1:{_free_port()}/tpbis"
    code, out, err = run(capsys, "kpis", "--db", refused, "--level", "nasional", "--period", "2024")
    assert code == 2
    assert "tidak dapat dihubungi" in err and "cannot be reached" in err
    assert "rahasia" not in err + out and "Traceback" not in err


def test_large_archived_files_and_long_texts_reach_the_snapshot(pg_url: str) -> None:
    """An archived file of megabytes and a long text cell (a rejected row's content) are read
    back whole from the snapshot."""
    from kpi.store import Store

    store = Store(pg_url)
    try:
        content = bytes(range(256)) * 12_000  # 3 MB, every byte value
        text = "kolom;" * 600_000 + 'dan "kutip", koma\nbaris baru'
        with store.write() as cur:
            cur.execute(
                "INSERT INTO import_file VALUES (?, ?, ?, ?, ?, ?)",
                ["b1", 1, "besar.xlsx", "abc", len(content), content],
            )
            cur.execute(
                "INSERT INTO rejected_row (batch_id, data_baris, nilai) VALUES (?, ?, '')",
                ["b1", text],
            )
        assert store.scalar("SELECT content FROM import_file") == content
        assert store.scalar("SELECT data_baris FROM rejected_row") == text
        assert store.scalar("SELECT nilai FROM rejected_row") == ""  # '' is not NULL
        assert store.scalar("SELECT kolom IS NULL FROM rejected_row") is True
    finally:
        store.close()
