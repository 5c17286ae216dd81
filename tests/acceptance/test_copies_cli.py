"""`serviceplan digest` and `serviceplan verify-copies` through the real CLI, in a subprocess."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from _cli import run_cli

TIMEOUT = 60
SMALL = "SmallBusiness.serviceplan"
MEDIUM = "MediumBusiness.serviceplan"
LARGE = "LargeBusiness.serviceplan"
REMAP = "ServicePlanHostingRemap.csv"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, timeout=TIMEOUT, encoding="utf-8")


@pytest.fixture
def servers(tmp_path: Path) -> Path:
    """reference/, server1/ and server2/: three identical copies of the bundled samples."""
    samples = Path(str(resources.files("serviceplan.serviceplans")))
    for name in ("reference", "server1", "server2"):
        shutil.copytree(
            samples, tmp_path / name, ignore=shutil.ignore_patterns("*.py", "__pycache__")
        )
    return tmp_path


def test_digest_prints_sha256sum_lines_and_the_set(servers: Path) -> None:
    result = _run("digest", "reference", cwd=servers)
    assert result.returncode == 0, result.stderr
    *lines, last = result.stdout.splitlines()
    assert len(lines) == 7
    small = hashlib.sha256((servers / "reference" / SMALL).read_bytes()).hexdigest()
    assert f"{small}  {SMALL}" in lines
    assert [line.split("  ", 1)[1] for line in lines] == sorted(
        line.split("  ", 1)[1] for line in lines
    )
    body = "".join(f"{line}\n" for line in lines).encode()
    assert last == f"# set  {hashlib.sha256(body).hexdigest()}"


def test_digest_output_passes_sha256sum_check_strict(servers: Path) -> None:
    """The set digest is a comment line, which coreutils skips: no 'improperly formatted'."""
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (GNU coreutils) is not installed")
    odd = servers / "reference" / "back\\slash\nnew line.serviceplan"
    odd.write_bytes(b"<a/>")
    sums = servers / "SHA256SUMS"
    sums.write_text(_run("digest", "reference", cwd=servers).stdout, encoding="utf-8")
    check = subprocess.run(
        ["sha256sum", "-c", "--strict", "--warn", str(sums)],
        cwd=servers / "reference",
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stderr == ""
    assert check.stdout.count(": OK\n") == 8


def test_digest_json_and_equal_sets_for_identical_copies(servers: Path) -> None:
    first = json.loads(_run("digest", "reference", "--format", "json", cwd=servers).stdout)
    second = json.loads(_run("digest", "server1", "-f", "json", cwd=servers).stdout)
    assert first == second
    assert {
        "path": REMAP,
        "sha256": hashlib.sha256((servers / "server1" / REMAP).read_bytes()).hexdigest(),
    } in first["files"]
    (servers / "server1" / SMALL).write_bytes((servers / "server1" / SMALL).read_bytes() + b" ")
    third = json.loads(_run("digest", "server1", "-f", "json", cwd=servers).stdout)
    assert third["set"] != first["set"]


def test_digest_of_a_missing_path_exits_2(servers: Path) -> None:
    result = _run("digest", "nowhere", cwd=servers)
    assert result.returncode == 2
    assert "nowhere: no such file or folder" in result.stderr


def test_identical_copies_exit_0(servers: Path) -> None:
    result = _run("verify-copies", "reference", "server1", "server2", cwd=servers)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "server1/: in sync (7 files)" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == (
        "2 copies checked: 2 in sync, 0 drifted (0 differences)"
    )


def test_drift_is_reported_per_copy_and_exits_1(servers: Path) -> None:
    server2 = servers / "server2"
    text = (server2 / SMALL).read_text(encoding="utf-8")
    (server2 / SMALL).write_text(
        text.replace("<MailboxCountQuota>250<", "<MailboxCountQuota>300<"), encoding="utf-8"
    )
    (server2 / MEDIUM).write_bytes((server2 / MEDIUM).read_bytes().replace(b"\n", b"\r\n"))
    (server2 / LARGE).unlink()
    shutil.copy(server2 / SMALL, server2 / "Old.serviceplan")
    with (server2 / REMAP).open("a", encoding="utf-8") as stream:
        stream.write("Business,NewOrg,MediumBusiness\n")
    result = _run("verify-copies", "reference", "server1", "server2", cwd=servers)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "server1/: in sync (7 files)" in lines
    assert (
        "server2/: SmallBusiness.serviceplan differs: settings: "
        "Organization MailboxCountQuota: 250 → 300"
    ) in lines
    assert "server2/: MediumBusiness.serviceplan differs: textual only (line ends)" in lines
    assert f"server2/: missing {LARGE}" in lines
    assert "server2/: extra Old.serviceplan" in lines
    assert any(
        line.startswith(f"server2/: {REMAP} differs: rows: added Business,NewOrg,MediumBusiness")
        for line in lines
    )
    assert lines[-1] == "2 copies checked: 1 in sync, 1 drifted (5 differences)"
    names = [_file_of(line) for line in lines if line.startswith("server2/")]
    assert names == sorted(names) == [LARGE, MEDIUM, "Old.serviceplan", REMAP, SMALL]


def _file_of(line: str) -> str:
    words = line.removeprefix("server2/: ").split(" ")
    return words[1] if words[0] in ("missing", "extra") else words[0]


def test_textual_only_difference_still_exits_1(servers: Path) -> None:
    plan = servers / "server1" / SMALL
    plan.write_bytes(plan.read_bytes().replace(b"\n", b"\r\n"))
    result = _run("verify-copies", "reference", "server1", cwd=servers)
    assert result.returncode == 1
    assert f"server1/: {SMALL} differs: textual only (line ends)" in result.stdout


def test_verify_copies_json(servers: Path) -> None:
    (servers / "server2" / SMALL).unlink()
    result = _run("verify-copies", "reference", "server1", "server2", "-f", "json", cwd=servers)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["summary"] == {
        "copies": 2,
        "in_sync": 1,
        "drifted": 1,
        "unchecked": 0,
        "differences": 1,
    }
    server1, server2 = document["copies"]
    assert server1["in_sync"] is True
    assert server1["set"] == document["reference"]["set"]
    assert [(d["path"], d["kind"]) for d in server2["differences"]] == [(SMALL, "missing")]


def test_a_missing_copy_folder_is_reported_and_the_others_checked(servers: Path) -> None:
    (servers / "server2" / SMALL).unlink()
    args = ("verify-copies", "reference", "server9", "server1", "server2")
    result = _run(*args, cwd=servers)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "server9/: cannot be checked: no such folder",
        "server1/: in sync (7 files)",
        f"server2/: missing {SMALL}",
        "3 copies checked: 1 in sync, 1 drifted (1 difference), 1 could not be checked",
    ]
    document = json.loads(_run(*args, "-f", "json", cwd=servers).stdout)
    server9 = document["copies"][0]
    assert (server9["folder"], server9["in_sync"], server9["error"]) == (
        "server9",
        False,
        "no such folder",
    )
    assert document["summary"]["unchecked"] == 1


def test_a_missing_reference_folder_exits_2(servers: Path) -> None:
    result = _run("verify-copies", "reference9", "server1", cwd=servers)
    assert result.returncode == 2
    assert "reference9: no such folder" in result.stderr
    assert result.stdout == ""


def test_no_folder_given_exits_2(servers: Path) -> None:
    result = _run("verify-copies", "reference", cwd=servers)
    assert result.returncode == 2
    assert "Missing argument 'COPY_DIR...'" in result.stderr
    empty = servers / "empty"
    empty.mkdir()
    result = _run("digest", "empty", cwd=servers)
    assert result.returncode == 2
    assert "empty: no *.serviceplan files and no ServicePlanHostingRemap.csv" in result.stderr


def test_digest_without_path_digests_the_working_directory(servers: Path) -> None:
    named = _run("digest", "reference", cwd=servers)
    here = _run("digest", cwd=servers / "reference")
    assert here.returncode == 0, here.stderr
    assert here.stdout == named.stdout
    (servers / "empty").mkdir()
    nothing = _run("digest", cwd=servers / "empty")
    assert nothing.returncode == 2
    assert "no PATH given" in nothing.stderr and "--examples" in nothing.stderr
