"""The hostile corpus: every folder in tests/cases/hostile with a case.toml, run through the real
CLI in a subprocess under resource limits (see _limits.py): each run answers with exit 0, 1 or 2
and a message, under 200 MB of peak RSS and 5 s of CPU (a guard against blow-ups; wall time is
measured, not asserted: SERVICEPLAN_HOSTILE_FIGURES=FILE writes it per run).

A case folder holds its input files and a case.toml:

    description = "what the case shows"
    generate = "name"             # optional: GENERATORS[name](folder) writes large inputs
    symlinks = { "tree/Link.serviceplan" = "../outside/Broken.serviceplan" }   # made at test time
    fifos = ["tree/pipe.serviceplan"]                                          # made at test time
    unreadable = ["Secret.serviceplan"]   # chmod 000 (as root: the child drops CAP_DAC_*)
    listener = true               # a loopback listener; @@PORT@@ in the inputs is its port,
                                  # and no run may connect to it
    stdin = "Laughs.serviceplan"  # the runs read this file on standard input (else nothing)
    [run.validate]                # one run per COMMANDS entry named here
    args = ["."]                  # the inputs (and extra options); default ["."]; @@SAMPLES@@
                                  # is the bundled plans' folder, @@EDITED@@ an edited copy
                                  # (tests/cases/diff-smallorg-repoint/new, with its samples),
                                  # both only read
    exit = 1                      # or exits = [1, 2] when either is right
    rules = ["SP002"]             # every one must be reported
    rules_any = ["SP001", "SP108"]   # at least one must be reported
    findings = [["SP002", "Laughs.serviceplan", 2]]   # optional: the exact (rule, file, line) set
    stdout_contains = "..."  /  stderr_contains = "..."        # a string or a list of strings
    output_lacks = ["lollol"]     # in neither stream (a secret, an expansion)
    files_lack = ["Linked"]       # validate --format json: no input file name contains these
    xfail = "why"                 # a known bug, reported: the run is expected to fail (strict)

Inputs are copied to a temporary folder first (fmt may rewrite them; @@DIR@@ in an input becomes
that folder's absolute path, @@DIR_URI@@ its file: URI). Whatever the case, every run must exit
0, 1 or 2, print no traceback and no "internal error", print parseable JSON when it prints JSON,
and report finding lines that exist in the file. Nothing committed here is over 100 KB: larger
inputs are generated. Symbolic links and FIFOs are made at test time, never committed.

`render` runs are checked further (see _render_checks.py): nothing changed outside --out (the
case's whole temporary tree is compared before and after), no staging folder or temporary
file left, no link in --out touched, index.json listing exactly the manifests in --out when it
was written, and every PowerShell manifest written holds each hostile value of its tenant only
inside single-quoted literals, quotes doubled. `diff` runs change nothing at all.

Adding a command is one line in COMMANDS; a case opts in with `[run.NAME]`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from _limits import RSS_LIMIT, Hang, Run, can_drop_dac, run_limited, serviceplan
from _render_checks import (
    STAGING_PREFIX,
    Entry,
    changed,
    check_index,
    check_powershell,
    leftovers,
    manifests,
    snapshot,
)
from _samples import with_samples
from serviceplan.catalog import load_catalog
from serviceplan.tenants.inventory import read_inventory

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CASES = REPO / "tests" / "cases" / "hostile"
MAX_COMMITTED = 100 * 1024
WORKERS = max(1, (os.cpu_count() or 1) // 2)  # runs at once; more would inflate the wall times

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="uses os.wait4, resource limits, FIFOs and symlinks"
)


# --- the commands ----------------------------------------------------------------------------

# The library's tenant inventory reader, run as a program: the JSON of its findings and
# tenants, exit 0 clean, 1 findings, 2 with the tool's own error (anything else: a traceback).
INVENTORY_PROBE = """
import json, sys
from serviceplan.catalog import load_catalog
from serviceplan.errors import ServicePlanError
from serviceplan.tenants.inventory import read_inventory
try:
    inventory = read_inventory(sys.argv[1], load_catalog())
