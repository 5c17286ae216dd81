"""The human format: `FILE:LINE:COL: error: MESSAGE [SP101 unknown-feature]` per finding."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from ..model import Finding, FindingsReport, Severity
from ..rules.registry import RULES

if TYPE_CHECKING:
    from . import ReportOptions

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}
# Controls (C0 but the line feed, DEL, C1), line and paragraph separators and bidirectional
# controls: from a hostile input (a remap field, a tenant name) they would move the cursor,
# retitle or clear the terminal, or make a line read differently from what it holds.
_UNPRINTABLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def rule_label(finding: Finding) -> str:
    """`SP101 unknown-feature`; just the id for a rule the registry does not know."""
    rule = RULES.get(finding.rule)
    return f"{finding.rule} {rule.name}" if rule else finding.rule


def printable(text: str) -> str:
    """Text for a terminal: each unprintable character as its Python escape (`\\x1b`,
    `\\u202e`); line feeds are kept (the caller indents or escapes them)."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda char: char.group().encode("unicode_escape").decode(), text)


def _continued(text: str, indent: str) -> str:
    """Indent continuation lines so a multi-line message cannot pass for another finding."""
    return f"\n{indent}".join(text.splitlines())


def finding_lines(finding: Finding, *, color: bool = False) -> list[str]:
    """The finding line, then `  hint: ...` and `  at /Configuration/...` when present."""
    severity = finding.severity.value
    if color:
        severity = click.style(severity, fg=_COLORS[finding.severity])
    message = _continued(printable(finding.message), "  ")
    where = printable(str(finding.location)).replace("\n", "\\n")
    lines = [f"{where}: {severity}: {message} [{rule_label(finding)}]"]
    if finding.hint:
        lines.append(f"  hint: {_continued(printable(finding.hint), '    ')}")
    if finding.path:
        lines.append(f"  at {printable(finding.path)}")
    return lines


def render(report: FindingsReport, options: ReportOptions) -> str:
    lines = [line for f in report.findings for line in finding_lines(f, color=options.color)]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"
