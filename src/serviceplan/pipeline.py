"""The one place that chains the stages; also the library API users call."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lxml import etree

from .catalog import Catalog, load_catalog
from .errors import InputError, ResolveError, UsageError
from .load import (
    DEFAULT_MAX_FILE_SIZE,
    PLAN_SUFFIX,
    build_document,
    decode_text,
    parse_plan_xml,
    parse_remap,
    plan_name_of,
    read_input,
    too_large_finding,
)
from .model import Finding, RemapRow, RemapTable, ResolvedPlan, ValidationReport
from .resolve import resolve_plan, select_row
from .rules.fastpath import fast_path
from .rules.plan import PlanSections, read_plan
from .rules.remap import check_remap, unreferenced_plans
from .schema import schema_findings

REMAP_NAME = "ServicePlanHostingRemap.csv"
STDIN = "-"


@dataclass(frozen=True, slots=True)
class ValidateOptions:
    strict: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    stdin_name: str = "<stdin>"
    stdin: bytes = b""  # what `-` reads; the CLI fills it in


@dataclass(frozen=True, slots=True)
class Input:
    display: str
    path: Path | None  # None: standard input
    is_remap: bool


def _is_remap(name: str) -> bool:
    return name.casefold() == REMAP_NAME.casefold() or name.casefold().endswith(".csv")


def _is_plan(name: str) -> bool:
    return name.casefold().endswith(PLAN_SUFFIX)


def discover(paths: Sequence[str], stdin_name: str = "<stdin>") -> list[Input]:
    """The inputs named on the command line; folders are searched (links are not followed)."""
    found: dict[str, Input] = {}
    for given in paths:
        if given == STDIN:
            found[STDIN] = Input(stdin_name, None, _is_remap(Path(stdin_name).name))
            continue
        path = Path(given)
        if path.is_dir():
            for entry in _walk(given):
                name = entry.name
                if name.casefold() == REMAP_NAME.casefold() or _is_plan(name):
                    item = Input(entry.path, Path(entry.path), not _is_plan(name))
                    found.setdefault(entry.path, item)
        elif path.is_file():
            found.setdefault(str(path), Input(str(path), path, _is_remap(path.name)))
        elif path.exists() or path.is_symlink():
            raise UsageError(f"{given}: not a regular file or folder")
        else:
            raise UsageError(f"{given}: no such file or folder", hint="check the path")
    return list(found.values())


def _walk(folder: str) -> Iterator[os.DirEntry[str]]:
    """Regular files below `folder`, each folder's own files first, by name; links skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        raise InputError(f"{folder}: cannot list: {error.strerror or error}") from error
    # DirEntry knows its type from the listing: no extra system call per file
    yield from (entry for entry in entries if entry.is_file(follow_symlinks=False))
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)


def validate_plan_bytes(data: bytes, source: str, catalog: Catalog) -> list[Finding]:
    root, findings = parse_plan_xml(data, source)
    if root is None:
        return findings
    if fast_path(catalog).is_clean(root):  # values only: validation needs no provenance
        return []
    return explain_plan(root, source, catalog)


def load_plan(
    data: bytes, source: str, catalog: Catalog
) -> tuple[list[Finding], PlanSections | None]:
    """Findings for one plan file, and its values when it could be read into sections."""
    root, findings = parse_plan_xml(data, source)
    if root is None:
        return findings, None
    sections = fast_path(catalog).read_clean(root, source)
    if sections is not None:
        return [], sections
    return explain_plan_sections(root, source, catalog)


def explain_plan(root: etree._Element, source: str, catalog: Catalog) -> list[Finding]:
    """The full rules, on the slow path: every finding of a parsed plan, explained."""
    return explain_plan_sections(root, source, catalog)[0]


def explain_plan_sections(
    root: etree._Element, source: str, catalog: Catalog
) -> tuple[list[Finding], PlanSections | None]:
    """XSD first, then domain rules; schema errors the domain rules explain are not repeated."""
    xsd = schema_findings(root, source)
    if root.tag != "Configuration":
        return xsd, None
    domain, sections = read_plan(build_document(root, source, plan_name_of(source)), catalog)
    return domain + [finding for finding in xsd if not _explained(finding, domain)], sections


