"""The subcommands; each builds an options object and calls one pipeline function."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import UTC, datetime

import click

from .. import __version__
from ..errors import UsageError
from ..report import REPORTERS, ReportOptions, resolve_format
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import (
    COLOR_CHOICE,
    EXAMPLES,
    ReportTarget,
    config_options,
    emit,
    format_option,
    max_file_size_option,
    rule_options,
    use_color,
)

FORMATS = ["auto", *REPORTERS.formats("validate")]


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@EXAMPLES
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Warnings fail too (exit 1). Default: the configuration's strict, else off.",
)
@format_option(
    FORMATS, default="auto", help="Output format; auto is github inside GitHub Actions, else text."
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    type=ReportTarget(REPORTERS.formats("validate")),
    help="Also write a report, e.g. --report sarif:out.sarif --report junit:junit.xml.",
)
@max_file_size_option(help="Refuse larger files (a finding, SP003).")
@click.option(
    "--stdin-name",
    default="<stdin>",
    show_default=True,
    help="File name for `-`, relative to the working directory: ServicePlanHostingRemap.csv "
    "(any case) reads it as the remap, checked against the plans in that folder, as the file "
    "itself would be.",
)
@click.option(
    "--staged-deletions",
    is_flag=True,
    help="Also check the remap beside every plan the git index deletes or renames away "
    "(pre-commit passes only the files that remain; the shipped hook sets this).",
)
@click.option(
    "--color",
    type=COLOR_CHOICE,
    default="auto",
    show_default=True,
    help="Colour the text output (auto: on a terminal, unless NO_COLOR).",
)
@rule_options
@config_options
def validate(
    paths: tuple[str, ...],
    examples: bool,
    strict: bool | None,
    output_format: str,
    reports: tuple[tuple[str, str], ...],
    max_file_size: int,
    stdin_name: str,
    staged_deletions: bool,
    color: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Validate plan files and the remap: XSD first, then the domain rules.

    PATHS are files or folders (searched for *.serviceplan and ServicePlanHostingRemap.csv);
    `-` reads standard input. No PATH: the configuration's paths, else the working directory.
    """
    from ..config import load_project_config
    from ..errors import OutputErrors
    from ..files.defaults import plan_paths
    from ..files.inputs import STDIN
    from ..files.output import STDOUT, write_each
    from ..pipeline import ValidateOptions, validate_paths

    # a report on standard output owns it: the usual output goes to standard error
    to_stdout = [f"--report {name}:{path}" for name, path in reports if path == STDOUT]
    if len(to_stdout) > 1:
        raise UsageError(
            f"{' and '.join(to_stdout)}: only one report can go to standard output",
            hint="name a file for the others, e.g. --report sarif:out.sarif",
        )
    config = load_project_config(config_file, isolated)
    paths = plan_paths(paths, examples, config)
    strict = config.strict if strict is None else strict
    stdin = sys.stdin.buffer.read(max_file_size + 1) if STDIN in paths else b""
    rules = config.rules(select, ignore)
    options = ValidateOptions(
        strict=bool(strict),
        max_file_size=max_file_size,
        stdin_name=stdin_name,
        stdin=stdin,
        rules=rules,
        staged_deletions=staged_deletions,
    )
    report = validate_paths(paths, options)
    chosen = resolve_format(output_format, os.environ)
    plain = validate_report_options({chosen, *(name for name, _ in reports)})
    # a report that cannot be written loses neither the findings nor the other reports
    failed = write_each(
        (path, REPORTERS["validate", name](report, plain)) for name, path in reports
    )
    colored = use_color(color)
    shown = replace(plain, color=colored)
    emit(REPORTERS["validate", chosen](report, shown), colored, err=bool(to_stdout))
    if failed:
        raise OutputErrors(failed)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def validate_report_options(formats: set[str]) -> ReportOptions:
    """The repository root for the CI formats (one `git`, only when one is asked for), and
    the run's start for JUnit (SOURCE_DATE_EPOCH when set, for reproducible reports)."""
    from ..files.workspace import repository_root

    root = repository_root(os.environ) if formats & {"sarif", "github"} else None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = (
        datetime.fromtimestamp(int(epoch), UTC)
        if epoch.isdigit()
        else datetime.now(UTC).replace(microsecond=0)
    )
    stamp = when.replace(tzinfo=None).isoformat()
    return ReportOptions(tool_version=__version__, root=root, timestamp=stamp)


@cli.command("rules")
@click.argument("selectors", metavar="[RULE]...", nargs=-1)
@format_option(REPORTERS.formats("rules"))
def list_rules(selectors: tuple[str, ...], output_format: str) -> int:
    """List every validation rule: id, name, severity and what it checks.

    RULE: only these rules, named as --select names them (SP101, a prefix such as SP4, or a
    name such as unknown-feature); one rule alone is shown with its hint.
    """
    from ..rules.registry import RULES
    from ..rules.selection import SelectorError, resolve_selector

    wanted = set(RULES)
    if selectors:
        try:
            wanted = set().union(*(resolve_selector(selector) for selector in selectors))
        except SelectorError as error:
            raise UsageError(error.message, hint=error.hint) from error
    shown = ReportOptions(tool_version=__version__)
    rules = [rule for rule_id, rule in RULES.items() if rule_id in wanted]
    click.echo(REPORTERS["rules", output_format](rules, shown), nl=False)
    return EXIT_OK


@cli.command("examples")
@click.argument("folder", metavar="DIR", type=click.Path())
@click.option("--force", is_flag=True, help="Overwrite files of the same name in DIR.")
def examples_command(folder: str, force: bool) -> int:
    """Copy the bundled sample plans (Contoso), their remap and a sample tenant inventory
    (tenants.csv) into DIR, to start from.

    DIR is made when missing; a file already there is left alone (exit 2, naming it) unless
    --force.
    """
    from ..files.defaults import copy_examples

    for path in copy_examples(folder, force):
        click.echo(f"wrote {path}")
    return EXIT_OK
