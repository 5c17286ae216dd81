"""The layout holds: no import cycle among src/ modules, report/ never reaches into the
pipeline, only the CLI (and the package's lazy library API) imports the pipeline, no module
over 400 lines, and no top-level family of prefix_* modules (issue 13).

The graph is built with `ast`: relative imports are resolved, and imports inside functions
count (a lazy import is still a dependency). Imports under `if TYPE_CHECKING:` run no code,
so they are left out of the cycle check; the report/ -> pipeline rule counts them too.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "serviceplan"
MAX_LINES = 400

# cycles the layout still has: each is the set of modules of one strongly connected component
KNOWN_CYCLES: set[frozenset[str]] = set()
# report/ modules that still import the pipeline
KNOWN_REPORT_TO_PIPELINE: set[str] = set()
# modules besides the CLI and the library API that import the pipeline
KNOWN_PIPELINE_IMPORTERS: set[str] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(
    name: str, source: str, known: Iterable[str], *, is_package: bool, typing: bool
) -> set[str]:
    """The modules of `known` that `source` (module `name`) imports, anywhere in its body;
    with `typing`, those under `if TYPE_CHECKING:` as well."""
    known = set(known)
    package = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()

    def target(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = package[: len(package) - node.level + 1]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child) and not typing:
                assert isinstance(child, ast.If)
                for other in child.orelse:
                    visit_node(other)
                continue
            visit_node(child)

    def visit_node(node: ast.AST) -> None:
        if isinstance(node, ast.ImportFrom):
            module = target(node)
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif module in known:
                    found.add(module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        visit(node)

    visit(ast.parse(source))
    found.discard(name)
    return found


def import_graph(*, typing: bool) -> dict[str, set[str]]:
    known = modules()
    return {
        name: imports_of(
            name,
            path.read_text("utf-8"),
            known,
            is_package=path.name == "__init__.py",
            typing=typing,
        )
        for name, path in known.items()
    }


def find_cycles(graph: Mapping[str, Iterable[str]]) -> set[frozenset[str]]:
    """Every strongly connected component of more than one module, or of one that imports
    itself (Tarjan's algorithm, iterative)."""
    edges = {node: sorted(set(targets)) for node, targets in graph.items()}
    for targets in list(edges.values()):
        for node in targets:
            edges.setdefault(node, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: set[frozenset[str]] = set()
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if position < len(targets):
                work.append((node, position + 1))
                nxt = targets[position]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:  # the caller takes this node's low link
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    cycles.add(frozenset(component))
    return cycles


def test_find_cycles_finds_them_on_a_synthetic_graph() -> None:
    graph = {
        "a": ["b"],
        "b": ["c"],
        "c": ["a", "d"],
        "d": ["e"],
        "e": [],
        "f": ["f"],
        "g": ["h"],
        "h": ["g", "e"],
    }
    assert find_cycles(graph) == {
        frozenset({"a", "b", "c"}),
        frozenset({"f"}),
        frozenset({"g", "h"}),
    }
    assert find_cycles({"a": ["b"], "b": ["c"], "c": []}) == set()


def test_imports_of_resolves_relative_and_function_level_imports() -> None:
    known = {"p", "p.a", "p.b", "p.q", "p.q.c", "p.q.d"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "from .. import a\n"
        "from ..b import thing\n"
        "if TYPE_CHECKING:\n"
        "    from .d import Hint\n"
        "def f():\n"
        "    from . import d\n"
    )
    assert imports_of("p.q.c", source, known, is_package=False, typing=False) == {
        "p.a",
        "p.b",
        "p.q.d",
    }
    typed = "if TYPE_CHECKING:\n    from ..b import Hint\n"
    assert imports_of("p.q.c", typed, known, is_package=False, typing=False) == set()
    assert imports_of("p.q.c", typed, known, is_package=False, typing=True) == {"p.b"}
    assert imports_of("p.q", "from . import c\n", known, is_package=True, typing=False) == {"p.q.c"}


def test_no_new_import_cycle() -> None:
    cycles = find_cycles(import_graph(typing=False))
    assert cycles - KNOWN_CYCLES == set(), "new import cycle(s)"
    assert KNOWN_CYCLES - cycles == set(), "a known cycle is gone: take it off KNOWN_CYCLES"


def test_no_import_cycle_counting_type_only_imports() -> None:
    """Type-only imports may not close a cycle either (they hide a layering mistake). The
    package root is left out: its type-only imports re-export the library API for mypy."""
    graph = import_graph(typing=True)
    graph["serviceplan"] = set()
    assert find_cycles(graph) == set()


def test_report_does_not_import_the_pipeline() -> None:
    graph = import_graph(typing=True)
    offenders = {
        name
        for name, targets in graph.items()
        if name.startswith("serviceplan.report") and "serviceplan.pipeline" in targets
    }
    assert offenders - KNOWN_REPORT_TO_PIPELINE == set()
    assert KNOWN_REPORT_TO_PIPELINE - offenders == set(), "take it off the known list"


def test_only_the_cli_and_the_library_api_import_the_pipeline() -> None:
    graph = import_graph(typing=True)
    importers = {
        name
        for name, targets in graph.items()
        if "serviceplan.pipeline" in targets
        and name != "serviceplan"
        and not name.startswith("serviceplan.cli")
    }
    assert importers - KNOWN_PIPELINE_IMPORTERS == set()
    assert KNOWN_PIPELINE_IMPORTERS - importers == set(), "take it off the known list"


def test_no_module_over_400_lines() -> None:
    lengths = {name: len(path.read_text("utf-8").splitlines()) for name, path in modules().items()}
    assert {name: count for name, count in lengths.items() if count > MAX_LINES} == {}


def test_no_top_level_family_of_prefixed_modules() -> None:
    top = [path.stem for path in PACKAGE.glob("*.py") if not path.stem.startswith("_")]
    prefixes = Counter(stem.split("_")[0] for stem in top if "_" in stem)
    families = {prefix for prefix, count in prefixes.items() if count > 1 or prefix in top}
    assert families == set(), "give the family a subpackage"


def test_unit_tests_mirror_the_packages() -> None:
    """tests/unit/<package>/ exists only for a package of src/serviceplan/, so a test is found
    where its module is; a flat `test_<package>_<module>.py` family is a package missing."""
    unit = SRC.parent / "tests" / "unit"
    packages = {path.parent.name for path in (SRC / "serviceplan").glob("*/__init__.py")}
    folders = {path.name for path in unit.iterdir() if path.is_dir() and path.name[0] != "_"}
    assert folders - packages == set(), "test folders without a package of that name"
    flat = [path.name for path in unit.glob("test_*.py")]
    prefixed = sorted(n for n in flat if any(n.startswith(f"test_{p}_") for p in packages))
    assert prefixed == [], "move these under tests/unit/<package>/"
