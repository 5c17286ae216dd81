"""What every diff format shares: the closing summary, value texts, change symbols."""

from __future__ import annotations

from collections import Counter

from ..catalog import CATEGORIES
from ..diff.changes import (
    ADDED,
    DEFAULT_MOVED,
    MAILBOX_PLAN_ADDED,
    MAILBOX_PLAN_REINDEXED,
    MAILBOX_PLAN_REMOVED,
    MAILBOX_PLAN_RENAMED,
    PILOT_CHANGED,
    PLAN_ADDED,
    PLAN_REMOVED,
    REMOVED,
    TEXTUAL,
    Change,
    PlanDiff,
)
from ..diff.impact import DueMove, ImpactReport
from ..diff.outcome import DiffOutcome
from ..diff.remap import ROW_ADDED, ROW_REMOVED, RemapChange
from ..model import Location, plural
from ..values import UNSET_TEXT, Value, format_value

SYMBOLS: dict[str, str] = {
    ADDED: "+",
    REMOVED: "-",
    TEXTUAL: "=",
    PLAN_ADDED: "+",
    PLAN_REMOVED: "-",
    MAILBOX_PLAN_ADDED: "+",
    MAILBOX_PLAN_REMOVED: "-",
    ROW_ADDED: "+",
    ROW_REMOVED: "-",
}
COST_ORDER = "Categories by rollout cost, cheapest first: " + ", ".join(CATEGORIES) + "."


def symbol(kind: str) -> str:
    return SYMBOLS.get(kind, "~")


def shown(value: Value | str | int | None, text: str | None = None) -> str:
    """A value as an operator reads it: the text as written when it says more (10GB)."""
    if value is None:
        return UNSET_TEXT
    if text is not None and not isinstance(value, bool) and text.strip() != format_value(value):
        return text.strip()
    return format_value(value) if not isinstance(value, str) else value


def where(location: Location | None) -> str:
    return location.brief() if location is not None else "default"


def change_text(change: Change) -> str:
    """`MailboxCountQuota: 1000 -> 250` or, for structure, what happened in words."""
    if change.feature:
        old, new = shown(change.old, change.old_text), shown(change.new, change.new_text)
        if change.kind == TEXTUAL:
            return f"{change.feature}: {old} (written {change.old_text!r} -> {change.new_text!r})"
        return f"{change.feature}: {old} -> {new}"
    return {
        PLAN_ADDED: f"plan {change.plan} added (new tenants only until a remap row points "
        "existing ones at it)",
        PLAN_REMOVED: f"plan {change.plan} removed",
        MAILBOX_PLAN_ADDED: f"mailbox plan {change.scope} added",
        MAILBOX_PLAN_REMOVED: f"mailbox plan {change.scope} removed",
        MAILBOX_PLAN_RENAMED: f"mailbox plan {change.old} renamed to {change.new}",
        MAILBOX_PLAN_REINDEXED: f"mailbox plan {change.scope} re-indexed {change.old} -> "
        f"{change.new}",
        DEFAULT_MOVED: f"default mailbox plan (ProvisionAsDefault) {change.old} -> {change.new}",
        PILOT_CHANGED: f"mailbox plan {change.scope} "
        f"{'becomes' if change.new else 'is no longer'} a pilot plan (IsPilotMailboxPlan)",
    }.get(change.kind, change.kind)


def plan_heading(plan_diff: PlanDiff) -> str:
    if plan_diff.old is None:
        return f"plan {plan_diff.new} (new file {plan_diff.new_source})"
    if plan_diff.new is None:
        return f"plan {plan_diff.old} (file {plan_diff.old_source} removed)"
    if plan_diff.in_place:
        return f"plan {plan_diff.new} (edited in place)"
    return f"plan {plan_diff.old} -> {plan_diff.new}"


def move_heading(plan_diff: PlanDiff) -> str:
    """Two plan files with different names: a move, not an edit in place."""
    return f"{plan_heading(plan_diff)} (a move: what a tenant moved from one to the other gets)"


def remap_text(change: RemapChange) -> str:
    pair = f"{change.program_id},{change.offer_id}"
    if change.kind == ROW_ADDED:
        return f"remap {pair} -> {change.new_plan} added ({where(change.new_location)})"
    if change.kind == ROW_REMOVED:
        return f"remap {pair} -> {change.old_plan} removed ({where(change.old_location)})"
    return (
        f"remap {pair} repointed {change.old_plan} -> {change.new_plan} "
        f"({where(change.new_location)}): existing tenants on this pair keep "
        f"{change.old_plan} until Update-ServicePlan runs for them"
    )


def due_text(due: DueMove) -> str:
    """A move due before this change: `SmallBusiness -> MediumBusiness`, and where the new
    remap sends the tenant when this change repoints its row."""
    text = f"{due.old_plan} -> {due.due_plan}"
    if due.new_plan.casefold() != due.due_plan.casefold():
        text += f" (after this change: -> {due.new_plan})"
    return text


def due_line(impact: ImpactReport) -> str:
    """`Already due before this change …`: never part of the change's own counts."""
    approx = "~" if impact.due_estimated else ""
    return (
        f"Already due before this change (not caused by it): "
        f"{plural(len(impact.already_due), 'tenant')}, {approx}{impact.due_mailboxes:,} mailboxes"
    )


def category_counts(outcome: DiffOutcome) -> list[tuple[str, int]]:
    """Changes per category (each change counted under its costliest), cheapest first."""
    counts = outcome.diff.categories() if outcome.diff else {}
    return [(category, counts[category]) for category in CATEGORIES if counts.get(category)]


def summary(outcome: DiffOutcome) -> str:
    """The closing line, e.g. `2 plans changed, 1 remap row repointed: 3 OrgWideConfiguration,
    1 MailboxPlanConfiguration (~4,800 mailboxes to update in 12 tenants)`."""
    diff = outcome.diff
    if diff is None:
        return "No diff: fix the errors above first."
    if not diff.changed:
        same = [f"{move.old} and {move.new} have the same settings" for move in diff.file_moves]
        return (f"No changes: {same[0]}." if same else "No changes.") + _suppressed(outcome)
    parts = []
    if diff.plans:
        parts.append(f"{plural(len(diff.plans), 'plan')} changed")
    parts += [f"1 plan move ({move.old} -> {move.new})" for move in diff.file_moves]
    remap_kinds = sorted(Counter(change.kind for change in diff.remap).items())
    parts += [f"{plural(count, 'remap row')} {kind}" for kind, count in remap_kinds]
    text = ", ".join(parts)
    counts = category_counts(outcome)
    if counts:
        text += ": " + ", ".join(f"{count:,} {category}" for category, count in counts)
    impact = outcome.impact
    if impact is not None:
        totals = impact.totals
        approx = "~" if totals.estimated else ""
        updated = totals.count - totals.skipped
        text += f" ({approx}{totals.mailboxes:,} mailboxes to update in {plural(updated, 'tenant')}"
        if totals.skipped:
            held = totals.skipped_mailboxes
            text += (
                f"; {plural(totals.skipped, 'tenant')} with {held:,} mailboxes on "
                "plans edited in place, which Update-ServicePlan skips"
            )
        text += ")"
    return text + "." + _suppressed(outcome)


def _suppressed(outcome: DiffOutcome) -> str:
    """Findings the configuration or the plans' own comments left out, so none go unseen."""
    hidden = outcome.report.suppressed
    return f" {plural(hidden, 'finding')} suppressed." if hidden else ""
