"""The pull-request comment format of `serviceplan diff`: a summary that is always whole, then
details collapsed in `<details>` blocks, the whole comment under GitHub's 65,536-character limit.

Every value that comes from a file (plan, mailbox plan and tenant names, setting values, paths,
messages) goes through `escape` (markdown_escape.py), so a hostile value can neither break a
table nor inject HTML. When the budget runs out the details stop, and a line says how much was
left out and where to get it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..catalog import PER_MAILBOX_CATEGORY
from ..diff.changes import ADDED, REMOVED, TEXTUAL, Change, PlanDiff
from ..diff.impact import DueMove, ImpactReport
from ..diff.outcome import DiffOutcome
from ..diff.remap import RemapChange
from ..diff.spool import TenantImpact, top
from ..model import Finding, Location, Severity, plural
from . import ReportOptions
from .diff_common import (
    COST_ORDER,
    category_counts,
    change_text,
    due_line,
    plan_heading,
    shown,
    summary,
)
from .markdown_escape import escape
from .text import rule_label

LIMIT = 65_536  # GitHub rejects comment bodies of this many characters or more
_MARGIN = 512  # kept free below LIMIT: a CI step may add a line or two around the body
_NOTICE_ROOM = 640  # reserved for the truncation line
BLOCKERS_SHOWN, WARNINGS_SHOWN = 20, 10
_BLOCKERS_BYTES, _WARNINGS_BYTES = 16_000, 6_000  # the summary stays bounded whatever the text
TENANTS_SHOWN = 50
# characters kept of a value, before escaping (the summary line names at most two plans)
_MESSAGE, _HINT, _LABEL, _SUMMARY = 300, 200, 120, 1_200
_JSON_HINT = "run `serviceplan diff … --format json` for all of them"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))  # never less than len(text): one bound serves both


# --------------------------------------------------------------------------- summary


def _category_table(outcome: DiffOutcome) -> list[str]:
    counts = category_counts(outcome)
    if not counts:
        return []
    costliest = outcome.diff.category if outcome.diff else None
    lines = ["| Update category | Changes | Cost |", "| --- | ---: | --- |"]
    for category, count in counts:
        cost = "per mailbox" if category == PER_MAILBOX_CATEGORY else "constant per tenant"
        name = f"**{category}** (costliest)" if category == costliest else category
        lines.append(f"| {name} | {count:,} | {cost} |")
    return lines


def _finding_item(finding: Finding) -> str:
    where = escape(str(finding.location), _LABEL)
    text = f"- **{escape(rule_label(finding))}** {escape(finding.message, _MESSAGE)} ({where})"
    if finding.hint:
        text += f"<br>hint: {escape(finding.hint, _HINT)}"
    return text


def _finding_list(
    title: str, findings: Sequence[Finding], shown_at_most: int, room: int
) -> tuple[list[str], int]:
    """The list, and how many findings it leaves out."""
    if not findings:
        return [], 0
    lines = [f"**{title}** ({len(findings):,}):", ""]
    used = 0
    for finding in findings[:shown_at_most]:
        item = _finding_item(finding)
        if used + _size(item) > room:
            break
        lines.append(item)
        used += _size(item) + 1
    hidden = len(findings) - (len(lines) - 2)
    if hidden:
        lines.append(f"- and {hidden:,} more (in the details below, or {_JSON_HINT})")
    return [*lines, ""], hidden


def _summary_part(outcome: DiffOutcome) -> tuple[list[str], bool]:
    """The summary's lines, and whether they list every finding."""
    old, new = escape(outcome.old_label, _LABEL), escape(outcome.new_label, _LABEL)
    lines = [f"### serviceplan diff: {old} → {new}", ""]
    errors = [f for f in outcome.report.findings if f.severity is Severity.ERROR]
    warnings = [f for f in outcome.report.findings if f.severity is Severity.WARNING]
    blockers, hidden = _finding_list("Blockers", errors, BLOCKERS_SHOWN, _BLOCKERS_BYTES)
    gate = [f"- {_sentence(r.text, _MESSAGE)}" for r in outcome.gate.reasons]
    gate = ["**Gate failed** (exit 1):", "", *gate, ""] if gate else []
    summed = [f"**{_sentence(summary(outcome), _SUMMARY)}**", "", *gate]
    if outcome.diff is None:  # the summary line points at the errors above it
        return [*lines, *blockers, *summed], not hidden and not warnings
    lines += summed
    table = _category_table(outcome)
    if table:
        lines += [*table, ""]
    if outcome.impact is not None:
        lines += [_tenant_line(outcome.impact), ""]
        if outcome.impact.already_due:
            lines += [due_line(outcome.impact) + ".", ""]  # numbers only: nothing to escape
    cautions, more = _finding_list("Warnings", warnings, WARNINGS_SHOWN, _WARNINGS_BYTES)
    return [*lines, *blockers, *cautions], not hidden and not more


