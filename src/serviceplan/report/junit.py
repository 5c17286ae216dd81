"""JUnit XML: one test case per input file, one <failure> per failing finding.

Errors fail a file, and so do warnings under --strict; other warnings go to <system-out>.
`failures` counts failed test cases (files), as JUnit consumers expect, not findings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..model import Finding, Severity, ValidationReport
from .text import finding_lines

if TYPE_CHECKING:
    from . import ReportOptions

# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text safe for XML 1.0: impossible characters written as Python escapes (\\x01)."""
    return _NOT_XML.sub(lambda m: ascii(m[0])[1:-1], text)


def _fails(finding: Finding, strict: bool) -> bool:
    return finding.severity is Severity.ERROR or strict


def _body(findings: list[Finding]) -> str:
    return _xml("\n".join(line for f in findings for line in finding_lines(f)))


def render(report: ValidationReport, options: ReportOptions) -> str:
    by_file: dict[str, list[Finding]] = {file: [] for file in report.files}
    for finding in report.findings:  # a finding may name a file that was not an input
        by_file.setdefault(finding.location.file, []).append(finding)

    suite = ET.Element(
        "testsuite",
        {"name": "serviceplan validate", "tests": "0", "failures": "0", "errors": "0"},
    )
    failed = 0
    for file, findings in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="serviceplan", name=_xml(file))
        failing = [f for f in findings if _fails(f, report.strict)]
        for finding in failing:
            message = _xml(finding.message)
            failure = ET.SubElement(case, "failure", message=message, type=finding.rule)
            failure.text = _body([finding])
        if passing := [f for f in findings if not _fails(f, report.strict)]:
            ET.SubElement(case, "system-out").text = _body(passing)
        failed += bool(failing)
    suite.set("tests", str(len(by_file)))
    suite.set("failures", str(failed))

    ET.indent(suite)
    xml = ET.tostring(suite, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'
