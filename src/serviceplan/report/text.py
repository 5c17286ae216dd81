"""The human format: `FILE:LINE:COL: error: MESSAGE [SP101 unknown-feature]` per finding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..model import Finding, Severity, ValidationReport
from ..rules.registry import RULES

if TYPE_CHECKING:
    from . import ReportOptions

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def rule_label(finding: Finding) -> str:
    """`SP101 unknown-feature`; just the id for a rule the registry does not know."""
    rule = RULES.get(finding.rule)
    return f"{finding.rule} {rule.name}" if rule else finding.rule


def _continued(text: str, indent: str) -> str:
    """Indent continuation lines so a multi-line message cannot pass for another finding."""
    return f"\n{indent}".join(text.splitlines())


def finding_lines(finding: Finding, *, color: bool = False) -> list[str]:
    """The finding line, then `  hint: ...` and `  at /Configuration/...` when present."""
    severity = finding.severity.value
    if color:
        severity = click.style(severity, fg=_COLORS[finding.severity])
    message = _continued(finding.message, "  ")
    lines = [f"{finding.location}: {severity}: {message} [{rule_label(finding)}]"]
    if finding.hint:
        lines.append(f"  hint: {_continued(finding.hint, '    ')}")
    if finding.path:
        lines.append(f"  at {finding.path}")
    return lines


def render(report: ValidationReport, options: ReportOptions) -> str:
    lines = [line for f in report.findings for line in finding_lines(f, color=options.color)]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"
