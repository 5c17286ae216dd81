"""Revisions: plan files and the remap as a git revision holds them, read from the object store
(`git ls-tree` + `git cat-file --batch`) without touching the work tree or the index."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from .inputs import Input, is_plan_name, is_remap_name, nothing_found, scan

WORK_TREE = ""  # the right side of `--git REV`: the files on disk
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
_FOLDERS = "compare two folders: serviceplan diff OLD NEW"
_NAME_REVISIONS = "name revisions git knows (git log --oneline lists them), e.g. origin/main..HEAD"


@dataclass(frozen=True, slots=True)
class RevisionRange:
    old: str
    new: str  # WORK_TREE: compare with the files on disk


def parse_range(text: str, cwd: str | None = None) -> RevisionRange:
    """`A..B`, `A...B` (from the merge base of A and B, as `git diff` reads it) or `A` (A
    against the work tree)."""
    if "..." in text:
        left, _, right = text.partition("...")
        right = right or "HEAD"
        left = left or "HEAD"
        for revision in (left, right):
            verify_commit(revision, cwd)
        error = f"{left}...{right}: no merge base (the two histories share no commit)"
        base = _git(["merge-base", left, right], cwd, error=error).decode().strip()
        return RevisionRange(base, right)
    if ".." in text:
        left, _, right = text.partition("..")
        return RevisionRange(left or "HEAD", right or "HEAD")
    if not text:
        raise UsageError("--git needs a revision range, e.g. origin/main..HEAD")
    return RevisionRange(text, WORK_TREE)


def revision_scan(
    revision: str, paths: Sequence[str], max_size: int, cwd: str | None = None
) -> tuple[list[Input], set[str]]:
    """The plans and remaps under `paths` (relative to `cwd`, as git reads them) at
    `revision`, each named `REV:path`, and which of `paths` yielded one. Links and submodules
    are not followed."""
    verify_commit(revision, cwd)
    wanted: dict[str, tuple[str, int]] = {}
    matched: set[str] = set()
    for given in paths or ["."]:  # one listing per path: each must be found on some side
        for path, blob_id, blob_size in _listing(revision, given, cwd):
            wanted[path] = (blob_id, blob_size)
            matched.add(given)
    blobs = _cat_blobs([oid for oid, size in wanted.values() if size <= max_size], cwd)
    inputs = []
    for path, (blob_id, blob_size) in sorted(wanted.items()):
        # a blob over the cap stands in as cap + 1 bytes: read_item reports it like a file
        data = blobs[blob_id] if blob_size <= max_size else b"\0" * (max_size + 1)
        name = path.rpartition("/")[2]
        inputs.append(Input(f"{revision}:{path}", None, not is_plan_name(name), data))
    return inputs, matched


def verify_commit(revision: str, cwd: str | None = None) -> None:
    """A usage error saying why `revision` names no commit: no repository here, no commits
    yet, only one (HEAD~1), or a name git does not know. Asked only when it fails."""
    if _run(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd).returncode == 0:
        return
    if _run(["rev-parse", "--git-dir"], cwd).returncode != 0:
        folder = Path(cwd or ".").resolve()
        raise UsageError(
            f"--git {revision}: {folder} is not in a git repository",
            hint=f"run it inside the repository, or {_FOLDERS}",
        )
    if _run(["rev-parse", "--verify", "--quiet", revision], cwd).returncode == 0:
        raise UsageError(f"{revision}: not a commit in this repository", hint=_NAME_REVISIONS)
    listed = _run(["rev-list", "--max-count=2", "--all"], cwd)
    commits = len(listed.stdout.split()) if listed.returncode == 0 else 0
    why, hint = {
        0: (": it has no commits yet", f"commit the plans first, or {_FOLDERS}"),
        1: (": it has only one commit", "compare it with the work tree: diff --git HEAD"),
    }.get(commits, ("", _NAME_REVISIONS))
    raise UsageError(f"{revision}: no such revision in this repository{why}", hint=hint)


def _listing(revision: str, given: str, cwd: str | None) -> Iterator[tuple[str, str, int]]:
    """(path, blob id, size) of each plan and remap under `given` at `revision`."""
    listing = _git(["ls-tree", "-r", "-z", "-l", revision, "--", given], cwd)
    for entry in filter(None, listing.split(b"\0")):
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid, size = meta.split()
        path = os.fsdecode(raw_path)
        name = path.rpartition("/")[2]
        if kind != b"blob" or mode == b"120000":
            continue  # a submodule or a symbolic link: not followed
        if is_plan_name(name) or is_remap_name(name):
            yield path, oid.decode(), int(size)


def revision_sides(
    text: str, paths: Sequence[str], max_size: int
) -> tuple[list[Input], list[Input], tuple[str, str]]:
    """Both sides of `diff --git`. A path may exist on one side only (a plan folder added or
    removed); one that yields nothing on either side is a usage error, never "No changes"."""
    span = parse_range(text)
    paths = list(paths) or ["."]
    old, found = revision_scan(span.old, paths, max_size)
    if span.new == WORK_TREE:
        new, empty = scan(paths, missing_ok=True)
        found |= set(paths) - set(empty)
        labels, where = (span.old, "work tree"), f" in {span.old} or in the work tree"
    else:
        new, on_new = revision_scan(span.new, paths, max_size)
        found |= on_new
        labels, where = (span.old, span.new), f" in {span.old} or in {span.new}"
    for given in paths:
        if given not in found:
            raise nothing_found(given, where)
    return old, new, labels


def deleted_in_index(cwd: str | None = None) -> list[Path]:
    """The plan files the git index deletes (a rename counts as a deletion of the old name),
    as paths from `cwd`: what a pre-commit hook is never given, but whose remap may still
    name them."""
    error = "not inside a git repository (the index is asked which plans a commit deletes)"
    hint = "run it inside the repository, or leave out --staged-deletions"
    top = _git(["rev-parse", "--show-toplevel"], cwd, error=error, hint=hint).decode().strip()
    listing = _git(
        ["diff", "--cached", "--name-only", "--no-renames", "--diff-filter=D", "-z"], top
    )
    names = listing.decode("utf-8", "surrogateescape").split("\0")
    return [Path(top, name) for name in names if name and is_plan_name(name)]


def _cat_blobs(oids: list[str], cwd: str | None) -> dict[str, bytes]:
    if not oids:
        return {}
    output = _git(["cat-file", "--batch"], cwd, stdin="".join(f"{o}\n" for o in oids).encode())
    blobs: dict[str, bytes] = {}
    offset = 0
    while offset < len(output):
        header_end = output.index(b"\n", offset)
        oid, _, size = output[offset:header_end].decode().split()
        start = header_end + 1
        blobs[oid] = output[start : start + int(size)]
        offset = start + int(size) + 1  # each object is followed by a newline
    return blobs


def _git(
    args: list[str],
    cwd: str | None,
    *,
    stdin: bytes = b"",
    error: str = "",
    hint: str = _NAME_REVISIONS,
) -> bytes:
    run = _run(args, cwd, stdin)
    if run.returncode != 0:
        said = run.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(error or f"git {args[0]}: {said[-1] if said else 'failed'}", hint=hint)
    return run.stdout


def _run(
    args: list[str], cwd: str | None, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    command = ["git", "-c", "core.quotepath=off", "--no-pager", *args]
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, **_GIT_ENV},
            timeout=300,
        )
    except FileNotFoundError as failure:
        raise UsageError(
            "--git needs git on PATH",
            hint=f"install git, or {_FOLDERS}",
        ) from failure
    except subprocess.TimeoutExpired as failure:
        raise InputError(f"git {args[0]} did not answer within 300 s") from failure