except ServicePlanError as error:
    print(f"serviceplan: error: {error.message}", file=sys.stderr)
    sys.exit(2)
print(json.dumps({
    "tenants": [tenant.name for tenant in inventory.tenants],
    "findings": [
        {"rule": f.rule, "file": f.location.file, "line": f.location.line, "message": f.message}
        for f in inventory.findings
    ],
}, ensure_ascii=False))
sys.exit(1 if inventory.findings else 0)
"""


@dataclass(frozen=True)
class Command:
    """How a command runs on a case's inputs, and whether its stdout is JSON (when not empty)."""

    argv: Callable[[list[str]], list[str]]
    json: bool


COMMANDS: dict[str, Command] = {
    "validate": Command(lambda a: serviceplan("validate", *a, "--format", "json"), json=True),
    "compile": Command(lambda a: serviceplan("compile", *a, "--format", "json"), json=True),
    "fmt": Command(lambda a: serviceplan("fmt", *a), json=False),
    "fmt-check": Command(lambda a: serviceplan("fmt", "--check", *a), json=False),
    "digest": Command(lambda a: serviceplan("digest", *a, "--format", "json"), json=True),
    "verify-copies": Command(
        lambda a: serviceplan("verify-copies", *a, "--format", "json"), json=True
    ),
    "explain": Command(
        lambda a: serviceplan("explain", "MailboxCountQuota", *a, "--format", "json"), json=True
    ),
    "inventory": Command(lambda a: [sys.executable, "-c", INVENTORY_PROBE, *a], json=True),
    "render": Command(lambda a: serviceplan("render", *a, "--format", "json"), json=True),
    "diff": Command(lambda a: serviceplan("diff", *a, "--format", "json"), json=True),
}
EDITED = REPO / "tests" / "cases" / "diff-smallorg-repoint"
ARGUMENTS = {  # placeholders in a run's args: inputs the commands only read
    "@@SAMPLES@@": str(REPO / "serviceplans"),
    "@@EDITED@@": "",  # the edited set, made whole from its case folder by `_edited_plans`
}

RUN_KEYS = {
    "args",
    "exit",
    "exits",
    "rules",
    "rules_any",
    "findings",
    "stdout_contains",
    "stderr_contains",
    "output_lacks",
    "files_lack",
    "xfail",
}
CASE_KEYS = {
    "description",
    "generate",
    "symlinks",
    "fifos",
    "unreadable",
    "listener",
    "stdin",
    "run",
}


# --- generators: inputs too large to commit --------------------------------------------------

BASE_PLAN = CASES / "_base" / "Small.serviceplan"
FEATURE = b"<AddressListsEnabled>true</AddressListsEnabled>"


def base_plan() -> bytes:
    return BASE_PLAN.read_bytes()


def with_value(value: bytes) -> bytes:
    """The base plan with AddressListsEnabled's value replaced."""
    data = base_plan()
    assert FEATURE in data
    return data.replace(FEATURE, b"<AddressListsEnabled>" + value + b"</AddressListsEnabled>")


def huge_text_plan(size: int) -> bytes:
    head, tail = with_value(b"@").split(b"@")
    return head + b"A" * (size - len(head) - len(tail)) + tail


def _deep_nesting(folder: Path) -> None:
    depth = 10_000
    (folder / "Deep.serviceplan").write_bytes(with_value(b"<a>" * depth + b"1" + b"</a>" * depth))


def _huge_text_node(folder: Path) -> None:
    (folder / "Huge.serviceplan").write_bytes(huge_text_plan(50 * 1024 * 1024))


def _over_default_cap(folder: Path) -> None:
    (folder / "Huge.serviceplan").write_bytes(huge_text_plan(20 * 1024 * 1024))


