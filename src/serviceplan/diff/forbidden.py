"""Feature transitions Update-ServicePlan refuses (SP604): the value changes it will not make
when it moves a tenant from one plan to another, whether by a repoint, a direct move between
two plan files, or (for new tenants only) an edit in place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..model import Finding, Location, ResolvedPlan
from ..rules.registry import rule
from ..values import UNSET_TEXT, format_value


class ValueChange(Protocol):
    """What SP604 reads of a change (diff.changes.Change has it)."""

    @property
    def feature(self) -> str: ...
    @property
    def old(self) -> object: ...
    @property
    def new(self) -> object: ...
    @property
    def old_location(self) -> Location | None: ...
    @property
    def new_location(self) -> Location | None: ...


def _forbidden_move(feature: str, old: object, new: object, old_plans: int, new_plans: int) -> str:
    """Why Update-ServicePlan refuses this value change (domain.md); empty: it accepts it."""
    if feature == "PerMBXPlanOWAPolicyEnabled":
        return "any change of PerMBXPlanOWAPolicyEnabled"
    if feature == "PerMBXPlanRoleAssignmentPolicyEnabled":
        if new is True:
            return "PerMBXPlanRoleAssignmentPolicyEnabled cannot be turned on"
        if old_plans > 1:
            return (
                "PerMBXPlanRoleAssignmentPolicyEnabled cannot be turned off while the "
                "old plan has several mailbox plans"
            )
    if feature == "PerMBXPlanRetentionPolicyEnabled" and new_plans > 1:
        return (
            "PerMBXPlanRetentionPolicyEnabled cannot change when the new plan has "
            "several mailbox plans"
        )
    if feature in _SHARED_FLAGS and old is not True and new is True:
        return f"{feature} cannot be turned on"
    return ""


_SHARED_FLAGS = frozenset(
    {
        "ShareableConfigurationEnabled",
        "CommonHydrateableObjectsSharedEnabled",
        "AdvancedHydrateableObjectsSharedEnabled",
    }
)


def forbidden_transitions(
    old: ResolvedPlan, new: ResolvedPlan, changes: Iterable[ValueChange]
) -> list[Finding]:
    """SP604 for each of `changes` (Organization settings whose value changes) that
    Update-ServicePlan refuses when it moves a tenant from `old` to `new`."""
    findings = []
    for change in changes:
        reason = _forbidden_move(
            change.feature, change.old, change.new, len(old.mailbox_plans), len(new.mailbox_plans)
        )
        if reason:
            findings.append(
                rule("forbidden-transition").finding(
                    f"{change.feature}: {_shown(change.old)} -> {_shown(change.new)} "
                    f"({old.name} to {new.name}): {reason}; Update-ServicePlan refuses the update",
                    change.new_location or change.old_location or Location(new.source, 1),
                )
            )
    return findings


def _shown(value: object) -> str:
    return UNSET_TEXT if value is None else format_value(value)  # type: ignore[arg-type]
