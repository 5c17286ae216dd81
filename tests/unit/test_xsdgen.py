"""The shipped XSD is generated from the catalogue and agrees with it element by element."""

from __future__ import annotations

from importlib import resources

import pytest
import xmlschema

from serviceplan import xsdgen
from serviceplan.catalog import MAILBOX_PLAN, ORGANIZATION, load_catalog
from serviceplan.xsdgen import generate_xsd

XSD = resources.files("serviceplan.schemas") / "ServicePlan.xsd"


def test_shipped_xsd_is_current() -> None:
    assert XSD.read_text(encoding="utf-8") == generate_xsd(load_catalog()), (
        "schemas/ServicePlan.xsd is stale: run `python -m serviceplan.xsdgen > "
        "schemas/ServicePlan.xsd`"
    )


def test_xsd_declares_every_feature_in_catalogue_order() -> None:
    # xmlschema reads the XSD independently of our generator: names, order, occurrence
    schema = xmlschema.XMLSchema(str(XSD))
    configuration = schema.elements["Configuration"]
    organization = configuration.type.content[0]
    mailbox_plan = configuration.type.content[1].type.content[0]
    catalog = load_catalog()
    for scope, declaration in ((ORGANIZATION, organization), (MAILBOX_PLAN, mailbox_plan)):
        declared = [(e.name, e.min_occurs, e.max_occurs) for e in declaration.type.content]
        expected = [
            (f.name, 1 if f.required and scope == ORGANIZATION else 0, 1)
            for f in catalog.scope(scope).values()
        ]
        assert declared == expected


def test_xsd_types_follow_feature_types() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    catalog = load_catalog()
    organization = schema.elements["Configuration"].type.content[0]
    types = {e.name: e.type for e in organization.type.content}
    for feature in catalog.scope(ORGANIZATION).values():
        xsd_type = types[feature.name]
        if feature.type == "boolean":
            assert xsd_type.name.endswith("boolean"), feature.name
        elif feature.type == "count":
            assert xsd_type.name == "CountQuota", feature.name
            assert xsd_type.is_valid("Unlimited") and not xsd_type.is_valid("-1")


@pytest.mark.parametrize(
    "value", ["plain", "a&b<c>", 'say "hi"', 'it\'s "x"', "it's", "tab\there\nnew\rline", ""]
)
def test_quoteattr_writes_what_the_standard_library_writes(value: str) -> None:
    from xml.sax.saxutils import quoteattr as standard

    assert xsdgen.quoteattr(value) == standard(value)
