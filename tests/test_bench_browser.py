"""The browser benchmark without a browser: what it says when Playwright or Debian's chromium is
missing, and the server's peak memory read from /proc. (It runs in a browser in
tests/e2e/test_bench_browser_e2e.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpi.__main__ import main
from kpi.bench import browser


def test_without_chromium_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    code = main(["bench", "browser", "--workdir", str(tmp_path)])
    out = capsys.readouterr()
    assert code != 0
    assert "apt-get install chromium" in out.err and str(tmp_path / "no-chromium") in out.err
    assert "Traceback" not in out.err + out.out
    assert list(tmp_path.iterdir()) == []  # nothing built before the check


def test_without_playwright_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    code = main(["bench", "browser", "--workdir", str(tmp_path)])
    out = capsys.readouterr()
    assert code != 0
    assert "Playwright is not installed" in out.err
    assert "pip install -r requirements-dev.txt" in out.err
    assert "Traceback" not in out.err + out.out


def test_peak_memory_of_a_process_and_its_children() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; b = bytearray(64 << 20); sys.stdin.read()"],
        stdin=subprocess.PIPE,
    )
    peak = browser.MemoryPeak(interval=0.05)
    try:
        peak.watch(os.getpid())  # this process, with the child holding 64 MB
        deadline = time.monotonic() + 20
        while peak.peak_mb < 64 and time.monotonic() < deadline:
            time.sleep(0.05)  # the sampler reads /proc in its own thread
        peak.unwatch(os.getpid())
    finally:
        peak.close()
        child.communicate(b"")
    assert peak.peak_mb >= 64


def test_the_hidden_page_exists_only_for_the_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.ui import bench_browser

    monkeypatch.delenv(bench_browser.ENV, raising=False)
    assert bench_browser.hidden_pages() == []  # what app.py adds for users: nothing
    made: list[dict] = []
    monkeypatch.setattr(bench_browser.st, "Page", lambda page, **kw: made.append(kw) or kw)
    monkeypatch.setenv(bench_browser.ENV, "1")
    assert len(bench_browser.hidden_pages()) == 1
    assert made[0]["visibility"] == "hidden"  # not in the sidebar, reached by its URL only
    assert made[0]["url_path"] == browser.NEW_DATA_VERSION_PATH
