"""Write ServicePlan.xsd from the feature catalogue: `python -m serviceplan.xsdgen > FILE`.

The catalogue is the source of truth; a test checks that the shipped XSD is current.
"""

from __future__ import annotations

import sys

from .catalog import MAILBOX_PLAN, ORGANIZATION, Catalog, Feature, load_catalog
from .values import PATTERNS


def quoteattr(data: str) -> str:
    """xml.sax.saxutils.quoteattr, whose import pulls in urllib, http and ssl (20 ms a run)."""
    data = data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    data = data.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"{}"'.format(data.replace('"', "&quot;"))


_SIMPLE_TYPES = {
    "count": ("CountQuota", "A whole number or Unlimited."),
    "bytes": ("ByteQuantity", "A byte quantity such as 10GB, 100MB or 1048576KB, or Unlimited."),
    "timespan": ("TimeSpan", "A .NET time span: [-][d.]hh:mm[:ss[.fffffff]] or whole days."),
    "enum": ("EnumMember", "An enumeration member name."),
}
_BUILTIN = {"boolean": "xs:boolean", "string": "xs:string"}
_GROUP_TITLES = {
    "global": "Global elements",
    "permission": "Permission elements",
    "quota": "Quota elements",
    "boolean": "Boolean elements",
    "enum": "Enum elements",
    "timespan": "TimeSpan elements",
}


def _element(feature: Feature, indent: str, hosting: bool) -> list[str]:
    required = feature.required and (hosting or feature.scope == ORGANIZATION)
    occurs = f'minOccurs="{1 if required else 0}"'
    head = f'{indent}<xs:element name="{feature.name}"'
    if feature.type == "integer":
        return [
            f"{head} {occurs}>",
            f"{indent}  <xs:simpleType>",
            f'{indent}    <xs:restriction base="xs:integer">',
            f'{indent}      <xs:minInclusive value="{feature.minimum}"/>',
            f'{indent}      <xs:maxInclusive value="{feature.maximum}"/>',
            f"{indent}    </xs:restriction>",
            f"{indent}  </xs:simpleType>",
            f"{indent}</xs:element>",
        ]
    if feature.type == "enum" and feature.values:
        enumerations = [
            f"{indent}      <xs:enumeration value={quoteattr(value)}/>" for value in feature.values
        ]
        return [
            f"{head} {occurs}>",
            f"{indent}  <xs:simpleType>",
            f'{indent}    <xs:restriction base="xs:token">',
            *enumerations,
            f"{indent}    </xs:restriction>",
            f"{indent}  </xs:simpleType>",
            f"{indent}</xs:element>",
        ]
    xsd_type = _BUILTIN.get(feature.type) or _SIMPLE_TYPES[feature.type][0]
    return [f'{head} type="{xsd_type}" {occurs}/>']


def _sequence(catalog: Catalog, scope: str, indent: str, hosting: bool) -> list[str]:
    lines: list[str] = []
    group = None
    for feature in catalog.scope(scope).values():
        if hosting and not feature.hosting:
            continue
        if feature.group != group:
            group = feature.group
            lines.append(f"{indent}<!-- {_GROUP_TITLES[group]} -->")
        lines.extend(_element(feature, indent, hosting))
    return lines


def generate_xsd(catalog: Catalog, *, hosting: bool = False) -> str:
    """The schema; `hosting=True` gives the stricter variant the validator's fast path uses
    (no datacenter-only features, mailbox size required), never shipped as a file."""
    simple_types: list[str] = []
    for kind, (name, doc) in _SIMPLE_TYPES.items():
        simple_types += [
            f'  <xs:simpleType name="{name}">',
            f"    <xs:annotation><xs:documentation>{doc}</xs:documentation></xs:annotation>",
            '    <xs:restriction base="xs:token">',
            f"      <xs:pattern value={quoteattr(PATTERNS[kind])}/>",
            "    </xs:restriction>",
            "  </xs:simpleType>",
        ]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<!-- Generated from the feature catalogue {catalog.name} by"
        " `python -m serviceplan.xsdgen`; edit the catalogue, not this file. -->",
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
        *simple_types,
        '  <xs:element name="Configuration">',
        "    <xs:complexType>",
        "      <xs:sequence>",
        '        <xs:element name="Organization">',
        "          <xs:complexType>",
        "            <xs:sequence>",
        *_sequence(catalog, ORGANIZATION, "              ", hosting),
        "            </xs:sequence>",
        "          </xs:complexType>",
        "        </xs:element>",
        '        <xs:element name="MailboxPlans">',
        "          <xs:complexType>",
        "            <xs:sequence>",
        f'              <xs:element name="{MAILBOX_PLAN}" maxOccurs="unbounded">',
        "                <xs:complexType>",
        "                  <xs:sequence>",
        *_sequence(catalog, MAILBOX_PLAN, "                    ", hosting),
        "                  </xs:sequence>",
        '                  <xs:attribute name="Name" type="xs:string" use="required"/>',
        '                  <xs:attribute name="MailboxPlanIndex" type="xs:byte" use="required"/>',
        '                  <xs:attribute name="ProvisionAsDefault" type="xs:boolean"/>',
        '                  <xs:attribute name="IsPilotMailboxPlan" type="xs:boolean"/>',
        "                </xs:complexType>",
        "              </xs:element>",
        "            </xs:sequence>",
        "          </xs:complexType>",
        "        </xs:element>",
        "      </xs:sequence>",
        '      <xs:attribute name="Version" type="xs:decimal"/>',
        '      <xs:attribute name="Name" type="xs:string"/>',
        "    </xs:complexType>",
        "  </xs:element>",
        "</xs:schema>",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate_xsd(load_catalog()))
