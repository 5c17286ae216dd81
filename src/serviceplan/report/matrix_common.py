"""What the matrix's formats share: cell texts, headings, the legend and the closing summary."""

from __future__ import annotations

import re

from ..matrix.table import Cell, Matrix
from ..model import plural
from ..resolve.scope import LeftOut

DEFAULT_MARK = "°"  # the catalogue default: the plan file does not write the feature
DEFAULT_PLAN_MARK = "*"  # the default mailbox plan (ProvisionAsDefault), in text
STAR = "★"  # the same in Markdown and HTML, where `*` is markup
# a header breaks after a space, comma or slash, and between the words of a CamelCase name
_BREAK = re.compile(r"(?<=[ ,/])|(?<=[a-z])(?=[A-Z])")


def cell_text(cell: Cell, *, marks: bool = True) -> str:
    """✓ / — for booleans, the value as people read it otherwise; ° after a default."""
    text = ("✓" if cell.value else "—") if isinstance(cell.value, bool) else cell.text
    return text if cell.written or not marks else text + DEFAULT_MARK


def pair_text(program_id: str, offer_id: str) -> str:
    return f"{program_id},{offer_id}"


def plan_headers(matrix: Matrix) -> list[list[str]]:
    """Each Organization column's heading: the plan, then its remap pairs."""
    return [
        [plan.name, *(pair_text(r.program_id, r.offer_id) for r in plan.pairs)]
        for plan in matrix.plans
    ]


def mailbox_headers(matrix: Matrix, mark: str = DEFAULT_PLAN_MARK) -> list[list[str]]:
    return [
        [column.plan, column.name + (mark if column.default else "")] for column in matrix.columns
    ]


def legend(matrix: Matrix, mark: str = DEFAULT_PLAN_MARK) -> list[str]:
    lines = [
        f"{DEFAULT_MARK} the catalogue default (the plan file does not write it); "
        f"{mark} the default mailbox plan (ProvisionAsDefault)."
    ]
    if matrix.hidden:
        why = (
            "rows alike in every plan or datacenter-only defaults"
            if matrix.options.different
            else "datacenter-only features left at their default (--all-features shows them)"
        )
        lines.append(f"{plural(matrix.hidden, 'row')} not shown: {why}.")
    return lines


def summary(matrix: Matrix) -> str:
    text = (
        f"{plural(len(matrix.plans), 'plan')}, {plural(len(matrix.columns), 'mailbox plan')}: "
        f"{plural(matrix.rows, 'row')} of {matrix.features:,} features"
    )
    if matrix.options.different:
        text += " (where the plans differ)"
    if matrix.left_out:
        text += f"; left out: {'; '.join(entry_text(e) for e in matrix.left_out)}"
    return text + "."


def entry_text(entry: LeftOut) -> str:
    return f"{entry.name or entry.location} ({entry.reason})"


def pieces(text: str) -> list[str]:
    return [piece for piece in _BREAK.split(text) if piece]