def _sparse_2gb(folder: Path) -> None:
    with (folder / "Sparse.serviceplan").open("wb") as handle:
        handle.write(base_plan())
        handle.truncate(2 * 1024**3)


def _long_line_plan(folder: Path) -> None:
    """5 MB on one line: the plan flattened, padded with spaces between elements, and one
    bad value near the end (so the finding's line is 1 and its column about 5 million)."""
    text = b" ".join(line.strip() for line in base_plan().splitlines())
    text = text.replace(b"<MailboxCountQuota>250<", b"<MailboxCountQuota>lots<")
    padding = b" " * (5 * 1024 * 1024 - len(text))
    text = text.replace(b"<MailboxPlans>", padding + b"<MailboxPlans>")
    (folder / "Long.serviceplan").write_bytes(text)


def _just_under_the_cap(unit: bytes, before: bytes) -> bytes:
    """The base plan with `unit` repeated before `before`, just under the 1 MB cap."""
    data = base_plan()
    count = ((1 << 20) - len(data) - 16) // len(unit)
    return data.replace(before, unit * count + before, 1)


def _many_unknown_elements(folder: Path) -> None:
    """140,000 unknown elements, each a finding (checking stops after 1,000)."""
    data = _just_under_the_cap(b"<Foo/>\n", b"<OWAPermissions>")
    (folder / "Junk.serviceplan").write_bytes(data)


def _many_mailbox_plans(folder: Path) -> None:
    """70,000 empty mailbox plans (libxml2's error paths count siblings: n^2)."""
    data = _just_under_the_cap(b"<MailboxPlan/>\n", b"</MailboxPlans>")
    (folder / "Plans.serviceplan").write_bytes(data)


def _many_attributes(folder: Path) -> None:
    """Just under the cap: 95,000 attributes on one feature (each an XSD error)."""
    attributes = b" ".join(b'a%05d=""' % i for i in range(95_000))
    data = base_plan().replace(
        b"<AddressListsEnabled>", b"<AddressListsEnabled " + attributes + b">", 1
    )
    (folder / "Attributes.serviceplan").write_bytes(data)


REMAP = "ServicePlanHostingRemap.csv"


def _remap_long_line(folder: Path) -> None:
    """A remap line of 1 MB: 350,000 fields."""
    (folder / "Small.serviceplan").write_bytes(base_plan())
    line = b"Business,SmallOrg,Small" + b",x" * 350_000
    (folder / REMAP).write_bytes(b"# comment\n" + line + b"\n")


def _remap_over_cap(folder: Path) -> None:
    (folder / "Small.serviceplan").write_bytes(base_plan())
    comment = b"# " + b"x" * 98 + b"\n"
    (folder / REMAP).write_bytes(b"Business,SmallOrg,Small\n" + comment * 12_000)


