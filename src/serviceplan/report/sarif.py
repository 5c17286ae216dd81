"""SARIF 2.1.0 for code-scanning upload: every rule in the driver, one result per finding."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..model import Finding, Severity, ValidationReport
from ..rules.registry import RULES

if TYPE_CHECKING:
    from . import ReportOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}
_DRIVE = re.compile(r"^[A-Za-z]:/")


def artifact_uri(file: str) -> str:
    """The path as a URI reference: forward slashes, percent-encoded, relative stays relative.

    Only a Windows drive path changes shape (file:///C:/...), because `C:` would read as a
    URI scheme.
    """
    path = file.replace("\\", "/")
    if _DRIVE.match(path):
        return "file:///" + path[:2] + quote(path[2:])
    return quote(path)


def _rules() -> list[dict[str, object]]:
    return [
        {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "help": {"text": rule.hint},
            "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        }
        for rule in RULES.values()
    ]


def _result(finding: Finding, index: dict[str, int]) -> dict[str, object]:
    result: dict[str, object] = {"ruleId": finding.rule}
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    text = f"{finding.message} Hint: {finding.hint}" if finding.hint else finding.message
    result |= {"level": _LEVELS[finding.severity], "message": {"text": text}}

    loc = finding.location
    location: dict[str, object] = {}
    if loc.file:
        physical: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(loc.file)}}
        if loc.line > 0:
            region = {"startLine": loc.line}
            if loc.column > 0:
                region["startColumn"] = loc.column
            physical["region"] = region
        location["physicalLocation"] = physical
    if finding.path:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.path, "kind": "element"}]
    if location:
        result["locations"] = [location]
    return result


def render(report: ValidationReport, options: ReportOptions) -> str:
    index = {rule_id: i for i, rule_id in enumerate(RULES)}
    driver = {"name": "serviceplan", "version": options.tool_version, "rules": _rules()}
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "results": [_result(f, index) for f in report.findings],
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
