"""Render's first pass over the inventory, before anything is rendered or written: the rows'
findings, the tenants no remap line maps, file names two tenants share (across every shard,
so shards name files alike) and updates Exchange refuses. Nothing is held per tenant but a
compact record of its file name (tenants.seen: 12 bytes); the second pass (render.run)
streams the tenants again to render them. A tenant's `position` counts the tenants a remap
line maps, in inventory order, alike in every pass."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import Finding, RemapRow, RemapTable, Severity
from ..tenants.inventory import Tenant, TenantStream
from ..tenants.pairs import unknown_pair
from ..tenants.seen import Seen
from .context import Context, remap_context
from .names import tenant_file_name
from .update import Refusals

_MASK = (1 << 64) - 1


def shard_of(key: str, count: int) -> int:
    """The 0-based shard of a tenant: stable across runs, machines and PYTHONHASHSEED."""
    if count == 1:
        return 0
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


@dataclass(slots=True)
class Scan:
    """What the first pass found."""

    lines: Mapping[tuple[str, str], RemapRow]
    plans: Mapping[str, Context]
    shard: tuple[int, int]
    suffix: str
    source: str = ""
    findings: list[Finding] = field(default_factory=list)  # the rows' and the pairs'
    clashes: dict[int, str] = field(default_factory=dict)  # position -> why it fails
    refused: list[Finding] = field(default_factory=list)  # SP701, on tenants of the shard
    skipped: set[int] = field(default_factory=set)  # positions refused with an error
    plan_keys: dict[int, str] = field(default_factory=dict)  # id of a remap line -> plan key
    rows: dict[int, int] = field(default_factory=dict)  # id of a remap line -> remap index
    remaps: list[Context] = field(default_factory=list)
    total: int = 0  # tenants to render
    keyed: int = 0  # tenants a remap line maps
    checksum: int = 0  # of their keys, in order
    read: bool = False  # whether the first pass is over

    def in_shard(self, key: str) -> bool:
        index, count = self.shard
        return count == 1 or shard_of(key, count) == index - 1

    def plan_key(self, row: RemapRow) -> str:
        return self.plan_keys.setdefault(id(row), row.plan_name.casefold())

    def mapped(self, stream: TenantStream) -> Iterator[tuple[int, Tenant, RemapRow]]:
        """The tenants a remap line maps, with their positions and lines; the others are
        findings the first time."""
        first = not self.read
        position = checksum = 0
        for tenant in stream:
            row = self.lines.get(tenant.pair)
            if row is None:
                if first:
                    self.findings.append(unknown_pair(tenant, "no remap line maps"))
                continue
            checksum = (checksum * 1_000_003 ^ hash(tenant.key)) & _MASK
            yield position, tenant, row
            position += 1
        if first:
            self.keyed, self.checksum, self.read = position, checksum, True
            self.findings += stream.findings
        elif (position, checksum) != (self.keyed, self.checksum):
            raise InputError(
                f"{stream.source}: the tenants changed while they were read; run render again"
            )


def scan(
    opener: Callable[[], TenantStream],
    plans: Mapping[str, Context],
    tables: tuple[RemapTable, ...],
    shard: tuple[int, int],
    suffix: str,
    refusals: Refusals | None,
) -> Scan:
    """The first pass (and, when two file names may be one, a pass for their tenants)."""
    found = Scan(RemapTable.lines(tables), plans, shard, suffix)
    seen = Seen()
    suspects: set[str] = set()  # file names, lowered, that a position before may share
    refused: list[tuple[int, Finding]] = []
    candidates = 0
    stream = opener()
    found.source = stream.source
    for position, tenant, row in found.mapped(stream):
        lowered = tenant_file_name(tenant.name, suffix).lower()  # ASCII: lower() is casefold()
        if seen.first(lowered, position) != position:
            suspects.add(lowered)
        if not found.in_shard(tenant.key) or found.plan_key(row) not in plans:
            continue
        candidates += 1
        finding = refusals.finding(tenant, row) if refusals is not None else None
        if finding is not None:
            refused.append((position, finding))
            if finding.severity is Severity.ERROR:
                found.skipped.add(position)
        if id(row) not in found.rows:
            found.rows[id(row)] = len(found.remaps)
            found.remaps.append(remap_context(row))
    del seen
    if suspects:
        candidates -= _collisions(found, opener(), suspects)
    found.refused = [finding for position, finding in refused if position not in found.clashes]
    found.skipped -= found.clashes.keys()
    found.total = candidates - len(found.skipped)
    return found


def _collisions(found: Scan, stream: TenantStream, suspects: set[str]) -> int:
    """Read the tenants again for those whose file names may be shared; the clashes' failure
    messages, each naming the others; how many of them were to render."""
    groups: dict[str, list[tuple[int, Tenant, RemapRow]]] = {}
    for position, tenant, row in found.mapped(stream):
        lowered = tenant_file_name(tenant.name, found.suffix).lower()
        if lowered in suspects:
            groups.setdefault(lowered, []).append((position, tenant, row))
    rendered = 0
    for group in groups.values():
        if len(group) < 2:
            continue  # two names' hashes met, not the names
        for position, tenant, row in group:
            if not found.in_shard(tenant.key):
                continue
            others = ", ".join(
                f"{other.name!r} (line {other.row.line})"
                for at, other, _ in group
                if at != position
            )
            name = tenant_file_name(tenant.name, found.suffix)
            found.clashes[position] = f"its file name {name} is also the file name of {others}"
            if found.plan_key(row) in found.plans:
                rendered += 1
    return rendered
