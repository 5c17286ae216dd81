"""Updates Exchange refuses (SP701). A template that uses `update` (update-serviceplan.ps1)
writes an Update-ServicePlan for tenants whose inventory `plan` names another plan than the
remap selects; when Exchange would refuse that update (diff's blockers SP601-SP604 between
the two plans), the tenant is a finding on its inventory line instead of a script whose
comment says it will fail."""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import load_catalog
from ..diff.compare import diff_plans
from ..model import Finding, RemapRow, ResolvedPlan
from ..rules.registry import rule
from ..tenants.inventory import Tenant

# diff's findings for a move that Update-ServicePlan refuses
BLOCKERS = ("SP601", "SP602", "SP603", "SP604")
_REFUSES = (": Update-ServicePlan refuses the update", "; Update-ServicePlan refuses the update")


class Refusals:
    """Why Exchange refuses each move from one compiled plan to another (computed once)."""

    def __init__(self, plans: Sequence[ResolvedPlan]) -> None:
        self.plans = {plan.name.casefold(): plan for plan in plans}
        self.reasons: dict[tuple[str, str], tuple[str, ...]] = {}

    def finding(self, tenant: Tenant, row: RemapRow) -> Finding | None:
        """SP701 for a tenant whose update Exchange would refuse; None when it would not,
        when no update is due, or when the old plan was not compiled (nothing to compare)."""
        old, new = tenant.plan.casefold(), row.plan_name.casefold()
        if not old or old == new or old not in self.plans or new not in self.plans:
            return None
        reasons = self._reasons(old, new)
        if not reasons:
            return None
        before, after = self.plans[old].name, self.plans[new].name
        return rule("update-refused").finding(
            f"tenant {tenant.name!r}: Exchange refuses its Update-ServicePlan from {before} to "
            f"{after} (selected by {row.location.brief()}): {'; '.join(reasons)}; "
            "no script is written for it",
            tenant.row,
        )

    def _reasons(self, old: str, new: str) -> tuple[str, ...]:
        found = self.reasons.get((old, new))
        if found is None:
            blockers = diff_plans(self.plans[old], self.plans[new], load_catalog()).findings
            found = self.reasons[(old, new)] = tuple(
                f"{_reason(finding.message)} ({finding.rule})"
                for finding in blockers
                if finding.rule in BLOCKERS
            )
        return found


def _reason(message: str) -> str:
    for ending in _REFUSES:
        message = message.removesuffix(ending)
    return message
