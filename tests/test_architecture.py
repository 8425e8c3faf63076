"""The shape of kpi/, read from the source with ast (nothing is imported).

- No import cycle among kpi modules, counting the imports inside functions (an import under
  ``if TYPE_CHECKING:`` is for the type checker only and does not run, so it does not count).
- No kpi module outside kpi/ui imports streamlit or plotly (the domain runs without a browser).
- The ids of bands, tiers and rules appear as literals only in kpi/vocab.py (and data files).
- No kpi module is over 520 lines.
- Store tables are named in SQL only in the store, schema, queries and engine modules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi import vocab

ROOT = Path(__file__).resolve().parents[1]
KPI = ROOT / "kpi"
UI_ONLY = ("streamlit", "plotly")
# the one exception: the benchmark's websocket client speaks Streamlit's wire protocol, so it
# reads and writes its generated protobuf messages (and nothing else of Streamlit)
WIRE_PROTOCOL = {"kpi.bench.wsclient": "streamlit.proto."}
# the ids code must name through kpi.vocab (the tanpa_flag spelling is the one once used for
# tanpa_tanda)
VOCAB_IDS = frozenset(
    {*vocab.Band, *vocab.Tier, *vocab.Rule, "tanpa_flag"},
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(KPI.rglob("*.py"))}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The nodes under ``if TYPE_CHECKING:`` (imports the type checker reads, never run)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skip.update(id(n) for n in ast.walk(child))
    return skip


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import of ``path``, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full if full in MODULES else base), node.lineno


def _graph() -> dict[str, set[str]]:
    return {
        name: {m for m, _ in _imports(name, path) if m in MODULES and m != name}
        for name, path in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_modules_are_found() -> None:
    assert {"kpi.compute", "kpi.score", "kpi.coaching", "kpi.vocab", "kpi.ui.shell"} <= set(MODULES)


def test_no_import_cycle_in_kpi() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_check_sees_imports_inside_functions() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    # compute's on-time KPIs read the deadline inside a function: that import is an edge
    edges = {m for m, _ in _imports("kpi.compute", MODULES["kpi.compute"])}
    assert "kpi.settings" in edges


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.startswith("kpi.ui")))
def test_the_domain_imports_no_streamlit_or_plotly(name: str) -> None:
    bad = [
        f"line {line}: {mod}"
        for mod, line in _imports(name, MODULES[name])
        if mod.split(".")[0] in UI_ONLY
        and not (name in WIRE_PROTOCOL and mod.startswith(WIRE_PROTOCOL[name]))
    ]
    assert bad == [], f"{name} imports {bad}"


def _docstrings(tree: ast.Module) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def test_band_tier_and_rule_ids_are_literals_only_in_vocab() -> None:
    hits = []
    for name, path in MODULES.items():
        if name == "kpi.vocab":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in VOCAB_IDS
                and id(node) not in docs
            ):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert hits == []


def test_the_literal_check_would_see_one() -> None:
    tree = ast.parse('x = {"merah": 1}\ndef f():\n    """merah"""\n    return "R4"\n')
    docs = _docstrings(tree)
    found = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and n.value in VOCAB_IDS and id(n) not in docs
    ]
    assert sorted(found) == ["R4", "merah"]


# the engine's one-way flow: each module may import those before it, never one after it
FLOW = (
    "kpi.catalogue",
    "kpi.store",
    "kpi.scope",
    "kpi.settings",
    "kpi.builder",
    "kpi.compute",
    "kpi.targets",
    "kpi.score",
    "kpi.reasons",
    "kpi.rollup",
    "kpi.coaching",
)


def test_the_engine_depends_one_way() -> None:
    graph = _graph()
    backwards = [
        f"{earlier} imports {later}"
        for i, earlier in enumerate(FLOW)
        for later in FLOW[i + 1 :]
        if later in graph[earlier]
    ]
    assert backwards == []


# a module over this many lines wants splitting along a seam (issue 12: "about 500")
MAX_LINES = 520


def _too_long(paths: dict[str, Path], limit: int = MAX_LINES) -> list[str]:
    out = []
    for name, path in sorted(paths.items()):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out.append(f"{name}: {n} lines")
    return out


def test_no_kpi_module_is_over_520_lines() -> None:
    assert _too_long(MODULES) == []


def test_the_length_check_would_see_one(tmp_path: Path) -> None:
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    short = tmp_path / "short.py"
    short.write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert _too_long({"long": long, "short": short}) == [f"long: {MAX_LINES + 1} lines"]


# -- store tables named in SQL --------------------------------------------------------------------

# where SQL may name a store table: the store and its schema, the named reads of kpi/queries, and
# the engine (the modules that aggregate the data tables in DuckDB: the KPI table's SQL builder
# and its runner, targets, the closing of months, the data-quality checks)
SQL_HOMES = frozenset(
    {
        "kpi.store",
        "kpi.storebase",
        "kpi.pgstore",
        "kpi.pgsql",
        "kpi.pgsnapshot",
        "kpi.migrate",  # the embedded file copied into PostgreSQL, table by table
        "kpi.schema",
        "kpi.builder",
        "kpi.compute",
        "kpi.targets",
        "kpi.closing",
        "kpi.quality",
    }
)
_SQL_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(\w+)")


def _store_tables() -> frozenset[str]:
    """Every table kpi/schema.py creates (the data tables with their _riwayat copies)."""
    from kpi.schema import DATA_TABLE_KEYS

    text = (KPI / "schema.py").read_text(encoding="utf-8")
    created = set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?([a-z_0-9]+)", text))
    return frozenset(created | set(DATA_TABLE_KEYS) | {f"{t}_riwayat" for t in DATA_TABLE_KEYS})


def _tables_in_sql(source: str, tables: frozenset[str]) -> set[str]:
    """The store tables a module's string literals name after FROM, JOIN, INTO, UPDATE or TABLE
    (the pieces of f-strings too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(t for t in _SQL_TABLE.findall(node.value) if t in tables)
    return found


def _sql_outside_homes(paths: dict[str, Path], tables: frozenset[str]) -> list[str]:
    out = []
    for name, path in sorted(paths.items()):
        if name in SQL_HOMES or name.startswith("kpi.queries"):
            continue
        named = _tables_in_sql(path.read_text(encoding="utf-8"), tables)
        if named:
            out.append(f"{name}: {', '.join(sorted(named))}")
    return out


def test_store_tables_are_named_in_sql_only_in_the_store_queries_and_engine() -> None:
    tables = _store_tables()
    assert {"perpustakaan", "laporan_bulanan", "import_batch", "pengguna"} <= tables
    assert _sql_outside_homes(MODULES, tables) == []


def test_the_sql_check_would_see_one(tmp_path: Path) -> None:
    tables = _store_tables()
    page = tmp_path / "page.py"
    page.write_text(
        "def rows(store, k):\n"
        '    return store.query(f"SELECT * FROM laporan_bulanan WHERE kode = {k!r}")\n'
        'NOTE = "a word from the register"  # prose, not SQL\n',
        encoding="utf-8",
    )
    home = tmp_path / "reads.py"
    home.write_text('SQL = "SELECT nama FROM perpustakaan"\n', encoding="utf-8")
    found = _sql_outside_homes({"kpi.ui.page": page, "kpi.queries.reads": home}, tables)
    assert found == ["kpi.ui.page: laporan_bulanan"]
    # no module is tolerated by name any more: the write side too names tables only in queries
    assert _sql_outside_homes({"kpi.demo": page}, tables) == ["kpi.demo: laporan_bulanan"]
