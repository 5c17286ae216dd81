"""Faults while writing: a read-only output folder and a full disk give exit 2, one clear line
naming the path, no traceback, no temporary file left (`.NAME.*.tmp`), and the file that was
there before (an old report, the plan fmt rewrites) intact.

Every command that writes one file: `validate --report FORMAT:PATH`, `compile -o FILE`, `fmt`
(in place), `diff -o FILE`. Adding one is one line in WRITERS.

`render` writes a folder of manifests: the same faults hit a DIR holding an earlier run's
tree, with an inventory that changes every file (one tenant dropped, one added). Exit 2, one
line naming DIR, and DIR exactly as it was: every manifest, the index (consistent with them),
no staging folder, no temporary file. That holds for a full disk while index.json is written
too: the index is staged before any manifest is renamed into place.

- Read-only folder: the real CLI in a subprocess; as root the child runs without
  CAP_DAC_OVERRIDE (see _limits.py), so the folder's mode applies.
- Full disk, three ways: in-process (`serviceplan.cli.main`) with ENOSPC from the write itself
  after half the bytes went out, or from fsync; and the real CLI under RLIMIT_FSIZE, where the
  kernel fails the write past 100 bytes (EFBIG) in the middle of the file.

The hostile inputs themselves (entities, encodings, sizes, paths) are the corpus in
tests/cases/hostile, run by test_hostile_corpus.py.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from _limits import RSS_LIMIT, Run, can_drop_dac, run_limited, serviceplan
from _render_checks import Entry, changed, check_index, leftovers, snapshot
from serviceplan.cli import main

REPO = Path(__file__).resolve().parents[2]
BASE_PLAN = REPO / "tests" / "cases" / "hostile" / "_base" / "Small.serviceplan"
SAMPLES = REPO / "serviceplans"
OLD = b"the previous contents, which must survive\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes and limits")


@dataclass(frozen=True)
class Writer:
    """A command that writes one file: its argv, given the plan folder and the target."""

    argv: Callable[[Path, Path], list[str]]
    target: Callable[[Path, Path], Path]  # the file it writes (out: the folder for outputs)


def _untidy(plan: Path) -> None:
    """The plan with CRLF line ends: fmt wants to rewrite it."""
    plan.write_bytes(plan.read_bytes().replace(b"\n", b"\r\n"))


WRITERS: dict[str, Writer] = {
    "validate-report": Writer(
        lambda plans, out: [
            "validate",
            str(plans),
            "--format",
            "json",
            "--report",
            f"sarif:{out / 'report.sarif'}",
        ],
        lambda plans, out: out / "report.sarif",
    ),
    "compile-output": Writer(
        lambda plans, out: [
            "compile",
            str(plans),
            "--format",
            "json",
            "-o",
            str(out / "compiled.json"),
        ],
        lambda plans, out: out / "compiled.json",
    ),
    "fmt": Writer(
        lambda plans, out: ["fmt", str(plans)], lambda plans, out: plans / "Small.serviceplan"
    ),
    "diff-output": Writer(
        lambda plans, out: [
            "diff",
            str(SAMPLES),
            str(plans),
            "--format",
            "markdown",
            "-o",
            str(out / "diff.md"),
        ],
        lambda plans, out: out / "diff.md",
    ),
}


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A folder with one valid plan in need of formatting (CRLF)."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "Small.serviceplan").write_bytes(BASE_PLAN.read_bytes())
    _untidy(folder / "Small.serviceplan")
    return folder


def _prepare(name: str, plans: Path, out: Path) -> tuple[list[str], Path, bytes]:
    """The argv, the target file, and the bytes it holds before the run."""
    writer = WRITERS[name]
    target = writer.target(plans, out)
    if not target.exists():
        target.write_bytes(OLD)  # an old report: a failed run must not damage it
    return writer.argv(plans, out), target, target.read_bytes()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name)


def assert_clean_failure(code: int, stderr: str, target: Path, before: bytes) -> None:
    assert code == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"not one line: {stderr!r}"
    assert lines[0].startswith("serviceplan: error: "), lines
    assert str(target) in lines[0], lines  # it names the file it could not write
    assert target.read_bytes() == before, "the file that was there changed"
    assert _leftovers(target.parent) == [], "a temporary file was left behind"


# --- a read-only output folder ---------------------------------------------------------------


@pytest.fixture(scope="module")
def dac_enforced() -> bool:
    return can_drop_dac()


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_read_only_folder(name: str, plans: Path, tmp_path: Path, dac_enforced: bool) -> None:
    if not dac_enforced:
        pytest.skip("file modes are not enforced here (root, and prctl refused)")
    out = tmp_path / "out"
    out.mkdir()
    argv, target, before = _prepare(name, plans, out)
    target.parent.chmod(0o555)
    try:
        run = run_limited(serviceplan(*argv), cwd=tmp_path, drop_dac=True)
    finally:
        target.parent.chmod(0o755)
    assert_clean_failure(run.returncode, run.stderr, target, before)
    assert "Permission denied" in run.stderr or "Read-only" in run.stderr, run.stderr
    assert run.max_rss < RSS_LIMIT


# --- a full disk, in-process -----------------------------------------------------------------


def _no_space(*_: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FillingStream:
    """A file object whose write puts half the bytes on disk, then fails with ENOSPC."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data[: len(data) // 2])
        self.stream.flush()
        _no_space()
        return 0  # not reached

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def __enter__(self) -> _FillingStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.stream.close()


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """`disk_full("write")` or `disk_full("fsync")`: where ENOSPC strikes."""
    real_fdopen = os.fdopen

    def arm(where: str) -> None:
        if where == "write":
            monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FillingStream(real_fdopen(*a, **k)))
        else:
            monkeypatch.setattr(os, "fsync", _no_space)

    monkeypatch.delenv("SERVICEPLAN_TRACEBACK", raising=False)
    yield arm


