"""`serviceplan render` through the real CLI, in subprocesses."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from _cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
PS_QUOTES = "'\u2018\u2019\u201a\u201b"
HOSTILE = [
    "O'Brien",
    "a$(rm -rf /)",
    "x;y",
    "back`tick",
    "new\nline",
    "../x",
    "..",
    "CON",
    "nul.txt",
    "L" * 180,
    "Müller \u2018quoted\u2019 & Søn",
    "東京 Hosting",
    "index",
    "-WhatIf",
    "$env:USERPROFILE",
]


def serviceplan(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **(env or {})}
    environ.pop("CI", None)
    return run_cli(*args, cwd=cwd, env=environ, timeout=TIMEOUT)


def write_inventory(path: Path, names: list[str], **columns: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["name", "domain", "program_id", "offer_id", *columns])
        for number, name in enumerate(names):
            offer = ("SmallOrg", "MedOrg", "LargeOrg")[number % 3]
            writer.writerow([name, f"t{number}.example", "Business", offer, *columns.values()])
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def ps_string(literal: str) -> tuple[str, int]:
    """PowerShell's reading of a single-quoted string: its text and its length in characters."""
    text, position = [], 1
    while position < len(literal):
        if literal[position] in PS_QUOTES:
            if position + 1 < len(literal) and literal[position + 1] in PS_QUOTES:
                text.append(literal[position])
                position += 2
                continue
            return "".join(text), position + 1
        text.append(literal[position])
        position += 1
    raise AssertionError(f"unterminated: {literal!r}")


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (resources.files("serviceplan.schemas") / f"render-{name}.schema.json").read_text()
    )
    return loaded


@pytest.fixture
def tenants(tmp_path: Path) -> Path:
    names = [
        "Contoso",
        "Alpine Ski House",
        "Fabrikam",
        "Northwind Traders",
        "Tailspin Toys",
        "Litware",
        "Wingtip Toys",
        "Woodgrove Bank",
        "Coho Winery",
        "Trey Research",
    ]
    return write_inventory(tmp_path / "tenants.csv", names)


def test_the_readme_command(tmp_path: Path) -> None:
    out = tmp_path / "build"
    run = serviceplan("render", "serviceplans/", "--tenants", "examples/tenants.csv",
                      "--template", "new-organization.ps1", "--out", str(out))  # fmt: skip
    assert run.returncode == 0, run.stderr
    # Woodgrove Bank reports more mailboxes than its plan allows: a warning (SP702), exit 0
    assert run.stdout.splitlines()[-1] == "11 tenants: 11 written, 0 unchanged, 0 failed, 1 warning"
    assert run.stderr == ""  # no progress bar outside a terminal
    assert len(list(out.glob("*.ps1"))) == 11 and (out / "index.json").is_file()
    contoso = (out / "Contoso.ps1").read_text(encoding="utf-8-sig")
    assert "New-Organization @organization" in contoso
    assert "Get-MailboxPlan -Organization 'Contoso'" in contoso


def test_injection_shaped_names(tmp_path: Path) -> None:
    inventory = write_inventory(tmp_path / "tenants.csv", HOSTILE)
    out = tmp_path / "deep" / "out"
    run = serviceplan("render", "--examples",
                      "--tenants", str(inventory), "--template", "new-organization.ps1",
                      "--out", str(out), "--keep-going", "--format", "json")  # fmt: skip
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    jsonschema.validate(report, schema("report"))
    (failure,) = report["failures"]
    assert failure["tenant"] == "new\nline" and "U+000A" in failure["message"]
    assert failure["message"].startswith("tenant 'new\\nline': new-organization.ps1:")
    # nothing outside the folder, and every name a plain component
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["tenants.csv", "deep", "out", *(p.name for p in out.iterdir())]
    )
    files = [p.name for p in out.iterdir()]
    assert len(files) == len(HOSTILE)  # 14 tenants + index.json
    for name in files:
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,110}", name), name
    written = {entry["tenant"]: entry["path"] for entry in report["files"]}
    assert written["CON"] == "CON_.ps1" and written["nul.txt"] == "nul_.txt.ps1"
    assert written["index"] == "index.ps1"
    assert written[".."].startswith("tenant-") and written["../x"].startswith("_x-")
    for tenant, path in written.items():
        script = (out / path).read_text(encoding="utf-8-sig")
        line = next(line for line in script.splitlines() if line.startswith("    Name "))
        literal = line.split("= ", 1)[1]
        assert ps_string(literal) == (tenant, len(literal)), line
        for code_line in script.splitlines():
            if code_line.startswith(("#", "    ", "$organization", "}")) or not code_line:
                continue
            assert code_line in (
                "$ErrorActionPreference = 'Stop'",
                "New-Organization @organization",
                f"Get-MailboxPlan -Organization {literal} |",
            ), code_line


