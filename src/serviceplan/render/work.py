"""The render loop: each tenant's context, the template, the bytes compared with DIR and staged.

With --jobs N the shard's tenants, as they stream from the inventory, are sent in batches to
N worker processes (a few batches at a time, so they are never all held); the plan contexts
are inherited (fork on Linux; spawn elsewhere). Each worker compiles the template once, in its
own environment. Only a small tuple per tenant comes back: the action, the SHA-256 of the
bytes, and the message of a failure or skip; the rendered text never stays in memory.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from ..collector import gc_running
from ..tenants.inventory import Tenant
from .context import (
    NO_UPDATE,
    TOOL,
    Context,
    Record,
    release,
    tenant_context,
    update_context,
)
from .env import (
    POWERSHELL,
    SkipTenant,
    TemplateSpec,
    UnsafeValue,
    describe_failure,
    load_template,
)
from .output import CREATE, FAIL, SKIP, WRITES, Action, Folder, Listing, Refused, compare
from .values import WARNINGS

# PowerShell reads a script without a byte order mark in the ANSI code page: Windows
# PowerShell (and Exchange's) would garble any non-ASCII tenant name in a BOM-less UTF-8 file.
BOM = "\ufeff"
CHUNK = 1000
T = TypeVar("T")

# action, sha256, message, template line, kind of template error (render.env.Failure),
# and the template's warn() calls for the tenant ("template:line: message")
Result = tuple[Action, str, str, int, str, tuple[str, ...]]


class Item(NamedTuple):
    file: str  # the tenant's file name in DIR
    tenant: Tenant
    plan: str  # key of the plan context (the plan's name, casefolded)
    remap: int  # index of the remap line's context


class Job(NamedTuple):
    spec: TemplateSpec
    out: str | None  # DIR, to compare with; None when it does not exist (a dry run)
    staging: str | None  # where to write; None: write nothing
    plans: Mapping[str, Context]
    remaps: Sequence[Context]
    existing: Listing | None = None  # DIR's entries, casefolded, when it exists


class Renderer:
    """Renders items of one job; one per process."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.template = load_template(job.spec)
        self.prefix = BOM if job.spec.kind == POWERSHELL else ""
        self.out = Folder(job.out) if job.out is not None else None
        self.staging = Folder(job.staging) if job.staging is not None else None
        self.updates: dict[tuple[str, str], Context] = {}

    def close(self) -> None:
        for folder in (self.out, self.staging):
            if folder is not None:
                folder.close()

    def commit(self, names: Iterable[str]) -> None:
        assert self.staging is not None and self.out is not None
        for name in names:
            self.staging.move_into(self.out, name)

    def run(self, items: Sequence[Item]) -> list[Result]:
        return [self.one(item) for item in items]

    def one(self, item: Item) -> Result:
        tenant = item.tenant
        plan = self.job.plans[item.plan]
        context = tenant_context(tenant, plan["name"])
        update = self._update(tenant.plan, plan) if context["plan_changed"] else NO_UPDATE
        output = Record(file=item.file)
        WARNINGS.clear()
        try:
            text = self.template.render(
                tenant=context, plan=plan, remap=self.job.remaps[item.remap], update=update,
                output=output, tool=TOOL,
            )  # fmt: skip
        except SkipTenant as skipped:
            return (SKIP, "", skipped.reason, 0, "", ())
        except Exception as error:  # any template or filter error fails this tenant only
            failure = describe_failure(error, self.job.spec, error.__traceback__)
            column = _column(tenant, error)
            message = f"tenant {tenant.name!r}: {failure.message}{column}"
            return (FAIL, "", message, failure.line, failure.kind + column, ())
        finally:
            release(context)
            release(output)
        warnings = self._warnings() if WARNINGS else ()
        data = (self.prefix + text).encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        try:
            existing = self.job.existing
            if existing is not None and item.file.casefold() not in existing:
                action, mode = CREATE, None  # DIR was listed once: no lstat per new file
            else:
                action, mode = compare(self.out, item.file, data)
        except Refused as refused:
            return (FAIL, digest, f"tenant {tenant.name!r}: {refused}", 0, "", ())
        if action in WRITES and self.staging is not None:
            self.staging.create(item.file, data, mode)
        return (action, digest, "", 0, "", warnings)

    def _warnings(self) -> tuple[str, ...]:
        spec = self.job.spec
        found = []
        for file, line, message in WARNINGS:
            where = spec.display if file in ("", str(spec.path)) else file
            found.append(f"{where}:{line}: {message}" if line else f"{where}: {message}")
        return tuple(found)

    def _update(self, old: str, plan: Context) -> Context:
        key = (old.casefold(), plan["name"])
        found = self.updates.get(key)
        if found is None:
            found = self.updates[key] = update_context(old, plan, self.job.plans)
        return found