def _sentence(text: str, limit: int) -> str:
    """A line of ours that names plans (a move, the plans a gate reason points at)."""
    return escape(text, limit).replace(" -&gt; ", " → ")


def _tenant_line(impact: ImpactReport) -> str:
    skipped = impact.totals.skipped
    approx = "~" if impact.estimated else ""
    text = (
        f"Tenants: {len(impact.tenants):,} reached, {impact.unreached:,} not reached, "
        f"{approx}{impact.mailboxes:,} mailboxes to update"
    )
    if skipped:
        text += (
            f"; {plural(skipped, 'tenant')} on a plan edited in place, which "
            "Update-ServicePlan skips"
        )
    return text + "."


# --------------------------------------------------------------------------- details


@dataclass
class _Block:
    """One `<details>` block: its summary, lines before the table, rows, and what a row is."""

    title: str
    unit: str  # what a row counts as in the truncation line: change, remap row, tenant...
    rows: list[str]
    intro: list[str] = field(default_factory=list)
    header: tuple[str, str] = ("", "")
    tail: str = ""  # after the rows when every row is shown
    extra: int = 0  # items beyond the rows (the "and N more" of the tail)


@dataclass
class _Budget:
    left: int
    hidden: dict[str, int] = field(default_factory=dict)
    stopped: bool = False

    def hide(self, unit: str, count: int) -> None:
        if count:
            self.hidden[unit] = self.hidden.get(unit, 0) + count

    def take(self, block: _Block) -> list[str]:
        """The block's lines within the budget; once a row does not fit, nothing more does."""
        if self.stopped or not block.rows:
            self.hide(block.unit, len(block.rows) + block.extra)
            return []
        opening = [f"<details><summary>{block.title}</summary>", "", *block.intro]
        if block.header[0]:
            opening += list(block.header)
        closing = ["", "</details>", ""]
        fixed = sum(_size(line) + 1 for line in (*opening, *closing, block.tail))
        rows: list[str] = []
        room = self.left - fixed
        for row in block.rows:
            cost = _size(row) + 1
            if cost > room:
                self.stopped = True
                break
            rows.append(row)
            room -= cost
        if not rows:
            self.hide(block.unit, len(block.rows) + block.extra)
            return []
        self.hide(block.unit, len(block.rows) - len(rows) + (block.extra if self.stopped else 0))
        tail = [block.tail] if block.tail and not self.stopped else []
        lines = [*opening, *rows, *tail, *closing]
        self.left -= sum(_size(line) + 1 for line in lines)
        return lines


_CHANGE_HEADER = (
    "| Scope | Feature | Old → new | Category | Cost |",
    "| --- | --- | --- | --- | --- |",
)


def _side(value: object, text: str | None, location: Location | None, default: bool) -> str:
    out = escape(shown(value, text))  # type: ignore[arg-type]
    return f"{out} (default)" if default and location is None and value is not None else out


