"""`serviceplan digest` and `serviceplan verify-copies`: identical plans on every server."""

from __future__ import annotations

import click

from .. import __version__
from ..report import REPORTERS, ReportOptions
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import config_options, format_option, max_file_size_option

_MAX_FILE_SIZE = max_file_size_option(
    help="Refuse larger files (exit 2): plans and the remap are small."
)


@cli.command("digest")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH...]")
@format_option(REPORTERS.formats("digest"))
@_MAX_FILE_SIZE
@config_options
def digest_command(
    paths: tuple[str, ...],
    output_format: str,
    max_file_size: int,
    config_file: str | None,
    isolated: bool,
) -> int:
    """Print the SHA-256 of every plan file and the remap, and one digest for the set.

    Paths inside a folder are relative to it; the lines are in sha256sum's format, sorted by
    path, and the set digest, the SHA-256 of those lines, is the last line as a `# set` comment,
    which `sha256sum -c --strict` skips. Equal set digests on two servers mean byte-identical
    copies. No PATH: the configuration's paths, else the working directory.
    """
    from ..config import load_project_config
    from ..files.defaults import plan_paths
    from ..tools.digest import digest_set

    paths = plan_paths(paths, False, load_project_config(config_file, isolated))
    digests = digest_set(paths, max_file_size)
    options = ReportOptions(tool_version=__version__)
    click.echo(REPORTERS["digest", output_format](digests, options), nl=False)
    return EXIT_OK


@cli.command("verify-copies")
@click.argument("reference_dir", type=click.Path())
@click.argument("copy_dirs", nargs=-1, required=True, type=click.Path(), metavar="COPY_DIR...")
@format_option(REPORTERS.formats("verify-copies"))
@_MAX_FILE_SIZE
def verify_copies_command(
    reference_dir: str, copy_dirs: tuple[str, ...], output_format: str, max_file_size: int
) -> int:
    """Compare each server's copy folder with the reference folder, file by file.

    Reports files missing, extra or different; for a different file, whether the difference
    is textual only (line ends, formatting, order, comments) or which settings (or remap rows)
    differ. Any difference is drift, textual ones included: copies must be byte-identical.
    Exit 0 when every copy is identical, 1 on any drift.
    """
    from ..report.copies import VerifyResult
    from ..tools.copies import verify_copies
    from ..tools.digest import digest_set

    reports = verify_copies(reference_dir, copy_dirs, max_file_size)
    reference = digest_set([reference_dir], max_file_size)
    checked = VerifyResult(folder=reference_dir, reference=reference, reports=tuple(reports))
    options = ReportOptions(tool_version=__version__)
    click.echo(REPORTERS["verify-copies", output_format](checked, options), nl=False)
    return EXIT_FINDINGS if any(not report.in_sync for report in reports) else EXIT_OK
