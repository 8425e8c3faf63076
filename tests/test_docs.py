"""The docs cite only files that exist, and the README's code map names every kpi module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "data" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# a repo path: one of the project's top folders, then path characters; not part of a longer path
# or a URL (no word character, slash or dot right before it); "@" for systemd template units
_PATH = re.compile(r"(?<![\w/.-])((?:kpi|tests|data|docs|scripts|deploy|pages)/[\w./<>*@-]*)")


def cited_paths(text: str) -> list[str]:
    """The repo paths a text names; placeholders (``kpi/ui/<page>/``) and globs are left out."""
    found = []
    for match in _PATH.finditer(text):
        path = match.group(1).rstrip(".,:;")
        if "<" in path or ">" in path or "*" in path:
            continue
        found.append(path)
    return found


def test_cited_paths_are_found_in_text() -> None:
    text = "see [x](docs/benchmarks.md), `kpi/ui/<page>/`, https://h/docs/x.md and kpi/store.py."
    assert cited_paths(text) == ["docs/benchmarks.md", "kpi/store.py"]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_path_a_doc_names_exists(doc: Path) -> None:
    missing = sorted(
        {p for p in cited_paths(doc.read_text(encoding="utf-8")) if not (ROOT / p).exists()}
    )
    assert missing == [], f"{doc.name} names files that are not in the repository"


def _code_map() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Code map\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, "README.md has no '## Code map' section"
    return match.group(1)


def test_the_code_map_names_every_kpi_module_and_package() -> None:
    code_map = _code_map()
    kpi = ROOT / "kpi"
    names = [p.name for p in kpi.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    names += [p.name + "/" for p in kpi.iterdir() if (p / "__init__.py").exists()]
    named = set(re.findall(r"`([^`]+)`", code_map))
    missing = sorted(n for n in names if n not in named and f"kpi/{n}" not in named)
    assert missing == [], "the README's code map leaves these out"


def test_the_code_map_check_would_see_a_missing_module() -> None:
    named = set(re.findall(r"`([^`]+)`", "`store.py`, `kpi/ui/`"))
    assert "store.py" in named and "scope.py" not in named and "kpi/ui/" in named
