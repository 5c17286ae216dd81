"""`serviceplan render`: one manifest per tenant of an inventory, from the compiled plans.

The stages: `prepare` (template compiled once, --out and its previous index checked: usage
errors before any work), then `render_inventory` over the compiled plans and the inventory,
streamed twice, never held: a first pass for the rows' findings and the file names every tenant
would have (collisions are found across shards; render.scan), then a second pass rendering the
shard's tenants (in worker processes with --jobs) into a staging folder, then, when nothing
failed (or with --keep-going), renamed into DIR, stale files of the previous index removed and
index.json written. Each tenant's outcome is spooled to a temporary file as it comes back
(render.outcomes), and index.json, the commit and the reports read it back: the main process
holds nothing per tenant. Templates, file names and the folder live in env, names and output;
the index in index; the worker loop is in work.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..files.defaults import bundled_plans
from ..files.inputs import is_plan_name
from ..files.spool import Records
from ..model import Finding, FindingsReport, Severity, base_name, plural
from ..plan.load import DEFAULT_MAX_FILE_SIZE
from ..resolve.result import CompileResult
from ..rules.registry import rule
from ..rules.selection import ALL_RULES, RuleSelection, screen
from ..tenants.database import is_url
from ..tenants.inventory import DEFAULT_MAX_INVENTORY_SIZE, Tenant, TenantStream
from .context import TOOL, Context, plan_context
from .env import TemplateSpec, find_template, load_template, reads_name
from .index import Names, index_chunks, read_index, stale_files
from .names import index_name, tenant_file_name
from .outcomes import Kept, Outcome, Outcomes
from .output import (
    FAIL,
    SKIP,
    UNCHANGED,
    WRITES,
    Action,
    Folder,
    Listing,
    digest_file,
    discard,
    drop_staging,
    make_staging,
    prepare_out,
    publish,
    stage_streamed,
    sweep_leftovers,
)
from .scan import Scan, scan
from .update import Refusals
from .work import Item, Job, Workers

_REFUSED = rule("update-refused")

__all__ = [
    "Prepared",
    "RenderOptions",
    "RenderResult",
    "prepare",
    "render_inventory",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderOptions:
    tenants: str  # the inventory: CSV or JSONL, or a database URL
    tenants_table: str | None = None
    tenants_query: str | None = None
    template: str  # a built-in's name or a template file
    out: str  # the output folder
    remap: str | None = None  # a remap file besides those among the plan paths
    jobs: int = 1  # worker processes; 0: one per CPU
    shard: tuple[int, int] = (1, 1)  # (I, N): the I-th of N shards, 1-based
    dry_run: bool = False
    keep_going: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_inventory_size: int = DEFAULT_MAX_INVENTORY_SIZE
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    rules: RuleSelection = ALL_RULES  # the configuration's, --select, --ignore


@dataclass(frozen=True, slots=True)
class Prepared:
    spec: TemplateSpec
    template_sha256: str
    index: str  # the index file's name: index.json or index.I-of-N.json
    previous: Names | None  # the file names the previous index of this shard lists
    updates: bool = False  # the template uses `update`: a refused update is SP701


@dataclass(frozen=True, slots=True)
class RenderResult:
    template: str
    out: str
    index: str
    shard: tuple[int, int]
    dry_run: bool
    report: FindingsReport  # findings of the plans and the inventory
    outcomes: Outcomes  # the shard's tenants, in inventory order (spooled)
    removed: Records[str]  # files of the previous index no longer produced, sorted
    applied: bool  # whether DIR now holds exactly this run's files

    def count(self, *actions: Action) -> int:
        return self.outcomes.count(*actions)

    @property
    def failed(self) -> bool:
        return bool(self.report.errors) or self.count(FAIL) > 0

    def summary(self) -> str:
        """e.g. `100,000 tenants: 99,998 written, 0 unchanged, 2 failed`."""
        written, unchanged = self.count(*WRITES), self.count(UNCHANGED)
        failed, skipped = self.count(FAIL), self.count(SKIP)
        head = plural(len(self.outcomes), "tenant")
        if self.dry_run:
            parts = [f"{written:,} to write", f"{unchanged:,} unchanged", f"{failed:,} failed"]
            head += " (dry run, nothing written)"
        elif self.applied:
            parts = [f"{written:,} written", f"{unchanged:,} unchanged", f"{failed:,} failed"]
        else:
            parts = [f"nothing written ({written:,} to write)", f"{failed:,} failed"]
        if skipped:
            parts.append(f"{skipped:,} skipped")
        if self.removed:
            parts.append(f"{len(self.removed):,} {'to remove' if self.dry_run else 'removed'}")
        # a refused update is the tenant's, not its row's: said as what it is
        refused = sum(
            1
            for finding in self.report.findings
            if finding.rule == _REFUSED.id and finding.severity is Severity.ERROR
        )
        if refused:
            parts.append(f"{plural(refused, 'update')} refused (no script)")
        if self.report.errors > refused:
            parts.append(plural(self.report.errors - refused, "input error"))
        if self.report.warnings:
            parts.append(plural(self.report.warnings, "warning"))
        return f"{head}: {', '.join(parts)}"


def prepare(options: RenderOptions) -> Prepared:
    """Everything that can be a usage error, before plans or tenants are read."""
    shard, count = options.shard
    if not 1 <= shard <= count:
        raise UsageError(f"--shard {shard}/{count}: I must be from 1 to N")
    if options.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    spec = find_template(options.template)
    load_template(spec)  # a syntax error stops here (exit 2)
    name = index_name(options.shard)
    previous = None
    if Path(options.out).is_dir():
        previous = read_index(os.path.realpath(options.out), name, spec.name)
    elif os.path.lexists(options.out):
        prepare_out(options.out, dry_run=True)  # raises the right usage error
    updates = reads_name(spec, "update")
    return Prepared(spec, digest_file(str(spec.path)), name, previous, updates)


def render_inventory(
    prepared: Prepared,
    compiled: CompileResult,
    opener: Callable[[], TenantStream],
    options: RenderOptions,
) -> RenderResult:
    """Render the tenants `opener` streams (it is called once per pass over them)."""
    plans = {plan.name.casefold(): plan_context(plan) for plan in compiled.plans}
    refusals = Refusals(compiled.plans) if prepared.updates else None
    suffix = prepared.spec.suffix
    found = scan(opener, plans, compiled.remaps, options.shard, suffix, refusals)
    screened = screen([*compiled.report.findings, *found.findings], options.rules)
    findings = sorted(screened.findings, key=Finding.sort_key)
    suppressed = compiled.report.suppressed + screened.suppressed
    files = (*compiled.report.files, found.source)
    report = FindingsReport(files, tuple(findings), suppressed=suppressed)
    result = _Run(prepared, options, report, compiled.report.files)
    if not compiled.plans:  # the plans have errors: nothing can be rendered
        return result.finish(Outcomes(), {})
    if found.refused:  # before anything is written: an error stops the writes as any finding does
        result.report = FindingsReport(
            report.files, tuple(sorted([*findings, *found.refused], key=Finding.sort_key))
        )
    job = Job(prepared.spec, None, None, plans, found.remaps)
    return result.render(found, opener, job)


def _tenants(found: Scan, stream: TenantStream, pending: deque[Outcome | None]) -> Iterator[Item]:
    """The second pass: the shard's tenants to render, as items; a tenant that cannot be
    rendered is its outcome at once, a rendered one a slot (None) its result fills later."""
    for position, tenant, row in found.mapped(stream):
        if not found.in_shard(tenant.key):
            continue
        name = tenant_file_name(tenant.name, found.suffix)
        clash = found.clashes.get(position)
        if clash is not None:
            pending.append(_failure(tenant, name, clash))
        elif (plan := found.plan_key(row)) not in found.plans:
            message = f"{row.location} selects {row.plan_name}, which was not compiled"
            pending.append(_failure(tenant, name, message))
        elif position not in found.skipped:  # refused: a finding on its line (as SP505)
            pending.append(None)
            yield Item(name, tenant, plan, found.rows[id(row)])


def _failure(tenant: Tenant, path: str, message: str) -> Outcome:
    text = f"tenant {tenant.name!r}: {message}"
    return Outcome(tenant.name, tenant.row, path, FAIL, message=text)


def _warnings(outcome: Outcome) -> Iterator[Finding]:
    """The template's warn() calls for a tenant, as findings on its line (SP702)."""
    warned = rule("template-warning")
    for warning in outcome.warnings:
        yield warned.finding(f"tenant {outcome.tenant!r}: {warning}", outcome.row)


