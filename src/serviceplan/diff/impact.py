"""Impact: a diff and the tenant inventory → per tenant what this change causes (the plan move
that reaches it, the mailboxes to update, usage the new limits put over the top: a finding),
and apart from it the moves that were due before this change."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..catalog import ORGANIZATION, Catalog
from ..errors import UsageError
from ..model import Finding, RemapRow, RemapTable, ResolvedPlan
from ..rules.registry import rule
from ..tenants.inventory import Tenant, TenantStream
from ..tenants.pairs import unknown_pair
from ..values import format_bytes
from .changes import Change, DiffResult, PlanDiff
from .compare import diff_plans
from .spool import Spool, TenantImpact, Totals


@dataclass(frozen=True, slots=True)
class DueMove:
    """A tenant whose plan already differed from what the old remap gives it: its update was
    due before this change, and still is. Not caused by this change, so never its cost."""

    tenant: Tenant
    old_plan: str  # the plan it has now
    due_plan: str  # the plan the old remap gives it
    new_plan: str  # the plan the new remap gives it (its update's target after this change)
    mailboxes: int  # mailboxes its update touched before this change, and still touches
    estimated: bool


@dataclass(frozen=True, slots=True)
class ImpactReport:
    source: str
    # the tenants a change reaches, in inventory order: a Spool (read back as iterated) from
    # tenant_impact, any sequence (a tuple) when built by hand
    tenants: Sequence[TenantImpact]
    unreached: int  # tenants no change reaches
    findings: tuple[Finding, ...]
    already_due: tuple[DueMove, ...] = ()  # in inventory order

    @property
    def totals(self) -> Totals:
        """Counts over every tenant reached, without reading them back from a spool."""
        return Totals.of(self.tenants)

    @property
    def mailboxes(self) -> int:
        """Mailboxes Update-ServicePlan would update (tenants it skips are not counted)."""
        return self.totals.mailboxes

    @property
    def skipped(self) -> tuple[TenantImpact, ...]:
        """Tenants on a plan edited in place: Update-ServicePlan skips them (read back: the
        reports count them with `totals`)."""
        return tuple(impact for impact in self.tenants if impact.skipped)

    @property
    def estimated(self) -> bool:
        return self.totals.estimated

    @property
    def due_mailboxes(self) -> int:
        return sum(due.mailboxes for due in self.already_due)

    @property
    def due_estimated(self) -> bool:
        return any(due.estimated for due in self.already_due)


def tenant_impact(
    diff: DiffResult,
    tenants: Iterable[Tenant],
    source: str,
    revisions: tuple[Sequence[ResolvedPlan], Sequence[ResolvedPlan]],
    remaps: tuple[Sequence[RemapTable], Sequence[RemapTable]],
    catalog: Catalog,
) -> ImpactReport:
    """Per tenant, its update after this change (its plan now to the new remap's plan) less
    its update before it (to the old remap's plan, when that differed already): a setting
    the update made before, to the same value, is no cost of this change, and neither is a
    mailbox the update touched before."""
    if not remaps[0] and not remaps[1]:
        raise UsageError(
            f"--tenants {source}: neither side has a {_REMAP}, so no tenant's plan can be told",
            hint="compare the folders that hold the plans and the remap, e.g. "
            "serviceplan diff old/ new/ --tenants tenants.csv",
        )
    routes = _Routes(_Moves(diff, revisions, catalog), remaps)
    if isinstance(tenants, TenantStream):  # the tenants no change reaches: counted, not built
        tenants.select(routes.wanted, fields=False)
    impacts = Spool()
    already_due: list[DueMove] = []
    findings: list[Finding] = []
    unreached = 0
    for tenant in tenants:
        route = routes.of(tenant.program_id, tenant.offer_id, tenant.plan)
        if route.caused is None:  # not reached, or a finding says why it cannot be told
            if route.unknown is not None:
                findings.append(route.unknown(tenant))
            else:
                unreached += 1
            continue
        (count, estimated), (held, held_estimated) = _mailboxes(tenant, route.now, route.then)
        current, target = route.current, route.target
        if route.was_due:
            due = route.due
            already_due.append(DueMove(_kept(tenant), current, due, target, held, held_estimated))
        if not route.costed:  # textual changes and due ones reach nobody
            unreached += 1
            continue
        caused = route.caused
        impact = TenantImpact(
            _kept(tenant), current, target, caused, count, estimated, route.due_plan
        )
        impacts.append(impact)
        if tenant.used:
            findings += _over_limit(tenant, caused, catalog, impact.skipped)
    if isinstance(tenants, TenantStream):
        unreached += tenants.passed
    findings.sort(key=Finding.sort_key)
    return ImpactReport(source, impacts, unreached, tuple(findings), tuple(already_due))


_REMAP = "ServicePlanHostingRemap.csv"


@dataclass(frozen=True, slots=True)
class _Route:
    """What the diff does to every tenant of one (program, offer, plan): worked out once, for
    the first such tenant (a million tenants share a few dozen)."""

    current: str = ""
    target: str = ""
    due: str = ""
    after: PlanDiff | None = None  # None: a finding (`unknown`) or not reached
    unknown: Callable[[Tenant], Finding] | None = None
    now: frozenset[str] | None = None  # the scopes of `after`
    then: frozenset[str] | None = frozenset()  # of the move that was due (none: empty)
    was_due: bool = False
    caused: PlanDiff | None = None
    costed: bool = False

    @property
    def due_plan(self) -> str | None:
        return self.due if self.was_due else None


class _Routes:
    """The route of each (program_id, offer_id, plan) tenants have, worked out once."""

    def __init__(
        self, moves: _Moves, remaps: tuple[Sequence[RemapTable], Sequence[RemapTable]]
    ) -> None:
        self.moves = moves
        self.old_rows, self.new_rows = RemapTable.lines(remaps[0]), RemapTable.lines(remaps[1])
        self._routes: dict[tuple[str, str, str], _Route] = {}
        self._wanted: dict[tuple[str, str, str], bool] = {}

    def of(self, program_id: str, offer_id: str, plan: str) -> _Route:
        key = (program_id, offer_id, plan)
        route = self._routes.get(key)
        if route is None:
            route = self._routes[key] = _route(key, self.old_rows, self.new_rows, self.moves)
        return route

    def wanted(self, program_id: str, offer_id: str, plan: str) -> bool:
        """Whether tenant_impact needs the tenants of this route: a finding names them, or a
        change reaches them, or their move was due (the others are only counted)."""
        key = (program_id, offer_id, plan)
        found = self._wanted.get(key)
        if found is None:
            route = self.of(*key)
            reached = route.caused is not None and (route.costed or route.was_due)
            found = self._wanted[key] = reached or route.unknown is not None
        return found


def _route(
    key: tuple[str, str, str],
    old_rows: Mapping[tuple[str, str], RemapRow],
    new_rows: Mapping[tuple[str, str], RemapRow],
    moves: _Moves,
) -> _Route:
    """The route of the tenants of (program_id, offer_id, plan)."""
    program_id, offer_id, plan = key
    pair = (program_id.casefold(), offer_id.casefold())  # as Tenant.pair
    new_row = new_rows.get(pair)
    if new_row is None:
        return _Route(unknown=lambda t: unknown_pair(t, "the new remap maps no line to"))
    old_row = old_rows.get(pair)
    current = plan or (old_row.plan_name if old_row else "")
    target = new_row.plan_name
    after = moves.get(current, target, new=True)
    if after is None and target.casefold() in moves.new:  # only its own plan is unknown
        return _Route(unknown=lambda t: _unknown_plan(t, current))
    due = old_row.plan_name if old_row else current
    before = None
    if not _same(current, due) and not _same(current, target):
        before = moves.get(current, due, new=False)
    if after is None:
        return _Route()
    then = moves.scopes(before) if before is not None else frozenset()
    was_due = before is not None and moves.costed(before)
    caused = _less(after, before)
    costed = moves.costed(after) if caused is after else bool(caused.costed)
    return _Route(
        current, target, due, after, None, moves.scopes(after), then, was_due, caused, costed
    )


def _kept(tenant: Tenant) -> Tenant:
    """What a report shows of a tenant it lists: the tenants stream past, and a listed one
    keeps no row of cells (its `fields`, most of its memory)."""
    return replace(tenant, fields={}) if tenant.fields else tenant


def _unknown_plan(tenant: Tenant, current: str) -> Finding:
    """A tenant the report would otherwise count as not reached, without knowing."""
    said = (
        f"its plan {current} is no plan of the old revision"
        if current
        else "it has no `plan` and the old remap maps no line to its pair"
    )
    return rule("tenant-plan-unknown").finding(
        f"tenant {tenant.name}: {said}, so what this change does to it cannot be told",
        tenant.row,
    )


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


class _Moves:
    """Plan moves by (from, to), each compared once: to a plan of the new revision (a
    tenant's update after this change) or of the old one (its update before)."""

    def __init__(
        self,
        diff: DiffResult,
        revisions: tuple[Sequence[ResolvedPlan], Sequence[ResolvedPlan]],
        catalog: Catalog,
    ) -> None:
        self.old = {plan.name.casefold(): plan for plan in revisions[0]}
        self.new = {plan.name.casefold(): plan for plan in revisions[1]}
        self.catalog = catalog
        self._costed: dict[int, bool] = {}  # by id: the moves live in `known` as long
        self._scopes: dict[int, frozenset[str] | None] = {}
        self.known: dict[tuple[str, str, bool], PlanDiff | None] = {
            (d.old.casefold(), d.new.casefold(), True): d
            for d in diff.transitions
            if d.old and d.new
        }
        for plan_diff in diff.plans:
            if plan_diff.in_place:
                self.known[(plan_diff.name.casefold(), plan_diff.name.casefold(), True)] = plan_diff

    def costed(self, move: PlanDiff) -> bool:
        """Whether a move kept here costs anything: once per move, not once per tenant (a
        million tenants share a few dozen moves)."""
        found = self._costed.get(id(move))
        if found is None:
            found = self._costed[id(move)] = bool(move.costed)
        return found

    def scopes(self, move: PlanDiff) -> frozenset[str] | None:
        """The move's per-mailbox scopes (PlanDiff.per_mailbox_scopes), once per move."""
        key = id(move)
        if key not in self._scopes:
            self._scopes[key] = move.per_mailbox_scopes()
        return self._scopes[key]

    def get(self, current: str, target: str, *, new: bool) -> PlanDiff | None:
        key = (current.casefold(), target.casefold(), new)
        if key not in self.known:
            old, to = self.old.get(key[0]), (self.new if new else self.old).get(key[1])
            self.known[key] = diff_plans(old, to, self.catalog) if old and to else None
        return self.known[key]


def _key(change: Change) -> tuple[object, ...]:
    """A change of a tenant's update, whichever plan it moves to: same scope, feature (or
    structural kind) and new value is the same change (both start from the tenant's plan)."""
    value = change.new
    return (change.scope.casefold(), change.feature or change.kind, type(value), value)


def _less(after: PlanDiff, before: PlanDiff | None) -> PlanDiff:
    """The changes of `after` that `before` did not make already."""
    if before is None or not before.changes:
        return after
    done = {_key(change) for change in before.changes}
    return replace(after, changes=tuple(c for c in after.changes if _key(c) not in done))


def _mailboxes(
    tenant: Tenant, now: frozenset[str] | None, then: frozenset[str] | None
) -> tuple[tuple[int, bool], tuple[int, bool]]:
    """Mailboxes the tenant's update touches because of this change, and those it touched
    before this change already (each with whether it is an estimate): their sum is what the
    update touches now, so no mailbox counts twice."""
    if then is None:  # every mailbox was due for an update already
        return (0, False), _count(tenant, now)
    if not then:  # no update was due (most tenants): every mailbox now is this change's
        return _count(tenant, now), (0, False)
    if now is None:  # every mailbox now, some of them before
        every, every_estimated = _count(tenant, None)
        held, held_estimated = _count(tenant, then)
        return (max(every - held, 0), every_estimated or held_estimated), (held, held_estimated)
    return _count(tenant, now - then), _count(tenant, now & then)


def _count(tenant: Tenant, scopes: frozenset[str] | None) -> tuple[int, bool]:
    """Mailboxes on these mailbox plans (None: every one); the total stands in (an upper
    bound) when the inventory has no count for one of them."""
    if scopes is not None and not scopes:
        return 0, False
    total = tenant.mailboxes or 0
    if scopes is None:
        if tenant.mailboxes is not None:
            return total, False
        return sum(tenant.mailboxes_by_plan.values()), not tenant.mailboxes_by_plan
    if not tenant.mailboxes_by_plan:  # no count per mailbox plan (most inventories)
        return total, True
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
