"""A rule: a stable id, a kebab-case name, a default severity, what it finds and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Finding, Location, Severity

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    hint: str

    def finding(
        self, message: str, location: Location, *, hint: str = "", path: str = ""
    ) -> Finding:
        return Finding(self.id, self.severity, message, location, hint or self.hint, path)
