"""Guards on the shape of the code (issue 8, DESIGN.md sections 1 and 4), read from the source with ``ast``.

- Streamlit is imported only in ``kbz_data/ui/``; pages do no data work (no ``pd.read_*``, ``.merge(``,
  ``.groupby(``).
- No import cycle among ``kbz_data`` modules, counting imports inside functions too.
- ``ruff check .`` is clean with the pinned ruff and the committed ``ruff.toml``; no ``__all__`` in ``kbz_data``
  (it was used to hide unused imports from the linter).
- No module of ``kbz_data`` is over 600 lines; no function in ``kbz_data``, ``app.py`` or ``app_pages/`` is over
  80 lines, except those in :data:`LONG_FUNCTIONS_ALLOWED`, each with the reason.
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


#: Functions allowed over :data:`MAX_FUNCTION_LINES`, as ``"path name"`` (path relative to the repository; a
#: method as ``Class.method``) -> why it cannot be split. Keep it empty: split a long function into named steps
#: instead. An entry whose function is no longer long (or gone) fails the test, so the list cannot go stale.
LONG_FUNCTIONS_ALLOWED: dict[str, str] = {}


def function_lengths(tree: ast.Module) -> Iterator[tuple[str, int, int]]:
    """(qualified name, first line, number of lines) of every function in ``tree``, nested ones included.

    A function's lines run from its first decorator to its last line; a nested function counts for its parent
    too. Methods are named ``Class.method``, nested functions ``outer.inner``.
    """
    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, int, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    yield name, child.lineno, (child.end_lineno or child.lineno) - first + 1
                yield from walk(child, f"{name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def long_functions(paths: Iterable[Path]) -> list[tuple[str, int, int]]:
    """(``"path name"``, first line, number of lines) of every function over :data:`MAX_FUNCTION_LINES`, longest
    first."""
    found = [(f"{_rel(path)} {name}", line, length)
             for path in paths for name, line, length in function_lengths(_parse(path))
             if length > MAX_FUNCTION_LINES]
    return sorted(found, key=lambda item: -item[2])


def test_function_length_detector() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES - 2))
    source = (f"@decorator\ndef long():\n{body}\n"  # decorator + def + 78 body lines = 80: not long
              f"class A:\n    def method(self):\n        def inner():\n{body.replace('    ', '            ')}"
              "            return 1\n        return inner\n")
    found = {name: (line, length) for name, line, length in function_lengths(ast.parse(source))}
    assert found == {"long": (2, MAX_FUNCTION_LINES), "A.method": (83, MAX_FUNCTION_LINES + 2),
                     "A.method.inner": (84, MAX_FUNCTION_LINES)}


def test_no_function_over_80_lines() -> None:
    """No function over 80 lines (issue 8) outside :data:`LONG_FUNCTIONS_ALLOWED`; printed with ``pytest -rP``."""
    report = long_functions([*_package_files(), *PAGES])
    print(f"functies boven {MAX_FUNCTION_LINES} regels: {len(report)}")
    for where, line, length in report:
        print(f"  {length:4d}  {where} (regel {line})")
    too_long = [f"{where} (regel {line}): {length} regels" for where, line, length in report
                if where not in LONG_FUNCTIONS_ALLOWED]
    assert not too_long, (f"functies boven {MAX_FUNCTION_LINES} regels (splits ze in benoemde stappen):\n"
                          + "\n".join(too_long))
    stale = sorted(set(LONG_FUNCTIONS_ALLOWED) - {where for where, _line, _length in report})
    assert not stale, "LONG_FUNCTIONS_ALLOWED noemt functies die niet (meer) te lang zijn: " + ", ".join(stale)