def test_strict_undefined_names_the_template_line_and_the_tenant(
    tenants: Path, tmp_path: Path
) -> None:
    template = tmp_path / "mine.ps1"
    template.write_text("# {{ tenant.name | ps_quote }}\n\nSet-It {{ tenant.regoin | ps_quote }}\n")
    out = tmp_path / "out"
    run = serviceplan("render", "--examples",
                      "--tenants", str(tenants), "--template", str(template),
                      "--out", str(out))  # fmt: skip
    assert run.returncode == 1
    # every tenant fails alike: one line, with their number (issue 12, item 10)
    first, *_, last = run.stdout.splitlines()
    assert first.startswith(f"{template}:3: error: no attribute 'regoin'")
    assert first.endswith(
        "(failed 10 tenants: 'Contoso', 'Alpine Ski House', 'Fabrikam' and 7 more)"
    )
    assert len(run.stdout.splitlines()) == 3
    assert "nothing written (0 to write), 10 failed" in last
    assert not out.exists()


def test_a_filter_on_an_unset_value_fails_the_tenant(tmp_path: Path) -> None:
    """The issue's own template rendered `-ArchiveQuota unset`, exit 0 (issue 12, item 8)."""
    inventory = tmp_path / "tenants.csv"
    inventory.write_text("name,domain,program_id,offer_id\nContoso,contoso.com,Business,SmallOrg\n")
    template = tmp_path / "quota.ps1"
    template.write_text(
        "# {{ tenant.name | ps_quote }}\n"
        "Set-Mailbox -ArchiveQuota {{ plan.mailbox_plans[0].settings.ArchiveQuota.value | size }}\n"
    )
    out = tmp_path / "out"
    run = serviceplan("render", "--examples", "--tenants", str(inventory), "--template",
                      str(template), "--out", str(out))  # fmt: skip
    assert run.returncode == 1, run.stdout
    assert run.stdout.splitlines()[0] == (
        f"{inventory}:2: error: tenant 'Contoso': {template}:2: ArchiveQuota of mailbox plan "
        "'Standard' of plan SmallBusiness is unset: test it first ({% if ... is not none %}) "
        "or give a default (| default(...))"
    )
    assert not out.exists()
    guarded = tmp_path / "guarded.ps1"
    guarded.write_text(
        "{% set quota = plan.mailbox_plans[0].settings.ArchiveQuota.value %}\n"
        "{% if quota is not none %}Set-Mailbox -ArchiveQuota {{ quota | size }}{% endif %}\n"
    )
    run = serviceplan("render", "--examples", "--tenants", str(inventory), "--template",
                      str(guarded), "--out", str(out))  # fmt: skip
    assert run.returncode == 0, run.stdout
    assert (out / "Contoso.ps1").read_text(encoding="utf-8-sig") == ""  # unset: no line


