"""`serviceplan matrix --format json`, documented by schemas/matrix-report.schema.json."""

from __future__ import annotations

from typing import Any

from ..matrix.table import Cell, Matrix, Section
from ..values import json_value
from . import ReportOptions
from .compiled import left_out_json, selected_by_json
from .encode import encode_text, envelope


def _cell(cell: Cell, where: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        **where,
        "value": json_value(cell.value),
        "text": cell.text,
        "source": "explicit" if cell.written else "default",
    }
    if cell.location is not None:
        entry["line"] = cell.location.line
    return entry


def _sections(sections: tuple[Section, ...], columns: list[dict[str, Any]]) -> list[Any]:
    return [
        {
            "section": section.group,
            "title": section.title,
            "rows": [
                {
                    "feature": row.feature.name,
                    "type": row.feature.type,
                    "differs": row.differs,
                    "cells": [
                        _cell(cell, where) for cell, where in zip(row.cells, columns, strict=True)
                    ],
                }
                for row in section.rows
            ],
        }
        for section in sections
    ]


FORMAT_VERSION = 1  # of matrix-report.schema.json: bump when a key changes meaning


def render(matrix: Matrix, options: ReportOptions) -> str:
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "catalog": matrix.catalog,
        "scope": str(matrix.options.scope),
        "different": matrix.options.different,
        "all_features": matrix.options.all_features,
        "plans": [
            {
                "name": plan.name,
                "file": plan.source,
                "selected_by": selected_by_json(plan.pairs),
                "mailbox_plans": [
                    {"name": m.name, "index": m.index, "provision_as_default": m.default}
                    for m in plan.mailbox_plans
                ],
            }
            for plan in matrix.plans
        ],
        "organization": _sections(
            matrix.organization, [{"plan": plan.name} for plan in matrix.plans]
        ),
        "mailbox_plans": _sections(
            matrix.mailbox_plans,
            [{"plan": column.plan, "mailbox_plan": column.name} for column in matrix.columns],
        ),
        "rows_hidden": matrix.hidden,
        "left_out": [left_out_json(entry) for entry in matrix.left_out],
    }
    return encode_text(document)
