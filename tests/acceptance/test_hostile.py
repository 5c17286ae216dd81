"""Hostile inputs through the real CLI: refused with a finding, never a traceback, hang or leak.

Every case runs `python -m serviceplan validate PATH --format json` in a subprocess. The
timeout of each run is a hang guard, not a speed assertion. The CLI's own peak RSS (from
`os.wait4` in a small runner process) must stay under 200 MB, and its address space is capped
at 1 GB so a runaway parse dies instead of swapping.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SMALL_BUSINESS = REPO / "serviceplans" / "SmallBusiness.serviceplan"
HANG_GUARD = 120.0  # seconds; only there so a hang fails the test instead of the whole run
RSS_LIMIT = 200 * 1024 * 1024
AS_LIMIT = 1 << 30
FEATURE = b"<AddressListsEnabled>true</AddressListsEnabled>"

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="uses os.wait4, RLIMIT_AS and symlinks"
)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    max_rss: int  # bytes

    @property
    def report(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    @property
    def findings(self) -> list[dict[str, Any]]:
        findings: list[dict[str, Any]] = self.report["findings"]
        return findings

    @property
    def rules(self) -> set[str]:
        return {finding["rule"] for finding in self.findings}


# The CLI runs as a grandchild under this small runner because a child's ru_maxrss starts at its
# parent's peak RSS (vfork shares the parent's memory; exec keeps the high-water mark), so wait4
# from pytest itself would report pytest's peak. The runner is a fresh ~10 MB interpreter: it
# caps the address space (inherited by the CLI) and writes the CLI's own peak RSS to a file.
_RUNNER = """
import os, resource, subprocess, sys
try:
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
except (OSError, ValueError):
    pass  # some platforms refuse RLIMIT_AS; the RSS check still applies
process = subprocess.Popen(sys.argv[3:])
_, status, usage = os.wait4(process.pid, 0)
process.returncode = os.waitstatus_to_exitcode(status)
scale = 1 if sys.platform == "darwin" else 1024
with open(sys.argv[1], "w") as handle:
    handle.write(str(usage.ru_maxrss * scale))
sys.exit(process.returncode)
"""


def run_cli(*args: str | Path) -> Run:
    """Run `python -m serviceplan validate ARGS` and return its exit code, output and peak RSS."""
    command = [sys.executable, "-m", "serviceplan", "validate", *map(str, args)]
    with tempfile.TemporaryDirectory() as scratch:
        rss_file = Path(scratch, "rss")
        runner = [sys.executable, "-c", _RUNNER, str(rss_file), str(AS_LIMIT), *command]
        process = subprocess.Popen(
            runner, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,  # so a hang can be killed with the CLI under the runner
        )
        try:
            stdout, stderr = process.communicate(timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"serviceplan hung on {args!r} (killed after {HANG_GUARD:.0f} s)")
        assert rss_file.exists(), stderr.decode("utf-8", errors="replace")
        return Run(
            process.returncode,
            stdout.decode("utf-8", errors="replace"),
            stderr.decode("utf-8", errors="replace"),
            int(rss_file.read_text()),
        )


def assert_sane(run: Run) -> None:
    """Whatever the input: no traceback, no internal error, memory bounded."""
    assert "Traceback" not in run.stderr, run.stderr
    assert "Traceback" not in run.stdout
    assert "internal error" not in run.stderr, run.stderr
    assert run.max_rss < RSS_LIMIT, f"peak RSS {run.max_rss / 2**20:.0f} MB"


def assert_refused(run: Run, *rules: str) -> dict[str, Any]:
    """Exit 1 with a finding of one of `rules`; returns that finding."""
    assert_sane(run)
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    matching = [f for f in run.findings if f["rule"] in rules]
    assert matching, f"expected one of {rules}, got {run.rules}: {run.stdout}"
    return matching[0]


def plan_bytes() -> bytes:
    return SMALL_BUSINESS.read_bytes()


def with_value(value: bytes, prolog: bytes = b"") -> bytes:
    """The valid plan with one feature's value replaced, and an optional DOCTYPE prolog."""
    data = plan_bytes()
    assert FEATURE in data
    data = data.replace(FEATURE, b"<AddressListsEnabled>" + value + b"</AddressListsEnabled>")
    if prolog:
        declaration_end = data.index(b"?>") + 2
        data = data[:declaration_end] + b"\n" + prolog + data[declaration_end:]
    return data


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- DOCTYPE and entities ------------------------------------------------------------------


def test_billion_laughs_is_doctype_forbidden(tmp_path: Path) -> None:
    entities = [b'<!ENTITY lol0 "lol">']
    for level in range(1, 11):
        refs = b"".join(b"&lol%d;" % (level - 1) for _ in range(10))
        entities.append(b'<!ENTITY lol%d "%s">' % (level, refs))
    prolog = b"<!DOCTYPE Configuration [\n" + b"\n".join(entities) + b"\n]>"
    path = write(tmp_path, "Laughs.serviceplan", with_value(b"&lol10;", prolog))
    run = run_cli(path, "--format", "json")
    finding = assert_refused(run, "SP002")
    assert finding["line"] == 2
    assert "lollol" not in run.stdout


