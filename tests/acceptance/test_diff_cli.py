"""`serviceplan diff` through the real CLI: the SmallOrg repoint, gating, git revisions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from _cli import run_cli
from _samples import case_inputs

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "serviceplans"
REPOINT = REPO / "tests" / "cases" / "diff-smallorg-repoint"
UPDATE = os.environ.get("SERVICEPLAN_UPDATE_DIFF_CASES") == "1"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return run_cli("diff", *args, cwd=cwd, env=env)


def samples(folder: Path) -> Path:
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return folder


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def in_place(tmp_path: Path) -> tuple[Path, Path]:
    """MediumBusiness's ContactCountQuota raised in place: one OrgWideConfiguration change."""
    old, new = samples(tmp_path / "old"), samples(tmp_path / "new")
    edit(new / "MediumBusiness.serviceplan", "<ContactCountQuota>1000<", "<ContactCountQuota>2000<")
    return old, new


@pytest.fixture
def repoint(tmp_path: Path) -> Path:
    """The repoint case laid out whole (the folder keeps only its edits)."""
    return case_inputs(REPOINT, tmp_path)


def test_smallorg_repoint_text_matches_the_expected_plan(repoint: Path) -> None:
    result = run("old", "new", "--tenants", "tenants.csv", cwd=repoint)
    expected = REPOINT / "expected.txt"
    if UPDATE:
        expected.write_text(result.stdout, encoding="utf-8")
    assert result.returncode == 1, result.stderr
    assert result.stdout == expected.read_text(encoding="utf-8")
    assert "Traceback" not in result.stderr


def test_smallorg_repoint_json_says_what_moves_and_what_it_costs(repoint: Path) -> None:
    result = run("old", "new", "--tenants", "tenants.csv", "--format", "json", cwd=repoint)
    document = json.loads(result.stdout)
    [row] = document["remap"]
    assert (row["kind"], row["old_plan"], row["new_plan"]) == (
        "repointed",
        "SmallBusiness",
        "MediumBusiness",
    )
    [move] = document["transitions"]
    assert (move["old"], move["new"], move["category"]) == (
        "SmallBusiness",
        "MediumBusiness",
        "MailboxPlanConfiguration",
    )
    reached = {t["name"]: t for t in document["tenants"]["reached"]}
    assert reached["Contoso"]["mailboxes_to_update"] == 120
    assert reached["Contoso"]["update_skipped"] is False
    assert reached["Fabrikam"]["update_skipped"] is True  # edited in place
    assert "Alpine Ski House" not in reached
    assert document["summary"]["mailboxes_to_update"] == 165  # Fabrikam's 800 are skipped
    assert document["tenants"]["skipped"] == 1


def test_markdown_comment_leads_with_the_summary_and_stays_under_the_limit(repoint: Path) -> None:
    result = run("old", "new", "--tenants", "tenants.csv", "--format", "markdown", cwd=repoint)
    assert result.returncode == 1
    assert len(result.stdout) < 65_536
    head = result.stdout[:2000]
    assert "1 plan changed, 1 remap row repointed" in head
    assert "**Gate failed** (exit 1):\n\n- 3 errors fail the run: SP606 x3" in head
    assert "<details>" in result.stdout


def test_no_findings_exits_0_unless_asked(in_place: tuple[Path, Path]) -> None:
    old, new = in_place
    assert run(str(old), str(new)).returncode == 0  # SP605 is a warning
    assert run(str(old), str(new), "--exit-code").returncode == 1
    assert run(str(old), str(new), "--fail-on", "OrgWideConfiguration").returncode == 1
    assert run(str(old), str(new), "--fail-on", "mailboxplanconfiguration").returncode == 0
    both = run(str(old), str(new), "--fail-on", "AdminPermissions,OrgWideConfiguration")
    assert both.returncode == 1


def test_the_gate_says_what_tripped_it(in_place: tuple[Path, Path]) -> None:
    """Issue 12, item 6: exit 1 names the gate and why, in every format; a pass says nothing."""
    old, new = str(in_place[0]), str(in_place[1])
    passing = run(old, new, "--fail-on", "MailboxPlanConfiguration")
    assert passing.returncode == 0 and "Gate" not in passing.stdout
    gated = ("--fail-on", "OrgWideConfiguration", "--exit-code")
    text = run(old, new, *gated)
    assert text.returncode == 1
    reasons = [
        "--fail-on OrgWideConfiguration tripped: 1 change in OrgWideConfiguration "
        "(plan MediumBusiness)",
        "--exit-code tripped: differences found (1 plan changed)",
    ]
    assert text.stdout.splitlines()[-2:] == [f"Gate: {reason}" for reason in reasons]
    markdown = run(old, new, *gated, "--format", "markdown")
    assert markdown.returncode == 1
    assert (
        "**Gate failed** (exit 1):\n\n- --fail-on OrgWideConfiguration tripped" in markdown.stdout
    )
    document = json.loads(run(old, new, *gated, "--format", "json").stdout)
    assert document["gate"]["failed"] is True
    assert [(r["kind"], r["category"], r["text"]) for r in document["gate"]["reasons"]] == [
        ("fail-on", "OrgWideConfiguration", reasons[0]),
        ("exit-code", None, reasons[1]),
    ]
    assert document["gate"]["reasons"][0]["plans"] == [
        {"old": "MediumBusiness", "new": "MediumBusiness", "changes": 1}
    ]
    clean = json.loads(run(old, new, "--format", "json").stdout)
    assert clean["gate"] == {"failed": False, "reasons": []}


