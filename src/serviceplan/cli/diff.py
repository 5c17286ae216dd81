"""`serviceplan diff`: two revisions compared, each change with its update category and cost."""

from __future__ import annotations

import click

from .. import __version__
from ..report import REPORTERS, ReportOptions
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import (
    COLOR_CHOICE,
    CategoryList,
    config_options,
    emit,
    format_option,
    max_file_size_option,
    output_option,
    rule_options,
    tenants_source_options,
    use_color,
)


@cli.command("diff")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--git",
    "git_range",
    metavar="REV1..REV2",
    help="Compare two git revisions (A..B, A...B from their merge base, or A against "
    "the work tree), read from the object store; PATHS limit the files.",
)
@click.option(
    "--tenants",
    metavar="SOURCE",
    help="Tenant inventory (CSV or JSONL file, or a database URL): what "
    "reaches each tenant, mailboxes to update, usage over new limits.",
)
@tenants_source_options
@format_option(REPORTERS.formats("diff"))
@output_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences.")
@click.option(
    "--fail-on",
    "fail_on",
    type=CategoryList(),
    multiple=True,
    help="Exit 1 when changes of these update categories exist, e.g. "
    "--fail-on MailboxPlanConfiguration.",
)
@click.option(
    "--textual",
    is_flag=True,
    help="Also list changes that change no value "
    "(a default written out, a value rewritten as 10240MB for 10GB).",
)
@max_file_size_option()
@click.option("--color", type=COLOR_CHOICE, default="auto", show_default=True)
@rule_options
@config_options
def diff_command(
    paths: tuple[str, ...],
    git_range: str | None,
    tenants: str | None,
    tenants_table: str | None,
    tenants_query: str | None,
    output_format: str,
    output: str | None,
    exit_code: bool,
    fail_on: tuple[tuple[str, ...], ...],
    textual: bool,
    max_file_size: int,
    color: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Compare plan revisions before rollout: OLD NEW (two folders, two plan files or two
    remaps), or --git.

    Reordering, formatting, comments and writing a default out are not changes. Exit 0 when
    nothing fails; 1 on blockers (Update-ServicePlan would refuse), on differences with
    --exit-code, or on --fail-on categories; 2 on usage or tool errors. With --git and no
    PATH: the configuration's paths, else the working directory.
    """
    from ..config import load_project_config
    from ..errors import UsageError
    from ..files.output import write_output
    from ..pipeline import DiffOptions, diff_paths

    if git_range is None and len(paths) != 2:
        raise UsageError(
            "diff needs OLD and NEW (files or folders), or --git REV1..REV2",
            hint="serviceplan diff old/ new/   or   serviceplan diff --git "
            "origin/main..HEAD serviceplans/",
        )
    config = load_project_config(config_file, isolated)
    if git_range is not None and not paths:
        paths = tuple(config.resolve(path) for path in config.paths)
    old, new = (None, None) if git_range is not None else paths
    git_paths = paths if git_range is not None else ()
    failing = frozenset(
        category for group in fail_on or [config.fail_on or ()] for category in group
    )
    options = DiffOptions(
        old=old,
        new=new,
        git=git_range,
        git_paths=git_paths,
        tenants=tenants,
        tenants_table=tenants_table,
        tenants_query=tenants_query,
        textual=textual,
        max_file_size=max_file_size,
        fail_on=failing,
        exit_code=exit_code,
        rules=config.rules(select, ignore),
    )
    outcome = diff_paths(options)
    colored = use_color(color) and output is None and output_format == "text"
    shown = ReportOptions(color=colored, tool_version=__version__)
    if output or output_format == "json":  # as produced: no ANSI codes to strip in JSON
        write_output(output, REPORTERS.chunks(("diff", output_format), outcome, shown))
    else:
        emit(REPORTERS["diff", output_format](outcome, shown), colored)
    return EXIT_FINDINGS if outcome.gate.failed else EXIT_OK
