"""``python -m kpi migrate-to-pg``: an embedded DuckDB file moved into an empty PostgreSQL store
gives the same figures, priorities and exports to the last digit (the comparison of
tests/test_pg_same_figures.py), holds every table's rows as the file does, keeps the audit
trail's hash chain whole; a store that is not empty is refused in both languages and left as
it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_pg_same_figures import CORPUS, FILES, _first_difference, cli, figures

from kpi.__main__ import main
from kpi.store import Store


def _contents(store: Store) -> dict[str, Any]:
    """Each table's row count and a checksum of every column (as the reads see them)."""
    out = {}
    for table in store.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    )["table_name"]:
        out[table] = (
            store.cursor()
            .execute(f'SELECT count(*), sum(hash(COLUMNS(*))) FROM "{table}"')
            .fetchall()
        )
    return out


@pytest.fixture
def embedded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A file in use: the real corpus imported (archived files, history), a batch undone, a
    user, a setting."""
    db = str(tmp_path / "kantor.duckdb")
    batches = []
    for name in FILES:
        out = json.loads(cli(capsys, ["import", str(CORPUS / name), "--db", db, "--json"]))
        batches.append(out["batch_id"])
    again = json.loads(cli(capsys, ["import", str(CORPUS / FILES[1]), "--db", db, "--json"]))
    cli(capsys, ["undo", again["batch_id"], "--db", db])
    cli(
        capsys,
        ["users", "add", "ana", "--role", "analis", "--email", "ana@example.org"]
        + ["--no-password", "--db", db],
    )
    store = Store(db)
    try:
        store.set_setting("bahasa", "en")
    finally:
        store.close()
    return db


def test_a_moved_file_gives_the_same_figures_priorities_and_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_url: str, embedded: str
) -> None:
    out = json.loads(cli(capsys, ["migrate-to-pg", "--from", embedded, "--to", pg_url, "--json"]))
    assert out["rows"]["laporan_bulanan"] > 0 and out["rows"]["import_file"] == len(FILES) + 1

    periods = ["2024-01..2024-03", "2024"]
    before = figures(capsys, embedded, tmp_path / "e", periods)
    after = figures(capsys, pg_url, tmp_path / "p", periods)
    for key in before:
        assert after[key] == before[key], (key, _first_difference(before[key], after[key]))
    quarter = {r["kode"]: r for r in before["kpis provinsi 2024-01..2024-03"]}
    assert quarter["32"]["kunjungan"] == 31590  # hand-summed in tests/test_import_corpus.py

    file, pg = Store(embedded, read_only=True), Store(pg_url)
    try:
        want, got = _contents(file), _contents(pg)
        assert set(got) == set(want)
        assert [t for t in want if t != "meta" and got[t] != want[t]] == []
        assert pg.get_setting("bahasa") == "en"
        assert pg.scalar("SELECT peran FROM pengguna WHERE nama = 'ana'") == "analis"
        contents = pg.scalar("SELECT sum(octet_length(content)) FROM import_file")
        assert contents == file.scalar("SELECT sum(octet_length(content)) FROM import_file")
    finally:
        file.close()
        pg.close()
    cli(capsys, ["audit", "--verify", "--db", pg_url])  # the hash chain came over whole


def test_a_store_that_is_not_empty_is_refused_in_both_languages_and_left_as_it_was(
    capsys: pytest.CaptureFixture[str], pg_url: str, embedded: str
) -> None:
    cli(capsys, ["migrate-to-pg", "--from", embedded, "--to", pg_url])
    store = Store(pg_url)
    try:
        rows = store.scalar("SELECT count(*) FROM laporan_bulanan")
    finally:
        store.close()
    assert main(["migrate-to-pg", "--from", embedded, "--to", pg_url]) == 2
    err = capsys.readouterr().err
    assert "tidak kosong" in err and "is not empty" in err and "laporan_bulanan" in err
    assert "Traceback" not in err
    store = Store(pg_url)
    try:
        assert store.scalar("SELECT count(*) FROM laporan_bulanan") == rows
    finally:
        store.close()


def test_a_missing_file_or_a_target_that_is_no_url_is_said_plainly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_url: str, embedded: str
) -> None:
    assert main(["migrate-to-pg", "--from", str(tmp_path / "tidak.duckdb"), "--to", pg_url]) == 2
    err = capsys.readouterr().err
    assert "tidak ada" in err and "does not exist" in err and "tidak.duckdb" in err
    assert main(["migrate-to-pg", "--from", embedded, "--to", str(tmp_path / "x.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "URL PostgreSQL" in err and "PostgreSQL URL" in err
