"""File names in CI reports: relative to the repository root (GitHub Actions resolves them
from there, whatever the step's working directory), as SARIF URIs or plain paths."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import quote

SRCROOT = "%SRCROOT%"  # SARIF's conventional base id for the repository root
_DRIVE = re.compile(r"^[A-Za-z]:[/\\]")


def relative_to_root(file: str, root: str | None) -> str | None:
    """`file` (as given, relative to the working directory) relative to `root`, with `/`;
    None when it lies outside the root, or there is no root."""
    if root is None or not file:
        return None
    path = _absolute(file)
    for base in dict.fromkeys((Path(root), Path(root).resolve())):
        for candidate in dict.fromkeys((path, path.parent.resolve() / path.name)):
            if candidate.is_relative_to(base):
                return PurePosixPath(*candidate.relative_to(base).parts).as_posix()
    return None


def report_path(file: str, root: str | None) -> str:
    """The path a GitHub annotation gives: relative to the root; as given when there is no
    root or the file lies outside it."""
    relative = relative_to_root(file, root)
    return file if relative is None else relative


def artifact_location(file: str, root: str | None) -> dict[str, str]:
    """A SARIF artifactLocation: a relative URI on %SRCROOT% inside the root, else an
    absolute `file://` URI (a Windows drive path keeps its drive: file:///C:/...)."""
    if _DRIVE.match(file):
        return {"uri": "file:///" + file[:2] + quote(file[2:].replace("\\", "/"))}
    relative = relative_to_root(file, root)
    if relative is not None:
        return {"uri": quote(relative), "uriBaseId": SRCROOT}
    return {"uri": _absolute(file).as_uri()}


def _absolute(file: str) -> Path:
    """Lexically: `..` and `.` go, links stay as named."""
    return Path(os.path.normpath(Path(file).absolute()))


def root_uri(root: str) -> str:
    """The root as a `file://` URI ending in `/`, as originalUriBaseIds requires."""
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"