def _remap_many_bad_lines(folder: Path) -> None:
    """Just under the cap: 500,000 lines of a lone comma, each two or three findings."""
    (folder / "Small.serviceplan").write_bytes(base_plan())
    (folder / REMAP).write_bytes(b",\n" * ((1 << 20) // 2 - 8))


def _stdin_over_cap(folder: Path) -> None:
    (folder / "input.bin").write_bytes(huge_text_plan(20 * 1024 * 1024))


def _encoding_variant(bom: bytes, codec: str, declared: str) -> Callable[[Path], None]:
    def generate(folder: Path) -> None:
        text = base_plan().decode("utf-8").replace('encoding="utf-8"', f'encoding="{declared}"')
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        (folder / "Small.serviceplan").write_bytes(bom + text.encode(codec))

    return generate


def _tenant(name: bytes, **more: bytes) -> bytes:
    """One JSONL line: a tenant of (Business, SmallOrg), with extra raw JSON values."""
    cells = b", ".join(b'"%s": %s' % (key.encode(), value) for key, value in more.items())
    return (
        b'{"name": "%s", "domain": "%s.example", "program_id": "Business", '
        b'"offer_id": "SmallOrg"%s}\n' % (name, name.lower(), b", " + cells if cells else b"")
    )


def _jsonl_deep_nesting(folder: Path) -> None:
    depth = 100_000
    nested = _tenant(b"Deep", x=b"[" * depth + b"]" * depth)
    arrays = b"[" * depth + b"]" * depth + b"\n"
    data = _tenant(b"Contoso") + nested + arrays + _tenant(b"Fabrikam")
    (folder / "tenants.jsonl").write_bytes(data)


def _jsonl_long_line(folder: Path) -> None:
    big = _tenant(b"Big", notes=b'"' + b"n" * (10 * 1024 * 1024) + b'"')
    (folder / "tenants.jsonl").write_bytes(_tenant(b"Small") + big + _tenant(b"Other"))


def _inventory_many_bad_rows(folder: Path) -> None:
    """Two megabytes of rows with three cells missing: three findings each (checking stops;
    rows are judged as they are read, so the rest are never held)."""
    header = b"name,domain,program_id,offer_id,mailboxes\n"
    (folder / "tenants.csv").write_bytes(header + b"a\n" * (1 << 20))


def _inventory_csv_long_name(folder: Path) -> None:
    """A 1 MB line between two plain tenants: a name and a location of 100 KB each (quoted,
    full of doubled quotes, single quotes and commas) and eight more such cells."""
    cell = b'"' + b'Long ""\'name\'"", ' * 6000 + b'"'  # 102 KB: under csv's 128 KB a cell
    extra = b"".join(b",n%d" % number for number in range(8))
    rows = [
        b"name,domain,program_id,offer_id,location" + extra,
        b"Small,small.example,Business,SmallOrg,EMEA",
        cell + b",long.example,Business,MedOrg," + b",".join([cell] * 9),
        b"Other,other.example,Business,LargeOrg,",
    ]
    (folder / "tenants.csv").write_bytes(b"\n".join(rows) + b"\n")


def _inventory_csv_huge_cell(folder: Path) -> None:
    """One cell of 200 KB: over the csv module's 128 KB a field."""
    rows = [
        b"name,domain,program_id,offer_id,location",
        b"Small,small.example,Business,SmallOrg,EMEA",
        b"Huge,huge.example,Business,MedOrg," + b"x" * 200_000,
        b"Other,other.example,Business,LargeOrg,",
    ]
    (folder / "tenants.csv").write_bytes(b"\n".join(rows) + b"\n")


GENERATORS: dict[str, Callable[[Path], None]] = {
    "deep_nesting": _deep_nesting,
    "huge_text_node": _huge_text_node,
    "over_default_cap": _over_default_cap,
    "sparse_2gb": _sparse_2gb,
    "long_line_plan": _long_line_plan,
    "many_unknown_elements": _many_unknown_elements,
    "many_mailbox_plans": _many_mailbox_plans,
    "many_attributes": _many_attributes,
    "remap_long_line": _remap_long_line,
    "remap_over_cap": _remap_over_cap,
    "remap_many_bad_lines": _remap_many_bad_lines,
    "stdin_over_cap": _stdin_over_cap,
    "utf16be_bom_crlf": _encoding_variant(b"\xfe\xff", "utf-16-be", "utf-16"),
    "utf16le_bom_declared_utf8_crlf": _encoding_variant(b"\xff\xfe", "utf-16-le", "utf-8"),
    "jsonl_deep_nesting": _jsonl_deep_nesting,
    "jsonl_long_line": _jsonl_long_line,
    "inventory_many_bad_rows": _inventory_many_bad_rows,
    "inventory_csv_long_name": _inventory_csv_long_name,
    "inventory_csv_huge_cell": _inventory_csv_huge_cell,
}


# --- the listener ----------------------------------------------------------------------------


class Listener:
    """A TCP listener on an ephemeral loopback port that counts connections."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.1)
        self.port: int = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.server.close()


# --- collecting and preparing the cases ------------------------------------------------------


def _load(folder: Path) -> dict[str, Any]:
    with (folder / "case.toml").open("rb") as handle:
        return tomllib.load(handle)


def _case_folders() -> list[Path]:
    return sorted(p.parent for p in CASES.glob("*/case.toml"))


def _params() -> list[Any]:
    params = []
    for folder in _case_folders():
        try:
            case = _load(folder)
        except tomllib.TOMLDecodeError as error:
            params.append(
                pytest.param(
                    folder,
                    "?",
                    id=f"{folder.name}-invalid-toml",
                    marks=pytest.mark.xfail(reason=str(error), strict=True),
                )
            )
            continue
        for name, expect in case.get("run", {}).items():
            marks = []
            if "xfail" in expect:  # a known bug, reported; strict: fixing it flags the case
                marks.append(pytest.mark.xfail(reason=str(expect["xfail"]), strict=True))
            params.append(pytest.param(folder, name, id=f"{folder.name}/{name}", marks=marks))
    return params


@dataclass
class Outcome:
    """One run of one case: its measurements, or why it did not run."""

    run: Run | None = None
    folder: Path | None = None
    connections: int = 0  # to the case's listener
    hang: str = ""
    skip: str = ""
    # render and diff: the case's tree (its temporary folder) before and after the run
    before: dict[str, Entry] | None = None
    after: dict[str, Entry] | None = None
    tenants: dict[int, tuple[str, list[str]]] | None = None  # render: line -> name, values


def _prepare(source: Path, case: dict[str, Any], folder: Path, port: int) -> None:
    """The case's inputs in `folder`: copied, placeholders filled, generated, links made."""
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("case.toml"))
    substitutions = {
        b"@@DIR@@": str(folder).encode(),
        b"@@DIR_URI@@": folder.as_uri().encode(),
        b"@@PORT@@": str(port).encode(),
    }
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if b"@@" in data:
                for placeholder, value in substitutions.items():
                    data = data.replace(placeholder, value)
                path.write_bytes(data)
    if "generate" in case:
        GENERATORS[case["generate"]](folder)
    for link, target in case.get("symlinks", {}).items():
        (folder / link).parent.mkdir(parents=True, exist_ok=True)
        (folder / link).symlink_to(target)
    for fifo in case.get("fifos", []):
        os.mkfifo(folder / fifo)


def _execute(source: Path, name: str, folder: Path, dac_enforced: bool) -> Outcome:
    case = _load(source)
    expect = case["run"][name]
    if case.get("unreadable") and not dac_enforced:
        return Outcome(skip="file modes are not enforced here (root, and prctl refused)")
    listener = Listener() if case.get("listener") else None
    try:
        _prepare(source, case, folder, listener.port if listener else 0)
        for unreadable in case.get("unreadable", []):
            (folder / unreadable).chmod(0)
        args = [_expand(str(arg)) for arg in expect.get("args", ["."])]
        argv = COMMANDS[name].argv(args)
        watched = name in ("render", "diff")
        before = snapshot(folder.parent) if watched else {}
        try:
            stdin = folder / case["stdin"] if "stdin" in case else None
            run = run_limited(argv, cwd=folder, drop_dac=bool(case.get("unreadable")), stdin=stdin)
        except Hang as hang:
            return Outcome(hang=str(hang))
        if listener is not None:
            time.sleep(0.2)  # a connection attempt, had there been one, has reached accept()
        outcome = Outcome(run, folder, listener.connections if listener else 0)
        if watched:  # now, before generated giants go (below)
            outcome.before, outcome.after = before, snapshot(folder.parent)
        if name == "render" and '"applied": true' in run.stdout:
            outcome.tenants = _tenant_values(folder / str(_option(args, "--tenants")))
        return outcome
    finally:
        if listener is not None:
            listener.close()
        for path in [folder, *folder.rglob("*")]:  # give back what chmod 000 took
            if path.exists() and not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        for path in folder.rglob("*"):  # generated giants go now, not with tmp_path's turn
            if path.is_file() and not path.is_symlink() and path.stat().st_size > 8 << 20:
                path.unlink()


@pytest.fixture(scope="session")
def corpus_runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[tuple[Path, str], Future[Outcome]]]:
    """Every selected run, queued at once on WORKERS threads (half the cores: one on a
    two-core machine, as more runs at once would inflate the wall times they measure). The
    runs are subprocesses; each measures its own wall time and peak RSS."""
    dac_enforced = can_drop_dac()
    selected = [
        (item.callspec.params["source"], item.callspec.params["name"])
        for item in request.session.items
        if item.module is sys.modules[__name__] and getattr(item, "originalname", "") == "test_case"
    ]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {
            (source, name): pool.submit(
                _execute,
                source,
                name,
                tmp_path_factory.mktemp(f"{source.name}-{name}", numbered=True) / "case",
                dac_enforced,
            )
            for source, name in selected
            if name != "?"
        }
        yield futures
        for future in futures.values():
            future.cancel()
    figures = os.environ.get("SERVICEPLAN_HOSTILE_FIGURES")  # a file: one line a run
    if figures:
        with open(figures, "w", encoding="utf-8") as handle:
            for (source, name), future in futures.items():
                run = future.result().run if future.done() and not future.cancelled() else None
                if run is not None:
                    handle.write(
                        f"{source.name}\t{name}\t{run.returncode}\t"
                        f"{run.wall:.3f}\t{run.max_rss / 2**20:.1f}\n"
                    )


