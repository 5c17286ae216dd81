from __future__ import annotations

import json
from dataclasses import replace
from importlib.resources import files
from typing import Any

import pytest

from serviceplan.model import Finding, FindingsReport, Location, Severity
from serviceplan.report import ReportOptions
from serviceplan.report.json_ import render
from serviceplan.rules.registry import RULES

A, B = "plans/a.serviceplan", "plans/b.serviceplan"
NASTY = 'Value "10,5:GB" is 100% <&"\'> wrong\nfor Größe'
OPTIONS = ReportOptions(tool_version="1.2.3")


def sample(*, strict: bool = False) -> FindingsReport:
    findings = [
        RULES["SP101"].finding(
            "Unknown feature.", Location(A, 12, 5), path="/Configuration/Organization/X"
        ),
        Finding("SP107", Severity.ERROR, NASTY, Location(A, 30)),
        RULES["SP405"].finding("Never referenced.", Location(B)),
    ]
    findings.sort(key=Finding.sort_key)
    return FindingsReport((A, B, "plans/c.serviceplan"), tuple(findings), strict)


def schema() -> dict[str, Any]:
    text = files("serviceplan.schemas").joinpath("validate-report.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_json_document() -> None:
    out = render(sample(), OPTIONS)
    assert out.startswith('{\n  "version": 1,\n  "tool": {\n    "name": "serviceplan",')
    assert out.endswith("}\n")
    assert "Größe" in out  # ensure_ascii=False
    doc = json.loads(out)
    assert list(doc) == ["version", "tool", "summary", "files", "findings"]
    assert doc["tool"] == {"name": "serviceplan", "version": "1.2.3"}
    assert doc["summary"] == {
        "files": 3,
        "errors": 2,
        "warnings": 1,
        "suppressed": 0,
        "strict": False,
        "failed": True,
        "text": "3 files: 2 errors, 1 warning",
    }
    assert doc["files"] == [A, B, "plans/c.serviceplan"]
    assert doc["findings"][0] == {
        "rule": "SP101",
        "name": "unknown-feature",
        "severity": "error",
        "message": "Unknown feature.",
        "hint": RULES["SP101"].hint,
        "path": "/Configuration/Organization/X",
        "file": A,
        "line": 12,
        "column": 5,
    }
    assert doc["findings"][1]["message"] == NASTY
    assert doc["findings"][1]["hint"] == ""
    assert [(f["rule"], f["severity"], f["line"], f["column"]) for f in doc["findings"]] == [
        ("SP101", "error", 12, 5),
        ("SP107", "error", 30, 0),
        ("SP405", "warning", 0, 0),
    ]


def test_strict_warnings_fail() -> None:
    doc = json.loads(render(FindingsReport((B,), sample().findings[2:], strict=True), OPTIONS))
    assert doc["summary"]["strict"] is True
    assert doc["summary"]["failed"] is True


def test_schema_names_exactly_the_keys_written() -> None:
    """A hand check that needs no jsonschema: required keys are the keys, in order."""
    doc = json.loads(render(sample(), OPTIONS))
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    optional = {"summary": ["tenants"]}  # written by `tenants check` only
    for name, part, written in [
        ("document", s, doc),
        ("tool", s["properties"]["tool"], doc["tool"]),
        ("summary", s["properties"]["summary"], doc["summary"]),
        ("finding", s["$defs"]["finding"], doc["findings"][0]),
    ]:
        assert part["required"] == list(written)
        assert list(part["properties"]) == [*written, *optional.get(name, [])]
        assert part["additionalProperties"] is False
    counted = json.loads(render(replace(sample(), tenants=11), OPTIONS))["summary"]
    assert list(counted) == [*doc["summary"], "tenants"] and counted["tenants"] == 11
    assert counted["text"].startswith("11 tenants, ")
    finding = s["$defs"]["finding"]["properties"]
    assert finding["rule"]["pattern"] == "^SP[0-9]{3}$"
    assert finding["severity"]["enum"] == ["error", "warning"]


def test_output_validates_against_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema())
    validator.check_schema(schema())
    counted = replace(sample(), tenants=0)
    for report in (sample(), sample(strict=True), FindingsReport((), ()), counted):
        validator.validate(json.loads(render(report, OPTIONS)))
    # The schema is tight enough to catch drift.
    doc = json.loads(render(sample(), OPTIONS))
    doc["findings"][0]["rule"] = "E101"
    assert not validator.is_valid(doc)
    doc = json.loads(render(sample(), OPTIONS))
    doc["summary"]["extra"] = 1
    assert not validator.is_valid(doc)
