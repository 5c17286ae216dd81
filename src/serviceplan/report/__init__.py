"""Reporters: one module per output format, each turning a ValidationReport into a string.

A reporter is a pure function `(report, options) -> str`: it returns the whole output, ending
in a newline, and never prints. The CLI picks one from `REPORTERS` by the user-facing format
name and writes the string where it belongs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from ..model import ValidationReport

__all__ = ["DIFF_REPORTERS", "REPORTERS", "ReportOptions", "Reporter", "resolve_format"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportOptions:
    """What a reporter needs beyond the report itself."""

    color: bool = False
    tool_version: str


Reporter: TypeAlias = Callable[["ValidationReport", ReportOptions], str]


class _Registry(Mapping[str, "Reporter"]):
    """Format name -> reporter; the module is imported on first use, so the CLI can offer
    every name (click.Choice) without loading every format at start-up."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> Reporter:
        module = importlib.import_module(f".{self._modules[name]}", __name__)
        render: Reporter = module.render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REPORTERS: Mapping[str, Reporter] = _Registry(
    {"text": "text", "json": "json_", "junit": "junit", "sarif": "sarif", "github": "github"}
)


# `serviceplan diff`: each module's `render(outcome, options) -> str`, loaded on use
DIFF_REPORTERS: Mapping[str, Callable[..., str]] = _Registry(
    {"text": "diff_text", "json": "diff_json", "markdown": "diff_markdown", "html": "diff_html"}
)


def resolve_format(name: str, environ: Mapping[str, str]) -> str:
    """Turn `auto` into a concrete format: GitHub annotations inside Actions, text elsewhere."""
    if name != "auto":
        return name
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
