"""Inputs: which files the command line names (folders searched, links not followed), and their
bytes, read with the size cap, from disk, standard input or memory (a git revision)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, UsageError
from .load import PLAN_SUFFIX, TooLarge, decode_text, parse_remap, plan_name_of, read_input
from .model import Finding, RemapTable

REMAP_NAME = "ServicePlanHostingRemap.csv"
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Input:
    display: str
    path: Path | None  # None: standard input, or `data`
    is_remap: bool
    data: bytes | None = None  # the contents when they come from memory (a git blob)


def is_remap_name(name: str) -> bool:
    return name.casefold() == REMAP_NAME.casefold() or name.casefold().endswith(".csv")


def is_plan_name(name: str) -> bool:
    return name.casefold().endswith(PLAN_SUFFIX)


def discover(paths: Sequence[str], stdin_name: str = "<stdin>") -> list[Input]:
    """The inputs named on the command line; folders are searched (links are not followed)."""
    found: dict[str, Input] = {}
    for given in paths:
        if given == STDIN:
            found[STDIN] = Input(stdin_name, None, is_remap_name(Path(stdin_name).name))
            continue
        path = Path(given)
        if path.is_dir():
            for entry in _walk(given):
                name = entry.name
                if name.casefold() == REMAP_NAME.casefold() or is_plan_name(name):
                    item = Input(entry.path, Path(entry.path), not is_plan_name(name))
                    found.setdefault(entry.path, item)
        elif path.is_file():
            found.setdefault(str(path), Input(str(path), path, is_remap_name(path.name)))
        elif path.exists() or path.is_symlink():
            raise UsageError(f"{given}: not a regular file or folder")
        else:
            raise UsageError(f"{given}: no such file or folder", hint="check the path")
    return list(found.values())


def _walk(folder: str) -> Iterator[os.DirEntry[str]]:
    """Regular files below `folder`, each folder's own files first, by name; links skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        raise InputError(f"{folder}: cannot list: {error.strerror or error}") from error
    # DirEntry knows its type from the listing: no extra system call per file
    yield from (entry for entry in entries if entry.is_file(follow_symlinks=False))
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)


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
