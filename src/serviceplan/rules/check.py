"""The validation entry for one plan: the fast path for a clean file, else XSD first and the
domain rules after, with schema errors a domain finding already explains left out."""

from __future__ import annotations

import re

from lxml import etree

from ..catalog import Catalog
from ..model import Finding
from ..plan.load import build_document, parse_plan_xml, plan_name_of
from ..plan.schema import schema_findings
from .fastpath import fast_path
from .plan import PlanSections, read_plan


def validate_plan_bytes(data: bytes, source: str, catalog: Catalog) -> list[Finding]:
    root, findings = parse_plan_xml(data, source)
    if root is None:
        return findings
    if fast_path(catalog).is_clean(root):  # values only: validation needs no provenance
        return []
    return explain_plan(root, source, catalog)


def load_plan(
    data: bytes, source: str, catalog: Catalog
) -> tuple[list[Finding], PlanSections | None]:
    """Findings for one plan file, and its values when it could be read into sections."""
    root, findings = parse_plan_xml(data, source)
    if root is None:
        return findings, None
    sections = fast_path(catalog).read_clean(root, source)
    if sections is not None:
        return [], sections
    return explain_plan_sections(root, source, catalog)


def explain_plan(root: etree._Element, source: str, catalog: Catalog) -> list[Finding]:
    """The full rules, on the slow path: every finding of a parsed plan, explained."""
    return explain_plan_sections(root, source, catalog)[0]


def explain_plan_sections(
    root: etree._Element, source: str, catalog: Catalog
) -> tuple[list[Finding], PlanSections | None]:
    """XSD first, then domain rules; schema errors the domain rules explain are not repeated."""
    xsd = schema_findings(root, source)
    if root.tag != "Configuration":
        return xsd, None
    domain, sections = read_plan(build_document(root, source, plan_name_of(source)), catalog)
    return domain + [finding for finding in xsd if not _explained(finding, domain)], sections


_SECTION = re.compile(r"^/Configuration/(?:Organization|MailboxPlans/MailboxPlan\[\d+\])")
_CONTENT_MODEL = ("This element is not expected", "Missing child element")


def _explained(xsd: Finding, domain: list[Finding]) -> bool:
    """Whether a domain finding already says what this schema error says, more precisely.

    A misplaced or missing feature also breaks the rest of its section's content model, so
    libxml2's content-model errors in a section with a domain finding are echoes of it.
    """
    path = re.sub(r"MailboxPlan(?=/|$)", "MailboxPlan[1]", xsd.path)
    if not path:
        return any(f.location.line == xsd.location.line for f in domain)
    if "attribute '" in xsd.message:  # explained only by a finding about that attribute
        attribute = xsd.message.split("attribute '", 1)[1].split("'", 1)[0]
        return any(f.path == path and attribute in f.message for f in domain)
    if any(f.path == path for f in domain):
        return True
    section = _SECTION.match(path)
    if (
        section is None
        or not xsd.message.startswith("Element")
        or not any(text in xsd.message for text in _CONTENT_MODEL)
    ):
        return False
    return any(f.path.startswith(section.group(0)) for f in domain)
