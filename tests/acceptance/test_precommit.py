"""The real `pre-commit` (the PyPI package) runs the hook this repository ships.

A temporary git repository holds the bundled samples and the README's pre-commit
configuration, with its remote `repo:` replaced by `repo: local` and the hook exactly as
`.pre-commit-hooks.yaml` defines it (id, entry, files, always_run, require_serial...), but as
`language: system` on the serviceplan installed with this suite: building the hook's own
virtual environment would download its dependencies, and the test must need no network.
PRE_COMMIT_HOME is a temporary folder. Each scenario is a commit attempt: `pre-commit run`
on what is staged, as the git hook would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pre_commit
import pytest
import yaml

from _ci_oracles import ROOT, readme_block
from serviceplan.files.defaults import bundled_plans

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
HOOK_ID = "serviceplan-validate"


def shipped_hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = (h for h in hooks if h["id"] == HOOK_ID)
    assert isinstance(hook, dict)
    return hook


def test_the_readme_configuration_uses_the_shipped_hook() -> None:
    config = yaml.safe_load(readme_block("pre-commit"))
    (repo,) = config["repos"]
    assert repo["repo"].startswith("https://") and repo["rev"]
    assert [hook["id"] for hook in repo["hooks"]] == [HOOK_ID]
    hook = shipped_hook()
    assert hook["language"] == "python"  # what a user's pre-commit installs it with
    assert hook["entry"].split() == ["serviceplan", "validate", "--staged-deletions", "--"]


def local_config() -> str:
    """The README's configuration with the remote repository replaced by the hook itself."""
    config = yaml.safe_load(readme_block("pre-commit"))
    (repo,) = config["repos"]
    hooks = []
    for wanted in repo["hooks"]:
        hook = {**shipped_hook(), **wanted, "language": "system"}
        hooks.append(hook)
    config["repos"] = [{"repo": "local", "hooks": hooks}]
    return yaml.safe_dump(config, sort_keys=False)


class Repo:
    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        bin_dir = str(Path(sys.executable).parent)  # `serviceplan` for language: system
        self.env = {
            **os.environ,
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "PRE_COMMIT_HOME": str(home),
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(home),
        }
        for name in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "PRE_COMMIT", "SKIP"):
            self.env.pop(name, None)

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.path, env=self.env, check=True, timeout=60)

    def pre_commit(self) -> subprocess.CompletedProcess[str]:
        """`pre-commit run` on what is staged, as the git hook runs it, from the package
        this suite installed."""
        return subprocess.run(
            [sys.executable, "-m", pre_commit.__name__, "run", "--color", "never"],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    work = Repo(tmp_path / "repo", tmp_path / "home")
    (tmp_path / "home").mkdir()
    plans = work.path / "serviceplans"
    shutil.copytree(bundled_plans(), plans, ignore=shutil.ignore_patterns("__*"))
    (work.path / ".pre-commit-config.yaml").write_text(local_config(), encoding="utf-8")
    work.git("init", "-q", "-b", "main")
    work.git("add", "-A")
    work.git("commit", "-q", "--no-verify", "-m", "plans")
    return work


def test_pre_commit_runs_the_shipped_hook(repo: Repo) -> None:
    plans = repo.path / "serviceplans"

    # a clean edit passes
    small = plans / "SmallBusiness.serviceplan"
    small.write_text(small.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    repo.git("add", "-A")
    clean = repo.pre_commit()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "serviceplan validate" in clean.stdout and "Passed" in clean.stdout
    repo.git("commit", "-q", "--no-verify", "-m", "clean")

    # a misspelt feature fails, with its rule
    text = small.read_text(encoding="utf-8")
    assert "<AutoReplyEnabled>" in text
    small.write_text(text.replace("AutoReplyEnabled>", "AutoReplyEnabeld>"), encoding="utf-8")
    repo.git("add", "-A")
    misspelt = repo.pre_commit()
    assert misspelt.returncode == 1, misspelt.stdout
    assert "SP101" in misspelt.stdout and "AutoReplyEnabled" in misspelt.stdout
    repo.git("checkout", "-q", "HEAD", "--", ".")
    repo.git("reset", "-q")

    # a plan the remap still names, deleted: pre-commit passes no file, the hook still runs
    repo.git("rm", "-q", "serviceplans/LargeBusiness.serviceplan")
    deleted = repo.pre_commit()
    assert deleted.returncode == 1, deleted.stdout
    assert "SP404" in deleted.stdout and "LargeBusiness" in deleted.stdout
    repo.git("reset", "-q", "--hard")

    # renamed: the new name alone is given, and checked against the remap beside it
    repo.git("mv", "serviceplans/LargeBusiness.serviceplan", "serviceplans/Large2.serviceplan")
    renamed = repo.pre_commit()
    assert renamed.returncode == 1, renamed.stdout
    assert "SP404" in renamed.stdout and "SP405" in renamed.stdout
    repo.git("reset", "-q", "--hard")


def test_odd_names_are_files_and_only_the_remap_is_a_remap(repo: Repo) -> None:
    """`-x.serviceplan` is a file (the hook's `--`), and `Old-ServicePlanHostingRemap.csv`
    is not a remap, for the hook as for a folder scan."""
    plans = repo.path / "serviceplans"
    shutil.copy(plans / "SmallBusiness.serviceplan", repo.path / "-x.serviceplan")
    (plans / "Old-ServicePlanHostingRemap.csv").write_text("not,a,remap,at,all\n")
    repo.git("add", "-A")
    done = repo.pre_commit()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No such option" not in done.stdout + done.stderr

    # the -x plan is really read: broken, it fails
    odd = repo.path / "-x.serviceplan"
    odd.write_text(odd.read_text(encoding="utf-8").replace("</Configuration>", ""))
    repo.git("add", "-A")
    broken = repo.pre_commit()
    assert broken.returncode == 1, broken.stdout
    assert "-x.serviceplan" in broken.stdout and "SP001" in broken.stdout


def test_a_deletion_in_one_folder_is_caught_beside_an_edit_in_another(repo: Repo) -> None:
    """pre-commit passes the edited file of one folder and nothing of the other, where a plan
    its remap still names was deleted: the hook asks the index what was deleted."""
    other = repo.path / "other"
    shutil.copytree(repo.path / "serviceplans", other)
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "two folders")
    small = other / "SmallBusiness.serviceplan"
    small.write_text(small.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    repo.git("rm", "-q", "serviceplans/LargeBusiness.serviceplan")
    repo.git("add", "-A")
    both = repo.pre_commit()
    assert both.returncode == 1, both.stdout
    assert "SP404" in both.stdout and "serviceplans/ServicePlanHostingRemap.csv" in both.stdout
