"""files/revisions.py: plan files as a git revision holds them, read from the object store, in
a repository each test builds with `git init`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from serviceplan.errors import UsageError
from serviceplan.files.revisions import (
    WORK_TREE,
    RevisionRange,
    deleted_in_index,
    parse_range,
    revision_scan,
    revision_sides,
)

CAP = 1_000_000


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main: plans/A.serviceplan (v1) and docs/readme.txt, then A at v2 and plans/B."""
    if shutil.which("git") is None:
        pytest.skip("git is not on PATH")
    for name, value in (("GIT_AUTHOR_NAME", "t"), ("GIT_COMMITTER_NAME", "t")):
        monkeypatch.setenv(name, value)
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "t@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path / "plans" / "A.serviceplan", "v1\n")
    write(tmp_path / "docs" / "readme.txt", "not a plan\n")
    commit(tmp_path, "first")
    git(tmp_path, "tag", "first")
    write(tmp_path / "plans" / "A.serviceplan", "v2\n")
    write(tmp_path / "plans" / "B.serviceplan", "b\n")
    commit(tmp_path, "second")
    return tmp_path


def scanned(repo: Path, revision: str, paths: list[str]) -> dict[str, bytes | None]:
    inputs, _ = revision_scan(revision, paths, CAP, cwd=str(repo))
    return {item.display: item.data for item in inputs}


def test_a_revision_is_read_from_the_object_store_not_the_work_tree(repo: Path) -> None:
    write(repo / "plans" / "A.serviceplan", "edited on disk\n")
    assert scanned(repo, "first", ["."]) == {"first:plans/A.serviceplan": b"v1\n"}
    assert scanned(repo, "HEAD", ["."]) == {
        "HEAD:plans/A.serviceplan": b"v2\n",
        "HEAD:plans/B.serviceplan": b"b\n",
    }
    inputs, matched = revision_scan("HEAD", ["plans"], CAP, cwd=str(repo))
    assert all(item.path is None and not item.is_remap for item in inputs)
    assert matched == {"plans"}


def test_paths_filter_the_listing_and_report_which_ones_matched(repo: Path) -> None:
    write(repo / "other" / "C.serviceplan", "c\n")
    write(repo / "other" / "ServicePlanHostingRemap.csv", "x\n")
    commit(repo, "third")
    inputs, matched = revision_scan("HEAD", ["other", "docs"], CAP, cwd=str(repo))
    assert [(i.display, i.is_remap) for i in inputs] == [
        ("HEAD:other/C.serviceplan", False),
        ("HEAD:other/ServicePlanHostingRemap.csv", True),
    ]
    assert matched == {"other"}  # docs/ holds no plan


def test_a_symbolic_link_in_the_revision_is_not_followed(repo: Path) -> None:
    try:
        (repo / "plans" / "Link.serviceplan").symlink_to("A.serviceplan")
    except OSError:
        pytest.skip("this file system cannot make symbolic links")
    commit(repo, "link")
    assert list(scanned(repo, "HEAD", ["plans"])) == [
        "HEAD:plans/A.serviceplan",
        "HEAD:plans/B.serviceplan",
    ]


def test_a_blob_over_the_cap_stands_in_as_cap_plus_one_bytes(repo: Path) -> None:
    inputs, _ = revision_scan("HEAD", ["plans/A.serviceplan"], 2, cwd=str(repo))
    assert [item.data for item in inputs] == [b"\0\0\0"]


def test_a_bad_revision_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(UsageError, match=r"^nope: no such revision in this repository$") as bad:
        revision_scan("nope", ["."], CAP, cwd=str(repo))
    assert "inside the repository" not in bad.value.hint
    with pytest.raises(UsageError, match=r"^nope: no such revision in this repository$"):
        parse_range("nope...HEAD", cwd=str(repo))
    with pytest.raises(UsageError, match=r"HEAD\^\{tree\}: not a commit in this repository"):
        revision_scan("HEAD^{tree}", ["."], CAP, cwd=str(repo))


