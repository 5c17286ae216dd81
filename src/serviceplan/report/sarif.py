"""SARIF 2.1.0 for code-scanning upload: every rule in the driver, one result per finding."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..model import Finding, Severity, ValidationReport
from ..rules.registry import RULES
from .encode import encode_text

if TYPE_CHECKING:
    from . import ReportOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}
_DRIVE = re.compile(r"^[A-Za-z]:/")
_LINE_BREAKS = re.compile(r"\s*[\n\r\u2028\u2029]\s*")
_PLAIN_FIRST_WORD = re.compile(r"[a-z]+ ")  # "the Organization ...", not "tenants.csv: ..."


def artifact_uri(file: str) -> str:
    """The path as a URI reference: forward slashes, percent-encoded, relative stays relative.

    Only a Windows drive path changes shape (file:///C:/...), because `C:` would read as a
    URI scheme.
    """
    path = file.replace("\\", "/")
    if _DRIVE.match(path):
        return "file:///" + path[:2] + quote(path[2:])
    return quote(path)


def sentence(text: str) -> str:
    """A sentence for a SARIF plain-text message, which is one paragraph of complete sentences
    ending with a full stop (SARIF 2.1.0's guidance on result messages): line breaks become
    spaces, a first plain word gets its capital, a full stop closes it unless it already ends
    a sentence. Names and values are left as written."""
    text = _LINE_BREAKS.sub(" ", text.strip())
    if _PLAIN_FIRST_WORD.match(text):
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


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
    text = " ".join(sentence(part) for part in (finding.message, finding.hint) if part.strip())
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
                # libxml2 counts columns in characters, and so does every other format
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index) for f in report.findings],
            }
        ],
    }
    return encode_text(document)
