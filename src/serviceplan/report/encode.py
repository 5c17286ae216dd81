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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import orjson

__all__ = ["TOOL_NAME", "encode", "encode_stream", "encode_text", "envelope"]

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


def encode_stream(
    head: Mapping[str, object],
    key: str,
    items: Iterable[object],
    tail: Mapping[str, object] | None = None,
) -> Iterator[bytes]:
    """The bytes of `encode({**head, key: list(items), **tail})`, in pieces, one item at a
    time: a large list is written as it is produced, never held whole as one document."""
    if not head:
        raise ValueError("encode_stream needs at least one key before the list")
    start = encode(head, newline=False)  # b'{\n  "version": 1,\n  ...\n}'
    yield start[:-2] + b",\n  " + encode(key, newline=False) + b": ["
    separator = b"\n    "
    for item in items:
        yield separator + encode(item, newline=False).replace(b"\n", b"\n    ")
        separator = b",\n    "
    closing = b"\n  ]" if separator != b"\n    " else b"]"
    end = encode(tail, newline=False) if tail else b"{}"
    # b'{\n  "more": 1\n}' -> b',\n  "more": 1\n}'
    yield closing + (b"," + end[1:] if tail else b"\n}") + b"\n"
