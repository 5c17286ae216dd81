"""`serviceplan render` on generated inputs: inventories (the harness's hostile CSV and JSONL,
and rows that map to the bundled remap under hostile names), a built-in template or a template
file of generated Jinja text (syntax errors, undefined names, filters, skip, includes out of
its folder), and random options (--shard, --jobs 1|2, --dry-run, --keep-going, --format).

Every run answers with exit 0, 1 or 2 and a message, never a traceback; nothing is written
outside --out (the example's whole folder is compared before and after) and nothing is left
behind (no staging folder, no temporary file); when it applied its files, the index parses
and lists exactly the manifests in --out, the report's files are the index's, and a second
run into a fresh folder gives a byte-identical tree (a third, over the first, changes
nothing). A dry run writes nothing.

Under 128 tenants render uses no worker process (one per 64 tenants at most), so --jobs 2
here runs in this process; forked workers are covered by tests/acceptance (test_render_cli,
test_render_faults).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import event, example, given
from hypothesis import strategies as st

from _harness import PROFILE, check_answer, inventory_file, invoke

BUILTINS = ["new-organization.ps1", "update-serviceplan.ps1", "tenant.json"]
PAIRS = [
    ("Business", "SmallOrg"),
    ("Business", "MedOrg"),
    ("business", "LARGEORG"),
    ("Hosting", "AllFeatures"),
    ("Hosting", "Nope"),
]
PLANS = [
    "SmallBusiness",
    "MediumBusiness",
    "LargeBusiness",
    "HostingAllFeatures",
    "Gone",
    "x'; rm -rf /; '",
]
NAMES = [
    "Contoso",
    "contoso",
    "O'Brien",
    "Müller \u2018quoted\u2019",
    "../../etc/x",
    "..",
    ".hidden",
    "CON",
    "nul.txt",
    "index",
    "index.json",
    "index.1-of-2.json",
    "-WhatIf",
    "@{a=1}",
    "a$(rm -rf /)",
    "back`tick",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(1+1)",
    "new\nline",
    "tab\tx",
    "\u202eevil",
    "x" * 150,
    "東京",
    "a/b",
    "a\\b",
    " ",
    'Say "hi", Bob',
    "CONTOSO ",
]
INDEX = re.compile(r"index(?:\.[0-9]+-of-[0-9]+)?\.json")


def _cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@st.composite
def mapped_inventory(draw: st.DrawFn) -> tuple[str, bytes]:
    """CSV rows that mostly map to the bundled remap, under hostile names."""
    header = ["name", "domain", "program_id", "offer_id", "location", "plan", "mailboxes"]
    rows = [",".join(header)]
    for number in range(draw(st.integers(0, 12))):
        name = draw(st.sampled_from(NAMES) | st.text(max_size=8).map(lambda t: t or "e"))
        program, offer = draw(st.sampled_from(PAIRS))
        location = draw(st.sampled_from(["", "EMEA", "it's", "$(x)", "a\u2028b"]))
        plan = draw(st.sampled_from(["", *PLANS]))
        mailboxes = draw(st.sampled_from(["", "10", "x", "-1"]))
        cells = [name, f"t{number}.example", program, offer, location, plan, mailboxes]
        rows.append(",".join(_cell(cell) for cell in cells))
    return "tenants.csv", ("\n".join(rows) + "\n").encode("utf-8", errors="surrogatepass")


FRAGMENTS = [
    "{{ tenant.name }}",
    "{{ tenant.name | ps_quote }}",
    "{{ tenant.name | tojson }}",
    "{{ tenant.domain | ps_quote }}",
    "{{ tenant.location }}",
    "{{ tenant.regoin }}",
    "{{ tenant.fields | tojson }}",
    "{{ tenant.mailboxes }}",
    "{{ plan.name }}",
    "{{ plan.organization.MailboxCountQuota.value }}",
    "{{ plan.mailbox_plans[0].settings.ProhibitSendReceiveMaiboxQuota.value | size }}",
    "{{ plan.nope.deeper }}",
    "{{ remap.location }}",
    "{{ update }}",
    "{{ output.file }}",
    "{{ tool.version }}",
    "{{ skip('no reason') }}",
    "{% if tenant.mailboxes %}x{% endif %}",
    "{% for p in plan.mailbox_plans %}{{ p.name | ps_quote }}{% endfor %}",
    "{% for %}",
    "{{",
    "}}",
    "{% endif %}",
    "{# c #}",
    "{{ 1 / 0 }}",
    "{{ tenant.name | size }}",
    "{% include '../secret.txt' %}",
    "{% include 'part.j2' %}",
    "{% extends 'nope.j2' %}",
    "{{ tenant.name ~ '\n' }}",
    "{{ '\u202e' }}",
    "{{ [1, 2] }}",
    "{{ plan }}",
    "'",
    "$x",
    "`n",
    "\n",
    "plain text ",
    "{% raw %}{{{% endraw %}",
    "{{ tenant.plan_changed }}",
]
SUFFIXES = [".ps1", ".ps1.j2", ".json.j2", ".txt.j2", ".yaml.jinja", ".j2", "", ".psm1"]


@st.composite
def template(draw: st.DrawFn) -> tuple[str, str | None]:
    """A built-in's name, or a file name and generated Jinja text."""
    if draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(BUILTINS)), None
    parts = draw(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=8))
    return "mine" + draw(st.sampled_from(SUFFIXES)), "".join(parts)


