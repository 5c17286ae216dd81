"""The feature catalogue: package data loaded once, looked up by scope, name and order.

Dependencies are written in a small rule language in the catalogue's `requires` column,
clauses separated by ";":

    [WHEN:] [!]TARGET

WHEN is when the clause applies, judged on the feature's own value: `on`, `off`, `set`,
`value=TEXT`, `value!=TEXT` or `value>=N` (Unlimited counts as larger than any N); without it a
boolean clause applies when the feature is on and any other when it is set. TARGET is a feature
(or a derived value) that must be on (set, for non-booleans), or with `!` off (unset):
`NAME` in the same scope (the same mailbox plan for mailbox-plan features), `org.NAME` in the
Organization, `any-plan.NAME` in at least one mailbox plan, `every-plan.NAME` in every one.
"""

from __future__ import annotations

import csv
import enum
import functools
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from .errors import CatalogError
from .suggest import closest, did_you_mean
from .values import Value, parse_value

ORGANIZATION = "Organization"
MAILBOX_PLAN = "MailboxPlan"
SCOPES = (ORGANIZATION, MAILBOX_PLAN)
TYPES = ("boolean", "count", "bytes", "integer", "enum", "timespan", "string")
DEFAULT_CATALOG = "exchange2013"

# Exchange's update categories, cheapest first; only the last one costs per mailbox.
CATEGORIES = (
    "AdminPermissions",
    "RoleGroupRoleAssignment",
    "OrgWideConfiguration",
    "MailboxPlanPermissions",
    "MailboxPlanRoleAssignment",
    "MailboxPlanSatellite",
    "MailboxPlanConfiguration",
)
PER_MAILBOX_CATEGORY = "MailboxPlanConfiguration"

_WHEN = re.compile(r"(on|off|set|value=(?P<eq>[^;:]+)|value!=(?P<ne>[^;:]+)|value>=(?P<ge>[0-9]+))")
_TARGET = re.compile(r"(?P<neg>!?)(?:(?P<where>org|any-plan|every-plan)\.)?(?P<name>[A-Za-z]\w*)")


class ConditionKind(enum.StrEnum):
    """How a requirement's condition judges the feature's own value."""

    DEFAULT = "default"  # no condition written: ON for a flag, SET for any other feature
    ON = "on"
    OFF = "off"
    SET = "set"
    EQ = "eq"  # value=X
    NE = "ne"  # value!=X
    GE = "ge"  # value>=N


@dataclass(frozen=True, slots=True)
class Condition:
    """When a requirement applies, judged on the feature's own value."""

    kind: ConditionKind
    operand: str = ""

    def __str__(self) -> str:
        return {"eq": "is {}", "ne": "is not {}", "ge": "is {} or more"}.get(
            self.kind, self.kind
        ).format(self.operand)


@dataclass(frozen=True, slots=True)
class Target:
    """A feature or derived value that must hold, and where it is looked up."""

    name: str
    where: str = "same"  # same | org | any-plan | every-plan
    negate: bool = False

    def describe(self, is_boolean: bool) -> str:
        state = (
            ("off" if self.negate else "on") if is_boolean else ("unset" if self.negate else "set")
        )
        place = {
            "same": "",
            "org": " in the Organization",
            "any-plan": " in at least one mailbox plan",
            "every-plan": " in every mailbox plan",
        }[self.where]
        return f"{self.name} {state}{place}"


@dataclass(frozen=True, slots=True)
class Requirement:
    when: Condition
    target: Target
    text: str


@dataclass(frozen=True, slots=True)
class Derived:
    """A value Exchange computes from Organization features, true when any term holds."""

    name: str
    terms: tuple[Target, ...]
    text: str
    description: str


