"""GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding.

GitHub shows at most 10 error and 10 warning annotations per step (and drops the rest), so the
plain summary line follows the annotations, and the json/junit/sarif formats exist for the full
list (SARIF uploaded to code scanning has no such cap).

The runner resolves `file=` from the repository root, whatever the step's
`working-directory`, so paths are written relative to it (GITHUB_WORKSPACE, else the git top
level: `ReportOptions.root`); a file outside it keeps the path as given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Finding, FindingsReport
from .paths import report_path
from .text import printable, rule_label

if TYPE_CHECKING:
    from . import ReportOptions


def escape_data(text: str) -> str:
    """Escape a command's message (the part after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file=, title=): also `:` and `,`, which end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, root: str | None = None) -> str:
    """The annotation says what the text format says: the message, then `hint: ...` and
    `at /Configuration/...` on lines of their own, escaped as the text format escapes them."""
    loc = finding.location
    props = {
        "file": report_path(loc.file, root),
        "line": loc.line,
        "col": loc.column,
        "title": rule_label(finding),
    }
    fields = ",".join(
        f"{key}={escape_property(printable(str(val)))}" for key, val in props.items() if val
    )
    lines = [finding.message]
    if finding.hint:
        lines.append(f"hint: {finding.hint}")
    if finding.path:
        lines.append(f"at {finding.path}")
    message = escape_data(printable("\n".join(lines)))
    return f"::{finding.severity.value} {fields}::{message}"


def render(report: FindingsReport, options: ReportOptions) -> str:
    lines = [annotation(f, options.root) for f in report.findings]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"
