"""`diff --git` PATHs: one that holds no plan in either revision is a usage error (never
"No changes."); one that holds plans on one side only is a plan folder added or removed."""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from _cli import run_cli

SAMPLES = Path(str(resources.files("serviceplan.serviceplans")))
LOOKED_FOR = "no *.serviceplan files and no ServicePlanHostingRemap.csv"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def diff(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("diff", *args, cwd=repo)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """main: serviceplans/ (the samples) and docs/; feature: retired/ added (a plan)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ops@example.com")
    git(repo, "config", "user.name", "Ops")
    shutil.copytree(SAMPLES, repo / "serviceplans", ignore=shutil.ignore_patterns("__*"))
    (repo / "docs").mkdir()
    (repo / "docs" / "README.md").write_text("plans\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "plans")
    git(repo, "checkout", "-qb", "feature")
    (repo / "retired").mkdir()
    shutil.copy(SAMPLES / "SmallBusiness.serviceplan", repo / "retired" / "Old.serviceplan")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "retired plan")
    return repo


@pytest.mark.parametrize("path", ["nosuchdir/", "ServicePlans/", "docs"])
def test_a_path_with_no_plan_in_either_revision_is_a_usage_error(
    repository: Path, path: str
) -> None:
    result = diff(repository, "--git", "main..feature", path, "--exit-code")
    assert (result.returncode, result.stdout) == (2, "")
    assert f"{path}: {LOOKED_FOR} in main or in feature" in result.stderr
    assert "No changes." not in result.stdout


def test_the_wrong_case_gets_a_did_you_mean(repository: Path) -> None:
    result = diff(repository, "--git", "main..feature", "ServicePlans/")
    assert "did you mean serviceplans?" in result.stderr


def test_against_the_work_tree_a_missing_path_is_an_error_too(repository: Path) -> None:
    result = diff(repository, "--git", "main", "nosuchdir")
    assert result.returncode == 2
    assert f"nosuchdir: {LOOKED_FOR} in main or in the work tree" in result.stderr


def test_a_path_on_one_side_only_is_an_added_or_removed_plan(repository: Path) -> None:
    added = diff(repository, "--git", "main..feature", "retired")
    assert added.returncode == 0, added.stderr
    assert "Old" in added.stdout and "No changes." not in added.stdout
    removed = diff(repository, "--git", "feature..main", "retired")
    assert removed.returncode == 0, removed.stderr
    assert "Old" in removed.stdout
    shutil.rmtree(repository / "retired")  # deleted in the work tree: removed, not an error
    gone = diff(repository, "--git", "feature", "retired")
    assert gone.returncode == 0, gone.stderr
    assert "Old" in gone.stdout


def test_every_path_must_hold_plans_somewhere(repository: Path) -> None:
    result = diff(repository, "--git", "main..feature", "serviceplans", "nosuchdir")
    assert result.returncode == 2
    assert f"nosuchdir: {LOOKED_FOR}" in result.stderr
