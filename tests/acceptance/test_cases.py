"""The acceptance corpus: every folder in tests/cases with an expect.toml is one test.

Each case runs the real CLI in a subprocess, in the case folder:

    python -m serviceplan validate . --format json [args...]

or, with `command = "render"` (or "diff"), `python -m serviceplan COMMAND [args...] --format json`
(the args name the inputs); every command's JSON carries `findings` in validate's shape.

and compares the set of (rule, file, line) findings and the exit code with expect.toml:

    description = "what this case shows"
    args = ["--strict"]            # optional extra validate arguments
    exit = 1                       # expected exit code
    findings = [["SP101", "Bad.serviceplan", 4]]   # the exact set; line 0 = no line
    hint_contains = "MailTipsEnabled"              # optional: some finding's hint holds it
    xfail = "reason"               # optional: a known tool bug, expected to fail (strict)
    command = "render"             # optional: another command than validate
    samples = "all"                # optional: bundled samples the case uses unchanged
                                   # (see _samples.py); the folder holds only what it changes

tests/cases/hostile belongs to another suite and is skipped here.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from _ci_oracles import check_junit, check_sarif
from _cli import run_cli
from _samples import copies_of_samples, with_samples

CASES = Path(__file__).resolve().parent.parent / "cases"
SKIPPED = {"hostile"}
KEYS = {"description", "args", "exit", "findings", "hint_contains", "xfail", "command", "samples"}
TIMEOUT = 60

Finding = tuple[str, str, int]


def _case_folders() -> list[Path]:
    folders = []
    for expect in sorted(CASES.rglob("expect.toml")):
        relative = expect.parent.relative_to(CASES)
        if relative.parts and relative.parts[0] not in SKIPPED:
            folders.append(expect.parent)
    return folders


def _params() -> list[Any]:
    params = []
    for folder in _case_folders():
        case_id = folder.relative_to(CASES).as_posix()
        try:
            expect = _load(folder)
        except tomllib.TOMLDecodeError as error:  # fail this case, not the whole collection
            expect = {"invalid": f"{folder / 'expect.toml'}: {error}"}
        marks = []
        if "xfail" in expect:
            marks.append(pytest.mark.xfail(strict=True, reason=str(expect["xfail"])))
        params.append(pytest.param(folder, expect, id=case_id, marks=marks))
    return params


def _file_name(name: str) -> str:
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name


def _format(findings: list[dict[str, Any]]) -> str:
    if not findings:
        return "    (none)"
    return "\n".join(
        f"    [{f['rule']!r}, {_file_name(f['file'])!r}, {f.get('line') or 0}]"
        f"  # {f.get('message', '')}" + (f"  (hint: {f['hint']})" if f.get("hint") else "")
        for f in findings
    )


def _run(folder: Path, args: list[str], name: str = "validate") -> subprocess.CompletedProcess[str]:
    inputs = ["."] if name == "validate" else []
    return run_cli(name, *inputs, *args, "--format", "json", cwd=folder, timeout=TIMEOUT)


def _load(folder: Path) -> dict[str, Any]:
    with (folder / "expect.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_every_rule_has_a_passing_case() -> None:
    """Each rule `serviceplan rules` lists is expected by at least one case that is not xfail."""
    listing = run_cli("rules", "--format", "json", timeout=TIMEOUT, check=True)
    rules = {entry["id"] for entry in json.loads(listing.stdout)}
    assert len(rules) >= 28
    covered = {
        finding[0]
        for folder in _case_folders()
        if "xfail" not in (expect := _load(folder))
        for finding in expect["findings"]
    }
    assert not rules - covered, f"rules without a case: {sorted(rules - covered)}"


@pytest.mark.parametrize("folder", _case_folders(), ids=lambda folder: folder.name)
def test_a_case_holds_no_copy_of_a_sample(folder: Path) -> None:
    """A sample the case needs unchanged comes from `samples`, not from a copy that drifts."""
    assert copies_of_samples(folder) == [], "delete these copies and name them in samples"


@pytest.mark.parametrize(("folder", "expect"), _params())
def test_case(folder: Path, expect: dict[str, Any], tmp_path: Path) -> None:
    if "invalid" in expect:
        pytest.fail(f"expect.toml is not valid TOML: {expect['invalid']}", pytrace=False)
    unknown = set(expect) - KEYS
    assert not unknown, f"unknown keys in {folder / 'expect.toml'}: {sorted(unknown)}"
    assert "exit" in expect and "findings" in expect, "expect.toml needs exit and findings"
    assert "description" in expect, "expect.toml needs a description"
    args = [str(arg) for arg in expect.get("args", [])]
    command = str(expect.get("command", "validate"))
    # validate's CI reports of every case, read by the real clients' rules (_ci_oracles)
    sarif, junit = tmp_path / "case.sarif", tmp_path / "case.xml"
    if command == "validate":
        args += ["--report", f"sarif:{sarif}", "--report", f"junit:{junit}"]

    inputs = with_samples(folder, expect.get("samples"), tmp_path)
    result = _run(inputs, args, command)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"exit {result.returncode}, no JSON on stdout\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    findings = report["findings"]
    actual: set[Finding] = {
        (f["rule"], _file_name(f["file"]), int(f.get("line") or 0)) for f in findings
    }
    expected: set[Finding] = {
        (rule, _file_name(file), int(line)) for rule, file, line in expect["findings"]
    }

    problems = []
    if actual != expected:
        problems.append("findings differ")
    if result.returncode != expect["exit"]:
        problems.append(f"exit code {result.returncode}, expected {expect['exit']}")
    if "Traceback" in result.stderr:
        problems.append("traceback on stderr")
    needle = expect.get("hint_contains")
    if needle and not any(needle in (f.get("hint") or "") for f in findings):
        problems.append(f"no finding's hint contains {needle!r}")
    if command == "validate" and result.returncode in (0, 1):
        check_sarif(sarif.read_text(encoding="utf-8"))
        check_junit(junit.read_text(encoding="utf-8"))
    if problems:
        pytest.fail(
            f"{folder.name}: {'; '.join(problems)}\n"
            f"  case: {expect['description']}\n"
            f"  missing (expected, not reported): {sorted(expected - actual)}\n"
            f"  unexpected (reported, not expected): {sorted(actual - expected)}\n"
            f"  actual findings (rule, file, line, message, hint):\n{_format(findings)}\n"
            f"  stderr: {result.stderr.strip() or '(empty)'}",
            pytrace=False,
        )
