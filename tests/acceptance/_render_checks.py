"""Checks on what `serviceplan render` leaves on disk, shared by the hostile corpus
(test_hostile_corpus.py), the kill tests (test_render_faults.py) and the write-fault tests
(test_hostile.py):

- `snapshot` / `changed`: a tree's entries (type, link target, size and digest) before and
  after a run, so a test can say nothing changed outside --out;
- `leftovers`: staging folders and temporary files (`.serviceplan-staging-*`, `.*.tmp`);
- `check_index`: index.json parses and lists exactly the manifests in DIR, with their SHA-256;
- `check_powershell`: a manifest's structure, as PowerShell's tokenizer reads single-quoted
  strings: every line's literals are closed, no control character, and each tenant value
  appears only inside a literal, with its quotes doubled (its literal reads back as the value).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

STAGING_PREFIX = ".serviceplan-staging-"
INDEX = re.compile(r"index(?:\.[0-9]+-of-[0-9]+)?\.json")
PS_QUOTES = "'\u2018\u2019\u201a\u201b"  # each ends a single-quoted string; doubled: one of it
_QUOTE, _QUOTES = re.compile(f"[{PS_QUOTES}]"), re.compile(f"[{PS_QUOTES}]{{2}}")
# controls (tab included; a line feed ends the line), U+2028/U+2029, bidirectional controls
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# a value worth looking for: not a plain word a template's own text could hold by chance
PLAIN = re.compile(r"[A-Za-z0-9_.-]*")
DIGEST_LIMIT = 16 << 20  # larger files (sparse giants) are compared by size and time stamp

Entry = tuple[Any, ...]


def snapshot(root: Path) -> dict[str, Entry]:
    """Every entry under `root` (links not followed): type, target or size, digest."""
    entries: dict[str, Entry] = {}
    for folder, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                entries[key] = ("link", str(path.readlink()))
            elif stat.S_ISDIR(info.st_mode):
                entries[key] = ("dir", stat.S_IMODE(info.st_mode))
            elif stat.S_ISREG(info.st_mode):
                entries[key] = ("file", info.st_size, _digest(path, info))
            else:
                entries[key] = ("other", stat.S_IFMT(info.st_mode))
    return entries


def _digest(path: Path, info: os.stat_result) -> str:
    if info.st_size > DIGEST_LIMIT:
        return f"mtime {info.st_mtime_ns}"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:  # chmod 000
        return f"unreadable {error.errno} {info.st_mtime_ns}"


def changed(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    """Entries made, removed or altered between two snapshots."""
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def leftovers(root: Path) -> list[str]:
    """Staging folders and temporary files anywhere under `root`."""
    return sorted(
        key for key in snapshot(root)
        if (name := key.rsplit("/", 1)[-1]).startswith(STAGING_PREFIX)
        or (name.startswith(".") and name.endswith(".tmp"))
    )  # fmt: skip


def manifests(out: Path) -> dict[str, bytes]:
    """The regular files in DIR other than indexes and hidden files: name -> bytes."""
    return {
        entry.name: Path(entry.path).read_bytes()
        for entry in os.scandir(out)
        if entry.is_file(follow_symlinks=False) and not INDEX.fullmatch(entry.name)
        and not entry.name.startswith(".")
    }  # fmt: skip


def check_index(out: Path, name: str = "index.json", others: Iterable[str] = ()) -> dict[str, Any]:
    """The index parses, each file it lists is a regular file in DIR with that SHA-256, and
    every manifest in DIR is listed (but `others`: files that were there before, not ours)."""
    index = json.loads((out / name).read_bytes())
    listed = {entry["path"]: entry["sha256"] for entry in index["files"]}
    assert len(listed) == len(index["files"]), "a file listed twice"
    present = manifests(out)
    for path, digest in listed.items():
        assert path in present, f"{path} is listed in {name} but not a file in {out}"
        assert hashlib.sha256(present[path]).hexdigest() == digest, f"{path}: not its bytes"
    unlisted = set(present) - set(listed) - set(others)
    assert not unlisted, f"files in {out} that {name} does not list: {sorted(unlisted)}"
    return dict(index)


def ps_literals(line: str) -> list[tuple[int, int, str]]:
    """The single-quoted literals of one line: (start, end, text as PowerShell reads it).
    Literals are looked for in comments too (the built-in templates quote values there)."""
    found, position = [], 0
    while position < len(line):
        if line[position] not in PS_QUOTES:
            position += 1
            continue
        start, text, position = position, [], position + 1
        while True:
            if position >= len(line):
                raise AssertionError(f"an unterminated literal at column {start + 1}: {line!r}")
            char = line[position]
            if char in PS_QUOTES:
                if position + 1 < len(line) and line[position + 1] in PS_QUOTES:
                    text.append(line[position + 1])  # as PowerShell's tokenizer: the second
                    position += 2
                    continue
                position += 1
                break
            text.append(char)
            position += 1
        found.append((start, position, "".join(text)))
    return found


def check_powershell(data: bytes, values: Iterable[str], quoted: Iterable[str] = ()) -> None:
    """A manifest: UTF-8 with a byte order mark, no control character, every literal closed
    on its line; each of `values` only inside literals (never in the code or comment text
    around them), and each of `quoted` (the tenant's name...) read back from some literal."""
    assert data.startswith(b"\xef\xbb\xbf"), "a PowerShell manifest without a byte order mark"
    text = data.decode("utf-8-sig")
    bad = UNSAFE.search(text)
    assert bad is None, f"U+{ord(bad.group()):04X} in the manifest" if bad else ""
    outside, literals = [], set()
    for line in text.split("\n"):
        spans = ps_literals(line)
        literals.update(decoded for _, _, decoded in spans)
        kept, at = [], 0
        for start, end, _ in spans:
            kept.append(line[at:start])
            at = end
        kept.append(line[at:])
        outside.append("\x00".join(kept))
    code = "\n".join(outside)
    for value in values:
        if len(value) >= 4 and not PLAIN.fullmatch(value):
            assert value not in code, f"{value!r} outside a single-quoted literal"
        inner = value.strip(PS_QUOTES)  # quotes inside it: doubled, it is never written as is
        if _QUOTE.search(inner) and not _QUOTES.search(inner):
            assert inner not in text, f"{value!r} written with its quotes not doubled"
    for value in quoted:
        assert value in literals, f"no literal reads {value!r}"
