"""Diff: two compiled revisions (plans + remap) → the changes between them, with the
Update-ServicePlan blockers they would hit. Settings are compared by value: order, formatting,
comments and a default written out are no change; with `textual`, a value written differently
(10240MB for 10GB) or a default written out is listed, at no cost. `verify-copies` uses the
same comparison."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..catalog import ORGANIZATION, Catalog
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
from .changes import (
    ADDED,
    DEFAULT_MOVED,
    MAILBOX_PLAN_ADDED,
    MAILBOX_PLAN_REINDEXED,
    MAILBOX_PLAN_REMOVED,
    MAILBOX_PLAN_RENAMED,
    MODIFIED,
    PILOT_CHANGED,
    PLAN_ADDED,
    PLAN_REMOVED,
    PLAN_SCOPE,
    REMOVED,
    STRUCTURE_CATEGORIES,
    TEXTUAL,
    Change,
    DiffResult,
    PlanDiff,
    same_name,
)
from .forbidden import forbidden_transitions
from .kinds import ChangeKind
from .remap import ROW_REPOINTED, diff_remaps


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
    plans, names = [], old_by_name.keys() | new_by_name.keys()
    for key in sorted(names):
        sides = old_by_name.get(key), new_by_name.get(key)
        plan_diff = diff_plans(*sides, catalog, textual, names)
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
    if same_name(old.name, new.name):
        return diff_revisions([old], [new], (), (), catalog, textual=textual)
    move = diff_plans(old, new, catalog, textual)
    return DiffResult((), (), (move,), move.findings)


def diff_plans(
    old: ResolvedPlan | None,
    new: ResolvedPlan | None,
    catalog: Catalog,
    textual: bool = False,
    taken: Collection[str] = (),
) -> PlanDiff:
    """The changes from one plan to another (the same plan's revisions, or a repoint);
    `taken`: the plan names (casefolded) an edit in place cannot be saved under."""
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
        if old is None:
            return PlanDiff(None, plan.name, None, plan.source, (change,), ())
        return PlanDiff(plan.name, None, plan.source, None, (change,), ())
    changes = _settings(
        new.name, ORGANIZATION, old.organization, new.organization, catalog, textual
    )
    findings: list[Finding] = []
    changes += _mailbox_plans(old, new, catalog, textual, findings)
    findings += forbidden_transitions(
        old, new, (c for c in changes if c.scope == ORGANIZATION and c.kind != TEXTUAL)
    )
    if same_name(old.name, new.name) and any(c.category for c in changes):
        findings.append(
            rule("plan-edited-in-place").finding(
                f"{new.name} is edited under the same name: Update-ServicePlan skips existing "
                f"tenants on {new.name}, so only new tenants get these changes",
                Location(new.source, 1),
                hint=f"To reach existing tenants, save the edit as a new plan (e.g. "
                f"{next_plan_name(new.name, taken)}), repoint the remap rows to it, then run "
                "Update-ServicePlan for those tenants.",
            )
        )
    findings.sort(key=Finding.sort_key)
    return PlanDiff(old.name, new.name, old.source, new.source, tuple(changes), tuple(findings))


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
    """Mailbox plans are matched by Name (case-sensitive), as Update-ServicePlan matches them;
    a plan whose Name is gone but whose index is reused is a rename."""
    changes: list[Change] = []
    new_by_name = {mailbox_plan.name: mailbox_plan for mailbox_plan in new.mailbox_plans}
    old_names = {mailbox_plan.name for mailbox_plan in old.mailbox_plans}
    unmatched_new = {
        mailbox_plan.index: mailbox_plan
        for mailbox_plan in new.mailbox_plans
        if mailbox_plan.name not in old_names
    }
    renamed: dict[str, str] = {}
    for before in old.mailbox_plans:
        after = new_by_name.get(before.name)
        if after is None and before.index in unmatched_new:
            after = unmatched_new.pop(before.index)
            renamed[before.name] = after.name
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
        if after.is_pilot != before.is_pilot:
            changes.append(
                _structural(new.name, before, after, PILOT_CHANGED, before.is_pilot, after.is_pilot)
            )
        changes += _settings(
            new.name, after.name, before.settings, after.settings, catalog, textual
        )
    for after in sorted(unmatched_new.values(), key=lambda plan: plan.index):
        changes.append(_structural(new.name, None, after, MAILBOX_PLAN_ADDED))
    old_default, new_default = _default(old), _default(new)
    # the default moved when it is on another plan than the old default became (renamed or not)
    if (
        old_default
        and new_default
        and renamed.get(old_default.name, old_default.name) != new_default.name
    ):
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
        categories=STRUCTURE_CATEGORIES.get(kind, ()),
    )


def _default(plan: ResolvedPlan) -> ResolvedMailboxPlan | None:
    return next((m for m in plan.mailbox_plans if m.provision_as_default), None)
