"""SARIF 2.1.0 for code-scanning upload: every rule in the driver, one result per finding.

Every result on a file has a region (line 1 for a finding about the whole file: code
scanning refuses a result without one) and a `partialFingerprints` entry that does not move
with the line, so a re-upload matches its alerts instead of duplicating them. URIs are
relative to the repository root (`%SRCROOT%`, given in `originalUriBaseIds`), a file outside
it an absolute `file://` URI.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import TYPE_CHECKING

from ..model import Finding, FindingsReport, Severity
from ..rules.registry import RULES
from .encode import encode_text
from .paths import SRCROOT, artifact_location, root_uri

if TYPE_CHECKING:
    from . import ReportOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "serviceplanFinding/v1"  # bump the version when the inputs below change
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}
_LINE_BREAKS = re.compile(r"\s*[\n\r\u2028\u2029]\s*")
_PLAIN_FIRST_WORD = re.compile(r"[a-z]+ ")  # "the Organization ...", not "tenants.csv: ..."
# positions a message may quote ("also on line 7", libxml2's "A line 2 and B"): an edit
# above the finding moves them, and must not make it a new alert
_POSITIONS = re.compile(r"\b(?:lines?|column) [0-9]+(?:(?:, | and | to |-)[0-9]+)*")


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


def fingerprint(finding: Finding, uri: str) -> str:
    """What makes a finding the same alert from run to run: its rule, file, element path and
    message with positions taken out, never the line alone (the result adds its number among
    equal ones, `:1`, `:2`)."""
    message = _POSITIONS.sub("", finding.message)
    key = "\0".join((finding.rule, uri, finding.path, message))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(
    finding: Finding, index: dict[str, int], root: str | None, seen: Counter[str]
) -> dict[str, object]:
    result: dict[str, object] = {"ruleId": finding.rule}
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    text = " ".join(sentence(part) for part in (finding.message, finding.hint) if part.strip())
    result |= {"level": _LEVELS[finding.severity], "message": {"text": text}}

    loc = finding.location
    location: dict[str, object] = {}
    uri = ""
    if loc.file:
        artifact = artifact_location(loc.file, root)
        uri = artifact["uri"]
        region = {"startLine": max(loc.line, 1)}  # a file-level finding: its first line
        if loc.line > 0 and loc.column > 0:
            region["startColumn"] = loc.column
        location["physicalLocation"] = {"artifactLocation": artifact, "region": region}
    if finding.path:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.path, "kind": "element"}]
    if location:
        result["locations"] = [location]
    key = fingerprint(finding, uri)
    seen[key] += 1
    result["partialFingerprints"] = {FINGERPRINT: f"{key}:{seen[key]}"}
    return result


def render(report: FindingsReport, options: ReportOptions) -> str:
    index = {rule_id: i for i, rule_id in enumerate(RULES)}
    driver = {"name": "serviceplan", "version": options.tool_version, "rules": _rules()}
    seen: Counter[str] = Counter()
    run: dict[str, object] = {"tool": {"driver": driver}}
    if options.root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri(options.root)}}
    # libxml2 counts columns in characters, and so does every other format
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = [_result(f, index, options.root, seen) for f in report.findings]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return encode_text(document)