_SECTION = re.compile(r"^/Configuration/(?:Organization|MailboxPlans/MailboxPlan\[\d+\])")
_CONTENT_MODEL = ("This element is not expected", "Missing child element")


def _explained(xsd: Finding, domain: list[Finding]) -> bool:
    """Whether a domain finding already says what this schema error says, more precisely.

    A misplaced or missing feature also breaks the rest of its section's content model, so
    libxml2's content-model errors in a section with a domain finding are echoes of it.
    """
    path = re.sub(r"MailboxPlan(?=/|$)", "MailboxPlan[1]", xsd.path)
    if not path:
        return any(f.location.line == xsd.location.line for f in domain)
    if "attribute '" in xsd.message:  # explained only by a finding about that attribute
        attribute = xsd.message.split("attribute '", 1)[1].split("'", 1)[0]
        return any(f.path == path and attribute in f.message for f in domain)
    if any(f.path == path for f in domain):
        return True
    section = _SECTION.match(path)
    if section is None or not xsd.message.startswith("Element") or not any(
        text in xsd.message for text in _CONTENT_MODEL
    ):
        return False
    return any(f.path.startswith(section.group(0)) for f in domain)


def _plans_beside(folder: Path) -> dict[str, str]:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return {}
    return {
        plan_name_of(entry.name).casefold(): entry.path
        for entry in entries
        if _is_plan(entry.name) and entry.is_file(follow_symlinks=False)
    }


def validate_paths(paths: Sequence[str], options: ValidateOptions) -> ValidationReport:
    inputs = discover(paths, options.stdin_name)
    catalog = load_catalog()
    findings: list[Finding] = []
    remaps: list[tuple[Input, RemapTable]] = []
    for item in inputs:
        data = _read(item, options.max_file_size, findings, options.stdin)
        if data is None:
            continue
        if item.is_remap:
            table = _parse_remap(item, data, findings)
            if table is not None:
                remaps.append((item, table))
        else:
            findings += validate_plan_bytes(data, item.display, catalog)
    findings += _remap_findings(remaps, inputs)
    findings.sort(key=Finding.sort_key)
    return ValidationReport(tuple(i.display for i in inputs), tuple(findings), options.strict)


def _remap_findings(
    remaps: list[tuple[Input, RemapTable]], inputs: list[Input], given: str | None = None
) -> list[Finding]:
    """Each remap against the plans beside it; a remap on standard input, or the one named
    by `given` (compile --remap), against the plans given instead."""
    findings: list[Finding] = []
    by_folder: dict[Path | None, list[RemapTable]] = {}
    for item, table in remaps:
        folder = None if item.path is None or item.display == given else item.path.parent
        by_folder.setdefault(folder, []).append(table)
    for folder, tables in by_folder.items():
        if folder is None:
            beside = {
                plan_name_of(i.display).casefold(): i.display for i in inputs if not i.is_remap
            }
        else:
            beside = _plans_beside(folder)
        for table in tables:
            findings += check_remap(table, beside)
        findings += unreferenced_plans(tables, beside)
    return findings


@dataclass(frozen=True, slots=True)
class CompileOptions:
    remap: str | None = None  # a remap file besides those found among the paths
    program_id: str | None = None
    offer_id: str | None = None
    plan: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE


@dataclass(frozen=True, slots=True)
class CompileResult:
    plans: tuple[ResolvedPlan, ...]  # empty when an error finding stopped the compile
    report: ValidationReport  # the findings of what was compiled (warnings included)


def bundled_plans() -> str:
    """The sample plans shipped in the package (the README's main job compiles them)."""
    return str(resources.files("serviceplan.serviceplans"))


