"""Custom parameter types shared by the commands."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click
from click.shell_completion import CompletionItem

_SIZE = re.compile(r"\s*([0-9]+)\s*([KkMmGg]i?[Bb]?|[Bb])?\s*")
_FACTORS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


class ByteSize(click.ParamType[int]):
    """A size such as 1MB, 512KB or 1048576 (binary units)."""

    name = "size"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value))
        if match is None:
            self.fail(f"{value!r} is not a size such as 1MB or 512KB", param, ctx)
        unit = (match[2] or "")[:1].lower()
        return int(match[1]) * _FACTORS[unit]


class ReportTarget(click.ParamType[tuple[str, str]]):
    """FORMAT:PATH for --report."""

    name = "format:path"

    def __init__(self, formats: list[str]) -> None:
        self.formats = formats

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        name, sep, path = str(value).partition(":")
        if not sep or not path:
            self.fail(f"{value!r} is not FORMAT:PATH (e.g. sarif:results.sarif)", param, ctx)
        if name not in self.formats:
            self.fail(f"unknown format {name!r}; choose from {', '.join(self.formats)}", param, ctx)
        return name, path


class CategoryList(click.ParamType[tuple[str, ...]]):
    """CATEGORY[,CATEGORY...] for --fail-on: Exchange's update categories, any case."""

    name = "category[,category...]"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, ...]:
        from ..catalog import CATEGORIES

        if isinstance(value, tuple):
            return value
        known = {category.casefold(): category for category in CATEGORIES}
        chosen = []
        for item in filter(None, (part.strip() for part in str(value).split(","))):
            if item.casefold() not in known:
                self.fail(
                    f"unknown category {item!r}; choose from {', '.join(CATEGORIES)}", param, ctx
                )
            chosen.append(known[item.casefold()])
        return tuple(chosen)


class AnyCaseChoice(click.ParamType[str]):
    """One of a few names, in any case (`--category mailboxplanconfiguration`), turned into
    its canonical spelling; a wrong one lists the choices as they are spelt."""

    def __init__(
        self, choices: Sequence[str], noun: str, aliases: Mapping[str, str] | None = None
    ) -> None:
        self.choices = tuple(choices)
        self.name = noun
        self.aliases = dict(aliases or {})  # short names people type (org), to a choice

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        known = {choice.casefold(): choice for choice in self.choices}
        known |= {alias.casefold(): choice for alias, choice in self.aliases.items()}
        chosen = known.get(str(value).strip().casefold())
        if chosen is None:
            self.fail(
                f"unknown {self.name} {value!r}; choose from {', '.join(self.choices)}", param, ctx
            )
        return chosen

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        start = incomplete.casefold()
        return [CompletionItem(c) for c in self.choices if c.casefold().startswith(start)]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"[{'|'.join(self.choices)}]"


COLOR_CHOICE = click.Choice(["auto", "always", "never"])


def use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def emit(output: str, color: bool, *, err: bool = False) -> None:
    # color=True keeps the codes whatever the stream is (--color always into a pipe);
    # None lets click strip them when stdout is not a terminal.
    click.echo(output, nl=False, color=True if color else None, err=err)


F = TypeVar("F", bound=Callable[..., Any])


def config_options(command: F) -> F:
    """--config and --isolated: which project configuration applies (config.py)."""
    command = click.option(
        "--isolated",
        is_flag=True,
        help="Ignore every configuration file (.serviceplan.toml, pyproject.toml).",
    )(command)
    return click.option(
        "--config",
        "config_file",
        type=click.Path(),
        help="The project configuration to use, instead of the nearest .serviceplan.toml or "
        "pyproject.toml [tool.serviceplan] above the working directory.",
    )(command)


def rule_options(command: F) -> F:
    """--select and --ignore: rules by id, id prefix or name, on top of the configuration."""
    command = click.option(
        "--ignore",
        multiple=True,
        metavar="RULE[,RULE...]",
        help="Leave these rules out (adds to the configuration's ignore).",
    )(command)
    return click.option(
        "--select",
        multiple=True,
        metavar="RULE[,RULE...]",
        help="Report only these rules, e.g. --select SP4,SP201 (replaces the configuration's "
        "select and ignore); ALL for every rule.",
    )(command)


EXAMPLES = click.option(
    "--examples",
    is_flag=True,
    help="Read the bundled sample plans (Contoso) instead of PATH; "
    "`serviceplan examples DIR` copies them out.",
)


# -o/--output of the commands that print a report: the one declaration they share
output_option = click.option(
    "-o", "--output", type=click.Path(), help="Write to FILE (atomically), not stdout."
)


def format_option(
    choices: Sequence[str], default: str | None = "text", help: str | None = None
) -> Callable[[F], F]:
    """-f/--format, into `output_format`: the one declaration every command shares."""
    return click.option(
        "-f",
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help,
    )


def max_file_size_option(help: str | None = None) -> Callable[[F], F]:
    """--max-file-size (1MB by default): the cap on each file a command reads."""
    return click.option(
        "--max-file-size", type=ByteSize(), default="1MB", show_default=True, help=help
    )


TENANTS_HELP = (
    "The tenant inventory: a CSV or JSONL file, or a database URL (sqlite:///tenants.db, "
    "postgresql://user@host/db)."
)


def tenants_source_options(command: F) -> F:
    """--tenants-table and --tenants-query: where in a database the inventory is."""
    command = click.option(
        "--tenants-query",
        metavar="SQL",
        help="With a database URL: a SELECT of your own giving the inventory's columns "
        "(e.g. SELECT org AS name, ...).",
    )(command)
    return click.option(
        "--tenants-table",
        metavar="NAME",
        help="With a database URL: the table to read (default tenants; quoted as a name).",
    )(command)
