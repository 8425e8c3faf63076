"""python -m kpi users / import --as / undo --as / audit: what an operator types, and every
refusal with its message."""

from __future__ import annotations

import getpass
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import access_fixtures as ax
import duckdb
import ingest_fixtures as fx
import pytest
from access_fixtures import fast_hashes  # noqa: F401 - a fixture

from kpi import auth
from kpi.__main__ import main
from kpi.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(tmp_path: Path, fast_hashes: None) -> str:  # noqa: F811
    path = tmp_path / "cli.duckdb"
    store = Store(path)
    ax.seed(store)
    store.close()
    return str(path)


def test_users_add_list_grant_disable_reset(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = lambda argv, stdin="": _cli(capsys, monkeypatch, [*argv, "--db", db], stdin)  # noqa: E731
    code, out, err = run(["users", "add", "admin", "--role", "admin", "--password-stdin"],
                         "sandi-admin-01\n")  # fmt: skip
    assert code == 0 and out == "user admin added: role admin, view all, capture none\n"
    assert "Login is now on" in err and "Login kini aktif" in err
    code, out, err = run(
        ["users", "add", "ana.bogor", "--role", "analis", "--view", "32",
         "--capture", "Kab. Bogor", "--password-stdin"],
        "sandi-ana-0001\n",
    )  # fmt: skip
    assert code == 0 and out == "user ana.bogor added: role analis, view 32, capture 3201\n"
    assert err == ""
    code, out, _ = run(["users", "add", "boss", "--role", "pimpinan", "--capture", "32",
                        "--password-stdin"], "sandi-boss-001\n")  # fmt: skip
    assert code == 0
    code, out, _ = run(["users", "list", "--format", "json"])
    rows = json.loads(out)
    assert [(r["name"], r["role"], r["view"], r["capture"]) for r in rows] == [
        ("admin", "admin", [], []),
        ("ana.bogor", "analis", ["32"], ["3201"]),
        ("boss", "pimpinan", [], ["32"]),
    ]
    assert "sandi" not in out and "argon2" not in out
    code, out, _ = run(["users", "list"])
    assert out.splitlines()[0].split()[:4] == ["name", "role", "view", "capture"]
    assert out.splitlines()[2].split()[:5] == ["ana.bogor", "analis", "32", "3201", "enabled"]
    code, out, err = run(["users", "grant", "ana.bogor", "--capture", "3201,3202"])
    assert code == 0 and out == "user ana.bogor: role analis, view 32, capture 3201, 3202\n"
    code, out, err = run(["users", "grant", "ana.bogor"])
    assert code == 2 and "nothing to change" in err
    code, out, _ = run(["users", "disable", "boss"])
    assert code == 0 and out == "user boss disabled\n"
    code, out, _ = run(["users", "reset-password", "boss", "--password-stdin"], "sandi-baru-002\n")
    assert code == 0 and "reset" in out
    code, out, err = run(["users", "disable", "admin"])
    assert code == 2 and "last enabled administrator" in err and "administrator aktif" in err
    # what the operator typed never shows
    store = Store(db)
    try:
        assert auth.authenticate(store, "boss", "sandi-baru-002").status == "disabled"
        events = store.query("SELECT pelaku, peran, aksi FROM jejak_audit ORDER BY seq")
    finally:
        store.close()
    me = getpass.getuser()
    assert set(events["pelaku"][events["aksi"].str.startswith("user")]) == {me}
    assert set(events["peran"][events["aksi"].str.startswith("user")]) == {"lokal"}


def test_the_password_is_asked_twice_and_never_echoed(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []
    answers = iter(["rahasia-dua-kali", "rahasia-dua-kali", "satu-123456", "dua-1234567"])

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    code, out, err = _cli(capsys, monkeypatch, ["users", "add", "ani", "--role", "pimpinan",
                                                "--db", db])  # fmt: skip
    assert code == 0 and prompts == ["Kata sandi baru / new password: ", "Ulangi / repeat: "]
    assert "rahasia" not in out + err
    code, out, err = _cli(capsys, monkeypatch, ["users", "reset-password", "ani", "--db", db])
    assert code == 2 and "The two passwords differ" in err and "satu" not in out + err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["users", "add", "x", "--role", "analis", "--password-stdin"], "The password is empty"),
        (["users", "add", "a b", "--role", "analis", "--password-stdin"], "not valid"),
        (
            ["users", "add", "x", "--role", "analis", "--view", "99", "--password-stdin"],
            "Area '99' is not a known",
        ),  # fmt: skip
        (["users", "add", "x", "--role", "analis", "--no-password"], "single sign-on"),
        (["users", "disable", "siapa"], "does not exist"),
        (["users", "grant", "siapa", "--role", "analis"], "does not exist"),
    ],
)
def test_users_refusals(
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    says: str,
) -> None:
    code, out, err = _cli(capsys, monkeypatch, [*argv, "--db", db], "\n")
    assert code == 2 and says in err and "Traceback" not in err


