"""`serviceplan render`: one manifest per tenant (thin: options in, report out)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import click

from .. import __version__
from ..render.builtins import BUILTIN_TEMPLATES
from ..report import REPORTERS
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import (
    EXAMPLES,
    TENANTS_HELP,
    ByteSize,
    config_options,
    format_option,
    max_file_size_option,
    rule_options,
    tenants_source_options,
)

_BUILTINS = "\b\n" + "\n".join(
    f"  {name:<24} {summary}" for name, summary in BUILTIN_TEMPLATES.items()
)


class Shard(click.ParamType[tuple[int, int]]):
    """I/N: the I-th of N shards (1-based)."""

    name = "i/n"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        index, slash, count = text.partition("/")
        if not slash or not index.isdigit() or not count.isdigit():
            self.fail(f"{text!r} is not I/N, e.g. 2/4", param, ctx)
        if not 1 <= int(index) <= int(count):
            self.fail(f"{text!r}: I must be from 1 to N", param, ctx)
        return int(index), int(count)


def _progress_bar() -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """click's progress bar on stderr, only on a terminal and outside CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None, lambda: None
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(
                length=total, label="rendering", file=sys.stderr, show_pos=True
            )
            bar.__enter__()
        bar.update(done - state.get("done", 0))
        state["done"] = done

    def close() -> None:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)

    return update, close


@cli.command(
    "render",
    epilog=f"Built-in templates (--template NAME):\n\n{_BUILTINS}",
)
@click.argument("paths", nargs=-1, type=click.Path())
@EXAMPLES
@click.option("--tenants", required=True, metavar="SOURCE", help=TENANTS_HELP)
@tenants_source_options
@click.option(
    "--template",
    required=True,
    metavar="NAME|PATH",
    help="A built-in template's name (listed below) or a Jinja2 template file.",
)
@click.option("--out", required=True, type=click.Path(), help="The output folder (DIR).")
@click.option("--remap", type=click.Path(), help="A remap file besides any among PATHS.")
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes; 0 = one per CPU.",
)
@click.option(
    "--shard",
    type=Shard(),
    default="1/1",
    show_default=True,
    help="Render only the I-th of N shards (stable split by tenant name), e.g. 2/4.",
)
@click.option("--dry-run", is_flag=True, help="Render and report, write nothing.")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Write the tenants that rendered even when others failed (exit 1 still).",
)
@format_option(REPORTERS.formats("render"), help="Report format.")
@max_file_size_option(help="Cap on each plan and remap file.")
@click.option(
    "--max-inventory-size",
    type=ByteSize(),
    default="256MB",
    show_default=True,
    help="Cap on the inventory.",
)
@rule_options
@config_options
def render_command(
    paths: tuple[str, ...],
    examples: bool,
    tenants: str,
    tenants_table: str | None,
    tenants_query: str | None,
    template: str,
    out: str,
    remap: str | None,
    jobs: int,
    shard: tuple[int, int],
    dry_run: bool,
    keep_going: bool,
    output_format: str,
    max_file_size: int,
    max_inventory_size: int,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    isolated: bool,
) -> int:
    """Render one manifest per tenant of an inventory, from the compiled plans.

    PATHS are plan files or folders (as for compile; none: the configuration's paths, else
    the working directory; --examples: the sample plans shipped in the package). Each
    tenant's (ProgramId, OfferId) selects its plan through the remap. Files are
    named after the tenants, written atomically, only when their bytes change, and listed
    with their SHA-256 in DIR/index.json. With any error nothing is written (exit 1) unless
    --keep-going.
    """
    from ..config import load_project_config
    from ..files.defaults import plan_paths
    from ..files.output import write_output
    from ..pipeline import render_tenants
    from ..render.run import RenderOptions
    from ..report import ReportOptions

    config = load_project_config(config_file, isolated)
    paths = plan_paths(paths, examples, config)
    progress, close = _progress_bar()
    options = RenderOptions(
        tenants=tenants,
        tenants_table=tenants_table,
        tenants_query=tenants_query,
        template=template,
        out=out,
        remap=remap,
        jobs=jobs,
        shard=shard,
        dry_run=dry_run,
        keep_going=keep_going,
        max_file_size=max_file_size,
        max_inventory_size=max_inventory_size,
        progress=progress,
        rules=config.rules(select, ignore),
    )
    try:
        result = render_tenants(paths, options)
    finally:
        close()
    shown = ReportOptions(tool_version=__version__)
    write_output(None, REPORTERS.chunks(("render", output_format), result, shown))
    return EXIT_FINDINGS if result.failed else EXIT_OK
