"""Remap rows compared: keyed by (ProgramId, OfferId) ignoring case, as Exchange looks them up,
each added, removed, or repointed to another plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Location, RemapTable
from .kinds import RowChangeKind

ROW_ADDED, ROW_REMOVED, ROW_REPOINTED = (
    RowChangeKind.ADDED,
    RowChangeKind.REMOVED,
    RowChangeKind.REPOINTED,
)


@dataclass(frozen=True, slots=True)
class RemapChange:
    kind: RowChangeKind
    program_id: str
    offer_id: str
    old_plan: str | None
    new_plan: str | None
    old_location: Location | None
    new_location: Location | None


def diff_remaps(old: Sequence[RemapTable], new: Sequence[RemapTable]) -> tuple[RemapChange, ...]:
    """Rows keyed by (ProgramId, OfferId) ignoring case; a plan name that only changes case is
    the same plan."""
    before, after = RemapTable.lines(old), RemapTable.lines(new)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a.plan_name.casefold() == b.plan_name.casefold():
            continue
        kind = ROW_ADDED if a is None else ROW_REMOVED if b is None else ROW_REPOINTED
        row = b or a
        assert row is not None
        changes.append(
            RemapChange(
                kind,
                row.program_id,
                row.offer_id,
                None if a is None else a.plan_name,
                None if b is None else b.plan_name,
                None if a is None else a.location,
                None if b is None else b.location,
            )
        )
    return tuple(changes)