def _change_row(change: Change) -> str:
    if change.feature:
        feature = escape(change.feature)
        if change.kind == TEXTUAL:
            moved = (
                f"{escape(shown(change.old, change.old_text))}, written "
                f"{escape(repr(change.old_text))} → {escape(repr(change.new_text))}"
            )
        else:
            old = _side(change.old, change.old_text, change.old_location, change.kind == ADDED)
            new = _side(change.new, change.new_text, change.new_location, change.kind == REMOVED)
            moved = f"{old} → {new}"
    else:
        feature, moved = f"*{change.kind}*", escape(change_text(change), _MESSAGE)
    category = change.category or "—"
    cost = {"per-mailbox": "per mailbox", "constant": "constant"}.get(change.cost, "—")
    return f"| {escape(change.scope)} | {feature} | {moved} | {category} | {cost} |"


def _plan_block(plan_diff: PlanDiff, title: str) -> _Block:
    costed = len(plan_diff.costed)
    rolled = f", costliest {plan_diff.category}" if plan_diff.category else ""
    return _Block(
        f"{title}: {plural(len(plan_diff.changes), 'change')} ({costed:,} costed{rolled})",
        "change",
        [_change_row(c) for c in plan_diff.changes],
        header=_CHANGE_HEADER,
    )


def _remap_block(remap: Sequence[RemapChange]) -> _Block:
    rows = []
    for change in remap:
        at = change.new_location or change.old_location
        rows.append(
            f"| {escape(change.program_id)} | {escape(change.offer_id)} | {change.kind} "
            f"| {escape(change.old_plan or '—')} → {escape(change.new_plan or '—')} | "
            f"{escape(at.brief() if at else '—')} |"
        )
    intro = [
        "Existing tenants keep their plan until Update-ServicePlan runs for them; new "
        "tenants get the new row's plan.",
        "",
    ]
    header = ("| ProgramId | OfferId | Change | Plan | Line |", "| --- | --- | --- | --- | --- |")
    return _Block(f"Remap changes ({len(remap):,})", "remap row", rows, intro, header)


def _move(tenant: TenantImpact) -> str:
    if tenant.skipped:
        return f"{escape(tenant.new_plan)} (edited in place: Update-ServicePlan skips it)"
    move = f"{escape(tenant.old_plan)} → {escape(tenant.new_plan)}"
    if tenant.due_plan:
        move += " (due before this change: only this change's part)"
    return move


def _tenant_block(impact: ImpactReport) -> _Block:
    reached = len(impact.tenants)  # counted as they were added: none is read back for it
    rows = [
        f"| {escape(t.tenant.name)} | {t.tenant.line} | {_move(t)} | "
        f"{t.category or '—'} | {'~' if t.estimated else ''}{t.mailboxes:,} |"
        for t in top(impact.tenants, TENANTS_SHOWN)  # by mailboxes, name, line
    ]
    more = reached - len(rows)
    return _Block(
        f"Tenants reached ({reached:,}), by mailboxes to update",
        "tenant",
        rows,
        [
            f"Inventory {escape(impact.source, _LABEL)}; ~ marks an estimate (a mailbox count "
            "per mailbox plan is missing, so the tenant's total stands in).",
            "",
        ],
        (
            "| Tenant | Line | Plan | Category | Mailboxes to update |",
            "| --- | ---: | --- | --- | ---: |",
        ),
        f"\nand {more:,} more tenants ({_JSON_HINT})" if more else "",
        more,
    )


def _due_move(due: DueMove) -> str:
    move = f"{escape(due.old_plan)} → {escape(due.due_plan)}"
    if due.new_plan.casefold() != due.due_plan.casefold():
        move += f" (after this change: → {escape(due.new_plan)})"
    return move


