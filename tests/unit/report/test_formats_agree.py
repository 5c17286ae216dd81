"""Every report format tells the same finding the same way: one column convention (1-based,
counted in characters, 0 or left out when unknown), the hint and the element path kept."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree

import pytest

from _ci_oracles import check_junit, check_sarif
from serviceplan.model import Finding, FindingsReport, Location
from serviceplan.plan.load import parse_plan_xml
from serviceplan.report import REPORTERS, ReportOptions
from serviceplan.report.sarif import sentence
from serviceplan.rules.registry import RULES

OPTIONS = ReportOptions(tool_version="1")


def syntax_finding(source: bytes) -> Finding:
    root, findings = parse_plan_xml(source, "p.serviceplan")
    assert root is None
    (finding,) = findings
    return finding


def columns(finding: Finding) -> dict[str, Any]:
    """The column each format gives for one finding."""
    report = FindingsReport(("p.serviceplan",), (finding,))
    out = {
        name: REPORTERS["validate", name](report, OPTIONS) for name in REPORTERS.formats("validate")
    }
    check_junit(out["junit"])
    sarif = check_sarif(out["sarif"])["runs"][0]
    region = sarif["results"][0]["locations"][0]["physicalLocation"].get("region", {})
    failure = ElementTree.fromstring(out["junit"]).find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    github = re.search(r"\bcol=([0-9]+)", out["github"])
    text = re.match(r"p\.serviceplan:[0-9]+(?::([0-9]+))?: ", out["text"])
    junit = re.match(r"p\.serviceplan:[0-9]+(?::([0-9]+))?: ", failure.text)
    assert text is not None and junit is not None
    return {
        "location": finding.location.column,
        "text": int(text[1] or 0),
        "json": json.loads(out["json"])["findings"][0]["column"],
        "sarif": region.get("startColumn", 0),
        "sarif kind": sarif["columnKind"],
        "junit": int(junit[1] or 0),
        "github": int(github[1]) if github else 0,
    }


@pytest.mark.parametrize(
    ("source", "column"),
    [
        # `1` is the 24th character of line 2: libxml2 says "column 24", and so does every format
        (b'<?xml version="1.0"?>\n<Configuration Version=1 Name="X"/>\n', 24),
        # an error at the first character: column 1, not 0 (which would read as "unknown")
        (b'<?xml version="1.0"?>\n<Configuration/>\n<Extra/>\n', 1),
        # columns count characters, not bytes (which would make it 39): ö and ß before the error
        ('<?xml version="1.0"?>\n<Configuration Name="Größe" Version=1/>\n'.encode(), 37),
    ],
)
def test_every_format_gives_the_same_1_based_column(source: bytes, column: int) -> None:
    finding = syntax_finding(source)
    assert "column" not in finding.message  # the location says it, once
    assert columns(finding) == {
        "location": column,
        "text": column,
        "json": column,
        "sarif": column,
        "sarif kind": "unicodeCodePoints",
        "junit": column,
        "github": column,
    }


def test_an_unknown_column_is_0_in_json_and_left_out_elsewhere() -> None:
    finding = RULES["SP101"].finding("x", Location("p.serviceplan", 4))
    assert columns(finding) == {
        "location": 0,
        "text": 0,
        "json": 0,
        "sarif": 0,
        "sarif kind": "unicodeCodePoints",
        "junit": 0,
        "github": 0,
    }


HINTED = RULES["SP101"].finding(
    "PopEnable is not a known MailboxPlan feature",
    Location("p.serviceplan", 43),
    hint="did you mean PopEnabled?",
    path="/Configuration/MailboxPlans/MailboxPlan[1]/PopEnable",
)


def test_every_format_keeps_the_hint_and_the_path() -> None:
    report = FindingsReport(("p.serviceplan",), (HINTED,))
    for name in REPORTERS.formats("validate"):
        out = REPORTERS["validate", name](report, OPTIONS)
        assert "did you mean PopEnabled?" in out.replace("Did you", "did you"), name
        assert "/Configuration/MailboxPlans/MailboxPlan[1]/PopEnable" in out, name


def test_github_annotation_carries_the_hint_on_its_own_line() -> None:
    out = REPORTERS["validate", "github"](FindingsReport(("p.serviceplan",), (HINTED,)), OPTIONS)
    assert out.splitlines()[0] == (
        "::error file=p.serviceplan,line=43,title=SP101 unknown-feature::"
        "PopEnable is not a known MailboxPlan feature%0Ahint: did you mean PopEnabled?"
        "%0Aat /Configuration/MailboxPlans/MailboxPlan[1]/PopEnable"
    )


def test_sarif_message_is_sentences_each_with_its_full_stop() -> None:
    out = REPORTERS["validate", "sarif"](FindingsReport(("p.serviceplan",), (HINTED,)), OPTIONS)
    message = json.loads(out)["runs"][0]["results"][0]["message"]["text"]
    assert message == "PopEnable is not a known MailboxPlan feature. Did you mean PopEnabled?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Organization does not set X", "The Organization does not set X."),
        ("Fix the XML syntax.", "Fix the XML syntax."),
        ("did you mean PopEnabled?", "Did you mean PopEnabled?"),
        ("tenants.csv: no column", "tenants.csv: no column."),  # a name keeps its case
        ("libxml2 refuses this", "libxml2 refuses this."),
        ("one\nparagraph\r\n  only ", "One paragraph only."),
    ],
)
def test_sentence(text: str, expected: str) -> None:
    assert sentence(text) == expected