def test_outside_a_repository_it_says_so_not_that_the_revision_is_unknown(
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not on PATH")
    with pytest.raises(UsageError) as raised:
        revision_scan("HEAD", ["."], CAP, cwd=str(tmp_path))
    assert raised.value.message == f"--git HEAD: {tmp_path.resolve()} is not in a git repository"


def test_a_repository_with_one_commit_or_none_says_why_a_revision_does_not_exist(
    repo: Path,
) -> None:
    with pytest.raises(UsageError) as raised:
        revision_scan("HEAD~5", ["."], CAP, cwd=str(repo))
    assert raised.value.message == "HEAD~5: no such revision in this repository"
    repo = repo / "fresh"  # a repository of its own
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    with pytest.raises(UsageError) as raised:
        revision_scan("HEAD", ["."], CAP, cwd=str(repo))
    assert (
        raised.value.message == "HEAD: no such revision in this repository: it has no commits yet"
    )
    write(repo / "A.serviceplan", "a\n")
    commit(repo, "only")
    with pytest.raises(UsageError) as raised:
        revision_scan("HEAD~1", ["."], CAP, cwd=str(repo))
    assert raised.value.message == (
        "HEAD~1: no such revision in this repository: it has only one commit"
    )
    assert "inside the repository" not in raised.value.hint


def test_ranges_two_dots_three_dots_and_one_revision(repo: Path) -> None:
    assert parse_range("first..main") == RevisionRange("first", "main")
    assert parse_range("..main") == RevisionRange("HEAD", "main")
    assert parse_range("first..") == RevisionRange("first", "HEAD")
    assert parse_range("first") == RevisionRange("first", WORK_TREE)
    with pytest.raises(UsageError, match="needs a revision range"):
        parse_range("")
    first = git(repo, "rev-parse", "first")
    git(repo, "checkout", "-q", "-b", "feature", "first")
    write(repo / "plans" / "F.serviceplan", "f\n")
    commit(repo, "feature")
    # A...B starts from the merge base, as `git diff A...B` does: main's own commits drop out
    assert parse_range("main...feature", cwd=str(repo)) == RevisionRange(first, "feature")


def test_both_sides_of_a_range_and_of_a_revision_against_the_work_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    old, new, labels = revision_sides("first..HEAD", ["plans"], CAP)
    assert [i.display for i in old] == ["first:plans/A.serviceplan"]
    assert [i.display for i in new] == ["HEAD:plans/A.serviceplan", "HEAD:plans/B.serviceplan"]
    assert labels == ("first", "HEAD")
    write(repo / "plans" / "A.serviceplan", "on disk\n")
    old, new, labels = revision_sides("first", ["plans"], CAP)
    assert [i.data for i in old] == [b"v1\n"]
    assert [(Path(i.display).name, i.data) for i in new] == [
        ("A.serviceplan", None),
        ("B.serviceplan", None),
    ]  # the work tree side is read from disk later, as any folder
    assert labels == ("first", "work tree")


def test_a_path_that_yields_nothing_on_either_side_is_a_usage_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    with pytest.raises(UsageError, match=r"docs: no \*\.serviceplan files.* in first or in HEAD"):
        revision_sides("first..HEAD", ["docs"], CAP)


def test_the_work_tree_and_the_index_are_left_untouched(repo: Path) -> None:
    write(repo / "plans" / "A.serviceplan", "staged\n")
    git(repo, "add", "plans/A.serviceplan")
    write(repo / "plans" / "A.serviceplan", "unstaged\n")
    index = (repo / ".git" / "index").read_bytes()
    status = git(repo, "status", "--porcelain")
    scanned(repo, "first", ["."])
    parse_range("first...main", cwd=str(repo))
    assert (repo / ".git" / "index").read_bytes() == index
    assert git(repo, "status", "--porcelain") == status
    assert (repo / "plans" / "A.serviceplan").read_text(encoding="utf-8") == "unstaged\n"


def test_the_index_names_deleted_and_renamed_away_plans_only(repo: Path) -> None:
    git(repo, "rm", "-q", "plans/B.serviceplan", "docs/readme.txt")
    git(repo, "mv", "plans/A.serviceplan", "plans/A2.serviceplan")
    (repo / "plans" / "C.serviceplan").write_text("new, unstaged\n", encoding="utf-8")
    deleted = deleted_in_index(str(repo / "plans"))
    assert sorted(path.relative_to(repo).as_posix() for path in deleted) == [
        "plans/A.serviceplan",
        "plans/B.serviceplan",
    ]
    git(repo, "reset", "-q", "--hard")
    assert deleted_in_index(str(repo)) == []


def test_outside_a_repository_the_index_cannot_be_asked(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not inside a git repository") as raised:
        deleted_in_index(str(tmp_path))
    assert "revisions" not in (raised.value.hint or "")
