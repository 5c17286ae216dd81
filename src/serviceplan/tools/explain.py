"""`explain` and `features`: the catalogue as data, and which compiled plans set a feature.

The data functions (lookup, dependents, select_features, uses, explain) return values; the
render_* functions at the bottom turn them into text or JSON for the CLI.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..catalog import (
    MAILBOX_PLAN,
    ORGANIZATION,
    PER_MAILBOX_CATEGORY,
    Catalog,
    ConditionKind,
    Feature,
    Match,
    Requirement,
    Target,
    load_catalog,
)
from ..errors import UsageError
from ..model import FindingsReport, ResolvedPlan, Setting, plural
from ..report.encode import encode_text, envelope
from ..report.text import printable
from ..values import EXPECTED, UNSET_TEXT, collapse, format_bytes, format_value, json_value

if TYPE_CHECKING:
    from ..report import ReportOptions
    from ..resolve.result import CompileResult

FORMAT_VERSION = 1  # of the JSON form: bump when a key changes meaning or goes away
PER_MAILBOX_COST = "touches every mailbox on the plan"
PER_TENANT_COST = "constant per tenant"


# --- looking features up -------------------------------------------------------------------


def lookup(catalog: Catalog, name: str) -> Match:
    """Exactly, else ignoring case, else by a documented spelling; UsageError when unknown."""
    match = catalog.match(name)
    if match is None:
        raise UsageError(
            f"no feature named {name!r} in catalogue {catalog.name}", hint=suggest(catalog, name)
        )
    return match


def suggest(catalog: Catalog, name: str) -> str:
    """A did-you-mean over every feature name and documented spelling."""
    return catalog.suggest(name)


# --- catalogue facts -----------------------------------------------------------------------


def target_scope(feature: Feature, target: Target) -> str:
    """The scope a requirement's target is looked up in."""
    return {"same": feature.scope, "org": ORGANIZATION}.get(target.where, MAILBOX_PLAN)


@dataclass(frozen=True, slots=True)
class Dependent:
    """A feature with a `requires` clause on the explained one (directly or via a derived value)."""

    feature: Feature
    requirement: Requirement
    via: str = ""  # the derived value in between, when there is one


def dependents(catalog: Catalog, feature: Feature) -> tuple[Dependent, ...]:
    """The reverse dependencies: every clause whose target is this feature, in catalogue order."""
    via = {
        derived.name
        for derived in catalog.derived.values()  # derived terms are Organization's
        if feature.scope == ORGANIZATION and any(t.name == feature.name for t in derived.terms)
    }
    found = []
    for other in catalog.features:
        for requirement in other.requires:
            target = requirement.target
            if target.name in via:
                found.append(Dependent(other, requirement, target.name))
            elif target.name == feature.name and target_scope(other, target) == feature.scope:
                found.append(Dependent(other, requirement))
    return tuple(found)


def select_features(
    catalog: Catalog,
    category: str | None = None,
    scope: str | None = None,
    hosting_only: bool = False,
) -> tuple[Feature, ...]:
    """The catalogue in its order, narrowed to a category, a scope, hosting-mode features."""
    return tuple(
        f
        for f in catalog.features
        if (category is None or category in f.categories)
        and (scope is None or f.scope == scope)
        and (f.hosting or not hosting_only)
    )


def cost(category: str) -> str:
    return PER_MAILBOX_COST if category == PER_MAILBOX_CATEGORY else PER_TENANT_COST


def allowed(feature: Feature) -> str:
    """The values a feature accepts, in words."""
    if feature.values:
        return "one of " + ", ".join(feature.values)
    if feature.minimum is None and feature.maximum is None:
        return EXPECTED[feature.type]
    low = "" if feature.minimum is None else f"from {feature.minimum}"
    high = "" if feature.maximum is None else f"to {feature.maximum}"
    unlimited = " or Unlimited" if feature.type in ("count", "bytes") else ""
    return f"a whole number {' '.join(filter(None, (low, high)))}{unlimited}"


