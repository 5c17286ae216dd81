"""`serviceplan rules`: every rule id, name, severity and what it checks, as text or JSON.

The JSON form is a bare list (no envelope), as it has always been."""

from __future__ import annotations

from collections.abc import Iterable

from ..rules.rule import Rule
from . import ReportOptions
from .encode import encode_text


def rules_text(rules: Iterable[Rule], options: ReportOptions) -> str:
    """A line per rule; one rule alone (`serviceplan rules SP101`) with its hint too."""
    rules = list(rules)
    text = "".join(f"{r.id}  {r.name:<44} {r.severity.value:<8} {r.summary}\n" for r in rules)
    if len(rules) == 1 and rules[0].hint:
        text += f"  hint: {rules[0].hint}\n"
    return text


def rules_json(rules: Iterable[Rule], options: ReportOptions) -> str:
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "severity": r.severity.value,
            "summary": r.summary,
            "hint": r.hint,
        }
        for r in rules
    ]
    return encode_text(rows)
