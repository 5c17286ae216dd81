"""`serviceplan tenants`: an inventory into a database (import), back out (export), and every
tenant against the plan it is on today (check)."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from .. import __version__
from ..report import REPORTERS, ReportOptions, resolve_format
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import (
    COLOR_CHOICE,
    EXAMPLES,
    config_options,
    emit,
    format_option,
    max_file_size_option,
    rule_options,
    tenants_source_options,
    use_color,
)

if TYPE_CHECKING:
    from ..model import Finding


@cli.group("tenants")
def tenants_group() -> None:
    """The tenant inventory: a CSV or JSONL file, or a database URL (sqlite:///tenants.db;
    postgresql://user@host/db with `pip install "serviceplan[postgresql]"`)."""


def _stops(findings: tuple[Finding, ...], source: str, *, err: bool = False) -> bool:
    """Print the inventory's findings as validate does (on standard error if `err`); whether
    an error stops the command (nothing is written, exit 1)."""
    from ..model import FindingsReport

    report = FindingsReport((source,), findings)
    if findings:
        text = REPORTERS["validate", "text"](report, ReportOptions(tool_version=__version__))
        emit(text, False, err=err)
    return report.errors > 0


@tenants_group.command("import")
@click.argument("file", type=click.Path())
@click.argument("url", metavar="URL")
@click.option("--table", default="tenants", show_default=True, help="The table to load.")
@click.option("--replace", is_flag=True, help="Swap the table's contents (atomically).")
def import_command(file: str, url: str, table: str, replace: bool) -> int:
    """Load a CSV/JSONL inventory FILE into a table of the database URL, in one transaction.

    The table gets typed columns and a unique index on the name (ignoring case). Any row
    finding: nothing is written (exit 1).
    """
    from ..catalog import load_catalog
    from ..errors import UsageError
    from ..tenants.database import is_url, mask_url
    from ..tenants.inventory import read_inventory
    from ..tenants.store import import_tenants

    if not is_url(url):
        raise UsageError(f"{url}: not a database URL", hint="e.g. sqlite:///tenants.db")
    inventory = read_inventory(file, load_catalog())
    if _stops(inventory.findings, inventory.source):
        return EXIT_FINDINGS
    count = import_tenants(inventory.tenants, url, table=table, replace=replace)
    click.echo(f"{count:,} tenants written to {mask_url(url)} table {table}")
    return EXIT_OK


@tenants_group.command("export")
@click.argument("source", metavar="SOURCE")
@tenants_source_options
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="FILE: .csv, or .jsonl for JSONL; none or - is standard output.",
)
@format_option(
    ["csv", "jsonl"],
    default=None,
    help="csv or jsonl; default: by FILE's name, csv on standard output.",
)
def export_command(
    source: str,
    tenants_table: str | None,
    tenants_query: str | None,
    output: str | None,
    output_format: str | None,
) -> int:
    """Write the inventory of SOURCE (a file or a database URL) out as CSV or JSONL.

    Cells a spreadsheet would run as formulas are neutralised as render's CSV output does.
    """
    from ..catalog import load_catalog
    from ..files.output import STDOUT, is_stdout, write_output
    from ..tenants.inventory import read_inventory
    from ..tenants.store import export_text

    inventory = read_inventory(source, load_catalog(), table=tenants_table, query=tenants_query)
    to_stdout = is_stdout(output)
    # on standard output the inventory's findings must not mix with the rows
    if _stops(inventory.findings, inventory.source, err=to_stdout):
        return EXIT_FINDINGS
    jsonl = output_format == "jsonl" if output_format else None
    write_output(output, export_text(inventory.tenants, output or STDOUT, jsonl=jsonl))
    where = "standard output" if to_stdout else output
    click.echo(f"{len(inventory.tenants):,} tenants written to {where}", err=to_stdout)
    return EXIT_OK


@tenants_group.command("check")
@click.argument("source", metavar="SOURCE")
@click.argument("paths", nargs=-1, type=click.Path())
@EXAMPLES
@tenants_source_options
@format_option(
    ["auto", *REPORTERS.formats("validate")],
    default="auto",
    help="Output format; auto is github inside GitHub Actions, else text.",
)
@max_file_size_option()
@click.option("--color", type=COLOR_CHOICE, default="auto", show_default=True)
@rule_options
@config_options
def check_command(
    source: str,
    paths: tuple[str, ...],
    examples: bool,
    tenants_table: str | None,
    tenants_query: str | None,
    output_format: str,
    max_file_size: int,
    color: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Check every tenant of SOURCE against the plan it is on today.

    Its plan is its `plan` column, else what the remap gives its (ProgramId, OfferId):
    an unknown pair (SP505), a plan not among PATHS (SP511), usage above the plan's limits
    now (SP510). PATHS as for validate. Exit 0 clean, 1 findings, 2 usage or tool error.
    """
    from ..config import load_project_config
    from ..files.defaults import plan_paths
    from ..pipeline import TenantsCheckOptions, check_tenant_paths
    from .commands import validate_report_options

    config = load_project_config(config_file, isolated)
    options = TenantsCheckOptions(
        tenants=source,
        table=tenants_table,
        query=tenants_query,
        max_file_size=max_file_size,
        rules=config.rules(select, ignore),
    )
    report = check_tenant_paths(plan_paths(paths, examples, config), options)
    chosen = resolve_format(output_format, os.environ)
    colored = use_color(color)
    shown = replace(validate_report_options({chosen}), color=colored)  # the same as validate's
    emit(REPORTERS["validate", chosen](report, shown), colored)
    return EXIT_FINDINGS if report.failed else EXIT_OK