def describe_requirement(catalog: Catalog, feature: Feature, requirement: Requirement) -> str:
    """One `requires` clause in words: "when it is 1001 or more, needs X off"."""
    when = requirement.when
    kind = when.kind
    if kind is ConditionKind.DEFAULT:
        kind = ConditionKind.ON if feature.is_boolean else ConditionKind.SET
    judged_alone = (ConditionKind.ON, ConditionKind.OFF, ConditionKind.SET)
    condition = f"when {kind}" if kind in judged_alone else f"when it {when}"
    target = requirement.target
    scope = target_scope(feature, target)
    needed = target.describe(catalog.is_boolean(scope, target.name))
    if target.where == "same" and scope == MAILBOX_PLAN:
        needed += " in the same mailbox plan"
    derived = catalog.derived.get(target.name)
    if derived is not None:
        needed += f" (= {derived.text.replace('|', 'or').replace('!', 'not ')})"
    return f"{condition}, needs {needed}"


def feature_row(feature: Feature) -> dict[str, Any]:
    """One `features` row; the key order is part of the JSON output."""
    return {
        "scope": feature.scope,
        "group": feature.group,
        "name": feature.name,
        "type": feature.type,
        "default": feature.default or None,
        "categories": list(feature.categories),
        "hosting": feature.hosting,
        "required": feature.required,
        "requires": [requirement.text for requirement in feature.requires],
    }


# --- which plans set it --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Use:
    """A feature's resolved value in one compiled plan's Organization or mailbox plan."""

    plan: str
    source: str
    section: str  # "Organization", or the mailbox plan's name
    setting: Setting