def _tenant_values(path: Path) -> dict[int, tuple[str, list[str]]]:
    """Each tenant's line -> its name and every text value it has (typed and as read)."""
    values = {}
    for tenant in read_inventory(str(path), load_catalog()).tenants:
        cells = [cell for cell in tenant.fields.values() if isinstance(cell, str)]
        typed = [tenant.name, tenant.domain, tenant.location, tenant.program_id,
                 tenant.offer_id, tenant.plan]  # fmt: skip
        values[tenant.row.line] = (tenant.name, typed + cells)
    return values


@pytest.fixture(scope="session", autouse=True)
def _edited_plans(tmp_path_factory: pytest.TempPathFactory) -> None:
    """@@EDITED@@: the diff case's `new` folder with the samples it names (it holds only its
    edits), laid out once for the session."""
    with EDITED.joinpath("expect.toml").open("rb") as handle:
        samples = tomllib.load(handle)["samples"]
    whole = with_samples(EDITED, samples, tmp_path_factory.mktemp("edited"))
    ARGUMENTS["@@EDITED@@"] = str(whole / "new")


def _expand(arg: str) -> str:
    for placeholder, value in ARGUMENTS.items():
        arg = arg.replace(placeholder, value)
    return arg


def _option(args: list[str], option: str) -> str | None:
    """The value of `--option VALUE` in a run's args."""
    for at, arg in enumerate(args[:-1]):
        if arg == option:
            return args[at + 1]
    return None


