"""What the plan PATHs are when none is given: the project configuration's `paths`, else the
working directory, as git, terraform and ruff read it. The bundled samples are read only when
asked for by name (`--examples`), and `serviceplan examples DIR` copies them out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, UsageError
from ..report.text import printable
from .inputs import LOOKED_FOR, REMAP_NAME, is_plan_name, nothing_found, yields_input

if TYPE_CHECKING:
    from ..config import Config

EXAMPLES_HINT = (
    "give a PATH, or try the bundled samples: --examples, or "
    "`serviceplan examples DIR` to copy them out to start from"
)


def bundled_plans() -> str:
    """The sample plans shipped in the package (the README's main job validates them)."""
    return str(resources.files("serviceplan.serviceplans"))


def plan_paths(given: Sequence[str], examples: bool, config: Config) -> tuple[str, ...]:
    """PATHs as given; else the configuration's `paths`; else the working directory. Each
    default must hold a plan or a remap: a gate that checked nothing must not pass."""
    if examples:
        if given:
            raise UsageError(
                "--examples reads the bundled sample plans: give it without PATH",
                hint="serviceplan COMMAND --examples   or   serviceplan COMMAND PATH...",
            )
        return (bundled_plans(),)
    if given:
        return tuple(given)
    if not config.paths:
        if not yields_input(os.curdir):
            raise UsageError(
                f"no PATH given, and the working directory holds {LOOKED_FOR} "
                "(searched recursively)",
                hint=EXAMPLES_HINT,
            )
        return (os.curdir,)
    resolved = tuple(config.resolve(path) for path in config.paths)
    for written, path in zip(config.paths, resolved, strict=True):
        where = printable(f"{config.source}: paths: {written}")  # from the file: escaped
        if not os.path.lexists(path):
            raise ConfigError(f"{where}: no such file or folder", hint="paths are relative to it")
        if not yields_input(path):
            raise nothing_found(where, hint="correct paths in the configuration, or give a PATH")
    return resolved


EXAMPLE_INVENTORY = "tenants.csv"  # the README's render, diff and tenants examples read it


def example_files() -> list[tuple[str, bytes]]:
    """(name, bytes) of every bundled sample plan, the remap and the sample tenant inventory,
    by name."""
    folder = resources.files("serviceplan.serviceplans")
    inventory = resources.files("serviceplan.examples").joinpath(EXAMPLE_INVENTORY)
    return sorted(
        [
            *(
                (entry.name, entry.read_bytes())
                for entry in folder.iterdir()
                if is_plan_name(entry.name) or entry.name == REMAP_NAME
            ),
            (EXAMPLE_INVENTORY, inventory.read_bytes()),
        ]
    )


def copy_examples(folder: str, force: bool = False) -> list[str]:
    """Copy the bundled samples into `folder` (made when missing); existing files are left
    alone (a usage error naming them) unless `force`. The paths written, in order."""
    from .output import write_atomic

    target = Path(folder)
    if os.path.lexists(target) and not target.is_dir():
        raise UsageError(f"{folder}: not a folder")
    files = example_files()
    existing = [name for name, _ in files if os.path.lexists(target / name)]
    if existing and not force:
        raise UsageError(
            f"{folder}: would overwrite {', '.join(existing)}",
            hint="--force overwrites them; or give an empty or new folder",
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{folder}: cannot create: {error.strerror or error}") from error
    written = []
    for name, data in files:
        write_atomic(target / name, data)
        written.append(str(target / name))
    return written
