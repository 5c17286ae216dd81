"""Run the real CLI in a subprocess under resource limits, measuring its peak RSS and wall time.

Shared by the hostile corpus (test_hostile_corpus.py) and the fault tests (test_hostile.py).

The CLI runs as a grandchild under a small runner because a child's ru_maxrss starts at its
parent's peak RSS (vfork shares the parent's memory; exec keeps the high-water mark), so
`wait4` from pytest itself would report pytest's peak. The runner is a fresh ~10 MB
interpreter: it applies the limits (inherited by the CLI), starts the CLI, and writes the
CLI's own peak RSS and wall time (interpreter start included) to a file.

Limits, all guards rather than speed assertions: RLIMIT_AS caps the address space so a runaway
parse dies instead of swapping, RLIMIT_CPU kills a busy loop, and a wall-clock timeout kills a
process blocked on I/O (a FIFO). Optional: RLIMIT_FSIZE (a disk that fills up: writes past the
limit fail with EFBIG, SIGXFSZ ignored) and dropping CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH so
that a process running as root is refused by file modes (chmod 000, a read-only folder).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RSS_LIMIT = 200 * 1024 * 1024  # bytes: the memory bound per case
AS_LIMIT = 1 << 30  # address-space guard
# Seconds of CPU: kills a busy loop or a quadratic blow-up. A guard, not a speed assertion
# (tests never assert on time; wall time depends on what else the machine runs): the worst
# case takes about 1 s of CPU. SERVICEPLAN_HOSTILE_FIGURES=FILE writes each run's wall time.
CPU_LIMIT = 5
HANG_GUARD = 60.0  # seconds of wall time before the whole process group is killed

# Started with -I -S and importing no more than it needs: its own start is paid on every run.
_RUNNER = r"""
import os, resource, signal, sys, time
out, address_space, cpu, fsize, drop_dac = sys.argv[1:6]
def limit(which, value):
    try:
        resource.setrlimit(which, (value, value))
    except (OSError, ValueError):
        pass  # some platforms refuse a limit; the measurements still apply
limit(resource.RLIMIT_AS, int(address_space))
limit(resource.RLIMIT_CPU, int(cpu))
if fsize != "-":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # inherited: a write past it fails, EFBIG
    limit(resource.RLIMIT_FSIZE, int(fsize))
if drop_dac == "1":
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, from the bounding set
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP; exec drops them
            sys.exit(99)
start = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[6], sys.argv[6:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - start
scale = 1 if sys.platform == "darwin" else 1024
with open(out, "w") as handle:
    handle.write(f"{usage.ru_maxrss * scale} {wall} {status}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""

DROP_DAC_REFUSED = 99


@dataclass
class Run:
    argv: list[str]
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    max_rss: int  # bytes
    wall: float  # seconds

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)

    def describe(self) -> str:
        return (
            f"argv: {self.argv}\nexit {self.returncode}, peak RSS {self.max_rss / 2**20:.1f} MB, "
            f"wall {self.wall:.2f} s\nstdout: {self.stdout[:2000]!r}\n"
            f"stderr: {self.stderr[:2000]!r}"
        )


class Hang(Exception):
    """The process group outlived HANG_GUARD and was killed."""


def child_env(**extra: str) -> dict[str, str]:
    """The environment for the CLI: no traceback switch, no CI auto-format, no colour."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SERVICEPLAN_TRACEBACK", "GITHUB_ACTIONS", "FORCE_COLOR")
    }
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def run_limited(
    command: list[str],
    *,
    cwd: Path | None = None,
    fsize: int | None = None,
    drop_dac: bool = False,
    hang_guard: float = HANG_GUARD,
    env: dict[str, str] | None = None,
    stdin: Path | None = None,
) -> Run:
    """Run `command` (a full argv) under the limits; Hang when it had to be killed. Standard
    input is empty, or the file `stdin`."""
    drop = drop_dac and os.geteuid() == 0  # others are refused by file modes anyway
    options = [str(AS_LIMIT), str(CPU_LIMIT), "-" if fsize is None else str(fsize), str(int(drop))]
    with tempfile.TemporaryDirectory() as scratch, open(stdin or os.devnull, "rb") as source:
        measured = Path(scratch, "measured")
        runner = [sys.executable, "-I", "-S", "-c", _RUNNER, str(measured), *options, *command]
        process = subprocess.Popen(
            runner,
            cwd=cwd,
            env=env if env is not None else child_env(),
            stdin=source,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so a hang can be killed with the CLI under the runner
        )
        try:
            stdout, stderr = process.communicate(timeout=hang_guard)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise Hang(f"{command!r} hung (killed after {hang_guard:.0f} s)") from None
        if process.returncode == DROP_DAC_REFUSED and not measured.exists():
            raise PermissionError("cannot drop CAP_DAC_OVERRIDE (prctl refused)")
        text = stderr.decode("utf-8", errors="replace")
        assert measured.exists(), f"the runner failed: {text}"
        rss, wall, status = measured.read_text().split()
        return Run(
            command,
            os.waitstatus_to_exitcode(int(status)),
            stdout.decode("utf-8", errors="replace"),
            text,
            int(rss),
            float(wall),
        )


def serviceplan(*args: str | Path) -> list[str]:
    """The argv that runs the CLI as installed for this interpreter."""
    return [sys.executable, "-m", "serviceplan", *map(str, args)]


def can_drop_dac() -> bool:
    """Whether file modes can be enforced on a child: not root, or root able to drop caps."""
    if not hasattr(os, "geteuid"):
        return False
    if os.geteuid() != 0:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        probe = run_limited([sys.executable, "-c", "pass"], drop_dac=True, hang_guard=30)
    except PermissionError:
        return False
    return probe.returncode == 0
