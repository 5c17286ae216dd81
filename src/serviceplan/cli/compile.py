"""`serviceplan compile`: resolved settings with provenance."""

from __future__ import annotations

import click

from .. import __version__
from ..collector import gc_paused
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


@cli.command("compile")
@click.argument("paths", nargs=-1, type=click.Path())
@EXAMPLES
@click.option("--remap", type=click.Path(), help="A remap file besides any among PATHS.")
@click.option("--program", "program_id", help="ProgramId to resolve through the remap.")
@click.option("--offer", "offer_id", help="OfferId to resolve through the remap.")
@click.option("--plan", help="Compile only the plan with this name.")
@format_option(REPORTERS.formats("compile"))
@output_option
@click.option(
    "--all-features",
    is_flag=True,
    help="Also list the datacenter-only features left at their default.",
)
@max_file_size_option()
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
    all_features: bool,
    max_file_size: int,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Resolve every Organization and mailbox-plan setting, with where each value came from.

    No PATH: the configuration's paths, else the working directory (--examples: the sample
    plans shipped in the package).

    Every plan without an error is compiled; a plan with an error finding (or a remap line
    with one) is left out, the output says so and the findings are printed on stderr (exit 1).
    Datacenter-only features left at their default are not listed unless --all-features.
    """
    from ..config import load_project_config
    from ..files.defaults import plan_paths
    from ..files.output import write_output
    from ..pipeline import CompileOptions, compile_plans

    config = load_project_config(config_file, isolated)
    rules = config.rules(select, ignore)
    options = CompileOptions(
        remap=remap,
        program_id=program_id,
        offer_id=offer_id,
        plan=plan,
        max_file_size=max_file_size,
        rules=rules,
    )
    # the model is acyclic: with the collector on, writing it out would walk all of it again
    with gc_paused():
        result = compile_plans(plan_paths(paths, examples, config), options)
        if result.report.errors:
            text = REPORTERS["validate", "text"](
                result.report, ReportOptions(tool_version=__version__)
            )
            click.echo(text, nl=False, err=True)
        shown = ReportOptions(tool_version=__version__, all_features=all_features)
        # written as it is produced, plan by plan: a 1,000-plan document is never held whole
        write_output(output or None, REPORTERS.chunks(("compile", output_format), result, shown))
        code = EXIT_FINDINGS if result.report.errors else EXIT_OK
        del result  # freed while the collector is off: it never walks the model
    return code
