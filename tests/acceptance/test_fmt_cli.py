"""`serviceplan fmt` through the real CLI, on copies of the bundled samples."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from _cli import SERVICEPLAN

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "serviceplans"
REMAP = "ServicePlanHostingRemap.csv"
SMALL = "SmallBusiness.serviceplan"
OLD = 1_000_000_000  # an mtime long past: a rewrite cannot keep it by accident


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, cwd: Path) -> Run:
    # bytes, not text=True: universal newlines would hide the CRs a diff shows
    done = subprocess.run(
        [*SERVICEPLAN, "fmt", *args],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def untidy(text: str) -> str:
    """SmallBusiness with two features swapped, one line badly indented and CRLF line ends."""
    text = text.replace(
        "    <AutoReplyEnabled>true</AutoReplyEnabled>\n"
        "    <CommonConfiguration>true</CommonConfiguration>\n",
        "    <CommonConfiguration>true</CommonConfiguration>\n"
        "<AutoReplyEnabled>true</AutoReplyEnabled>\n",
    )
    assert "\n<AutoReplyEnabled>" in text
    return text.replace("\n", "\r\n")


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """The samples and their remap, with SmallBusiness untidy; every mtime set long ago."""
    folder = tmp_path / "plans"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    small = folder / SMALL
    small.write_bytes(untidy(small.read_text(encoding="utf-8")).encode("utf-8"))
    small.chmod(0o644)
    for path in folder.iterdir():
        os.utime(path, (OLD, OLD))
    return folder


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_check_lists_the_file_to_reformat_then_passes_once_formatted(plans: Path) -> None:
    before = snapshot(plans)
    checked = run("--check", ".", cwd=plans)
    assert checked.returncode == 1, checked.stderr
    assert checked.stdout.splitlines() == [f"would reformat .{os.sep}{SMALL}"]
    assert "1 file would be reformatted, 5 unchanged" in checked.stderr
    assert snapshot(plans) == before  # --check writes nothing

    assert run(".", cwd=plans).returncode == 0
    again = run("--check", ".", cwd=plans)
    assert again.returncode == 0, again.stdout
    assert again.stdout == ""


def test_default_mode_rewrites_only_the_changed_files(plans: Path) -> None:
    before = snapshot(plans)
    result = run(str(plans), cwd=plans)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"reformatted {plans / SMALL}",
        "1 file reformatted, 5 unchanged",
    ]
    after = snapshot(plans)
    assert {name for name in after if after[name] != before[name]} == {SMALL}
    assert after[SMALL][0] == (SAMPLES / SMALL).read_bytes()  # the sample is canonical
    assert stat.S_IMODE((plans / SMALL).stat().st_mode) == 0o644  # permissions kept
    assert sorted(p.name for p in plans.iterdir()) == sorted(before)  # no temporary left

    rerun = run(str(plans), cwd=plans)
    assert rerun.stdout.splitlines() == ["0 files reformatted, 6 unchanged"]
    assert snapshot(plans) == after


def test_a_named_file_is_formatted_and_others_left_alone(plans: Path) -> None:
    before = snapshot(plans)
    result = run(SMALL, cwd=plans)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"reformatted {SMALL}", "1 file reformatted, 0 unchanged"]
    after = snapshot(plans)
    assert {name for name in after if after[name] != before[name]} == {SMALL}


def test_diff_shows_the_change_and_writes_nothing(plans: Path) -> None:
    before = snapshot(plans)
    result = run("--diff", SMALL, cwd=plans)
    assert result.returncode == 1
    assert snapshot(plans) == before
    lines = result.stdout.split("\n")
    assert lines[0] == f"--- {SMALL}\t(original)"
    assert lines[1] == f"+++ {SMALL}\t(formatted)"
    assert lines[2].startswith("@@ -1,")
    # every line changes its line end; the swapped features come back in order
    assert "-<AutoReplyEnabled>true</AutoReplyEnabled>\r" in lines
    assert "-    <CommonConfiguration>true</CommonConfiguration>\r" in lines
    added = [line for line in lines if line.startswith("+")]
    start = added.index("+    <AddressListsEnabled>true</AddressListsEnabled>")
    assert added[start : start + 4] == [
        "+    <AddressListsEnabled>true</AddressListsEnabled>",
        "+    <AutoReplyEnabled>true</AutoReplyEnabled>",
        "+    <CommonConfiguration>true</CommonConfiguration>",
        "+    <MailTipsEnabled>true</MailTipsEnabled>",
    ]
    assert run("--diff", str(SAMPLES / SMALL), cwd=plans).stdout == ""


def test_a_malformed_file_stops_fmt_before_anything_is_written(plans: Path) -> None:
    broken = plans / "Zz-Broken.serviceplan"  # found after SmallBusiness, which needs work
    broken.write_text(
        '<?xml version="1.0"?>\n<Configuration>\n  <Organization>\n</Configuration>\n',
        encoding="utf-8",
    )
    os.utime(broken, (OLD, OLD))
    before = snapshot(plans)
    result = run(".", cwd=plans)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f".{os.sep}Zz-Broken.serviceplan:4" in result.stderr
    assert "run `serviceplan validate` first" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(plans) == before  # SmallBusiness was formattable, but is not written


def test_an_unknown_feature_is_refused(plans: Path) -> None:
    small = plans / SMALL
    small.write_text(
        small.read_text(encoding="utf-8").replace("AutoReplyEnabled", "AutoReplyEnable"),
        encoding="utf-8",
    )
    result = run("--check", SMALL, cwd=plans)
    assert result.returncode == 2
    assert "<AutoReplyEnable> has no place in <Organization>" in result.stderr


def test_standard_input_is_refused(plans: Path) -> None:
    result = run("-", cwd=plans)
    assert result.returncode == 2
    assert "standard input" in result.stderr


def test_line_ends_or_a_byte_order_mark_alone_are_named_not_diffed(plans: Path) -> None:
    medium = plans / "MediumBusiness.serviceplan"
    canonical = medium.read_bytes()
    medium.write_bytes(canonical.replace(b"\n", b"\r\n"))
    check = run("--check", medium.name, cwd=plans)
    assert (check.returncode, check.stdout) == (
        1,
        f"would reformat {medium.name} (line ends only: CRLF to LF)\n",
    )
    for flags in (["--diff"], ["--diff", "--check"]):  # one line, not a diff
        assert run(*flags, medium.name, cwd=plans).stdout == check.stdout
    medium.write_bytes(b"\xef\xbb\xbf" + canonical)
    result = run("--diff", medium.name, cwd=plans)
    assert result.returncode == 1
    assert result.stdout == f"would reformat {medium.name} (byte order mark only: removed)\n"
