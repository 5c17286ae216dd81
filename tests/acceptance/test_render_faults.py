"""`serviceplan render` killed with SIGKILL at chosen points, then run again.

3,000 tenants over the bundled remap's pairs, rendered with new-organization.ps1 (and with
--jobs 2) in a subprocess, killed (the whole process group, as a CI runner cancels a job):
after fixed delays (0.05, 0.1, 0.2, 0.4 s: start-up, compiling, rendering), at seeded random
fractions of an uninterrupted run's time, and at events seen by polling DIR: the staging
folder filling up, the first manifest renamed into DIR (mid-commit), index.json appearing.

After each kill, DIR holds no partial file: every file in it is byte-identical to the
uninterrupted run's (or, over a previous tree, to the previous or the new one), and an index,
if present, is a whole one consistent with the files. The rerun then exits 0 and leaves a tree
byte-identical to an uninterrupted run's, index.json included.

What a kill leaves behind (render's documented behaviour: everything is rendered into a
private `.serviceplan-staging-*` folder in DIR and renamed into place): the staging folder of
the killed run, full of whole and partial manifests, hidden and never listed by the index.
The rerun removes it (its lock died with the killed process) and this shard's temporary index
files (`test_a_rerun_removes_what_a_kill_left`).
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from _limits import child_env, serviceplan
from _render_checks import STAGING_PREFIX, check_index, leftovers, manifests

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL")

TENANTS = 3000
PAIRS = [
    ("Business", "SmallOrg"),
    ("Business", "MedOrg"),
    ("Business", "LargeOrg"),
    ("Hosting", "AllFeatures"),
    ("Hosting", "BusinessMapi"),
    ("Hosting", "BusinessNonMapi"),
]
TEMPLATE = "new-organization.ps1"
TIMEOUT = 120.0
POLL = 0.0005  # seconds between looks at DIR while waiting for an event


def write_inventory(path: Path, names: range, location: str = "EMEA") -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["name", "domain", "program_id", "offer_id", "location", "mailboxes"])
        for number in names:
            program, offer = PAIRS[number % len(PAIRS)]
            writer.writerow(
                [
                    f"Tenant {number:04d}",
                    f"t{number}.example",
                    program,
                    offer,
                    location,
                    number % 500,
                ]
            )
    return path


def argv(inventory: Path, out: Path, jobs: int = 1) -> list[str]:
    return serviceplan(
        "render", "--examples", "--tenants", inventory, "--template", TEMPLATE, "--out", out,
        "--jobs", str(jobs),
    )  # fmt: skip


def tree(out: Path) -> dict[str, bytes]:
    """What a reader of DIR sees: its manifests and its index (hidden entries apart)."""
    files = manifests(out)
    if (out / "index.json").is_file():
        files["index.json"] = (out / "index.json").read_bytes()
    return files


def render(inventory: Path, out: Path, jobs: int = 1) -> float:
    """An uninterrupted run; its wall time."""
    start = time.monotonic()
    run = subprocess.run(
        argv(inventory, out, jobs),
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    return time.monotonic() - start


@dataclass(frozen=True)
class Reference:
    inventory: Path
    files: dict[str, bytes]  # the uninterrupted run's tree
    seconds: float  # its wall time
    first: str  # the first manifest the commit renames into DIR (they go in sorted order)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    folder = tmp_path_factory.mktemp("render-kill-reference")
    inventory = write_inventory(folder / "tenants.csv", range(TENANTS))
    seconds = render(inventory, folder / "out")
    files = tree(folder / "out")
    assert len(files) == TENANTS + 1
    return Reference(inventory, files, seconds, min(name for name in files if name != "index.json"))


# --- killing ---------------------------------------------------------------------------------

Moment = Callable[[Path, float], bool]  # DIR, seconds since the start -> whether it has come


def after(seconds: float) -> Moment:
    return lambda out, elapsed: elapsed >= seconds


def staged(name: str) -> Moment:
    """When the staging folder holds `name` (tenants render in inventory order)."""
    folders: list[str] = []

    def trigger(out: Path, elapsed: float) -> bool:
        if not folders:
            try:
                folders.extend(entry.path for entry in os.scandir(out)
                               if entry.name.startswith(STAGING_PREFIX))  # fmt: skip
            except FileNotFoundError:
                return False
        return any(os.path.lexists(os.path.join(folder, name)) for folder in folders)  # noqa: PTH118

    return trigger


def appears(name: str) -> Moment:
    return lambda out, elapsed: os.path.lexists(out / name)


@dataclass
class Kill:
    fired: bool  # False: the run ended before the moment came
    code: int | None  # its exit status when it ended by itself


def run_and_kill(command: list[str], out: Path, moment: Moment, group: bool = True) -> Kill:
    """Start the run, SIGKILL it (its process group, or the parent only) at the moment."""
    process = subprocess.Popen(
        command,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    start = time.monotonic()
    try:
        while process.poll() is None:
            if moment(out, time.monotonic() - start):
                if group:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=TIMEOUT)
                # The workers hold the staging lock until the kernel has torn them down too;
                # a rerun before that (a loaded machine) rightly leaves their staging alone.
                _wait_for_group(process.pid)
                return Kill(True, None)
            if time.monotonic() - start > TIMEOUT:
                raise AssertionError(f"{command} still running after {TIMEOUT:.0f} s")
            time.sleep(POLL)
        return Kill(False, process.returncode)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_for_group(group: int) -> None:
    """Until every process of the killed run is gone (SIGKILLed with the group, or orphaned
    workers of a killed parent, which exit on their own)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    os.killpg(group, signal.SIGKILL)
    raise AssertionError("the workers outlived their killed parent by 30 s")