def _column(tenant: Tenant, error: BaseException) -> str:
    """` (column X)`: the inventory column a refused value came from, when it did."""
    if isinstance(error, UnsafeValue) and error.value:
        for column, cell in tenant.fields.items():
            if isinstance(cell, str) and error.value in (cell, cell.strip()):
                return f" (column {column})"
    return ""


_WORKER: Renderer | None = None


def _start_worker(job: Job) -> None:
    global _WORKER
    gc.enable()  # templates with macros or loops make cycles; the parent may have paused it
    _WORKER = Renderer(job)


def _work(items: list[Item]) -> list[Result]:
    assert _WORKER is not None
    return _WORKER.run(items)


def workers(jobs: int) -> int:
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on this platform
        return os.cpu_count() or 1


def _commit_names(names: list[str]) -> int:
    assert _WORKER is not None
    _WORKER.commit(names)
    return len(names)


class Workers:
    """The renderers of one job: in this process, or a pool of worker processes that also
    rename the staged files into DIR (the commit) when asked."""

    def __init__(
        self,
        job: Job,
        jobs: int,
        total: int,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.job = job
        self.progress = progress
        self.total = total  # items to render
        self.processes = min(workers(jobs), max(1, total // 64))
        self.size = max(16, min(CHUNK, -(-total // (self.processes * 8))))
        self.local: Renderer | None = None
        self.pool: Any = None

    def __enter__(self) -> Workers:
        # the plans live until the end: out of the collector's sight, and pages a forked
        # worker never writes to (a collection would touch every object's header)
        gc.freeze()
        if self.processes <= 1:
            self.local = Renderer(self.job)
            return self
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        context = multiprocessing.get_context(method)
        self.pool = context.Pool(self.processes, _start_worker, (self.job,))
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.local is not None:
                self.local.close()
            if self.pool is not None:
                self.pool.terminate()
                self.pool.join()
        finally:
            gc.unfreeze()

    def render(self, items: Iterable[Item]) -> Iterator[tuple[list[Item], list[Result]]]:
        """The items in batches, each with its results, in item order."""
        total, done = self.total, 0
        self._tell(0, total)
        if self.local is not None:
            with gc_running():  # the caller may have paused it
                for batch in _batches(items, self.size):
                    results = self.local.run(batch)
                    done += len(batch)
                    self._tell(done, total)
                    yield batch, results
            return
        pending: deque[tuple[list[Item], Any]] = deque()
        for batch in _batches(items, self.size):
            pending.append((batch, self.pool.apply_async(_work, (batch,))))
            if len(pending) < 4 * self.processes:
                continue
            sent, result = pending.popleft()
            done += len(sent)
            results = result.get()
            self._tell(done, total)
            yield sent, results
        while pending:
            sent, result = pending.popleft()
            done += len(sent)
            results = result.get()
            self._tell(done, total)
            yield sent, results

    def commit(self, names: Iterable[str], count: int) -> None:
        """Rename the `count` staged files `names` streams into DIR, spread over the workers."""
        if self.local is not None:
            self.local.commit(names)
            return
        size = max(64, -(-count // (self.processes * 4)))
        for _ in self.pool.imap_unordered(_commit_names, _batches(names, size)):
            pass

    def _tell(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
