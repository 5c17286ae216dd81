"""How many findings one file may produce: hostile input (a megabyte of unknown elements, of
empty mailbox plans, of blank remap lines) must not turn into a million findings, minutes of
work and gigabytes of report. Past the limit, checking that file stops and one more finding
says so; any real plan is far below it."""

from __future__ import annotations

from ..model import Finding, Severity

MAX_FINDINGS_PER_FILE = 1000


def stopped_finding(last: Finding, limit: int = MAX_FINDINGS_PER_FILE) -> Finding:
    """The finding that says checking stopped, at the first problem not listed."""
    return Finding(
        last.rule,
        last.severity,
        f"checking this file stopped after {limit:,} findings; later problems are not listed",
        last.location,
        hint="fix the problems listed and run again",
    )


def limited(findings: list[Finding], limit: int = MAX_FINDINGS_PER_FILE) -> list[Finding]:
    """At most `limit` findings, the first in the file, and one saying the rest were left out."""
    if len(findings) <= limit:
        return findings
    ordered = sorted(findings, key=Finding.sort_key)
    rest = ordered[limit:]
    first = next((f for f in rest if f.severity is Severity.ERROR), rest[0])
    return [*ordered[:limit], stopped_finding(first, limit)]
