"""Every import declared where it is used, as deptry would check it.

Runtime dependencies are exactly what `src/` imports; whatever only `tests/` and `benchmarks/`
import is in the `test` extra; the `dev` extra adds the tools CI runs as commands. A missing,
unused or misplaced dependency fails here, before a user's `pip install` finds it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"ruff", "mypy"}  # run by .ci/run as commands, never imported


def normalise(name: str) -> str:
    """PEP 503: `Jinja2`, `jinja_2` and `jinja-2` name one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return normalise(match[1])


def imported_modules(files: Iterable[Path]) -> dict[str, Path]:
    """Top-level names of absolute imports (inside functions too), with a file for each."""
    found: dict[str, Path] = {}
    for path in sorted(files):
        tree = ast.parse(path.read_bytes(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], path)
    return found


def local_modules(folders: Iterable[Path]) -> set[str]:
    """Helper modules a test or benchmark imports by its own name (`_common`, `_plan_edits`)."""
    return {path.stem for folder in folders for path in folder.rglob("*.py")}


def distributions(modules: dict[str, Path], own: set[str]) -> dict[str, Path]:
    """Third-party distribution per imported module; a module no installed distribution
    provides counts under its own name (so a missing package is still reported)."""
    providers = packages_distributions()
    result: dict[str, Path] = {}
    for module, path in modules.items():
        if module in sys.stdlib_module_names or module in own:
            continue
        for dist in providers.get(module, [module]):
            result.setdefault(normalise(dist), path)
    return result


@dataclass(frozen=True)
class Declared:
    runtime: set[str]
    test: set[str]
    dev: set[str]


def declared(pyproject: Path) -> Declared:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})

    def names(requirements: list[str]) -> set[str]:
        return {requirement_name(r) for r in requirements if not r.startswith(project["name"])}

    return Declared(
        names(project.get("dependencies", [])),
        names(extras.get("test", [])),
        names(extras.get("dev", [])),
    )


def problems(root: Path) -> list[str]:
    """Every dependency problem of the project at `root`, one sentence each."""
    deps = declared(root / "pyproject.toml")
    packages = {path.name for path in (root / "src").iterdir() if path.is_dir()}
    helpers = local_modules([root / "tests", root / "benchmarks"])
    runtime = distributions(imported_modules((root / "src").rglob("*.py")), packages)
    testing = distributions(
        imported_modules([*(root / "tests").rglob("*.py"), *(root / "benchmarks").rglob("*.py")]),
        packages | helpers,
    )
    found = []
    for name in sorted(runtime.keys() - deps.runtime):
        where = "the test extra" if name in deps.test else "no dependency list"
        found.append(
            f"missing runtime dependency {name}: {runtime[name]} imports it, but it is in {where}"
        )
    for name in sorted(deps.runtime - runtime.keys()):
        used = " (only tests use it: move it to the test extra)" if name in testing else ""
        found.append(f"unused runtime dependency {name}: nothing in src/ imports it{used}")
    for name in sorted(testing.keys() - deps.runtime - deps.test):
        found.append(f"missing test dependency {name}: {testing[name]} imports it")
    for name in sorted(deps.test - testing.keys()):
        found.append(f"unused test dependency {name}: no test or benchmark imports it")
    for name in sorted(deps.dev - TOOLS - deps.test):
        found.append(f"unexplained dev dependency {name}: not a CI tool nor a test dependency")
    for name in sorted(TOOLS - deps.dev):
        found.append(f"missing dev tool {name}: CI runs it")
    return found


def test_the_project_declares_every_import_where_it_is_used() -> None:
    assert problems(ROOT) == []


def test_the_dev_extra_includes_the_test_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "serviceplan[test]" in project["optional-dependencies"]["dev"]


# The checker itself, on small projects with one fault each.


def write_project(root: Path, runtime: list[str], test: list[str], files: dict[str, str]) -> Path:
    extras = {"test": test, "dev": ["demo[test]", "ruff", "mypy"]}
    lines = [
        "[project]",
        'name = "demo"',
        f"dependencies = {runtime!r}".replace("'", '"'),
        "[project.optional-dependencies]",
    ]
    lines += [f"{key} = {value!r}".replace("'", '"') for key, value in extras.items()]
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("src/demo", "tests", "benchmarks"):
        (root / name).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "src/demo/core.py": "import json\nfrom lxml import etree\nfrom . import core\n",
    "tests/test_core.py": "import pytest\nimport _helper\nimport demo\n",
    "tests/_helper.py": "import os\n",
}


def test_a_clean_project_has_no_problem(tmp_path: Path) -> None:
    assert problems(write_project(tmp_path, ["lxml>=5"], ["pytest>=8"], CLEAN)) == []


@pytest.mark.parametrize(
    ("runtime", "test", "extra", "expected"),
    [
        (
            ["lxml>=5"],
            ["pytest>=8"],
            {"src/demo/x.py": "import click\n"},
            "missing runtime dependency click",
        ),
        (["lxml>=5", "deepdiff"], ["pytest>=8"], {}, "unused runtime dependency deepdiff"),
        (
            ["lxml>=5", "xmlschema"],
            ["pytest>=8"],
            {"tests/test_x.py": "import xmlschema\n"},
            "unused runtime dependency xmlschema: nothing in src/ imports it (only tests use it",
        ),
        (
            ["lxml>=5"],
            ["pytest>=8"],
            {"tests/test_x.py": "def f():\n    import jsonschema\n"},
            "missing test dependency jsonschema",
        ),
        (
            ["lxml>=5"],
            ["pytest>=8"],
            {"benchmarks/b.py": "from deepdiff import DeepDiff\n"},
            "missing test dependency deepdiff",
        ),
        (["lxml>=5"], ["pytest>=8", "orjson"], {}, "unused test dependency orjson"),
        (
            ["lxml>=5"],
            ["pytest>=8", "click"],
            {"src/demo/x.py": "import click\n"},
            "missing runtime dependency click: src/demo/x.py imports it, but it is in the test",
        ),
    ],
)
def test_each_kind_of_fault_is_reported(
    tmp_path: Path, runtime: list[str], test: list[str], extra: dict[str, str], expected: str
) -> None:
    found = problems(write_project(tmp_path, runtime, test, {**CLEAN, **extra}))
    shown = [line.replace(str(tmp_path) + "/", "") for line in found]
    assert any(line.startswith(expected) for line in shown), shown
