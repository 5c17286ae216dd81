"""index.json of a render's output folder: the previous run's read line by line (its file names
spooled, sorted), the files it lists that this run no longer produces found by a merge of the
two sorted lists, and the new one written line by line. Nothing is held per file."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import UsageError
from ..files.spool import Records, sort_records
from ..report.encode import encode_text
from .names import is_safe_name
from .output import Folder

INDEX_VERSION = 1
Names = Records[tuple[str, str]]  # (casefolded, name), sorted, each once
_FILES, _NO_FILES, _END = b'  "files": [\n', b'  "files": []\n', b"  ]\n"


def read_index(out: str, name: str, template: str) -> Names | None:
    """The file names the previous run's index of this shard lists, when there is one; another
    template's is an error (one folder holds one template's files, so stale files are known
    to be ours)."""
    path = Path(out) / name
    if not path.is_symlink() and not path.exists():
        return None
    shown = f"{out}{os.sep}{name}"
    if path.is_symlink() or not path.is_file():
        raise UsageError(f"{shown}: not a regular file", hint="remove it or choose another --out")
    try:
        with path.open("rb") as stream:
            found = _by_line(stream)  # the layout this module writes: one line per file
        if found is None:  # another layout: read whole, as any JSON reader would
            found = _whole(path.read_bytes())
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise UsageError(
            f"{shown}: not a serviceplan render index ({type(error).__name__})",
            hint="remove it, or choose another --out",
        ) from error
    previous, names = found
    if previous != template:
        raise UsageError(
            f"{out} holds the files of the template {previous}, not {template}",
            hint="render each template into its own --out folder",
        )
    return names


def _whole(data: bytes) -> tuple[Any, Names]:
    document = json.loads(data)
    files = document["files"]
    previous = document["template"]["name"]
    if not isinstance(files, list) or not all(isinstance(f["path"], str) for f in files):
        raise TypeError("files")
    return previous, _sorted(f["path"] for f in files)


def _by_line(stream: IO[bytes]) -> tuple[Any, Names] | None:
    """The template's name and the file names, from an index laid out as `index_chunks`
    writes it; None when it is laid out otherwise (or is no index: `_whole` tells why)."""
    head = []
    for line in stream:
        if line in (_FILES, _NO_FILES):
            break
        head.append(line)
    else:
        return None
    try:
        previous = json.loads(b"".join(head).removesuffix(b",\n") + b"}")["template"]["name"]
        paths: list[str] | Iterator[str] = [] if line == _NO_FILES else _paths(stream)
        names = _sorted(paths)
        if stream.read() != b"}\n":
            return None
    except (ValueError, TypeError, KeyError):
        return None
    return previous, names


def _paths(stream: IO[bytes]) -> Iterator[str]:
    for line in stream:
        if line == _END:
            return
        path = orjson.loads(line.rstrip(b"\n").removesuffix(b","))["path"]
        if not isinstance(path, str):
            raise TypeError("files")
        yield path
    raise ValueError("the files' list is not closed")


def _sorted(paths: Iterable[str]) -> Names:
    names: Names = Records()
    last = None
    for key in sort_records((path.casefold(), path) for path in paths):
        if key != last:
            names.append(key)
            last = key
    return names


def stale_files(
    folder: Folder | None, previous: Names | None, produced: Iterable[tuple[str, str]]
) -> Records[str]:
    """Files the previous index lists that this run does not produce (both sorted by
    casefolded name, then name), still regular files; sorted by name."""
    spooled: Records[str] = Records()
    if folder is not None and previous is not None:
        # `previous` lists each name once: no two alike to drop
        spooled.extend(sort_records(_stale(folder, previous, produced)))
    return spooled


def _stale(folder: Folder, previous: Names, produced: Iterable[tuple[str, str]]) -> Iterator[str]:
    made = iter(produced)
    current = next(made, None)
    for key in previous:
        while current is not None and current < key:
            current = next(made, None)
        name = key[1]
        if current == key or not is_safe_name(name):
            continue
        try:
            if stat.S_ISREG(folder.lstat(name).st_mode):
                yield name
        except OSError:
            continue


def _string(text: str) -> str:
    return encode_text(text, newline=False)


def index_chunks(
    template: dict[str, str],
    shard: tuple[int, int],
    inputs: Sequence[dict[str, str]],
    files: Iterable[tuple[str, str, int, str]],
    tool: dict[str, str],
) -> Iterator[str]:
    """index.json, one line per file (sorted by the caller): no time stamps, byte-identical
    for identical inputs, and cheap to write for 100,000 files (no document in memory)."""
    head = {
        "version": INDEX_VERSION,
        "tool": tool,
        "template": template,
        "shard": {"index": shard[0], "count": shard[1]},
        "inputs": list(inputs),
    }
    yield encode_text(head, newline=False)[:-2]
    yield ',\n  "files": ['
    separator = "\n    "
    for path, tenant, line, digest in files:
        # one line per file, as json.dumps(entry) writes it, from the one encoder's strings
        yield (
            f'{separator}{{"path": {_string(path)}, "tenant": {_string(tenant)}, '
            f'"line": {int(line)}, "sha256": {_string(digest)}}}'
        )
        separator = ",\n    "
    yield "\n  ]\n}\n" if separator != "\n    " else "]\n}\n"
