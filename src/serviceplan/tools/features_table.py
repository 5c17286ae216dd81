"""`serviceplan features` as text or JSON; the text fits the width it is given.

The whole table is 330 columns wide (a `requires` cell alone runs to 145). Given a width (the
terminal's), the two long columns, Categories and Requires, wrap inside the table (the wider
one gives way first; lines break after `,` `;` and spaces, never losing a character). Where
the table cannot fit without cutting a name (under about 190 columns), each
feature becomes a short block of lines instead. No width (output into a pipe or a file) keeps
one line per feature, whole, for grep; `--format json` is the whole catalogue for machines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..catalog import Feature
from ..model import plural
from ..report.encode import encode_text
from .explain import feature_row

HEADER = ("Scope", "Group", "Name", "Type", "Default", "Categories", "Mode", "Required", "Requires")
_WRAPPING = (5, 8)  # Categories and Requires
_GAP = "  "
# break opportunities: after a space, a comma or a semicolon
_BREAK = re.compile(r"(?<=[\s,;])")


def render_features_json(features: Sequence[Feature]) -> str:
    return encode_text([feature_row(f) for f in features])


def render_features_text(features: Sequence[Feature], width: int | None = None) -> str:
    """The table, one line per feature; with a width, fitted to it (see the module's note)."""
    rows = [HEADER, *(_text_row(feature_row(f)) for f in features)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    if width is not None and not _fit(rows, widths, width):
        lines = [line for f in features for line in _block(feature_row(f), width)]
    else:
        lines = [line for row in rows for line in _table_row(row, widths)]
    lines.append(plural(len(features), "feature"))
    return "\n".join(lines) + "\n"


def _text_row(row: dict[str, Any]) -> tuple[str, ...]:
    return (
        row["scope"],
        row["group"],
        row["name"],
        row["type"],
        row["default"] or "-",
        ", ".join(row["categories"]),
        "hosting" if row["hosting"] else "datacenter",
        "yes" if row["required"] else "no",
        "; ".join(row["requires"]) or "-",
    )


def _fit(rows: Sequence[Sequence[str]], widths: list[int], width: int) -> bool:
    """Narrow the wrapping columns (in place), the wider first, until the table fits; False
    when it cannot without cutting a word (a category, a feature name in a requirement)."""
    narrowest = {
        column: max(len(piece.rstrip()) for row in rows for piece in _BREAK.split(row[column]))
        for column in _WRAPPING
    }
    excess = sum(widths) + len(_GAP) * (len(widths) - 1) - width
    while excess > 0:
        shrinkable = [column for column in _WRAPPING if widths[column] > narrowest[column]]
        if not shrinkable:
            return False
        widths[max(shrinkable, key=lambda column: widths[column])] -= 1
        excess -= 1
    return True


def _table_row(row: Sequence[str], widths: Sequence[int]) -> list[str]:
    cells = [wrap(cell, width) for cell, width in zip(row, widths, strict=True)]
    height = max(len(cell) for cell in cells)
    return [
        _GAP.join(
            (cell[i] if i < len(cell) else "").ljust(width)
            for cell, width in zip(cells, widths, strict=True)
        ).rstrip()
        for i in range(height)
    ]


def _block(row: dict[str, Any], width: int) -> list[str]:
    """One feature in a few lines, for a terminal too narrow for the table."""
    default = row["default"] or "-"
    facts = (
        f"{row['scope']} ({row['group']}), {row['type']}, default {default}, "
        f"{'hosting' if row['hosting'] else 'datacenter only'}, "
        f"{'required' if row['required'] else 'optional'}"
    )
    lines = [row["name"], *_field("", facts, width)]
    lines += _field("categories: ", ", ".join(row["categories"]), width)
    if row["requires"]:
        lines += _field("requires: ", "; ".join(row["requires"]), width)
    return lines


def _field(label: str, text: str, width: int) -> list[str]:
    indent = "  " + " " * len(label)
    wrapped = wrap(text, max(width - len(indent), 16))
    return [f"  {label}{wrapped[0]}", *(indent + line for line in wrapped[1:])]


def wrap(text: str, width: int) -> list[str]:
    """The text in lines of at most `width` characters, broken after a space, `,` or `;`; a
    piece longer than a line is cut, so nothing is ever dropped."""
    lines: list[str] = []
    line = ""
    for piece in filter(None, _BREAK.split(text)):
        if len((line + piece).rstrip()) <= width:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = piece.lstrip()
        while len(line.rstrip()) > width:
            lines.append(line[:width])
            line = line[width:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
