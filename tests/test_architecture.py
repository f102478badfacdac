"""Guards on the shape of the code (issue 8, DESIGN.md sections 1 and 4), read from the source with ``ast``.

- Streamlit is imported only in ``kbz_data/ui/``; pages do no data work (no ``pd.read_*``, ``.merge(``,
  ``.groupby(``).
- No import cycle among ``kbz_data`` modules, counting imports inside functions too.
- ``ruff check .`` is clean with the pinned ruff and the committed ``ruff.toml``; no ``__all__`` in ``kbz_data``
  (it was used to hide unused imports from the linter).
- No module of ``kbz_data`` is over 600 lines; functions over 80 lines are reported (printed, not asserted).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "kbz_data"
PAGES = [REPO / "app.py", *sorted((REPO / "app_pages").glob("*.py"))]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


# --- Imports ----------------------------------------------------------------------------------------------------


def imported_modules(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of everything ``tree`` imports, at any depth (functions, ``if`` blocks included).

    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (``c`` may be a submodule); relative imports are resolved
    against ``module``.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno


def import_graph() -> dict[str, set[str]]:
    """kbz_data module -> the kbz_data modules it imports (a submodule import also imports its packages)."""
    files = {_module_name(p): p for p in _package_files()}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        for target, _line in imported_modules(_parse(path), name, path.name == "__init__.py"):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in files and prefix != name:
                    graph[name].add(prefix)
    return graph


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component with more than one node or a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan; the package is small, recursion depth is no concern
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(graph, set(component)) for component in components]


def _cycle_in(graph: Mapping[str, Iterable[str]], members: set[str]) -> list[str]:
    """A concrete cycle through the first member of a strongly connected component (breadth-first, shortest)."""
    start = min(members)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph.get(node, ())):
            if succ == start:
                return [*paths[node], start]
            if succ in members and succ not in paths:
                paths[succ] = [*paths[node], succ]
                queue.append(succ)
    raise AssertionError(f"no cycle through {start} in {sorted(members)}")  # cannot happen for a real component


def test_cycle_finder_names_the_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}, "f": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_relative_and_function_level_imports_are_seen() -> None:
    tree = ast.parse("def f():\n    from ..store import storage\n    import kbz_data.errors\n")
    found = {name for name, _ in imported_modules(tree, "kbz_data.practice.demo", is_package=False)}
    assert found == {"kbz_data.store", "kbz_data.store.storage", "kbz_data.errors"}


def test_no_import_cycles_in_kbz_data() -> None:
    graph = import_graph()
    assert "kbz_data.store.build" in graph and graph["kbz_data.store.build"], "import graph looks empty"
    cycles = find_cycles(graph)
    assert not cycles, "importcyclus in kbz_data: " + "; ".join(" -> ".join(c) for c in cycles)


def test_streamlit_only_in_kbz_data_ui() -> None:
    found = []
    for path in _package_files():
        if path.is_relative_to(PACKAGE / "ui"):
            continue
        name = _module_name(path)
        for target, line in imported_modules(_parse(path), name, path.name == "__init__.py"):
            if target == "streamlit" or target.startswith("streamlit."):
                found.append(f"{_rel(path)}:{line} importeert {target}")
    assert not found, "streamlit buiten kbz_data/ui/:\n" + "\n".join(sorted(set(found)))


# --- Pages stay thin ----------------------------------------------------------------------------------------------

_DATA_WORK_METHODS = {"merge", "groupby"}
_PANDAS_MODULES = {"pandas", "geopandas"}


def data_work(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, what) of every ``<pandas alias>.read_*``, ``from pandas import read_*``, ``.merge(`` and
    ``.groupby(`` in ``tree``."""
    aliases = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name in _PANDAS_MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module in _PANDAS_MODULES:
            found += [(node.lineno, f"from {node.module} import {a.name}") for a in node.names
                      if a.name.startswith("read_")]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr in _DATA_WORK_METHODS:
                found.append((node.lineno, f".{node.attr}("))
            elif node.attr.startswith("read_") and isinstance(node.value, ast.Name) and node.value.id in aliases:
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return sorted(found)


def test_data_work_detector() -> None:
    tree = ast.parse("import pandas as pd\nfrom geopandas import read_file\nx = pd.read_csv('a')\n"
                     "y = x.merge(x).groupby('a')\nz = cached.read_build_info('s')\n")
    assert data_work(tree) == [(2, "from geopandas import read_file"), (3, "pd.read_csv"), (4, ".groupby("),
                               (4, ".merge(")]


def test_pages_do_no_data_work() -> None:
    found = [f"{_rel(path)}:{line}: {what}" for path in PAGES for line, what in data_work(_parse(path))]
    assert not found, "pagina's doen zelf gegevenswerk (hoort in kbz_data):\n" + "\n".join(found)


# --- Lint ---------------------------------------------------------------------------------------------------------


def _pinned(package: str) -> str | None:
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(rf"\s*{re.escape(package)}\s*==\s*([^\s#;]+).*", line, flags=re.IGNORECASE)
        if match:
            return match.group(1)
    return None


def test_ruff_is_pinned_and_configured() -> None:
    pinned = _pinned("ruff")
    assert pinned, "ruff staat niet met == vastgezet in requirements.txt"
    assert metadata.version("ruff") == pinned, f"geïnstalleerde ruff {metadata.version('ruff')} != {pinned}"
    assert (REPO / "ruff.toml").is_file()


def test_ruff_check_is_clean() -> None:
    if not _pinned("ruff"):
        pytest.fail("ruff staat niet met == vastgezet in requirements.txt")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", ".", "--no-cache", "--config", str(REPO / "ruff.toml"),
         "--output-format", "concise"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"ruff check . meldt:\n{result.stdout}{result.stderr}"


def test_no_dunder_all_in_kbz_data() -> None:
    found = []
    for path in _package_files():
        for node in ast.walk(_parse(path)):
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
            found += [f"{_rel(path)}:{node.lineno}" for t in targets if isinstance(t, ast.Name) and t.id == "__all__"]
    assert not found, "__all__ in kbz_data (verbergt ongebruikte imports voor de linter): " + ", ".join(found)


# --- Size ---------------------------------------------------------------------------------------------------------


def test_no_module_over_600_lines() -> None:
    sizes = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _package_files()}
    large = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not large, f"modules boven {MAX_MODULE_LINES} regels: {large}"


def long_functions(paths: Iterable[Path]) -> list[tuple[str, int]]:
    """(path:line name, number of lines) of every function over :data:`MAX_FUNCTION_LINES`, longest first."""
    found = []
    for path in paths:
        for node in ast.walk(_parse(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    found.append((f"{_rel(path)}:{node.lineno} {node.name}", length))
    return sorted(found, key=lambda item: -item[1])


def test_report_long_functions() -> None:
    """Printed, not asserted (see with ``pytest -rP``): functions over 80 lines, which the note must explain."""
    report = long_functions([*_package_files(), *PAGES])
    print(f"functies boven {MAX_FUNCTION_LINES} regels: {len(report)}")
    for where, length in report:
        print(f"  {length:4d}  {where}")
