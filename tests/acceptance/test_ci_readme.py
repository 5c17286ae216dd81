"""The GitHub Actions workflow the README shows, run here: its `serviceplan` steps run as
written (GitHub's `${{ }}` expressions filled in) in a git repository with the variables a
runner sets, `gh` stood in for by a script that records what it is asked, and each output
read by the real client's rules: the SARIF against the OASIS schema (and code scanning's
region and fingerprint rules), the Markdown as the comment body."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from _ci_oracles import check_sarif, readme_block
from serviceplan.files.defaults import bundled_plans

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
EXPRESSIONS = {
    "github.base_ref": "main",
    "github.event.number": "7",
    "github.token": "no-token",
    "github.event_name": "pull_request",
}
GH = """#!/bin/sh
printf '%s\\n' "$*" >> "$GH_LOG"
case "$*" in *--edit-last*) exit 1;; esac  # no earlier comment: the fallback comments
"""


def workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(readme_block("workflow"))
    return document


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    found: list[dict[str, Any]] = job["steps"]
    return found


def expand(text: str) -> str:
    return re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: EXPRESSIONS[m[1]], text)


def test_the_workflow_uploads_the_sarif_it_writes_and_comments_the_diff_it_writes() -> None:
    document = workflow()
    assert document["permissions"]["security-events"] == "write"
    assert document["permissions"]["pull-requests"] == "write"
    by_name = {step.get("name", step.get("uses", step.get("run"))): step for step in steps()}
    upload = next(s for s in steps() if s.get("uses", "").startswith("github/codeql-action/"))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    validate = by_name["Validate"]["run"]
    assert f"--report sarif:{upload['with']['sarif_file']}" in validate
    assert upload["if"] == "always()"  # findings fail the step; the upload still runs
    checkout = next(s for s in steps() if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # diff --git needs the base branch


def git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, timeout=60)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A pull request's checkout: main with the samples, origin/main, a branch that raises
    a quota and adds a plan no remap line names (a warning, about the whole file)."""
    repo = tmp_path / "workspace"
    shutil.copytree(bundled_plans(), repo / "serviceplans", ignore=shutil.ignore_patterns("__*"))
    git(repo.parent, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "plans")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-q", "-b", "edit")
    plan = repo / "serviceplans" / "SmallBusiness.serviceplan"
    text = plan.read_text(encoding="utf-8")
    quota = re.search(r"<MailboxCountQuota>([0-9]+)<", text)
    assert quota is not None
    plan.write_text(text.replace(quota[0], f"<MailboxCountQuota>{int(quota[1]) + 5}<"))
    shutil.copy(plan, repo / "serviceplans" / "Retired.serviceplan")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "edit")
    return repo


def test_the_workflow_steps_run_as_written(checkout: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(GH)
    (bin_dir / "gh").chmod(0o755)
    env = {
        **os.environ,
        "PATH": os.pathsep.join(
            (str(bin_dir), str(Path(sys.executable).parent), os.environ["PATH"])
        ),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(checkout),
        "GH_LOG": str(tmp_path / "gh.log"),
    }
    codes = {}
    for step in steps():
        if "run" not in step or step["run"].startswith("python -m pip install"):
            continue  # serviceplan is installed with this suite
        env.update({key: expand(str(value)) for key, value in step.get("env", {}).items()})
        done = subprocess.run(
            ["bash", "-e", "-c", expand(step["run"])],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in done.stderr
        codes[step["name"]] = done.returncode
        if step["name"] == "Validate":  # annotations, named from the workspace root
            assert done.stdout.startswith(
                "::warning file=serviceplans/Retired.serviceplan,title=SP405 "
            ), done.stdout
    assert codes == {
        "Validate": 0,  # a warning
        "Diff against the base branch": 0,  # differences alone do not fail
        "Comment on the pull request": 0,
    }

    log = check_sarif((checkout / "serviceplan.sarif").read_text(encoding="utf-8"))
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": checkout.as_uri() + "/"}}
    (result,) = run["results"]
    assert result["ruleId"] == "SP405"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "serviceplans/Retired.serviceplan", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }

    body = (checkout / "diff.md").read_text(encoding="utf-8")
    assert "MailboxCountQuota" in body
    assert (tmp_path / "gh.log").read_text().splitlines() == [
        "pr comment 7 --body-file diff.md --edit-last",
        "pr comment 7 --body-file diff.md",
    ]
