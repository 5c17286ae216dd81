"""A tenant's (ProgramId, OfferId) pair against the remap: the line Exchange picks for it, and
the finding on the tenant's row when no line maps it."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Finding, RemapRow, RemapTable
from ..rules.registry import rule
from .inventory import Tenant


def match_pairs(
    tenants: Sequence[Tenant], tables: Sequence[RemapTable]
) -> tuple[dict[str, RemapRow], list[Finding]]:
    """The remap line each tenant's pair selects (as Exchange picks it), by tenant key; a
    pair no line maps is a finding naming the tenant's row."""
    lines = RemapTable.lines(tables)
    chosen: dict[str, RemapRow] = {}
    findings: list[Finding] = []
    for tenant in tenants:
        found = lines.get(tenant.pair)
        if found is None:
            findings.append(unknown_pair(tenant, "no remap line maps"))
        else:
            chosen[tenant.key] = found
    return chosen, findings


def unknown_pair(tenant: Tenant, unmapped: str) -> Finding:
    """The finding (on the tenant's row) for a tenant whose pair no remap line maps; `unmapped`
    says which remap, e.g. "no remap line maps"."""
    return rule("inventory-unknown-pair").finding(
        f"tenant {tenant.name}: {unmapped} ({tenant.program_id}, {tenant.offer_id})", tenant.row
    )
