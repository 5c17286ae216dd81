"""`serviceplan diff --format html`: what a rollout touches, on one page (templates/diff.html;
html.py says what every HTML report guarantees).

The summary comes first (plans changed, remap rows, blockers, mailboxes to update), then a bar
chart of the changes per update category in cost order and, with an inventory, one of the
tenants with the most mailboxes to update; then the blockers with their hints; then the
changes of each plan, remap row and move in collapsible blocks. The page stays under LIMIT
characters: when the details would pass it they stop, and a line says how many were left out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..catalog import PER_MAILBOX_CATEGORY
from ..diff.changes import ADDED, REMOVED, TEXTUAL, Change, PlanDiff
from ..diff.outcome import DiffOutcome
from ..diff.spool import top
from ..model import Finding, Severity, plural
from . import ReportOptions
from .diff_common import (
    COST_ORDER,
    category_counts,
    change_text,
    due_line,
    move_heading,
    plan_heading,
    remap_text,
    shown,
    summary,
)
from .html import bar_chart, render_page
from .text import rule_label

LIMIT = 2_000_000  # characters (UTF-8 bytes) of the page, details included
TENANTS_CHARTED = 10
TENANTS_LISTED = 50
_ROW_COST = 160  # the markup of a table row around its escaped texts
_JSON_HINT = "run serviceplan diff … --format json for all of them"


def _size(*texts: str) -> int:
    return _ROW_COST + sum(len(html.escape(text).encode("utf-8")) for text in texts)


def _arrow(text: str) -> str:
    """A heading of ours that names a move: `SmallBusiness → MediumBusiness`."""
    return text.replace(" -> ", " → ")


def _cost(category: str | None) -> str:
    return "per-mailbox" if category == PER_MAILBOX_CATEGORY else "constant"


def _finding(finding: Finding) -> dict[str, str]:
    return {
        "severity": finding.severity.value,
        "rule": rule_label(finding),
        "message": finding.message,
        "hint": finding.hint,
        "where": str(finding.location),
    }


def _side(value: Any, text: str | None, default: bool) -> str:
    out = shown(value, text)
    return f"{out} (default)" if default and value is not None else out


def _change(change: Change) -> list[str]:
    if not change.feature:
        return [change.scope, change.kind, change_text(change), change.category or "—"]
    if change.kind == TEXTUAL:
        written = f"{change.old_text!r} → {change.new_text!r}"
        moved = f"{shown(change.old, change.old_text)}, written {written}"
    else:
        old = _side(
            change.old, change.old_text, change.kind == ADDED or change.old_location is None
        )
        new = _side(
            change.new, change.new_text, change.kind == REMOVED or change.new_location is None
        )
        moved = f"{old} → {new}"
    return [change.scope, change.feature, moved, change.category or "—"]


class _Budget:
    """Rows taken while they fit; what does not is counted by unit for the notice."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.hidden: dict[str, int] = {}

    def take(self, unit: str, rows: Sequence[list[str]]) -> list[list[str]]:
        taken: list[list[str]] = []
        for row in rows:
            cost = _size(*row)
            if cost > self.room:
                self.room = 0
                break
            self.room -= cost
            taken.append(row)
        if len(taken) < len(rows):
            self.hidden[unit] = self.hidden.get(unit, 0) + len(rows) - len(taken)
        return taken

    def notice(self) -> str:
        if not self.hidden:
            return ""
        parts = [plural(count, unit) for unit, count in self.hidden.items()]
        return (
            f"… {', '.join(parts)} not shown (this page is kept under {LIMIT:,} characters); "
            f"{_JSON_HINT}."
        )


def _plan_block(diff: PlanDiff, title: str, budget: _Budget) -> dict[str, Any]:
    rows = budget.take("change", [_change(c) for c in diff.changes])
    rolled = f", costliest {diff.category}" if diff.category else ""
    return {
        "title": f"{title}: {plural(len(diff.changes), 'change')} "
        f"({len(diff.costed):,} costed{rolled})",
        "header": ["Scope", "Feature", "Old → new", "Category"],
        "rows": rows,
        "shown": len(rows),
        "total": len(diff.changes),
    }


