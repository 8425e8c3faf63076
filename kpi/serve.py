"""Several Streamlit servers of app.py behind nginx, on one machine: ``python -m kpi serve``.

- N servers of ``streamlit run app.py`` on free loopback ports, each headless, with its own
  folder (its log and its DuckDB snapshot: ``TPBIS_SNAPSHOT_DIR``), the same database
  (``--db``, also in ``TPBIS_DB``) and the same cookie secret (``server.cookieSecret``, so a
  sign-in cookie or an XSRF token made by one server is good on every other);
- nginx (Debian's /usr/sbin/nginx) on the public port, from deploy/nginx.conf.template rendered
  into a temporary folder (pid, logs and temporary files there): sticky sessions through the
  ``tpbis_srv`` cookie and a consistent hash, the websocket upgraded, a dead server skipped;
- every server answers /_stcore/health before the URL is printed; Ctrl-C or SIGTERM stops nginx,
  then every server; a child also gets SIGTERM if this process dies (PR_SET_PDEATHSIG), so
  nothing is left running.

One DuckDB file cannot be shared by several servers (one process may open it to write), so more
than one server needs a ``postgresql://`` store: ``check_servers`` refuses otherwise.
No Streamlit import here: every server is a child process.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from kpi.store import StoreError, is_db_url

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf.template"
NGINX = "/usr/sbin/nginx"
START_TIMEOUT = 120.0  # s: until every server answers /_stcore/health
STOP_TIMEOUT = 15.0  # s: a server that has not stopped by then is killed
SNAPSHOT_ENV = "TPBIS_SNAPSHOT_DIR"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"


class ServeError(StoreError):
    """Something the person starting the servers can act on (Indonesian and English; the
    command line prints a StoreError's two messages)."""


def is_server_url(db: str | None) -> bool:
    """A PostgreSQL URL (the store every server can share), not a DuckDB file."""
    return bool(db) and is_db_url(str(db))


def check_servers(servers: int, db: str | None, shown_db: str) -> None:
    """Refuse what cannot work: no server, or several servers on one embedded DuckDB file."""
    if servers < 1:
        raise ServeError(
            "Jumlah server (--servers) paling sedikit 1.",
            "The number of servers (--servers) must be at least 1.",
        )
    if servers > 1 and not is_server_url(db):
        raise ServeError(
            f"{servers} server tidak dapat berbagi satu berkas DuckDB ({shown_db}): satu "
            "berkas hanya dapat dibuka untuk menulis oleh satu proses. Untuk beberapa server "
            "pakai PostgreSQL: --db postgresql://PENGGUNA@HOST:5432/NAMA_DB (lihat "
            "docs/deployment.md), atau jalankan satu server: --servers 1.",
            f"{servers} servers cannot share one DuckDB file ({shown_db}): only one process "
            "may open a file to write. For several servers use PostgreSQL: "
            "--db postgresql://USER@HOST:5432/DBNAME (see docs/deployment.md), or run one "
            "server: --servers 1.",
        )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def nginx_upstreams(backends: Sequence[int]) -> dict[str, str]:
    """The parts of the template that name the servers (see deploy/nginx.conf.template):
    one upstream per server (``tpbis_s1`` ...: that server, the others as its backups), one
    for a new browser (``tpbis_any``: the server with the fewest connections), the cookie's
    name of each server and the address that identifies it."""
    peer = "max_fails=1 fail_timeout=10s"
    blocks = []
    for i, port in enumerate(backends, start=1):
        lines = [f"        server 127.0.0.1:{port} {peer};"]
        lines += [
            f"        server 127.0.0.1:{other} {peer} backup;"
            for j, other in enumerate(backends, start=1)
            if j != i
        ]
        blocks.append(f"    upstream tpbis_s{i} {{\n" + "\n".join(lines) + "\n    }")
    every = "\n".join(f"        server 127.0.0.1:{port} {peer};" for port in backends)
    blocks.append(f"    upstream tpbis_any {{\n        least_conn;\n{every}\n    }}")
    return {
        "upstreams": "\n".join(blocks),
        "pool_map": "\n".join(f"        s{i} tpbis_s{i};" for i in range(1, len(backends) + 1)),
        "served_map": "\n".join(
            f'        "~127\\.0\\.0\\.1:{port}$" s{i};' for i, port in enumerate(backends, start=1)
        ),
    }


def render_nginx_conf(
    folder: Path, listen: str, backends: Sequence[int], *, run_as_root: bool | None = None
) -> str:
    """deploy/nginx.conf.template for this run: its folder, the listen address, the servers."""
    if run_as_root is None:
        run_as_root = os.geteuid() == 0
    values = {
        # nginx's workers leave root for an unprivileged user (ignored, with a warning, else)
        "user": "user nobody nogroup;" if run_as_root else "",
        "workers": "auto",
        "dir": str(folder),
        "listen": listen,
        **nginx_upstreams(backends),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    if "{{" in text:
        raise ValueError(f"{TEMPLATE} has a placeholder that was not filled in")
    return text


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux), so no orphan stays."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def health(url: str, timeout: float = 2.0) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # loopback only
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError):
        return None


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class AppServer:
    """One Streamlit server of app.py: its port, folder, database and process."""

    index: int
    port: int
    folder: Path
    db: str | None
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def log(self) -> Path:
        return self.folder / "streamlit.log"

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO_ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ]
        if self.db and not is_server_url(self.db):
            cmd += ["--", "--db", self.db]  # a URL goes in TPBIS_DB only: no password in ps
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                cmd,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,  # Ctrl-C reaches `serve`, which stops it in order
                preexec_fn=_die_with_parent,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthy(self) -> bool:
        return self.alive() and health(f"{self.url}_stcore/health") == "ok"

    def stop(self) -> None:
        _stop(self.proc, signal.SIGTERM)