def assert_no_partial_file(out: Path, allowed: list[dict[str, bytes]]) -> str:
    """Every manifest and index in DIR is one of the allowed trees' (whole) files; the new
    index, when there, is consistent with the files beside it. What the kill left, in words."""
    if not out.exists():
        return "no DIR"
    seen = tree(out)
    for name, data in seen.items():
        assert any(files.get(name) == data for files in allowed), f"{name}: a partial file"
    for entry in os.scandir(out):  # nothing else visible: no folder, no link, no stray file
        if not entry.name.startswith("."):
            assert entry.is_file(follow_symlinks=False), entry.name
    if seen.get("index.json") == allowed[-1]["index.json"]:
        check_index(out)
    new = sum(1 for name, data in seen.items() if allowed[-1].get(name) == data)
    staged = [sum(1 for _ in Path(entry.path).iterdir()) for entry in os.scandir(out)
              if entry.name.startswith(STAGING_PREFIX)]  # fmt: skip
    return (
        f"{len(seen)} files ({new} of the new tree), new index: "
        f"{seen.get('index.json') == allowed[-1]['index.json']}, staging folders: {staged}, "
        f"temporary files: {[n for n in leftovers(out) if not n.startswith(STAGING_PREFIX)]}"
    )


# --- the tests -------------------------------------------------------------------------------

_MOMENTS: dict[str, Callable[[Reference], Moment]] = {
    "after-0.05s": lambda ref: after(0.05),
    "after-0.1s": lambda ref: after(0.1),
    "after-0.2s": lambda ref: after(0.2),
    "after-0.4s": lambda ref: after(0.4),
    **{
        f"random-{seed}": (
            lambda ref, seed=seed: after(random.Random(seed).uniform(0.6, 1.0) * ref.seconds)
        )
        for seed in (1, 2)
    },
    "staging-half-full": lambda ref: staged(f"Tenant_{TENANTS // 2:04d}.ps1"),
    "mid-commit": lambda ref: appears(ref.first),
    "index-written": lambda ref: appears("index.json"),
}
_JOBS2 = ["after-0.4s", "mid-commit", "index-written"]


