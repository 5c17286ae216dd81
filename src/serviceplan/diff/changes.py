"""Diff: two compiled revisions (plans + remap) → changes keyed by (plan, scope, feature), each
classified by Exchange's update category and rolled up, with the Update-ServicePlan blockers
the changes would hit.

Settings are compared by value, so reordering, formatting, comments and writing a default
explicitly are not changes. With `textual`, a value written differently (10240MB for 10GB,
spacing) or a default written out is listed, at no cost; order and comments are not (they
leave no trace in the compiled model).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..catalog import CATEGORIES, ORGANIZATION, PER_MAILBOX_CATEGORY, Catalog
from ..model import (
    Finding,
    Location,
    RemapTable,
    ResolvedMailboxPlan,
    ResolvedPlan,
    Setting,
    next_plan_name,
)
from ..rules.registry import rule
from ..values import Value
from .forbidden import forbidden_transitions
from .kinds import ChangeKind
from .remap import ROW_REPOINTED, RemapChange, diff_remaps

# kinds of change, by their short names
_K = ChangeKind
ADDED, REMOVED, MODIFIED, TEXTUAL = _K.ADDED, _K.REMOVED, _K.MODIFIED, _K.TEXTUAL
PLAN_ADDED, PLAN_REMOVED = _K.PLAN_ADDED, _K.PLAN_REMOVED
MAILBOX_PLAN_ADDED, MAILBOX_PLAN_REMOVED = _K.MAILBOX_PLAN_ADDED, _K.MAILBOX_PLAN_REMOVED
MAILBOX_PLAN_RENAMED, MAILBOX_PLAN_REINDEXED = _K.MAILBOX_PLAN_RENAMED, _K.MAILBOX_PLAN_REINDEXED
DEFAULT_MOVED = _K.DEFAULT_MOVED

PLAN_SCOPE = ""  # the scope of a change to the plan itself (added or removed)
_RANK = {category: rank for rank, category in enumerate(CATEGORIES)}
# What Exchange does for a structural change (its cost does not grow with mailboxes: a new
# mailbox plan has none yet; the default plan is a flag on the tenant's mailbox plans).
_STRUCTURE_CATEGORIES = {
    MAILBOX_PLAN_ADDED: ("MailboxPlanSatellite",),
    DEFAULT_MOVED: ("OrgWideConfiguration",),
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
        return self.old is not None and self.new is not None and _same(self.old, self.new)

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


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def diff_revisions(
    old_plans: Sequence[ResolvedPlan],
    new_plans: Sequence[ResolvedPlan],
    old_remap: Sequence[RemapTable],
    new_remap: Sequence[RemapTable],
    catalog: Catalog,
    *,
    textual: bool = False,
) -> DiffResult:
    old_by_name = {plan.name.casefold(): plan for plan in old_plans}
    new_by_name = {plan.name.casefold(): plan for plan in new_plans}
    plans = []
    for key in sorted(old_by_name.keys() | new_by_name.keys()):
        plan_diff = diff_plans(old_by_name.get(key), new_by_name.get(key), catalog, textual)
        if plan_diff.changes:
            plans.append(plan_diff)
    remap = diff_remaps(old_remap, new_remap)
    transitions: dict[tuple[str, str], PlanDiff] = {}
    for change in remap:
        if change.kind != ROW_REPOINTED or change.old_plan is None or change.new_plan is None:
            continue
        pair = (change.old_plan.casefold(), change.new_plan.casefold())
        if pair not in transitions and pair[0] in old_by_name and pair[1] in new_by_name:
            old, new = old_by_name[pair[0]], new_by_name[pair[1]]
            transitions[pair] = diff_plans(old, new, catalog, textual)
    findings = [f for d in (*plans, *transitions.values()) for f in d.findings]
    findings.sort(key=Finding.sort_key)
    return DiffResult(tuple(plans), remap, tuple(transitions.values()), tuple(findings))


def diff_files(
    old: ResolvedPlan, new: ResolvedPlan, catalog: Catalog, *, textual: bool = False
) -> DiffResult:
    """Two plan files compared directly. The same plan name is an edit in place; two names
    are a move from one plan to the other, as a repointed remap row makes for its tenants:
    Update-ServicePlan's blockers (SP601-SP604) apply, and it is no edit in place (SP605)."""
    if _same(old.name, new.name):
        return diff_revisions([old], [new], (), (), catalog, textual=textual)
    move = diff_plans(old, new, catalog, textual)
    return DiffResult((), (), (move,), move.findings)


def diff_plans(
    old: ResolvedPlan | None, new: ResolvedPlan | None, catalog: Catalog, textual: bool = False
) -> PlanDiff:
    """The changes from one plan to another (the same plan's revisions, or a repoint)."""
    if old is None or new is None:
        plan = new or old
        assert plan is not None
        kind, where = (PLAN_ADDED, new) if old is None else (PLAN_REMOVED, old)
        at = Location(plan.source)
        change = Change(
            plan.name,
            PLAN_SCOPE,
            "",
            kind,
            old_location=at if where is old else None,
            new_location=at if where is new else None,
        )
        return PlanDiff(_name(old), _name(new), _source(old), _source(new), (change,), ())
    changes = _settings(
        new.name, ORGANIZATION, old.organization, new.organization, catalog, textual
    )
    findings: list[Finding] = []
    changes += _mailbox_plans(old, new, catalog, textual, findings)
    findings += forbidden_transitions(
        old, new, (c for c in changes if c.scope == ORGANIZATION and c.kind != TEXTUAL)
    )
    if _same(old.name, new.name) and any(c.category for c in changes):
        findings.append(
            rule("plan-edited-in-place").finding(
                f"{new.name} is edited under the same name: Update-ServicePlan skips existing "
                f"tenants on {new.name}, so only new tenants get these changes",
                Location(new.source, 1),
                hint=f"To reach existing tenants, save the edit as a new plan (e.g. "
                f"{next_plan_name(new.name)}), repoint the remap rows to it, then run "
                "Update-ServicePlan for those tenants.",
            )
        )
    findings.sort(key=Finding.sort_key)
    return PlanDiff(old.name, new.name, old.source, new.source, tuple(changes), tuple(findings))


