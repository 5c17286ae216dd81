"""`serviceplan features` and `serviceplan explain`, run as a user runs them."""

from __future__ import annotations

import json
import re
import subprocess
from importlib import resources
from pathlib import Path

from lxml import etree

from _cli import run_cli

SAMPLES = Path(str(resources.files("serviceplan.serviceplans")))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def line_of(plan: str, element: str, occurrence: int = 0) -> int:
    """The 1-based line of an element in a shipped sample plan, read from the file itself."""
    text = (SAMPLES / f"{plan}.serviceplan").read_text(encoding="utf-8")
    lines = [n for n, t in enumerate(text.splitlines(), start=1) if f"<{element}>" in t]
    return lines[occurrence]


def test_features_by_category() -> None:
    result = run("features", "--category", "MailboxPlanConfiguration")
    assert result.returncode == 0, result.stderr
    names = {line.split()[2] for line in result.stdout.splitlines()[1:-1]}
    assert "ProhibitSendReceiveMaiboxQuota" in names
    assert "AcceptedDomains" not in names
    assert "AcceptedDomains" not in result.stdout


def test_features_category_and_scope_any_case() -> None:
    """As --fail-on takes categories: any case in, the catalogue's spelling out."""
    exact = run("features", "--category", "MailboxPlanConfiguration", "--scope", "MailboxPlan")
    result = run("features", "--category", "mailboxplanconfiguration", "--scope", "MAILBOXPLAN")
    assert result.returncode == 0, result.stderr
    assert result.stdout == exact.stdout
    assert "MailboxPlanConfiguration" in result.stdout


def test_features_unknown_category_lists_the_choices() -> None:
    result = run("features", "--category", "Everything")
    assert result.returncode == 2
    assert "unknown category 'Everything'; choose from AdminPermissions, " in result.stderr
    assert result.stdout == ""


def test_features_json_is_the_whole_catalogue() -> None:
    result = run("features", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 165
    assert list(rows[0]) == [
        "scope",
        "group",
        "name",
        "type",
        "default",
        "categories",
        "hosting",
        "required",
        "requires",
    ]
    assert sum(1 for row in rows if row["scope"] == "MailboxPlan") == 47


def test_features_scope_and_hosting_only() -> None:
    result = run("features", "--scope", "MailboxPlan", "--hosting-only", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows
    assert {row["scope"] for row in rows} == {"MailboxPlan"}
    assert all(row["hosting"] for row in rows)
    assert len(rows) < 47


def test_explain_mailbox_count_quota_per_plan_with_file_and_line() -> None:
    result = run("explain", "MailboxCountQuota", "--examples")
    assert result.returncode == 0, result.stderr
    for plan, value in (("SmallBusiness", 250), ("MediumBusiness", 1000), ("LargeBusiness", 5000)):
        where = f"({plan}.serviceplan:{line_of(plan, 'MailboxCountQuota')})"
        pattern = rf"^\s*{plan}\s+Organization\s+{value}\s+{re.escape(where)}$"
        assert re.search(pattern, result.stdout, re.MULTILINE), result.stdout
    assert "OrgWideConfiguration: constant per tenant" in result.stdout
    assert "Required:     yes" in result.stdout


def test_explain_outlook_anywhere_lists_every_mailbox_plan() -> None:
    result = run("explain", "OutlookAnywhereEnabled", "--examples")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    shown = {(row[0], row[1]) for row in rows if len(row) >= 4}
    expected = set()
    for path in SAMPLES.glob("*.serviceplan"):
        for mailbox_plan in etree.parse(str(path)).iterfind("MailboxPlans/MailboxPlan"):
            expected.add((path.stem, mailbox_plan.get("Name")))
    assert len(expected) >= 9
    assert expected <= shown
    assert "touches every mailbox on the plan" in result.stdout
    assert re.search(
        r"^\s*LargeBusiness\s+Basic\s+false\s+\(default\)$", result.stdout, re.MULTILINE
    )
    assert re.search(
        r"^\s*LargeBusiness\s+Premium\s+true\s+\(LargeBusiness.serviceplan:\d+\)$",
        result.stdout,
        re.MULTILINE,
    )


def test_explain_resolves_any_case() -> None:
    result = run("explain", "mailtipsenabled", "--examples")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("MailTipsEnabled  (Organization")
    assert "MailboxPlan/MailTipsPermissions" in result.stdout  # needed by


def test_explain_a_documentation_spelling() -> None:
    result = run("explain", "AddressListEnabled", "--examples")
    assert result.returncode == 0, result.stderr
    assert "AddressListEnabled is a documented spelling of AddressListsEnabled" in result.stdout


def test_explain_unknown_feature_exits_2_with_a_suggestion() -> None:
    result = run("explain", "Nope")
    assert result.returncode == 2
    assert "no feature named 'Nope'" in result.stderr
    assert "hint:" in result.stderr
    assert "serviceplan features" in result.stderr
    assert result.stdout == ""
    typo = run("explain", "MailboxCountQuta")
    assert typo.returncode == 2
    assert "did you mean MailboxCountQuota" in typo.stderr


def test_explain_both_scopes_json() -> None:
    result = run("explain", "ActiveSyncPermissions", "--examples", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [f["scope"] for f in document["features"]] == ["Organization", "MailboxPlan"]
    assert {row["source"] for row in document["features"][1]["set_in"]} == {"explicit", "default"}


def test_explain_given_paths_reads_only_those(tmp_path: Path) -> None:
    plan = tmp_path / "Tiny.serviceplan"
    plan.write_text(
        (SAMPLES / "SmallBusiness.serviceplan").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = run("explain", "MailboxCountQuota", str(plan))
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^\s*Tiny\s+Organization\s+250\s+\(Tiny.serviceplan:\d+\)$", result.stdout, re.MULTILINE
    )
    assert "LargeBusiness" not in result.stdout


def test_explain_with_a_broken_plan_prints_findings_and_exits_1(tmp_path: Path) -> None:
    text = (SAMPLES / "SmallBusiness.serviceplan").read_text(encoding="utf-8")
    broken = re.sub(r"\s*<MailboxCountQuota>250</MailboxCountQuota>", "", text)
    assert broken != text
    (tmp_path / "Broken.serviceplan").write_text(broken, encoding="utf-8")
    result = run("explain", "MailboxCountQuota", str(tmp_path))
    assert result.returncode == 1
    assert "MailboxCountQuota" in result.stderr
    assert "Broken.serviceplan" in result.stderr
    assert "Set in:" not in result.stdout
