"""The clean-file fast path: decide cheaply that a plan has no finding at all.

A stricter hosting-mode XSD (no datacenter-only features, mailbox size required, compiled once)
and a small XPath over the mailbox-plan attributes run in libxml2; the values then go straight
from the tree into the same dependency and permission rules the full path uses. Anything that
is not surely clean goes to the full rules, which explain each problem; a property test checks
that the fast path never calls a plan clean that the full rules fault.
"""

from __future__ import annotations

import functools

from lxml import etree

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog
from ..model import Location, MailboxPlanElement
from ..plan.schema import MAX_MAILBOX_PLANS, mailbox_plan_count
from ..values import BOOLEANS, Value, ValueProblem, parse_value
from ..xsdgen import generate_xsd
from .dependencies import PlanValues, has_broken_dependency
from .features import ORGANIZATION_PATH, SectionValues
from .mailbox_plans import PER_PLAN_ROLE_ASSIGNMENT, PERMISSION_CATEGORY
from .plan import PlanSections

_NOWHERE = Location("")
_ANONYMOUS = MailboxPlanElement("", "", None, (), _NOWHERE, "")


class FastPath:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        schema_doc = etree.fromstring(generate_xsd(catalog, hosting=True).encode())
        self.schema = etree.XMLSchema(schema_doc)
        self.booleans = {
            scope: frozenset(n for n, f in catalog.scope(scope).items() if f.is_boolean)
            for scope in (ORGANIZATION, MAILBOX_PLAN)
        }
        self.permissions = catalog.in_category(MAILBOX_PLAN, PERMISSION_CATEGORY)

    def is_clean(self, root: etree._Element) -> bool:
        return self.read_clean(root, "", provenance=False) is not None

    def read_clean(
        self, root: etree._Element, source: str, *, provenance: bool = True
    ) -> PlanSections | None:
        """The plan's values when it is surely clean, else None (the full rules decide).

        Without `provenance` the sections carry values only, which is all validation needs.
        """
        if mailbox_plan_count(root) > MAX_MAILBOX_PLANS or not self.schema.validate(root):
            return None
        # the schema vouches for the shape: one Organization, then MailboxPlans of plans
        organization_element, plans_element = (c for c in root if c.tag.__class__ is str)
        plan_elements = [c for c in plans_element if c.tag.__class__ is str]
        if not _attributes_clean(plan_elements):
            return None
        organization = self._section(
            ORGANIZATION,
            organization_element,
            source,
            "the Organization",
            ORGANIZATION_PATH,
            provenance,
        )
        if organization is None:
            return None
        plans: list[tuple[MailboxPlanElement, SectionValues]] = []
        for position, element in enumerate(plan_elements, start=1):
            header = (
                _ANONYMOUS
                if not provenance
                else MailboxPlanElement(
                    name=element.get("Name"),
                    index=element.get("MailboxPlanIndex"),
                    provision_as_default=element.get("ProvisionAsDefault"),
                    features=(),
                    location=Location(source, element.sourceline or 0),
                    path=f"/Configuration/MailboxPlans/MailboxPlan[{position}]",
                    is_pilot=element.get("IsPilotMailboxPlan"),
                )
            )
            section = self._section(
                MAILBOX_PLAN, element, source, header.label, header.path, provenance
            )
            if section is None:
                return None
            plans.append((header, section))
        sections = [section for _, section in plans]
        if organization.values.get(PER_PLAN_ROLE_ASSIGNMENT) is not True and (
            self._permissions_in_several_plans(sections)
        ):
            return None
        if has_broken_dependency(PlanValues(self.catalog, organization, sections)):
            return None
        return PlanSections(organization, tuple(plans))

    def _permissions_in_several_plans(self, sections: list[SectionValues]) -> bool:
        """Whether `permissions_in_several_plans` finds anything, without its messages."""
        enabling = 0
        for section in sections:
            values = section.values
            written = self.permissions & values.keys()
            enabling += any(values[name] is True for name in written)
        return enabling > 1

    def _section(
        self,
        scope: str,
        element: etree._Element,
        source: str,
        label: str,
        path: str,
        provenance: bool,
    ) -> SectionValues | None:
        """The section's values, or None when one needs the full rules to judge."""
        # the parser dropped comments and PIs, and the schema allows no child elements
        rows = (
            [(c.tag, c.text or "", c.sourceline or 0) for c in element]
            if provenance
            else [(c.tag, c.text or "", 0) for c in element]
        )
        values = self._values(scope, rows)
        if values is None:
            return None
        if not provenance:
            return SectionValues(scope, label, _NOWHERE, path, values)
        section = SectionValues(scope, label, Location(source, element.sourceline or 0), path)
        section.values = values
        section.rows = rows
        return section

    def _values(self, scope: str, rows: list[tuple[str, str, int]]) -> dict[str, Value] | None:
        """The rows' values, or None when one needs the full rules to judge."""
        features = self.catalog.scope(scope)
        booleans = self.booleans[scope]
        values: dict[str, Value] = {}
        for name, text, _ in rows:
            value = BOOLEANS.get(text) if name in booleans else None
            if value is not None:  # the common case
                values[name] = value
            else:  # the schema vouched for the name
                feature = features[name]
                try:
                    values[name] = parse_value(
                        feature.type,
                        text,
                        minimum=feature.minimum,
                        maximum=feature.maximum,
                        allowed=feature.values,
                    )
                except ValueProblem:
                    return None
        return values


def _attributes_clean(plans: list[etree._Element]) -> bool:
    """Names present and unique, indexes unique, exactly one default (as the full rules)."""
    names: set[str] = set()
    indexes: set[str] = set()
    defaults = 0
    for plan in plans:
        name, index = plan.get("Name"), plan.get("MailboxPlanIndex")
        if not name.strip() or name in names or index != index.strip() or index in indexes:
            return False  # odd spacing is left to the full rules as well
        names.add(name)
        indexes.add(index)
        defaults += (plan.get("ProvisionAsDefault") or "").strip() in ("true", "1")
    return defaults == 1


@functools.cache
def fast_path(catalog: Catalog) -> FastPath:
    return FastPath(catalog)
