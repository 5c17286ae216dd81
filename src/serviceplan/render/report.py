"""The report of `serviceplan render`: text, or JSON documented by
schemas/render-report.schema.json (keep them in step)."""

from __future__ import annotations

from collections import Counter

from ..model import plural
from ..report import ReportOptions
from ..report.encode import encode_text, envelope
from ..report.json_ import finding_json
from ..report.text import finding_lines, printable
from .output import CREATE, FAIL, SKIP, UNCHANGED, UPDATE, WRITES, Action
from .run import Outcome, RenderResult

FORMAT_VERSION = 1
SHOWN_SKIP_REASONS = 10
SHOWN_FAILURES = 50  # lines, a group of tenants failed alike being one
SHOWN_GROUP_NAMES = 3


def render_text(result: RenderResult, options: ReportOptions) -> str:
    lines = [line for finding in result.report.findings for line in finding_lines(finding)]
    lines += _failure_lines(result)
    reasons = Counter(o.message for o in result.outcomes if o.action == SKIP)
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[
        :SHOWN_SKIP_REASONS
    ]:
        shown = printable(reason).replace("\n", "\\n")
        lines.append(f"skipped {plural(count, 'tenant')}: {shown}")
    if result.dry_run:
        lines += _plan_lines(result)
    if not result.applied and not result.dry_run and result.failed and result.outcomes:
        lines.append("nothing was written; --keep-going writes the tenants that rendered")
    lines.append(result.summary())
    return "\n".join(lines) + "\n"


def _failure_lines(result: RenderResult) -> list[str]:
    """One line per failed tenant, except that a template error many tenants hit alike (the
    same line, the same kind) is one line with their number: a template bug is printed once."""
    failures = [outcome for outcome in result.outcomes if outcome.action == FAIL]
    alike: dict[str, list[Outcome]] = {}
    for outcome in failures:
        if outcome.kind:
            alike.setdefault(outcome.kind, []).append(outcome)
    lines: list[str] = []
    told = 0  # failed tenants the lines so far tell of
    for outcome in failures:
        group = alike.get(outcome.kind, []) if outcome.kind else []
        if len(group) > 1:
            if group[0] is not outcome:
                continue
            lines.append(printable(_group_line(outcome, group)))
            told += len(group)
        else:
            message = "\n  ".join(printable(line) for line in outcome.message.splitlines())
            lines.append(f"{printable(str(outcome.row))}: error: {message}")
            told += 1
        if len(lines) == SHOWN_FAILURES:
            break
    if told < len(failures):  # a template bug fails every tenant alike
        lines.append(
            f"... and {len(failures) - told:,} more failed tenants (--format json lists them all)"
        )
    return lines


def _group_line(first: Outcome, group: list[Outcome]) -> str:
    """`new.ps1:12: error: 'plan.nme' ... (failed 11 tenants: 'Contoso', 'Fabrikam', ...)`"""
    names = ", ".join(repr(outcome.tenant) for outcome in group[:SHOWN_GROUP_NAMES])
    more = f" and {len(group) - SHOWN_GROUP_NAMES:,} more" if len(group) > SHOWN_GROUP_NAMES else ""
    tenants = f"(failed {plural(len(group), 'tenant')}: {names}{more})"
    text = first.kind.replace("\n", "\\n")
    if first.template_line:
        where, found, rest = text.partition(f":{first.template_line}: ")
        if found:
            return f"{where}:{first.template_line}: error: {rest} {tenants}"
    return f"error: {text} {tenants}"


def _plan_lines(result: RenderResult) -> list[str]:
    """What a run would do to DIR, as terraform plan shows it: `+ new`, `~ changed`,
    `- removed`, by file name; unchanged files are only counted (in the summary)."""
    marks = {CREATE: "+", UPDATE: "~"}
    changes = [(o.path, marks[o.action]) for o in result.outcomes if o.action in WRITES]
    changes += [(name, "-") for name in result.removed]
    changes.sort(key=lambda change: (change[0].casefold(), change[0]))
    return [f"{mark} {printable(path)}" for path, mark in changes]


def render_json(result: RenderResult, options: ReportOptions) -> str:
    outcomes = result.outcomes
    files = [
        {"path": o.path, "tenant": o.tenant, "line": o.row.line, "action": o.action,
         "sha256": o.sha256}
        for o in outcomes
        if o.action in (*WRITES, UNCHANGED)
    ]  # fmt: skip
    files += [
        {"path": name, "tenant": "", "line": 0, "action": Action.REMOVE, "sha256": ""}
        for name in result.removed
    ]
    document = {
        **envelope(FORMAT_VERSION, options.tool_version),
        "template": result.template,
        "out": result.out,
        "index": result.index,
        "shard": {"index": result.shard[0], "count": result.shard[1]},
        "dry_run": result.dry_run,
        "summary": {
            "tenants": len(outcomes),
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
        "files": files,
        "failures": [
            {"tenant": o.tenant, "file": o.row.file, "line": o.row.line, "path": o.path,
             "template_line": o.template_line, "message": o.message}
            for o in outcomes
            if o.action == FAIL
        ],
        "skipped": [
            {"tenant": o.tenant, "file": o.row.file, "line": o.row.line, "path": o.path,
             "reason": o.message}
            for o in outcomes
            if o.action == SKIP
        ],
    }  # fmt: skip
    return encode_text(document)
