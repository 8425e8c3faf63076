"""A throw-away PostgreSQL cluster for the tests, and stores on either engine.

One cluster per test session (initdb into a temp folder, pg_ctl on a free loopback port, its
unix socket in that folder, trust authentication); a fresh database per test, copied from a
template that already holds the schema and the regions (or the demo). initdb and postgres refuse
to run as root: as root (CI) they run as the ``postgres`` user (``runuser -u postgres --``).
The PostgreSQL tests are skipped, saying why, only when the binaries are absent (.ci/run
installs Debian's postgresql).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kpi.store import Store

PG_BIN = Path(os.environ.get("TPBIS_PG_BIN", "/usr/lib/postgresql/15/bin"))
ENGINES = ["duckdb", "postgresql"]
_names = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    base: Path
    port: int

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_db(self, template: str | None = None) -> str:
        """A new database (copied from ``template``), its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            tpl = f" TEMPLATE {template}" if template else ""
            conn.execute(f"CREATE DATABASE {name}{tpl}")
        return name


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(
            f"PostgreSQL binaries not found in {PG_BIN} (apt-get install postgresql; "
            "TPBIS_PG_BIN names another folder)"
        )
    base = Path(tempfile.mkdtemp(prefix="tpbis-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    port = _free_port()
    run = _as_postgres()
    subprocess.run(
        [*run, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
        + ["-E", "UTF8", "--locale=C", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [*run, str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options]
        + ["-l", str(base / "log"), "-w", "-t", "60", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield PgCluster(base, port)
    finally:
        subprocess.run(
            [*run, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    """A database with the schema and the regions, to copy."""
    name = pg_cluster.create_db()
    Store(pg_cluster.url(name)).close()
    return name


@pytest.fixture(scope="session")
def pg_demo_template(pg_cluster: PgCluster, pg_template: str) -> str:
    """A database holding the default demo (seed 2018, scale 1), to copy."""
    from kpi.demo import load_demo

    name = pg_cluster.create_db(pg_template)
    store = Store(pg_cluster.url(name))
    load_demo(store)
    store.close()
    return name


@pytest.fixture
def pg_url(pg_cluster: PgCluster, pg_template: str) -> str:
    """The URL of a fresh, empty store database (schema and regions in place)."""
    return pg_cluster.url(pg_cluster.create_db(pg_template))


def store_on(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path, *, demo: bool = False
) -> Store:
    """A new store on ``engine``: empty, or a private copy of the demo."""
    if engine == "duckdb":
        if demo:
            path = tmp_path / "demo.duckdb"
            shutil.copy(request.getfixturevalue("demo_db_template"), path)
            return Store(path)
        return Store(tmp_path / "test.duckdb")
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("pg_demo_template" if demo else "pg_template")
    return Store(cluster.url(cluster.create_db(template)))


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine in turn: the embedded DuckDB file, then PostgreSQL."""
    return str(request.param)


@pytest.fixture
def any_store(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A new, empty store on each engine in turn."""
    store = store_on(engine, request, tmp_path)
    yield store
    store.close()


@pytest.fixture
def any_demo_store(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the demo on each engine in turn."""
    store = store_on(engine, request, tmp_path, demo=True)
    yield store
    store.close()
