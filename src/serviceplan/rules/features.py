"""Feature rules for one section (the Organization or one mailbox plan): names, placement,
order, duplicates, required features, hosting mode and values."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..catalog import MAILBOX_PLAN, ORGANIZATION, Catalog
from ..model import FeatureElement, Finding, Location
from ..suggest import closest, did_you_mean, same_ignoring_case
from ..values import EXPECTED, Value, ValueProblem, parse_value
from .limits import MAX_FINDINGS_PER_FILE
from .registry import rule

ORGANIZATION_PATH = "/Configuration/Organization"
_UNKNOWN = rule("unknown-feature")
_WRONG_SECTION = rule("wrong-section")
_ORDER = rule("feature-out-of-order")
_DUPLICATE = rule("duplicate-feature")
_DATACENTER = rule("datacenter-only-feature")
_INVALID = rule("invalid-value")
_CONTENT = rule("unexpected-content")
_MISSING = {
    ORGANIZATION: rule("required-quota-missing"),
    MAILBOX_PLAN: rule("mailbox-size-missing"),
}


@dataclass
class SectionValues:
    """What one section sets: valid values, and the line of every feature written."""

    scope: str
    label: str  # "the Organization" or "mailbox plan 'Premium'"
    location: Location
    path: str  # element path of the section
    values: dict[str, Value] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    # each valid feature as written: (name, text, line), the provenance compile reports
    rows: list[tuple[str, str, int]] = field(default_factory=list)

    def at(self, name: str) -> tuple[Location, str]:
        """Location and element path of a feature, or of the section when not written."""
        line = self.lines.get(name)
        if line is None:
            return self.location, ""
        return Location(self.location.file, line), f"{self.path}/{name}"


def check_section(
    catalog: Catalog,
    section: SectionValues,
    elements: Sequence[FeatureElement],
    limit: int = MAX_FINDINGS_PER_FILE,
) -> list[Finding]:
    """Check one section's elements, filling `section` with the values found valid; past
    `limit` findings it stops (the values are then incomplete, and the plan is in error)."""
    known = catalog.scope(section.scope)
    findings: list[Finding] = []
    values, lines = section.values, section.lines
    positions: list[int] = []
    ordered: list[FeatureElement] = []
    for element in elements:
        if len(findings) > limit:
            return findings
        name = element.name
        feature = known.get(name)
        if feature is None:
            findings.append(_misplaced_or_unknown(catalog, section, element))
            continue
        if name in lines:
            location, path = _where(section, element)
            findings.append(
                _DUPLICATE.finding(
                    f"{name} appears twice in {section.label} (first at line {lines[name]})",
                    location,
                    hint=f"keep one {name} element",
                    path=path,
                )
            )
            continue
        lines[name] = element.line
        positions.append(feature.position)
        ordered.append(element)
        if not feature.hosting:
            location, path = _where(section, element)
            findings.append(
                _DATACENTER.finding(
                    f"{name} is a datacenter-only feature; hosting-mode Exchange rejects it",
                    location,
                    path=path,
                )
            )
        if element.has_children:
            location, path = _where(section, element)
            findings.append(
                _CONTENT.finding(
                    f"{name} holds child elements; it takes a single value", location, path=path
                )
            )
            continue
        text = element.text
        try:
            values[name] = parse_value(
                feature.type,
                text,
                minimum=feature.minimum,
                maximum=feature.maximum,
                allowed=feature.values,
            )
            section.rows.append((name, text, element.line))
        except ValueProblem as problem:
            location, path = _where(section, element)
            findings.append(
                _INVALID.finding(
                    f"{name} has the value {text.strip()!r}: {problem}",
                    location,
                    path=path,
                    hint=f"{name} takes {EXPECTED[feature.type]}",
                )
            )
    if any(a >= b for a, b in itertools.pairwise(positions)):
        findings.extend(_order_findings(section, positions, ordered))
    for feature in catalog.required(section.scope):
        if feature.name not in lines:
            findings.append(
                _MISSING[section.scope].finding(
                    f"{section.label} does not set {feature.name}",
                    section.location,
                    hint=f"add <{feature.name}> with the {feature.group} elements",
                    path=section.path,
                )
            )
    return findings


def _where(section: SectionValues, element: FeatureElement) -> tuple[Location, str]:
    return Location(section.location.file, element.line), f"{section.path}/{element.name}"


def _misplaced_or_unknown(
    catalog: Catalog, section: SectionValues, element: FeatureElement
) -> Finding:
    location, path = _where(section, element)
    scope = section.scope
    other = MAILBOX_PLAN if scope == ORGANIZATION else ORGANIZATION
    if catalog.get(other, element.name) is not None:
        where = "each MailboxPlan that needs it" if other == MAILBOX_PLAN else "the Organization"
        return _WRONG_SECTION.finding(
            f"{element.name} is {'an' if other == ORGANIZATION else 'a'} {other} feature, "
            f"not one of {section.label}",
            location,
            hint=f"move it into {where}",
            path=path,
        )
    return _UNKNOWN.finding(
        f"{element.name} is not a known {scope} feature",
        location,
        hint=_suggestion(catalog, scope, element.name),
        path=path,
    )


def _suggestion(catalog: Catalog, scope: str, name: str) -> str:
    for feature in catalog.by_alias(name):
        if feature.scope == scope:
            return did_you_mean([feature.name]) + f" ({name} is the documentation's spelling)"
    names = list(catalog.scope(scope))
    same = same_ignoring_case(name, names)
    if same is not None:
        return did_you_mean([same]) + " (names are case-sensitive)"
    return did_you_mean(closest(name, names, cutoff=0.8)) or _UNKNOWN.hint


def _order_findings(
    section: SectionValues, positions: Sequence[int], ordered: Sequence[FeatureElement]
) -> list[Finding]:
    """Flag the fewest elements that must move: those outside a longest in-order run."""
    keep = _longest_increasing(positions)
    anchors = [ordered[i] for i in sorted(keep)]
    anchor_positions = [positions[i] for i in sorted(keep)]
    findings = []
    for i, element in enumerate(ordered):
        if i in keep:
            continue
        slot = bisect.bisect_left(anchor_positions, positions[i])
        if slot > 0:
            where = f"after {anchors[slot - 1].name} (line {anchors[slot - 1].line})"
        else:
            where = f"before {anchors[0].name} (line {anchors[0].line})"
        location, path = _where(section, element)
        findings.append(
            _ORDER.finding(
                f"{element.name} is out of the schema's order in {section.label}: "
                f"it belongs {where}",
                location,
                path=path,
                hint=f"move it {where}",
            )
        )
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
    value = section.values.get(name)
    if value is not None or name in section.lines:
        return value
    feature = catalog.get(section.scope, name)
    return None if feature is None else feature.default_value
