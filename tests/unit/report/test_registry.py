from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from serviceplan.model import Finding, FindingsReport, Location, Severity
from serviceplan.report import REPORTERS, ReportOptions, resolve_format
from serviceplan.rules.registry import RULES


def sample() -> FindingsReport:
    findings = [
        RULES["SP101"].finding("Unknown <feature> 100%,:", Location("a.sp", 2, 3), path="/C/X"),
        Finding("SP405", Severity.WARNING, "line\nbreak & 'quotes\"", Location("b.sp")),
    ]
    return FindingsReport(("a.sp", "b.sp"), tuple(sorted(findings, key=Finding.sort_key)))


def test_registry_keys_are_command_and_format() -> None:
    assert REPORTERS.formats("validate") == ["text", "json", "junit", "sarif", "github"]
    assert REPORTERS.formats("diff") == ["text", "json", "markdown", "html"]
    assert REPORTERS.formats("matrix") == ["text", "markdown", "csv", "json", "html"]
    assert REPORTERS.formats("compile") == ["text", "json"]
    assert all(isinstance(command, str) and isinstance(name, str) for command, name in REPORTERS)


def test_every_registered_reporter_loads() -> None:
    for key in REPORTERS:
        assert callable(REPORTERS[key]), key


@pytest.mark.parametrize("name", REPORTERS.formats("validate"))
def test_reporters_return_deterministic_text_and_print_nothing(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(Path.cwd())
    options = ReportOptions(tool_version="9.9.9", root=root)
    first = REPORTERS["validate", name](sample(), options)
    assert isinstance(first, str)
    assert first.endswith("\n")
    assert not first.endswith("\n\n")
    assert REPORTERS["validate", name](sample(), options) == first
    assert b"".join(REPORTERS.chunks(("validate", name), sample(), options)) == first.encode()
    # files are named relative to the root: the root itself only as SARIF's %SRCROOT%
    assert first.count(root) == (name == "sarif")
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("name", "environ", "expected"),
    [
        ("auto", {"GITHUB_ACTIONS": "true"}, "github"),
        ("auto", {"GITHUB_ACTIONS": "false"}, "text"),
        ("auto", {"CI": "true"}, "text"),
        ("auto", {}, "text"),
        ("json", {"GITHUB_ACTIONS": "true"}, "json"),
        ("sarif", {}, "sarif"),
    ],
)
def test_resolve_format(name: str, environ: dict[str, str], expected: str) -> None:
    assert resolve_format(name, environ) == expected


def test_options_are_frozen_and_need_a_version() -> None:
    options = ReportOptions(tool_version="1")
    assert options.color is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.color = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        ReportOptions()  # type: ignore[call-arg]