@contextmanager
def _acyclic_work() -> Iterator[None]:
    """Pause the cyclic garbage collector: the model is acyclic, and collector passes over
    hundreds of thousands of new tuples cost a quarter of compile's time to free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compile_plans(
    paths: Sequence[str] = (), options: CompileOptions = CompileOptions()
) -> CompileResult:
    """Validate and resolve plans; with a (ProgramId, OfferId) or a plan name, just that plan."""
    with _acyclic_work():
        return _compile_plans(paths, options)


def _compile_plans(paths: Sequence[str], options: CompileOptions) -> CompileResult:
    catalog = load_catalog()
    inputs = discover([*(paths or [bundled_plans()]), *([options.remap] if options.remap else [])])
    findings: list[Finding] = []
    remaps: list[tuple[Input, RemapTable]] = []
    for item in (i for i in inputs if i.is_remap):
        data = _read(item, options.max_file_size, findings)
        table = None if data is None else _parse_remap(item, data, findings)
        if table is not None:
            remaps.append((item, table))
    plans: dict[str, Input] = {}
    for item in (i for i in inputs if not i.is_remap):
        plans.setdefault(plan_name_of(item.display).casefold(), item)
    tables = [table for _, table in remaps]
    wanted, rows = _selection(options, tables, plans)
    _refuse_ambiguous(wanted, inputs)
    # a file keeps the name it was given, so --remap names its input exactly
    findings += _remap_findings(remaps, inputs, options.remap)
    rows_by_plan: dict[str, list[RemapRow]] = {}
    for table in tables:
        for row in table.rows:
            rows_by_plan.setdefault(row.plan_name.casefold(), []).append(row)
    resolved = []
    for key in sorted(wanted):
        item = plans[key]
        data = _read(item, options.max_file_size, findings)
        if data is None:
            continue
        problems, sections = load_plan(data, item.display, catalog)
        findings += problems
        if sections is not None:
            selected_by = rows or rows_by_plan.get(key, [])
            name = plan_name_of(item.display)
            resolved.append(resolve_plan(catalog, name, item.display, sections, selected_by))
    findings.sort(key=Finding.sort_key)
    report = ValidationReport(tuple(i.display for i in inputs), tuple(findings))
    return CompileResult(() if report.errors else tuple(resolved), report)


def _refuse_ambiguous(wanted: set[str], inputs: list[Input]) -> None:
    """Exchange reads one folder, so a plan name stands for one file; two is a mistake."""
    files: dict[str, list[str]] = {}
    for item in inputs:
        if not item.is_remap:
            files.setdefault(plan_name_of(item.display).casefold(), []).append(item.display)
    for key in sorted(wanted):
        if len(files.get(key, [])) > 1:
            raise ResolveError(
                f"{len(files[key])} files define the plan {plan_name_of(files[key][0])}: "
                f"{', '.join(files[key])}",
                hint="compile one folder at a time (Exchange reads a single ServicePlans folder)",
            )


def _read(
    item: Input, max_file_size: int, findings: list[Finding], stdin: bytes = b""
) -> bytes | None:
    """The input's bytes; None when it is over the cap, which is a finding, not an error."""
    try:
        return read_input(item.path, item.display, max_file_size, stdin)
    except Exception as error:  # anything but the cap propagates
        finding = too_large_finding(error)
        if finding is None:
            raise
        findings.append(finding)
        return None


def _parse_remap(item: Input, data: bytes, findings: list[Finding]) -> RemapTable | None:
    """The remap's lines; None when its text could not be decoded (a finding)."""
    text, problems = decode_text(data, item.display)
    findings += problems
    return None if problems else parse_remap(text, item.display)


def _selection(
    options: CompileOptions, tables: list[RemapTable], plans: dict[str, Input]
) -> tuple[set[str], list[RemapRow]]:
    """Which plans to compile, and the remap line that chose them when a pair was asked for."""
    if (options.program_id is None) != (options.offer_id is None):
        raise UsageError("--program and --offer go together")
    if options.program_id is not None and options.offer_id is not None:
        row = select_row(tables, options.program_id, options.offer_id)
        if row.plan_name.casefold() not in plans:
            raise ResolveError(
                f"({options.program_id}, {options.offer_id}) is mapped at {row.location} to "
                f"{row.plan_name}, but there is no {row.plan_name}.serviceplan among the plans",
                hint="add the plan file, or correct the plan name in the remap",
            )
        return {row.plan_name.casefold()}, [row]
    if options.plan is not None:
        if options.plan.casefold() not in plans:
            known = ", ".join(sorted(plan_name_of(i.display) for i in plans.values()))
            raise ResolveError(f"no plan named {options.plan}", hint=f"plans found: {known}")
        return {options.plan.casefold()}, []
    return set(plans), []
