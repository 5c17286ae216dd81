"""Which rules report, and how loudly.

Rule selectors (an id `SP405`, an id prefix `SP4`, a name `plan-never-referenced`, or `ALL`
for `select`), the selection a project configuration and `--select`/`--ignore` make, and
`screen`: the one function every command's findings pass through (selection, per-file
ignores, a plan file's own `<!-- serviceplan: ignore ... -->` comments, severity changes).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import Finding, Severity
from ..suggest import closest, did_you_mean
from .registry import RULES, RULES_BY_NAME

# The file, or a value in it, could not be read: not XML, a DOCTYPE, over the cap,
# undecodable, not the plan schema; a feature written twice, a value not of its type or
# holding elements, a mailbox plan attribute that does not parse. Compile would have to guess
# (or fail), so these always report, as errors, and a plan that has one is never compiled.
FIXED = frozenset({"SP001", "SP002", "SP003", "SP004", "SP100", "SP104", "SP107", "SP108", "SP307"})
_PREFIX = re.compile(r"SP[0-9]{1,2}")


class SelectorError(ValueError):
    """A rule selector that names no rule, or one that cannot be switched off."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def resolve_selector(selector: str, *, allow_all: bool = False) -> frozenset[str]:
    """The rule ids a selector names: an id (any case), a prefix of ids, a name, or ALL."""
    text = selector.strip()
    if allow_all and text.upper() == "ALL":
        return frozenset(RULES)
    if text.upper() in RULES:
        return frozenset({text.upper()})
    if text in RULES_BY_NAME:
        return frozenset({RULES_BY_NAME[text].id})
    if _PREFIX.fullmatch(text.upper()):
        matched = frozenset(rule for rule in RULES if rule.startswith(text.upper()))
        if matched:
            return matched
    listing = "`serviceplan rules` lists them"
    choices = [*RULES, *RULES_BY_NAME, *(["ALL"] if allow_all else [])]
    hint = did_you_mean(closest(text, choices, ignore_case=True))
    raise SelectorError(f"unknown rule {text!r}", f"{hint} ({listing})" if hint else listing)


def suppressible(selector: str, *, allow_all: bool = False) -> frozenset[str]:
    """The ids a selector may switch off: a prefix leaves out the FIXED rules; naming one of
    them alone is an error (a file that cannot be read is always reported)."""
    ids = resolve_selector(selector, allow_all=allow_all)
    if len(ids) == 1 and ids <= FIXED:
        (rule,) = ids
        raise SelectorError(
            f"{rule} ({RULES[rule].name}) cannot be switched off or lowered",
            "the file, or a value in it, cannot be read: nothing could be compiled from it",
        )
    return ids - FIXED


def parse_selectors(values: Sequence[str]) -> list[str]:
    """`--select SP4,SP1 --select SP201`: comma-separated and repeatable."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@dataclass(frozen=True, slots=True)
class RuleSelection:
    """What a project configuration and the command line make of the rules."""

    selected: frozenset[str] | None = None  # None: every rule
    severity: tuple[tuple[str, Severity], ...] = ()  # rule id -> its new severity
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob, rule ids)
    root: str = ""  # the folder per-file-ignores globs are relative to

    @property
    def is_default(self) -> bool:
        return self.selected is None and not self.severity and not self.per_file_ignores


ALL_RULES = RuleSelection()  # no configuration: every rule, as registered


def select_rules(
    layers: Sequence[tuple[frozenset[str] | None, frozenset[str]]],
) -> frozenset[str] | None:
    """Rule selection in layers (the configuration, then the command line), as ruff does:
    a layer's `select` replaces the selection so far (with its ignores), its `ignore` then
    removes rules."""
    selected: frozenset[str] | None = None
    for select, ignore in layers:
        if select is not None:
            selected = select
        if ignore:
            selected = (frozenset(RULES) if selected is None else selected) - ignore
    return selected


@dataclass(frozen=True, slots=True)
class Suppressions:
    """The rules one plan file suppresses: everywhere, or on an element's lines."""

    file: frozenset[str] = frozenset()
    spans: tuple[tuple[int, int, frozenset[str]], ...] = ()  # (first line, last line, ids)

    def covers(self, finding: Finding) -> bool:
        if finding.rule in self.file:
            return True
        line = finding.location.line
        return bool(line) and any(
            first <= line <= last and finding.rule in ids for first, last, ids in self.spans
        )


@dataclass(frozen=True, slots=True)
class Screened:
    findings: tuple[Finding, ...]
    suppressed: int  # findings left out (not selected, ignored for their file, or inline)


def screen(
    findings: Iterable[Finding],
    rules: RuleSelection,
    inline: Mapping[str, Suppressions | None] | None = None,
) -> Screened:
    """The findings a command reports: those of unselected rules, of rules ignored for their
    file (per-file-ignores) or suppressed in it (an inline comment) left out and counted,
    severities changed as configured. The FIXED rules always pass unchanged."""
    if rules.is_default and not inline:
        return Screened(tuple(findings), 0)
    severity = dict(rules.severity)
    per_file: dict[str, frozenset[str]] = {}
    kept: list[Finding] = []
    hidden = 0
    for finding in findings:
        rule, file = finding.rule, finding.location.file
        if rule in FIXED:
            kept.append(finding)
            continue
        ignored = per_file.get(file)
        if ignored is None:
            ignored = per_file[file] = _ignored_for(file, rules)
        suppressions = inline.get(file) if inline else None
        if (
            (rules.selected is not None and rule not in rules.selected)
            or rule in ignored
            or (suppressions is not None and suppressions.covers(finding))
        ):
            hidden += 1
            continue
        new = severity.get(rule)
        kept.append(finding if new in (None, finding.severity) else replace(finding, severity=new))
    return Screened(tuple(kept), hidden)


def _ignored_for(file: str, rules: RuleSelection) -> frozenset[str]:
    if not rules.per_file_ignores:
        return frozenset()
    relative = _relative(file, rules.root)
    name = relative.rpartition("/")[2]
    ignored: set[str] = set()
    for pattern, ids in rules.per_file_ignores:
        if glob_pattern(pattern).fullmatch(relative if "/" in pattern else name):
            ignored |= ids
    return frozenset(ignored)


def _relative(file: str, root: str) -> str:
    """The finding's file relative to `root` (POSIX separators); a git revision's `REV:path`
    is its path in the work tree."""
    path = file
    if ":" in path and not os.path.lexists(path):
        path = path.partition(":")[2]
    try:
        relative = os.path.relpath(Path(path).resolve(), root or os.curdir)
    except ValueError:  # another drive (Windows)
        relative = path
    return relative.replace(os.sep, "/")


@functools.cache
def glob_pattern(pattern: str) -> re.Pattern[str]:
    """A glob as ruff reads per-file-ignores: `*` and `?` within a folder, `**` across
    folders; ignoring case, as Exchange's plan names do."""
    pattern = pattern.removeprefix("./")
    parts: list[str] = []
    position = 0
    while position < len(pattern):
        if pattern.startswith("**/", position):
            parts.append("(?:.*/)?")
            position += 3
        elif pattern.startswith("**", position):
            parts.append(".*")
            position += 2
        else:
            char = pattern[position]
            parts.append({"*": "[^/]*", "?": "[^/]"}.get(char) or re.escape(char))
            position += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)