def test_a_powershell_template_fails_on_the_first_tenant_or_never(
    tenants: Path, tmp_path: Path
) -> None:
    """Raw `{{ tenant.name }}` passed for Contoso and failed for Alpine Ski House: a template
    that a test inventory of plain names let through (issue 12, item 10)."""
    contoso = tmp_path / "contoso.csv"
    contoso.write_text("name,domain,program_id,offer_id\nContoso,contoso.com,Business,SmallOrg\n")
    template = tmp_path / "raw.ps1"
    template.write_text("New-Mailbox -Organization {{ tenant.name }}\n")
    for inventory in (contoso, tenants):
        run = serviceplan("render", "--examples", "--tenants", str(inventory), "--template",
                          str(template), "--out", str(tmp_path / "out"), "--dry-run")  # fmt: skip
        assert run.returncode == 1
        assert "must go through ps_quote in a powershell template (column name)" in run.stdout


def test_template_syntax_error_is_exit_2(tenants: Path, tmp_path: Path) -> None:
    template = tmp_path / "broken.json.j2"
    template.write_text("{\n  {% for %}\n}\n")
    run = serviceplan("render", "--examples",
                      "--tenants", str(tenants), "--template", str(template),
                      "--out", str(tmp_path / "out"))  # fmt: skip
    assert run.returncode == 2
    assert f"{template}:2: template syntax error" in run.stderr
    assert run.stdout == "" and not (tmp_path / "out").exists()


def test_unknown_template_is_exit_2(tenants: Path, tmp_path: Path) -> None:
    run = serviceplan("render", "--examples", "--tenants", str(tenants), "--template", "nope.ps1",
                      "--out", str(tmp_path / "out"))  # fmt: skip
    assert run.returncode == 2 and "built-in templates: new-organization.ps1" in run.stderr


@pytest.mark.parametrize("template", ["new-organization.ps1", "tenant.json"])
def test_byte_identical_across_hash_seeds_and_jobs(template: str, tmp_path: Path) -> None:
    names = [*HOSTILE[:4], *(f"Tenant {number:03d}" for number in range(200))]
    tenants = write_inventory(tmp_path / "tenants.csv", names, location="en-us")
    trees = []
    for seed, jobs in (("0", "1"), ("1", "2"), ("random", "2")):
        out = tmp_path / f"out-{seed}"
        run = serviceplan(
            "render",
            "--examples",
            "--tenants",
            str(tenants),
            "--template",
            template,
            "--out",
            str(out),
            "--jobs",
            jobs,
            env={"PYTHONHASHSEED": seed},
        )
        assert run.returncode == 0, run.stderr
        trees.append(tree(out))
    assert trees[0] == trees[1] == trees[2]
    assert len(trees[0]) == 205