def _blocks(outcome: DiffOutcome, budget: _Budget) -> list[dict[str, Any]]:
    diff = outcome.diff
    if diff is None:
        return []
    blocks = [_plan_block(d, _arrow(plan_heading(d)), budget) for d in diff.plans]
    if diff.remap:
        rows = budget.take("remap row", [[_arrow(remap_text(change))] for change in diff.remap])
        blocks.append(
            {
                "title": f"Remap changes ({len(diff.remap):,})",
                "header": ["Change"],
                "rows": rows,
                "shown": len(rows),
                "total": len(diff.remap),
            }
        )
    for move in diff.transitions:
        title = (
            move_heading(move)
            if diff.file_moves
            else f"Repointed tenants move {plan_heading(move)}"
        )
        blocks.append(_plan_block(move, _arrow(title), budget))
    impact = outcome.impact
    if impact is not None and impact.tenants:
        reached = impact.totals.count
        ranked = top(
            impact.tenants,
            TENANTS_LISTED,
            lambda t: (-t.mailboxes, t.tenant.key, t.tenant.row.line),
        )
        listed = [
            [
                t.tenant.name,
                str(t.tenant.row.line),
                f"{t.old_plan} → {t.new_plan}"
                + (" (edited in place: skipped)" if t.skipped else ""),
                t.category or "—",
                f"{'~' if t.estimated else ''}{t.mailboxes:,}",
            ]
            for t in ranked
        ]
        rows = budget.take("tenant", listed)
        blocks.append(
            {
                "title": f"Tenants reached ({reached:,}), by mailboxes to update",
                "header": ["Tenant", "Line", "Plan", "Category", "Mailboxes to update"],
                "rows": rows,
                "shown": len(rows),
                "total": reached,
            }
        )
    return blocks


def _charts(outcome: DiffOutcome) -> list[Any]:
    categories = bar_chart(
        "Changes per update category, cheapest first",
        [(name, count, f"{count:,}", _cost(name)) for name, count in category_counts(outcome)],
    )
    tenants = None
    if outcome.impact is not None:
        ranked = top(
            outcome.impact.tenants,
            TENANTS_CHARTED,
            lambda t: (-t.mailboxes, t.tenant.key, t.tenant.row.line),
            keep=lambda t: bool(t.mailboxes),
        )
        tenants = bar_chart(
            f"Tenants with the most mailboxes to update (top {TENANTS_CHARTED})",
            [
                (
                    t.tenant.name + (" (skipped)" if t.skipped else ""),
                    t.mailboxes,
                    f"{'~' if t.estimated else ''}{t.mailboxes:,}",
                    "skipped" if t.skipped else "tenant",
                )
                for t in ranked
            ],
        )
    return [chart for chart in (categories, tenants) if chart is not None]


def _cards(outcome: DiffOutcome) -> list[dict[str, Any]]:
    diff, impact = outcome.diff, outcome.impact
    blockers = sum(1 for f in outcome.report.findings if f.severity is Severity.ERROR)
    cards: list[dict[str, Any]] = [
        {
            "label": "plans changed",
            "number": f"{len(diff.plans) + len(diff.file_moves):,}" if diff else "—",
        },
        {"label": "remap rows changed", "number": f"{len(diff.remap):,}" if diff else "—"},
        {"label": "blockers", "number": f"{blockers:,}", "bad": blockers > 0},
    ]
    if impact is not None:
        approx = "~" if impact.estimated else ""
        updated = impact.totals.count - impact.totals.skipped
        cards.append({"label": "mailboxes to update", "number": f"{approx}{impact.mailboxes:,}"})
        cards.append({"label": "tenants updated", "number": f"{updated:,}"})
    return cards


def _page(outcome: DiffOutcome, room: int) -> str:
    budget = _Budget(room)
    findings = outcome.report.findings
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    blocks = _blocks(outcome, budget)
    shown_errors = budget.take("blocker", [[f.message, f.hint, str(f.location)] for f in errors])
    shown_warnings = budget.take(
        "warning", [[f.message, f.hint, str(f.location)] for f in warnings]
    )
    impact = outcome.impact
    return render_page(
        "diff.html",
        old=outcome.old_label,
        new=outcome.new_label,
        summary=summary(outcome),
        gate=[reason.text for reason in outcome.gate.reasons],
        cards=_cards(outcome),
        charts=_charts(outcome),
        errors=[_finding(f) for f in errors[: len(shown_errors)]],
        errors_total=len(errors),
        warnings=[_finding(f) for f in warnings[: len(shown_warnings)]],
        warnings_total=len(warnings),
        blocks=blocks,
        notice=budget.notice(),
        due=due_line(impact) if impact is not None and impact.already_due else "",
        cost_order=COST_ORDER,
    )


def render(outcome: DiffOutcome, options: ReportOptions) -> str:
    room = LIMIT - 64_000  # the page around the details: summary, charts, styles
    while True:
        page = _page(outcome, room)
        if len(page.encode("utf-8")) < LIMIT or room <= 0:
            return page
        room //= 2  # the estimate was short: fewer details
