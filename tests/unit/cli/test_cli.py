"""The click layer, run in-process: `main(argv)` returns the exit code."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from _ci_oracles import check_junit, check_sarif
from serviceplan import __version__
from serviceplan.cli import main
from serviceplan.rules.registry import RULES

ANSI = "\x1b["
REMAP_NAME = "ServicePlanHostingRemap.csv"


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test decides for itself whether it runs inside GitHub Actions or under NO_COLOR."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("SERVICEPLAN_TRACEBACK", raising=False)


@pytest.fixture
def clean(tmp_path: Path, small_business: str) -> Path:
    """A folder with one valid plan and a remap pointing at it."""
    folder = tmp_path / "clean"
    folder.mkdir()
    (folder / "SmallBusiness.serviceplan").write_text(small_business, encoding="utf-8")
    (folder / REMAP_NAME).write_text("Business,SmallOrg,SmallBusiness\n", encoding="utf-8")
    return folder


@pytest.fixture
def broken(clean: Path, small_business: str) -> Path:
    """A plan with one invalid value (SP107)."""
    path = clean / "SmallBusiness.serviceplan"
    path.write_text(
        small_business.replace("<AutoReplyEnabled>true<", "<AutoReplyEnabled>maybe<"),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def warning_only(clean: Path, small_business: str) -> Path:
    """A folder whose only finding is a warning: a plan no remap line names (SP405)."""
    (clean / "Unused.serviceplan").write_text(small_business, encoding="utf-8")
    return clean


# global options


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"serviceplan, version {__version__}"


def test_short_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-V"]) == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([flag]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: serviceplan")
    assert "validate" in out
    assert "rules" in out
    assert "Exit codes" in out


def test_validate_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == 0
    out = capsys.readouterr().out
    options = ("--strict", "--format", "--report", "--max-file-size", "--stdin-name", "--color")
    for option in options:
        assert option in out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "frobnicate" in capsys.readouterr().err


# rules


def test_rules_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(RULES) >= 41
    assert lines[0].split()[:3] == ["SP001", "not-well-formed", "error"]
    assert [line.split()[0] for line in lines] == list(RULES)
    assert any(line.split()[:3] == ["SP405", "plan-never-referenced", "warning"] for line in lines)


def test_rules_of_one_rule_shows_its_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "sp101"]) == 0
    first, hint = capsys.readouterr().out.splitlines()
    assert first.split()[:3] == ["SP101", "unknown-feature", "error"]
    assert hint == f"  hint: {RULES['SP101'].hint}"


def test_rules_selected_as_select_names_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "SP5", "unknown-feature", "--format", "json"]) == 0
    ids = [row["id"] for row in json.loads(capsys.readouterr().out)]
    assert ids == ["SP101", *(rule for rule in RULES if rule.startswith("SP5"))]


def test_rules_of_an_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "unknown-featur"]) == 2
    err = capsys.readouterr().err
    assert "unknown rule 'unknown-featur'" in err and "did you mean unknown-feature?" in err


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(RULES) >= 41
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(rows)
    assert all(re.fullmatch(r"SP\d{3}", i) for i in ids)
    names = [row["name"] for row in rows]
    assert len(set(names)) == len(rows)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)
    assert {row["severity"] for row in rows} == {"error", "warning"}
    assert set(rows[0]) == {"id", "name", "severity", "summary", "hint"}
    assert all(row["summary"] and row["hint"] for row in rows)


# validate: exit codes


def test_validate_clean_exits_0(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(clean)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "2 files: 0 errors, 0 warnings\n"
    assert captured.err == ""


def test_validate_findings_exit_1(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"SmallBusiness\.serviceplan:\d+: error: .*\[SP107 invalid-value\]", out)
    assert out.endswith("2 files: 1 error, 0 warnings\n")  # the plan and the remap beside it


def test_validate_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.serviceplan")]) == 2
    captured = capsys.readouterr()
    assert "no such file" in captured.err
    assert "nope.serviceplan" in captured.err
    assert captured.out == ""


def test_validate_without_paths_in_a_folder_without_plans_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    assert "--examples" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "'xml' is not one of"),
        (["--report", "sarif"], "is not FORMAT:PATH"),
        (["--report", "sarif:"], "is not FORMAT:PATH"),
        (["--report", "xml:out.xml"], "unknown format 'xml'"),
        (["--max-file-size", "abc"], "'abc' is not a size"),
        (["--color", "sometimes"], "'sometimes' is not one of"),
    ],
)
def test_bad_option_values_exit_2(
    clean: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", *args, str(clean)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_max_file_size_accepts_units(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(clean / "SmallBusiness.serviceplan")
    assert main(["validate", "--max-file-size", "1KB", plan]) == 1
    assert "[SP003 file-too-large]" in capsys.readouterr().out
    assert main(["validate", "--max-file-size", "64KB", plan]) == 0


def test_strict_turns_a_warning_into_exit_1(
    warning_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(warning_only)]) == 0
    assert "[SP405 plan-never-referenced]" in capsys.readouterr().out
    assert main(["validate", "--strict", str(warning_only)]) == 1
    assert capsys.readouterr().out.endswith("3 files: 0 errors, 1 warning\n")


# validate: output formats


def test_json_format_is_parseable(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(broken)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert isinstance(document, dict)
    text = json.dumps(document)
    assert "SP107" in text
    assert "SmallBusiness.serviceplan" in text


def test_reports_are_written_while_text_is_printed(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif = tmp_path / "out" / "results.sarif"
    sarif.parent.mkdir()
    junit = tmp_path / "junit.xml"
    args = ["validate", "--report", f"sarif:{sarif}", "--report", f"junit:{junit}", str(broken)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "[SP107 invalid-value]" in out
    assert out.endswith("2 files: 1 error, 0 warnings\n")  # the plan and the remap beside it
    log = check_sarif(sarif.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    assert "SP107" in json.dumps(log["runs"])
    check_junit(junit.read_text(encoding="utf-8"))
    root = ElementTree.fromstring(junit.read_bytes())
    assert "SP107" in ElementTree.tostring(root, encoding="unicode")
    assert not list(tmp_path.glob("**/.*.tmp"))


def test_report_into_a_missing_folder_makes_it(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "out.sarif"
    assert main(["validate", "--report", f"sarif:{target}", str(broken)]) == 1
    assert "SP107" in json.dumps(json.loads(target.read_text(encoding="utf-8"))["runs"])
    assert "[SP107 invalid-value]" in capsys.readouterr().out


def test_a_report_that_cannot_be_written_loses_nothing_else(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "blocked").write_text("a file, not a folder")
    (tmp_path / "taken").mkdir()
    args = ["validate", str(broken), "--report", f"sarif:{tmp_path / 'blocked' / 'v.sarif'}"]
    args += ["--report", f"json:{tmp_path / 'out' / 'v.json'}"]
    args += ["--report", f"junit:{tmp_path / 'taken'}"]
    args += ["--report", f"junit:{tmp_path / 'out' / 'junit.xml'}"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert "[SP107 invalid-value]" in captured.out  # the findings are still printed
    assert captured.out.endswith("2 files: 1 error, 0 warnings\n")
    assert captured.err.splitlines() == [
        f"serviceplan: error: {tmp_path / 'blocked' / 'v.sarif'}: cannot write: "
        f"{tmp_path / 'blocked'} is not a folder",
        f"serviceplan: error: {tmp_path / 'taken'}: cannot write: Is a directory",
    ]
    assert json.loads((tmp_path / "out" / "v.json").read_text(encoding="utf-8"))["findings"]
    assert "SP107" in (tmp_path / "out" / "junit.xml").read_text(encoding="utf-8")


def test_github_actions_makes_auto_output_annotations(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["validate", str(broken)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=")
    assert "SP107" in lines[0]
    assert lines[-1] == "2 files: 1 error, 0 warnings"


def test_explicit_format_wins_over_github_actions(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["validate", "--format", "text", str(broken)]) == 1
    assert "::error" not in capsys.readouterr().out


def test_colour_on_a_terminal_unless_no_color(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["validate", str(broken)]) == 1
    assert ANSI in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert ANSI not in out
    assert "error:" in out


def test_color_never_on_a_terminal(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["validate", "--color", "never", str(broken)]) == 1
    assert ANSI not in capsys.readouterr().out


def test_no_colour_when_piped(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken)]) == 1
    assert ANSI not in capsys.readouterr().out


def test_color_always_gives_ansi_codes(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--color", "always", str(broken)]) == 1
    assert "\x1b[31m" in capsys.readouterr().out


# validate: standard input


def test_stdin_with_stdin_name(
    small_business: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small_business.replace("<AutoReplyEnabled>true<", "<AutoReplyEnabled>maybe<").encode()
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    assert main(["validate", "--stdin-name", "tenant/Plan.serviceplan", "-"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^tenant/Plan\.serviceplan:\d+: error: .*SP107", out, re.MULTILINE)
    assert "<stdin>" not in out


def test_stdin_clean_plan_default_name(
    small_business: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(small_business.encode()))
    assert main(["validate", "--format", "json", "-"]) == 0
    assert "<stdin>" in capsys.readouterr().out


def test_stdin_remap_by_its_name(
    clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"Business,SmallOrg,Missing\n"))
    monkeypatch.chdir(clean)  # the remap stands where --stdin-name puts it: beside the plan
    name = "ServicePlanHostingRemap.CSV"  # the remap's name, in any case
    assert main(["validate", "--stdin-name", name, "-"]) == 1
    out = capsys.readouterr().out
    assert f"{name}:1: error:" in out
    assert "[SP404 remap-plan-missing]" in out
    assert "[SP405 plan-never-referenced]" in out


def test_stdin_over_the_size_cap(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"x" * 2048))
    assert main(["validate", "--max-file-size", "1KB", "-"]) == 1
    assert "[SP003 file-too-large]" in capsys.readouterr().out


def test_a_nul_in_an_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "a\0b"]) == 2
    err = capsys.readouterr().err
    assert "NUL" in err and "internal error" not in err
