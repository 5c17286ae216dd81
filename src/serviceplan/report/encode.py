"""The one JSON encoder and the one envelope of every JSON output.

Every JSON document the tool writes (validate, compile, diff, render's report and index.json,
the `tojson` filter, the side commands) goes through `encode` or `encode_stream`: orjson, with
two-space indentation, keys in the order given, non-ASCII characters written as themselves and
a final newline. What orjson refuses (an integer past 64 bits, a string with a lone surrogate)
falls back to the standard library's encoder with the same layout, so nothing that encoded
before fails now.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

__all__ = ["TOOL_NAME", "Stream", "encode", "encode_stream", "encode_text", "envelope"]

TOOL_NAME = "serviceplan"

# Dictionary keys that are not plain `str` (a StrEnum, an int) are written as the standard
# library writes them; dataclasses (Unlimited) and dates go to `default`, as they do there.
_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
Default = Callable[[Any], Any]


def envelope(version: int, tool_version: str) -> dict[str, Any]:
    """The keys every JSON document starts with: its format version and the tool that wrote it.

    `version` is the document's own format version: bump it when a key changes meaning or goes
    away (adding keys is not a bump)."""
    return {"version": version, "tool": {"name": TOOL_NAME, "version": tool_version}}


def _stdlib(document: object, indent: int | None, default: Default | None) -> bytes:
    """The standard library's encoding (its C encoder when `indent` is None)."""
    text = json.dumps(document, indent=indent, ensure_ascii=False, default=default)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written as JSON's \udXXX escape
        return json.dumps(document, indent=indent, default=default).encode("ascii")


def encode(
    document: object,
    *,
    indent: int | None = 2,
    newline: bool = True,
    default: Default | None = None,
) -> bytes:
    """`document` as UTF-8 JSON, keys in their given order, non-ASCII kept, ending in a newline
    unless `newline` is false. Indented by two spaces (orjson); `indent=None` is one line with a
    space after `,` and `:` (and any other indent), as the standard library writes it."""
    if indent != 2:
        data = _stdlib(document, indent, default)
    else:
        try:
            data = orjson.dumps(document, default=default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            data = _stdlib(document, 2, default)
    return data + b"\n" if newline else data


def encode_text(document: object, **options: Any) -> str:
    """`encode`, as a string."""
    return encode(document, **options).decode("utf-8")


class Stream:
    """A list inside a document for `encode_stream`: written item by item as they are produced,
    never held whole (the plans of a compile, the tenants a diff reaches)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[object]) -> None:
        self.items = items


def encode_stream(document: object) -> Iterator[bytes]:
    """The bytes of `encode(document)`, each `Stream` in it written as the list of its items,
    in pieces: the rest of the document first, then each list's items as they come."""
    token = os.urandom(8).hex()
    streams: dict[int, tuple[int, Stream]] = {}

    def mark(value: object) -> object:
        if not isinstance(value, Stream):
            raise TypeError(f"cannot write {type(value).__name__} as JSON")
        number, _ = streams.setdefault(id(value), (len(streams), value))
        return f"\0{token}:{number}\0"

    data = encode(document, default=mark)
    by_number = dict(streams.values())
    position = 0
    for found in re.finditer(rb'"\\u0000' + token.encode() + rb':(\d+)\\u0000"', data):
        yield data[position : found.start()]
        line = data.rfind(b"\n", 0, found.start()) + 1
        pad = len(data[line : found.start()]) - len(data[line : found.start()].lstrip(b" "))
        yield from _items(by_number[int(found.group(1))].items, pad)
        position = found.end()
    yield data[position:]


def _items(items: Iterable[object], pad: int) -> Iterator[bytes]:
    """A list's items at `pad` spaces of indentation, as `encode` writes them there."""
    inner = b"\n" + b" " * (pad + 2)
    separator = b"[" + inner
    for item in items:
        yield separator + encode(item, newline=False).replace(b"\n", inner)
        separator = b"," + inner
    yield b"[]" if separator.startswith(b"[") else b"\n" + b" " * pad + b"]"
