from __future__ import annotations

import xml.etree.ElementTree as ET

from _ci_oracles import check_junit
from serviceplan.model import Finding, FindingsReport, Location, Severity
from serviceplan.report import ReportOptions
from serviceplan.report.junit import render
from serviceplan.rules.registry import RULES

A, B, C = "plans/a.serviceplan", "plans/b.serviceplan", "plans/c.serviceplan"
NASTY = 'Value "10,5:GB" is 100% <&"\'> wrong\nfor Größe'
OPTIONS = ReportOptions(tool_version="1.2.3", timestamp="2026-01-02T03:04:05")


def sample(*, strict: bool = False) -> FindingsReport:
    findings = [
        RULES["SP101"].finding("Unknown feature.", Location(A, 12, 5), path="/Configuration/X"),
        Finding("SP107", Severity.ERROR, NASTY, Location(A, 30)),
        RULES["SP405"].finding("Never referenced.", Location(B)),
    ]
    findings.sort(key=Finding.sort_key)
    return FindingsReport((A, B, C), tuple(findings), strict)


def parse(out: str) -> ET.Element:
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert out.endswith("</testsuites>\n")
    check_junit(out)  # pytest's junit XSD and junitparser's counts
    return ET.fromstring(out.encode("utf-8"))


def suites(root: ET.Element) -> dict[str, ET.Element]:
    return {suite.get("name", ""): suite for suite in root.findall("testsuite")}


def test_a_suite_per_file_and_a_case_per_failing_finding() -> None:
    root = parse(render(sample(), OPTIONS))
    assert root.tag == "testsuites"
    assert dict(root.attrib) == {
        "name": "serviceplan validate",
        "tests": "4",
        "failures": "2",
        "errors": "0",
        "time": "0.000",
    }
    by_name = suites(root)
    assert list(by_name) == [A, B, C]
    assert dict(by_name[A].attrib) == {
        "name": A,
        "tests": "2",
        "failures": "2",
        "errors": "0",
        "skipped": "0",
        "time": "0.000",
        "timestamp": "2026-01-02T03:04:05",
    }
    first, second = by_name[A].findall("testcase")
    assert first.attrib == {
        "classname": A,
        "name": "SP101 unknown-feature at plans/a.serviceplan:12:5",
        "time": "0.000",
    }
    assert second.get("name") == "SP107 invalid-value at plans/a.serviceplan:30"
    (failure,) = first.findall("failure")
    assert (failure.get("type"), failure.get("message")) == ("SP101", "Unknown feature.")
    assert failure.text == (
        "plans/a.serviceplan:12:5: error: Unknown feature. [SP101 unknown-feature]\n"
        "  hint: Check the spelling against the feature catalogue "
        "(schemas/catalog/exchange2013.csv).\n"
        "  at /Configuration/X"
    )
    (failure,) = second.findall("failure")
    assert failure.get("message") == NASTY  # newline and <&"' survive the round trip
    assert failure.text == (
        'plans/a.serviceplan:30: error: Value "10,5:GB" is 100% <&"\'> wrong\n'
        "  for Größe [SP107 invalid-value]"
    )

    # nothing fails in B: one passing case named after the file, its warning in system-out
    (case,) = by_name[B].findall("testcase")
    assert (case.get("name"), list(case)) == (B, [])
    assert by_name[B].findtext("system-out") == (
        "plans/b.serviceplan: warning: Never referenced. [SP405 plan-never-referenced]\n"
        f"  hint: {RULES['SP405'].hint}"
    )
    assert [case.get("name") for case in by_name[C].findall("testcase")] == [C]
    assert by_name[C].find("system-out") is None


def test_strict_turns_warnings_into_failures() -> None:
    root = parse(render(sample(strict=True), OPTIONS))
    assert (root.get("tests"), root.get("failures")) == ("4", "3")
    suite = suites(root)[B]
    assert suite.find("system-out") is None
    assert [f.get("type") for f in suite.findall("testcase/failure")] == ["SP405"]


def test_several_failures_of_one_file_are_one_case_each() -> None:
    """A remap with SP404 and SP406: junitparser and strict consumers count what the
    attributes say (one failure per test case)."""
    remap = "plans/ServicePlanHostingRemap.csv"
    findings = (
        RULES["SP404"].finding("No plan 'x'.", Location(remap, 3)),
        RULES["SP406"].finding("A quote.", Location(remap, 3)),
        RULES["SP404"].finding("No plan 'y'.", Location(remap, 5)),
    )
    xml = check_junit(render(FindingsReport((remap,), findings), OPTIONS))
    assert (xml.tests, xml.failures) == (3, 3)


def test_finding_for_a_file_not_given_gets_its_own_suite() -> None:
    finding = RULES["SP404"].finding("No plan 'x'.", Location("remap.csv", 3))
    root = parse(render(FindingsReport((A,), (finding,)), OPTIONS))
    assert list(suites(root)) == [A, "remap.csv"]
    assert (root.get("tests"), root.get("failures")) == ("2", "1")


def test_characters_xml_cannot_carry_are_escaped() -> None:
    finding = Finding("SP004", Severity.ERROR, "byte \x01 and \ufffe", Location(A, 1))
    root = parse(render(FindingsReport((A,), (finding,)), OPTIONS))
    failure = suites(root)[A].find("testcase/failure")
    assert failure is not None
    assert failure.get("message") == "byte \\x01 and \\ufffe"
