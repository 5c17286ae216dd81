"""What `serviceplan diff` hands its reporters: the two sides compared, the tenants reached,
the findings and the gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .gate import Gate

if TYPE_CHECKING:
    from ..model import FindingsReport
    from .changes import DiffResult
    from .impact import ImpactReport


@dataclass(frozen=True, slots=True)
class DiffOutcome:
    old_label: str
    new_label: str
    diff: DiffResult | None  # None when a side could not be compiled (see report)
    impact: ImpactReport | None  # with --tenants
    report: FindingsReport  # compile errors of either side, blockers, tenant findings
    gate: Gate = field(default_factory=Gate)  # why the run fails (exit 1); none: it passes
