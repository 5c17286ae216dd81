"""Every command on generated inputs (mutated samples, generated remaps): exit 0, 1 or 2 with a
message, never a traceback or an internal error; JSON that parses; lines that exist.

Commands run in-process through `serviceplan.cli.main`; a folder per example. Adding a command
(render, diff) is one entry in COMMANDS.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from _harness import (
    CATALOG,
    FEATURES,
    PROFILE,
    REMAP_NAME,
    SAMPLES,
    check_answer,
    check_lines,
    invoke,
    mutated,
    plan_folder,
    write_folder,
)


@dataclass(frozen=True)
class Inputs:
    files: dict[str, bytes]  # the folder the command reads
    reference: dict[str, bytes]  # verify-copies' reference: the same files, some mutated again
    choice: int  # picks the command's options (a feature name, --program/--offer, ...)


@st.composite
def inputs(draw: st.DrawFn) -> Inputs:
    files = draw(plan_folder())
    reference = {name: draw(mutated(data, most=1)) for name, data in files.items()}
    return Inputs(files, reference, draw(st.integers(0, 2**16)))


EXPLAINED = [*FEATURES, "mailtipsenabled", "MailtipsEnabled", "Nope", ""]
COMPILE_OPTIONS = [
    [],
    ["--program", "Business", "--offer", "SmallOrg"],
    ["--plan", "SmallBusiness"],
    ["--program", "x"],
    ["--plan", ""],
    ["--remap", REMAP_NAME],
]
Argv = Callable[[Path, int], list[str]]

# name -> (the argv for a folder of inputs and a choice, whether stdout is JSON)
COMMANDS: dict[str, tuple[Argv, bool]] = {
    "validate": (lambda f, c: ["validate", str(f), "--format", "json"], True),
    "validate-strict-text": (
        lambda f, c: ["validate", str(f), "--strict", "--format", "text"],
        False,
    ),
    "compile": (
        lambda f, c: [
            "compile",
            str(f),
            "--format",
            "json",
            *COMPILE_OPTIONS[c % len(COMPILE_OPTIONS)],
        ],
        True,
    ),
    "fmt-check": (lambda f, c: ["fmt", "--check", str(f)], False),
    "fmt-diff": (lambda f, c: ["fmt", "--diff", str(f)], False),
    "fmt": (lambda f, c: ["fmt", str(f)], False),
    "digest": (lambda f, c: ["digest", str(f), "--format", "json"], True),
    "verify-copies": (
        lambda f, c: ["verify-copies", str(f.parent / "reference"), str(f), "--format", "json"],
        True,
    ),
    "explain": (
        lambda f, c: ["explain", EXPLAINED[c % len(EXPLAINED)], str(f), "--format", "json"],
        True,
    ),
}

SMALL = dict(SAMPLES)["SmallBusiness.serviceplan"]
BAD_INDEX = {"SmallBusiness.serviceplan": SMALL.replace(b'Index="0"', b'Index="x"')}
BLANK = {"A.serviceplan": b"", REMAP_NAME: b",\n\r\n#\n"}


# found by the long profile: an unclosed comment is reported at the end of the file, the line
# after the final line break (as tests/cases/sp001-truncated-file expects)
UNTERMINATED = {"SmallBusiness.serviceplan": SMALL.replace(b"<Organization>", b"<!--", 1)}
FORM_FEED_REMAP = {**BAD_INDEX, REMAP_NAME: b"# \x0c0\n"}  # str.splitlines broke at \x0c


@pytest.mark.parametrize("command", sorted(COMMANDS))
@PROFILE
@example(case=Inputs(BAD_INDEX, BAD_INDEX, 0))
@example(case=Inputs(BLANK, BLANK, 1))
@example(case=Inputs(UNTERMINATED, UNTERMINATED, 2))
@example(case=Inputs(FORM_FEED_REMAP, FORM_FEED_REMAP, 3))
@given(case=inputs())
def test_command_answers_every_input(command: str, case: Inputs) -> None:
    argv_for, is_json = COMMANDS[command]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "copy"
        write_folder(folder, case.files)
        write_folder(Path(scratch) / "reference", case.reference)
        answer = invoke(
            command.partition("-")[0] if command != "verify-copies" else command,
            argv_for(folder, case.choice),
            cwd=folder,
        )
        document = check_answer(answer, json_out=is_json)
        check_lines(document, case.files)
        if command == "validate" and document is not None:
            assert document["summary"]["failed"] == (answer.code == 1), answer
            assert document["summary"]["files"] == len(case.files), answer
        if command == "fmt" and answer.code == 0:  # what fmt wrote, fmt accepts as it is
            again = invoke("fmt", ["fmt", "--check", str(folder)])
            assert again.code == 0, again


@PROFILE
@given(data=st.data())
def test_features_and_rules_answer_any_options(data: st.DataObject) -> None:
    from serviceplan.catalog import CATEGORIES, SCOPES

    command = data.draw(st.sampled_from(["features", "rules"]))
    options = data.draw(
        st.lists(
            st.sampled_from(
                [
                    "--category",
                    "--scope",
                    "--hosting-only",
                    "--format",
                    "-f",
                    *CATEGORIES,
                    *SCOPES,
                    "json",
                    "text",
                    "xml",
                    "",
                    "--nope",
                    "-h",
                ]
            ),
            max_size=5,
        )
    )
    answer = invoke(command, [command, *options])
    document = check_answer(answer, json_out=answer.out.startswith("["))  # -h prints help
    if command == "features" and isinstance(document, list):
        assert all(row["name"] in {f.name for f in CATALOG.features} for row in document)
