"""`serviceplan digest` and `serviceplan verify-copies`: identical plans on every server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from ..model import plural
from .group import EXIT_FINDINGS, EXIT_OK, cli
from .options import config_options, format_option, max_file_size_option

if TYPE_CHECKING:  # the stage (lxml and all) loads only when a command runs
    from ..tools.copies import CopyReport, Difference, DigestSet

_FORMAT = format_option(["text", "json"])
_MAX_FILE_SIZE = max_file_size_option(
    help="Refuse larger files (exit 2): plans and the remap are small."
)


@cli.command("digest")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH...]")
@_FORMAT
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
    from ..tools.copies import digest_set

    paths = plan_paths(paths, False, load_project_config(config_file, isolated))
    digests = digest_set(paths, max_file_size)
    click.echo(
        _digest_json(digests) if output_format == "json" else _digest_text(digests), nl=False
    )
    return EXIT_OK


def _digest_text(digests: DigestSet) -> str:
    # a comment line: `sha256sum -c` (even --strict) skips it, where `set  X` was a warning
    return "".join(f.line() for f in digests.files) + f"# set  {digests.digest}\n"


def _digest_json(digests: DigestSet) -> str:
    document = {
        "version": 1,
        "files": [{"path": f.path, "sha256": f.sha256} for f in digests.files],
        "set": digests.digest,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@cli.command("verify-copies")
@click.argument("reference_dir", type=click.Path())
@click.argument("copy_dirs", nargs=-1, required=True, type=click.Path(), metavar="COPY_DIR...")
@_FORMAT
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
    from ..tools.copies import digest_set, verify_copies

    reports = verify_copies(reference_dir, copy_dirs, max_file_size)
    reference = digest_set([reference_dir], max_file_size)
    render = _verify_json if output_format == "json" else _verify_text
    click.echo(render(reference_dir, reference, reports), nl=False)
    return EXIT_FINDINGS if any(not report.in_sync for report in reports) else EXIT_OK


def _errors(side: str, count: int) -> str:
    return f"{side} does not validate: {plural(count, 'error')}"


def _describe(difference: Difference) -> list[str]:
    from ..tools.copies import Kind

    """The lines for one difference, without the folder prefix."""
    path = difference.path
    if difference.kind is Kind.MISSING:
        return [f"missing {path}"]
    if difference.kind is Kind.EXTRA:
        return [f"extra {path}"]
    if difference.textual is not None:
        return [f"{path} differs: textual only ({difference.textual.value})"]
    if difference.reference_errors or difference.copy_errors:
        sides = [
            _errors(side, count)
            for side, count in (
                ("reference", difference.reference_errors),
                ("copy", difference.copy_errors),
            )
            if count
        ]
        return [f"{path} differs: {'; '.join(sides)}"]
    return [f"{path} differs: settings: {change}" for change in difference.settings] + [
        f"{path} differs: rows: {change}" for change in difference.rows
    ]


def _summary(reports: list[CopyReport]) -> str:
    drifted = [report for report in reports if report.differences]
    unchecked = sum(1 for report in reports if report.error)
    count = sum(len(report.differences) for report in drifted)
    in_sync = sum(1 for report in reports if report.in_sync)
    return (
        f"{len(reports)} {'copy' if len(reports) == 1 else 'copies'} checked: "
        f"{in_sync} in sync, {len(drifted)} drifted ({plural(count, 'difference')})"
        + (f", {unchecked} could not be checked" if unchecked else "")
    )


def _verify_text(folder: str, reference: DigestSet, reports: list[CopyReport]) -> str:
    from ..tools.copies import display_folder

    lines = [
        f"reference {display_folder(folder)}: {plural(len(reference.files), 'file')}, "
        f"set {reference.digest}"
    ]
    for report in reports:
        prefix = f"{display_folder(report.folder)}: "
        if report.error:
            lines.append(f"{prefix}cannot be checked: {report.error}")
            continue
        if report.in_sync:
            lines.append(f"{prefix}in sync ({plural(report.files, 'file')})")
            continue
        lines += [prefix + line for d in report.differences for line in _describe(d)]
    lines.append(_summary(reports))
    return "\n".join(lines) + "\n"


def _difference_json(difference: Difference) -> dict[str, Any]:
    return {
        "path": difference.path,
        "kind": difference.kind.value,
        "textual": difference.textual.value if difference.textual else None,
        "settings": [
            {
                "scope": c.scope,
                "feature": c.feature or None,
                "reference": c.reference,
                "copy": c.copy,
            }
            for c in difference.settings
        ],
        "rows": [
            {"change": "added" if r.added else "removed", "fields": list(r.fields), "line": r.line}
            for r in difference.rows
        ],
        "reference_errors": difference.reference_errors,
        "copy_errors": difference.copy_errors,
    }


def _verify_json(folder: str, reference: DigestSet, reports: list[CopyReport]) -> str:
    drifted = [report for report in reports if report.differences]
    document = {
        "version": 1,
        "reference": {"folder": folder, "files": len(reference.files), "set": reference.digest},
        "copies": [
            {
                "folder": report.folder,
                "files": report.files,
                "set": report.digest or None,
                "in_sync": report.in_sync,
                "error": report.error or None,
                "differences": [_difference_json(d) for d in report.differences],
            }
            for report in reports
        ],
        "summary": {
            "copies": len(reports),
            "in_sync": sum(1 for report in reports if report.in_sync),
            "drifted": len(drifted),
            "unchecked": sum(1 for report in reports if report.error),
            "differences": sum(len(report.differences) for report in drifted),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
