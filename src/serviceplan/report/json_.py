"""The machine format, documented by schemas/validate-report.schema.json (keep them in step)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Finding, FindingsReport
from ..rules.registry import RULES
from .encode import encode_text, envelope

if TYPE_CHECKING:
    from . import ReportOptions

FORMAT_VERSION = 1  # bump when a key changes meaning or goes away; adding keys is not a bump


def finding_json(finding: Finding) -> dict[str, object]:
    rule = RULES.get(finding.rule)
    return {
        "rule": finding.rule,
        "name": rule.name if rule else "",
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        "path": finding.path,
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
    }


def render(report: FindingsReport, options: ReportOptions) -> str:
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "summary": {
            "files": len(report.files),
            "errors": report.errors,
            "warnings": report.warnings,
            "suppressed": report.suppressed,
            "strict": report.strict,
            "failed": report.failed,
            "text": report.summary(),
            **({} if report.tenants is None else {"tenants": report.tenants}),
        },
        "files": list(report.files),
        "findings": [finding_json(f) for f in report.findings],
    }
    return encode_text(document)
