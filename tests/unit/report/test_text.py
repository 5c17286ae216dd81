from __future__ import annotations

import pytest

from serviceplan.model import Finding, FindingsReport, Location, Severity
from serviceplan.report import ReportOptions
from serviceplan.report.text import printable, render
from serviceplan.rules.registry import RULES

A, B = "plans/a.serviceplan", "plans/b.serviceplan"
NASTY = 'Value "10,5:GB" is 100% <&"\'> wrong\nfor Größe'


def sample(*, strict: bool = False) -> FindingsReport:
    findings = [
        RULES["SP101"].finding(
            "Unknown feature 'MailTipEnabled'.",
            Location(A, 12, 5),
            path="/Configuration/Organization/MailTipEnabled",
        ),
        Finding("SP107", Severity.ERROR, NASTY, Location(A, 30), path="/Configuration/X"),
        RULES["SP405"].finding("No remap line points at plan 'b'.", Location(B)),
    ]
    findings.sort(key=Finding.sort_key)
    return FindingsReport((A, B, "plans/c.serviceplan"), tuple(findings), strict)


def test_text_lists_findings_hints_paths_and_summary() -> None:
    out = render(sample(), ReportOptions(tool_version="1.2.3"))
    assert out == (
        "plans/a.serviceplan:12:5: error: Unknown feature 'MailTipEnabled'. "
        "[SP101 unknown-feature]\n"
        "  hint: Check the spelling against the feature catalogue "
        "(schemas/catalog/exchange2013.csv).\n"
        "  at /Configuration/Organization/MailTipEnabled\n"
        'plans/a.serviceplan:30: error: Value "10,5:GB" is 100% <&"\'> wrong\n'
        "  for Größe [SP107 invalid-value]\n"
        "  at /Configuration/X\n"
        "plans/b.serviceplan: warning: No remap line points at plan 'b'. "
        "[SP405 plan-never-referenced]\n"
        f"  hint: {RULES['SP405'].hint}\n"
        "3 files: 2 errors, 1 warning\n"
    )


def test_the_summary_counts_suppressed_findings() -> None:
    report = FindingsReport(("x.serviceplan",), (), suppressed=2)
    assert render(report, ReportOptions(tool_version="1")) == (
        "1 file: 0 errors, 0 warnings (2 suppressed)\n"
    )


def test_empty_report_is_just_the_summary() -> None:
    out = render(FindingsReport(("x.serviceplan",), ()), ReportOptions(tool_version="1"))
    assert out == "1 file: 0 errors, 0 warnings\n"


def test_unknown_rule_id_shows_id_only() -> None:
    finding = Finding("SP999", Severity.ERROR, "boom", Location("f", 1, 2))
    out = render(FindingsReport(("f",), (finding,)), ReportOptions(tool_version="1"))
    assert out.splitlines()[0] == "f:1:2: error: boom [SP999]"


def test_no_colour_unless_asked() -> None:
    assert "\x1b[" not in render(sample(), ReportOptions(tool_version="1"))


@pytest.mark.parametrize(("severity", "code"), [("error", "31"), ("warning", "33")])
def test_colour_marks_severity(severity: str, code: str) -> None:
    out = render(sample(), ReportOptions(color=True, tool_version="1"))
    assert f"\x1b[{code}m{severity}\x1b[0m" in out
    # Only the severity word is coloured: the summary line stays plain.
    assert out.splitlines()[-1] == "3 files: 2 errors, 1 warning"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain Größe 東京", "plain Größe 東京"),
        ("a\x1b]0;title\x07b", "a\\x1b]0;title\\x07b"),  # an OSC sequence: retitles a terminal
        ("red\x1b[31m", "red\\x1b[31m"),
        ("over\rwrite", "over\\rwrite"),
        ("tab\tC1\x9b", "tab\\tC1\\x9b"),
        ("bidi\u202eevil\u2066", "bidi\\u202eevil\\u2066"),
        ("line\u2028separator", "line\\u2028separator"),
        ("kept\nline feed", "kept\nline feed"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_hostile_messages_reach_no_terminal_raw() -> None:
    """A remap field or a tenant name quoted in a finding: escaped, not interpreted."""
    finding = Finding("SP404", Severity.ERROR, "points at Sm\x1b]0;x\x07all\u202e\r\nfake: line",
                      Location("a\x1b[2J.csv", 1), hint="hint\x1b[31m")  # fmt: skip
    out = render(FindingsReport(("a",), (finding,)), ReportOptions(tool_version="1"))
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    assert out.splitlines()[:3] == [
        "a\\x1b[2J.csv:1: error: points at Sm\\x1b]0;x\\x07all\\u202e\\r",
        "  fake: line [SP404 remap-plan-missing]",
        "  hint: hint\\x1b[31m",
    ]