def test_two_plan_files_with_different_names_are_a_move() -> None:
    """Issue 12, item 4: SmallBusiness against MediumBusiness is no edit in place."""
    result = run(
        str(SAMPLES / "SmallBusiness.serviceplan"), str(SAMPLES / "MediumBusiness.serviceplan")
    )
    assert result.returncode == 0, result.stderr
    assert "~ plan SmallBusiness -> MediumBusiness (a move: " in result.stdout
    assert "edited in place" not in result.stdout and "SP605" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith(
        "1 plan move (SmallBusiness -> MediumBusiness): 4 AdminPermissions,"
    )


def test_identical_revisions_exit_0_even_with_exit_code(tmp_path: Path) -> None:
    old, new = samples(tmp_path / "old"), samples(tmp_path / "new")
    result = run(str(old), str(new), "--exit-code")
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "No changes.")


def test_formatting_order_comments_and_explicit_defaults_are_not_changes(tmp_path: Path) -> None:
    old, new = samples(tmp_path / "old"), samples(tmp_path / "new")
    plan = new / "SmallBusiness.serviceplan"
    edit(plan, "<Configuration", "<!-- a comment -->\n<Configuration")
    edit(
        plan,
        "<MailboxCountQuota>250</MailboxCountQuota>",
        "<MailboxCountQuota>\n      250\n    </MailboxCountQuota>",
    )
    plan.write_bytes(plan.read_bytes().replace(b"\n", b"\r\n"))
    assert run(str(old), str(new), "--exit-code").returncode == 0
    textual = run(str(old), str(new), "--exit-code", "--textual", "--format", "json")
    changes = [c for p in json.loads(textual.stdout)["plans"] for c in p["changes"]]
    assert [(c["feature"], c["kind"], c["cost"]) for c in changes] == [
        ("MailboxCountQuota", "textual", "none")
    ]


def test_a_side_that_does_not_compile_is_findings_not_a_diff(tmp_path: Path) -> None:
    old, new = samples(tmp_path / "old"), samples(tmp_path / "new")
    edit(new / "SmallBusiness.serviceplan", "<MailboxCountQuota>250<", "<MailboxCountQuota>lots<")
    result = run(str(old), str(new), "--format", "json")
    document = json.loads(result.stdout)
    assert result.returncode == 1
    assert [f["rule"] for f in document["findings"]] == ["SP107"]
    assert document["summary"]["changed"] is False


def test_output_file_is_written_whole(in_place: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "diff.json"
    result = run(str(in_place[0]), str(in_place[1]), "--format", "json", "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["plans_changed"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["only-one"], "diff needs OLD and NEW"),
        (["a", "b", "--fail-on", "Everything"], "unknown category 'Everything'"),
        (["missing-old", "missing-new"], "no such file or folder"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ops@example.com")
    git(repo, "config", "user.name", "Ops")
    samples(repo / "serviceplans")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "plans")
    git(repo, "checkout", "-qb", "feature")
    edit(
        repo / "serviceplans" / "ServicePlanHostingRemap.csv",
        "Business,SmallOrg,SmallBusiness",
        "Business,SmallOrg,MediumBusiness",
    )
    git(repo, "commit", "-qam", "repoint SmallOrg")
    return repo


def test_git_range_reads_the_object_store_not_the_work_tree(repository: Path) -> None:
    remap = repository / "serviceplans" / "ServicePlanHostingRemap.csv"
    remap.write_text("garbage,\n", encoding="utf-8")  # the work tree must not be read
    status = git(repository, "status", "--porcelain")
    result = run("--git", "main..feature", "--format", "json", cwd=repository)
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)["remap"]
    assert row["new_location"]["file"] == "feature:serviceplans/ServicePlanHostingRemap.csv"
    assert remap.read_text(encoding="utf-8") == "garbage,\n"
    assert git(repository, "status", "--porcelain") == status


def test_git_three_dots_and_paths_and_gating(repository: Path) -> None:
    gate = run(
        "--git",
        "main...feature",
        "serviceplans",
        "--fail-on",
        "MailboxPlanConfiguration",
        cwd=repository,
    )
    assert gate.returncode == 1
    assert "remap Business,SmallOrg repointed SmallBusiness -> MediumBusiness" in gate.stdout
    # a path that holds no plan on either side is a usage error, never "No changes."
    elsewhere = run("--git", "main..feature", "no-plans-here", "--exit-code", cwd=repository)
    assert (elsewhere.returncode, elsewhere.stdout) == (2, "")
    assert "no-plans-here: no *.serviceplan files" in elsewhere.stderr


def test_git_single_revision_compares_with_the_work_tree(repository: Path) -> None:
    edit(
        repository / "serviceplans" / "SmallBusiness.serviceplan",
        "<MailboxCountQuota>250<",
        "<MailboxCountQuota>300<",
    )
    result = run("--git", "HEAD", "serviceplans", "--format", "json", cwd=repository)
    [plan] = json.loads(result.stdout)["plans"]
    assert plan["new_file"] == str(Path("serviceplans") / "SmallBusiness.serviceplan")
    assert [c["feature"] for c in plan["changes"]] == ["MailboxCountQuota"]


def test_git_unknown_revision_is_a_usage_error(repository: Path) -> None:
    result = run("--git", "nope..feature", cwd=repository)
    assert result.returncode == 2
    assert "nope: no such revision in this repository" in result.stderr
