"""A Streamlit server on the loopback, how Debian's Chromium is launched and a browser context
that reaches the loopback only: one copy for the browser benchmark (kpi.bench.browser) and the
browser tests (tests/e2e).

``streamlit_server`` runs ``streamlit run SCRIPT`` on a free loopback port (headless, file
watcher off, usage stats off), waits for its health endpoint and stops it at the end. The app's
database goes after ``--`` (``streamlit run app.py -- --db DB``) and in ``TPBIS_DB``.
No Streamlit import here (the server is a child process), and Playwright only inside
``chromium()``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# one copy of these, shared with `python -m kpi serve`
from kpi.serve import free_port, health, tail

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 90.0  # s: until /_stcore/health answers "ok"

# Playwright never downloads a browser here: it launches Debian's (apt-get install chromium)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
VIEWPORT = {"width": 1400, "height": 1000}


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright's sync API (imported here: Playwright is a
    test requirement), closed at the end of the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def loopback_context(
    browser: Any, *, init_scripts: Sequence[str] = (), blocked: list[str] | None = None
) -> Any:
    """A new Playwright browser context (nothing cached) that reaches the loopback only: every
    other request is aborted, and its URL added to ``blocked``. The caller closes it."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    for script in init_scripts:
        context.add_init_script(script)

    def only_loopback(route: Any, request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about") or url.hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_loopback)
    return context


def app_pages() -> list[str]:
    """The page files app.py navigates to, in its order (pages/ringkasan.py, ...)."""
    text = (REPO_ROOT / "app.py").read_text(encoding="utf-8")
    return re.findall(r'st\.Page\(\s*"(pages/[a-z_]+\.py)"', text)


@dataclass(frozen=True)
class Server:
    url: str  # the base URL, ending in "/"
    pid: int


@contextmanager
def streamlit_server(
    script: str | Path,
    log: Path,
    *,
    db: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """``streamlit run SCRIPT [-- --db DB]`` on a free loopback port until the block ends.

    Raises RuntimeError (with the end of the server's log) when it exits or does not answer.
    """
    port = free_port()
    full_env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    if db is not None:
        full_env["TPBIS_DB"] = str(db)
        cmd += ["--", "--db", str(db)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=full_env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while health(f"{base}/_stcore/health") != "ok":
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{tail(log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {base}:\n{tail(log)}")
            time.sleep(0.25)  # polling the server's health endpoint, not waiting on a page
        yield Server(url=base + "/", pid=proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
