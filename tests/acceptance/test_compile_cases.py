"""The compile corpus: every folder in tests/compile_cases with a case.toml is one test.

Each case runs the real CLI in a subprocess, in the case folder, on its own inputs:

    python -m serviceplan compile . [args...]

and checks the exit code, stdout and stderr against case.toml:

    description = "what this case shows"
    args = ["--program", "Business", "--offer", "SmallOrg", "--format", "json"]
    exit = 0                       # expected exit code
    samples = "all"                # optional: bundled samples the case uses unchanged
                                   # (see _samples.py); the folder holds only what it changes
    stderr_contains = ["..."]      # optional: each string appears on stderr (or one string)
    xfail = "reason"               # optional: a known tool bug, expected to fail (strict)

When the folder holds expected.json, it is the exact JSON document the command prints, with
tool.version written as "VERSION" (the actual output is compared with its version replaced the
same way, key order included): with exit 0 (then stderr is empty), or with exit 1 when errors
left something out (the plans without errors are still compiled). Exit 0 needs expected.json;
without one, stdout must be empty (exit 2: nothing was compiled).

To rewrite expected.json after an intended change of the output, run with
SERVICEPLAN_UPDATE_COMPILE_CASES=1, then read the diff: it is the review.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from _cli import run_cli
from _samples import copies_of_samples, with_samples

EXPECTED = "expected.json"
CASES = Path(__file__).resolve().parent.parent / "compile_cases"
KEYS = {"description", "args", "exit", "stderr_contains", "xfail", "samples"}
TIMEOUT = 60
UPDATE = os.environ.get("SERVICEPLAN_UPDATE_COMPILE_CASES") == "1"


def _case_folders() -> list[Path]:
    return sorted(case.parent for case in CASES.glob("*/case.toml"))


def _load(folder: Path) -> dict[str, Any]:
    with (folder / "case.toml").open("rb") as handle:
        return tomllib.load(handle)


def _params() -> list[Any]:
    params = []
    for folder in _case_folders():
        try:
            case = _load(folder)
        except tomllib.TOMLDecodeError as error:  # fail this case, not the whole collection
            case = {"invalid": f"{folder / 'case.toml'}: {error}"}
        marks = []
        if "xfail" in case:
            marks.append(pytest.mark.xfail(strict=True, reason=str(case["xfail"])))
        params.append(pytest.param(folder, case, id=folder.name, marks=marks))
    return params


def _run(folder: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return run_cli("compile", ".", *args, cwd=folder, timeout=TIMEOUT, encoding="utf-8")


def _path(name: str) -> str:
    return name.replace("\\", "/")


def normalized(document: Any) -> Any:
    """The document with tool.version as "VERSION" and file paths with forward slashes."""
    if isinstance(document, dict) and isinstance(document.get("tool"), dict):
        document["tool"]["version"] = "VERSION"
    for plan in document.get("plans", []) if isinstance(document, dict) else []:
        plan["file"] = _path(plan["file"])
        for row in plan["selected_by"]:
            row["file"] = _path(row["file"])
    for entry in document.get("left_out", []) if isinstance(document, dict) else []:
        entry["file"] = _path(entry["file"])
        entry["reason"] = _path(entry["reason"])
    return document


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_there_are_cases() -> None:
    assert len(_case_folders()) >= 6


@pytest.mark.parametrize("folder", _case_folders(), ids=lambda folder: folder.name)
def test_a_case_holds_no_copy_of_a_sample(folder: Path) -> None:
    """A sample the case needs unchanged comes from `samples`, not from a copy that drifts."""
    assert copies_of_samples(folder) == [], "delete these copies and name them in samples"


@pytest.mark.parametrize(("folder", "case"), _params())
def test_compile_case(folder: Path, case: dict[str, Any], tmp_path: Path) -> None:
    if "invalid" in case:
        pytest.fail(f"case.toml is not valid TOML: {case['invalid']}", pytrace=False)
    unknown = set(case) - KEYS
    assert not unknown, f"unknown keys in {folder / 'case.toml'}: {sorted(unknown)}"
    assert "description" in case and "exit" in case, "case.toml needs description and exit"
    args = [str(arg) for arg in case.get("args", [])]

    result = _run(with_samples(folder, case.get("samples"), tmp_path), args)
    context = (
        f"{folder.name}: {case['description']}\n  exit {result.returncode}\n"
        f"  stderr: {result.stderr.strip() or '(empty)'}"
    )
    assert "Traceback" not in result.stderr, context
    assert result.returncode == case["exit"], context
    needles = case.get("stderr_contains", [])
    for needle in [needles] if isinstance(needles, str) else needles:
        assert needle in result.stderr, f"stderr lacks {needle!r}\n{context}"

    expected_file = folder / EXPECTED
    if case["exit"] == 2 or (case["exit"] != 0 and not expected_file.exists()):
        assert result.stdout == "", f"stdout should be empty\n{context}"
        assert not expected_file.exists(), f"{EXPECTED} is not for exit 2\n{context}"
        return
    try:
        actual = normalized(json.loads(result.stdout))
    except json.JSONDecodeError:
        pytest.fail(f"no JSON on stdout\n{context}\nstdout:\n{result.stdout}", pytrace=False)
    if case["exit"] == 0:
        assert result.stderr == "", context
    if UPDATE:
        expected_file.write_text(_dump(actual), encoding="utf-8", newline="\n")
    expected = normalized(json.loads(expected_file.read_text(encoding="utf-8")))
    # compared as text: key order and the exact number forms are part of the output
    assert _dump(actual) == _dump(expected)