@pytest.mark.parametrize("where", ["write", "fsync"])
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_full_disk_in_process(
    name: str,
    where: str,
    plans: Path,
    tmp_path: Path,
    disk_full: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    argv, target, before = _prepare(name, plans, out)
    disk_full(where)
    code = main(argv)
    stderr = capsys.readouterr().err
    assert_clean_failure(code, stderr, target, before)
    assert "No space left on device" in stderr, stderr


def test_fmt_full_disk_on_the_second_file_leaves_each_file_whole(
    plans: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Files are replaced one by one: each is its old or its new self, never a mix."""
    second = plans / "Zz.serviceplan"
    second.write_bytes((plans / "Small.serviceplan").read_bytes())
    originals = {p: p.read_bytes() for p in (plans / "Small.serviceplan", second)}
    real_fsync, calls = os.fsync, []

    def fsync_then_full(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) > 1:
            _no_space()
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync_then_full)
    code = main(["fmt", str(plans)])
    stderr = capsys.readouterr().err
    assert code == 2 and "Zz.serviceplan" in stderr and "Traceback" not in stderr, stderr
    canonical = BASE_PLAN.read_bytes()
    for path, original in originals.items():
        assert path.read_bytes() in (original, canonical), path
    assert second.read_bytes() == originals[second]
    assert _leftovers(plans) == []


# --- a full disk, for real: RLIMIT_FSIZE makes the kernel fail the write mid-file -------------


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_file_size_limit_mid_write(name: str, plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    argv, target, before = _prepare(name, plans, out)
    run: Run = run_limited(serviceplan(*argv), cwd=tmp_path, fsize=100)
    assert_clean_failure(run.returncode, run.stderr, target, before)
    assert "File too large" in run.stderr, run.stderr


# --- render: a folder of manifests -----------------------------------------------------------

RENDER_TENANTS = 10


def _inventory(path: Path, names: range, location: str) -> Path:
    rows = ["name,domain,program_id,offer_id,location"]
    rows += [f"Tenant {n},t{n}.example,Business,SmallOrg,{location}" for n in names]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Rendered:
    out: Path  # DIR, holding the first run's tree
    argv: list[str]  # the second run: every file changes, one is stale, one is new
    before: dict[str, Entry]  # DIR's snapshot after the first run


@pytest.fixture
def rendered(tmp_path: Path) -> Rendered:
    out = tmp_path / "out"
    first = _inventory(tmp_path / "first.csv", range(RENDER_TENANTS), "EMEA")
    second = _inventory(tmp_path / "second.csv", range(1, RENDER_TENANTS + 1), "APAC")
    render = ["render", "--examples", "--template", "new-organization.ps1", "--out", str(out)]
    assert main([*render, "--tenants", str(first)]) == 0
    check_index(out)
    return Rendered(out, [*render, "--tenants", str(second)], snapshot(out))


def assert_render_untouched(code: int, stderr: str, rendered: Rendered) -> None:
    """Exit 2, one line naming DIR, and DIR exactly as the first run left it."""
    out = rendered.out
    assert code == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"not one line: {stderr!r}"
    assert lines[0].startswith("serviceplan: error: "), lines
    assert os.path.realpath(out) in lines[0] or str(out) in lines[0], lines  # names DIR
    assert leftovers(out) == [], "a staging folder or temporary file was left behind"
    assert changed(rendered.before, snapshot(out)) == [], "DIR changed"
    check_index(out)


def test_render_read_only_folder(rendered: Rendered, tmp_path: Path, dac_enforced: bool) -> None:
    if not dac_enforced:
        pytest.skip("file modes are not enforced here (root, and prctl refused)")
    rendered.out.chmod(0o555)
    try:
        run = run_limited(serviceplan(*rendered.argv), cwd=tmp_path, drop_dac=True)
    finally:
        rendered.out.chmod(0o755)
    assert_render_untouched(run.returncode, run.stderr, rendered)
    assert "Permission denied" in run.stderr, run.stderr


def test_render_read_only_parent_of_a_new_folder(tmp_path: Path, dac_enforced: bool) -> None:
    if not dac_enforced:
        pytest.skip("file modes are not enforced here (root, and prctl refused)")
    parent = tmp_path / "parent"
    parent.mkdir()
    inventory = _inventory(tmp_path / "t.csv", range(3), "EMEA")
    parent.chmod(0o555)
    try:
        run = run_limited(serviceplan("render", "--examples", "--tenants", inventory, "--template",
                                      "tenant.json", "--out", parent / "out"),
                          cwd=tmp_path, drop_dac=True)  # fmt: skip
    finally:
        parent.chmod(0o755)
    assert run.returncode == 2, run.describe()
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("serviceplan: error: ") and str(parent / "out") in line, line
    assert "Permission denied" in line and list(parent.iterdir()) == [], line


class _FailingWrite:
    """os.write that writes half of the bytes, then fails with ENOSPC, from its Nth call."""

    def __init__(self, after: int) -> None:
        self.real, self.calls, self.after = os.write, 0, after

    def __call__(self, fd: int, data: Any) -> int:
        self.calls += 1
        if self.calls > self.after:
            self.real(fd, bytes(data[: len(data) // 2]))
            _no_space()
        return self.real(fd, data)


@pytest.mark.parametrize("after", [0, 5])
def test_render_full_disk_while_staging(
    after: int,
    rendered: Rendered,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """ENOSPC while a manifest is written into the staging folder (the first, the sixth)."""
    monkeypatch.delenv("SERVICEPLAN_TRACEBACK", raising=False)
    monkeypatch.setattr(os, "write", _FailingWrite(after))
    code = main(rendered.argv)
    monkeypatch.undo()
    stderr = capsys.readouterr().err
    assert_render_untouched(code, stderr, rendered)
    assert "No space left on device" in stderr, stderr


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_render_full_disk_on_the_index(
    where: str,
    rendered: Rendered,
    disk_full: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    disk_full(where)  # index.json is written through os.fdopen and fsynced; manifests are not
    code = main(rendered.argv)
    stderr = capsys.readouterr().err
    assert "index.json" in stderr and "No space left on device" in stderr, stderr
    assert_render_untouched(code, stderr, rendered)


@pytest.mark.parametrize(
    "limit",
    [
        100,  # under a manifest: the first staged file fails
        1500,
    ],  # over every manifest (about 800 bytes), under index.json (about 2 KB): the index fails
)
def test_render_file_size_limit(limit: int, rendered: Rendered, tmp_path: Path) -> None:
    sizes = {path.name: path.stat().st_size for path in rendered.out.iterdir()}
    assert max(v for k, v in sizes.items() if k != "index.json") < 1500 < sizes["index.json"]
    run = run_limited(serviceplan(*rendered.argv), cwd=tmp_path, fsize=limit)
    assert "File too large" in run.stderr, run.stderr
    assert_render_untouched(run.returncode, run.stderr, rendered)
