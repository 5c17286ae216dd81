"""The clean-file fast path: decide in C (libxml2) that a plan has no finding at all.

A stricter hosting-mode XSD (no datacenter-only features, mailbox size required) and one XPath
expression holding every dependency and mailbox-plan rule, both generated from the catalogue
and compiled once, answer "surely clean" for the common case. Anything else goes to the Python
rules, which explain each problem; a test checks the two always agree.
"""

from __future__ import annotations

import functools

from lxml import etree

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog, Condition, Feature, Target
from ..values import ValueProblem, parse_value
from ..xsdgen import generate_xsd
from .mailbox_plans import PER_PLAN_ROLE_ASSIGNMENT, PERMISSION_CATEGORY

_PLANS = "MailboxPlans/MailboxPlan"
_UPPER, _LOWER_CASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
_LOWER = f"translate(normalize-space({{}}), '{_UPPER}', '{_LOWER_CASE}')"


def _on(path: str) -> str:
    return f"(normalize-space({path})='true' or normalize-space({path})='1')"


class FastPath:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        schema_doc = etree.fromstring(generate_xsd(catalog, hosting=True).encode())
        self.schema = etree.XMLSchema(schema_doc)
        self.rules = etree.XPath(f"boolean({self._rules_expression()})")
        checked = [
            f for f in catalog.features if f.type in ("count", "bytes", "timespan") and f.hosting
        ]
        self.features = {f.name: f for f in checked}
        paths = [
            f"Organization/{f.name}" if f.scope == ORGANIZATION else f"{_PLANS}/{f.name}"
            for f in checked
        ]
        self.values = etree.XPath(" | ".join(paths))

    def is_clean(self, root: etree._Element) -> bool:
        if not self.schema.validate(root) or not self.rules(root):
            return False
        for element in self.values(root):  # ranges the XSD patterns cannot express
            feature = self.features[element.tag]
            try:
                parse_value(feature.type, element.text or "")
            except ValueProblem:
                return False
        return True

    def _rules_expression(self) -> str:
        clauses = [
            f"count({_PLANS}[{_on('@ProvisionAsDefault')}]) = 1",
            f"not({_PLANS}[@Name = preceding-sibling::MailboxPlan/@Name])",
            f"not({_PLANS}[normalize-space(@Name) = ''])",
            # indexes are compared as trimmed text; leave odd spacing to the full rules
            f"not({_PLANS}[@MailboxPlanIndex != normalize-space(@MailboxPlanIndex)])",
            f"not({_PLANS}[@MailboxPlanIndex = preceding-sibling::MailboxPlan/@MailboxPlanIndex])",
        ]
        permissions = [
            f for f in self.catalog.scope(MAILBOX_PLAN).values()
            if PERMISSION_CATEGORY in f.categories
        ]
        any_permission = " or ".join(_on(f.name) for f in permissions)
        clauses.append(
            f"{_on('Organization/' + PER_PLAN_ROLE_ASSIGNMENT)} or "
            f"count({_PLANS}[{any_permission}]) <= 1"
        )
        for feature in self.catalog.features:
            for requirement in feature.requires:
                applies = self._condition(feature, requirement.when)
                holds = self._target(feature, requirement.target)
                if feature.scope == ORGANIZATION:
                    clauses.append(f"not({applies}) or ({holds})")
                else:
                    clauses.append(f"not({_PLANS}[({applies}) and not({holds})])")
        return " and ".join(f"({clause})" for clause in clauses)

    def _path(self, feature: Feature, name: str) -> str:
        return f"Organization/{name}" if feature.scope == ORGANIZATION else name

    def _condition(self, feature: Feature, when: Condition) -> str:
        path = self._path(feature, feature.name)
        kind = when.kind
        if kind == "default":
            kind = "on" if feature.is_boolean else "set"
        if kind == "on":
            return _on(path)
        if kind == "off":
            return f"not({_on(path)})"
        if kind == "set":
            return f"boolean({path})"
        if kind == "ge":
            return (f"boolean({path}) and ({_LOWER.format(path)}='unlimited' or "
                    f"number(normalize-space({path})) >= {int(when.operand)})")
        operand = when.operand.casefold()
        same = (f"number(normalize-space({path})) = {int(operand)}" if operand.isdigit()
                else f"{_LOWER.format(path)}='{operand}'")
        return f"boolean({path}) and {'' if kind == 'eq' else 'not'}({same})"

    def _target(self, feature: Feature, target: Target) -> str:
        derived = self.catalog.derived.get(target.name)
        if derived is not None:
            terms = " or ".join(
                self._target(self.catalog.scope(ORGANIZATION)[t.name], t) for t in derived.terms
            )
            expression = terms if feature.scope == ORGANIZATION else terms.replace(
                "Organization/", "../../Organization/")
        else:
            scope = {"same": feature.scope, "org": ORGANIZATION}.get(target.where, MAILBOX_PLAN)
            boolean = self.catalog.is_boolean(scope, target.name)

            def test(path: str) -> str:
                return _on(path) if boolean else f"boolean({path})"

            if target.where == "any-plan":
                expression = f"boolean({_PLANS}[{test(target.name)}])"
            elif target.where == "every-plan":
                expression = f"not({_PLANS}[not({test(target.name)})])"
            elif target.where == "org" or scope == ORGANIZATION:
                prefix = "Organization/" if feature.scope == ORGANIZATION else "../../Organization/"
                expression = test(prefix + target.name)
            else:
                expression = test(target.name)
        return f"not({expression})" if target.negate else f"({expression})"


@functools.cache
def fast_path(catalog: Catalog) -> FastPath:
    return FastPath(catalog)
