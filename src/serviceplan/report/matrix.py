"""Output of `serviceplan matrix` for people: text for the terminal, Markdown for a wiki, CSV
for a spreadsheet (JSON: matrix_json.py, HTML: matrix_html.py).

Two tables: the Organization (a column per plan, headed by the remap's (ProgramId, OfferId)
pairs that select it) and the mailbox plans (a column per mailbox plan, under its plan), each
with a row per feature grouped by section. Booleans are ✓ / — in text and Markdown, `true` /
`false` in CSV; ° marks the catalogue default (the file does not write the feature).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..matrix.table import Cell, Matrix, Section
from ..render.env import csv_cell
from . import ReportOptions
from .markdown_escape import escape
from .matrix_common import (
    STAR,
    cell_text,
    legend,
    mailbox_headers,
    pair_text,
    pieces,
    plan_headers,
    summary,
)
from .text import printable

_GAP = "  "
_INDENT = "  "

# --------------------------------------------------------------------------- text


def _wrap(text: str, width: int) -> list[str]:
    lines = [""]
    for piece in pieces(text):
        if lines[-1] and len((lines[-1] + piece).rstrip()) > width:
            lines.append("")
        lines[-1] += piece
    return [line.strip() for line in lines]


def _text_table(
    title: str, headers: list[list[str]], sections: Sequence[Section], width: int | None
) -> list[str]:
    bodies = [[printable(cell_text(c)) for c in _column(sections, i)] for i in range(len(headers))]
    heads = [[printable(h) for h in head] for head in headers]
    label = max([len(title)] + [len(_INDENT + r.feature.name) for s in sections for r in s.rows])
    label = max([label] + [len(s.title) for s in sections])
    widths = [
        max(len(x) for x in [*head, *body, ""]) for head, body in zip(heads, bodies, strict=True)
    ]
    if width is not None:  # narrow the widest columns by wrapping their headings
        least = [
            max([len(x) for x in body] + [len(p.strip()) for h in head for p in pieces(h)])
            for head, body in zip(heads, bodies, strict=True)
        ]
        excess = label + sum(widths) + len(_GAP) * len(widths) - width
        while excess > 0:
            narrower = [i for i, w in enumerate(widths) if w > least[i]]
            if not narrower:
                break
            widths[max(narrower, key=lambda i: widths[i])] -= 1
            excess -= 1
    wrapped = [
        [line for h in head for line in _wrap(h, w)] for head, w in zip(heads, widths, strict=True)
    ]
    height = max((len(head) for head in wrapped), default=1)
    lines = []
    for i in range(height):
        first = title if i == 0 else ""
        cells = [
            (head[i] if i < len(head) else "").ljust(w)
            for head, w in zip(wrapped, widths, strict=True)
        ]
        lines.append(_GAP.join([first.ljust(label), *cells]).rstrip())
    position = 0
    for section in sections:
        lines.append(section.title)
        for row in section.rows:
            cells = [body[position].ljust(w) for body, w in zip(bodies, widths, strict=True)]
            lines.append(_GAP.join([(_INDENT + row.feature.name).ljust(label), *cells]).rstrip())
            position += 1
    return lines


def _column(sections: Sequence[Section], index: int) -> list[Cell]:
    return [row.cells[index] for section in sections for row in section.rows]


def render_text(matrix: Matrix, options: ReportOptions, *, width: int | None = None) -> str:
    """The tables; with a width (the terminal's), headings wrap to fit it where they can."""
    lines: list[str] = []
    if matrix.organization:
        lines += [*_text_table("Organization", plan_headers(matrix), matrix.organization, width)]
        lines.append("")
    if matrix.mailbox_plans:
        lines += _text_table("Mailbox plans", mailbox_headers(matrix), matrix.mailbox_plans, width)
        lines.append("")
    lines += [printable(line) for line in (*legend(matrix), summary(matrix))]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- markdown


def _md_table(title: str, headers: list[list[str]], sections: Sequence[Section]) -> list[str]:
    heads = ["<br>".join(escape(h) for h in head) for head in headers]
    lines = [
        f"| {title} | {' | '.join(heads)} |",
        f"| --- |{' :---: |' * len(heads)}",
    ]
    for section in sections:
        lines.append(f"| **{section.title}** |{' |' * len(heads)}")
        for row in section.rows:
            cells = " | ".join(escape(cell_text(cell)) for cell in row.cells)
            lines.append(f"| {row.feature.name} | {cells} |")
    return [*lines, ""]


def render_markdown(matrix: Matrix, options: ReportOptions) -> str:
    lines: list[str] = []
    if matrix.organization:
        lines += _md_table("Organization", plan_headers(matrix), matrix.organization)
    if matrix.mailbox_plans:
        lines += _md_table("Mailbox plan", mailbox_headers(matrix, STAR), matrix.mailbox_plans)
    for line in (*legend(matrix, STAR), summary(matrix)):
        lines += [escape(line, 2_000), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- csv


def _csv(text: str) -> str:
    """A CSV cell as render's CSV templates write it (no formula), its controls made visible."""
    return csv_cell(printable(text).replace("\n", "\\n"))


def render_csv(matrix: Matrix, options: ReportOptions) -> str:
    """One row per feature: scope, section, feature, then per column the value and its source
    (`explicit` or `default`); the Organization's value stands in each mailbox plan column of
    its plan. The second line gives each column's remap pairs (`;` between them)."""
    head = ["Scope", "Section", "Feature"]
    pairs = ["Remap", "", ""]
    for plan in matrix.plans:
        selected = "; ".join(pair_text(r.program_id, r.offer_id) for r in plan.pairs)
        for column in plan.mailbox_plans:
            head += [column.label, f"{column.label} (source)"]
            pairs += [selected, ""]
    lines = [",".join(_csv(text) for text in head), ",".join(_csv(text) for text in pairs)]
    widths = [len(plan.mailbox_plans) for plan in matrix.plans]
    for section in (*matrix.organization, *matrix.mailbox_plans):
        for row in section.rows:
            cells = row.cells
            if section.scope == "Organization":  # one cell per plan: repeated per column
                cells = tuple(c for c, n in zip(row.cells, widths, strict=True) for _ in range(n))
            out = [section.scope, section.title, row.feature.name]
            for cell in cells:
                out += [cell.text, "explicit" if cell.written else "default"]
            lines.append(",".join(_csv(text) for text in out))
    return "\n".join(lines) + "\n"
