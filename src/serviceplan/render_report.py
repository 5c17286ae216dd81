"""The report of `serviceplan render`: text, or JSON documented by
schemas/render-report.schema.json (keep them in step)."""

from __future__ import annotations

import json
from collections import Counter

from .model import plural
from .render import RenderResult
from .render_output import CREATE, FAIL, SKIP, UNCHANGED, UPDATE, WRITES
from .report.json_ import finding_json
from .report.text import finding_lines, printable

FORMAT_VERSION = 1
SHOWN_SKIP_REASONS = 10
SHOWN_FAILURES = 50


def render_text(result: RenderResult, tool_version: str) -> str:
    lines = [line for finding in result.report.findings for line in finding_lines(finding)]
    failures = [outcome for outcome in result.outcomes if outcome.action == FAIL]
    for outcome in failures[:SHOWN_FAILURES]:
        message = "\n  ".join(printable(line) for line in outcome.message.splitlines())
        lines.append(f"{printable(str(outcome.row))}: error: {message}")
    if len(failures) > SHOWN_FAILURES:  # a template bug fails every tenant alike
        lines.append(
            f"... and {len(failures) - SHOWN_FAILURES:,} more failed tenants "
            "(--format json lists them all)"
        )
    reasons = Counter(o.message for o in result.outcomes if o.action == SKIP)
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[
        :SHOWN_SKIP_REASONS
    ]:
        shown = printable(reason).replace("\n", "\\n")
        lines.append(f"skipped {plural(count, 'tenant')}: {shown}")
    if not result.applied and not result.dry_run and result.failed and result.outcomes:
        lines.append("nothing was written; --keep-going writes the tenants that rendered")
    lines.append(result.summary())
    return "\n".join(lines) + "\n"


def render_json(result: RenderResult, tool_version: str) -> str:
    outcomes = result.outcomes
    files = [
        {"path": o.path, "tenant": o.tenant, "line": o.row.line, "action": o.action,
         "sha256": o.sha256}
        for o in outcomes
        if o.action in (*WRITES, UNCHANGED)
    ]  # fmt: skip
    files += [
        {"path": name, "tenant": "", "line": 0, "action": "remove", "sha256": ""}
        for name in result.removed
    ]
    document = {
        "version": FORMAT_VERSION,
        "tool": {"name": "serviceplan", "version": tool_version},
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
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDER_REPORTERS = {"text": render_text, "json": render_json}
