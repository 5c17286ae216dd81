"""Bytes that differ with the same text: line ends and the byte order mark. One wording for
`verify-copies` (`textual only (line ends)`) and `fmt` (`line ends only: CRLF to LF`)."""

from __future__ import annotations

import enum
import re

_LINE_END = re.compile(rb"\r\n?")
_BOM = b"\xef\xbb\xbf"


class Textual(enum.Enum):
    """Why two different files still mean the same thing."""

    LINE_ENDS = "line ends"
    BYTE_ORDER_MARK = "byte order mark"
    LINE_ENDS_AND_BYTE_ORDER_MARK = "line ends, byte order mark"
    FORMATTING = "formatting/order/comments"


def _without_bom(data: bytes) -> bytes:
    return data[len(_BOM) :] if data.startswith(_BOM) else data


def line_ends_only(reference: bytes, copy: bytes) -> Textual | None:
    """Which byte-level normalisation makes two different files equal, if any."""
    if _without_bom(reference) == _without_bom(copy):
        return Textual.BYTE_ORDER_MARK
    if _LINE_END.sub(b"\n", _without_bom(reference)) != _LINE_END.sub(b"\n", _without_bom(copy)):
        return None
    if reference.startswith(_BOM) == copy.startswith(_BOM):
        return Textual.LINE_ENDS
    return Textual.LINE_ENDS_AND_BYTE_ORDER_MARK


def normalised_only(before: bytes, after: bytes) -> str:
    """`line ends only: CRLF to LF` (or the mark's) when `after` (LF, no mark: fmt's form)
    differs from `before` in those bytes alone, else "": a diff would show identical lines."""
    textual = line_ends_only(before, after)
    if textual is None or after.startswith(_BOM) or b"\r" in after:
        return ""
    changes = []
    if textual is not Textual.BYTE_ORDER_MARK:
        crlf = before.count(b"\r\n")
        kinds = [
            kind for kind, count in (("CRLF", crlf), ("CR", before.count(b"\r") - crlf)) if count
        ]
        changes.append(f"{' and '.join(kinds)} to LF")
    if textual is not Textual.LINE_ENDS:
        changes.append("mark removed" if changes else "removed")
    return f"{textual.value} only: {', '.join(changes)}"