def test_external_entity_to_local_file_is_refused_and_not_leaked(tmp_path: Path) -> None:
    secret = "TOP-SECRET-7f3a9c"
    secret_file = write(tmp_path, "secret.txt", secret.encode())
    prolog = b'<!DOCTYPE Configuration [<!ENTITY x SYSTEM "%s">]>' % secret_file.as_uri().encode()
    path = write(tmp_path, "Xxe.serviceplan", with_value(b"&x;", prolog))
    run = run_cli(path, "--format", "json")
    assert_refused(run, "SP002")
    assert secret not in run.stdout
    assert secret not in run.stderr


class Listener:
    """A TCP listener on an ephemeral loopback port that records every connection."""

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


@pytest.fixture
def listener() -> Any:
    server = Listener()
    yield server
    server.close()


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE Configuration SYSTEM "http://127.0.0.1:{port}/x.dtd">',
        b'<!DOCTYPE Configuration [<!ENTITY % ext SYSTEM "http://127.0.0.1:{port}/x.dtd"> %ext;]>',
        b'<!DOCTYPE Configuration [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x.xml">]>',
    ],
    ids=["external-dtd", "external-parameter-entity", "external-general-entity"],
)
def test_external_dtd_is_refused_without_network(
    tmp_path: Path, listener: Listener, prolog: bytes
) -> None:
    prolog = prolog.replace(b"{port}", str(listener.port).encode())
    value = b"&x;" if b"ENTITY x" in prolog else b"true"
    path = write(tmp_path, "Remote.serviceplan", with_value(value, prolog))
    run = run_cli(path, "--format", "json")
    assert_refused(run, "SP002")
    time.sleep(0.2)  # a connection attempt, had there been one, has reached accept()
    assert listener.connections == 0


def test_doctype_in_a_comment_is_not_a_false_positive(tmp_path: Path) -> None:
    data = plan_bytes().replace(b"<Configuration ", b"<!-- <!DOCTYPE x> -->\n<Configuration ", 1)
    path = write(tmp_path, "SmallBusiness.serviceplan", data)
    run = run_cli(path, "--format", "json")
    assert_sane(run)
    assert run.returncode == 0, run.stdout
    assert run.findings == []


def test_doctype_in_a_comment_does_not_hide_a_syntax_error(tmp_path: Path) -> None:
    """The comment must not turn an ordinary syntax error into SP002 either."""
    data = plan_bytes().replace(b"<Configuration ", b"<!-- <!DOCTYPE x> -->\n<Configuration ", 1)
    data = data.replace(b"</Organization>", b"</Organisation>")
    path = write(tmp_path, "SmallBusiness.serviceplan", data)
    run = run_cli(path, "--format", "json")
    assert_refused(run, "SP001")
    assert "SP002" not in run.rules


# --- XInclude, nesting, size ---------------------------------------------------------------


def test_xinclude_is_not_expanded(tmp_path: Path) -> None:
    include = (
        b'<xi:include href="/etc/passwd" parse="text" '
        b'xmlns:xi="http://www.w3.org/2001/XInclude"/>'
    )
    data = plan_bytes().replace(b"<Organization>", b"<Organization>\n    " + include, 1)
    path = write(tmp_path, "Include.serviceplan", data)
    run = run_cli(path, "--format", "json")
    assert_refused(run, "SP101", "SP100")
    assert "root:" not in run.stdout
    assert "root:" not in run.stderr


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    depth = 10_000
    value = b"<a>" * depth + b"true" + b"</a>" * depth
    path = write(tmp_path, "Deep.serviceplan", with_value(value))
    run = run_cli(path, "--format", "json")
    finding = assert_refused(run, "SP001", "SP108")
    assert finding["line"] > 0


def huge_text_plan(size: int) -> bytes:
    head, tail = with_value(b"@").split(b"@")
    return head + b"A" * (size - len(head) - len(tail)) + tail


def test_huge_file_over_default_cap_is_file_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "Huge.serviceplan", huge_text_plan(20 * 1024 * 1024))
    run = run_cli(path, "--format", "json")
    finding = assert_refused(run, "SP003")
    assert "cap" in finding["message"]


def test_sparse_multi_gigabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """Reading this whole would break the 1 GB address-space cap and the 200 MB RSS check."""
    path = tmp_path / "Sparse.serviceplan"
    with path.open("wb") as handle:
        handle.write(plan_bytes())
        handle.truncate(2 * 1024**3)
    run = run_cli(path, "--format", "json")
    assert_refused(run, "SP003")
    assert [f["rule"] for f in run.findings] == ["SP003"]


