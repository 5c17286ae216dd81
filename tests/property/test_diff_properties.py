"""`serviceplan diff` on generated inputs: the bundled samples on one side and, on the other,
the samples with some files mutated, dropped, or replaced by generated ones (a remap
included); random --fail-on (categories in any case, unknown ones), --exit-code, --textual,
--format text|json|markdown|html, -o FILE, and a generated tenant inventory.

Every run answers with exit 0, 1 or 2 and a message, never a traceback; JSON parses and its
summary agrees with the exit code (errors, --exit-code, --fail-on), and its gate and the
text's last "Gate:" line say exit 1 exactly when it is; Markdown stays under
65,536 characters; text and Markdown hold no control character from the inputs (escaped); a
finding names a line that exists in its file; diff writes nothing but its -o file, and that
atomically (no temporary file left).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from _harness import (
    PROFILE,
    REMAP_NAME,
    SAMPLE_REMAP,
    SAMPLES,
    check_answer,
    inventory_file,
    invoke,
    line_count,
    mutated,
    plan,
    remap,
)
from serviceplan.catalog import CATEGORIES

MARKDOWN_LIMIT = 65_536
HTML_LIMIT = 2_100_000  # the page's own cap (2,000,000 characters) and its frame
# what must not reach a terminal raw from the inputs: controls, separators, bidi controls
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
BUNDLED = {**dict(SAMPLES), REMAP_NAME: SAMPLE_REMAP}


@st.composite
def edited(draw: st.DrawFn) -> dict[str, bytes]:
    """The samples with some files mutated, dropped or added, the remap perhaps regenerated."""
    files = dict(BUNDLED)
    for name in draw(st.lists(st.sampled_from(sorted(files)), max_size=3, unique=True)):
        how = draw(st.integers(0, 5))
        if how == 0:
            del files[name]
        elif name == REMAP_NAME and how == 1:
            files[name] = draw(remap())
        else:
            files[name] = draw(mutated(files[name], most=2))
    if draw(st.integers(0, 4)) == 0:
        name, data = draw(plan())
        files[name] = data
    if draw(st.integers(0, 3)) == 0:  # a repoint, as the diff-smallorg-repoint case
        files[REMAP_NAME] = files.get(REMAP_NAME, SAMPLE_REMAP).replace(
            b"Business,SmallOrg,SmallBusiness", b"Business,SmallOrg,MediumBusiness"
        )
    return files


_CATEGORY = st.sampled_from(
    [*CATEGORIES, "mailboxplanconfiguration", "ORGWIDECONFIGURATION", " AdminPermissions", ""] * 4
    + ["Nope"]
)  # unknown: 1 in 37


@st.composite
def options(draw: st.DrawFn) -> list[str]:
    chosen: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        chosen += ["--fail-on", ",".join(draw(st.lists(_CATEGORY, min_size=1, max_size=3)))]
    if draw(st.booleans()):
        chosen.append("--exit-code")
    if draw(st.booleans()):
        chosen.append("--textual")
    return [*chosen, "--format", draw(st.sampled_from(["text", "json", "markdown", "html"]))]


@dataclass(frozen=True, repr=False)
class Case:
    old: dict[str, bytes]
    new: dict[str, bytes]
    options: list[str]
    tenants: tuple[str, bytes] | None
    output: bool  # -o FILE

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis prints this
        printer.text(repr(self))

    def __repr__(self) -> str:  # the files that differ from the samples, not 30 KB of them
        def side(files: dict[str, bytes]) -> dict[str, bytes | None]:
            shown: dict[str, bytes | None] = {n: d for n, d in files.items()
                                              if BUNDLED.get(n) != d}  # fmt: skip
            shown.update({n: None for n in BUNDLED if n not in files})  # None: dropped
            return shown

        return (
            f"Case(old={side(self.old)!r}, new={side(self.new)!r}, "
            f"options={self.options!r}, tenants={self.tenants!r}, output={self.output!r})"
        )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    old, new = dict(BUNDLED), draw(edited())
    if draw(st.booleans()):
        old, new = new, old
    tenants = draw(st.none() | inventory_file())
    return Case(old, new, draw(options()), tenants, draw(st.integers(0, 3)) == 0)


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _check_lines(document: Any, files: dict[Path, bytes]) -> None:
    for finding in document.get("findings", []):
        line, name = int(finding.get("line") or 0), Path(finding["file"])
        if line and name in files:
            assert line <= line_count(files[name]), (finding, line_count(files[name]))


REPOINT = dict(BUNDLED)
REPOINT[REMAP_NAME] = SAMPLE_REMAP.replace(
    b"Business,SmallOrg,SmallBusiness", b"Business,SmallOrg,MediumBusiness"
)
TENANTS = (
    "tenants.csv",
    b"name,domain,program_id,offer_id,mailboxes\nContoso,c.example,Business,SmallOrg,10\n",
)


@PROFILE
@example(case=Case(BUNDLED, REPOINT, ["--exit-code", "--format", "json"], TENANTS, False))
@example(
    case=Case(
        BUNDLED,
        REPOINT,
        ["--fail-on", "MailboxPlanConfiguration", "--format", "markdown"],
        TENANTS,
        True,
    )
)
@example(case=Case(BUNDLED, {}, ["--format", "json"], None, False))
@given(case=cases())
def test_diff_answers_every_input(case: Case) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        _write(root / "old", case.old)
        _write(root / "new", case.new)
        argv = ["diff", str(root / "old"), str(root / "new"), *case.options]
        files = {root / "old" / n: d for n, d in case.old.items()}
        files.update({root / "new" / n: d for n, d in case.new.items()})
        if case.tenants is not None:
            name, data = case.tenants
            (root / name).write_bytes(data)
            files[root / name] = data
            argv += ["--tenants", str(root / name)]
        output = root / "report.out"
        if case.output:
            argv += ["-o", str(output)]
        answer = invoke("diff", argv, cwd=root)
        check_answer(answer)
        text = output.read_text(encoding="utf-8") if output.exists() else answer.out
        assert not output.exists() or answer.out == "", answer
        assert sorted(p.name for p in root.iterdir()) == sorted(
            {
                "old",
                "new",
                *(["report.out"] if output.exists() else []),
                *([case.tenants[0]] if case.tenants else []),
            }
        ), "diff wrote something else"
        if answer.code == 2:
            return
        assert text, answer
        if "markdown" in case.options:
            assert len(text) < MARKDOWN_LIMIT, len(text)
        if "html" in case.options:  # one page, bounded, and nothing from the data runs
            assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n"), answer
            assert len(text) <= HTML_LIMIT and "<script" not in text.casefold(), answer
            return
        if "json" not in case.options:  # text and Markdown: escaped, never raw
            raw = RAW.search(text.replace("\t", " ") if "markdown" in case.options else text)
            assert raw is None, (raw, answer)
        if "json" not in case.options and "markdown" not in case.options:  # the text ends
            assert text.splitlines()[-1].startswith("Gate: ") == (answer.code == 1), answer
        if "json" not in case.options:
            return
        document = json.loads(text)
        _check_lines(document, files)
        summary = document["summary"]
        assert document["gate"]["failed"] == (answer.code == 1), answer  # it says why
        if summary["errors"]:
            assert answer.code == 1, answer
        if "--exit-code" in case.options and summary["changed"]:
            assert answer.code == 1, answer
        failing = {c.casefold() for at, o in enumerate(case.options) if o == "--fail-on"
                   for c in case.options[at + 1].split(",") if c.strip()}  # fmt: skip
        if failing & {c.casefold() for c in summary["categories"]}:
            assert answer.code == 1, answer
        if answer.code == 0:
            assert not summary["errors"], answer
