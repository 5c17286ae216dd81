"""Inputs: which files the command line names (folders searched, links not followed), and their
bytes, read with the size cap, from disk, standard input or memory (a git revision)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from ..model import Finding, RemapTable
from ..plan.load import PLAN_SUFFIX, TooLarge, decode_text, parse_remap, plan_name_of, read_input
from ..rules.remap import check_remap, unreferenced_plans
from ..suggest import did_you_mean

REMAP_NAME = "ServicePlanHostingRemap.csv"
STDIN = "-"
STDIN_NAME = "<stdin>"  # what `-` is called without --stdin-name


@dataclass(frozen=True, slots=True)
class Input:
    display: str
    path: Path | None  # None: standard input, or `data`
    is_remap: bool
    data: bytes | None = None  # the contents when they come from memory (a git blob)


def is_remap_name(name: str) -> bool:
    """The one rule for which file is a remap, wherever a file comes from (a folder scan, a
    file named on the command line, --stdin-name, a git revision): Exchange reads only
    ServicePlanHostingRemap.csv, in any case (`Old-ServicePlanHostingRemap.csv` is not one).
    The pre-commit hook's `files:` pattern says the same (tests/project/test_ci_clients.py).
    Only compile's and render's --remap take another name, as they say what the file is."""
    return name.casefold() == _REMAP_FOLDED


_REMAP_FOLDED = REMAP_NAME.casefold()


def is_plan_name(name: str) -> bool:
    return name.casefold().endswith(PLAN_SUFFIX)


LOOKED_FOR = f"no *.serviceplan files and no {REMAP_NAME}"
# Not searched inside a folder (a folder named on the command line always is): version
# control, virtual environments and caches. A project's .venv holds a copy of the bundled
# samples (site-packages/serviceplan/serviceplans), which must never pass for the user's plans.
_SKIPPED_FOLDERS = frozenset(("node_modules", "site-packages", "__pycache__"))


def discover(
    paths: Sequence[str], stdin_name: str = STDIN_NAME, *, remap: str | None = None
) -> list[Input]:
    """The inputs named on the command line; folders are searched (links are not followed).
    `remap` (compile --remap) is read as a remap whatever its name.

    A path that yields no plan file and no remap is a usage error: a gate that checked
    nothing must not pass."""
    found, empty = scan([*paths, *([remap] if remap else [])], stdin_name, remap=remap)
    if empty:
        raise nothing_found(empty[0])
    return found


def scan(
    paths: Sequence[str],
    stdin_name: str = STDIN_NAME,
    *,
    missing_ok: bool = False,
    remap: str | None = None,
) -> tuple[list[Input], list[str]]:
    """The inputs under `paths`, and the paths that yielded none (with `missing_ok`, a path
    that does not exist is one of those rather than an error)."""
    found: dict[str, Input] = {}
    empty: list[str] = []
    for given in paths:
        if given == STDIN:
            found[STDIN] = Input(stdin_name, None, _named_remap(stdin_name, "--stdin-name "))
            continue
        path = Path(given)
        if path.is_dir():
            before = len(found)
            for entry in _walk(given):
                name = entry.name
                if is_remap_name(name) or is_plan_name(name):
                    item = Input(entry.path, Path(entry.path), not is_plan_name(name))
                    found.setdefault(entry.path, item)
            if len(found) == before and not any(_under(given, key) for key in found):
                empty.append(given)
        elif path.is_file():
            is_remap = given == remap or _named_remap(given)
            found.setdefault(str(path), Input(str(path), path, is_remap))
        elif path.exists() or path.is_symlink():
            raise UsageError(f"{given}: not a regular file or folder")
        elif missing_ok:
            empty.append(given)
        else:
            raise UsageError(f"{given}: no such file or folder", hint=case_hint(given))
    return list(found.values()), empty


def _named_remap(given: str, option: str = "") -> bool:
    """Whether a file named directly is the remap; any other `.csv` is a usage error rather
    than a remap a folder scan would not read (or a plan full of XML errors)."""
    name = Path(given).name
    if is_remap_name(name):
        return True
    if name.casefold().endswith(".csv"):
        raise UsageError(
            f"{option}{given}: not a plan file and not a remap: Exchange reads the remap only "
            f"as {REMAP_NAME}",
            hint=f"name it {REMAP_NAME} (in the folder of its plans), or give it to compile "
            "or render as --remap FILE",
        )
    return False


def _under(folder: str, path: str) -> bool:
    """Whether `path` (found earlier, through another PATH) lies inside `folder`."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def yields_input(given: str) -> bool:
    """Whether `given` is a file, or a folder holding a plan file or a remap somewhere below
    (stops at the first one)."""
    if not Path(given).is_dir():
        return Path(given).is_file()
    return any(is_remap_name(entry.name) or is_plan_name(entry.name) for entry in _walk(given))


def nothing_found(given: str, where: str = "", hint: str = "") -> UsageError:
    """The error for a path that yields no input (`where`: e.g. " in main or in HEAD")."""
    return UsageError(
        f"{given}: {LOOKED_FOR}{where} (folders are searched recursively)",
        hint=hint or case_hint(given),
    )


