"""What became of each tenant of a render, spooled (files.spool) as the workers report them: a
million outcomes cost a temporary file, not memory. The counts the summary prints are kept as
they are added; the index, the commit and a dry run's listing read them back sorted by file
name through an external sort."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..files.spool import ReadBack, Records, sort_records
from ..model import Location
from .output import UNCHANGED, WRITES, Action

KEPT = frozenset((*WRITES, UNCHANGED))  # the files a run leaves in DIR
_ACTIONS = {action.value: action for action in Action}


class Outcome(NamedTuple):
    """What became of one tenant of the shard."""

    tenant: str
    row: Location  # the tenant's line in the inventory
    path: str  # its file name in DIR
    action: Action
    sha256: str = ""
    message: str = ""  # why it failed (naming the tenant and template:line), or was skipped
    template_line: int = 0
    kind: str = ""  # a template error's message less the tenant's values: alike ones group
    warnings: tuple[str, ...] = ()  # the template's warn() calls: findings SP702


class Kept(NamedTuple):
    """A file the run leaves in DIR, as the index lists it (sorted by `folded`, then `path`)."""

    folded: str  # the file name, casefolded
    path: str
    position: int  # among the outcomes: equal names keep inventory order, as sorted() does
    tenant: str
    line: int
    sha256: str
    written: bool  # created or updated: staged, to rename into DIR


def by_file_name(path: str) -> tuple[str, str]:
    """The order of index.json and of a dry run's listing."""
    return (path.casefold(), path)


class Outcomes(ReadBack[Outcome]):
    """The shard's outcomes in inventory order; iterating reads them back from the start."""

    def __init__(self, held: int | None = None) -> None:
        self._records: Records[tuple[Any, ...]] = Records(held)
        self._counts: dict[Action, int] = dict.fromkeys(Action, 0)

    def append(self, outcome: Outcome) -> None:
        (tenant, (file, line, column), path, action, digest, message, template_line, kind,
         warnings) = outcome  # fmt: skip
        self._counts[action] += 1
        self._records.append(
            (tenant, file, line, column, path, action.value, digest, message, template_line,
             kind, warnings)
        )  # fmt: skip

    def count(self, *actions: Action | str) -> int:
        return sum(self._counts[_ACTIONS[str(action)]] for action in actions)

    def kept(self) -> Iterator[Kept]:
        """The files left in DIR, sorted by file name (an external sort of plain tuples: they
        pickle and compare faster than named ones; `position` makes every one distinct)."""
        records = (
            (path.casefold(), path, position, tenant, line, digest, action != "unchanged")
            for position, (tenant, _, line, _, path, action, digest, *_) in enumerate(self._records)
            if action in KEPT
        )
        return map(Kept._make, sort_records(records))

    def kept_names(self) -> Iterator[tuple[str, str]]:
        """The names of the files left in DIR, casefolded and as they are, sorted."""
        return sort_records(
            (record[4].casefold(), record[4]) for record in self._records if record[5] in KEPT
        )

    def paths(self, *actions: Action) -> Iterator[str]:
        """The file names of the tenants with these outcomes, in inventory order."""
        wanted = {action.value for action in actions}
        return (record[4] for record in self._records if record[5] in wanted)

    def __iter__(self) -> Iterator[Outcome]:
        for record in self._records:
            (tenant, file, line, column, path, action, digest, message, template_line, kind,
             warnings) = record  # fmt: skip
            yield Outcome(
                tenant, Location(file, line, column), path, _ACTIONS[action], digest, message,
                template_line, kind, warnings,
            )  # fmt: skip

    def __len__(self) -> int:
        return len(self._records)