def _stop(proc: subprocess.Popen[bytes] | None, sig: int) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)
    except ProcessLookupError:
        pass


@dataclass
class Cluster:
    """N app servers and nginx in front of them, in one folder (see ``running``)."""

    folder: Path
    host: str
    port: int
    servers: list[AppServer]
    nginx: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def nginx_log(self) -> Path:
        return self.folder / "error.log"

    def start_nginx(self) -> None:
        conf = self.folder / "nginx.conf"
        listen = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        conf.write_text(
            render_nginx_conf(self.folder, listen, [s.port for s in self.servers]),
            encoding="utf-8",
        )
        (self.folder / "tmp").mkdir(exist_ok=True)
        cmd = [NGINX, "-p", str(self.folder), "-e", str(self.nginx_log), "-c", str(conf)]
        check = subprocess.run([*cmd, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise ServeError(
                f"Konfigurasi nginx ditolak ({conf}):\n{check.stderr.strip()}",
                f"nginx refused its configuration ({conf}):\n{check.stderr.strip()}",
            )
        with (self.folder / "nginx.out").open("ab") as out:
            self.nginx = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until every server answers its health check and nginx answers through its port."""
        deadline = time.monotonic() + timeout
        waiting = list(self.servers)
        while waiting:
            for server in list(waiting):
                if not server.alive():
                    raise ServeError(
                        f"Server {server.index + 1} (port {server.port}) berhenti saat mulai; "
                        f"log {server.log}:\n{tail(server.log)}",
                        f"Server {server.index + 1} (port {server.port}) exited while starting; "
                        f"log {server.log}:\n{tail(server.log)}",
                    )
                if server.healthy():
                    waiting.remove(server)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(str(s.port) for s in waiting)
                raise ServeError(
                    f"Server pada port {names} tidak menjawab dalam {timeout:.0f} detik "
                    f"(log di {self.folder}).",
                    f"The servers on ports {names} did not answer within {timeout:.0f} s "
                    f"(logs in {self.folder}).",
                )
            if waiting:
                time.sleep(0.25)  # polling the servers' health endpoints
        if self.nginx is None:
            return
        while health(f"{self.url}nginx-health") != "ok":
            if self.nginx.poll() is not None:
                raise ServeError(
                    f"nginx berhenti saat mulai (port {self.port}):\n{tail(self.nginx_log)}",
                    f"nginx exited while starting (port {self.port}):\n{tail(self.nginx_log)}",
                )
            if time.monotonic() > deadline:
                raise ServeError(
                    f"nginx tidak menjawab pada {self.url}.", f"nginx did not answer on {self.url}."
                )
            time.sleep(0.1)

    def watch_once(self, say: Callable[[str], None] = print) -> None:
        """Restart a server that exited (at most 3 times a minute each); nginx exiting is
        the end of the run (ServeError)."""
        if self.nginx is not None and self.nginx.poll() is not None:
            raise ServeError(
                f"nginx berhenti (kode {self.nginx.returncode}):\n{tail(self.nginx_log)}",
                f"nginx exited (code {self.nginx.returncode}):\n{tail(self.nginx_log)}",
            )
        now = time.monotonic()
        for server in self.servers:
            if server.alive():
                continue
            server.restarts = [t for t in server.restarts if now - t < 60]
            if len(server.restarts) >= 3:
                continue  # it keeps failing: nginx sends its sessions to the others
            code = server.proc.returncode if server.proc else None
            say(
                f"server {server.index + 1} (port {server.port}) berhenti / exited "
                f"(code {code}); dimulai lagi / restarting (log {server.log})"
            )
            server.restarts.append(now)
            server.start()

    def stop(self) -> None:
        """nginx first (no new request reaches a server that is stopping), then every server."""
        _stop(self.nginx, signal.SIGTERM)
        for server in self.servers:
            if server.proc is not None and server.proc.poll() is None:
                with suppress(ProcessLookupError):
                    server.proc.send_signal(signal.SIGTERM)
        for server in self.servers:
            server.stop()


def server_env(
    db: str | None, snapshot_dir: Path, cookie_secret: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        COOKIE_SECRET_ENV: cookie_secret,
        SNAPSHOT_ENV: str(snapshot_dir),
        **(extra or {}),
    }
    if db:
        env["TPBIS_DB"] = db
    return env


@contextmanager
def running(
    dbs: Sequence[str | None],
    *,
    port: int | None = None,
    host: str = "127.0.0.1",
    folder: Path | None = None,
    env: dict[str, str] | None = None,
    nginx: bool = True,
) -> Iterator[Cluster]:
    """One app server per entry of ``dbs`` (its database: the same URL for all in a real
    deployment; tests may give each its own file), nginx on ``port`` (a free one if None),
    until the block ends; then everything is stopped and the folder (if temporary) removed."""
    if nginx and not Path(NGINX).exists():
        raise ServeError(
            f"{NGINX} tidak ada: pasang nginx (apt-get install nginx).",
            f"{NGINX} is missing: install nginx (apt-get install nginx).",
        )
    port = port if port is not None else free_port(host)
    if not port_is_free(host, port):
        raise ServeError(
            f"Port {port} pada {host} sudah dipakai proses lain; pilih port lain (--port).",
            f"Port {port} on {host} is already in use; choose another (--port).",
        )
    own_folder = folder is None
    base = Path(tempfile.mkdtemp(prefix="tpbis-serve-")) if folder is None else folder
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)  # nginx's workers (user nobody) reach their temporary folders
    cookie_secret = os.environ.get(COOKIE_SECRET_ENV) or secrets.token_urlsafe(32)
    servers = []
    for i, db in enumerate(dbs):
        sfolder = base / f"server-{i + 1}"
        (sfolder / "snapshot").mkdir(parents=True, exist_ok=True)
        servers.append(
            AppServer(
                index=i,
                port=free_port(),
                folder=sfolder,
                db=db,
                env=server_env(db, sfolder / "snapshot", cookie_secret, env),
            )
        )
    cluster = Cluster(folder=base, host=host, port=port, servers=servers)
    try:
        for server in servers:
            server.start()
        if nginx:
            cluster.start_nginx()
        cluster.wait_ready()
        yield cluster
    finally:
        cluster.stop()
        if own_folder:
            shutil.rmtree(base, ignore_errors=True)


class _StopSignalError(Exception):
    """SIGTERM or SIGHUP: stop as Ctrl-C does."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _StopSignalError(signum)


def serve(
    servers: int,
    port: int,
    db: str | None,
    shown_db: str,
    *,
    host: str = "127.0.0.1",
    say: Callable[[str], None] = print,
) -> int:
    """The command: start, print the URL, watch, stop everything on Ctrl-C or SIGTERM."""
    check_servers(servers, db, shown_db)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        say(f"memulai {servers} server dan nginx / starting {servers} servers and nginx ...")
        with running([db] * servers, port=port, host=host) as cluster:
            for s in cluster.servers:
                say(f"  server {s.index + 1}: {s.url} (log {s.log})")
            say(f"Dasbor KPI TPBIS / TPBIS KPI Dashboard: {cluster.url}")
            say("Ctrl-C menghentikan semuanya / Ctrl-C stops everything")
            sys.stdout.flush()
            while True:
                cluster.watch_once(say)
                time.sleep(0.5)
    except (KeyboardInterrupt, _StopSignalError):
        say("berhenti / stopped")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