def case_hint(given: str) -> str:
    """`did you mean ServicePlans?` when a folder or file of that name exists in another case
    (names are case-sensitive here, but not on Windows, where the plans were written)."""
    path = Path(given)
    try:
        names = [entry.name for entry in os.scandir(path.parent or ".")]
    except OSError:
        names = []
    same = [n for n in names if n.casefold() == path.name.casefold() and n != path.name]
    if same:
        return did_you_mean([str(path.parent / same[0])]) + " (names are case-sensitive)"
    return "check the path"


def _walk(folder: str) -> Iterator[os.DirEntry[str]]:
    """Regular files below `folder`, each folder's own files first, by name; links skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        raise InputError(f"{folder}: cannot list: {error.strerror or error}") from error
    # DirEntry knows its type from the listing: no extra system call per file
    yield from (entry for entry in entries if entry.is_file(follow_symlinks=False))
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and not _skipped(entry.name):
            yield from _walk(entry.path)


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.casefold() in _SKIPPED_FOLDERS


def with_remaps_beside(inputs: Sequence[Input], deleted: Sequence[Path] = ()) -> list[Input]:
    """The inputs, plus the remap in the folder of each plan file given without it, and in
    the folder of each plan `deleted` (files a commit removes: pre-commit does not pass them).

    A plan is only right together with the remap beside it: a plan renamed (or a remap
    edited) is checked against the plans on disk there, as Exchange reads them, even when
    the remap itself was not named (pre-commit passes only the files a commit changes)."""
    remap_folders = [item.path.parent for item in inputs if item.is_remap and item.path]
    plan_folders = [item.path.parent for item in inputs if not item.is_remap and item.path]
    plan_folders += [path.parent for path in deleted]
    folder_of = {folder: folder.resolve() for folder in {*remap_folders, *plan_folders}}
    done = {folder_of[folder] for folder in remap_folders}  # one resolve a folder, above
    added: list[Input] = []
    for folder in plan_folders:
        if folder_of[folder] in done:
            continue
        done.add(folder_of[folder])
        remap = _remap_in(folder)
        if remap is not None:
            added.append(Input(str(remap), remap, True))
    return [*inputs, *added]


def _remap_in(folder: Path) -> Path | None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return None
    for entry in entries:
        if is_remap_name(entry.name) and entry.is_file(follow_symlinks=False):
            return folder / entry.name
    return None


def plans_beside(folder: Path) -> dict[str, str]:
    """The plan files in a remap's own folder, by plan name (Exchange reads them there)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return {}
    return {
        plan_name_of(entry.name).casefold(): entry.path
        for entry in entries
        if is_plan_name(entry.name) and entry.is_file(follow_symlinks=False)
    }


def remap_findings(
    remaps: Sequence[tuple[Input, RemapTable]], inputs: Sequence[Input], given: str | None = None
) -> list[Finding]:
    """Each remap against the plan files beside it, as Exchange reads them. A remap read from
    standard input stands where --stdin-name puts it (relative to the working directory), as
    the file itself would, and so does a plan read from it; a remap from a git revision, an
    unnamed one, or the one named by `given` (compile --remap) is checked against the plans
    given instead."""
    findings: list[Finding] = []
    by_folder: dict[Path | None, list[RemapTable]] = {}
    for item, table in remaps:
        by_folder.setdefault(_remap_folder(item, given), []).append(table)
    for folder, tables in by_folder.items():
        if folder is None:
            beside = {
                plan_name_of(i.display).casefold(): i.display for i in inputs if not i.is_remap
            }
        else:
            beside = {**plans_beside(folder), **_named_stdin_plans(folder, inputs)}
        for table in tables:
            findings += check_remap(table, beside)
        findings += unreferenced_plans(tables, beside)
    return findings


def _named_stdin(item: Input) -> bool:
    return item.path is None and item.data is None and item.display != STDIN_NAME


def _remap_folder(item: Input, given: str | None) -> Path | None:
    if item.display == given:
        return None
    if item.path is not None:
        return item.path.parent
    folder = Path(item.display).parent
    return folder if _named_stdin(item) and folder.is_dir() else None


def _named_stdin_plans(folder: Path, inputs: Sequence[Input]) -> dict[str, str]:
    """A plan read from standard input whose --stdin-name puts it in `folder`."""
    here = folder.resolve()
    return {
        plan_name_of(item.display).casefold(): item.display
        for item in inputs
        if not item.is_remap and _named_stdin(item) and Path(item.display).parent.resolve() == here
    }


def read_item(
    item: Input, max_file_size: int, findings: list[Finding], stdin: bytes = b""
) -> bytes | None:
    """The input's bytes; None when it is over the cap, which is a finding, not an error."""
    try:
        return read_input(item.path, item.display, max_file_size, _memory(item, stdin))
    except TooLarge as error:
        findings.append(error.finding)
        return None


def _memory(item: Input, stdin: bytes) -> bytes:
    return item.data if item.data is not None else stdin


def read_remap(item: Input, data: bytes, findings: list[Finding]) -> RemapTable | None:
    """The remap's lines; None when its text could not be decoded (a finding)."""
    text, problems = decode_text(data, item.display)
    findings += problems
    return None if problems else parse_remap(text, item.display)
