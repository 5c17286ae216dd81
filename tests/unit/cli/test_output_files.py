"""Output files of every command (`-o FILE`, `--report FORMAT:PATH`): missing folders are made,
a file that cannot be written is one line naming it, exit 2, and `-` is standard output."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from serviceplan.cli import main

SAMPLES = str(resources.files("serviceplan.serviceplans"))
TENANTS = Path(__file__).resolve().parents[3] / "examples" / "tenants.csv"


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def test_compile_output_into_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "build" / "compiled" / "large.json"
    args = ["compile", SAMPLES, "--plan", "LargeBusiness", "-f", "json", "-o", str(target)]
    assert main(args) == 0
    assert [p["name"] for p in json.loads(target.read_text(encoding="utf-8"))["plans"]] == [
        "LargeBusiness"
    ]


def test_diff_output_into_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "out" / "diff.md"
    assert main(["diff", SAMPLES, SAMPLES, "--format", "markdown", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8")


def test_an_output_that_cannot_be_written_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").write_text("a file, not a folder")
    target = tmp_path / "out" / "diff.json"
    assert main(["diff", SAMPLES, SAMPLES, "--format", "json", "-o", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"serviceplan: error: {target}: cannot write: {tmp_path / 'out'} is not a folder\n"
    )


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["compile", SAMPLES, "--plan", "LargeBusiness", "-f", "json"], b"{"),
        (["matrix", SAMPLES], b"Organization"),
        (["diff", SAMPLES, SAMPLES], b"serviceplan diff"),
        (["diff", SAMPLES, SAMPLES, "-f", "json"], b"{"),
        (["tenants", "export", str(TENANTS)], b"name,domain,"),
        (["tenants", "export", str(TENANTS), "-f", "jsonl"], b'{"name": '),
    ],
)
def test_output_dash_is_standard_output(
    args: list[str],
    starts: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*args, "-o", "-"]) == 0
    assert capsysbinary.readouterr().out.startswith(starts)
    assert list(tmp_path.iterdir()) == []  # no file named `-`


def test_tenants_export_without_output_writes_standard_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["tenants", "export", str(TENANTS)]) == 0
    captured = capsys.readouterr()
    assert captured.out == TENANTS.read_text(encoding="utf-8")
    assert captured.err == "11 tenants written to standard output\n"


def test_a_validate_report_on_standard_output_sends_the_findings_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", SAMPLES, "--report", "json:-", "-f", "text"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["errors"] == 0
    assert "0 errors" in captured.err


def test_two_reports_on_standard_output_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", SAMPLES, "--report", "json:-", "--report", "sarif:-"]) == 2
    assert capsys.readouterr().err.startswith(
        "serviceplan: error: --report json:- and --report sarif:-: only one report can go"
    )
