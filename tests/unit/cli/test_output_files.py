"""Output files of every command (`-o FILE`, `--report FORMAT:PATH`): missing folders are made,
and a file that cannot be written is one line naming it, exit 2."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from serviceplan.cli import main

SAMPLES = str(resources.files("serviceplan.serviceplans"))


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
