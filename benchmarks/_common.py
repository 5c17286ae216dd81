"""Shared helpers for the benchmarks: core pinning, timing, environment facts and the table.

Nothing here imports serviceplan, so every benchmark (validate, compile, diff, render) can use
it before deciding what to import and time.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the table (or the JSON)."""
    print(message, file=sys.stderr, flush=True)


def pin_to_one_core() -> int | None:
    """Pin this process to the first CPU it may run on; the CPU, or None when not possible."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    except (OSError, ValueError):
        return None
    return cpu


def pinned(cpu: int | None) -> Callable[[], None] | None:
    """A `preexec_fn` that pins a child process to `cpu` (None when there is nothing to pin)."""
    if cpu is None:
        return None

    def pin() -> None:
        os.sched_setaffinity(0, {cpu})

    return pin


def best_of(action: Callable[[], object], repeat: int = 3, warmup: int = 1) -> float:
    """The shortest wall time, in seconds, of `repeat` runs of `action` after `warmup` runs."""
    for _ in range(warmup):
        action()
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def run_quiet(command: Sequence[str], cpu: int | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a command with its output captured; raise when it fails."""
    return subprocess.run(list(command), capture_output=True, check=True, preexec_fn=pinned(cpu))


def median_wall(command: Sequence[str], runs: int = 15, cpu: int | None = None) -> float:
    """The median wall time, in seconds, of `runs` runs of a command (after one warm-up)."""
    run_quiet(command, cpu)
    times = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        run_quiet(command, cpu)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "cpu model"):
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def environment(cpu: int | None) -> dict[str, str]:
    """CPU, pinning and interpreter facts worth printing above any benchmark table."""
    facts = {
        "cpu": cpu_model(),
        "pinned": f"CPU {cpu}" if cpu is not None else "no (sched_setaffinity unavailable)",
        "cpus": str(os.cpu_count() or "?"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(terse=True),
    }
    try:
        from lxml import etree

        facts["lxml"] = ".".join(map(str, etree.LXML_VERSION))
        facts["libxml2"] = ".".join(map(str, etree.LIBXML_VERSION))
    except ImportError:
        pass
    return facts


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


@dataclass
class Row:
    """One measured line of a benchmark table."""

    name: str
    files: int | None = None
    seconds: float | None = None
    files_per_s: float | None = None
    _: KW_ONLY
    ratio: str = ""  # as printed, e.g. "ours/xmllint 0.62"
    ratio_value: float | None = None  # the same ratio as a number, for --json
    target: str = ""  # e.g. ">= 2000 files/s"
    passed: bool | None = None  # None: no target, or not measured
    note: str = ""

    @property
    def result(self) -> str:
        return {True: "PASS", False: "FAIL", None: "-" if not self.target else "n/a"}[self.passed]


def _cell(value: float | int | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(rows: Sequence[Row]) -> str:
    header = ("name", "files", "seconds", "files/s", "ratio", "target", "result")
    cells = [header] + [
        (
            row.name,
            _cell(row.files, "d"),
            _cell(row.seconds, ".4f"),
            _cell(row.files_per_s, ",.0f"),
            row.ratio,
            row.target,
            row.result,
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    right = {1, 2, 3}
    out = []
    for number, line in enumerate(cells):
        out.append(
            "  ".join(
                text.rjust(width) if i in right else text.ljust(width)
                for i, (text, width) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    notes = [f"  {row.name}: {row.note}" for row in rows if row.note]
    return "\n".join(out + (["", "notes:", *notes] if notes else []))


def to_json(benchmark: str, facts: dict[str, str], rows: Sequence[Row], **more: Any) -> str:
    document = {
        "benchmark": benchmark,
        "environment": facts,
        "rows": [{**asdict(row), "result": row.result} for row in rows],
        "passed": all(row.passed is not False for row in rows),
        **more,
    }
    return json.dumps(document, indent=2)


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"benchmark: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def report(
    benchmark: str,
    facts: dict[str, str],
    rows: Sequence[Row],
    *,
    as_json: bool,
    check: bool,
    footer: str = "",
    **more: Any,
) -> int:
    """Print the figures (a table, or JSON) and give the exit code: 1 with --check when a
    target is missed."""
    if as_json:
        print(to_json(benchmark, facts, rows, **more))
    else:
        for key, value in facts.items():
            print(f"{key + ':':10} {value}")
        print()
        print(format_table(rows))
        if footer:
            print(f"\n{footer}")
    missed = [row.name for row in rows if row.passed is False]
    if missed and not as_json:
        print(f"\nmissed targets: {', '.join(missed)}")
    return 1 if check and missed else 0


# --------------------------------------------------------------------------- whole commands

# A wheel installed by pip has its bytecode compiled at install time; an environment that sets
# PYTHONDONTWRITEBYTECODE (some containers do) would otherwise make every timed run compile the
# package from source (~0.1 s), a cost no installed user pays. The warm-up run writes it.
INSTALLED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# Runs the CLI in this interpreter, its output to the caller's file descriptors, then prints
# the exit code and peak RSS (KiB) as the last line of standard error.
_PROBE = """
import json, resource, sys
from serviceplan.cli import main
code = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "rss_kib": peak}), file=sys.stderr)
"""


@dataclass(frozen=True)
class CliRun:
    """The best wall time of a command (start-up included) and its largest peak RSS."""

    seconds: float
    rss_kib: int
    code: int


def cli_run(
    args: Sequence[str], *, runs: int = 3, cpu: int | None = None, codes: Sequence[int] = (0,)
) -> CliRun:
    """Run `serviceplan ARGS` in fresh processes (standard output to /dev/null) after one
    warm-up; the best wall time (as `best_of`: the least disturbed by other load on a shared
    machine) and the largest peak RSS."""
    command = [sys.executable, "-c", _PROBE, *args]
    times, peaks, code = [], [], 0
    for attempt in range(max(1, runs) + 1):
        start = time.perf_counter()
        done = subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
            preexec_fn=pinned(cpu),
            env=INSTALLED_ENV,
        )
        seconds = time.perf_counter() - start
        try:
            probe = json.loads(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1])
        except (IndexError, ValueError):
            fail(f"serviceplan {' '.join(args)} failed:\n{done.stderr.decode()[-2000:]}")
        code = probe["code"]
        if code not in codes:
            fail(f"serviceplan {' '.join(args)} exited {code}:\n{done.stderr.decode()[-2000:]}")
        if attempt:  # the first run warms the page cache
            times.append(seconds)
            peaks.append(int(probe["rss_kib"]))
    return CliRun(min(times), max(peaks), code)


def startup(*, runs: int = 5, cpu: int | None = None) -> CliRun:
    """`serviceplan --version` the same way: the start-up the whole-command figures subtract."""
    return cli_run(["--version"], runs=runs, cpu=cpu)
