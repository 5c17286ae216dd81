"""Text from a file made inert in a Markdown comment: HTML character references work in table
cells, in `<summary>` and in plain text alike, so a hostile value can neither break a table nor
inject HTML, mention someone or reorder what the reader sees."""

from __future__ import annotations

import re

CELL = 160  # characters kept of a value by default, before escaping

_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "\\": "&#92;",
    "~": "&#126;",
    "#": "&#35;",
    "!": "&#33;",
    "$": "&#36;",
    "@": "@&#8203;",  # a zero-width space: no @mention from a value
}
_SPECIAL = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
# C0 and C1 controls, and the bidirectional controls that would make a value read differently
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str, limit: int = CELL) -> str:
    """Text from a file made inert in Markdown and HTML: one line, at most `limit` characters
    (then `…`), every character with a meaning written as a character reference."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _CONTROLS.sub("\N{REPLACEMENT CHARACTER}", _BREAKS.sub("\u21b5", text))
    return _SPECIAL.sub(lambda match: _ESCAPES[match.group(0)], text)
