"""The subcommands; each builds an options object and calls one pipeline function."""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..report import REPORTERS, ReportOptions, resolve_format
from . import EXIT_FINDINGS, EXIT_OK, cli
from .options import COLOR_CHOICE, ByteSize, ReportTarget, emit, use_color

FORMATS = ["auto", *REPORTERS]


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="Output format; auto is github inside GitHub Actions, else text.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    type=ReportTarget(list(REPORTERS)),
    help="Also write a report, e.g. --report sarif:out.sarif --report junit:junit.xml.",
)
@click.option(
    "--max-file-size",
    type=ByteSize(),
    default="1MB",
    show_default=True,
    help="Refuse larger files (a finding, SP003).",
)
@click.option(
    "--stdin-name",
    default="<stdin>",
    show_default=True,
    help="File name to report for `-` (a .csv name reads it as a remap).",
)
@click.option(
    "--color",
    type=COLOR_CHOICE,
    default="auto",
    show_default=True,
    help="Colour the text output (auto: on a terminal, unless NO_COLOR).",
)
def validate(
    paths: tuple[str, ...],
    strict: bool,
    output_format: str,
    reports: tuple[tuple[str, str], ...],
    max_file_size: int,
    stdin_name: str,
    color: str,
) -> int:
    """Validate plan files and the remap: XSD first, then the domain rules.

    PATHS are files or folders (searched for *.serviceplan and ServicePlanHostingRemap.csv);
    `-` reads standard input.
    """
    from ..errors import OutputErrors
    from ..inputs import STDIN
    from ..output import write_each
    from ..pipeline import ValidateOptions, validate_paths

    stdin = sys.stdin.buffer.read(max_file_size + 1) if STDIN in paths else b""
    options = ValidateOptions(strict, max_file_size, stdin_name, stdin)
    report = validate_paths(paths, options)
    plain = ReportOptions(tool_version=__version__)
    # a report that cannot be written loses neither the findings nor the other reports
    failed = write_each((path, REPORTERS[name](report, plain)) for name, path in reports)
    chosen = resolve_format(output_format, os.environ)
    colored = use_color(color)
    shown = ReportOptions(color=colored, tool_version=__version__)
    emit(REPORTERS[chosen](report, shown), colored)
    if failed:
        raise OutputErrors(failed)
    return EXIT_FINDINGS if report.failed else EXIT_OK


@cli.command("rules")
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def list_rules(output_format: str) -> int:
    """List every validation rule: id, name, severity and what it checks."""
    from ..rules.registry import RULES

    if output_format == "json":
        import json

        rows = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "hint": r.hint,
            }
            for r in RULES.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return EXIT_OK
    for r in RULES.values():
        click.echo(f"{r.id}  {r.name:<44} {r.severity.value:<8} {r.summary}")
    return EXIT_OK
