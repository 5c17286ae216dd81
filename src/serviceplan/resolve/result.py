"""What compiling hands on: the resolved plans, the findings, the remaps read and what an error
kept out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import FindingsReport, RemapTable, ResolvedPlan
    from ..rules.selection import Suppressions
    from .scope import LeftOut


@dataclass(frozen=True, slots=True)
class CompileResult:
    plans: tuple[ResolvedPlan, ...]  # every plan asked for whose file has no error
    report: FindingsReport  # the findings of what was compiled (warnings included)
    remaps: tuple[RemapTable, ...] = ()  # the remap files read, in input order
    left_out: tuple[LeftOut, ...] = ()  # what an error kept out of `plans`, and why
    inline: dict[str, Suppressions | None] = field(default_factory=dict)  # by plan file
