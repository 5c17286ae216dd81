"""Impact: a diff and the tenant inventory → per tenant the plan move that reaches it, the
mailboxes to update, and usage the new limits would put over the top (a finding)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .catalog import ORGANIZATION, Catalog
from .diff import DiffResult, PlanDiff, diff_plans
from .inventory import Tenant
from .model import Finding, RemapTable, ResolvedPlan
from .resolve import remap_lines
from .rules.registry import rule
from .values import format_bytes


@dataclass(frozen=True, slots=True)
class TenantImpact:
    tenant: Tenant
    old_plan: str  # the plan the tenant has now: its `plan` column, else the old remap's
    new_plan: str  # the plan the new remap selects
    plan_diff: PlanDiff
    mailboxes: int  # mailboxes to update (MailboxPlanConfiguration changes)
    estimated: bool  # per-mailbox-plan counts missing: the tenant's total stood in

    @property
    def skipped(self) -> bool:
        """Update-ServicePlan skips a tenant whose plan name does not change."""
        return self.old_plan.casefold() == self.new_plan.casefold()

    @property
    def category(self) -> str | None:
        return self.plan_diff.category


@dataclass(frozen=True, slots=True)
class ImpactReport:
    source: str
    tenants: tuple[TenantImpact, ...]  # the tenants a change reaches, in inventory order
    unreached: int  # tenants no change reaches
    findings: tuple[Finding, ...]

    @property
    def mailboxes(self) -> int:
        """Mailboxes Update-ServicePlan would update (tenants it skips are not counted)."""
        return sum(impact.mailboxes for impact in self.tenants if not impact.skipped)

    @property
    def skipped(self) -> tuple[TenantImpact, ...]:
        """Tenants on a plan edited in place: Update-ServicePlan skips them."""
        return tuple(impact for impact in self.tenants if impact.skipped)

    @property
    def estimated(self) -> bool:
        return any(impact.estimated for impact in self.tenants)


def tenant_impact(
    diff: DiffResult,
    tenants: Sequence[Tenant],
    source: str,
    revisions: tuple[Sequence[ResolvedPlan], Sequence[ResolvedPlan]],
    remaps: tuple[Sequence[RemapTable], Sequence[RemapTable]],
    catalog: Catalog,
) -> ImpactReport:
    old_plans = {plan.name.casefold(): plan for plan in revisions[0]}
    new_plans = {plan.name.casefold(): plan for plan in revisions[1]}
    old_rows, new_rows = remap_lines(remaps[0]), remap_lines(remaps[1])
    moves: dict[tuple[str, str], PlanDiff | None] = {
        (d.old.casefold(), d.new.casefold()): d for d in diff.transitions if d.old and d.new
    }
    for plan_diff in diff.plans:
        if plan_diff.in_place:
            moves[(plan_diff.name.casefold(), plan_diff.name.casefold())] = plan_diff
    impacts: list[TenantImpact] = []
    findings: list[Finding] = []
    unreached = 0
    for tenant in tenants:
        new_row = new_rows.get(tenant.pair)
        if new_row is None:
            findings.append(
                rule("inventory-unknown-pair").finding(
                    f"tenant {tenant.name}: the new remap maps no line to "
                    f"({tenant.program_id}, {tenant.offer_id})",
                    tenant.row,
                )
            )
            continue
        old_row = old_rows.get(tenant.pair)
        current = tenant.plan or (old_row.plan_name if old_row else "")
        move = (current.casefold(), new_row.plan_name.casefold())
        if move not in moves:
            old, new = old_plans.get(move[0]), new_plans.get(move[1])
            moves[move] = diff_plans(old, new, catalog) if old and new else None
        reaching = moves[move]
        if reaching is None or not reaching.costed:  # textual changes reach nobody
            unreached += 1
            continue
        count, estimated = _mailboxes(tenant, reaching)
        impacts.append(TenantImpact(tenant, current, new_row.plan_name, reaching, count, estimated))
        findings += _over_limit(tenant, reaching, catalog, impacts[-1].skipped)
    findings.sort(key=Finding.sort_key)
    return ImpactReport(source, tuple(impacts), unreached, tuple(findings))


def _mailboxes(tenant: Tenant, plan_diff: PlanDiff) -> tuple[int, bool]:
    """Mailboxes on the mailbox plans with per-mailbox changes; the total stands in (an
    upper bound) when the inventory has no count for one of them."""
    scopes = plan_diff.per_mailbox_scopes()
    if scopes is not None and not scopes:
        return 0, False
    total = tenant.mailboxes or 0
    if scopes is None:
        if tenant.mailboxes is not None:
            return total, False
        return sum(tenant.mailboxes_by_plan.values()), not tenant.mailboxes_by_plan
    counts = [tenant.mailboxes_on(scope) for scope in sorted(scopes)]
    known = sum(count for count in counts if count is not None)
    if None in counts:
        return max(total, known), True
    return known, False


def _over_limit(
    tenant: Tenant, plan_diff: PlanDiff, catalog: Catalog, skipped: bool
) -> list[Finding]:
    """Usage above a limit this move changes: an Organization quota, or the quota of a mailbox
    plan the tenant has mailboxes on (each of them when the counts are not known)."""
    if not tenant.used:
        return []
    findings = []
    for change in plan_diff.changes:
        usage = tenant.used.get(change.feature)
        limit = change.new
        if usage is None or not isinstance(limit, int) or isinstance(limit, bool):
            continue
        if change.scope != ORGANIZATION and tenant.mailboxes_on(change.scope) == 0:
            continue
        if usage > limit:
            feature = next(catalog.find(change.feature), None)
            if feature is not None and feature.type == "bytes":
                shown = f"{format_bytes(usage)} against a new limit of {format_bytes(limit)}"
            else:
                shown = f"{usage:,} against a new limit of {limit:,}"
            where = "" if change.scope == ORGANIZATION else f" of mailbox plan {change.scope}"
            when = (
                " once the edit reaches it (Update-ServicePlan skips it today)" if skipped else ""
            )
            findings.append(
                rule("usage-above-new-limit").finding(
                    f"tenant {tenant.name} uses {shown} ({change.feature}{where} in "
                    f"{plan_diff.name}){when}",
                    tenant.row,
                )
            )
    return findings
