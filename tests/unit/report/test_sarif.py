from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from _ci_oracles import check_sarif
from serviceplan.model import Finding, FindingsReport, Location, Severity
from serviceplan.report import ReportOptions
from serviceplan.report.paths import artifact_location
from serviceplan.report.sarif import FINGERPRINT, render
from serviceplan.rules.registry import RULES

A, B = "plans/a.serviceplan", "plans/b.serviceplan"
NASTY = 'Value "10,5:GB" is 100% <&"\'> wrong\nfor Größe'
ROOT = str(Path.cwd())  # the files above are relative to the working directory
OPTIONS = ReportOptions(tool_version="1.2.3", root=ROOT)


def sample() -> FindingsReport:
    findings = [
        RULES["SP101"].finding("Unknown feature.", Location(A, 12, 5), path="/Configuration/X"),
        Finding("SP107", Severity.ERROR, NASTY, Location(A, 30)),
        RULES["SP405"].finding("Never referenced.", Location(B)),
    ]
    findings.sort(key=Finding.sort_key)
    return FindingsReport((A, B), tuple(findings))


def run() -> dict[str, Any]:
    out = render(sample(), OPTIONS)
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

    first, second, _ = results
    assert first["message"]["text"] == f"Unknown feature. {RULES['SP101'].hint}"
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "plans/a.serviceplan", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12, "startColumn": 5},
            },
            "logicalLocations": [{"fullyQualifiedName": "/Configuration/X", "kind": "element"}],
        }
    ]
    # one paragraph (SARIF's plain-text messages have no line breaks), closed by a full stop
    assert second["message"]["text"] == NASTY.replace("\n", " ") + "."
    assert second["locations"][0]["physicalLocation"]["region"] == {"startLine": 30}


def test_a_file_level_finding_has_a_region_on_line_1() -> None:
    """Code scanning refuses a result without a region (sarif-sdk's GH1003)."""
    third = run()["results"][2]
    assert third["ruleId"] == "SP405"
    assert third["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "plans/b.serviceplan", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1},
            }
        }
    ]


def test_the_root_is_the_src_root_base_id() -> None:
    assert run()["originalUriBaseIds"] == {"%SRCROOT%": {"uri": Path(ROOT).as_uri() + "/"}}
    out = render(sample(), ReportOptions(tool_version="1"))
    assert "originalUriBaseIds" not in json.loads(out)["runs"][0]


def test_unknown_rule_has_no_index() -> None:
    finding = Finding("SP999", Severity.ERROR, "x", Location(""))
    doc = json.loads(render(FindingsReport((), (finding,)), ReportOptions(tool_version="1")))
    (result,) = doc["runs"][0]["results"]
    assert result.pop("partialFingerprints")
    assert result == {"ruleId": "SP999", "level": "error", "message": {"text": "x."}}


def fingerprints(*findings: Finding) -> list[str]:
    report = FindingsReport((), tuple(findings))
    results = json.loads(render(report, OPTIONS))["runs"][0]["results"]
    return [result["partialFingerprints"][FINGERPRINT] for result in results]


def test_a_fingerprint_does_not_move_with_the_line() -> None:
    """A plain API upload matches alerts by partialFingerprints: an edit above a finding
    must not make it a new alert, nor two findings one."""
    unknown = RULES["SP101"].finding("Unknown X.", Location(A, 12, 5), path="/Configuration/X")
    moved = RULES["SP101"].finding("Unknown X.", Location(A, 40, 9), path="/Configuration/X")
    duplicate = Finding("SP403", Severity.ERROR, "(A, B) also on line 7", Location(A, 9))
    shifted = Finding("SP403", Severity.ERROR, "(A, B) also on line 12", Location(A, 14))
    assert fingerprints(unknown) == fingerprints(moved)
    assert fingerprints(duplicate) == fingerprints(shifted)
    other_path = RULES["SP101"].finding("Unknown X.", Location(A, 12, 5), path="/Configuration/Y")
    other_file = RULES["SP101"].finding("Unknown X.", Location(B, 12, 5), path="/Configuration/X")
    other_rule = RULES["SP102"].finding("Unknown X.", Location(A, 12, 5), path="/Configuration/X")
    keys = {fingerprints(f)[0] for f in (unknown, other_path, other_file, other_rule)}
    assert len(keys) == 4
    # equal findings are told apart by their number, in order
    first, second = fingerprints(unknown, moved)
    assert first.endswith(":1") and second.endswith(":2")
    assert first.partition(":")[0] == second.partition(":")[0]


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("plans/a.serviceplan", {"uri": "plans/a.serviceplan", "uriBaseId": "%SRCROOT%"}),
        ("./plans/./a.serviceplan", {"uri": "plans/a.serviceplan", "uriBaseId": "%SRCROOT%"}),
        (
            "my plans/#1 50%.serviceplan",
            {"uri": "my%20plans/%231%2050%25.serviceplan", "uriBaseId": "%SRCROOT%"},
        ),
        ("/srv/plans/a b.serviceplan", {"uri": "file:///srv/plans/a%20b.serviceplan"}),
        ("C:\\plans\\a b.serviceplan", {"uri": "file:///C:/plans/a%20b.serviceplan"}),
    ],
)
def test_artifact_location(path: str, location: dict[str, str]) -> None:
    assert artifact_location(path, ROOT) == location


def test_uris_are_relative_to_the_root_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`./Bad.serviceplan` typed in a subfolder is `sub/Bad.serviceplan` for code scanning;
    `../other/x` outside the root is a `file://` URI, never a path as typed."""
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "repo" / "sub")
    root = str(tmp_path / "repo")
    assert artifact_location("./Bad.serviceplan", root) == {
        "uri": "sub/Bad.serviceplan",
        "uriBaseId": "%SRCROOT%",
    }
    assert artifact_location("../../other/x.serviceplan", root) == {
        "uri": (tmp_path / "other" / "x.serviceplan").as_uri()
    }
    assert artifact_location("./Bad.serviceplan", None) == {
        "uri": (tmp_path / "repo" / "sub" / "Bad.serviceplan").as_uri()
    }


def test_every_output_here_is_valid_sarif() -> None:
    check_sarif(render(sample(), OPTIONS))
    check_sarif(render(sample(), ReportOptions(tool_version="1")))
    check_sarif(render(FindingsReport((), ()), OPTIONS))
