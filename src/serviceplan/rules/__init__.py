"""Domain rules: one module per rule family, every rule registered in `registry`."""

from __future__ import annotations

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog
from ..model import Finding, PlanDocument
from .dependencies import PlanValues, check_dependencies
from .features import SectionValues, check_section
from .mailbox_plans import check_mailbox_plans
from .registry import RULES, Rule


def check_plan(document: PlanDocument, catalog: Catalog) -> list[Finding]:
    """Every domain finding for one parsed plan, in Exchange's order of checks."""
    findings: list[Finding] = []
    org_location = document.organization_location or document.location
    org_findings, organization = check_section(
        catalog, ORGANIZATION, "the Organization", org_location, document.organization or ()
    )
    if document.organization is not None:
        findings += org_findings
    plans: list[SectionValues] = []
    for plan in document.mailbox_plans:
        plan_findings, section = check_section(
            catalog, MAILBOX_PLAN, plan.label, plan.location, plan.features
        )
        findings += plan_findings
        plans.append(section)
    findings += check_mailbox_plans(document, catalog, plans, organization)
    if document.organization is not None:
        findings += check_dependencies(PlanValues(catalog, organization, plans))
    return findings


__all__ = ["RULES", "Rule", "check_plan"]
