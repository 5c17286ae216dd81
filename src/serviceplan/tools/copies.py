"""Exact copies: every Client Access server must hold byte-identical plan files and remap.

`verify_copies` compares copy folders with a reference folder and, for a file that differs,
says whether the difference is textual only or changes settings (or remap rows).
"""

from __future__ import annotations

import enum
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..catalog import ORGANIZATION, Catalog, load_catalog
from ..diff.changes import Change
from ..diff.compare import diff_plans
from ..diff.kinds import ChangeKind
from ..errors import ServicePlanError, UsageError
from ..model import Location, ResolvedPlan, Severity
from ..plan.load import (
    DEFAULT_MAX_FILE_SIZE,
    TooLarge,
    decode_text,
    parse_remap,
    plan_name_of,
    read_input,
)
from ..resolve.plans import resolve_plan
from ..rules.check import load_plan
from ..values import UNSET_TEXT, Value, format_value
from .digest import FileDigest, Found, file_sha256, find_files, set_digest
from .textual import Textual, line_ends_only

# -- verifying copies ---------------------------------------------------------------------


class Kind(enum.Enum):
    MISSING = "missing"  # in the reference, not in the copy
    EXTRA = "extra"  # in the copy only
    DIFFERENT = "different"  # in both, bytes differ


@dataclass(frozen=True, slots=True)
class SettingChange:
    """One setting of a plan that the copy resolves differently from the reference."""

    scope: str  # "Organization" or "mailbox plan 'X'"
    feature: str  # "" when the whole mailbox plan is on one side only
    reference: str | None  # None: not on that side
    copy: str | None

    def __str__(self) -> str:
        if not self.feature:
            side = "reference" if self.copy is None else "copy"
            return f"{self.scope}: only in the {side}"
        return f"{self.scope} {self.feature}: {self.reference} → {self.copy}"


@dataclass(frozen=True, slots=True)
class RowChange:
    """A remap mapping line in one file and not the other (fields trimmed)."""

    added: bool  # True: in the copy only; False: in the reference only
    fields: tuple[str, ...]
    line: int  # in the file that has it

    def __str__(self) -> str:
        return f"{'added' if self.added else 'removed'} {','.join(self.fields)} (line {self.line})"


@dataclass(frozen=True, slots=True)
class Difference:
    path: str  # relative to the folders compared
    kind: Kind
    textual: Textual | None = None  # set when a different file changes nothing
    settings: tuple[SettingChange, ...] = ()
    rows: tuple[RowChange, ...] = ()
    reference_errors: int = 0  # > 0: the reference side does not validate
    copy_errors: int = 0


@dataclass(frozen=True, slots=True)
class CopyReport:
    folder: str  # as given
    files: int  # plan files and remaps found in the copy
    digest: str  # the copy's set digest (equal to the reference's when in sync; "" unchecked)
    differences: tuple[Difference, ...]  # sorted by path
    error: str = ""  # why the copy could not be checked at all ("no such folder")

    @property
    def in_sync(self) -> bool:
        return not self.differences and not self.error


def _folder(path: str, role: str) -> dict[str, Found]:
    if not Path(path).is_dir():
        what = "no such folder" if not Path(path).exists() else "not a folder"
        raise UsageError(f"{path}: {what}", hint=f"the {role} must be a folder of plan files")
    # an empty copy is drift (every file missing); verify_copies refuses an empty reference
    return find_files([path], empty_ok=True)


def verify_copies(
    reference_dir: str, copy_dirs: Sequence[str], max_file_size: int = DEFAULT_MAX_FILE_SIZE
) -> list[CopyReport]:
    """One report per copy folder, in the order given: files missing, extra and different."""
    reference = _folder(reference_dir, "reference")
    if not reference:
        raise UsageError(
            f"{reference_dir}: no plan files or remap to compare",
            hint="the reference is the folder holding the .serviceplan files",
        )
    reference_sums = {
        key: file_sha256(found.path, max_file_size) for key, found in reference.items()
    }
    catalog = load_catalog()
    reports = []
    for folder in copy_dirs:
        # one server's missing or unreadable copy is a finding; the other copies are checked
        try:
            reports.append(_check(folder, reference, reference_sums, catalog, max_file_size))
        except ServicePlanError as error:
            reason = error.message.removeprefix(f"{folder}: ")
            reports.append(CopyReport(folder, 0, "", (), error=reason))
    return reports


def _check(
    folder: str,
    reference: dict[str, Found],
    reference_sums: dict[str, str],
    catalog: Catalog,
    max_file_size: int,
) -> CopyReport:
    found = _folder(folder, "copy")
    sums = {key: file_sha256(found[key].path, max_file_size) for key in sorted(found)}
    differences = []
    for key in sorted(reference.keys() | found.keys()):
        if key not in found:
            differences.append(Difference(key, Kind.MISSING))
        elif key not in reference:
            differences.append(Difference(key, Kind.EXTRA))
        elif sums[key] != reference_sums[key]:
            differences.append(_compare(key, reference[key], found[key], catalog, max_file_size))
    digest = set_digest([FileDigest(key, sha) for key, sha in sums.items()])
    return CopyReport(folder, len(found), digest, tuple(differences))


def _read(found: Found, max_size: int) -> tuple[bytes, int]:
    """The bytes of one side (capped as validation caps them) and 1 error when too large."""
    try:
        return read_input(found.path, str(found.path), max_size), 0
    except TooLarge:
        return b"", 1


