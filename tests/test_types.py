"""mypy on kpi/ (the [tool.mypy] section of pyproject.toml says what it checks), so the
README's test command runs the type checker too."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_passes_on_kpi() -> None:
    pytest.importorskip("mypy")
    cache = Path(tempfile.gettempdir()) / "tpbis-mypy-cache"
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