def uses(plans: Iterable[ResolvedPlan], feature: Feature) -> tuple[Use, ...]:
    """Every compiled section of the feature's scope, set or not, in plan order."""
    found = []
    for plan in plans:
        sections = (
            [(ORGANIZATION, plan.organization)]
            if feature.scope == ORGANIZATION
            else [(mailbox_plan.name, mailbox_plan.settings) for mailbox_plan in plan.mailbox_plans]
        )
        for label, settings in sections:
            setting = next((s for s in settings if s.feature == feature.name), None)
            if setting is not None:
                found.append(Use(plan.name, plan.source, label, setting))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Entry:
    feature: Feature
    dependents: tuple[Dependent, ...]
    uses: tuple[Use, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    query: str
    how: str  # how the query matched: exact | case | alias
    catalog: Catalog
    entries: tuple[Entry, ...]  # one per scope the name exists in
    report: FindingsReport  # the compile's findings; with errors no plan was compiled


def explain(name: str, match: Match, result: CompileResult) -> Explanation:
    """The catalogue entries `name` matched and each plan of a compile's value for them."""
    catalog = load_catalog()
    entries = tuple(
        Entry(feature, dependents(catalog, feature), uses(result.plans, feature))
        for feature in match.features
    )
    return Explanation(name, match.how, catalog, entries, result.report)


# --- rendering -----------------------------------------------------------------------------


def _text_value(setting: Setting, kind: str) -> str:
    """The value as the plan writes it (`10 GB`), else the default's canonical text; a byte
    quantity with what it means, as compile shows it (`10 GB = 10,737,418,240 bytes`)."""
    value = setting.value
    if value is None:
        return UNSET_TEXT
    written = printable(collapse(setting.text or ""))
    if kind == "bytes" and isinstance(value, int) and not isinstance(value, bool):
        return f"{written or format_bytes(value)} = {value:,} bytes"
    return written or printable(format_value(value))


def _where(setting: Setting) -> str:
    return "(default)" if setting.location is None else f"({setting.location.brief()})"


def _set_in(entry: Entry) -> list[str]:
    if not entry.uses:
        return ["  Set in: no plan compiled"]
    section = "Section" if entry.feature.scope == ORGANIZATION else "Mailbox plan"
    cells = [("Plan", section, "Value", "From")]
    cells += [
        (u.plan, u.section, _text_value(u.setting, entry.feature.type), _where(u.setting))
        for u in entry.uses
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(3)]
    lines = ["  Set in:"]
    lines += [
        f"    {p:<{widths[0]}}  {s:<{widths[1]}}  {v:<{widths[2]}}  {w}" for p, s, v, w in cells
    ]
    total = len(entry.uses)
    noun = "plan" if entry.feature.scope == ORGANIZATION else "mailbox plan"
    explicit = sum(1 for u in entry.uses if not u.setting.is_default)
    summary = f"  set explicitly in {explicit} of {plural(total, noun)}"
    if entry.feature.is_boolean:
        on = sum(1 for u in entry.uses if u.setting.value is True)
        summary = f"  on in {on} of {plural(total, noun)}; set explicitly in {explicit}"
    return [*lines, summary]


def _field(label: str, text: str) -> list[str]:
    indent = " " * 16
    wrapped = textwrap.wrap(text, 100 - len(indent)) or [""]
    head = f"{label}:" if label else ""
    return [f"  {head:<14}{wrapped[0]}", *(indent + line for line in wrapped[1:])]


def _fields(catalog: Catalog, entry: Entry) -> Iterator[list[str]]:
    f = entry.feature
    yield _field("Type", f.type)
    yield _field("Values", allowed(f))
    yield _field("Default", f.default or UNSET_TEXT)
    for i, category in enumerate(f.categories):
        yield _field("" if i else "Updates", f"{category}: {cost(category)}")
    mode = "hosting mode and datacenter" if f.hosting else "datacenter only (rejected in hosting)"
    yield _field("Allowed in", mode)
    yield _field("Required", "yes" if f.required else "no")
    requires = [f"{describe_requirement(catalog, f, r)}  [{r.text}]" for r in f.requires]
    for i, text in enumerate(requires or ["nothing"]):
        yield _field("" if i else "Requires", text)
    needed_by = [
        f"{d.feature.qualified_name}{f' (via {d.via})' if d.via else ''}: "
        f"{describe_requirement(catalog, d.feature, d.requirement)}"
        for d in entry.dependents
    ]
    for i, text in enumerate(needed_by or ["nothing"]):
        yield _field("" if i else "Needed by", text)
    if f.aliases:
        yield _field("Also spelled", ", ".join(f.aliases))
    yield _field("Description", f.description or "(none in the catalogue)")


def render_explain_text(explanation: Explanation, options: ReportOptions) -> str:
    lines: list[str] = []
    first = explanation.entries[0].feature.name
    if explanation.how == "alias":
        lines += [f"{explanation.query} is a documented spelling of {first}", ""]
    if len(explanation.entries) > 1:
        scopes = " and ".join(e.feature.scope for e in explanation.entries)
        lines += [f"{first} is a feature of both scopes: {scopes}", ""]
    for entry in explanation.entries:
        f = entry.feature
        lines.append(f"{f.name}  ({f.scope}, {f.group}; catalogue {explanation.catalog.name})")
        for block in _fields(explanation.catalog, entry):
            lines += block
        lines += [*_set_in(entry), ""]
    return "\n".join(lines)


def _json_use(use: Use) -> dict[str, Any]:
    location = use.setting.location
    return {
        "plan": use.plan,
        "file": use.source,
        "section": use.section,
        "value": json_value(use.setting.value),
        "text": use.setting.text,
        "source": "default" if use.setting.is_default else "explicit",
        "line": location.line if location is not None else None,
    }


def _json_entry(catalog: Catalog, entry: Entry) -> dict[str, Any]:
    f = entry.feature
    return {
        **feature_row(f),
        "requires_meaning": [describe_requirement(catalog, f, r) for r in f.requires],
        "allowed": allowed(f),
        "values": list(f.values),
        "minimum": f.minimum,
        "maximum": f.maximum,
        "update_cost": {c: cost(c) for c in f.categories},
        "aliases": list(f.aliases),
        "description": f.description,
        "needed_by": [
            {
                "scope": d.feature.scope,
                "name": d.feature.name,
                "rule": d.requirement.text,
                "via": d.via or None,
                "meaning": describe_requirement(catalog, d.feature, d.requirement),
            }
            for d in entry.dependents
        ],
        "set_in": [_json_use(use) for use in entry.uses],
    }


def render_explain_json(explanation: Explanation, options: ReportOptions) -> str:
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "query": explanation.query,
        "matched": explanation.how,
        "catalog": explanation.catalog.name,
        "features": [_json_entry(explanation.catalog, e) for e in explanation.entries],
    }
    return encode_text(document)
