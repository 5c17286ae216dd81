"""XSD validation: the schema ships in the package and is compiled once per process."""

from __future__ import annotations

import functools
import itertools
from importlib import resources

from lxml import etree

from ..errors import CatalogError
from ..model import Finding, Location
from ..rules.limits import MAX_FINDINGS_PER_FILE, limited
from ..rules.registry import rule

SCHEMA_FILE = "ServicePlan.xsd"
MAX_MAILBOX_PLANS = 256  # MailboxPlanIndex is an xs:byte, unique in the file
MAX_ATTRIBUTES = 2 + 4 * MAX_MAILBOX_PLANS  # Configuration's two, each MailboxPlan's four
_SCHEMA_VIOLATION = rule("schema-violation")


def safe_parser(*, keep_comments: bool = True) -> etree.XMLParser:
    """A parser that never loads a DTD, expands an entity or touches the network.

    Without `keep_comments` it also drops comments, PIs and blank text between elements:
    validation never reads them, a value split by a comment reads whole, and the smaller
    tree parses and walks faster. Line numbers are unaffected.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        remove_comments=not keep_comments,
        remove_pis=not keep_comments,
        remove_blank_text=not keep_comments,
    )


@functools.cache
def compiled_schema() -> etree.XMLSchema:
    data = (resources.files("serviceplan.schemas") / SCHEMA_FILE).read_bytes()
    try:
        return etree.XMLSchema(etree.fromstring(data, safe_parser()))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise CatalogError(f"the shipped {SCHEMA_FILE} does not compile: {error}") from error


def mailbox_plan_count(root: etree._Element) -> int:
    """How many elements MailboxPlans holds (the one element a plan repeats)."""
    plans = root.find("MailboxPlans")
    return 0 if plans is None else len(plans)


def _not_checked(root: etree._Element) -> str:
    """Why the XSD is not run on this tree (empty: it is): libxml2 would take time or memory
    out of all proportion (each error's path counts the element's preceding siblings; each
    error logged costs about a kilobyte), for a tree the schema refuses anyway."""
    count = mailbox_plan_count(root)
    if count > MAX_MAILBOX_PLANS:
        return (
            f"MailboxPlans holds {count:,} elements; MailboxPlanIndex (an xs:byte) tells at "
            f"most {MAX_MAILBOX_PLANS} mailbox plans apart"
        )
    attributes = int(root.xpath("count(//@*)"))
    if attributes > MAX_ATTRIBUTES:
        return f"the plan has {attributes:,} attributes; the schema allows {MAX_ATTRIBUTES:,}"
    return ""


def schema_findings(root: etree._Element, source: str) -> list[Finding]:
    """Every XSD error of the document (empty when valid)."""
    reason = _not_checked(root)
    if reason:
        return [
            _SCHEMA_VIOLATION.finding(
                f"{reason}, so the schema check was not run", Location(source, root.sourceline or 0)
            )
        ]
    schema = compiled_schema()
    if schema.validate(root):
        return []
    findings = []
    for entry in itertools.islice(schema.error_log, MAX_FINDINGS_PER_FILE + 1):
        message = entry.message.replace("{http://www.w3.org/2001/XMLSchema}", "xs:")
        findings.append(
            _SCHEMA_VIOLATION.finding(
                message.rstrip("."), Location(source, entry.line, entry.column), path=entry.path
            )
        )
    return limited(findings)
