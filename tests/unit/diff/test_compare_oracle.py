"""DeepDiff as an independent oracle: for random edits of a bundled plan, the (scope, feature)
pairs our diff reports are exactly the paths DeepDiff finds changed between the two compiled
plans seen as plain dictionaries {scope: {feature: value}}."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from deepdiff import DeepDiff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serviceplan.catalog import MAILBOX_PLAN, ORGANIZATION, Feature, load_catalog
from serviceplan.diff.compare import diff_plans
from serviceplan.model import Location, ResolvedPlan, Setting
from serviceplan.pipeline import bundled_plans, compile_plans
from serviceplan.values import UNLIMITED, Value, format_value

CATALOG = load_catalog()
PLANS = sorted(compile_plans([bundled_plans()]).plans, key=lambda plan: plan.name)


def values(feature: Feature) -> st.SearchStrategy[Value | None]:
    """Values of the feature's type, its default among them (an explicit default)."""
    by_type: dict[str, st.SearchStrategy[Value | None]] = {
        "boolean": st.booleans(),
        "count": st.one_of(st.integers(0, 5000), st.just(UNLIMITED)),
        "bytes": st.one_of(st.integers(0, 64).map(lambda n: n << 30), st.just(UNLIMITED)),
        "integer": st.integers(0, 1000),
        "timespan": st.integers(0, 10**6).map(lambda s: timedelta(seconds=s)),
        "enum": st.sampled_from([*feature.values, "None", "Enabled"]),
        "string": st.text(max_size=8),
    }
    return st.one_of(st.just(feature.default_value), by_type[feature.type])


@st.composite
def edits(draw: st.DrawFn) -> tuple[ResolvedPlan, ResolvedPlan]:
    plan = PLANS[draw(st.integers(0, len(PLANS) - 1))]
    scopes = [ORGANIZATION, *(m.name for m in plan.mailbox_plans)]
    new = plan
    for _ in range(draw(st.integers(0, 12))):
        scope = draw(st.sampled_from(scopes))
        section = ORGANIZATION if scope == ORGANIZATION else MAILBOX_PLAN
        feature = draw(st.sampled_from(sorted(CATALOG.scope(section))))
        value = draw(values(CATALOG.scope(section)[feature]))
        new = _set(new, scope, feature, value)
    return plan, new


def _set(plan: ResolvedPlan, scope: str, feature: str, value: Value | None) -> ResolvedPlan:
    text = None if value is None else format_value(value)
    setting = Setting(feature, value, text, None if value is None else Location(plan.source, 9))

    def put(settings: tuple[Setting, ...]) -> tuple[Setting, ...]:
        return tuple(setting if s.feature == feature else s for s in settings)

    if scope == ORGANIZATION:
        return replace(plan, organization=put(plan.organization))
    return replace(
        plan,
        mailbox_plans=tuple(
            replace(m, settings=put(m.settings)) if m.name == scope else m
            for m in plan.mailbox_plans
        ),
    )


def as_dict(plan: ResolvedPlan) -> dict[str, dict[str, Value | None]]:
    scopes = {ORGANIZATION: {s.feature: s.value for s in plan.organization}}
    for mailbox_plan in plan.mailbox_plans:
        scopes[mailbox_plan.name] = {s.feature: s.value for s in mailbox_plan.settings}
    return scopes


def oracle(old: ResolvedPlan, new: ResolvedPlan) -> set[tuple[str, str]]:
    found = DeepDiff(as_dict(old), as_dict(new), view="tree")
    assert set(found) <= {"values_changed", "type_changes"}, found  # no key added or removed
    paths = set()
    for kind in ("values_changed", "type_changes"):
        for level in found.get(kind, ()):
            scope, feature = level.path(output_format="list")[:2]
            paths.add((scope, feature))
    return paths


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(edits())
def test_our_diff_finds_what_deepdiff_finds(pair: tuple[ResolvedPlan, ResolvedPlan]) -> None:
    old, new = pair
    ours = {(c.scope, c.feature) for c in diff_plans(old, new, CATALOG).changes}
    assert ours == oracle(old, new)
    # with textual, explicit defaults and rewrites show up too, but never a value change less
    textual = {(c.scope, c.feature) for c in diff_plans(old, new, CATALOG, True).changes}
    assert ours <= textual


def test_the_oracle_sees_a_change() -> None:  # the property above must be able to fail
    plan = next(p for p in PLANS if p.name == "SmallBusiness")
    new = _set(plan, ORGANIZATION, "MailboxCountQuota", 251)
    assert oracle(plan, new) == {(ORGANIZATION, "MailboxCountQuota")}
    assert oracle(plan, _set(plan, "Standard", "PopEnabled", 1)) == {("Standard", "PopEnabled")}
