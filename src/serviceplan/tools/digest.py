"""Digests of plan sets: every plan file and remap under the paths given, sha256sum style,
plus one digest for the set (what `serviceplan digest` prints, and `verify-copies` compares).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..errors import InputError, UsageError
from ..files.inputs import STDIN, discover, scan
from ..plan.load import DEFAULT_MAX_FILE_SIZE, TooLarge, read_input


@dataclass(frozen=True, slots=True)
class FileDigest:
    path: str  # relative to the folder it was found in (POSIX separators), or as given
    sha256: str  # hex digest of the raw bytes

    def line(self) -> str:
        """The sha256sum line: two spaces between digest and name; a name holding a backslash,
        a line feed or a carriage return is escaped, and the line starts with `\\`, as
        coreutils writes it (else `sha256sum -c` reads another name)."""
        if not any(char in self.path for char in "\\\n\r"):
            return f"{self.sha256}  {self.path}\n"
        name = self.path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{self.sha256}  {name}\n"


@dataclass(frozen=True, slots=True)
class DigestSet:
    files: tuple[FileDigest, ...]  # sorted by path (case-sensitive)
    digest: str  # sha256 over the sha256sum lines of `files`, in order


@dataclass(frozen=True, slots=True)
class Found:
    relative: str
    path: Path
    is_remap: bool


def file_sha256(path: Path, max_size: int) -> str:
    """The file's SHA-256, read with the cap validation uses: a plan or remap larger than that
    (a 2 GB sparse file) is an error, not seconds of hashing."""
    try:
        return hashlib.sha256(read_input(path, str(path), max_size)).hexdigest()
    except TooLarge as error:
        raise InputError(
            error.message, hint="plans and the remap are small; or raise --max-file-size"
        ) from None


def find_files(given: Sequence[str], *, empty_ok: bool = False) -> dict[str, Found]:
    """Plan files and remaps under each path, keyed by relative path; a clash is a usage error,
    and so is a path that yields nothing, unless `empty_ok` (a copy that lost every file)."""
    found: dict[str, Found] = {}
    for root in given:
        if root == STDIN:
            raise UsageError("copies are compared as files: standard input cannot be used")
        base = PurePath(root) if Path(root).is_dir() else None
        for item in scan([root])[0] if empty_ok else discover([root]):
            assert item.path is not None  # standard input was refused above
            relative = (
                PurePath(item.display).relative_to(base)
                if base is not None
                else PurePath(item.display)
            ).as_posix()
            entry = Found(relative, item.path, item.is_remap)
            known = found.setdefault(relative, entry)
            if known is not entry and not _same_file(known.path, entry.path):
                raise UsageError(
                    f"two files are both {relative}: {known.path} and {entry.path}",
                    hint="digest one folder (one server's copy) at a time",
                )
    return found


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return False


def set_digest(files: Sequence[FileDigest]) -> str:
    return hashlib.sha256("".join(f.line() for f in files).encode("utf-8")).hexdigest()


def digest_set(paths: Sequence[str], max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> DigestSet:
    """The SHA-256 of every plan file and remap under `paths`, and one digest for the set."""
    found = find_files(paths)
    files = tuple(
        FileDigest(key, file_sha256(found[key].path, max_file_size)) for key in sorted(found)
    )
    return DigestSet(files, set_digest(files))
