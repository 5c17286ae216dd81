"""Any command line, sensible or not, over a folder of (mutated) samples: exit 0, 1 or 2 with a
message, never a traceback. Every path it may write to is inside the example's folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from _harness import PROFILE, check_answer, invoke, plan_folder, write_folder

COMMANDS = ["validate", "compile", "fmt", "digest", "verify-copies", "explain", "features", "rules"]
# {d}: the example's folder (holding plans/); "-" reads standard input, which is empty here
TOKENS = [
    "{d}/plans",
    "{d}/plans/",
    "{d}/missing",
    "{d}/plans/ServicePlanHostingRemap.csv",
    "-",
    ".",
    "{d}",
    "",
    "--format",
    "-f",
    "json",
    "text",
    "junit",
    "sarif",
    "github",
    "auto",
    "xml",
    "--strict",
    "--check",
    "--diff",
    "--max-file-size",
    "1",
    "0",
    "1KB",
    "1MB",
    "64MB",
    "-5",
    "9" * 30,
    "1.5MB",
    "--report",
    "json:{d}/out/report.json",
    "sarif:{d}/report.sarif",
    "junit:",
    ":x",
    "nope:{d}/x",
    "--stdin-name",
    "x.csv",
    "a.serviceplan",
    "--color",
    "always",
    "never",
    "--remap",
    "--program",
    "--offer",
    "--plan",
    "Business",
    "SmallOrg",
    "SmallBusiness",
    "-o",
    "{d}/compiled.json",
    "{d}/plans/out.json",
    "MailboxCountQuota",
    "mailtipsenabled",
    "--category",
    "MailboxPlanConfiguration",
    "--scope",
    "Organization",
    "--hosting-only",
    "-h",
    "--help",
    "-V",
    "--",
    "--nope",
    "\x01",
    "é",
    "a\0b",
]  # execve cannot pass a NUL, but the library entry point main(argv) can


@PROFILE
@example(command="compile", tokens=["{d}/plans", "--program", "Business"], files={})
@example(command="validate", tokens=["-", "--stdin-name", "x.csv"], files={})
@given(
    command=st.sampled_from(COMMANDS),
    tokens=st.lists(st.sampled_from(TOKENS), max_size=7),
    files=plan_folder(),
)
def test_any_command_line(command: str, tokens: list[str], files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        write_folder(Path(scratch) / "plans", files)
        (Path(scratch) / "out").mkdir()
        argv = [command, *(token.replace("{d}", scratch) for token in tokens)]
        answer = invoke(command, argv, cwd=Path(scratch) / "out")
        check_answer(answer)
        leftovers = list(Path(scratch).rglob(".*.tmp"))
        assert not leftovers, leftovers