def _due_block(impact: ImpactReport) -> _Block:
    ranked = sorted(impact.already_due, key=lambda d: (-d.mailboxes, d.tenant.key))
    rows = [
        f"| {escape(d.tenant.name)} | {d.tenant.line} | {_due_move(d)} | "
        f"{'~' if d.estimated else ''}{d.mailboxes:,} |"
        for d in ranked[:TENANTS_SHOWN]
    ]
    more = len(ranked) - len(rows)
    return _Block(
        f"Moves already due before this change ({len(ranked):,}), not caused by it",
        "tenant",
        rows,
        [
            "Each tenant's plan already differed from what the old remap gives it, so its "
            "update was due whatever this change does; these mailboxes are not in its count.",
            "",
        ],
        ("| Tenant | Line | Due move | Mailboxes |", "| --- | ---: | --- | ---: |"),
        f"\nand {more:,} more tenants ({_JSON_HINT})" if more else "",
        more,
    )


def _findings_block(findings: Sequence[Finding]) -> _Block:
    rows = [
        f"| {f.severity.value} | {escape(rule_label(f))} | {escape(str(f.location), _LABEL)}"
        f" | {escape(f.message, _MESSAGE)} |"
        for f in findings
    ]
    return _Block(
        f"All findings ({len(findings):,})",
        "finding",
        rows,
        header=("| Severity | Rule | Where | Message |", "| --- | --- | --- | --- |"),
    )


def _blocks(outcome: DiffOutcome, findings: bool) -> list[_Block]:
    diff = outcome.diff
    blocks: list[_Block] = []
    if diff is not None:
        blocks += [_plan_block(d, escape(plan_heading(d), _MESSAGE)) for d in diff.plans]
        if diff.remap:
            blocks.append(_remap_block(diff.remap))
        for move in diff.transitions:
            title = (
                f"{'Moving a tenant' if diff.file_moves else 'Repointed tenants move'} "
                f"{escape(move.old or '', _LABEL)} → {escape(move.new or '', _LABEL)}"
            )
            blocks.append(_plan_block(move, title))
        if outcome.impact is not None and outcome.impact.tenants:
            blocks.append(_tenant_block(outcome.impact))
        if outcome.impact is not None and outcome.impact.already_due:
            blocks.append(_due_block(outcome.impact))
    if findings and outcome.report.findings:
        blocks.append(_findings_block(outcome.report.findings))
    return blocks


_UNITS = ("change", "remap row", "tenant", "finding")


def _notice(hidden: dict[str, int]) -> str:
    parts = [
        plural(hidden[unit], f"more {unit}") if i == 0 else plural(hidden[unit], unit)
        for i, unit in enumerate(u for u in _UNITS if hidden.get(u))
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"**… {listed} not shown** (the comment limit is {LIMIT:,} characters); {_JSON_HINT}."


def _how_to_read() -> list[str]:
    return [
        "<details><summary>How to read this</summary>",
        "",
        f"{COST_ORDER} Each change counts under its costliest category, and a plan under its "
        "costliest change. Only MailboxPlanConfiguration costs per mailbox: it updates every "
        "mailbox provisioned from the mailbox plan; the other categories cost the same for "
        "every tenant whatever its size. (default) marks the catalogue default of a feature "
        "the plan does not write.",
        "",
        "</details>",
        "",
    ]


def render(outcome: DiffOutcome, options: ReportOptions) -> str:
    head, listed_all = _summary_part(outcome)
    foot = _how_to_read() if outcome.diff is not None and outcome.diff.changed else []
    fixed = sum(_size(line) + 1 for line in (*head, *foot))
    budget = _Budget(LIMIT - _MARGIN - _NOTICE_ROOM - fixed)
    details: list[str] = []
    for block in _blocks(outcome, findings=not listed_all):
        details += budget.take(block)
    if budget.hidden:
        details += [_notice(budget.hidden), ""]
    text = "\n".join([*head, *details, *foot]).rstrip("\n") + "\n"
    if _size(text) >= LIMIT:  # cannot happen while the summary stays bounded; never post it
        text = "\n".join(
            [
                *head,
                f"**Details not shown** (the comment limit is {LIMIT:,} characters); {_JSON_HINT}.",
                "",
            ]
        )
    return text