@pytest.mark.parametrize(
    ("moment", "jobs"),
    [*((name, 1) for name in _MOMENTS), *((name, 2) for name in _JOBS2)],
)
def test_killed_then_rerun(moment: str, jobs: int, reference: Reference, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = argv(reference.inventory, out, jobs)
    kill = run_and_kill(command, out, _MOMENTS[moment](reference))
    assert kill.fired or kill.code == 0, f"exit {kill.code} without a kill"
    left = assert_no_partial_file(out, [reference.files])
    print(f"killed at {moment} (--jobs {jobs}, fired: {kill.fired}): {left}")
    render(reference.inventory, out, jobs)
    assert tree(out) == reference.files, "the rerun's tree is not an uninterrupted run's"
    check_index(out)
    assert leftovers(out) == [], "the rerun left what the killed run left"


def test_killed_parent_with_jobs_2_mid_commit(reference: Reference, tmp_path: Path) -> None:
    """Only the parent killed (the OOM killer picks one process): its workers, mid-commit,
    exit on their own; no partial file, and the rerun completes the tree."""
    out = tmp_path / "out"
    kill = run_and_kill(argv(reference.inventory, out, 2), out, appears(reference.first),
                        group=False)  # fmt: skip
    assert kill.fired or kill.code == 0
    left = assert_no_partial_file(out, [reference.files])
    print(f"parent killed mid-commit (--jobs 2, fired: {kill.fired}): {left}")
    render(reference.inventory, out, 2)
    assert tree(out) == reference.files
    assert leftovers(out) == []


@dataclass(frozen=True)
class Update:
    previous: Path  # DIR after the reference run
    inventory: Path  # the new inventory
    old: dict[str, bytes]
    new: dict[str, bytes]  # the tree an uninterrupted run over `previous` leaves


@pytest.fixture(scope="module")
def update(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Update:
    """The new inventory drops 500 tenants, adds 500 and moves every other to another
    location (and line): every file changes."""
    folder = tmp_path_factory.mktemp("render-kill-update")
    previous = folder / "previous"
    render(reference.inventory, previous)
    changed = write_inventory(folder / "changed.csv", range(500, TENANTS + 500), "APAC")
    expected = folder / "expected"
    shutil.copytree(previous, expected, symlinks=True)
    render(changed, expected)
    old, new = tree(previous), tree(expected)
    assert not set(old.items()) & set(new.items())  # every file changes, the index too
    return Update(previous, changed, old, new)


@pytest.mark.parametrize("moment", ["staging-half-full", "mid-commit", "index-written"])
def test_killed_over_a_previous_tree(
    moment: str, reference: Reference, update: Update, tmp_path: Path
) -> None:
    """DIR holds the previous run's tree. After the kill each file is the previous run's or
    the new one's, whole, and none that both have is missing; the rerun gives the new tree
    exactly (the 500 stale files removed)."""
    old, new, changed = update.old, update.new, update.inventory
    out = tmp_path / "out"
    shutil.copytree(update.previous, out, symlinks=True)
    moments = dict(_MOMENTS)
    for name, path in (("mid-commit", min(new)), ("index-written", "index.json")):
        inode = (out / path).stat().st_ino  # the moment it is renamed over
        moments[name] = lambda ref, path=path, inode=inode: replaced(out / path, inode)
    kill = run_and_kill(argv(changed, out), out, moments[moment](reference))
    assert kill.fired or kill.code == 0
    print(f"killed over a previous tree at {moment}: {assert_no_partial_file(out, [old, new])}")
    for name in set(old) & set(new):  # replaced by a rename: never missing
        assert (out / name).is_file(), f"{name} went missing"
    render(changed, out)
    assert tree(out) == new
    assert leftovers(out) == []


def replaced(path: Path, inode: int) -> Moment:
    def trigger(out: Path, elapsed: float) -> bool:
        try:
            return path.stat().st_ino != inode
        except FileNotFoundError:
            return False

    return trigger


def temporary(name: str) -> Moment:
    """When the temporary file `name` is written through (`.NAME.*.tmp`) is in DIR."""

    def trigger(out: Path, elapsed: float) -> bool:
        try:
            return any(entry.startswith(f".{name}.") for entry in os.listdir(out))  # noqa: PTH208
        except FileNotFoundError:
            return False

    return trigger


@pytest.mark.parametrize("left", ["staging-folder", "index-temporary-file"])
def test_a_rerun_removes_what_a_kill_left(left: str, reference: Reference, tmp_path: Path) -> None:
    out = tmp_path / "out"
    moment = staged("Tenant_0100.ps1") if left == "staging-folder" else temporary("index.json")
    kill = run_and_kill(argv(reference.inventory, out), out, moment)
    if not kill.fired:
        pytest.skip(f"the run ended before the moment ({left}) came")
    assert leftovers(out), "the kill left nothing behind"
    render(reference.inventory, out)
    assert tree(out) == reference.files
    assert leftovers(out) == [], "what the killed run left is still in DIR"
