"""Domain rules: one module per rule family, every rule registered in `registry`."""

from __future__ import annotations

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog
from ..model import Finding, PlanDocument
from .dependencies import PlanValues, check_dependencies
from .features import ORGANIZATION_PATH, SectionValues, check_section
from .mailbox_plans import check_mailbox_plans
from .registry import RULES, Rule


def check_plan(document: PlanDocument, catalog: Catalog) -> list[Finding]:
    """Every domain finding for one parsed plan, in Exchange's order of checks."""
    findings: list[Finding] = []
    organization = SectionValues(
        ORGANIZATION, "the Organization", document.organization_location or document.location,
        ORGANIZATION_PATH,
    )
    if document.organization is not None:
        findings += check_section(catalog, organization, document.organization)
    plans: list[SectionValues] = []
    for plan in document.mailbox_plans:
        section = SectionValues(MAILBOX_PLAN, plan.label, plan.location, plan.path)
        findings += check_section(catalog, section, plan.features)
        plans.append(section)
    findings += check_mailbox_plans(document, catalog, plans, organization)
    if document.organization is not None:
        findings += check_dependencies(PlanValues(catalog, organization, plans))
    return findings


__all__ = ["RULES", "Rule", "check_plan"]
