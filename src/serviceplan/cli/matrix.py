"""`serviceplan matrix`: plans side by side, for the people who would rather look than read."""

from __future__ import annotations

import os
import shutil
import sys

import click

from .. import __version__
from ..report import REPORTERS, ReportOptions
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import (
    EXAMPLES,
    config_options,
    format_option,
    max_file_size_option,
    output_option,
    rule_options,
)


@cli.command("matrix")
@click.argument("paths", nargs=-1, type=click.Path())
@EXAMPLES
@click.option(
    "--plan",
    "plans",
    multiple=True,
    metavar="NAME",
    help="A plan to show (repeatable; in this order). Default: every plan the remap maps, in "
    "remap order, then the rest.",
)
@click.option("--different", is_flag=True, help="Only the rows where the plans differ.")
@click.option(
    "--scope",
    type=click.Choice(["organization", "mailbox-plans", "all"]),
    default="all",
    show_default=True,
    help="The Organization's table, the mailbox plans' table, or both.",
)
@format_option(REPORTERS.formats("matrix"))
@output_option
@click.option(
    "--all-features",
    is_flag=True,
    help="Also show the datacenter-only features every plan leaves at their default.",
)
@max_file_size_option()
@rule_options
@config_options
def matrix_command(
    paths: tuple[str, ...],
    examples: bool,
    plans: tuple[str, ...],
    different: bool,
    scope: str,
    output_format: str,
    output: str | None,
    all_features: bool,
    max_file_size: int,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Compare plans side by side: a column per plan (and per mailbox plan), a row per feature.

    No PATH: the configuration's paths, else the working directory (--examples: the sample
    plans shipped in the package). Values read as people read them (10 GB, 1,000, Unlimited);
    ° marks a catalogue default, a value the plan file does not write. On a terminal the text
    fits its width where it can, else it goes through a pager ($PAGER, else less), as git does.
    A plan with an error is left out and the findings printed on stderr (exit 1).
    """
    from ..catalog import load_catalog
    from ..config import load_project_config
    from ..files.defaults import plan_paths
    from ..files.output import write_atomic
    from ..matrix.table import MatrixOptions, MatrixScope, build_matrix
    from ..model import FindingsReport
    from ..pipeline import CompileOptions, compile_plans
    from ..report.matrix import render_text

    config = load_project_config(config_file, isolated)
    compiled = compile_plans(
        plan_paths(paths, examples, config),
        CompileOptions(max_file_size=max_file_size, rules=config.rules(select, ignore)),
    )
    options = MatrixOptions(
        plans=plans, different=different, scope=MatrixScope(scope), all_features=all_features
    )
    matrix = build_matrix(compiled, load_catalog(), options)
    if matrix.errors:
        report = FindingsReport(compiled.report.files, matrix.findings)
        text = REPORTERS["validate", "text"](report, ReportOptions(tool_version=__version__))
        click.echo(text, nl=False, err=True)
    report_options = ReportOptions(tool_version=__version__)
    width = None
    if output is None and output_format == "text" and sys.stdout.isatty():
        width = shutil.get_terminal_size().columns
    if output_format == "text":
        rendered = render_text(matrix, report_options, width=width)
    else:
        rendered = REPORTERS["matrix", output_format](matrix, report_options)
    if output:
        write_atomic(output, rendered)
    elif width and max(map(len, rendered.splitlines()), default=0) > width:
        os.environ.setdefault("LESS", "FRSX")  # as git: quit if one screen, keep lines whole
        click.echo_via_pager(rendered)
    else:
        click.echo(rendered, nl=False)
    return EXIT_FINDINGS if matrix.errors else EXIT_OK
