"""JUnit XML: a test suite per input file, a test case per failing finding.

Errors fail, and so do warnings under --strict: each is one <testcase> (named by its rule and
location) holding exactly one <failure>, so `failures` counts what a consumer counts. A file
with nothing failing is one passing test case named after the file. Other warnings go to the
suite's <system-out>. Every suite and case carries `time` (0.000: findings are not timed)
and each suite the run's `timestamp`. Valid against pytest's junit XSD
(tests/unit/report/junit-10.xsd).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..model import Finding, FindingsReport, Severity
from .text import finding_lines, rule_label

if TYPE_CHECKING:
    from . import ReportOptions

NO_TIME = "0.000"
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text safe for XML 1.0: impossible characters written as Python escapes (\\x01)."""
    return _NOT_XML.sub(lambda m: ascii(m[0])[1:-1], text)


def _fails(finding: Finding, strict: bool) -> bool:
    return finding.severity is Severity.ERROR or strict


def _body(findings: list[Finding]) -> str:
    return _xml("\n".join(line for f in findings for line in finding_lines(f)))


def _suite(
    parent: ET.Element, file: str, findings: list[Finding], strict: bool, timestamp: str
) -> int:
    """One file's suite; the number of its failures."""
    failing = [f for f in findings if _fails(f, strict)]
    suite = ET.SubElement(
        parent,
        "testsuite",
        name=_xml(file),
        tests=str(len(failing) or 1),
        failures=str(len(failing)),
        errors="0",
        skipped="0",
        time=NO_TIME,
        timestamp=timestamp,
    )
    for finding in failing:
        name = f"{rule_label(finding)} at {finding.location}"
        case = ET.SubElement(suite, "testcase", classname=_xml(file), name=_xml(name))
        case.set("time", NO_TIME)
        message = _xml(finding.message)
        failure = ET.SubElement(case, "failure", message=message, type=finding.rule)
        failure.text = _body([finding])
    if not failing:
        case = ET.SubElement(suite, "testcase", classname=_xml(file), name=_xml(file))
        case.set("time", NO_TIME)
    if passing := [f for f in findings if not _fails(f, strict)]:
        ET.SubElement(suite, "system-out").text = _body(passing)
    return len(failing)


def render(report: FindingsReport, options: ReportOptions) -> str:
    by_file: dict[str, list[Finding]] = {file: [] for file in report.files}
    for finding in report.findings:  # a finding may name a file that was not an input
        by_file.setdefault(finding.location.file, []).append(finding)

    root = ET.Element("testsuites", name="serviceplan validate")
    failures = sum(
        _suite(root, file, findings, report.strict, options.timestamp)
        for file, findings in by_file.items()
    )
    tests = sum(int(suite.get("tests", "0")) for suite in root)
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("time", NO_TIME)

    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'
