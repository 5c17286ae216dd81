"""Output of `serviceplan compile`: a table per scope (text) or a documented JSON document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..catalog import MAILBOX_PLAN, ORGANIZATION, load_catalog
from ..model import ResolvedMailboxPlan, ResolvedPlan, Setting
from ..values import collapse, format_bytes, format_value, json_value
from . import ReportOptions


def _json_settings(scope: str, settings: tuple[Setting, ...]) -> dict[str, Any]:
    features = load_catalog().scope(scope)
    out: dict[str, Any] = {}
    for setting in settings:
        entry: dict[str, Any] = {
            "value": json_value(setting.value),
            "type": features[setting.feature].type,
            "text": setting.text,
            "source": "default" if setting.is_default else "explicit",
        }
        if setting.location is not None:
            entry["line"] = setting.location.line
        out[setting.feature] = entry
    return out


def plan_json(plan: ResolvedPlan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "file": plan.source,
        "selected_by": [
            {
                "file": row.location.file,
                "line": row.location.line,
                "program_id": row.program_id,
                "offer_id": row.offer_id,
            }
            for row in plan.selected_by
        ],
        "organization": _json_settings(ORGANIZATION, plan.organization),
        "mailbox_plans": [
            {
                "name": mailbox_plan.name,
                "index": mailbox_plan.index,
                "provision_as_default": mailbox_plan.provision_as_default,
                "is_pilot": mailbox_plan.is_pilot,
                "line": mailbox_plan.location.line,
                "settings": _json_settings(MAILBOX_PLAN, mailbox_plan.settings),
            }
            for mailbox_plan in plan.mailbox_plans
        ],
    }


def render_json(plans: tuple[ResolvedPlan, ...], options: ReportOptions) -> str:
    document = {
        "version": 1,
        "tool": {"name": "serviceplan", "version": options.tool_version},
        "catalog": load_catalog().name,
        "plans": [plan_json(plan) for plan in plans],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _text_value(setting: Setting, kind: str) -> str:
    value = setting.value
    if value is None:
        return "(unset)"
    if kind == "bytes" and isinstance(value, int) and not isinstance(value, bool):
        return f"{collapse(setting.text or '') or format_bytes(value)} = {value:,} bytes"
    return collapse(format_value(value))  # a value written over several lines: one row


def _text_table(scope: str, settings: tuple[Setting, ...], indent: str) -> list[str]:
    features = load_catalog().scope(scope)
    width = max(len(name) for name in features)
    lines = [f"{indent}{'Feature':<{width}} {'Value':<36} From"]
    for setting in settings:
        value = _text_value(setting, features[setting.feature].type)
        # the file's own name: the plan's heading gives its path
        where = "default" if setting.location is None else setting.location.brief()
        lines.append(f"{indent}{setting.feature:<{width}} {value:<36} {where}")
    return lines


def _mailbox_heading(plan: ResolvedMailboxPlan) -> str:
    flags = ", default" if plan.provision_as_default else ""
    flags += ", pilot" if plan.is_pilot else ""
    return f"  Mailbox plan {plan.name!r} (index {plan.index}{flags}, line {plan.location.line})"


def render_text(plans: tuple[ResolvedPlan, ...], options: ReportOptions) -> str:
    lines: list[str] = []
    for plan in plans:
        lines.append(f"{plan.name}  ({plan.source})")
        for row in plan.selected_by:
            lines.append(f"  selected by {row.location} ({row.program_id}, {row.offer_id})")
        if not plan.selected_by:
            lines.append("  selected by no remap line")
        lines += ["", "  Organization", *_text_table(ORGANIZATION, plan.organization, "    ")]
        for mailbox_plan in plan.mailbox_plans:
            lines += ["", _mailbox_heading(mailbox_plan)]
            lines += _text_table(MAILBOX_PLAN, mailbox_plan.settings, "    ")
        lines.append("")
    lines.append(f"{len(plans)} plan{'s' if len(plans) != 1 else ''} compiled")
    return "\n".join(lines) + "\n"


COMPILE_REPORTERS: dict[str, Callable[[tuple[ResolvedPlan, ...], ReportOptions], str]] = {
    "text": render_text,
    "json": render_json,
}
