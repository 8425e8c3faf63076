"""python -m kpi serve: what it refuses, the nginx configuration it renders, and one server
behind nginx started and stopped as a person does (the README's command, Ctrl-C / SIGTERM)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kpi.__main__ import main
from kpi.serve import (
    NGINX,
    STOP_TIMEOUT,
    ServeError,
    check_servers,
    free_port,
    is_server_url,
    render_nginx_conf,
)

ROOT = Path(__file__).resolve().parent.parent
needs_nginx = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is missing (apt-get install nginx; .ci/run does)"
)


def test_a_postgresql_url_is_a_server_store_and_a_file_is_not() -> None:
    assert is_server_url("postgresql://tpbis@127.0.0.1:5432/tpbis")
    assert is_server_url("postgres://u:p@h/db")
    assert not is_server_url("/data/tpbis.duckdb")
    assert not is_server_url("postgresql.duckdb")
    assert not is_server_url(None)


def test_several_servers_on_one_duckdb_file_are_refused_in_both_languages() -> None:
    with pytest.raises(ServeError) as caught:
        check_servers(2, "/data/tpbis.duckdb", "/data/tpbis.duckdb")
    exc = caught.value
    assert "tidak dapat berbagi satu berkas DuckDB (/data/tpbis.duckdb)" in exc.message_id
    assert "cannot share one DuckDB file (/data/tpbis.duckdb)" in exc.message_en
    for text in (exc.message_id, exc.message_en):
        assert "postgresql://" in text and "--servers 1" in text
    check_servers(1, "/data/tpbis.duckdb", "/data/tpbis.duckdb")  # one server: the file works
    check_servers(4, "postgresql://tpbis@127.0.0.1/tpbis", "127.0.0.1/tpbis")
    with pytest.raises(ServeError):
        check_servers(0, "postgresql://tpbis@127.0.0.1/tpbis", "x")


def test_the_command_refuses_two_servers_on_a_file_without_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.duckdb"
    assert main(["serve", "--servers", "2", "--port", str(free_port()), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"2 server tidak dapat berbagi satu berkas DuckDB ({db})" in err
    assert f"2 servers cannot share one DuckDB file ({db})" in err
    assert "Traceback" not in err
    assert not db.exists()  # nothing was started, not even the store


def test_the_rendered_configuration_names_every_server_and_its_backups(tmp_path: Path) -> None:
    text = render_nginx_conf(tmp_path, "127.0.0.1:8080", [7001, 7002, 7003], run_as_root=True)
    assert "{{" not in text
    assert text.count("user nobody nogroup;") == 1
    assert "listen 127.0.0.1:8080;" in text
    assert f"pid {tmp_path}/nginx.pid;" in text
    # one upstream per server: that server first, every other as its backup
    block = re.search(r"upstream tpbis_s2 \{(.*?)\}", text, re.S)
    assert block is not None
    lines = [line.strip() for line in block.group(1).strip().splitlines()]
    assert lines == [
        "server 127.0.0.1:7002 max_fails=1 fail_timeout=10s;",
        "server 127.0.0.1:7001 max_fails=1 fail_timeout=10s backup;",
        "server 127.0.0.1:7003 max_fails=1 fail_timeout=10s backup;",
    ]
    new = re.search(r"upstream tpbis_any \{(.*?)\}", text, re.S)
    assert new is not None and "least_conn;" in new.group(1)
    assert new.group(1).count("server 127.0.0.1:") == 3
    for i in (1, 2, 3):
        assert f"s{i} tpbis_s{i};" in text
    assert '"~127\\.0\\.0\\.1:7003$" s3;' in text
    # the websocket is upgraded and kept open
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_read_timeout 86400s;" in text
    not_root = render_nginx_conf(tmp_path, "127.0.0.1:8080", [7001], run_as_root=False)
    assert "user nobody" not in not_root


@needs_nginx
def test_nginx_accepts_the_rendered_configuration(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_nginx_conf(tmp_path, "127.0.0.1:8080", [7001, 7002]))
    (tmp_path / "tmp").mkdir()
    os.chmod(tmp_path, 0o755)
    done = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "e.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@needs_nginx
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_one_server_on_the_embedded_file_behind_nginx_starts_and_stops_with_no_orphan(
    demo_db: Path, tmp_path: Path, sig: int
) -> None:
    port = free_port()
    out = tmp_path / "serve.out"
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kpi", "serve", "--servers", "1", "--port", str(port)]
            + ["--db", str(demo_db)],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while url not in out.read_text():
            assert proc.poll() is None, out.read_text()
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.25)
        children = _children(proc.pid)
        names = {Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")[0] for p in children}
        assert any(b"nginx" in n for n in names) and any(b"python" in n for n in names)
        with urllib.request.urlopen(url + "_stcore/health", timeout=10) as response:
            assert response.read() == b"ok"
            cookies = response.headers.get_all("Set-Cookie")
            assert any(c.startswith("tpbis_srv=s1; Path=/") for c in cookies), cookies
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"<title>" in response.read()  # Streamlit's page, through nginx
        if sig == signal.SIGTERM:  # a server that dies is started again, on its port
            (app,) = [
                p for p in children if b"streamlit" in Path(f"/proc/{p}/cmdline").read_bytes()
            ]
            os.kill(app, signal.SIGKILL)
            deadline = time.monotonic() + 120
            while "restarting" not in out.read_text():
                assert time.monotonic() < deadline, out.read_text()
                time.sleep(0.25)
            while True:
                try:
                    with urllib.request.urlopen(url + "_stcore/health", timeout=5) as response:
                        if response.read() == b"ok":
                            break
                except OSError:
                    pass
                assert time.monotonic() < deadline, out.read_text()
                time.sleep(0.25)
            children = _children(proc.pid)
        proc.send_signal(sig)
        # the command's own worst case: nginx and the server each given STOP_TIMEOUT to stop,
        # then killed and waited for again (one such stop ran past 60 s under the suite's load)
        assert proc.wait(timeout=4 * STOP_TIMEOUT + 15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in children if _alive(p)] == []
    text = out.read_text()
    assert "Traceback" not in text and "berhenti / stopped" in text
    # its folder (configuration, logs, snapshot) went with it
    folder = re.search(r"log (/\S+)/server-1/streamlit\.log", text)
    assert folder is not None and not Path(folder.group(1)).exists()


@needs_nginx
@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate")
def test_nginx_accepts_the_example_site_for_a_real_server(tmp_path: Path) -> None:
    """deploy/nginx-site.example.conf, with a throw-away certificate and free ports in place of
    its placeholders, inside a minimal main configuration."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    site = (ROOT / "deploy" / "nginx-site.example.conf").read_text()
    assert site.count("CHANGE-ME") >= 3
    site = (
        site.replace("/etc/ssl/certs/CHANGE-ME-fullchain.pem", str(cert))
        .replace("/etc/ssl/private/CHANGE-ME.key", str(key))
        .replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{free_port()} ssl;")
        .replace("listen [::]:80;", "")
        .replace("listen [::]:443 ssl;", "")
    )
    (tmp_path / "site.conf").write_text(site)
    main_conf = tmp_path / "nginx.conf"
    main_conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{ include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "e.log"), "-c", str(main_conf)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
