"""files/workspace.py: the root CI reports name files from."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from serviceplan.files.workspace import repository_root

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_github_workspace_wins(tmp_path: Path) -> None:
    assert repository_root({"GITHUB_WORKSPACE": str(tmp_path)}) == str(tmp_path)


@needs_git
def test_else_the_git_top_level_of_the_working_directory(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    (tmp_path / "repo" / "sub").mkdir()
    top = repository_root({}, cwd=str(tmp_path / "repo" / "sub"))
    assert top is not None and Path(top).resolve() == (tmp_path / "repo").resolve()


@needs_git
def test_none_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain").mkdir()
    assert repository_root({}, cwd=str(tmp_path / "plain")) is None
