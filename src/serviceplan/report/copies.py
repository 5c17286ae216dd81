"""Output of `serviceplan digest` and `serviceplan verify-copies`, as text or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import plural
from ..tools.copies import CopyReport, Difference, Kind, display_folder
from ..tools.digest import DigestSet
from . import ReportOptions
from .encode import encode_text, envelope

FORMAT_VERSION = 1  # bump when a key changes meaning or goes away; adding keys is not a bump


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyResult:
    """What `verify-copies` reports on: the reference folder, its digests, each copy's report."""

    folder: str
    reference: DigestSet
    reports: tuple[CopyReport, ...]


def digest_text(digests: DigestSet, options: ReportOptions) -> str:
    # a comment line: `sha256sum -c` (even --strict) skips it, where `set  X` was a warning
    return "".join(f.line() for f in digests.files) + f"# set  {digests.digest}\n"


def digest_json(digests: DigestSet, options: ReportOptions) -> str:
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "files": [{"path": f.path, "sha256": f.sha256} for f in digests.files],
        "set": digests.digest,
    }
    return encode_text(document)


def _errors(side: str, count: int) -> str:
    return f"{side} does not validate: {plural(count, 'error')}"


def _describe(difference: Difference) -> list[str]:
    """The lines for one difference, without the folder prefix."""
    path = difference.path
    if difference.kind is Kind.MISSING:
        return [f"missing {path}"]
    if difference.kind is Kind.EXTRA:
        return [f"extra {path}"]
    if difference.textual is not None:
        return [f"{path} differs: textual only ({difference.textual.value})"]
    if difference.reference_errors or difference.copy_errors:
        sides = [
            _errors(side, count)
            for side, count in (
                ("reference", difference.reference_errors),
                ("copy", difference.copy_errors),
            )
            if count
        ]
        return [f"{path} differs: {'; '.join(sides)}"]
    return [f"{path} differs: settings: {change}" for change in difference.settings] + [
        f"{path} differs: rows: {change}" for change in difference.rows
    ]


def _summary(reports: tuple[CopyReport, ...]) -> str:
    drifted = [report for report in reports if report.differences]
    unchecked = sum(1 for report in reports if report.error)
    count = sum(len(report.differences) for report in drifted)
    in_sync = sum(1 for report in reports if report.in_sync)
    return (
        f"{len(reports)} {'copy' if len(reports) == 1 else 'copies'} checked: "
        f"{in_sync} in sync, {len(drifted)} drifted ({plural(count, 'difference')})"
        + (f", {unchecked} could not be checked" if unchecked else "")
    )


def verify_text(result: VerifyResult, options: ReportOptions) -> str:
    folder, reference, reports = result.folder, result.reference, result.reports
    lines = [
        f"reference {display_folder(folder)}: {plural(len(reference.files), 'file')}, "
        f"set {reference.digest}"
    ]
    for report in reports:
        prefix = f"{display_folder(report.folder)}: "
        if report.error:
            lines.append(f"{prefix}cannot be checked: {report.error}")
            continue
        if report.in_sync:
            lines.append(f"{prefix}in sync ({plural(report.files, 'file')})")
            continue
        lines += [prefix + line for d in report.differences for line in _describe(d)]
    lines.append(_summary(reports))
    return "\n".join(lines) + "\n"


def _difference_json(difference: Difference) -> dict[str, Any]:
    return {
        "path": difference.path,
        "kind": difference.kind.value,
        "textual": difference.textual.value if difference.textual else None,
        "settings": [
            {
                "scope": c.scope,
                "feature": c.feature or None,
                "reference": c.reference,
                "copy": c.copy,
            }
            for c in difference.settings
        ],
        "rows": [
            {"change": "added" if r.added else "removed", "fields": list(r.fields), "line": r.line}
            for r in difference.rows
        ],
        "reference_errors": difference.reference_errors,
        "copy_errors": difference.copy_errors,
    }


def verify_json(result: VerifyResult, options: ReportOptions) -> str:
    folder, reference, reports = result.folder, result.reference, result.reports
    drifted = [report for report in reports if report.differences]
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "reference": {"folder": folder, "files": len(reference.files), "set": reference.digest},
        "copies": [
            {
                "folder": report.folder,
                "files": report.files,
                "set": report.digest or None,
                "in_sync": report.in_sync,
                "error": report.error or None,
                "differences": [_difference_json(d) for d in report.differences],
            }
            for report in reports
        ],
        "summary": {
            "copies": len(reports),
            "in_sync": sum(1 for report in reports if report.in_sync),
            "drifted": len(drifted),
            "unchecked": sum(1 for report in reports if report.error),
            "differences": sum(len(report.differences) for report in drifted),
        },
    }
    return encode_text(document)
