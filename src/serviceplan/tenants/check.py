"""`tenants check`: every tenant against the plan it is on today (its `plan` column, else the
plan the remap gives its pair): a pair no remap line maps (SP505), a plan that is not among
the plans checked (SP511), and usage above the plan's limits now (SP510)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..catalog import ORGANIZATION, Catalog
from ..model import Finding, RemapTable, ResolvedPlan
from ..rules.registry import rule
from ..values import format_bytes
from .inventory import Tenant, TenantStream
from .pairs import unknown_pair

COUNT_QUOTA = "MailboxCountQuota"  # what the `mailboxes` column is measured against

Limits = dict[str, dict[str, object]]  # scope (Organization or a mailbox plan) -> feature -> value


def check_tenants(
    tenants: Iterable[Tenant],
    plans: Sequence[ResolvedPlan],
    remaps: Sequence[RemapTable],
    catalog: Catalog,
) -> Iterator[Finding]:
    """The findings of each tenant, tenant by tenant (nothing holds the tenants)."""
    if isinstance(tenants, TenantStream):  # no template: no tenant needs its row of cells
        tenants.select(None, fields=False)
    lines = RemapTable.lines(remaps)
    limits = {plan.name.casefold(): _limits(plan) for plan in plans}
    names = {plan.name.casefold(): plan.name for plan in plans}
    for tenant in tenants:
        row = lines.get(tenant.pair)
        if row is None and not tenant.plan:
            yield unknown_pair(tenant, "no remap line maps")
            continue
        current = tenant.plan or (row.plan_name if row else "")
        found = limits.get(current.casefold())
        if found is None:
            yield _missing(tenant, current)
            continue
        yield from _over(tenant, names[current.casefold()], found, catalog)


def _limits(plan: ResolvedPlan) -> Limits:
    scopes: Limits = {ORGANIZATION: {s.feature: s.value for s in plan.organization}}
    for mailbox_plan in plan.mailbox_plans:
        scopes[mailbox_plan.name] = {s.feature: s.value for s in mailbox_plan.settings}
    return scopes


def _missing(tenant: Tenant, current: str) -> Finding:
    said = f"its plan {current}" if tenant.plan else f"the remap's plan for its pair, {current},"
    return rule("tenant-plan-missing").finding(
        f"tenant {tenant.name}: {said} is none of the plans checked", tenant.row
    )


def _over(tenant: Tenant, plan: str, limits: Limits, catalog: Catalog) -> Iterator[Finding]:
    used = dict(tenant.used)
    if tenant.mailboxes is not None and COUNT_QUOTA not in used:
        used[COUNT_QUOTA] = tenant.mailboxes
    for feature, usage in used.items():
        for scope, values in limits.items():
            limit = values.get(feature)
            if not isinstance(limit, int) or isinstance(limit, bool) or usage <= limit:
                continue
            if scope != ORGANIZATION and tenant.mailboxes_on(scope) == 0:
                continue
            yield _finding(tenant, plan, scope, feature, usage, limit, catalog)


def _finding(
    tenant: Tenant, plan: str, scope: str, feature: str, usage: int, limit: int, catalog: Catalog
) -> Finding:
    found = next(catalog.find(feature), None)
    if found is not None and found.type == "bytes":
        shown = f"{format_bytes(usage)} against a limit of {format_bytes(limit)}"
    else:
        shown = f"{usage:,} against a limit of {limit:,}"
    where = "" if scope == ORGANIZATION else f" of mailbox plan {scope}"
    return rule("usage-over-limit").finding(
        f"tenant {tenant.name} uses {shown} ({feature}{where} in {plan})", tenant.row
    )
