"""The domain rules applied to one parsed plan, in Exchange's order of checks."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog
from ..model import Finding, MailboxPlanElement, PlanDocument
from .dependencies import PlanValues, check_dependencies
from .features import ORGANIZATION_PATH, SectionValues, check_section
from .limits import MAX_FINDINGS_PER_FILE, limited
from .mailbox_plans import check_mailbox_plans


@dataclass(frozen=True, slots=True)
class PlanSections:
    """A plan read into values, section by section: what the rules judged, and what compile
    resolves when they found no error."""

    organization: SectionValues
    mailbox_plans: tuple[tuple[MailboxPlanElement, SectionValues], ...]


def read_plan(document: PlanDocument, catalog: Catalog) -> tuple[list[Finding], PlanSections]:
    """Every domain finding for one parsed plan, in Exchange's order of checks, and its values."""
    findings: list[Finding] = []
    organization = SectionValues(
        ORGANIZATION,
        "the Organization",
        document.organization_location or document.location,
        ORGANIZATION_PATH,
    )
    if document.organization is not None:
        findings += check_section(catalog, organization, document.organization)
    plans: list[SectionValues] = []
    for plan in document.mailbox_plans:
        section = SectionValues(MAILBOX_PLAN, plan.label, plan.location, plan.path)
        if len(findings) <= MAX_FINDINGS_PER_FILE:  # else checking has stopped
            findings += check_section(
                catalog, section, plan.features, MAX_FINDINGS_PER_FILE - len(findings)
            )
        plans.append(section)
    if len(findings) <= MAX_FINDINGS_PER_FILE:
        findings += check_mailbox_plans(document, catalog, plans, organization)
    if document.organization is not None and len(findings) <= MAX_FINDINGS_PER_FILE:
        findings += check_dependencies(PlanValues(catalog, organization, plans))
    pairs = tuple(zip(document.mailbox_plans, plans, strict=True))
    return limited(findings), PlanSections(organization, pairs)
