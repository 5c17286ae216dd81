"""The machine format of `serviceplan diff`, documented by schemas/diff-report.schema.json."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..catalog import PER_MAILBOX_CATEGORY
from ..diff.changes import Change, PlanDiff
from ..diff.gate import GateReason
from ..diff.impact import DueMove, ImpactReport
from ..diff.outcome import DiffOutcome
from ..diff.remap import RemapChange
from ..diff.spool import TenantImpact
from ..model import Location
from ..values import json_value
from . import ReportOptions
from .diff_common import category_counts, summary
from .encode import Stream, encode_stream, envelope
from .json_ import finding_json

FORMAT_VERSION = 1  # bump when a key changes meaning or goes away; adding keys is not a bump


def _location(location: Location | None) -> dict[str, Any] | None:
    return None if location is None else {"file": location.file, "line": location.line}


def change_json(change: Change) -> dict[str, Any]:
    category = change.category  # once: each of category, cost and per_mailbox works it out
    if category is None:
        cost = "none"
    else:
        cost = "per-mailbox" if category == PER_MAILBOX_CATEGORY else "constant"
    return {
        "plan": change.plan,
        "scope": change.scope,
        "feature": change.feature,
        "kind": change.kind,
        "old": json_value(change.old),
        "new": json_value(change.new),
        "old_text": change.old_text,
        "new_text": change.new_text,
        "old_location": _location(change.old_location),
        "new_location": _location(change.new_location),
        "categories": list(change.categories),
        "category": category,
        "cost": cost,
    }


def plan_json(plan_diff: PlanDiff) -> dict[str, Any]:
    return {
        "old": plan_diff.old,
        "new": plan_diff.new,
        "old_file": plan_diff.old_source,
        "new_file": plan_diff.new_source,
        "in_place": plan_diff.in_place,
        "category": plan_diff.category,
        "changes": [change_json(change) for change in plan_diff.changes],
    }


def _remap_json(change: RemapChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "program_id": change.program_id,
        "offer_id": change.offer_id,
        "old_plan": change.old_plan,
        "new_plan": change.new_plan,
        "old_location": _location(change.old_location),
        "new_location": _location(change.new_location),
    }


def _tenant_json(impact: TenantImpact, category: str | None, changes: int) -> dict[str, Any]:
    return {
        "name": impact.tenant.name,
        "line": impact.tenant.line,
        "old_plan": impact.old_plan,
        "new_plan": impact.new_plan,
        "update_skipped": impact.skipped,
        "category": category,
        "changes": changes,
        "mailboxes_to_update": impact.mailboxes,
        "estimated": impact.estimated,
        "due_plan": impact.due_plan,
    }


def _due_json(due: DueMove) -> dict[str, Any]:
    return {
        "name": due.tenant.name,
        "line": due.tenant.line,
        "old_plan": due.old_plan,
        "due_plan": due.due_plan,
        "new_plan": due.new_plan,
        "mailboxes": due.mailboxes,
        "estimated": due.estimated,
    }


def _reached(tenants: Iterable[TenantImpact]) -> Iterator[dict[str, Any]]:
    """Each tenant's entry; a move's category and count once per move, not per tenant (the
    move is kept in the map, so its id stays its own)."""
    moves: dict[int, tuple[PlanDiff, str | None, int]] = {}
    for tenant in tenants:
        move = tenant.plan_diff
        found = moves.get(id(move))
        if found is None:
            found = moves[id(move)] = (move, move.category, len(move.costed))
        yield _tenant_json(tenant, found[1], found[2])


def _impact_json(impact: ImpactReport) -> dict[str, Any]:
    return {
        "file": impact.source,
        "reached": Stream(_reached(impact.tenants)),
        "unreached": impact.unreached,
        "skipped": impact.totals.skipped,
        "mailboxes_to_update": impact.mailboxes,
        "estimated": impact.estimated,
        "already_due": {
            "tenants": [_due_json(due) for due in impact.already_due],
            "mailboxes": impact.due_mailboxes,
            "estimated": impact.due_estimated,
        },
    }


def _reason_json(reason: GateReason) -> dict[str, Any]:
    return {
        "kind": reason.kind,
        "text": reason.text,
        "count": reason.count,
        "category": reason.category,
        "plans": [{"old": old, "new": new, "changes": n} for old, new, n in reason.plans],
    }


def render(outcome: DiffOutcome, options: ReportOptions) -> str:
    return b"".join(chunks(outcome, options)).decode("utf-8")


def chunks(outcome: DiffOutcome, options: ReportOptions) -> Iterator[bytes]:
    """The document in pieces: the plans' changes and the tenants reached are written as they
    are produced, never built whole."""
    diff, report = outcome.diff, outcome.report
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "old": outcome.old_label,
        "new": outcome.new_label,
        "summary": {
            "changed": bool(diff and diff.changed),
            "plans_changed": len(diff.plans) if diff else 0,
            "remap_changes": len(diff.remap) if diff else 0,
            "categories": dict(category_counts(outcome)),
            "category": diff.category if diff else None,
            "mailboxes_to_update": outcome.impact.mailboxes if outcome.impact else None,
            "errors": report.errors,
            "warnings": report.warnings,
            "suppressed": report.suppressed,
            "text": summary(outcome),
        },
        "plans": Stream(plan_json(plan_diff) for plan_diff in diff.plans) if diff else [],
        "remap": [_remap_json(change) for change in diff.remap] if diff else [],
        "transitions": [plan_json(move) for move in diff.transitions] if diff else [],
        "tenants": _impact_json(outcome.impact) if outcome.impact else None,
        "findings": [finding_json(finding) for finding in report.findings],
        "gate": {
            "failed": outcome.gate.failed,
            "reasons": [_reason_json(reason) for reason in outcome.gate.reasons],
        },
    }
    return encode_stream(document)
