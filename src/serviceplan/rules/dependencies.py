"""Dependency rules: each catalogue `requires` clause checked against the plan's values."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ..catalog import (
    ORGANIZATION,
    Catalog,
    Condition,
    ConditionKind,
    Feature,
    Requirement,
    Target,
)
from ..model import Finding
from ..values import Unlimited, Value, format_bytes, format_value
from .features import SectionValues, value_of
from .registry import rule

_BROKEN = rule("broken-dependency")
_LISTED = 20  # mailbox plans named in one message


class PlanValues:
    """The Organization's and every mailbox plan's values, with the catalogue's defaults."""

    def __init__(
        self, catalog: Catalog, organization: SectionValues, plans: Sequence[SectionValues]
    ) -> None:
        self.catalog = catalog
        self.organization = organization
        self.plans = plans
        self._derived: dict[str, bool] = {}  # derived values are Organization-wide: once each
        # so are "in any / every mailbox plan": once each, not once per plan asking (n^2)
        self._across: dict[tuple[str, str], bool] = {}
        self._failing: dict[str, list[str]] = {}

    def holds(self, target: Target, section: SectionValues) -> bool:
        """Whether the target is on (set), or off (unset) when negated."""
        derived = self.catalog.derived.get(target.name)
        if derived is not None:
            result = self._derived.get(derived.name)
            if result is None:
                result = any(self.holds(term, self.organization) for term in derived.terms)
                self._derived[derived.name] = result
        elif target.where in ("any-plan", "every-plan"):
            key = (target.where, target.name)
            result = self._across.get(key)
            if result is None:
                test = any if target.where == "any-plan" else all
                result = test(self._is_on(target.name, plan) for plan in self.plans)
                self._across[key] = result
        else:
            where = self.organization if target.where == "org" else section
            result = self._is_on(target.name, where)
        return result != target.negate

    def _is_on(self, name: str, section: SectionValues) -> bool:
        """A boolean that is on (written, or on by default), or any other feature written."""
        value = section.values.get(name)
        if value is None:
            return name in self.catalog.on_by_default(section.scope)
        return value is not False

    def failing_plans(self, target: Target) -> list[str]:
        failing = self._failing.get(target.name)
        if failing is None:
            failing = [plan.label for plan in self.plans if not self._is_on(target.name, plan)]
            self._failing[target.name] = failing
        return failing


def applies(condition: Condition, feature: Feature, value: Value | None, written: bool) -> bool:
    kind = condition.kind
    if kind is ConditionKind.DEFAULT:
        kind = ConditionKind.ON if feature.is_boolean else ConditionKind.SET
    if kind is ConditionKind.ON:
        return value is True
    if kind is ConditionKind.OFF:
        return value is not True
    if kind is ConditionKind.SET:
        return written and value is not None
    if value is None:
        return False
    if kind is ConditionKind.GE:
        return isinstance(value, Unlimited) or (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value >= int(condition.operand)
        )
    same = format_value(value).casefold() == condition.operand.casefold()
    return same if kind is ConditionKind.EQ else not same


@functools.cache
def requirement_split(
    catalog: Catalog, scope: str
) -> tuple[dict[str, Feature], tuple[Feature, ...]]:
    """Features with requirements: those judged only when written, and the few judged always.

    A requirement can apply to a feature that is not written only through its default (an
    `off:` clause, or a quota whose default meets a `value>=` clause); the rest need looking
    at only for the features a plan actually writes.
    """
    when_written: dict[str, Feature] = {}
    always: list[Feature] = []
    for feature in catalog.scope(scope).values():
        if not feature.requires:
            continue
        if any(applies(r.when, feature, feature.default_value, False) for r in feature.requires):
            always.append(feature)
        else:
            when_written[feature.name] = feature
    return when_written, tuple(always)


def check_dependencies(values: PlanValues) -> list[Finding]:
    catalog = values.catalog
    findings: list[Finding] = []
    for section in (values.organization, *values.plans):
        when_written, always = requirement_split(catalog, section.scope)
        judged: list[tuple[Feature, Value | None]] = [
            (feature, value)
            for name, value in section.values.items()
            if value is not False and (feature := when_written.get(name)) is not None
        ]
        judged += [(f, value_of(section, catalog, f.name)) for f in always]
        for feature, value in judged:
            written = feature.name in section.values
            for requirement in feature.requires:
                if applies(requirement.when, feature, value, written) and not values.holds(
                    requirement.target, section
                ):
                    findings.append(_broken(values, section, feature, value, requirement))
    return findings