def _name(plan: ResolvedPlan | None) -> str | None:
    return None if plan is None else plan.name


def _source(plan: ResolvedPlan | None) -> str | None:
    return None if plan is None else plan.source


def _settings(
    plan: str,
    scope: str,
    old: Sequence[Setting],
    new: Sequence[Setting],
    catalog: Catalog,
    textual: bool,
) -> list[Change]:
    """Both sides come from the same catalogue, so they are in the same order."""
    changes = []
    features = catalog.scope(ORGANIZATION if scope == ORGANIZATION else "MailboxPlan")
    for before, after in zip(old, new, strict=True):
        if before.value == after.value and type(before.value) is type(after.value):
            if not textual or before.text == after.text:
                continue
            kind = TEXTUAL
        elif before.location is None:
            kind = ADDED
        elif after.location is None:
            kind = REMOVED
        else:
            kind = MODIFIED
        categories = features[after.feature].categories if kind != TEXTUAL else ()
        changes.append(
            Change(
                plan,
                scope,
                after.feature,
                kind,
                before.value,
                after.value,
                before.text,
                after.text,
                before.location,
                after.location,
                categories,
            )
        )
    return changes


def _mailbox_plans(
    old: ResolvedPlan,
    new: ResolvedPlan,
    catalog: Catalog,
    textual: bool,
    findings: list[Finding],
) -> list[Change]:
    """Mailbox plans are matched by Name, as Update-ServicePlan matches them; a plan whose
    Name is gone but whose index is reused is a rename."""
    changes: list[Change] = []
    new_by_name = {mailbox_plan.name.casefold(): mailbox_plan for mailbox_plan in new.mailbox_plans}
    old_names = {mailbox_plan.name.casefold() for mailbox_plan in old.mailbox_plans}
    unmatched_new = {
        mailbox_plan.index: mailbox_plan
        for mailbox_plan in new.mailbox_plans
        if mailbox_plan.name.casefold() not in old_names
    }
    for before in old.mailbox_plans:
        after = new_by_name.get(before.name.casefold())
        if after is None and before.index in unmatched_new:
            after = unmatched_new.pop(before.index)
            changes.append(
                _structural(new.name, before, after, MAILBOX_PLAN_RENAMED, before.name, after.name)
            )
            findings.append(
                rule("mailbox-plan-renamed").finding(
                    f"mailbox plan {before.name} (index {before.index}) of {old.name} is named "
                    f"{after.name} in {new.name}: Update-ServicePlan refuses the update",
                    after.location,
                )
            )
        elif after is None:
            changes.append(_structural(new.name, before, None, MAILBOX_PLAN_REMOVED))
            findings.append(
                rule("mailbox-plan-removed").finding(
                    f"mailbox plan {before.name} of {old.name} is not in {new.name}: "
                    "Update-ServicePlan refuses the update",
                    Location(new.source, 1),
                )
            )
            continue
        elif after.index != before.index:
            changes.append(
                _structural(
                    new.name, before, after, MAILBOX_PLAN_REINDEXED, before.index, after.index
                )
            )
            findings.append(
                rule("mailbox-plan-reindexed").finding(
                    f"mailbox plan {after.name} moves from index {before.index} to {after.index}: "
                    "Update-ServicePlan refuses the update",
                    after.location,
                )
            )
        changes += _settings(
            new.name, after.name, before.settings, after.settings, catalog, textual
        )
    for after in sorted(unmatched_new.values(), key=lambda plan: plan.index):
        changes.append(_structural(new.name, None, after, MAILBOX_PLAN_ADDED))
    old_default, new_default = _default(old), _default(new)
    if old_default and new_default and not _same(old_default.name, new_default.name):
        changes.append(
            _structural(
                new.name,
                old_default,
                new_default,
                DEFAULT_MOVED,
                old_default.name,
                new_default.name,
            )
        )
    return changes


def _structural(
    plan: str,
    before: ResolvedMailboxPlan | None,
    after: ResolvedMailboxPlan | None,
    kind: ChangeKind,
    old: str | int | None = None,
    new: str | int | None = None,
) -> Change:
    scope = after.name if after is not None else before.name if before is not None else ""
    return Change(
        plan,
        scope,
        "",
        kind,
        old,
        new,
        old_location=before.location if before else None,
        new_location=after.location if after else None,
        categories=_STRUCTURE_CATEGORIES.get(kind, ()),
    )


def _default(plan: ResolvedPlan) -> ResolvedMailboxPlan | None:
    return next((m for m in plan.mailbox_plans if m.provision_as_default), None)
