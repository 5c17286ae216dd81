"""Reporters: one registry, keyed by (command, format), of functions with one signature.

A reporter is a pure function `(subject, options) -> str`: the command's result (a
FindingsReport for validate, a DiffOutcome for diff, a CompileResult for compile, a
RenderResult for render, ...) and the `ReportOptions`; it returns the whole output, ending in
a newline, and never prints. A reporter whose output can be large may also have a streaming
form, `(subject, options) -> Iterator[bytes]`, whose pieces joined are the same text as UTF-8:
`REPORTERS.chunks` uses it, and the CLI writes the pieces as they come. Every JSON document
starts with the one envelope and goes through the one encoder (`report/encode.py`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

__all__ = ["REPORTERS", "ReportOptions", "Reporter", "Reporters", "resolve_format"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportOptions:
    """What a reporter needs beyond its subject."""

    color: bool = False
    tool_version: str
    # CI formats (sarif, github) name files relative to this repository root (the CLI
    # passes GITHUB_WORKSPACE, else the git top level); None: SARIF gives file:// URIs
    root: str | None = None
    timestamp: str = "1970-01-01T00:00:00"  # JUnit's run start, ISO 8601 (the CLI: now)
    all_features: bool = False  # compile: also the datacenter-only defaults


Reporter: TypeAlias = Callable[[Any, ReportOptions], str]
Chunks: TypeAlias = Callable[[Any, ReportOptions], Iterator[bytes]]
Key: TypeAlias = tuple[str, str]


class Reporters(Mapping[Key, Reporter]):
    """(command, format) -> reporter, in the order registered; a module is imported on first
    use, so the CLI can offer every format (click.Choice) without loading them at start-up.

    An entry is `"module:function"` (relative to serviceplan), or `"module:function:stream"`
    for a reporter with a streaming form."""

    def __init__(self, entries: dict[Key, str]) -> None:
        self._entries = entries

    def _load(self, key: Key, index: int) -> Any:
        module, *names = self._entries[key].split(":")
        return getattr(importlib.import_module(module, "serviceplan"), names[index])

    def __getitem__(self, key: Key) -> Reporter:
        reporter: Reporter = self._load(key, 0)
        return reporter

    def __iter__(self) -> Iterator[Key]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def formats(self, command: str) -> list[str]:
        """The format names of one command, in the order registered."""
        return [name for (owner, name) in self._entries if owner == command]

    def chunks(self, key: Key, subject: object, options: ReportOptions) -> Iterator[bytes]:
        """The output as UTF-8 pieces: the streaming form where there is one."""
        if self._entries[key].count(":") == 2:
            stream: Chunks = self._load(key, 1)
            yield from stream(subject, options)
        else:
            yield self[key](subject, options).encode("utf-8")


REPORTERS = Reporters(
    {
        ("validate", "text"): ".report.text:render",
        ("validate", "json"): ".report.json_:render",
        ("validate", "junit"): ".report.junit:render",
        ("validate", "sarif"): ".report.sarif:render",
        ("validate", "github"): ".report.github:render",
        ("diff", "text"): ".report.diff_text:render",
        ("diff", "json"): ".report.diff_json:render:chunks",
        ("diff", "markdown"): ".report.diff_markdown:render",
        ("diff", "html"): ".report.diff_html:render",
        ("compile", "text"): ".report.compiled:text_report:text_chunks",
        ("compile", "json"): ".report.compiled:json_report:json_chunks",
        ("render", "text"): ".render.report:render_text:render_text_chunks",
        ("render", "json"): ".render.report:render_json:render_json_chunks",
        ("digest", "text"): ".report.copies:digest_text",
        ("digest", "json"): ".report.copies:digest_json",
        ("verify-copies", "text"): ".report.copies:verify_text",
        ("verify-copies", "json"): ".report.copies:verify_json",
        ("explain", "text"): ".tools.explain:render_explain_text",
        ("explain", "json"): ".tools.explain:render_explain_json",
        ("rules", "text"): ".report.rules:rules_text",
        ("rules", "json"): ".report.rules:rules_json",
        ("matrix", "text"): ".report.matrix:render_text",
        ("matrix", "markdown"): ".report.matrix:render_markdown",
        ("matrix", "csv"): ".report.matrix:render_csv",
        ("matrix", "json"): ".report.matrix_json:render",
        ("matrix", "html"): ".report.matrix_html:render",
    }
)


def resolve_format(name: str, environ: Mapping[str, str]) -> str:
    """Turn `auto` into a concrete format: GitHub annotations inside Actions, text elsewhere."""
    if name != "auto":
        return name
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
