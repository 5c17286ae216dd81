"""Feature rules for one section (the Organization or one mailbox plan): names, placement,
order, duplicates, required features, hosting mode and values."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog, Feature
from ..model import FeatureElement, Finding, Location
from ..values import Value, ValueProblem, parse_value
from .registry import rule

_UNKNOWN = rule("unknown-feature")
_WRONG_SECTION = rule("wrong-section")
_ORDER = rule("feature-out-of-order")
_DUPLICATE = rule("duplicate-feature")
_DATACENTER = rule("datacenter-only-feature")
_INVALID = rule("invalid-value")
_CONTENT = rule("unexpected-content")
_MISSING = {ORGANIZATION: rule("required-quota-missing"), MAILBOX_PLAN: rule("mailbox-size-missing")}


@dataclass
class SectionValues:
    """The valid values a section sets, with the element of each: input to the dependency rules."""

    scope: str
    label: str  # "the Organization" or "mailbox plan 'Premium'"
    location: Location
    values: dict[str, Value] = field(default_factory=dict)
    elements: dict[str, FeatureElement] = field(default_factory=dict)


def check_section(
    catalog: Catalog,
    scope: str,
    label: str,
    location: Location,
    elements: Sequence[FeatureElement],
) -> tuple[list[Finding], SectionValues]:
    known = catalog.scope(scope)
    section = SectionValues(scope, label, location)
    findings: list[Finding] = []
    ordered: list[tuple[Feature, FeatureElement]] = []
    for element in elements:
        feature = known.get(element.name)
        if feature is None:
            findings.append(_misplaced_or_unknown(catalog, scope, label, element))
            continue
        first = section.elements.get(feature.name)
        if first is not None:
            findings.append(_DUPLICATE.finding(
                f"{feature.name} appears twice in {label} (first at line {first.location.line})",
                element.location, hint=f"keep one {feature.name} element", path=element.path))
            continue
        section.elements[feature.name] = element
        ordered.append((feature, element))
        if not feature.hosting:
            findings.append(_DATACENTER.finding(
                f"{feature.name} is a datacenter-only feature; hosting-mode Exchange rejects it",
                element.location, path=element.path))
        if element.has_children:
            findings.append(_CONTENT.finding(
                f"{feature.name} holds child elements; it takes a single value",
                element.location, path=element.path))
            continue
        try:
            section.values[feature.name] = parse_value(
                feature.type, element.text, minimum=feature.minimum,
                maximum=feature.maximum, allowed=feature.values)
        except ValueProblem as problem:
            findings.append(_INVALID.finding(
                f"{feature.name} has the value {element.text.strip()!r}: {problem}",
                element.location, path=element.path,
                hint=f"`serviceplan explain {feature.name}` shows its type"))
    findings.extend(_order_findings(ordered, label))
    for feature in known.values():
        if feature.required and feature.name not in section.elements:
            findings.append(_MISSING[scope].finding(
                f"{label} does not set {feature.name}", location,
                hint=f"add <{feature.name}> ({feature.description or 'required'})"))
    return findings, section


def _misplaced_or_unknown(
    catalog: Catalog, scope: str, label: str, element: FeatureElement
) -> Finding:
    other = MAILBOX_PLAN if scope == ORGANIZATION else ORGANIZATION
    if catalog.get(other, element.name) is not None:
        where = "each MailboxPlan that needs it" if other == MAILBOX_PLAN else "the Organization"
        return _WRONG_SECTION.finding(
            f"{element.name} is a {other} feature, not one of {label}",
            element.location, hint=f"move it into {where}", path=element.path)
    return _UNKNOWN.finding(
        f"{element.name} is not a known {scope} feature", element.location,
        hint=_suggestion(catalog, scope, element.name), path=element.path)


def _suggestion(catalog: Catalog, scope: str, name: str) -> str:
    for feature in catalog.by_alias(name):
        if feature.scope == scope:
            return f"did you mean {feature.name}? ({name} is the documentation's spelling)"
    names = list(catalog.scope(scope))
    folded = {candidate.casefold(): candidate for candidate in names}
    if name.casefold() in folded:
        return f"did you mean {folded[name.casefold()]}? (names are case-sensitive)"
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    if close:
        return f"did you mean {close[0]}?"
    return _UNKNOWN.hint


def _order_findings(
    ordered: Sequence[tuple[Feature, FeatureElement]], label: str
) -> list[Finding]:
    """Flag the fewest elements that must move: those outside a longest in-order run."""
    positions = [feature.position for feature, _ in ordered]
    if all(a < b for a, b in zip(positions, positions[1:], strict=False)):
        return []
    keep = _longest_increasing(positions)
    anchors = [ordered[i] for i in sorted(keep)]
    anchor_positions = [feature.position for feature, _ in anchors]
    findings = []
    for i, (feature, element) in enumerate(ordered):
        if i in keep:
            continue
        slot = bisect.bisect_left(anchor_positions, feature.position)
        if slot > 0:
            before = anchors[slot - 1]
            where = f"after {before[0].name} (line {before[1].location.line})"
        else:
            after = anchors[0]
            where = f"before {after[0].name} (line {after[1].location.line})"
        findings.append(_ORDER.finding(
            f"{feature.name} is out of the schema's order in {label}: it belongs {where}",
            element.location, path=element.path,
            hint=f"move it {where}, or run `serviceplan fmt`"))
    return findings


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for i, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[slot] = value
            tail_index[slot] = i
        previous[i] = tail_index[slot - 1] if slot else -1
    keep: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        keep.add(i)
        i = previous[i]
    return keep


def value_of(section: SectionValues, catalog: Catalog, name: str) -> Value | None:
    """A feature's value in this section, the catalogue default when not written, or None."""
    if name in section.values:
        return section.values[name]
    feature = catalog.get(section.scope, name)
    if feature is None or not feature.default or name in section.elements:
        return None
    return parse_value(feature.type, feature.default) if feature.type != "enum" else feature.default

