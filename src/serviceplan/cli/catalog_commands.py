"""`serviceplan explain` and `serviceplan features`: the catalogue, and which plans set what."""

from __future__ import annotations

import shutil
import sys

import click

from .. import __version__
from ..catalog import CATEGORIES, ORGANIZATION, SCOPES
from ..report import REPORTERS, ReportOptions
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import EXAMPLES, AnyCaseChoice, config_options, format_option, rule_options


@cli.command("features")
@click.option(
    "--category",
    # any case, as --fail-on takes it; the catalogue's spelling is what comes out
    type=AnyCaseChoice(CATEGORIES, "category"),
    help="Only features with this update category (any case).",
)
@click.option(
    "--scope",
    # org, as the catalogue's rules name the Organization (org.Feature)
    type=AnyCaseChoice(SCOPES, "scope", {"org": ORGANIZATION}),
    help="Only the features of this scope (any case; org for Organization).",
)
@click.option("--hosting-only", is_flag=True, help="Leave out datacenter-only features.")
@format_option(["text", "json"])
def features_command(
    category: str | None, scope: str | None, hosting_only: bool, output_format: str
) -> int:
    """List the feature catalogue in the schema's order: type, default, categories, rules."""
    from ..catalog import load_catalog
    from ..tools.explain import select_features
    from ..tools.features_table import render_features_json, render_features_text

    features = select_features(load_catalog(), category, scope, hosting_only)
    if output_format == "json":
        click.echo(render_features_json(features), nl=False)
    else:
        click.echo(render_features_text(features, _terminal_width()), nl=False)
    return EXIT_OK


def _terminal_width() -> int | None:
    """The terminal's width (COLUMNS wins, as everywhere); None into a pipe or a file, where
    whole lines serve grep better than a fitted table (and where COLUMNS is often stale:
    ncurses exports it to child processes)."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


@cli.command("explain")
@click.argument("feature")
@click.argument("paths", nargs=-1, type=click.Path())
@EXAMPLES
@format_option(REPORTERS.formats("explain"))
@rule_options
@config_options
def explain_command(
    feature: str,
    paths: tuple[str, ...],
    examples: bool,
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Explain FEATURE and show what every plan (and mailbox plan) sets it to, and where.

    FEATURE matches exactly, else ignoring case, else by its documented spelling. No PATH:
    the configuration's paths, else the working directory (--examples: the sample plans
    shipped in the package). A plan with an error finding stops the command: the findings
    are printed instead (exit 1).
    """
    from ..catalog import load_catalog
    from ..config import load_project_config
    from ..files.defaults import plan_paths
    from ..pipeline import CompileOptions, explain_feature
    from ..tools.explain import lookup

    lookup(load_catalog(), feature)  # an unknown name is the error, before any path is looked at
    config = load_project_config(config_file, isolated)
    options = CompileOptions(rules=config.rules(select, ignore))
    explanation = explain_feature(feature, plan_paths(paths, examples, config), options)
    if explanation.report.errors:
        text = REPORTERS["validate", "text"](
            explanation.report, ReportOptions(tool_version=__version__)
        )
        click.echo(text, nl=False, err=True)
        return EXIT_FINDINGS
    shown = ReportOptions(tool_version=__version__)
    click.echo(REPORTERS["explain", output_format](explanation, shown), nl=False)
    return EXIT_OK