@st.composite
def options(draw: st.DrawFn) -> list[str]:
    chosen: list[str] = []
    count = draw(st.sampled_from([1, 1, 1, 2, 3, 4]))
    if count > 1 or draw(st.booleans()):
        chosen += ["--shard", f"{draw(st.integers(1, count))}/{count}"]
    chosen += ["--jobs", draw(st.sampled_from(["1", "2"]))]
    if draw(st.integers(0, 2)):  # mostly: most generated inventories have a bad row
        chosen.append("--keep-going")
    if draw(st.integers(0, 4)) == 0:
        chosen.append("--dry-run")
    chosen += ["--format", draw(st.sampled_from(["json", "json", "text"]))]
    return chosen


@dataclass(frozen=True)
class Case:
    inventory: tuple[str, bytes]
    template: tuple[str, str | None]
    options: list[str]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    inventory = draw(mapped_inventory() if draw(st.integers(0, 2)) else inventory_file())
    return Case(inventory, draw(template()), draw(options()))


def _tree(root: Path) -> dict[str, Any]:
    """Every entry under root (links not followed): its kind and bytes."""
    entries: dict[str, Any] = {}
    for folder, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[key] = ("link", str(path.readlink()))
            elif path.is_dir():
                entries[key] = ("dir",)
            else:
                entries[key] = ("file", path.read_bytes())
    return entries


def _check_index(out: Path, name: str, report: Any) -> None:
    index = json.loads((out / name).read_bytes())
    listed = {entry["path"]: entry["sha256"] for entry in index["files"]}
    manifests = {p.name: p.read_bytes() for p in out.iterdir()
                 if p.is_file() and not INDEX.fullmatch(p.name)}  # fmt: skip
    assert set(listed) == set(manifests), (sorted(listed), sorted(manifests))
    for path, digest in listed.items():
        assert hashlib.sha256(manifests[path]).hexdigest() == digest, path
    if isinstance(report, dict):
        kept = {f["path"] for f in report["files"] if f["action"] != "remove"}
        assert kept == set(listed), (sorted(kept), sorted(listed))


SMALL = ("tenants.csv", b"name,domain,program_id,offer_id\nContoso,c.example,Business,SmallOrg\n")


@PROFILE
@example(case=Case(SMALL, ("mine.ps1", "{{ tenant.name }}\n"), ["--format", "json"]))
@example(case=Case(SMALL, ("mine.txt.j2", "{% for %}"), ["--format", "json"]))
@example(case=Case(SMALL, ("mine.j2", "{% include '../secret.txt' %}"), ["--keep-going"]))
@example(
    case=Case(
        (
            "tenants.csv",
            b"name,domain,program_id,offer_id\n..,a,Business,SmallOrg\n"
            b"index.json,b,Business,MedOrg\n",
        ),
        ("new-organization.ps1", None),
        ["--format", "json", "--shard", "2/2"],
    )
)
@given(case=cases())
def test_render_answers_every_input(case: Case) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        inputs = root / "inputs"
        inputs.mkdir()
        (root / "secret.txt").write_text("TOP-SECRET\n")
        (inputs / "part.j2").write_text("part {{ tenant.name | ps_quote }}\n")
        name, data = case.inventory
        (inputs / name).write_bytes(data)
        given_template, text = case.template
        if text is not None:
            (inputs / given_template).write_text(text, encoding="utf-8", errors="surrogatepass")
            given_template = str(inputs / given_template)
        before = _tree(root)

        def argv(out: Path) -> list[str]:
            return [
                "render",
                "--examples",
                "--tenants",
                str(inputs / name),
                "--template",
                given_template,
                "--out",
                str(out),
                *case.options,
            ]

        answer = invoke("render", argv(root / "out"), cwd=inputs)
        report = check_answer(answer, json_out="json" in case.options)
        after = _tree(root)
        outside = sorted(key for key in before.keys() | after.keys()
                         if before.get(key) != after.get(key)
                         and key != "out" and not key.startswith("out/"))  # fmt: skip
        assert not outside, (outside, answer)
        assert "TOP-SECRET" not in answer.out + answer.err, answer
        out = root / "out"
        written = sorted(key for key in after if key.startswith("out/"))
        assert not [key for key in written if "/." in key or key.count("/") > 1], written
        if "--dry-run" in case.options or answer.code == 2:
            assert not out.exists(), (written, answer)
            return
        applied = isinstance(report, dict) and report["summary"]["applied"]
        if not out.exists():
            assert not applied, answer
            return
        index = report["index"] if isinstance(report, dict) else None
        names = [p.name for p in out.iterdir() if INDEX.fullmatch(p.name)]
        assert len(names) <= 1, names
        if not names:
            assert not applied, answer
            return
        _check_index(out, index or names[0], report)
        event(
            "render: manifests written"
            if len(names) < sum(1 for _ in out.iterdir())
            else "render: an index alone"
        )
        # the same run into a fresh folder: the same bytes; over the first: nothing changes
        again = invoke("render", argv(root / "again"), cwd=inputs)
        assert again.code == answer.code, (answer, again)
        assert _tree(root / "again") == _tree(out), "a second run wrote other bytes"
        shutil.rmtree(root / "again")
        first = _tree(out)
        third = invoke("render", argv(out), cwd=inputs)
        assert third.code == answer.code, (answer, third)
        assert _tree(out) == first, "a rerun over the same folder changed it"
