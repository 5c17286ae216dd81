"""Reporters: one module per output format, each turning a ValidationReport into a string.

A reporter is a pure function `(report, options) -> str`: it returns the whole output, ending
in a newline, and never prints. The CLI picks one from `REPORTERS` by the user-facing format
name and writes the string where it belongs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from ..model import ValidationReport
from . import github, json_, junit, sarif, text

__all__ = ["REPORTERS", "ReportOptions", "Reporter", "resolve_format"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportOptions:
    """What a reporter needs beyond the report itself."""

    color: bool = False
    tool_version: str


Reporter: TypeAlias = Callable[[ValidationReport, ReportOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
}


def resolve_format(name: str, environ: Mapping[str, str]) -> str:
    """Turn `auto` into a concrete format: GitHub annotations inside Actions, text elsewhere."""
    if name != "auto":
        return name
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
