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
from ..model import Location
from ..values import Value, ValueProblem, parse_value
from ..xsdgen import generate_xsd
from .dependencies import PlanValues, check_dependencies
from .features import SectionValues
from .mailbox_plans import PER_PLAN_ROLE_ASSIGNMENT, permissions_in_several_plans

_BOOLEANS: dict[str | None, bool] = {"true": True, "false": False, "1": True, "0": False}
_NOWHERE = Location("")


class FastPath:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        schema_doc = etree.fromstring(generate_xsd(catalog, hosting=True).encode())
        self.schema = etree.XMLSchema(schema_doc)
        self.booleans = {
            scope: frozenset(n for n, f in catalog.scope(scope).items() if f.is_boolean)
            for scope in (ORGANIZATION, MAILBOX_PLAN)
        }

    def is_clean(self, root: etree._Element) -> bool:
        if not self.schema.validate(root):
            return False
        # the schema vouches for the shape: one Organization, then MailboxPlans of plans
        organization_element, plans_element = (c for c in root if c.tag.__class__ is str)
        plan_elements = [c for c in plans_element if c.tag.__class__ is str]
        if not _attributes_clean(plan_elements):
            return False
        organization = self._section(ORGANIZATION, organization_element)
        plans = [self._section(MAILBOX_PLAN, plan) for plan in plan_elements]
        if organization is None or None in plans:
            return False
        sections = [plan for plan in plans if plan is not None]
        if organization.values.get(PER_PLAN_ROLE_ASSIGNMENT) is not True and (
            permissions_in_several_plans(self.catalog, sections)
        ):
            return False
        return not check_dependencies(PlanValues(self.catalog, organization, sections))

    def _section(self, scope: str, element: etree._Element) -> SectionValues | None:
        """The section's values, or None when one needs the full rules to judge."""
        features = self.catalog.scope(scope)
        booleans = self.booleans[scope]
        values: dict[str, Value] = {}
        # the parser dropped comments and PIs, and the schema allows no child elements
        for name, text in [(c.tag, c.text) for c in element]:
            value = _BOOLEANS.get(text) if name in booleans else None
            if value is not None:  # the common case
                values[name] = value
            else:  # the schema vouched for the name
                feature = features[name]
                try:
                    values[name] = parse_value(
                        feature.type, text or "", minimum=feature.minimum,
                        maximum=feature.maximum, allowed=feature.values)
                except ValueProblem:
                    return None
        section = SectionValues(scope, "", _NOWHERE, "")
        section.values = values
        return section


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
