"""Mailbox-plan rules: at least one plan, one default, unique names and indexes, attributes,
and MailboxPlanPermissions features in one plan only unless per-plan role assignment is on."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..catalog import MAILBOX_PLAN, Catalog
from ..model import Finding, MailboxPlanElement, PlanDocument
from ..values import ValueProblem, parse_flag, parse_value
from .features import SectionValues
from .registry import rule

PER_PLAN_ROLE_ASSIGNMENT = "PerMBXPlanRoleAssignmentPolicyEnabled"
PERMISSION_CATEGORY = "MailboxPlanPermissions"
_ATTRIBUTE = rule("invalid-mailbox-plan-attribute")


def check_attributes(plan: MailboxPlanElement) -> list[Finding]:
    findings = []
    if not (plan.name or "").strip():
        findings.append(
            _ATTRIBUTE.finding(
                "a MailboxPlan without a Name",
                plan.location,
                path=plan.path,
                hint='add Name="..."; tenants see mailbox plans by name',
            )
        )
    if plan.index is None:
        findings.append(
            _ATTRIBUTE.finding(
                f"{plan.label} has no MailboxPlanIndex", plan.location, path=plan.path
            )
        )
    else:
        try:
            parse_value("integer", plan.index, minimum=-128, maximum=127)
        except ValueProblem as problem:
            findings.append(
                _ATTRIBUTE.finding(
                    f"{plan.label} has MailboxPlanIndex {plan.index!r}: {problem}",
                    plan.location,
                    path=plan.path,
                    hint="use a small whole number such as 0, 1, 2",
                )
            )
    for attribute, text in (
        ("ProvisionAsDefault", plan.provision_as_default),
        ("IsPilotMailboxPlan", plan.is_pilot),
    ):
        if parse_flag(text) is None:
            findings.append(
                _ATTRIBUTE.finding(
                    f"{plan.label} has {attribute} {text!r}",
                    plan.location,
                    path=plan.path,
                    hint="write true or false",
                )
            )
    return findings


def check_mailbox_plans(
    document: PlanDocument,
    catalog: Catalog,
    sections: Sequence[SectionValues],
    organization: SectionValues,
) -> list[Finding]:
    plans = document.mailbox_plans
    findings: list[Finding] = []
    if document.mailbox_plans_location is not None and not plans:
        findings.append(
            rule("no-mailbox-plan").finding(
                "MailboxPlans holds no MailboxPlan",
                document.mailbox_plans_location,
                path="/Configuration/MailboxPlans",
            )
        )
        return findings
    for plan in plans:
        findings.extend(check_attributes(plan))
    defaults = [plan for plan in plans if parse_flag(plan.provision_as_default)]
    if plans and len(defaults) != 1:
        where = document.mailbox_plans_location or document.location
        detail = (
            "none has"
            if not defaults
            else (f"{len(defaults)} have ({', '.join(repr(p.name) for p in defaults)})")
        )
        findings.append(
            rule("default-mailbox-plan").finding(
                f'exactly one mailbox plan must have ProvisionAsDefault="true"; {detail}',
                defaults[1].location if len(defaults) > 1 else where,
            )
        )
    findings += _duplicates(plans, "Name", lambda p: p.name, "duplicate-mailbox-plan-name")
    findings += _duplicates(
        plans,
        "MailboxPlanIndex",
        lambda p: (p.index or "").strip().casefold() or None,
        "duplicate-mailbox-plan-index",
    )
    if organization.values.get(PER_PLAN_ROLE_ASSIGNMENT) is not True:
        findings += permissions_in_several_plans(catalog, sections)
    return findings


def _duplicates(
    plans: Sequence[MailboxPlanElement],
    attribute: str,
    key: Callable[[MailboxPlanElement], str | None],
    rule_name: str,
) -> list[Finding]:
    seen: dict[str, MailboxPlanElement] = {}
    findings = []
    for plan in plans:
        value = key(plan)
        if value is None:
            continue
        if value in seen:
            findings.append(
                rule(rule_name).finding(
                    f"{plan.label} has the same {attribute} as the mailbox plan at line "
                    f"{seen[value].location.line}",
                    plan.location,
                    path=plan.path,
                )
            )
        else:
            seen[value] = plan
    return findings


def permissions_in_several_plans(
    catalog: Catalog, sections: Sequence[SectionValues]
) -> list[Finding]:
    permission_features = catalog.in_category(MAILBOX_PLAN, PERMISSION_CATEGORY)
    enabling = []
    for section in sections:
        names = permission_features & {n for n, v in section.values.items() if v is True}
        if names:
            order = catalog.scope(MAILBOX_PLAN)
            enabling.append((section, sorted(names, key=lambda n: order[n].position)))
    if len(enabling) < 2:
        return []
    first = enabling[0][0]
    return [
        rule("mailbox-plan-permissions-in-several-plans").finding(
            f"{section.label} enables {', '.join(names)} while {first.label} also enables "
            f"MailboxPlanPermissions features, and {PER_PLAN_ROLE_ASSIGNMENT} is off",
            section.location,
            hint=f"enable them in one mailbox plan only, or set {PER_PLAN_ROLE_ASSIGNMENT} "
            "to true in the Organization",
        )
        for section, names in enabling[1:]
    ]