def _compare(
    key: str, reference: Found, copy: Found, catalog: Catalog, max_size: int
) -> Difference:
    (reference_data, reference_errors), (copy_data, copy_errors) = (
        _read(reference, max_size),
        _read(copy, max_size),
    )
    if reference_errors or copy_errors:
        return Difference(
            key, Kind.DIFFERENT, reference_errors=reference_errors, copy_errors=copy_errors
        )
    textual = line_ends_only(reference_data, copy_data)
    if textual is not None:
        return Difference(key, Kind.DIFFERENT, textual)
    if reference.is_remap:
        return _compare_remaps(key, reference_data, copy_data)
    return _compare_plans(key, reference_data, copy_data, catalog)


Fields = tuple[str, ...]


def _remap_rows(data: bytes, key: str) -> tuple[Counter[Fields], dict[Fields, int], int]:
    """The mapping rows (a multiset), the first line of each, and the decoding errors."""
    text, problems = decode_text(data, key)
    rows: Counter[Fields] = Counter()
    lines: dict[Fields, int] = {}
    if not problems:
        for row in parse_remap(text, key).rows:
            rows[row.fields] += 1
            lines.setdefault(row.fields, row.location.line)
    return rows, lines, len(problems)


def _compare_remaps(key: str, reference: bytes, copy: bytes) -> Difference:
    """Rows compared as a multiset: reordering rows or editing comments changes nothing."""
    reference_rows, reference_lines, reference_errors = _remap_rows(reference, key)
    copy_rows, copy_lines, copy_errors = _remap_rows(copy, key)
    if reference_errors or copy_errors:
        return Difference(
            key, Kind.DIFFERENT, reference_errors=reference_errors, copy_errors=copy_errors
        )
    removed = reference_rows - copy_rows
    added = copy_rows - reference_rows
    changes = tuple(
        [RowChange(False, fields, reference_lines[fields]) for fields in sorted(removed)]
        + [RowChange(True, fields, copy_lines[fields]) for fields in sorted(added)]
    )
    if not changes:
        return Difference(key, Kind.DIFFERENT, Textual.FORMATTING)
    return Difference(key, Kind.DIFFERENT, rows=changes)


def _resolve(data: bytes, key: str, catalog: Catalog) -> tuple[ResolvedPlan | None, int]:
    findings, sections = load_plan(data, key, catalog)
    errors = sum(1 for finding in findings if finding.severity is Severity.ERROR)
    if errors or sections is None:
        return None, max(errors, 1)
    return resolve_plan(catalog, plan_name_of(key), key, sections), 0


def _compare_plans(key: str, reference: bytes, copy: bytes, catalog: Catalog) -> Difference:
    reference_plan, reference_errors = _resolve(reference, key, catalog)
    copy_plan, copy_errors = _resolve(copy, key, catalog)
    if reference_plan is None or copy_plan is None:
        return Difference(
            key, Kind.DIFFERENT, reference_errors=reference_errors, copy_errors=copy_errors
        )
    changes = setting_changes(reference_plan, copy_plan, catalog)
    if not changes:
        return Difference(key, Kind.DIFFERENT, Textual.FORMATTING)
    return Difference(key, Kind.DIFFERENT, settings=changes)


def _text(value: Value | None) -> str:
    return UNSET_TEXT if value is None else format_value(value)


def _shown(value: Value | None, location: Location | None) -> str:
    return f"{_text(value)} (default)" if location is None and value is not None else _text(value)


def _scope(name: str) -> str:
    return name if name == ORGANIZATION else f"mailbox plan {name!r}"


def _setting_change(change: Change) -> list[SettingChange]:
    """diff's change as verify-copies words it: a setting, or a mailbox plan's header."""
    old, new = change.old, change.new
    scope = _scope(str(old) if change.kind is ChangeKind.MAILBOX_PLAN_RENAMED else change.scope)
    if change.feature:
        shown = _shown(old, change.old_location), _shown(new, change.new_location)
        return [SettingChange(scope, change.feature, *shown)]
    if change.kind is ChangeKind.MAILBOX_PLAN_ADDED:
        return [SettingChange(scope, "", None, "present")]
    if change.kind is ChangeKind.MAILBOX_PLAN_REMOVED:
        return [SettingChange(scope, "", "present", None)]
    if change.kind is ChangeKind.DEFAULT_MOVED:  # one flag moving is two plans' headers
        return [
            SettingChange(_scope(str(old)), "ProvisionAsDefault", "true", "false"),
            SettingChange(_scope(str(new)), "ProvisionAsDefault", "false", "true"),
        ]
    header = _HEADER[change.kind]
    return [SettingChange(scope, header, _text(old), _text(new))]


_HEADER = {
    ChangeKind.MAILBOX_PLAN_RENAMED: "Name",
    ChangeKind.MAILBOX_PLAN_REINDEXED: "MailboxPlanIndex",
    ChangeKind.PILOT_CHANGED: "IsPilotMailboxPlan",
}


def setting_changes(
    reference: ResolvedPlan, copy: ResolvedPlan, catalog: Catalog
) -> tuple[SettingChange, ...]:
    """Every resolved value that differs, as `diff` finds it (the one plan comparison):
    Organization first, then mailbox plans by name."""
    changes = [
        setting
        for change in diff_plans(reference, copy, catalog).changes
        for setting in _setting_change(change)
    ]
    changes.sort(key=lambda change: (change.scope != ORGANIZATION, change.scope))  # stable
    return tuple(changes)


def display_folder(folder: str) -> str:
    """A folder as given, with one trailing separator (`server2/`)."""
    return folder if folder.endswith(("/", os.sep)) else f"{folder}/"