def test_incremental_rerun(tenants: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    arguments = ("render", "--examples", "--tenants", str(tenants), "--template", "tenant.json",
                 "--out", str(out))  # fmt: skip
    assert serviceplan(*arguments).returncode == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    run = serviceplan(*arguments, "--format", "json")
    report = json.loads(run.stdout)
    assert report["summary"]["unchanged"] == 10 and report["summary"]["create"] == 0
    assert report["summary"]["text"] == "10 tenants: 0 written, 10 unchanged, 0 failed"
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps
    index = json.loads((out / "index.json").read_text())
    jsonschema.validate(index, schema("index"))


def test_shards_together_cover_every_tenant_once(tmp_path: Path) -> None:
    names = [f"Tenant {number:03d}" for number in range(60)]
    inventory = write_inventory(tmp_path / "tenants.csv", names)
    out = tmp_path / "out"
    seen: list[str] = []
    for shard in ("1/3", "2/3", "3/3"):
        run = serviceplan("render", "--examples",
                          "--tenants", str(inventory), "--template", "tenant.json",
                          "--out", str(out), "--shard", shard, "--format", "json")  # fmt: skip
        assert run.returncode == 0, run.stderr
        report = json.loads(run.stdout)
        assert 0 < report["summary"]["tenants"] < 60
        seen += [entry["tenant"] for entry in report["files"]]
    assert sorted(seen) == names
    assert sorted(p.name for p in out.glob("index*.json")) == [
        "index.1-of-3.json",
        "index.2-of-3.json",
        "index.3-of-3.json",
    ]


def test_dry_run_writes_nothing(tenants: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = serviceplan("render", "--examples",
                      "--tenants", str(tenants), "--template", "new-organization.ps1",
                      "--out", str(out), "--dry-run")  # fmt: skip
    assert run.returncode == 0
    assert run.stdout.splitlines()[-1] == (
        "10 tenants (dry run, nothing written): 10 to write, 0 unchanged, 0 failed"
    )
    assert not out.exists()


def test_errors_write_nothing_and_keep_going_writes_the_rest(tmp_path: Path) -> None:
    inventory = tmp_path / "tenants.csv"
    inventory.write_text(
        "name,domain,program_id,offer_id\nContoso,contoso.com,Business,SmallOrg\n"
        "Nowhere,nowhere.com,Business,Enormous\nFabrikam,fabrikam.com,Business,MedOrg\n"
    )
    out = tmp_path / "out"
    arguments = ("render", "--examples",
                 "--tenants", str(inventory), "--template", "new-organization.ps1",
                 "--out", str(out))  # fmt: skip
    run = serviceplan(*arguments)
    assert run.returncode == 1
    assert f"{inventory}:3: error: tenant Nowhere: no remap line maps" in run.stdout
    assert not out.exists()
    run = serviceplan(*arguments, "--keep-going")
    assert run.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["Contoso.ps1", "Fabrikam.ps1", "index.json"]


def test_a_symbolic_link_in_the_folder_is_not_followed(tenants: Path, tmp_path: Path) -> None:
    out, target = tmp_path / "out", tmp_path / "elsewhere.ps1"
    out.mkdir()
    target.write_text("untouched\n")
    (out / "Contoso.ps1").symlink_to(target)
    run = serviceplan("render", "--examples",
                      "--tenants", str(tenants), "--template", "new-organization.ps1",
                      "--out", str(out), "--keep-going")  # fmt: skip
    assert run.returncode == 1
    assert "Contoso.ps1 is a symbolic link in the output folder; it is not followed" in run.stdout
    assert target.read_text() == "untouched\n" and (out / "Contoso.ps1").is_symlink()
    assert (out / "Fabrikam.ps1").is_file()


def test_a_user_template_file(tenants: Path, tmp_path: Path) -> None:
    template = tmp_path / "welcome.txt.j2"
    template.write_text(
        "{{ tenant.name }} gets {{ plan.name }} ({{ plan.default_mailbox_plan }} mailboxes of "
        "{{ plan.mailbox_plans[0].settings.ProhibitSendReceiveMaiboxQuota.value | size }})\n"
    )
    out = tmp_path / "out"
    run = serviceplan("render", "--examples",
                      "--tenants", str(tenants), "--template", str(template),
                      "--out", str(out))  # fmt: skip
    assert run.returncode == 0, run.stdout
    assert (out / "Alpine_Ski_House.txt").read_text() == (
        "Alpine Ski House gets MediumBusiness (Standard mailboxes of 5GB)\n"
    )
    index = json.loads((out / "index.json").read_text())
    assert index["template"]["name"] == "welcome.txt.j2"


def test_help_lists_the_builtin_templates() -> None:
    run = serviceplan("render", "--help")
    assert run.returncode == 0
    for name in ("new-organization.ps1", "update-serviceplan.ps1", "tenant.json"):
        assert name in run.stdout
    for option in ("--tenants", "--template", "--out", "--remap", "--jobs", "--shard",
                   "--dry-run", "--keep-going"):  # fmt: skip
        assert option in run.stdout


@pytest.mark.parametrize("shard", ["0/3", "4/3", "1", "a/b"])
def test_a_bad_shard_is_exit_2(shard: str, tenants: Path, tmp_path: Path) -> None:
    run = serviceplan("render", "--examples",
                      "--tenants", str(tenants), "--template", "tenant.json",
                      "--out", str(tmp_path / "out"), "--shard", shard)  # fmt: skip
    assert run.returncode == 2 and "--shard" in run.stderr
    assert not (tmp_path / "out").exists()
