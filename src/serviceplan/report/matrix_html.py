"""`serviceplan matrix --format html`: the tables of report/matrix.py as one self-contained
page (templates/matrix.html; html.py says what every HTML report guarantees)."""

from __future__ import annotations

from typing import Any

from ..matrix.table import Cell, Matrix, Section
from . import ReportOptions
from .html import render_page
from .matrix_common import entry_text, legend, pair_text, pieces, summary


def _cell(cell: Cell) -> dict[str, Any]:
    if isinstance(cell.value, bool):
        text, css = ("✓", "on") if cell.value else ("—", "off")
    else:
        text, css = cell.text, "value"
    title = "" if cell.written else "the catalogue default"
    if cell.location is not None:
        title = f"line {cell.location.line}"
    return {
        "text": text,
        "css": css if cell.written else f"{css} default",
        "title": title,
        "written": cell.written,
    }


def _sections(sections: tuple[Section, ...]) -> list[dict[str, Any]]:
    return [
        {
            "title": section.title,
            "rows": [
                {
                    "name": pieces(row.feature.name),
                    "differs": row.differs,
                    "cells": [_cell(cell) for cell in row.cells],
                }
                for row in section.rows
            ],
        }
        for section in sections
    ]


def render(matrix: Matrix, options: ReportOptions) -> str:
    plans = [
        {
            "name": pieces(plan.name),
            "pairs": [pair_text(r.program_id, r.offer_id) for r in plan.pairs],
            "mailbox_plans": plan.mailbox_plans,
        }
        for plan in matrix.plans
    ]
    return render_page(
        "matrix.html",
        summary=summary(matrix),
        notes=legend(matrix)[1:],
        left_out=[entry_text(entry) for entry in matrix.left_out],
        plans=plans,
        columns=matrix.columns,
        organization=_sections(matrix.organization),
        mailbox_plans=_sections(matrix.mailbox_plans),
    )