@dataclass(frozen=True)
class Feature:
    scope: str
    group: str
    name: str
    type: str
    position: int  # index within its scope, in the schema's order
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    default: str = ""
    categories: tuple[str, ...] = ()
    hosting: bool = True
    required: bool = False
    requires: tuple[Requirement, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str = ""

    @functools.cached_property
    def is_boolean(self) -> bool:
        return self.type == "boolean"

    @property
    def qualified_name(self) -> str:
        return f"{self.scope}/{self.name}"

    @functools.cached_property
    def default_value(self) -> Value | None:
        """The value Exchange uses when the element is absent (None: unset)."""
        if not self.default:
            return None
        if self.type == "enum":
            return self.default
        return parse_value(self.type, self.default)


@dataclass(frozen=True, slots=True)
class Match:
    """The catalogue entries a name stands for, and how it matched."""

    features: tuple[Feature, ...]  # one per scope the name exists in
    how: str  # exact | case | alias


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: loaded once
class Catalog:
    name: str
    features: tuple[Feature, ...]
    derived: Mapping[str, Derived]
    _by_scope: dict[str, dict[str, Feature]] = field(init=False, repr=False)
    _aliases: dict[str, tuple[Feature, ...]] = field(init=False, repr=False)
    _folded: dict[str, tuple[Feature, ...]] = field(init=False, repr=False)
    _required: dict[str, tuple[Feature, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_scope: dict[str, dict[str, Feature]] = {scope: {} for scope in SCOPES}
        aliases: dict[str, list[Feature]] = {}
        folded: dict[str, list[Feature]] = {}
        for feature in self.features:
            by_scope[feature.scope][feature.name] = feature
            folded.setdefault(feature.name.casefold(), []).append(feature)
            for alias in feature.aliases:
                aliases.setdefault(alias.casefold(), []).append(feature)
        object.__setattr__(self, "_by_scope", by_scope)
        object.__setattr__(self, "_aliases", {k: tuple(v) for k, v in aliases.items()})
        object.__setattr__(self, "_folded", {k: tuple(v) for k, v in folded.items()})
        required = {
            scope: tuple(f for f in by_scope[scope].values() if f.required) for scope in SCOPES
        }
        object.__setattr__(self, "_required", required)

    def scope(self, scope: str) -> Mapping[str, Feature]:
        """The features of one scope, by name, in the schema's order."""
        return self._by_scope[scope]

    def get(self, scope: str, name: str) -> Feature | None:
        return self._by_scope[scope].get(name)

    def find(self, name: str) -> Iterator[Feature]:
        """Every feature of that exact name, in any scope."""
        for scope in SCOPES:
            feature = self._by_scope[scope].get(name)
            if feature is not None:
                yield feature

    def by_alias(self, name: str) -> tuple[Feature, ...]:
        """Features whose documented spelling (e.g. TechNet's MailtipsEnabled) is `name`."""
        return self._aliases.get(name.casefold(), ())

    def match(self, name: str) -> Match | None:
        """Every spelling a user may write for a feature (`explain`, an inventory's `used.`
        columns): exactly, else ignoring case, else a documented spelling. None: unknown."""
        exact = tuple(self.find(name))
        if exact:
            return Match(exact, "exact")
        by_case = self._folded.get(name.casefold(), ())
        if by_case:
            return Match(by_case, "case")
        aliased = self.by_alias(name)
        return Match(aliased, "alias") if aliased else None

    def close_names(self, name: str, wanted: Callable[[Feature], bool] | None = None) -> list[str]:
        """Up to three feature names `name` may be a misspelling of (documented spellings
        count), among the features `wanted` (None: all)."""
        spellings: dict[str, str] = {}
        for feature in filter(wanted, self.features):
            spellings.setdefault(feature.name.casefold(), feature.name)
            for alias in feature.aliases:
                spellings.setdefault(alias.casefold(), feature.name)
        close = closest(name.casefold(), spellings, n=3)
        return list(dict.fromkeys(spellings[c] for c in close))

    def suggest(self, name: str) -> str:
        """A did-you-mean over every feature name and documented spelling."""
        names = self.close_names(name)
        listing = "`serviceplan features` lists them all"
        if not names:
            return f"no feature name is close; {listing}"
        return f"{did_you_mean(names)} ({listing})"

    @functools.cache  # noqa: B019  (one catalogue per process, never freed)
    def in_category(self, scope: str, category: str) -> frozenset[str]:
        """Names of the features of one scope that carry an update category."""
        return frozenset(n for n, f in self._by_scope[scope].items() if category in f.categories)

    @functools.cache  # noqa: B019  (one catalogue per process, never freed)
    def on_by_default(self, scope: str) -> frozenset[str]:
        """Booleans that are on when a plan does not write them (e.g. CommonConfiguration)."""
        return frozenset(n for n, f in self._by_scope[scope].items() if f.default_value is True)

    def required(self, scope: str) -> tuple[Feature, ...]:
        """The features every section of this scope must write."""
        return self._required[scope]

    def is_boolean(self, scope: str, name: str) -> bool:
        feature = self.get(scope, name)
        return feature is None or feature.is_boolean  # derived values are booleans


def parse_requires(text: str) -> tuple[Requirement, ...]:
    requirements = []
    for clause in filter(None, (part.strip() for part in text.split(";"))):
        when_text, _, target_text = clause.rpartition(":")
        when_text, target_text = when_text.strip(), target_text.strip()
        when = Condition(ConditionKind.DEFAULT)
        if when_text:
            match = _WHEN.fullmatch(when_text)
            if match is None:
                raise CatalogError(f"bad condition {when_text!r} in requirement {clause!r}")
            for kind in (ConditionKind.EQ, ConditionKind.NE, ConditionKind.GE):
                if match[kind] is not None:
                    when = Condition(kind, match[kind].strip())
                    break
            else:
                when = Condition(ConditionKind(when_text))
        requirements.append(Requirement(when, _parse_target(target_text, clause), clause))
    return tuple(requirements)


def _parse_target(text: str, clause: str) -> Target:
    match = _TARGET.fullmatch(text)
    if match is None:
        raise CatalogError(f"bad target {text!r} in requirement {clause!r}")
    return Target(match["name"], match["where"] or "same", bool(match["neg"]))


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


def _split(text: str, sep: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(sep) if part.strip())


def parse_catalog(name: str, features_csv: str, derived_csv: str = "") -> Catalog:
    """Build a catalogue from its CSV text; every mistake in the data is a CatalogError."""
    features: list[Feature] = []
    positions = dict.fromkeys(SCOPES, 0)
    for line, row in enumerate(csv.DictReader(io.StringIO(features_csv)), start=2):
        try:
            scope = row["scope"]
            if scope not in SCOPES or row["type"] not in TYPES:
                raise CatalogError(f"unknown scope or type in {row}")
            categories = _split(row["categories"], ";")
            if not categories or set(categories) - set(CATEGORIES):
                raise CatalogError(f"unknown update category in {row['categories']!r}")
            features.append(
                Feature(
                    scope=scope,
                    group=row["group"],
                    name=row["name"],
                    type=row["type"],
                    position=positions[scope],
                    values=_split(row["values"], "|"),
                    minimum=_int_or_none(row["minimum"]),
                    maximum=_int_or_none(row["maximum"]),
                    default=row["default"],
                    categories=categories,
                    hosting=row["hosting"] == "yes",
                    required=row["required"] == "yes",
                    requires=parse_requires(row["requires"]),
                    aliases=_split(row["aliases"], "|"),
                    description=row["description"],
                )
            )
            positions[scope] += 1
        except (KeyError, ValueError, CatalogError) as error:
            raise CatalogError(f"catalogue {name}, line {line}: {error}") from error
    derived = {}
    for row in csv.DictReader(io.StringIO(derived_csv)):
        terms = tuple(
            _parse_target(term.strip(), row["expression"]) for term in row["expression"].split("|")
        )
        derived[row["name"]] = Derived(row["name"], terms, row["expression"], row["description"])
    catalog = Catalog(name, tuple(features), derived)
    _check_references(catalog)
    return catalog


def _check_references(catalog: Catalog) -> None:
    for feature in catalog.features:
        for requirement in feature.requires:
            target = requirement.target
            scope = {"same": feature.scope, "org": ORGANIZATION}.get(target.where, MAILBOX_PLAN)
            if catalog.get(scope, target.name) is None and target.name not in catalog.derived:
                raise CatalogError(
                    f"catalogue {catalog.name}: {feature.qualified_name} requires "
                    f"{target.name}, which is not a {scope} feature"
                )


@functools.cache
def load_catalog(name: str = DEFAULT_CATALOG) -> Catalog:
    """The catalogue shipped in the package (read once per process)."""
    from importlib import resources  # slow to import; only loading the catalogue needs it

    folder = resources.files("serviceplan.schemas") / "catalog"
    try:
        features_csv = (folder / f"{name}.csv").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"no catalogue named {name!r} is shipped") from None
    derived_file = folder / f"{name}-derived.csv"
    derived_csv = derived_file.read_text(encoding="utf-8") if derived_file.is_file() else ""
    return parse_catalog(name, features_csv, derived_csv)