# --- checks every run must pass --------------------------------------------------------------


def _lines_in(path: Path) -> int | None:
    """The last line a finding may name (None: unknown): CRLF, LF and a lone CR each end a
    line, and the end of the file after its final line break starts one more (where the XML
    parser reports what a truncated file lacks, as tests/cases/sp001-truncated-file expects)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    return len(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"))


def assert_sane(run: Run, command: Command, cwd: Path) -> Any:
    """Exit 0/1/2, no traceback or internal error, within the bounds; returns the JSON, if any."""
    where = run.describe()
    assert run.returncode in (0, 1, 2), where
    for stream in (run.stdout, run.stderr):
        assert "Traceback" not in stream, where
        assert "internal error" not in stream, where
    if run.returncode == 2:
        assert run.stderr.strip(), f"exit 2 without a message\n{where}"
        assert len(run.stderr.strip().splitlines()) <= 3, f"not a short message\n{where}"
    assert run.max_rss < RSS_LIMIT, f"peak RSS {run.max_rss / 2**20:.0f} MB\n{where}"
    document = None
    if command.json and run.stdout.strip():
        try:
            document = json.loads(run.stdout)
        except json.JSONDecodeError:
            pytest.fail(f"stdout is not JSON\n{where}")
    counted: dict[Path, int | None] = {}
    for finding in _findings(document):
        line, name = int(finding.get("line") or 0), finding.get("file", "")
        path = cwd / name
        if line and name and path.is_file():
            if path not in counted:
                counted[path] = _lines_in(path)
            lines = counted[path]
            assert lines is None or line <= lines, f"{finding} but the file has {lines} lines"
    return document


def _findings(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("findings"), list):
        return document["findings"]
    return []


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def check_expectations(run: Run, document: Any, expect: dict[str, Any]) -> None:
    where = run.describe()
    exits = expect["exits"] if "exits" in expect else [expect["exit"]]
    assert run.returncode in exits, f"expected exit {exits}\n{where}"
    findings = _findings(document)
    if findings or (isinstance(document, dict) and "findings" in document):
        reported = {f["rule"] for f in findings}
    else:  # no findings in JSON (fmt, compile, a command that failed): the ids are in the text
        reported = {
            rule
            for rule in [*expect.get("rules", []), *expect.get("rules_any", [])]
            if rule in run.stdout or rule in run.stderr
        }
    missing = set(expect.get("rules", [])) - reported
    assert not missing, f"rules not reported: {sorted(missing)}\n{where}"
    if expect.get("rules_any"):
        assert reported & set(expect["rules_any"]), f"none of {expect['rules_any']}\n{where}"
    if "findings" in expect:
        actual = {
            (f["rule"], f["file"].removeprefix("./"), int(f.get("line") or 0)) for f in findings
        }
        expected = {(rule, file, int(line)) for rule, file, line in expect["findings"]}
        assert actual == expected, f"findings differ: {sorted(actual)}\n{where}"
    for text in _strings(expect.get("stdout_contains")):
        assert text in run.stdout, f"stdout lacks {text!r}\n{where}"
    for text in _strings(expect.get("stderr_contains")):
        assert text in run.stderr, f"stderr lacks {text!r}\n{where}"
    for text in _strings(expect.get("output_lacks")):
        assert text not in run.stdout and text not in run.stderr, f"{text!r} printed\n{where}"
    for text in _strings(expect.get("files_lack")):
        listed = document.get("files", []) if isinstance(document, dict) else []
        assert not any(text in name for name in listed), f"{text!r} in files\n{where}"


def check_writes(outcome: Outcome, name: str, args: list[str], document: Any) -> None:
    """diff changes nothing. render changes nothing outside --out (nor in it, unless it
    applied its files), leaves no staging folder or temporary file, touches no link in --out;
    when applied, the index lists exactly the files reported, each with its bytes, and every
    PowerShell manifest holds its tenant's values only inside single-quoted literals."""
    assert outcome.before is not None and outcome.after is not None
    assert outcome.folder is not None and outcome.run is not None
    where = outcome.run.describe()
    changes = changed(outcome.before, outcome.after)
    if name == "diff":
        assert not changes, f"diff changed {changes[:20]}\n{where}"
        return
    root = Path(os.path.realpath(outcome.folder.parent))
    given = _option(args, "--out")
    assert given is not None, "a render run names its --out"
    out = Path(os.path.realpath(outcome.folder / given))
    inside = out.relative_to(root).as_posix() if out.is_relative_to(root) else None

    def within(key: str) -> bool:
        return inside is not None and (key == inside or key.startswith(f"{inside}/"))

    outside = [key for key in changes if not within(key)]
    assert not outside, f"render changed {outside[:20]} outside --out\n{where}"
    planted = {
        key
        for key, entry in outcome.before.items()
        if entry[0] == "link" or (entry[0] == "dir" and key.endswith(".tmp"))
    }  # look-alikes, not ours
    left = [key for key in leftovers(root) if key not in planted
            and not any(key.startswith(f"{other}/") for other in planted)]  # fmt: skip
    assert not left, f"left behind: {left}\n{where}"
    for key, entry in outcome.before.items():
        if entry[0] == "link" and within(key):
            assert outcome.after.get(key) == entry, f"the link {key} was touched\n{where}"
    summary = document.get("summary", {}) if isinstance(document, dict) else {}
    if not summary.get("applied"):  # a usage error, a dry run, errors without --keep-going
        swept = {key for key in outcome.before if key not in outcome.after
                 and any(part.startswith(STAGING_PREFIX) or (part.startswith(".")
                         and part.endswith(".tmp")) for part in key.split("/"))}  # fmt: skip
        unexpected = [key for key in changes if key not in swept]  # what a killed run left
        assert not unexpected, f"nothing applied, yet {unexpected[:20]} changed\n{where}"
        return
    assert document is not None
    kept = [f for f in document["files"] if f["action"] != "remove"]
    for removed in (f["path"] for f in document["files"] if f["action"] == "remove"):
        assert not os.path.lexists(out / removed), f"{removed} was to be removed\n{where}"
    earlier = {key.rsplit("/", 1)[-1] for key, entry in outcome.before.items()
               if entry[0] == "file" and key.rpartition("/")[0] == inside}  # fmt: skip
    index = check_index(out, document["index"], others=earlier)
    listed = sorted(entry["path"] for entry in index["files"])
    assert listed == sorted(f["path"] for f in kept), f"the index is not the report\n{where}"
    written = manifests(out)
    assert outcome.tenants is not None
    for entry in kept:
        if entry["path"].endswith(".ps1"):
            tenant, values = outcome.tenants[entry["line"]]
            try:
                check_powershell(written[entry["path"]], values, quoted=[tenant])
            except AssertionError as error:
                raise AssertionError(f"{entry['path']}: {error}\n{where}") from None