def test_huge_text_node_under_a_raised_cap_is_refused_clearly(tmp_path: Path) -> None:
    path = write(tmp_path, "Huge.serviceplan", huge_text_plan(20 * 1024 * 1024))
    run = run_cli(path, "--format", "json", "--max-file-size", "64MB")
    finding = assert_refused(run, "SP001", "SP107", "SP100")
    if finding["rule"] == "SP001":  # libxml2's 10,000,000-byte text limit (huge_tree off)
        text = (finding["message"] + " " + finding["hint"]).lower()
        assert "huge" in text or "too long" in text or "text node" in text, finding
        assert finding["line"] > 0
    assert len(run.stdout) < 100_000  # the 20 MB value is not echoed back


# --- Encodings -----------------------------------------------------------------------------


def test_invalid_utf8_in_a_value(tmp_path: Path) -> None:
    path = write(tmp_path, "BadUtf8.serviceplan", with_value(b"tr\xc3\x28ue\xff"))
    run = run_cli(path, "--format", "json")
    finding = assert_refused(run, "SP004")
    line = plan_bytes()[: plan_bytes().index(FEATURE)].count(b"\n") + 1
    assert finding["line"] == line


def test_utf16_without_bom_is_bad_encoding(tmp_path: Path) -> None:
    text = plan_bytes().decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"')
    path = write(tmp_path, "Utf16.serviceplan", text.encode("utf-16-le"))
    run = run_cli(path, "--format", "json")
    assert_refused(run, "SP004")


@pytest.mark.parametrize(
    ("bom", "codec", "declared"),
    [
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
        (b"\xff\xfe", "utf-16-le", "utf-8"),
        (b"\xef\xbb\xbf", "utf-8", "utf-8"),
        (b"", "utf-8", "utf-8"),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf16le-bom-declared-utf8", "utf8-bom", "utf8"],
)
def test_accepted_encodings_with_crlf_are_clean(
    tmp_path: Path, bom: bytes, codec: str, declared: str
) -> None:
    text = plan_bytes().decode("utf-8").replace('encoding="utf-8"', f'encoding="{declared}"')
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    path = write(tmp_path, "SmallBusiness.serviceplan", bom + text.encode(codec))
    run = run_cli(path, "--format", "json")
    assert_sane(run)
    assert run.returncode == 0, run.stdout
    assert run.findings == []


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "Nul.serviceplan", with_value(b"tr\x00ue"))
    run = run_cli(path, "--format", "json")
    finding = assert_refused(run, "SP001", "SP004")
    assert finding["line"] > 0


# --- The remap -----------------------------------------------------------------------------


def plan_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    write(folder, "SmallBusiness.serviceplan", plan_bytes())
    return folder


def test_remap_with_invalid_utf8_is_bad_encoding(tmp_path: Path) -> None:
    folder = plan_folder(tmp_path)
    write(folder, "ServicePlanHostingRemap.csv", b"Business,SmallOrg,Small\xc3\x28Business\r\n")
    run = run_cli(folder, "--format", "json")
    finding = assert_refused(run, "SP004")
    assert finding["file"].endswith("ServicePlanHostingRemap.csv")
    assert finding["line"] == 1


def test_remap_over_the_cap_is_file_too_large(tmp_path: Path) -> None:
    folder = plan_folder(tmp_path)
    line = b"# " + b"x" * 98 + b"\n"
    data = b"Business,SmallOrg,SmallBusiness\n" + line * 12_000  # 1.2 MB, cap is 1 MB
    write(folder, "ServicePlanHostingRemap.csv", data)
    run = run_cli(folder, "--format", "json")
    finding = assert_refused(run, "SP003")
    assert finding["file"].endswith("ServicePlanHostingRemap.csv")


# --- Paths ---------------------------------------------------------------------------------


def test_symlink_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    folder = plan_folder(tmp_path)
    outside = write(tmp_path, "Outside.serviceplan", b"<Configuration><Unclosed></Configuration>")
    (folder / "Linked.serviceplan").symlink_to(outside)
    (folder / "linked-dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "elsewhere", "Elsewhere.serviceplan", b"<Configuration><Broken")
    run = run_cli(folder, "--format", "json")
    assert_sane(run)
    assert run.returncode == 0, run.stdout
    assert run.findings == []
    assert not any("Linked" in f or "Elsewhere" in f for f in run.report["files"])


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli(tmp_path / "nope.serviceplan", "--format", "json")
    assert "Traceback" not in run.stderr
    assert run.returncode == 2
    assert "no such file" in run.stderr.lower()


def test_folder_without_plans_is_clean_with_zero_files(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    write(folder, "README.txt", b"not a plan")
    run = run_cli(folder, "--format", "json")
    assert_sane(run)
    assert run.returncode == 0
    assert run.report["summary"]["files"] == 0
    assert "0 files" in run.report["summary"]["text"]
