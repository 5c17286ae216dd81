"""The tenants a diff reaches, spooled: the first few thousand held, the rest written to an
anonymous temporary file (files.spool) in compact records and read back as the reports stream
them, so a million tenants cost a file, not memory. The totals the reports print are kept as
they are added; the lists the human formats show are a bounded top N (`top`)."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..files.spool import ReadBack, Records
from ..model import Location
from ..tenants.inventory import Tenant
from .changes import PlanDiff


@dataclass(frozen=True, slots=True)
class TenantImpact:
    tenant: Tenant
    old_plan: str  # the plan the tenant has now: its `plan` column, else the old remap's
    new_plan: str  # the plan the new remap selects
    plan_diff: PlanDiff  # what this change causes (a due move's own changes left out)
    mailboxes: int  # mailboxes to update because of this change (MailboxPlanConfiguration)
    estimated: bool  # per-mailbox-plan counts missing: the tenant's total stood in
    due_plan: str | None = None  # the old remap's plan, when the move to it was due already

    @property
    def skipped(self) -> bool:
        """Update-ServicePlan skips a tenant whose plan name does not change."""
        return self.old_plan.casefold() == self.new_plan.casefold()

    @property
    def category(self) -> str | None:
        return self.plan_diff.category


HELD = 4096  # tenants kept in memory before the spool writes them out


class Totals:
    """What the reports print about every tenant reached, counted as they are added."""

    __slots__ = ("count", "estimated", "mailboxes", "skipped", "skipped_mailboxes")

    def __init__(self) -> None:
        self.count = 0
        self.mailboxes = 0  # of the tenants Update-ServicePlan updates (not those it skips)
        # some of `mailboxes` are a tenant's total standing in for its per-plan counts (~)
        self.skipped = 0
        self.skipped_mailboxes = 0
        self.estimated = False

    def add(self, impact: TenantImpact) -> None:
        self.count += 1
        if impact.skipped:
            self.skipped += 1
            self.skipped_mailboxes += impact.mailboxes
        else:  # `estimated` qualifies `mailboxes`: a skipped tenant's guess adds nothing to it
            self.mailboxes += impact.mailboxes
            self.estimated = self.estimated or impact.estimated

    @classmethod
    def of(cls, tenants: Sequence[TenantImpact]) -> Totals:
        if isinstance(tenants, Spool):
            return tenants.totals
        totals = cls()
        for impact in tenants:
            totals.add(impact)
        return totals


class Spool(ReadBack[TenantImpact]):
    """The tenants reached, in inventory order; iterating reads them back from the start."""

    def __init__(self, held: int = HELD) -> None:
        self._held = held
        self._memory: list[TenantImpact] = []
        self._file: Records[tuple[Any, ...]] = Records(held)  # those before the ones in memory
        self._diffs: list[PlanDiff] = []  # the moves the records name, by number
        self._numbers: dict[int, int] = {}  # id(move) -> its number
        self.totals = Totals()

    def append(self, impact: TenantImpact) -> None:
        self.totals.add(impact)
        self._memory.append(impact)
        if len(self._memory) >= self._held:
            self._spill()

    def _spill(self) -> None:
        self._file.extend(self._record(impact) for impact in self._memory)
        self._memory.clear()

    def _record(self, impact: TenantImpact) -> tuple[Any, ...]:
        tenant, move = impact.tenant, impact.plan_diff
        number = self._numbers.get(id(move))
        if number is None:
            number = self._numbers[id(move)] = len(self._diffs)
            self._diffs.append(move)  # held: its id stays its own
        return (
            tenant.name, tenant.domain, tenant.program_id, tenant.offer_id, *tenant.row,
            tenant.location, tenant.plan, tenant.mailboxes, tenant.mailboxes_by_plan,
            tenant.used, tenant.number, impact.old_plan, impact.new_plan, number,
            impact.mailboxes, impact.estimated, impact.due_plan,
        )  # fmt: skip

    def _impact(self, record: tuple[Any, ...]) -> TenantImpact:
        (name, domain, program, offer, file, line, column, location, plan, mailboxes, by_plan,
         used, number, old_plan, new_plan, move, count, estimated, due_plan) = record  # fmt: skip
        tenant = Tenant(
            name, domain, program, offer, Location(file, line, column), location, plan,
            mailboxes, by_plan, used, {}, number,
        )  # fmt: skip
        return TenantImpact(
            tenant, old_plan, new_plan, self._diffs[move], count, estimated, due_plan
        )

    def __iter__(self) -> Iterator[TenantImpact]:
        for record in self._file:
            yield self._impact(record)
        yield from list(self._memory)

    def __len__(self) -> int:
        return self.totals.count


def ranked(impact: TenantImpact) -> tuple[int, str, int]:
    """Most mailboxes to update first, then by name, then by line."""
    return (-impact.mailboxes, impact.tenant.key, impact.tenant.line)


def top(
    tenants: Sequence[TenantImpact],
    count: int,
    key: Callable[[TenantImpact], Any] = ranked,
    keep: Callable[[TenantImpact], bool] | None = None,
) -> list[TenantImpact]:
    """`sorted(tenants, key=key)[:count]` (of those `keep` keeps), holding only `count`."""
    chosen = tenants if keep is None else (t for t in tenants if keep(t))
    return heapq.nsmallest(count, chosen, key=key)