def test_a_role_unknown_to_the_command_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["users", "add", "x", "--role", "superuser", "--db", db])
    assert exc.value.code == 2 and "invalid choice: 'superuser'" in capsys.readouterr().err


def test_users_as_a_non_administrator(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(db)
    ax.team(store)
    store.close()
    code, _, err = _cli(capsys, monkeypatch, ["users", "add", "baru", "--role", "admin",
                                              "--password-stdin", "--db", db, "--as",
                                              "ana.bogor"], "sandi-baru-0001\n")  # fmt: skip
    assert code == 2 and "ana.bogor (role Analyst) may not manage users" in err
    code, out, _ = _cli(capsys, monkeypatch, ["users", "disable", "pimpinan", "--db", db,
                                              "--as", "admin"])  # fmt: skip
    assert code == 0
    store = Store(db)
    try:
        last = store.query("SELECT pelaku, aksi FROM jejak_audit ORDER BY seq DESC LIMIT 2")
    finally:
        store.close()
    assert last.values.tolist() == [["admin", "user.disable"], ["ana.bogor", "access.refused"]]


def _mixed(tmp_path: Path) -> str:
    path = tmp_path / "campur.xlsx"
    path.write_bytes(
        fx.workbook({"L": fx.monthly_rows([("P-001", "2024-08", 120), ("P-101", "2024-08", 80)])})
    )
    return str(path)


def test_import_as_a_kabkota_analyst(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(db)
    ax.team(store)
    store.close()
    argv = ["import", _mixed(tmp_path), "--db", db, "--json", "--lang", "en"]
    code, out, _ = _cli(capsys, monkeypatch, [*argv, "--as", "ana.bogor"])
    result = json.loads(out)
    assert code == 1 and (result["accepted"], result["rejected"], result["added"]) == (1, 1, 1)
    (issue,) = result["issues"]
    assert (issue["file"], issue["sheet"], issue["row"], issue["column"], issue["value"]) == (
        "campur.xlsx",
        "L",
        3,
        "Kode Perpustakaan",
        "P-101",
    )
    assert issue["message"] == (
        "Outside your capture areas (Kabupaten Bogor (32.01)): the library P-101 is in "
        "Kabupaten Sukabumi (32.02). This row is not imported."
    )
    code, out, _ = _cli(capsys, monkeypatch, ["batches", "--db", db, "--format", "json"])
    assert json.loads(out)[0]["user"] == "ana.bogor"
    code, out, _ = _cli(
        capsys, monkeypatch, ["audit", "--db", db, "--format", "json", "--action", "import"]
    )
    events = json.loads(out)
    assert [(e["pelaku"], e["peran"]) for e in events] == [
        (getpass.getuser(), "lokal"),  # the register, without --as
        ("ana.bogor", "analis"),
    ]
    assert events[1]["rincian"]["added"] == 1 and events[1]["waktu"].endswith("Z")
    # the human report says the same, in Indonesian by default
    code, out, _ = _cli(capsys, monkeypatch, ["import", _mixed(tmp_path), "--db", db,
                                              "--dry-run", "--as", "ana.bogor"])  # fmt: skip
    assert "campur.xlsx / L row 3, Kode Perpustakaan: Di luar wilayah input Anda" in out


@pytest.mark.parametrize(
    ("who", "says_en", "says_id"),
    [
        ("pimpinan", "pimpinan (role Leadership) may not import data", "tidak boleh mengimpor"),
        ("siapa", "There is no user siapa (--as)", "Tidak ada pengguna siapa"),
        ("ana.tanpa", "no capture areas yet", "belum punya wilayah input"),
        ("ana.nonaktif", "the user ana.nonaktif is disabled", "dinonaktifkan"),
    ],
)
def test_import_as_refusals(
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    says_en: str,
    says_id: str,
) -> None:
    store = Store(db)
    ax.team(store)
    ax.add(store, "ana.tanpa", "analis")
    ax.add(store, "ana.nonaktif", "analis", capture="3201")
    from kpi import users

    users.set_disabled(store, "ana.nonaktif")
    store.close()
    code, out, err = _cli(capsys, monkeypatch, ["import", _mixed(tmp_path), "--db", db,
                                                "--as", who])  # fmt: skip
    assert code == 2 and says_en in err and says_id in err and "Traceback" not in err
    store = Store(db)
    try:
        assert store.scalar("SELECT count(*) FROM laporan_bulanan") == 0
        last = store.query("SELECT pelaku, aksi FROM jejak_audit ORDER BY seq DESC LIMIT 1")
    finally:
        store.close()
    assert last.values.tolist() == [[who, "access.refused"]]


def test_undo_as(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(db)
    ax.team(store)
    ax.add(store, "ani.sukabumi", "analis", capture="3202")
    store.close()
    code, out, _ = _cli(capsys, monkeypatch, ["import", _mixed(tmp_path), "--db", db, "--json"])
    batch = json.loads(out)["batch_id"]
    code, _, err = _cli(capsys, monkeypatch, ["undo", batch, "--db", db, "--as", "ana.bogor"])
    assert code == 2 and f"may not undo batch {batch}" in err and "Kabupaten Sukabumi" in err
    code, _, err = _cli(capsys, monkeypatch, ["undo", batch, "--db", db, "--as", "pimpinan"])
    assert code == 2 and "may not undo imports" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    store = Store(db)
    from kpi import users

    users.grant(store, "ana.bogor", capture="3201,3202")
    store.close()
    code, out, _ = _cli(capsys, monkeypatch, ["undo", batch, "--db", db, "--as", "ana.bogor"])
    assert code == 0 and out.startswith(f"{batch}: undone, 2 rows removed")


def test_audit_formats_and_filters(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = Store(db)
    ax.team(store)
    # a name typed at the sign-in form is kept as typed: a formula in it stays text in csv
    auth.authenticate(store, '=HYPERLINK("http://x","klik")', "salah")
    store.close()
    code, out, _ = _cli(capsys, monkeypatch, ["audit", "--db", db, "--format", "csv"])
    lines = out.splitlines()
    assert lines[0] == "seq,waktu,pelaku,peran,aksi,objek,wilayah,rincian"
    assert len(lines) == 1 + 6  # the register import, four users, the failed sign-in
    assert "'=hyperlink" in lines[-1] and ",=hyperlink" not in out.lower()
    csv_file = tmp_path / "jejak.csv"
    code, _, _ = _cli(capsys, monkeypatch, ["audit", "--db", db, "--format", "csv", "--out",
                                            str(csv_file), "--action", "user"])  # fmt: skip
    assert len(csv_file.read_text(encoding="utf-8").splitlines()) == 1 + 4
    code, out, _ = _cli(capsys, monkeypatch, ["audit", "--db", db, "--format", "json",
                                              "--user", getpass.getuser(), "--since",
                                              "2000-01-01"])  # fmt: skip
    assert [e["aksi"] for e in json.loads(out)] == ["import.commit", *["user.add"] * 4]
    code, out, _ = _cli(capsys, monkeypatch, ["audit", "--db", db, "--since", "2999-01-01"])
    assert out.splitlines()[1:] == []
    code, out, _ = _cli(capsys, monkeypatch, ["audit", "--db", db, "--area", "3201"])
    # the register (Jawa Barat, Jawa Tengah), the Bogor analyst, the Jawa Barat consultant
    assert [ln.split()[4] for ln in out.splitlines()[1:]] == [
        "import.commit",
        "user.add",
        "user.add",
    ]
    with pytest.raises(SystemExit):
        main(["audit", "--db", db, "--since", "kemarin"])
    assert "is not a date" in capsys.readouterr().err


def test_audit_verify_passes_then_fails_after_an_edit_and_a_deletion(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(db)
    ax.team(store)
    auth.authenticate(store, "ana.bogor", ax.PASSWORD)
    store.close()
    code, out, _ = _cli(capsys, monkeypatch, ["audit", "--db", db, "--verify"])
    assert code == 0 and out.startswith("jejak audit utuh / audit trail intact: 6 events, head ")
    con = duckdb.connect(db)
    con.execute("UPDATE jejak_audit SET pelaku = 'orang-lain' WHERE seq = 6")
    con.close()
    code, _, err = _cli(capsys, monkeypatch, ["audit", "--db", db, "--verify"])
    assert code == 1
    assert "event 6 (" in err and "login ana.bogor, orang-lain) was changed after it" in err
    assert "peristiwa 6 (" in err
    con = duckdb.connect(db)
    con.execute("UPDATE jejak_audit SET pelaku = 'ana.bogor' WHERE seq = 6")  # put back
    con.close()
    assert _cli(capsys, monkeypatch, ["audit", "--db", db, "--verify"])[0] == 0
    con = duckdb.connect(db)
    con.execute("DELETE FROM jejak_audit WHERE seq = 3")
    con.close()
    code, _, err = _cli(capsys, monkeypatch, ["audit", "--db", db, "--verify"])
    assert code == 1 and "event 3 is missing (deleted)" in err


def test_the_first_admin_from_a_fresh_shell(tmp_path: Path) -> None:
    """The README's first step, as a new operator runs it: a new process, real argon2id costs,
    the password on standard input; the file holds only its hash."""
    db = tmp_path / "baru.duckdb"
    env = {**os.environ, "TPBIS_DB": str(db)}
    secret = "Sandi-Admin-Pertama-1"
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "users", "add", "admin", "--role", "admin",
         "--password-stdin"],
        input=secret + "\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout + done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "audit", "--verify"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0 and "1 events" in done.stdout
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert secret.encode() not in data and b"$argon2id$v=19$m=65536,t=3,p=4$" in data


def test_sign_in_settings_from_the_command_line(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _cli(capsys, monkeypatch, ["users", "settings", "--db", db])
    assert code == 0 and json.loads(out) == {
        "max_attempts": 5,
        "lock_minutes": 15,
        "idle_hours": 8.0,
        "min_password": 8,
    }
    argv = ["users", "settings", "--db", db, "--max-attempts", "3", "--idle-hours", "0.5"]
    code, out, _ = _cli(capsys, monkeypatch, argv)
    assert code == 0 and json.loads(out)["max_attempts"] == 3
    assert json.loads(out)["idle_hours"] == 0.5
    code, _, err = _cli(capsys, monkeypatch, ["users", "settings", "--db", db,
                                              "--lock-minutes", "0"])  # fmt: skip
    assert code == 2 and "'lock_minutes': 0 must be a number from 1 to 1440" in err
    store = Store(db)
    ax.team(store)
    store.close()
    code, _, err = _cli(capsys, monkeypatch, ["users", "list", "--db", db, "--as", "pimpinan"])
    assert code == 2 and "may not manage users" in err
