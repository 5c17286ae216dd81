"""The project configuration: `.serviceplan.toml` (top-level keys) or `[tool.serviceplan]` in
`pyproject.toml`, found by walking upward from the working directory (in each folder the
`.serviceplan.toml` wins; a pyproject.toml without the table does not count), or named with
`--config`; `--isolated` reads none.

    paths = ["serviceplans"]             # default PATHs, relative to the file's folder
    select = ["ALL"]                     # rule ids, id prefixes (SP4) or names
    ignore = ["SP407"]
    severity = { SP405 = "error", plan-edited-in-place = "error" }
    per-file-ignores = { "retired/*.serviceplan" = ["SP405"] }   # globs: the file's folder
    strict = true                        # as validate --strict
    fail-on = ["MailboxPlanConfiguration"]   # as diff --fail-on

Every mistake (unknown key, wrong type, unknown rule) is a usage error naming the file and
the key, with a did-you-mean.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, UsageError
from .model import Severity
from .report.text import printable
from .rules.selection import (
    RuleSelection,
    SelectorError,
    parse_selectors,
    resolve_selector,
    select_rules,
    suppressible,
)
from .suggest import closest, did_you_mean

CONFIG_NAME = ".serviceplan.toml"
PYPROJECT = "pyproject.toml"
KEYS = ("paths", "select", "ignore", "severity", "per-file-ignores", "strict", "fail-on")
_MAX_SIZE = 1 << 20
_Fail = Callable[..., ConfigError]
_RuleSet = Callable[..., frozenset[str]]


@dataclass(frozen=True, slots=True)
class Config:
    """A project configuration as read and checked; the default is no configuration."""

    source: str = ""  # the file it came from; empty: none
    folder: str = ""  # that file's folder (absolute): paths and globs are relative to it
    paths: tuple[str, ...] = ()  # as written
    select: frozenset[str] | None = None  # rule ids; None: not configured (every rule)
    ignore: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    strict: bool | None = None
    fail_on: tuple[str, ...] | None = None  # update categories, as written in the catalogue

    def rules(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> RuleSelection:
        """The configured rules with `--select`/`--ignore` on top, as ruff layers them:
        `--select` replaces the configured selection (and its ignores); `--ignore` adds."""
        chosen = parse_selectors(select)
        cli_select = frozenset().union(*(_cli(s, "--select") for s in chosen)) if select else None
        cli_ignore = frozenset().union(*(_cli(s, "--ignore") for s in parse_selectors(ignore)))
        selected = select_rules([(self.select, self.ignore), (cli_select, cli_ignore)])
        return RuleSelection(selected, self.severity, self.per_file_ignores, self.folder)

    def resolve(self, path: str) -> str:
        """A path written in the file, as the working directory reaches it."""
        absolute = os.path.normpath(Path(self.folder) / path)
        try:
            return os.path.relpath(absolute)
        except ValueError:  # another drive (Windows)
            return absolute


def _cli(value: str, option: str) -> frozenset[str]:
    try:
        if option == "--select":
            return resolve_selector(value, allow_all=True)
        return suppressible(value)
    except SelectorError as error:
        raise UsageError(f"{option}: {error.message}", hint=error.hint) from None


def load_project_config(explicit: str | None = None, isolated: bool = False) -> Config:
    """The configuration a command runs with: `--config`, else the nearest one found upward
    from the working directory, else none; `--isolated`: none."""
    if isolated:
        if explicit:
            raise UsageError("--config and --isolated contradict each other: choose one")
        return Config()
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError(f"--config {explicit}: no such file")
        table = _read(path)
        if table.values is None:
            raise ConfigError(f"{explicit}: no [tool.serviceplan] table")
        return _parse(path, table)
    found = find_config(Path.cwd())
    return Config() if found is None else _parse(found, _read(found))


def find_config(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _read(pyproject).values is not None:
            return pyproject
    return None


@dataclass(frozen=True, slots=True)
class _Table:
    values: dict[str, Any] | None  # None: a pyproject.toml without [tool.serviceplan]
    label: str  # how an error names a key's table: "" or "[tool.serviceplan] "


def _read(path: Path) -> _Table:
    shown = _shown_path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_SIZE + 1)
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read: {error.strerror or error}") from error
    if len(data) > _MAX_SIZE:
        raise ConfigError(f"{shown}: larger than {_MAX_SIZE:,} bytes; not a configuration")
    try:
        document = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{shown}: not valid TOML: {error}") from error
    if path.name != PYPROJECT:
        return _Table(document, "")
    tool = document.get("tool")
    values = tool.get("serviceplan") if isinstance(tool, dict) else None
    if values is not None and not isinstance(values, dict):
        raise ConfigError(f"{shown}: [tool.serviceplan] must be a table")
    return _Table(values, "[tool.serviceplan] ")


def _parse(path: Path, table: _Table) -> Config:
    values = table.values or {}

    def fail(key: str, message: str, hint: str = "") -> ConfigError:
        # keys and values come from the file: escaped for the terminal, as findings are
        where = f"{_shown_path(path)}: {table.label}{key}"
        return ConfigError(printable(f"{where}: {message}"), hint=printable(hint))

    for key in values:
        if key not in KEYS:
            close = closest(key, KEYS, ignore_case=True)
            hint = did_you_mean(close) or f"the keys are {', '.join(KEYS)}"
            raise fail(key, "unknown key", hint)

    def strings(key: str) -> list[str]:
        value = values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, f"must be a list of strings, not {_shown(value)}")
        return value

    def rule_set(key: str, words: list[str], *, allow_all: bool = False) -> frozenset[str]:
        try:
            if allow_all:
                return frozenset().union(*(resolve_selector(w, allow_all=True) for w in words))
            return frozenset().union(*(suppressible(w) for w in words))
        except SelectorError as error:
            raise fail(key, error.message, error.hint) from None

    select = rule_set("select", strings("select"), allow_all=True) if "select" in values else None
    strict = values.get("strict")
    if strict is not None and not isinstance(strict, bool):
        raise fail("strict", f"must be true or false, not {_shown(strict)}")
    return Config(
        source=_shown_path(path),
        folder=str(path.resolve().parent),
        paths=tuple(strings("paths")),
        select=select,
        ignore=rule_set("ignore", strings("ignore")),
        severity=_severity(values.get("severity", {}), fail),
        per_file_ignores=_per_file(values.get("per-file-ignores", {}), fail, rule_set),
        strict=strict,
        fail_on=_fail_on(values, fail),
    )


def _severity(value: object, fail: _Fail) -> tuple[tuple[str, Severity], ...]:
    """Rule id -> severity; a more specific selector wins (`SP6 = "warning"` with
    `SP605 = "error"` leaves SP605 an error), as ruff weighs selectors."""
    if not isinstance(value, dict):
        raise fail("severity", f'must be a table of rule = "error" or "warning", not {value!r}')
    levels = {level.value: level for level in Severity}
    entries: list[tuple[frozenset[str], Severity]] = []
    for selector, level in value.items():
        key = f"severity.{selector}"
        if level not in levels:
            close = closest(level, levels, ignore_case=True) if isinstance(level, str) else []
            hint = did_you_mean(close)
            raise fail(key, f'must be "error" or "warning", not {_shown(level)}', hint)
        try:
            lowered = levels[level] is Severity.WARNING
            ids = suppressible(selector) if lowered else resolve_selector(selector)
        except SelectorError as error:
            raise fail(key, error.message, error.hint) from None
        entries.append((ids, levels[level]))
    changed: dict[str, Severity] = {}
    for ids, level in sorted(entries, key=lambda entry: -len(entry[0])):  # stable: file order
        changed.update(dict.fromkeys(ids, level))
    return tuple(sorted(changed.items()))


def _per_file(
    value: object, fail: _Fail, rule_set: _RuleSet
) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(value, dict):
        raise fail("per-file-ignores", f"must be a table of glob = [rules], not {_shown(value)}")
    pairs = []
    for pattern, words in value.items():
        key = f'per-file-ignores."{pattern}"'
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise fail(key, f"must be a list of rules, not {_shown(words)}")
        pairs.append((pattern, rule_set(key, words)))
    return tuple(pairs)


def _fail_on(values: dict[str, Any], fail: _Fail) -> tuple[str, ...] | None:
    if "fail-on" not in values:
        return None
    from .catalog import CATEGORIES

    value = values["fail-on"]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail("fail-on", f"must be a list of update categories, not {_shown(value)}")
    known = {category.casefold(): category for category in CATEGORIES}
    chosen = []
    for word in value:
        if word.casefold() not in known:
            close = closest(word, CATEGORIES, ignore_case=True)
            hint = did_you_mean(close) or f"choose from {', '.join(CATEGORIES)}"
            raise fail("fail-on", f"unknown update category {word!r}", hint)
        chosen.append(known[word.casefold()])
    return tuple(chosen)


def _shown_path(path: Path) -> str:
    """The file as errors name it: relative when it lies under the working directory (found
    upward, or elsewhere, it is named in full, whatever the working directory)."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path.resolve()) if relative.startswith(os.pardir) else relative


def _shown(value: object) -> str:
    return f"{type(value).__name__} {value!r}"
