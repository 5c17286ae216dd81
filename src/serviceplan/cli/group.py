"""The click group every command registers on, and the exit codes."""

from __future__ import annotations

import click

from .. import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="serviceplan")
def cli() -> None:
    """Exchange-style hosting service plans as code.

    Exit codes: 0 clean, 1 findings (or differences when asked), 2 usage or tool error.
    """
