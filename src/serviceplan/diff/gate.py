"""The gate of `serviceplan diff`: whether the run fails (exit 1), and each reason in words, so
a red CI job says what tripped it (the text and markdown print the reasons, JSON carries them).

Three things fail a run: error findings (Update-ServicePlan blockers, tenants over a new
limit, inventory errors, a side that does not compile), `--fail-on` categories with changes,
and `--exit-code` with differences. Moves that were due before the change are never part of
it (impact.py leaves them out of the change), so they cannot trip the gate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import CATEGORIES
from ..model import FindingsReport, Severity, plural

if TYPE_CHECKING:
    from .changes import DiffResult

ERRORS, FAIL_ON, EXIT_CODE = "errors", "fail-on", "exit-code"


@dataclass(frozen=True, slots=True)
class GateReason:
    kind: str  # ERRORS, FAIL_ON or EXIT_CODE
    text: str  # the sentence every format prints after "Gate: "
    count: int  # error findings; changes in the category; plans, remap rows and moves changed
    category: str | None = None  # FAIL_ON: the category that tripped
    plans: tuple[tuple[str | None, str | None, int], ...] = ()  # FAIL_ON: (old, new, changes)


@dataclass(frozen=True, slots=True)
class Gate:
    reasons: tuple[GateReason, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.reasons)


def diff_gate(
    diff: DiffResult | None,
    report: FindingsReport,
    fail_on: frozenset[str] = frozenset(),
    exit_code: bool = False,
) -> Gate:
    """Every reason the run fails, in a fixed order: errors, then --fail-on categories in
    cost order, then --exit-code."""
    reasons = []
    errors = Counter(f.rule for f in report.findings if f.severity is Severity.ERROR)
    if errors:
        total = sum(errors.values())
        rules = ", ".join(
            rule if count == 1 else f"{rule} x{count:,}" for rule, count in sorted(errors.items())
        )
        why = (
            "a side does not compile, so nothing was compared"
            if diff is None
            else "see the findings"
        )
        verb = "fails" if total == 1 else "fail"
        text = f"{plural(total, 'error')} {verb} the run: {rules} ({why})"
        reasons.append(GateReason(ERRORS, text, total))
    if diff is None:
        return Gate(tuple(reasons))
    for category in (c for c in CATEGORIES if c in fail_on):
        plans = _where(diff, category)
        if plans:
            count = sum(changes for _, _, changes in plans)
            shown = ", ".join(_label(old, new) for old, new, _ in plans)
            text = (
                f"--fail-on {category} tripped: {plural(count, 'change')} in {category} ({shown})"
            )
            reasons.append(GateReason(FAIL_ON, text, count, category, plans))
    if exit_code and diff.changed:
        moves = [move for move in diff.file_moves if move.changes]
        parts = [f"{plural(len(diff.plans), 'plan')} changed"] if diff.plans else []
        if diff.remap:
            parts.append(f"{plural(len(diff.remap), 'remap row')} changed")
        parts += [f"plan move {move.old} -> {move.new}" for move in moves]
        text = f"--exit-code tripped: differences found ({', '.join(parts)})"
        reasons.append(GateReason(EXIT_CODE, text, len(diff.plans) + len(diff.remap) + len(moves)))
    return Gate(tuple(reasons))


def _where(diff: DiffResult, category: str) -> tuple[tuple[str | None, str | None, int], ...]:
    """The plans edited and the moves with changes in `category`: every category a change
    carries counts (AcceptedDomains regenerates admin roles too, though its costliest category
    is OrgWideConfiguration), so `--fail-on AdminPermissions` cannot pass it silently."""
    found = []
    for plan_diff in (*diff.plans, *diff.transitions):
        count = sum(1 for change in plan_diff.changes if category in change.categories)
        if count:
            found.append((plan_diff.old, plan_diff.new, count))
    return tuple(found)


def _label(old: str | None, new: str | None) -> str:
    if old is not None and new is not None and old.casefold() != new.casefold():
        return f"move {old} -> {new}"
    return f"plan {new or old}"
