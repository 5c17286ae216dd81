from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from serviceplan.files.defaults import bundled_plans
from serviceplan.model import Finding, FindingsReport, Location, Severity
from serviceplan.report import ReportOptions
from serviceplan.report.github import escape_data, escape_property, render
from serviceplan.rules.registry import RULES

A, B = "plans/a.serviceplan", "plans/b.serviceplan"
NASTY = 'Value "10,5:GB" is 100% <&"\'> wrong\r\nfor Größe'
OPTIONS = ReportOptions(tool_version="1.2.3")


def test_annotations_then_summary() -> None:
    findings = [
        RULES["SP101"].finding("Unknown feature.", Location(A, 12, 5), path="/Configuration/X"),
        Finding("SP107", Severity.ERROR, NASTY, Location(A, 30)),
        RULES["SP405"].finding("Never referenced.", Location(B)),
    ]
    findings.sort(key=Finding.sort_key)
    out = render(FindingsReport((A, B), tuple(findings)), OPTIONS)
    assert out == (
        "::error file=plans/a.serviceplan,line=12,col=5,title=SP101 unknown-feature"
        f"::Unknown feature.%0Ahint: {RULES['SP101'].hint}%0Aat /Configuration/X\n"
        # a carriage return is escaped as the text format escapes it; a line feed is a new line
        "::error file=plans/a.serviceplan,line=30,title=SP107 invalid-value"
        '::Value "10,5:GB" is 100%25 <&"\'> wrong\\r%0Afor Größe\n'
        "::warning file=plans/b.serviceplan,title=SP405 plan-never-referenced"
        f"::Never referenced.%0Ahint: {RULES['SP405'].hint}\n"
        "2 files: 2 errors, 1 warning\n"
    )


def test_property_values_escape_colon_and_comma() -> None:
    finding = Finding("SP999", Severity.ERROR, "a:b,c", Location("C:/odd,dir/50%.sp", 1))
    out = render(FindingsReport(("x",), (finding,)), OPTIONS)
    assert out.splitlines()[0] == "::error file=C%3A/odd%2Cdir/50%25.sp,line=1,title=SP999::a:b,c"


def test_escaping_order_does_not_double_escape() -> None:
    assert escape_data("100%0A\n") == "100%250A%0A"
    assert escape_property("%3A:,\r") == "%253A%3A%2C%0D"


def test_empty_report_is_just_the_summary() -> None:
    assert render(FindingsReport((), ()), OPTIONS) == "0 files: 0 errors, 0 warnings\n"


def test_control_characters_are_escaped_as_in_the_text_format() -> None:
    """A hostile remap field or file name cannot drive the log viewer (it renders ANSI)."""
    finding = Finding("SP406", Severity.ERROR, "field \x1b]0;t\x07x", Location("a\x1bb.csv", 2))
    out = render(FindingsReport(("x",), (finding,)), OPTIONS)
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines()[0] == (
        "::error file=a\\x1bb.csv,line=2,title=SP406 remap-quote-in-field::field \\x1b]0;t\\x07x"
    )


def test_paths_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner resolves `file=` from the root, whatever the step's working-directory."""
    (tmp_path / "repo" / "plans" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo" / "plans" / "sub")
    findings = (
        Finding("SP101", Severity.ERROR, "x", Location("./Bad.serviceplan", 3)),
        Finding("SP101", Severity.ERROR, "y", Location("../../plans/../broken/a.serviceplan", 4)),
        Finding("SP101", Severity.ERROR, "z", Location(str(tmp_path / "out.serviceplan"), 5)),
    )
    options = ReportOptions(tool_version="1", root=str(tmp_path / "repo"))
    out = render(FindingsReport((), findings), options)
    files = [line.split(",")[0] for line in out.splitlines()]
    assert files[:3] == [
        "::error file=plans/sub/Bad.serviceplan",
        "::error file=broken/a.serviceplan",
        # outside the root: the path as given (the runner cannot place it anyway)
        f"::error file={str(tmp_path / 'out.serviceplan').replace(':', '%3A')}",
    ]


def test_the_cli_escapes_what_a_hostile_remap_and_file_name_hold(tmp_path: Path) -> None:
    """Through the real command, read as bytes: a remap field that would retitle the
    terminal, a right-to-left override, a file name with \\x01 and ESC; the hint kept."""
    folder = tmp_path / "plans"
    folder.mkdir()
    hostile = "a\x01\x1b.serviceplan"
    plan = Path(bundled_plans()) / "SmallBusiness.serviceplan"
    (folder / hostile).write_bytes(plan.read_bytes())
    remap = "Business,Gone\x1b]0;pwn\x07,Missing\u202eX\n"
    (folder / "ServicePlanHostingRemap.csv").write_text(remap, encoding="utf-8")
    env = {**os.environ, "GITHUB_WORKSPACE": str(tmp_path), "GITHUB_ACTIONS": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "serviceplan", "validate", "plans"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    out = done.stdout
    for raw in (b"\x1b", b"\x07", b"\x01", "\u202e".encode()):
        assert raw not in out
    lines = out.decode("utf-8").splitlines()
    assert lines[0].startswith("::error file=plans/ServicePlanHostingRemap.csv,line=1,")
    assert "Gone\\x1b]0;pwn\\x07" in lines[0] and "Missing\\u202eX" in lines[0]
    assert "%0Ahint: " in lines[0]  # the hint is kept
    assert lines[1].startswith("::warning file=plans/a\\x01\\x1b.serviceplan,title=SP405")
