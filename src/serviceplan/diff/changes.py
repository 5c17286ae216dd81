"""What a diff finds: changes keyed by (plan, scope, feature), each classified by Exchange's
update category and rolled up per plan and per diff (`compare.py` finds them)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..catalog import CATEGORIES, ORGANIZATION, PER_MAILBOX_CATEGORY
from ..model import (
    Finding,
    Location,
)
from ..values import Value
from .kinds import ChangeKind
from .remap import RemapChange

# kinds of change, by their short names
_K = ChangeKind
ADDED, REMOVED, MODIFIED, TEXTUAL = _K.ADDED, _K.REMOVED, _K.MODIFIED, _K.TEXTUAL
PLAN_ADDED, PLAN_REMOVED = _K.PLAN_ADDED, _K.PLAN_REMOVED
MAILBOX_PLAN_ADDED, MAILBOX_PLAN_REMOVED = _K.MAILBOX_PLAN_ADDED, _K.MAILBOX_PLAN_REMOVED
MAILBOX_PLAN_RENAMED, MAILBOX_PLAN_REINDEXED = _K.MAILBOX_PLAN_RENAMED, _K.MAILBOX_PLAN_REINDEXED
DEFAULT_MOVED, PILOT_CHANGED = _K.DEFAULT_MOVED, _K.PILOT_CHANGED

PLAN_SCOPE = ""  # the scope of a change to the plan itself (added or removed)
_RANK = {category: rank for rank, category in enumerate(CATEGORIES)}
# What Exchange does for a structural change (its cost does not grow with mailboxes: a new
# mailbox plan has none yet; the default plan is a flag on the tenant's mailbox plans).
STRUCTURE_CATEGORIES = {
    MAILBOX_PLAN_ADDED: ("MailboxPlanSatellite",),
    DEFAULT_MOVED: ("OrgWideConfiguration",),
    PILOT_CHANGED: ("OrgWideConfiguration",),
}


def most_impactful(categories: Iterable[str]) -> str | None:
    """The category that costs most (CATEGORIES is ordered cheapest first)."""
    return max(categories, key=_RANK.__getitem__, default=None)


@functools.lru_cache(maxsize=1024)
def _most_impactful_of(categories: tuple[str, ...]) -> str | None:
    """`most_impactful`, once per tuple: every report asks each change for its category."""
    return most_impactful(categories)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. For a setting: its plan, scope (Organization or the mailbox plan's
    name) and feature; for a structural change the feature is empty and `kind` says what."""

    plan: str
    scope: str
    feature: str
    kind: ChangeKind
    old: Value | str | int | None = None
    new: Value | str | int | None = None
    old_text: str | None = None  # as written; None: not written (the default applied)
    new_text: str | None = None
    old_location: Location | None = None
    new_location: Location | None = None
    categories: tuple[str, ...] = ()  # every update category the feature carries

    @property
    def category(self) -> str | None:
        return _most_impactful_of(self.categories)

    @property
    def per_mailbox(self) -> bool:
        return self.category == PER_MAILBOX_CATEGORY

    @property
    def cost(self) -> str:
        if self.category is None:
            return "none"
        return "per-mailbox" if self.per_mailbox else "constant"


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """What moving a tenant from `old` (a plan of the old revision) to `new` changes. The same
    name on both sides is an edit in place; None on one side is a plan added or removed."""

    old: str | None
    new: str | None
    old_source: str | None
    new_source: str | None
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]  # the Update-ServicePlan blockers this move would hit

    @property
    def in_place(self) -> bool:
        return self.old is not None and self.new is not None and same_name(self.old, self.new)

    @property
    def name(self) -> str:
        return self.new or self.old or ""

    @property
    def costed(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.category is not None)

    @property
    def category(self) -> str | None:
        return most_impactful(c for change in self.changes if (c := change.category))

    def per_mailbox_scopes(self) -> frozenset[str] | None:
        """Mailbox plans (casefolded) whose mailboxes all need updating; None: every one (an
        Organization feature in the per-mailbox category)."""
        scopes = set()
        for change in self.changes:
            if change.per_mailbox:
                if change.scope == ORGANIZATION:
                    return None
                scopes.add(change.scope.casefold())
        return frozenset(scopes)


@dataclass(frozen=True, slots=True)
class DiffResult:
    plans: tuple[PlanDiff, ...]  # per plan name: edits in place, plans added and removed
    remap: tuple[RemapChange, ...]
    # one per repointed (old plan, new plan) pair; or the move between two plan files
    transitions: tuple[PlanDiff, ...]
    findings: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return bool(self.plans or self.remap or any(move.changes for move in self.transitions))

    @property
    def file_moves(self) -> tuple[PlanDiff, ...]:
        """Moves no remap row makes: two plan files with different names compared."""
        return () if self.remap else self.transitions

    def categories(self) -> Counter[str]:
        """Changes per rolled-up category, over plans edited and plan moves (repoints)."""
        counts: Counter[str] = Counter()
        for plan_diff in (*self.plans, *self.transitions):
            counts.update(c for change in plan_diff.changes if (c := change.category))
        return counts

    @property
    def category(self) -> str | None:
        return most_impactful(self.categories())


def same_name(a: str, b: str) -> bool:
    """Plan names compare ignoring case, as Exchange looks them up."""
    return a.casefold() == b.casefold()
