"""Shared by the diff and impact tests: the bundled plans compiled once, and edits of them."""

from __future__ import annotations

from dataclasses import replace

from serviceplan.catalog import ORGANIZATION, load_catalog
from serviceplan.diff.changes import PlanDiff
from serviceplan.model import Location, RemapTable, ResolvedPlan, Setting
from serviceplan.pipeline import bundled_plans, compile_plans
from serviceplan.plan.load import parse_remap
from serviceplan.values import Value, format_value

CATALOG = load_catalog()
SAMPLES = compile_plans([bundled_plans()])
PLANS = {plan.name: plan for plan in SAMPLES.plans}
REMAP = SAMPLES.remaps
DEFAULT = object()  # edit(): back to the catalogue default (not written)


def edit(
    plan: ResolvedPlan, scope: str, feature: str, value: Value | object, text: str | None = None
) -> ResolvedPlan:
    """The plan with one setting written (or, with DEFAULT, not written)."""

    def change(settings: tuple[Setting, ...]) -> tuple[Setting, ...]:
        assert feature in {s.feature for s in settings}, feature
        out = []
        for setting in settings:
            if setting.feature != feature:
                out.append(setting)
            elif value is DEFAULT:
                default = CATALOG.get(
                    ORGANIZATION if scope == ORGANIZATION else "MailboxPlan", feature
                )
                assert default is not None
                out.append(Setting(feature, default.default_value, None, None))
            else:
                written = text if text is not None else format_value(value)  # type: ignore[arg-type]
                out.append(
                    Setting(
                        feature,
                        value,
                        written,  # type: ignore[arg-type]
                        Location(plan.source, 900),
                    )
                )
        return tuple(out)

    if scope == ORGANIZATION:
        return replace(plan, organization=change(plan.organization))
    assert any(m.name == scope for m in plan.mailbox_plans), scope
    return replace(
        plan,
        mailbox_plans=tuple(
            replace(m, settings=change(m.settings)) if m.name == scope else m
            for m in plan.mailbox_plans
        ),
    )


def edit_mailbox_plan(plan: ResolvedPlan, which: str, /, **changes: object) -> ResolvedPlan:
    assert any(m.name == which for m in plan.mailbox_plans)
    return replace(
        plan,
        mailbox_plans=tuple(
            replace(m, **changes) if m.name == which else m for m in plan.mailbox_plans
        ),
    )  # type: ignore[arg-type]


def value_of(plan: ResolvedPlan, scope: str, feature: str) -> Value | None:
    settings = (
        plan.organization
        if scope == ORGANIZATION
        else next(m.settings for m in plan.mailbox_plans if m.name == scope)
    )
    return next(s.value for s in settings if s.feature == feature)


def remap(text: str, source: str = "ServicePlanHostingRemap.csv") -> tuple[RemapTable, ...]:
    return (parse_remap(text, source),)


def rules(plan_diff: PlanDiff) -> list[str]:
    return sorted(f.rule for f in plan_diff.findings)
