"""The human format of `serviceplan diff`, in the manner of `terraform plan`: changes grouped
by plan and scope with a symbol, their category and cost, then tenants, findings, a summary."""

from __future__ import annotations

from itertools import groupby

import click

from ..diff.changes import Change, PlanDiff
from ..diff.impact import ImpactReport
from ..diff.outcome import DiffOutcome
from ..diff.spool import top
from . import ReportOptions
from .diff_common import (
    COST_ORDER,
    change_text,
    due_line,
    due_text,
    move_heading,
    plan_heading,
    remap_text,
    summary,
    symbol,
)
from .text import finding_lines, printable

TENANTS_SHOWN = 50  # per run; JSON lists every tenant
_COLORS = {"+": "green", "-": "red", "~": "yellow", "=": "cyan"}


class _Out:
    def __init__(self, color: bool) -> None:
        self.color = color
        self.lines: list[str] = []

    def add(self, text: str = "", sign: str = "", indent: int = 0) -> None:
        """One line: what it shows from the inputs (tenant names, remap fields, values) can
        neither break it nor reach the terminal as a control sequence."""
        text = printable(text).replace("\n", "\\n")
        mark = f"{sign} " if sign else ""
        if sign and self.color:
            mark = click.style(mark, fg=_COLORS.get(sign, "yellow"), bold=True)
        self.lines.append(" " * indent + mark + text)


def _cost(change: Change) -> str:
    if change.category is None:
        return ""
    cost = "per mailbox" if change.per_mailbox else "constant"
    return f"  [{change.category}, {cost}]"


def _plan(out: _Out, plan_diff: PlanDiff, indent: int = 0, heading: str = "") -> None:
    sign = "+" if plan_diff.old is None else "-" if plan_diff.new is None else "~"
    top = f"  [{plan_diff.category}]" if plan_diff.category else ""
    out.add((heading or plan_heading(plan_diff)) + top, sign, indent)
    if plan_diff.old is None or plan_diff.new is None:
        return
    for scope, changes in groupby(plan_diff.changes, key=lambda change: change.scope):
        out.add(scope, indent=indent + 4)
        for change in changes:
            out.add(change_text(change) + _cost(change), symbol(change.kind), indent + 6)


def _tenants(out: _Out, impact: ImpactReport) -> None:
    totals = impact.totals
    approx = "~" if totals.estimated else ""
    out.add(
        f"Tenants ({impact.source}): {totals.count:,} reached "
        f"({totals.skipped:,} skipped by Update-ServicePlan), {impact.unreached:,} not "
        f"reached, {approx}{totals.mailboxes:,} mailboxes to update"
    )
    ranked = top(impact.tenants, TENANTS_SHOWN, lambda t: (-t.mailboxes, t.tenant.key))
    for tenant in ranked:
        move = (
            f"{tenant.new_plan} (edited in place: Update-ServicePlan skips it)"
            if tenant.skipped
            else f"{tenant.old_plan} -> {tenant.new_plan}"
        )
        if tenant.due_plan:
            move += f" (its move to {tenant.due_plan} was due already: only this change's part)"
        count = f"{'~' if tenant.estimated else ''}{tenant.mailboxes:,} mailboxes"
        out.add(f"{tenant.tenant.name}: {move}  [{tenant.category}, {count}]", "~", 2)
    _more(out, totals.count)
    if impact.already_due:
        out.add()
        out.add(due_line(impact))
        due = sorted(impact.already_due, key=lambda d: (-d.mailboxes, d.tenant.key))
        for pending in due[:TENANTS_SHOWN]:
            count = f"{'~' if pending.estimated else ''}{pending.mailboxes:,} mailboxes"
            out.add(f"{pending.tenant.name}: {due_text(pending)}  [{count}]", indent=2)
        _more(out, len(due))


def _more(out: _Out, listed: int) -> None:
    if listed > TENANTS_SHOWN:
        out.add(f"... and {listed - TENANTS_SHOWN:,} more (--format json lists all)", indent=2)


def render(outcome: DiffOutcome, options: ReportOptions) -> str:
    out = _Out(options.color)
    diff = outcome.diff
    out.add(f"serviceplan diff {outcome.old_label} -> {outcome.new_label}")
    if diff is not None:
        for plan_diff in diff.plans:
            out.add()
            _plan(out, plan_diff)
        for file_move in diff.file_moves:
            if file_move.changes:
                out.add()
                _plan(out, file_move, heading=move_heading(file_move))
        moves = {((m.old or "").casefold(), (m.new or "").casefold()): m for m in diff.transitions}
        for change in diff.remap:
            out.add()
            out.add(remap_text(change), symbol(change.kind))
            pair = ((change.old_plan or "").casefold(), (change.new_plan or "").casefold())
            move = moves.pop(pair, None)
            if move is not None:  # shown once, under the first row that makes this move
                out.add("what moving those tenants changes:", indent=4)
                _plan(out, move, indent=4)
        if outcome.impact is not None:
            out.add()
            _tenants(out, outcome.impact)
    if outcome.report.findings:
        out.add()
        for finding in outcome.report.findings:
            out.lines += finding_lines(finding, color=options.color)
    out.add()
    if diff is not None and diff.changed:
        out.add(COST_ORDER)
    out.add(summary(outcome))
    for reason in outcome.gate.reasons:  # why the exit code is 1; nothing when the run passes
        out.add(f"Gate: {reason.text}")
    return "\n".join(out.lines) + "\n"
