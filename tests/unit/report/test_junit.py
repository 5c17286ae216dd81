from __future__ import annotations

import xml.etree.ElementTree as ET

from serviceplan.model import Finding, Location, Severity, ValidationReport
from serviceplan.report import ReportOptions
from serviceplan.report.junit import render
from serviceplan.rules.registry import RULES

A, B, C = "plans/a.serviceplan", "plans/b.serviceplan", "plans/c.serviceplan"
NASTY = 'Value "10,5:GB" is 100% <&"\'> wrong\nfor Größe'
OPTIONS = ReportOptions(tool_version="1.2.3")


def sample(*, strict: bool = False) -> ValidationReport:
    findings = [
        RULES["SP101"].finding("Unknown feature.", Location(A, 12, 5), path="/Configuration/X"),
        Finding("SP107", Severity.ERROR, NASTY, Location(A, 30)),
        RULES["SP405"].finding("Never referenced.", Location(B)),
    ]
    findings.sort(key=Finding.sort_key)
    return ValidationReport((A, B, C), tuple(findings), strict)


def parse(out: str) -> ET.Element:
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert out.endswith("</testsuite>\n")
    return ET.fromstring(out.encode("utf-8"))


def cases(suite: ET.Element) -> dict[str, ET.Element]:
    found = suite.findall("testcase")
    assert all(case.get("classname") == "serviceplan" for case in found)
    return {case.get("name", ""): case for case in found}


def test_one_case_per_file_and_failures_for_errors() -> None:
    suite = parse(render(sample(), OPTIONS))
    assert suite.tag == "testsuite"
    assert dict(suite.attrib) == {
        "name": "serviceplan validate",
        "tests": "3",
        "failures": "1",
        "errors": "0",
    }
    by_name = cases(suite)
    assert list(by_name) == [A, B, C]

    failures = by_name[A].findall("failure")
    assert [f.get("type") for f in failures] == ["SP101", "SP107"]
    assert failures[0].get("message") == "Unknown feature."
    assert failures[0].text == (
        "plans/a.serviceplan:12:5: error: Unknown feature. [SP101 unknown-feature]\n"
        "  hint: Check the spelling against the feature catalogue "
        "(schemas/catalog/exchange2013.csv).\n"
        "  at /Configuration/X"
    )
    assert failures[1].get("message") == NASTY  # newline and <&"' survive the round trip
    assert failures[1].text == (
        'plans/a.serviceplan:30: error: Value "10,5:GB" is 100% <&"\'> wrong\n'
        "  for Größe [SP107 invalid-value]"
    )

    assert by_name[B].find("failure") is None
    assert by_name[B].findtext("system-out") == (
        "plans/b.serviceplan: warning: Never referenced. [SP405 plan-never-referenced]\n"
        f"  hint: {RULES['SP405'].hint}"
    )
    assert list(by_name[C]) == []


def test_strict_turns_warnings_into_failures() -> None:
    suite = parse(render(sample(strict=True), OPTIONS))
    assert suite.get("failures") == "2"
    case = cases(suite)[B]
    assert case.find("system-out") is None
    assert [f.get("type") for f in case.findall("failure")] == ["SP405"]


def test_finding_for_a_file_not_given_gets_its_own_case() -> None:
    finding = RULES["SP404"].finding("No plan 'x'.", Location("remap.csv", 3))
    suite = parse(render(ValidationReport((A,), (finding,)), OPTIONS))
    assert list(cases(suite)) == [A, "remap.csv"]
    assert suite.get("tests") == "2"
    assert suite.get("failures") == "1"


def test_characters_xml_cannot_carry_are_escaped() -> None:
    finding = Finding("SP004", Severity.ERROR, "byte \x01 and \ufffe", Location(A, 1))
    suite = parse(render(ValidationReport((A,), (finding,)), OPTIONS))
    failure = cases(suite)[A].find("failure")
    assert failure is not None
    assert failure.get("message") == "byte \\x01 and \\ufffe"
