"""Resolve: a plan read into sections + the catalogue + the remap → every feature's value with
its provenance (the "compile")."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ..catalog import Catalog
from ..errors import ResolveError
from ..model import Location, RemapRow, RemapTable, ResolvedMailboxPlan, ResolvedPlan, Setting
from ..rules.features import SectionValues
from ..rules.plan import PlanSections
from ..values import parse_flag


def resolve_plan(
    catalog: Catalog,
    name: str,
    source: str,
    sections: PlanSections,
    selected_by: Sequence[RemapRow] = (),
) -> ResolvedPlan:
    """Every catalogue feature, in the schema's order: written values, else defaults."""
    return ResolvedPlan(
        name=name,
        source=source,
        organization=_settings(catalog, sections.organization),
        mailbox_plans=tuple(
            ResolvedMailboxPlan(
                name=header.name or "",
                index=int(str(header.index).strip()),
                provision_as_default=parse_flag(header.provision_as_default) is True,
                is_pilot=parse_flag(header.is_pilot) is True,
                location=header.location,
                settings=_settings(catalog, section),
            )
            for header, section in sections.mailbox_plans
        ),
        selected_by=tuple(selected_by),
    )


@functools.cache
def _defaults(catalog: Catalog, scope: str) -> tuple[list[Setting], dict[str, int]]:
    """Every feature of a scope at its default, in the schema's order (shared: immutable), and
    each feature's position in that order."""
    defaults = [
        Setting(name, feature.default_value, None, None)
        for name, feature in catalog.scope(scope).items()
    ]
    return defaults, {setting.feature: position for position, setting in enumerate(defaults)}


def default_settings(catalog: Catalog, scope: str) -> list[Setting]:
    """The settings a plan that writes nothing in the scope resolves to (shared objects)."""
    return _defaults(catalog, scope)[0]


_new = tuple.__new__  # a NamedTuple made without its Python-level __new__: 190,000 a compile


def _settings(catalog: Catalog, section: SectionValues) -> tuple[Setting, ...]:
    source, values = section.location.file, section.values
    defaults, positions = _defaults(catalog, section.scope)
    settings = defaults.copy()
    for name, text, line in section.rows:  # a feature written twice: the last one counts
        position = positions.get(name)
        if position is not None:
            location = _new(Location, (source, line, 0))
            settings[position] = _new(Setting, (name, values[name], text, location))
    return tuple(settings)


def select_row(tables: Sequence[RemapTable], program_id: str, offer_id: str) -> RemapRow:
    """The remap line Exchange picks (`RemapTable.lookup`); none is an error naming the pair."""
    row = RemapTable.lookup(tables, program_id, offer_id)
    if row is None:
        raise unmapped_pair(tables, program_id, offer_id)
    return row


def unmapped_pair(tables: Sequence[RemapTable], program_id: str, offer_id: str) -> ResolveError:
    """The error for a pair no line of the remap maps."""
    sources = ", ".join(table.source for table in tables) or "no remap file"
    return ResolveError(
        f"no line of {sources} maps ({program_id}, {offer_id})",
        hint="check the spelling (the pair is compared ignoring case) or add a line "
        f"{program_id},{offer_id},PlanName",
    )
