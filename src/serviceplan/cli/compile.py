"""`serviceplan compile`: resolved settings with provenance."""

from __future__ import annotations

import click

from .. import __version__
from ..report import REPORTERS, ReportOptions
from . import EXIT_FINDINGS, EXIT_OK, cli
from .options import EXAMPLES, ByteSize, config_options, rule_options


@cli.command("compile")
@click.argument("paths", nargs=-1, type=click.Path())
@EXAMPLES
@click.option("--remap", type=click.Path(), help="A remap file besides any among PATHS.")
@click.option("--program", "program_id", help="ProgramId to resolve through the remap.")
@click.option("--offer", "offer_id", help="OfferId to resolve through the remap.")
@click.option("--plan", help="Compile only the plan with this name.")
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(), help="Write to FILE (atomically), not stdout.")
@click.option("--max-file-size", type=ByteSize(), default="1MB", show_default=True)
@rule_options
@config_options
def compile_command(
    paths: tuple[str, ...],
    examples: bool,
    remap: str | None,
    program_id: str | None,
    offer_id: str | None,
    plan: str | None,
    output_format: str,
    output: str | None,
    max_file_size: int,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Resolve every Organization and mailbox-plan setting, with where each value came from.

    No PATH: the configuration's paths, else the working directory (--examples: the sample
    plans shipped in the package). A plan with an error finding is not compiled: the
    findings are printed instead (exit 1).
    """
    from ..config import load_project_config
    from ..defaults import plan_paths
    from ..output import write_atomic
    from ..pipeline import CompileOptions, compile_plans
    from ..report.compiled import COMPILE_REPORTERS

    config = load_project_config(config_file, isolated)
    rules = config.rules(select, ignore)
    options = CompileOptions(remap, program_id, offer_id, plan, max_file_size, rules)
    result = compile_plans(plan_paths(paths, examples, config), options)
    if result.report.errors:
        text = REPORTERS["text"](result.report, ReportOptions(tool_version=__version__))
        click.echo(text, nl=False, err=True)
        return EXIT_FINDINGS
    rendered = COMPILE_REPORTERS[output_format](
        result.plans, ReportOptions(tool_version=__version__)
    )
    if output:
        write_atomic(output, rendered)
    else:
        click.echo(rendered, nl=False)
    return EXIT_OK
