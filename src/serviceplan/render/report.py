"""The report of `serviceplan render`: text, or JSON documented by
schemas/render-report.schema.json (keep them in step)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from ..files.spool import sort_records
from ..model import plural
from ..report import ReportOptions
from ..report.encode import Stream, encode_stream, envelope
from ..report.json_ import finding_json
from ..report.text import finding_lines, printable
from .outcomes import Outcome
from .output import CREATE, FAIL, SKIP, UNCHANGED, UPDATE, WRITES, Action
from .run import RenderResult

FORMAT_VERSION = 1
SHOWN_SKIP_REASONS = 10
SHOWN_FAILURES = 50  # lines, a group of tenants failed alike being one
SHOWN_GROUP_NAMES = 3
_LINES = 1024  # lines written at a time


def render_text(result: RenderResult, options: ReportOptions) -> str:
    return b"".join(render_text_chunks(result, options)).decode("utf-8")


def render_text_chunks(result: RenderResult, options: ReportOptions) -> Iterator[bytes]:
    """The text report in pieces: a dry run's listing may have a line per tenant."""
    lines: list[str] = []
    for line in _text_lines(result):
        lines.append(line)
        if len(lines) == _LINES:
            yield ("\n".join(lines) + "\n").encode("utf-8")
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode("utf-8")


def _text_lines(result: RenderResult) -> Iterator[str]:
    for finding in result.report.findings:
        yield from finding_lines(finding)
    yield from _failure_lines(result)
    if result.count(SKIP):
        reasons = sort_records(o.message for o in result.outcomes if o.action == SKIP)
        counted = ((reason, sum(1 for _ in alike)) for reason, alike in groupby(reasons))
        for reason, count in heapq.nsmallest(
            SHOWN_SKIP_REASONS, counted, key=lambda item: (-item[1], item[0])
        ):
            shown = printable(reason).replace("\n", "\\n")
            yield f"skipped {plural(count, 'tenant')}: {shown}"
    if result.dry_run:
        yield from _plan_lines(result)
    if not result.applied and not result.dry_run and result.failed and result.outcomes:
        yield "nothing was written; --keep-going writes the tenants that rendered"
    yield result.summary()


def _failure_lines(result: RenderResult) -> list[str]:
    """One line per failed tenant, except that a template error many tenants hit alike (the
    same line, the same kind) is one line with their number: a template bug is printed once.
    Read twice, never held: which tenants have a line (the first of each kind), then how many
    tenants each of their kinds has."""
    total = result.count(FAIL)
    if not total:
        return []
    shown: list[Outcome] = []
    kinds: dict[str, list[Any]] = {}  # kind -> [tenants of that kind, the first few names]
    for outcome in _failures(result):
        if outcome.kind:
            if outcome.kind in kinds:
                continue
            kinds[outcome.kind] = [0, []]
        shown.append(outcome)
        if len(shown) == SHOWN_FAILURES:
            break
    if kinds:
        for outcome in _failures(result):
            alike = kinds.get(outcome.kind)
            if alike is not None:
                alike[0] += 1
                if len(alike[1]) < SHOWN_GROUP_NAMES:
                    alike[1].append(outcome.tenant)
    lines: list[str] = []
    told = 0  # failed tenants the lines so far tell of
    for outcome in shown:
        count, names = kinds.get(outcome.kind, (1, []))
        if count > 1:
            lines.append(printable(_group_line(outcome, count, names)))
            told += count
        else:
            message = "\n  ".join(printable(line) for line in outcome.message.splitlines())
            lines.append(f"{printable(str(outcome.row))}: error: {message}")
            told += 1
    if told < total:  # a template bug fails every tenant alike
        lines.append(f"... and {total - told:,} more failed tenants (--format json lists them all)")
    return lines


def _failures(result: RenderResult) -> Iterator[Outcome]:
    return (outcome for outcome in result.outcomes if outcome.action == FAIL)


def _group_line(first: Outcome, count: int, names: list[str]) -> str:
    """`new.ps1:12: error: 'plan.nme' ... (failed 11 tenants: 'Contoso', 'Fabrikam', ...)`"""
    shown = ", ".join(repr(name) for name in names[:SHOWN_GROUP_NAMES])
    more = f" and {count - SHOWN_GROUP_NAMES:,} more" if count > SHOWN_GROUP_NAMES else ""
    tenants = f"(failed {plural(count, 'tenant')}: {shown}{more})"
    text = first.kind.replace("\n", "\\n")
    if first.template_line:
        where, found, rest = text.partition(f":{first.template_line}: ")
        if found:
            return f"{where}:{first.template_line}: error: {rest} {tenants}"
    return f"error: {text} {tenants}"


def _plan_lines(result: RenderResult) -> Iterator[str]:
    """What a run would do to DIR, as terraform plan shows it: `+ new`, `~ changed`,
    `- removed`, by file name; unchanged files are only counted (in the summary). Sorted
    externally: (casefolded name, name, then the order sorted() would keep)."""
    marks = {CREATE: "+", UPDATE: "~"}
    writes = sort_records(
        (o.path.casefold(), o.path, at, marks[o.action])
        for at, o in enumerate(result.outcomes)
        if o.action in WRITES
    )
    after = len(result.outcomes)
    removed = sort_records(
        (name.casefold(), name, after + at, "-") for at, name in enumerate(result.removed)
    )
    for _, path, _, mark in heapq.merge(writes, removed):
        yield f"{mark} {printable(path)}"


def render_json(result: RenderResult, options: ReportOptions) -> str:
    return b"".join(render_json_chunks(result, options)).decode("utf-8")


def render_json_chunks(result: RenderResult, options: ReportOptions) -> Iterator[bytes]:
    """The JSON report, its lists of tenants written as they are read back."""
    yield from encode_stream(_document(result, options))


def _document(result: RenderResult, options: ReportOptions) -> dict[str, Any]:
    return {
        **envelope(FORMAT_VERSION, options.tool_version),
        "template": result.template,
        "out": result.out,
        "index": result.index,
        "shard": {"index": result.shard[0], "count": result.shard[1]},
        "dry_run": result.dry_run,
        "summary": {
            "tenants": len(result.outcomes),
            "create": result.count(CREATE),
            "update": result.count(UPDATE),
            "unchanged": result.count(UNCHANGED),
            "skipped": result.count(SKIP),
            "failed": result.count(FAIL),
            "removed": len(result.removed),
            "errors": result.report.errors,
            "warnings": result.report.warnings,
            "applied": result.applied,
            "text": result.summary(),
        },
        "findings": [finding_json(finding) for finding in result.report.findings],
        "files": Stream(_files(result)),
        "failures": Stream(
            {"tenant": o.tenant, "file": o.row.file, "line": o.row.line, "path": o.path,
             "template_line": o.template_line, "message": o.message}
            for o in _failures(result)
        ),
        "skipped": Stream(
            {"tenant": o.tenant, "file": o.row.file, "line": o.row.line, "path": o.path,
             "reason": o.message}
            for o in result.outcomes
            if o.action == SKIP
        ),
    }  # fmt: skip


def _files(result: RenderResult) -> Iterable[dict[str, Any]]:
    for o in result.outcomes:
        if o.action in (*WRITES, UNCHANGED):
            yield {"path": o.path, "tenant": o.tenant, "line": o.row.line, "action": o.action,
                   "sha256": o.sha256}  # fmt: skip
    for name in result.removed:
        yield {"path": name, "tenant": "", "line": 0, "action": Action.REMOVE, "sha256": ""}
