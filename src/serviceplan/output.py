"""Atomic writes: a temporary file in the target's folder, then a rename."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import OutputError


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write the whole file or nothing: readers never see a half-written file."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if _is_special(target):
        _write_through(target, payload)
        return
    folder = target.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"{target}: cannot write: {error.strerror or error}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file 0600: keep a replaced file's mode, else the umask's default
        Path(temporary).chmod(_mode_for(target))
        Path(temporary).replace(target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write: {error.strerror or error}") from error


def _is_special(target: Path) -> bool:
    """A device or pipe (-o /dev/stdout, a FIFO): renaming over it would replace it."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_through(target: Path, payload: bytes) -> None:
    try:
        with open(target, "wb") as stream:
            stream.write(payload)
    except OSError as error:
        raise OutputError(f"{target}: cannot write: {error.strerror or error}") from error