class _Run:
    """One render run's side effects on DIR: staging, commit, stale files, index."""

    def __init__(
        self,
        prepared: Prepared,
        options: RenderOptions,
        report: FindingsReport,
        inputs: tuple[str, ...],
    ) -> None:
        self.prepared = prepared
        self.options = options
        self.report = report
        self.inputs = inputs  # the plan and remap files compiled
        self.out = os.path.realpath(options.out) if Path(options.out).is_dir() else None
        self.made = False

    def render(self, found: Scan, opener: Callable[[], TenantStream], job: Job) -> RenderResult:
        options = self.options
        writing = not options.dry_run and (options.keep_going or not self.report.errors)
        staging = None
        try:
            if writing:
                self.out, self.made = prepare_out(options.out, dry_run=False)
                sweep_leftovers(self.out, index_name(options.shard))
                staging = make_staging(self.out)
            existing = Listing(self.out) if self.out is not None else None
            job = job._replace(out=self.out, staging=staging, existing=existing)
            outcomes = Outcomes()
            warned: list[Finding] = []
            # outcomes not spooled yet, in inventory order: a few batches' worth at most
            pending: deque[Outcome | None] = deque()

            def spool(outcome: Outcome) -> None:
                outcomes.append(outcome)
                if outcome.warnings:
                    warned.extend(_warnings(outcome))

            with Workers(job, options.jobs, found.total, options.progress) as workers:
                items = _tenants(found, opener(), pending)  # opened after the workers start
                for batch, results in workers.render(items):
                    for item, (action, digest, message, line, kind, warnings) in zip(
                        batch, results, strict=True
                    ):
                        while (failed := pending.popleft()) is not None:
                            spool(failed)  # a tenant before this one that failed at once
                        spool(Outcome(
                            item.tenant.name, item.tenant.row, item.file, action, digest,
                            message, line, kind, warnings,
                        ))  # fmt: skip
                for failed in pending:
                    assert failed is not None  # every rendered one came back
                    spool(failed)
                if warned:
                    findings = sorted([*self.report.findings, *warned], key=Finding.sort_key)
                    self.report = FindingsReport(self.report.files, tuple(findings))
                return self.finish(outcomes, job.plans, staging, workers.commit)
        finally:
            drop_staging(staging)
            made = Path(self.out or options.out)
            if self.made and not any(made.iterdir()):
                made.rmdir()  # made for this run and left empty

    def finish(
        self,
        outcomes: Outcomes,
        plans: Mapping[str, Context],
        staging: str | None = None,
        commit: Callable[[Iterable[str], int], None] | None = None,
    ) -> RenderResult:
        options, prepared = self.options, self.prepared
        failed = bool(self.report.errors) or outcomes.count(FAIL) > 0
        apply = bool(plans) and not options.dry_run and (options.keep_going or not failed)
        folder = Folder(self.out) if self.out is not None and bool(plans) else None
        staged = apply and folder is not None and staging is not None and commit is not None
        try:
            produced = outcomes.kept_names() if prepared.previous is not None else iter(())
            stale = stale_files(folder, prepared.previous, produced)
            if staged:
                assert folder is not None and commit is not None
                index = self._stage_index(folder, outcomes.kept())
                try:
                    commit(outcomes.paths(*WRITES), outcomes.count(*WRITES))
                    for name in stale:
                        folder.unlink(name)
                    folder.sync()
                except BaseException:
                    discard(index)
                    raise
                publish(folder, index, self.prepared.index)  # the index last
                self.made = False  # DIR holds the index now
        finally:
            if folder is not None:
                folder.close()
        return RenderResult(
            prepared.spec.name, options.out, prepared.index, options.shard, options.dry_run,
            self.report, outcomes, stale if apply or options.dry_run else Records(), apply,
        )  # fmt: skip

    def _stage_index(self, folder: Folder, kept: Iterable[Kept]) -> str | None:
        entries = ((k.path, k.tenant, k.line, k.sha256) for k in kept)
        spec = self.prepared.spec
        template = {"name": spec.name, "sha256": self.prepared.template_sha256}
        chunks = index_chunks(template, self.options.shard, self._inputs(), entries, TOOL)
        return stage_streamed(folder, self.prepared.index, chunks)

    def _inputs(self) -> list[dict[str, str]]:
        """The tenants file, every plan and remap file read: where, and their SHA-256."""
        tenants = self.options.tenants
        files = [] if is_url(tenants) else [("tenants", tenants)]  # a database has no digest
        files += [("plan", f) for f in self.inputs if is_plan_name(f)]
        files += [("remap", f) for f in self.inputs if not is_plan_name(f)]
        bundled = os.path.join(bundled_plans(), "")  # noqa: PTH118 - a prefix, with its separator
        return [
            {
                "role": role,
                "file": f"<bundled>/{base_name(path)}" if path.startswith(bundled) else path,
                "sha256": digest_file(path),
            }
            for role, path in files
            if path != "-"
        ]
