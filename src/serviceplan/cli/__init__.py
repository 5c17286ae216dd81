"""The click layer: parse options, call the pipeline, pick the exit code. Nothing else."""

from __future__ import annotations

import os
import sys

import click

from ..errors import ServicePlanError
from .group import EXIT_ERROR as EXIT_ERROR
from .group import EXIT_FINDINGS as EXIT_FINDINGS
from .group import EXIT_OK as EXIT_OK
from .group import cli as cli


def main(argv: list[str] | None = None) -> int:
    """Entry point: the single place that maps exceptions to exit codes."""
    # importing a command module registers its commands on the group
    from . import (  # noqa: F401
        catalog_commands,
        commands,
        compile,
        copies,
        diff,
        fmt,
        matrix,
        render,
        tenants,
    )

    if argv is not None and any("\0" in arg for arg in argv):  # no OS path can hold a NUL
        click.echo("serviceplan: error: an argument contains a NUL character", err=True)
        return EXIT_ERROR
    try:
        result = cli.main(args=argv, prog_name="serviceplan", standalone_mode=False)
    except ServicePlanError as error:
        for message in error.messages:
            click.echo(f"serviceplan: error: {message}", err=True)
        if error.hint:
            click.echo(f"  hint: {error.hint}", err=True)
        return error.exit_code
    except click.exceptions.ClickException as error:
        error.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("serviceplan: aborted", err=True)
        return EXIT_ERROR
    except Exception as error:
        if os.environ.get("SERVICEPLAN_TRACEBACK"):
            raise
        click.echo(f"serviceplan: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("  hint: rerun with SERVICEPLAN_TRACEBACK=1 and report it", err=True)
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_OK


def run() -> None:
    sys.exit(main())
