"""File names for rendered manifests, derived from tenant names: portable, never a path.

A name keeps ASCII letters, digits, `.`, `_` and `-`; spaces become `_`; accents are dropped
(`Müller` -> `Muller`). Any other character becomes `_` and, since that loses information, the
name gets `-` and the first 10 hex digits of the SHA-256 of the tenant's name (NFC), so
`O'Brien` and `O"Brien` cannot meet. Leading and trailing dots go (no hidden files, no `..`),
a leading `-` becomes `_`, a name left empty becomes `tenant-<hash>`, and names over 100
characters are cut and hashed;
Windows device names (CON, PRN, AUX, NUL, COM0-9, LPT0-9, also before an extension such as
`nul.txt`) and the index's own names get a `_`. Two tenants whose file names are equal
ignoring case are a collision: both fail, each naming the other.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

MAX_STEM = 100
HASH_DIGITS = 10
INDEX_NAME = "index.json"

_KEEP = re.compile(r"[^A-Za-z0-9._-]")  # what becomes `_`
_LOSSY = re.compile(r"[^A-Za-z0-9._ -]")  # what loses information (a space does not)
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{device}{n}" for device in ("com", "lpt") for n in "0123456789\u00b9\u00b2\u00b3"]
)
_INDEX = re.compile(r"index(?:\.[0-9]+-of-[0-9]+)?\.json")
_SAFE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}")


def index_name(shard: tuple[int, int]) -> str:
    """index.json, or index.I-of-N.json for one shard of N."""
    index, count = shard
    return INDEX_NAME if count == 1 else f"index.{index}-of-{count}.json"


def name_hash(name: str) -> str:
    nfc = unicodedata.normalize("NFC", name)
    return hashlib.sha256(nfc.encode("utf-8")).hexdigest()[:HASH_DIGITS]


def file_stem(name: str) -> str:
    """The part of the file name before the template's extension."""
    text = name
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    lossy = not text.isascii() or _LOSSY.search(text) is not None
    stem = _KEEP.sub("_", text).strip(".")
    if stem.startswith("-"):  # would read as an option on a command line
        lossy, stem = True, f"_{stem[1:]}"
    if lossy or not stem or len(stem) > MAX_STEM:  # cut to leave room for the hash
        stem = f"{stem[: MAX_STEM - HASH_DIGITS - 1].rstrip('.') or 'tenant'}-{name_hash(name)}"
    base, dot, rest = stem.partition(".")
    if base.casefold() in _RESERVED:
        stem = f"{base}_{dot}{rest}"
    return stem


def tenant_file_name(name: str, suffix: str) -> str:
    """The tenant's file name in the output folder (never a path, never hidden)."""
    candidate = file_stem(name) + suffix
    if _INDEX.fullmatch(candidate.casefold()):
        candidate = f"{candidate[: -len(suffix) or None]}_{suffix}"
    return candidate


def is_safe_name(name: str) -> bool:
    """Whether a name read back from an index could be ours: one plain path component."""
    return _SAFE.fullmatch(name) is not None and not _INDEX.fullmatch(name.casefold())


def collisions(names: Sequence[str]) -> dict[int, list[int]]:
    """Positions whose name another position also has (ignoring case) -> those others."""
    first: dict[str, int] = {}
    groups: dict[str, list[int]] = {}
    for position, name in enumerate(names):
        key = name.lower()  # file names are ASCII: lower() is casefold(), and faster
        seen = first.setdefault(key, position)
        if seen != position:
            groups.setdefault(key, [seen]).append(position)
    clashes: dict[int, list[int]] = {}
    for group in groups.values():
        for position in group:
            clashes[position] = [other for other in group if other != position]
    return clashes
