from __future__ import annotations

import json
from typing import Any

import pytest

from serviceplan.model import Finding, Location, Severity, ValidationReport
from serviceplan.report import ReportOptions
from serviceplan.report.sarif import artifact_uri, render
from serviceplan.rules.registry import RULES

A, B = "plans/a.serviceplan", "plans/b.serviceplan"
NASTY = 'Value "10,5:GB" is 100% <&"\'> wrong\nfor Größe'


def sample() -> ValidationReport:
    findings = [
        RULES["SP101"].finding("Unknown feature.", Location(A, 12, 5), path="/Configuration/X"),
        Finding("SP107", Severity.ERROR, NASTY, Location(A, 30)),
        RULES["SP405"].finding("Never referenced.", Location(B)),
    ]
    findings.sort(key=Finding.sort_key)
    return ValidationReport((A, B), tuple(findings))


def run() -> dict[str, Any]:
    out = render(sample(), ReportOptions(tool_version="1.2.3"))
    assert out.endswith("}\n")
    doc: dict[str, Any] = json.loads(out)
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    run: dict[str, Any] = doc["runs"][0]
    return run


def test_driver_lists_every_rule() -> None:
    driver = run()["tool"]["driver"]
    assert driver["name"] == "serviceplan"
    assert driver["version"] == "1.2.3"
    assert "informationUri" not in driver
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for entry, rule in zip(driver["rules"], RULES.values(), strict=True):
        assert entry == {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "help": {"text": rule.hint},
            "defaultConfiguration": {"level": rule.severity.value},
        }
    assert {r["defaultConfiguration"]["level"] for r in driver["rules"]} == {"error", "warning"}


def test_results_point_at_their_rules_and_places() -> None:
    sarif = run()
    rules = sarif["tool"]["driver"]["rules"]
    results = sarif["results"]
    assert [r["ruleId"] for r in results] == ["SP101", "SP107", "SP405"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert results[0]["ruleIndex"] == list(RULES).index("SP101") != 0
    assert [r["level"] for r in results] == ["error", "error", "warning"]

    first, second, third = results
    assert first["message"]["text"] == f"Unknown feature. {RULES['SP101'].hint}"
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "plans/a.serviceplan"},
                "region": {"startLine": 12, "startColumn": 5},
            },
            "logicalLocations": [{"fullyQualifiedName": "/Configuration/X", "kind": "element"}],
        }
    ]
    # one paragraph (SARIF's plain-text messages have no line breaks), closed by a full stop
    assert second["message"]["text"] == NASTY.replace("\n", " ") + "."
    assert second["locations"][0]["physicalLocation"]["region"] == {"startLine": 30}
    assert third["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "plans/b.serviceplan"}}}
    ]


def test_unknown_rule_has_no_index() -> None:
    finding = Finding("SP999", Severity.ERROR, "x", Location(""))
    doc = json.loads(render(ValidationReport((), (finding,)), ReportOptions(tool_version="1")))
    assert doc["runs"][0]["results"] == [
        {"ruleId": "SP999", "level": "error", "message": {"text": "x."}}
    ]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("plans/a.serviceplan", "plans/a.serviceplan"),
        ("plans\\win\\a.serviceplan", "plans/win/a.serviceplan"),
        ("my plans/#1 50%.serviceplan", "my%20plans/%231%2050%25.serviceplan"),
        ("/srv/plans/a.serviceplan", "/srv/plans/a.serviceplan"),
        ("C:\\plans\\a b.serviceplan", "file:///C:/plans/a%20b.serviceplan"),
    ],
)
def test_artifact_uri(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri
