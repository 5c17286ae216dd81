"""The package's exports: `_EXPORTS` is their one list; the TYPE_CHECKING block must match it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import serviceplan

INIT = Path(serviceplan.__file__)


def _type_checking_imports() -> dict[str, str]:
    """name -> module of every `from .module import name as name` under `if TYPE_CHECKING:`."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    imports: dict[str, str] = {}
    for statement in block.body:
        assert isinstance(statement, ast.ImportFrom) and statement.level == 1
        for alias in statement.names:
            assert alias.asname == alias.name, f"{alias.name} is not re-exported as itself"
            imports[alias.name] = str(statement.module)
    return imports


def test_type_checking_block_lists_exactly_the_exports() -> None:
    assert _type_checking_imports() == serviceplan._EXPORTS


def test_all_is_the_exports_and_the_version() -> None:
    assert sorted(serviceplan.__all__) == sorted(["__version__", *serviceplan._EXPORTS])


@pytest.mark.parametrize("name", serviceplan.__all__)
def test_every_exported_name_imports(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from serviceplan import {name}", namespace)  # the statement a user writes
    module = serviceplan._EXPORTS.get(name)
    if module is not None:  # the very object of the module that defines it
        defining = importlib.import_module(f"serviceplan.{module}")
        assert namespace[name] is getattr(defining, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        serviceplan.nope  # noqa: B018