# A requirement as the fast path checks it: the feature, the requirement, whether its condition
# is simply "on" (the default condition of a boolean: most of them), and for a target that is
# a plain feature of the same section or the Organization (most of them) that feature's name,
# whether the target is the Organization's, and whether it is negated; None for the others,
# which `PlanValues.holds` judges.
_Check = tuple[Feature, Requirement, bool, tuple[str, bool, bool] | None]


@functools.cache
def _when_written(catalog: Catalog, scope: str) -> dict[str, tuple[_Check, ...]]:
    """`requirement_split`'s features judged when written, each requirement as a `_Check`."""
    when_written, _ = requirement_split(catalog, scope)

    def check(feature: Feature, requirement: Requirement) -> _Check:
        kind, target = requirement.when.kind, requirement.target
        on = kind is ConditionKind.ON or (kind is ConditionKind.DEFAULT and feature.is_boolean)
        plain = target.where in ("same", "org") and target.name not in catalog.derived
        simple = (target.name, target.where == "org", target.negate) if plain else None
        return feature, requirement, on, simple

    return {
        name: tuple(check(feature, requirement) for requirement in feature.requires)
        for name, feature in when_written.items()
    }


def has_broken_dependency(values: PlanValues) -> bool:
    """Whether `check_dependencies` finds anything (the clean-file fast path's question),
    without its messages and stopping at the first."""
    catalog, organization = values.catalog, values.organization
    for section in (organization, *values.plans):
        written = section.values
        table = _when_written(catalog, section.scope)
        for name in table.keys() & written.keys():
            value = written[name]
            if value is False:
                continue
            for feature, requirement, on, simple in table[name]:
                if not (value is True if on else applies(requirement.when, feature, value, True)):
                    continue
                if simple is None:
                    held = values.holds(requirement.target, section)
                else:  # `holds` for a plain feature, inline: this runs for every plan
                    target, in_organization, negate = simple
                    place = organization if in_organization else section
                    current = place.values.get(target)
                    if current is None:
                        held = (target in catalog.on_by_default(place.scope)) != negate
                    else:
                        held = (current is not False) != negate
                if not held:
                    return True
        for feature in requirement_split(catalog, section.scope)[1]:
            current = value_of(section, catalog, feature.name)
            is_written = feature.name in written
            for requirement in feature.requires:
                if applies(requirement.when, feature, current, is_written) and not values.holds(
                    requirement.target, section
                ):
                    return True
    return False


def _describe_value(feature: Feature, value: Value | None) -> str:
    if feature.is_boolean:
        return "on" if value is True else "off"
    if value is None:
        return "not set"
    if feature.type == "bytes" and isinstance(value, int):
        return format_bytes(value)
    return format_value(value)


def _broken(
    values: PlanValues,
    section: SectionValues,
    feature: Feature,
    value: Value | None,
    requirement: Requirement,
) -> Finding:
    target = requirement.target
    catalog = values.catalog
    scope = {"same": section.scope, "org": ORGANIZATION}.get(target.where, "MailboxPlan")
    needed = target.describe(catalog.is_boolean(scope, target.name))
    if target.where == "same" and section.scope != ORGANIZATION:
        needed += " in the same mailbox plan"
    derived = catalog.derived.get(target.name)
    if derived is not None:
        needed += f" ({derived.text.replace('|', 'or').replace('!', 'not ')})"
    state = _describe_value(feature, value)
    where = "" if section.scope == ORGANIZATION else f" in {section.label}"
    when = "" if requirement.when.kind is ConditionKind.DEFAULT else f" (rule: {requirement.text})"
    message = f"{feature.name} is {state}{where}, which needs {needed}{when}"
    if target.where == "every-plan":
        failing = values.failing_plans(target)
        shown = ", ".join(failing[:_LISTED])
        more = f" and {len(failing) - _LISTED:,} more" if len(failing) > _LISTED else ""
        message += f"; not in: {shown}{more}"
    location, path = section.at(feature.name)
    hint = f"change {target.name}, or change {feature.name}"
    return _BROKEN.finding(message, location, hint=hint, path=path)
