"""`serviceplan fmt`: canonical form for plan files."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import config_options, max_file_size_option


@dataclass(frozen=True, slots=True)
class _Formatted:
    display: str
    path: Path
    original: bytes
    formatted: bytes

    @property
    def changed(self) -> bool:
        return self.original != self.formatted


@cli.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list the files that would change (exit 1 if any).",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Write nothing; print a unified diff of the changes (exit 1 if any).",
)
@max_file_size_option()
@config_options
def fmt_command(
    paths: tuple[str, ...],
    check: bool,
    show_diff: bool,
    max_file_size: int,
    config_file: str | None,
    isolated: bool,
) -> int:
    """Rewrite plan files in canonical form: catalogue order, two-space indent, comments kept.

    PATHS are plan files or folders (searched for *.serviceplan; remap files are skipped);
    none: the configuration's paths, else the working directory. Formatting changes no
    setting. A file that is not a well-formed plan is refused (exit 2) and then no file is
    written.
    """
    from ..config import load_project_config
    from ..files.defaults import plan_paths
    from ..files.output import write_atomic
    from ..model import plural
    from ..tools.textual import normalised_only

    paths = plan_paths(paths, False, load_project_config(config_file, isolated))
    results = _format_all(paths, max_file_size)
    changed = [result for result in results if result.changed]
    if check or show_diff:
        for result in changed:
            note = normalised_only(result.original, result.formatted)
            if show_diff and not note:
                click.echo("".join(_diff(result)), nl=False)
            if check or note:  # --diff: one line, not a diff of identical-looking lines
                click.echo(f"would reformat {result.display}" + (f" ({note})" if note else ""))
        summary = f"{plural(len(changed), 'file')} would be reformatted"
        click.echo(f"{summary}, {len(results) - len(changed):,} unchanged", err=True)
        return EXIT_FINDINGS if changed else EXIT_OK
    for result in changed:
        # through a link to the file it names (write_atomic keeps the file's permissions)
        write_atomic(result.path.resolve(), result.formatted)
        click.echo(f"reformatted {result.display}")
    unchanged = len(results) - len(changed)
    click.echo(f"{plural(len(changed), 'file')} reformatted, {unchanged:,} unchanged")
    return EXIT_OK


def _format_all(paths: tuple[str, ...], max_file_size: int) -> list[_Formatted]:
    """Every plan formatted in memory first: one refused file means none is written."""
    from ..catalog import load_catalog
    from ..errors import UsageError
    from ..files.inputs import discover
    from ..plan.load import read_input
    from ..tools.fmt import format_plan

    catalog = load_catalog()
    results = []
    plans = [item for item in discover(paths) if not item.is_remap]
    if not plans:  # `fmt --check` over a remap alone checked nothing: not a pass
        raise UsageError(
            f"{', '.join(paths)}: no *.serviceplan files to format",
            hint="fmt formats plan files; the remap is left as it is",
        )
    for item in plans:
        if item.path is None:
            raise UsageError("fmt rewrites files in place; it does not read standard input")
        data = read_input(item.path, item.display, max_file_size)  # too large stops fmt
        results.append(
            _Formatted(item.display, item.path, data, format_plan(data, item.display, catalog))
        )
    return results


def _diff(result: _Formatted) -> Iterator[str]:
    from ..plan.load import decode_text

    before, _ = decode_text(result.original, result.display)
    if result.original.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        before = "\ufeff" + before  # decoding ate the mark: without it the diff could be empty
    after = result.formatted.decode("utf-8")
    # after a tab, where diff puts a date: patch still reads the file name
    lines = difflib.unified_diff(
        _lines(before),
        _lines(after),
        fromfile=f"{result.display}\t(original)",
        tofile=f"{result.display}\t(formatted)",
    )
    for line in lines:
        yield line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    """Lines split at LF only (str.splitlines also splits at form feeds and U+2028)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]
