"""Atomic writes: a temporary file in the target's folder, then a rename (`write_atomic`,
and `temporary_beside`, which render's index also stages through); `write_output` sends a
command's output to a file that way, or to standard output, piece by piece as it is produced.
An output named `-` (`-o -`, `--report sarif:-`) is standard output, as `validate -` reads
standard input: this is the one place that says so.

Missing parent folders are made first (`-o out/diff.md`, `--report sarif:out/v.sarif`), as
ruff and pytest do for their output files; when the write still fails, the folders made for it
are removed again, so a failed write leaves the disk as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError

STDOUT = "-"  # the output name (a str; Path("-") is a file) that means standard output


def new_file_mode() -> int:
    """The mode a new file gets under this process's umask (mkstemp makes its files 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return new_file_mode()


@contextmanager
def temporary_beside(folder: str | Path, name: str) -> Iterator[tuple[BinaryIO, Path]]:
    """A new file `.<name>.<random>.tmp` in `folder`, open for writing: beside its target, so
    the rename that publishes it is atomic, and named so a killed run's leftover is known.
    The block closes the stream before renaming; an error in it removes the file again."""
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    path = Path(temporary)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream, path
    except BaseException:
        path.unlink(missing_ok=True)
        raise


Data = str | bytes | Iterable[bytes]  # the whole text, or its UTF-8 bytes in pieces


def _pieces(data: Data) -> Iterable[bytes]:
    if isinstance(data, str):
        return (data.encode("utf-8"),)
    return (data,) if isinstance(data, bytes) else data


def write_atomic(path: str | Path, data: Data) -> None:
    """Write the whole file or nothing: readers never see a half-written file. Pieces are
    written as they come; an error while they are produced leaves the target as it was."""
    if is_stdout(path):
        _write_stdout(_pieces(data))
        return
    target = Path(path)
    payload = _pieces(data)
    if _is_special(target):
        _write_through(target, payload)
        return
    made = _make_parents(target)
    try:
        _replace(target, payload)
    except OutputError:
        for folder in made:  # deepest first: only the folders this write made, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def is_stdout(path: str | Path | None) -> bool:
    """Whether an output name means standard output: None (no -o) or `-`."""
    return path is None or (isinstance(path, str) and path == STDOUT)


def write_output(path: str | Path | None, data: Data) -> None:
    """A command's output: to `path` atomically, or (None, `-`) to standard output, as
    produced."""
    write_atomic(STDOUT if path is None else path, data)  # it sends `-` to standard output


def _write_stdout(pieces: Iterable[bytes]) -> None:
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    for piece in pieces:
        if stream is None:
            sys.stdout.write(piece.decode("utf-8"))
        else:
            stream.write(piece)
    (stream or sys.stdout).flush()


def write_each(outputs: Iterable[tuple[str | Path, str | bytes]]) -> tuple[OutputError, ...]:
    """Write every output atomically; one that fails is returned, and never stops the others."""
    failed = []
    for path, data in outputs:
        try:
            write_atomic(path, data)
        except OutputError as error:
            failed.append(error)
    return tuple(failed)


def _make_parents(target: Path) -> list[Path]:
    """Make the target's missing folders; the ones made, deepest first."""
    missing = []
    folder = target.parent
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{target}: cannot write: {folder} is not a folder")
    made: list[Path] = []
    for parent in reversed(missing):
        try:
            parent.mkdir()
        except FileExistsError:
            continue  # made meanwhile by another process: fine
        except OSError as error:
            for done in reversed(made):
                with contextlib.suppress(OSError):
                    done.rmdir()
            reason = error.strerror or error
            raise OutputError(f"{target}: cannot make the folder {parent}: {reason}") from error
        made.append(parent)
    return made[::-1]


def _replace(target: Path, payload: Iterable[bytes]) -> None:
    try:
        with temporary_beside(target.parent, target.name) as (stream, temporary):
            with stream:
                for piece in payload:
                    stream.write(piece)
                stream.flush()
                os.fsync(stream.fileno())
            # keep a replaced file's mode, else the umask's default
            temporary.chmod(_mode_for(target))
            temporary.replace(target)
    except OSError as error:
        raise OutputError(f"{target}: cannot write: {error.strerror or error}") from error


def _is_special(target: Path) -> bool:
    """A device or pipe (-o /dev/stdout, a FIFO): renaming over it would replace it."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_through(target: Path, payload: Iterable[bytes]) -> None:
    try:
        with open(target, "wb") as stream:
            for piece in payload:
                stream.write(piece)
    except OSError as error:
        raise OutputError(f"{target}: cannot write: {error.strerror or error}") from error