# --- the tests -------------------------------------------------------------------------------


def test_the_corpus_is_well_formed() -> None:
    """Every case names known commands, keys and generators, and commits nothing large."""
    folders = _case_folders()
    assert len(folders) >= 40
    for folder in folders:
        case = _load(folder)
        assert "description" in case and case.get("run"), folder.name
        assert not set(case) - CASE_KEYS, (folder.name, set(case) - CASE_KEYS)
        assert case.get("generate", "deep_nesting") in GENERATORS, folder.name
        for name, expect in case["run"].items():
            assert name in COMMANDS, (folder.name, name)
            assert not set(expect) - RUN_KEYS, (folder.name, name, set(expect) - RUN_KEYS)
            assert ("exit" in expect) != ("exits" in expect), (folder.name, name)
    for path in CASES.rglob("*"):
        assert not path.is_symlink(), f"{path}: make links at test time"
        if path.is_file():
            assert path.stat().st_size <= MAX_COMMITTED, f"{path}: generate it instead"


@pytest.mark.parametrize(("source", "name"), _params())
def test_case(
    source: Path, name: str, corpus_runs: dict[tuple[Path, str], Future[Outcome]]
) -> None:
    outcome = corpus_runs[(source, name)].result()
    if outcome.skip:
        pytest.skip(outcome.skip)
    if outcome.hang:
        pytest.fail(outcome.hang)
    assert outcome.run is not None and outcome.folder is not None
    command = COMMANDS[name]
    document = assert_sane(outcome.run, command, outcome.folder)
    expect = _load(source)["run"][name]
    check_expectations(outcome.run, document, expect)
    assert outcome.connections == 0, "the run connected to the network"
    if outcome.before is not None:
        check_writes(
            outcome, name, [_expand(str(arg)) for arg in expect.get("args", ["."])], document
        )
