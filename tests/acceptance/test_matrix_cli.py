"""`serviceplan matrix` as a user runs it: the Contoso comparison, exit codes, -o, the README's
generated table, and the terminal: fitted to its width, else through the pager (a pty)."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "serviceplans"
Run = Callable[..., CompletedProcess[str]]


def test_the_contoso_comparison(run_cli: Run) -> None:
    result = run_cli("matrix", "--examples", "--different", encoding="utf-8")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == [
        "Organization",
        "SmallBusiness",
        "MediumBusiness",
        "LargeBusiness",
    ]
    quota = next(line for line in lines if line.strip().startswith("MailboxCountQuota"))
    assert quota.split()[1:4] == ["250", "1,000", "5,000"]
    premium = [line for line in lines if line.startswith("Mailbox plans")]
    assert premium and "Premium*" in "".join(
        lines[lines.index(premium[0]) : lines.index(premium[0]) + 3]
    )
    size = next(line for line in lines if line.strip().startswith("ProhibitSendReceiveMaiboxQuota"))
    archive = next(line for line in lines if line.strip().startswith("ArchiveQuota"))
    premium_column = 4  # Small/Standard, Medium/Standard, Large/Standard, Large/Premium
    assert re.split(r"\s{2,}", size.strip())[premium_column] == "10 GB"
    assert re.split(r"\s{2,}", archive.strip())[premium_column] == "1 GB"


def test_output_file_and_formats(run_cli: Run, tmp_path: Path) -> None:
    for name in ("text", "markdown", "csv", "json", "html"):
        target = tmp_path / "out" / f"m.{name}"
        result = run_cli("matrix", str(SAMPLES), "--format", name, "-o", str(target))
        assert (result.returncode, result.stdout) == (0, ""), result.stderr
        assert target.read_text("utf-8").endswith("\n")


def test_an_unknown_plan_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("matrix", str(SAMPLES), "--plan", "MediumBusines")
    assert result.returncode == 2
    assert "no plan named MediumBusines: did you mean MediumBusiness?" in result.stderr
    assert result.stdout == ""


def test_a_plan_with_an_error_is_left_out_exit_1(run_cli: Run, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(SAMPLES, plans, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    small = plans / "SmallBusiness.serviceplan"
    small.write_text(
        small.read_text("utf-8").replace("<MailTipsEnabled>true", "<MailTipsEnabled>maybe"), "utf-8"
    )
    result = run_cli("matrix", str(plans), "--scope", "organization", encoding="utf-8")
    assert result.returncode == 1
    assert "SP107" in result.stderr
    assert "SmallBusiness" not in result.stdout.splitlines()[0]
    assert re.search(r"left out: SmallBusiness \([0-9]+ errors? in its file\)", result.stdout)
    # asking only for other plans: the broken one is not this run's business
    other = run_cli("matrix", str(plans), "--plan", "LargeBusiness", encoding="utf-8")
    assert (other.returncode, other.stderr) == (0, "")


def test_readme_shows_the_current_contoso_matrix(run_cli: Run) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    found = re.search(
        r"<!-- matrix: serviceplan (.+?) -->\n(.*?)<!-- end of matrix -->", readme, re.S
    )
    assert found is not None, "the README's generated matrix and its command"
    result = run_cli(*found.group(1).split(), cwd=ROOT, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert found.group(2) == result.stdout, "README out of date: paste the command's output"
    assert "| MailboxCountQuota | 250 | 1,000 | 5,000 |" in found.group(2)


def _on_a_terminal(args: list[str], columns: int, pager_log: Path) -> str:
    """Run the CLI with a pty for stdin/stdout, COLUMNS set, and PAGER copying to a file."""
    env = {
        **os.environ,
        "COLUMNS": str(columns),
        "LINES": "40",
        "PAGER": f"{shutil.which('tee')} {pager_log}",
        "NO_COLOR": "1",
    }
    env.pop("LESS", None)
    leader, follower = pty.openpty()
    errors = pager_log.with_name("stderr.txt")
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "serviceplan", *args],
            stdin=follower,
            stdout=follower,
            stderr=stderr,
            env=env,
            cwd=ROOT,
        )
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("no output from the CLI on the terminal")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, errors.read_text("utf-8")
    return shown.decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(shutil.which("tee") is None, reason="needs tee as a stand-in pager")
def test_a_wide_terminal_gets_the_table_fitted_and_no_pager(tmp_path: Path) -> None:
    log = tmp_path / "pager.txt"
    shown = _on_a_terminal(["matrix", "--examples", "--scope", "organization"], 140, log)
    assert not log.exists()
    table = shown.split("\n\n")[0].splitlines()
    assert max(map(len, table)) <= 140
    assert table[0].split()[:2] == ["Organization", "SmallBusiness"]


@pytest.mark.skipif(shutil.which("tee") is None, reason="needs tee as a stand-in pager")
def test_a_narrow_terminal_pages_like_git(tmp_path: Path) -> None:
    log = tmp_path / "pager.txt"
    _on_a_terminal(["matrix", "--examples"], 60, log)
    paged = log.read_text("utf-8")
    assert "MailboxCountQuota" in paged
    assert max(map(len, paged.splitlines())) > 60  # too wide to fit: paged whole
