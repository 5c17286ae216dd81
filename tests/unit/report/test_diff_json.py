"""`serviceplan diff --format json` against schemas/diff-report.schema.json: every shape the
report takes validates, and the schema is strict enough to catch a drift."""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import replace
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from serviceplan.catalog import ORGANIZATION, load_catalog
from serviceplan.diff.compare import diff_revisions
from serviceplan.model import FindingsReport, Location, ResolvedPlan, Setting
from serviceplan.pipeline import DiffOptions, DiffOutcome, bundled_plans, compile_plans, diff_paths
from serviceplan.report import ReportOptions
from serviceplan.report.diff_json import render
from serviceplan.values import UNLIMITED, Value

OPTIONS = ReportOptions(tool_version="1.2.3")
SCHEMA: dict[str, Any] = json.loads(
    files("serviceplan.schemas").joinpath("diff-report.schema.json").read_text("utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA)
INVENTORY = (
    "name,domain,program_id,offer_id,plan,mailboxes,mailboxes.Standard,used.MailboxCountQuota\n"
    "Contoso,contoso.example,Business,SmallOrg,SmallBusiness,200,200,200\n"
    "Fabrikam,fabrikam.example,Business,MedOrg,,800,800,800\n"
    "Alpine,alpine.example,Business,LargeOrg,,3000,,\n"
    "Gone,gone.example,Nope,Nope,,1,,\n"
    "Hosted,hosted.example,Hosting,AllFeatures,,5,,\n"
)


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def errors(document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def report(outcome: DiffOutcome) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(outcome, OPTIONS))
    assert errors(document) == []
    return document


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        shutil.copytree(bundled_plans(), side, ignore=shutil.ignore_patterns("__*"))
    (tmp_path / "tenants.csv").write_text(INVENTORY, encoding="utf-8")
    return old, new


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def repoint(side: Path) -> None:
    rewrite(
        side / "ServicePlanHostingRemap.csv", "SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness"
    )


def shrink_medium(side: Path) -> None:
    rewrite(
        side / "MediumBusiness.serviceplan", "<MailboxCountQuota>1000<", "<MailboxCountQuota>250<"
    )


def test_no_changes(sides: tuple[Path, Path]) -> None:
    old, new = sides
    doc = report(diff_paths(DiffOptions(old=str(old), new=str(new))))
    assert doc["summary"]["changed"] is False and doc["summary"]["category"] is None
    assert doc["plans"] == doc["remap"] == doc["transitions"] == doc["findings"] == []
    assert doc["tenants"] is None and doc["summary"]["text"] == "No changes."


def test_an_edit_in_place(sides: tuple[Path, Path]) -> None:
    old, new = sides
    shrink_medium(new)
    large = new / "LargeBusiness.serviceplan"
    rewrite(large, "<ProhibitSendReceiveMaiboxQuota>10GB<", "<ProhibitSendReceiveMaiboxQuota>8GB<")
    rewrite(large, 'Name="Basic"', 'Name="Light"')
    doc = report(diff_paths(DiffOptions(old=str(old), new=str(new))))
    assert [(p["new"], p["in_place"], p["category"]) for p in doc["plans"]] == [
        ("LargeBusiness", True, "MailboxPlanConfiguration"),
        ("MediumBusiness", True, "OrgWideConfiguration"),
    ]
    kinds = {c["kind"] for p in doc["plans"] for c in p["changes"]}
    assert kinds == {"modified", "mailbox-plan-renamed"}
    assert {f["rule"] for f in doc["findings"]} == {"SP601", "SP605"}


def test_a_repoint_with_tenants(sides: tuple[Path, Path]) -> None:
    old, new = sides
    repoint(new)
    shrink_medium(new)
    tenants = str(old.parent / "tenants.csv")
    doc = report(diff_paths(DiffOptions(old=str(old), new=str(new), tenants=tenants)))
    assert [r["kind"] for r in doc["remap"]] == ["repointed"]
    assert [(t["old"], t["new"]) for t in doc["transitions"]] == [
        ("SmallBusiness", "MediumBusiness")
    ]
    impact = doc["tenants"]
    assert impact["file"] == tenants and impact["unreached"] == 2  # Alpine, Hosted
    assert [t["name"] for t in impact["reached"]] == ["Contoso", "Fabrikam"]
    assert doc["summary"]["mailboxes_to_update"] == impact["mailboxes_to_update"] == 200
    assert {f["rule"] for f in doc["findings"]} >= {"SP505", "SP606"}


def test_compile_errors_on_one_side(sides: tuple[Path, Path]) -> None:
    old, new = sides
    rewrite(new / "SmallBusiness.serviceplan", "<MailTipsEnabled>true<", "<MailTipsEnabled>yes<")
    outcome = diff_paths(DiffOptions(old=str(old), new=str(new)))
    assert outcome.diff is None
    doc = report(outcome)
    assert doc["summary"]["changed"] is False and doc["summary"]["errors"] >= 1
    assert doc["plans"] == doc["remap"] == doc["transitions"] == []
    assert all(f["severity"] == "error" for f in doc["findings"])


def test_textual_changes(sides: tuple[Path, Path]) -> None:
    old, new = sides
    small = new / "SmallBusiness.serviceplan"
    rewrite(small, ">2GB<", ">2048MB<")
    rewrite(
        small,
        "    <AddressListsEnabled>",
        "    <AcceptedDomains>false</AcceptedDomains>\n    <AddressListsEnabled>",
    )
    doc = report(diff_paths(DiffOptions(old=str(old), new=str(new), textual=True)))
    (plan,) = doc["plans"]
    assert {(c["kind"], c["cost"]) for c in plan["changes"]} == {("textual", "none")}
    assert plan["category"] is None and doc["summary"]["categories"] == {}


def test_plans_and_rows_added_and_removed(sides: tuple[Path, Path]) -> None:
    old, new = sides
    (new / "SmallBusiness.serviceplan").rename(new / "TinyBusiness.serviceplan")
    shutil.copy(new / "MediumBusiness.serviceplan", new / "MediumBusiness2.serviceplan")
    rewrite(
        new / "ServicePlanHostingRemap.csv",
        "Business,SmallOrg,SmallBusiness",
        "Business,TinyOrg,TinyBusiness\nBusiness,MedOrg2,MediumBusiness2",
    )
    rewrite(
        new / "ServicePlanHostingRemap.csv",
        "Business,MedOrg,MediumBusiness",
        "Business,MedOrg,MediumBusiness2",
    )
    doc = report(diff_paths(DiffOptions(old=str(old), new=str(new))))
    assert {(p["old"], p["new"]) for p in doc["plans"]} == {
        (None, "MediumBusiness2"),
        (None, "TinyBusiness"),
        ("SmallBusiness", None),
    }
    assert sorted(r["kind"] for r in doc["remap"]) == ["added", "added", "removed", "repointed"]
    (move,) = doc["transitions"]  # to an identical copy: a move that changes nothing
    assert move["changes"] == [] and move["category"] is None


def test_a_move_due_before_the_change_is_apart(sides: tuple[Path, Path]) -> None:
    """Issue 12, item 5: the same folder twice, a tenant left behind on SmallBusiness while
    the remap sends its pair to MediumBusiness: not in `mailboxes_to_update`, nor the gate."""
    old, _ = sides
    tenants = old.parent / "tenants.csv"
    tenants.write_text(
        "name,domain,program_id,offer_id,plan,mailboxes\n"
        "Contoso,contoso.example,Business,MedOrg,SmallBusiness,310\n",
        encoding="utf-8",
    )
    options = DiffOptions(old=str(old), new=str(old), tenants=str(tenants), exit_code=True)
    doc = report(diff_paths(options))
    assert doc["summary"]["text"] == "No changes."
    assert doc["summary"]["mailboxes_to_update"] == doc["tenants"]["mailboxes_to_update"] == 0
    assert doc["tenants"]["reached"] == [] and doc["tenants"]["unreached"] == 1
    assert doc["tenants"]["already_due"] == {
        "tenants": [
            {
                "name": "Contoso",
                "line": 2,
                "old_plan": "SmallBusiness",
                "due_plan": "MediumBusiness",
                "new_plan": "MediumBusiness",
                "mailboxes": 310,
                "estimated": True,  # no mailboxes.Standard: the total stands in
            }
        ],
        "mailboxes": 310,
        "estimated": True,
    }
    assert doc["gate"] == {"failed": False, "reasons": []}


def test_a_due_tenant_reached_by_an_edit_of_its_due_plan(sides: tuple[Path, Path]) -> None:
    old, new = sides
    repoint(old)
    repoint(new)
    shrink_medium(new)  # 1000 -> 250 mailboxes: Contoso's 200 fit, SmallBusiness had 250
    rewrite(
        new / "MediumBusiness.serviceplan", "<MailUserCountQuota>1000<", "<MailUserCountQuota>900<"
    )
    tenants = str(old.parent / "tenants.csv")
    doc = report(diff_paths(DiffOptions(old=str(old), new=str(new), tenants=tenants)))
    (contoso,) = [t for t in doc["tenants"]["reached"] if t["name"] == "Contoso"]
    assert (contoso["old_plan"], contoso["new_plan"], contoso["due_plan"]) == (
        "SmallBusiness",
        "MediumBusiness",
        "MediumBusiness",
    )
    assert (contoso["changes"], contoso["mailboxes_to_update"]) == (1, 0)  # MailUserCountQuota
    due = doc["tenants"]["already_due"]
    assert [(t["name"], t["mailboxes"]) for t in due["tenants"]] == [("Contoso", 200)]


def test_a_plan_file_move_and_its_gate(sides: tuple[Path, Path]) -> None:
    old, _ = sides
    options = DiffOptions(
        old=str(old / "SmallBusiness.serviceplan"),
        new=str(old / "MediumBusiness.serviceplan"),
        fail_on=frozenset({"MailboxPlanConfiguration"}),
    )
    doc = report(diff_paths(options))
    assert doc["plans"] == doc["remap"] == doc["findings"] == []
    (move,) = doc["transitions"]
    assert (move["old"], move["new"], move["in_place"]) == (
        "SmallBusiness",
        "MediumBusiness",
        False,
    )
    assert doc["summary"]["changed"] is True
    (reason,) = doc["gate"]["reasons"]
    assert (reason["kind"], reason["count"], reason["plans"]) == (
        "fail-on",
        5,
        [{"old": "SmallBusiness", "new": "MediumBusiness", "changes": 5}],
    )


def _with(plan: ResolvedPlan, feature: str, value: Value) -> ResolvedPlan:
    setting = Setting(feature, value, str(value), Location(plan.source, 7))
    return replace(
        plan, organization=tuple(setting if s.feature == feature else s for s in plan.organization)
    )


def test_every_value_type() -> None:
    catalog = load_catalog()
    compiled = compile_plans([bundled_plans()])
    old = next(p for p in compiled.plans if p.name == "SmallBusiness")
    new = _with(old, "MailboxCountQuota", 3000)
    new = _with(new, "MailUserCountQuota", UNLIMITED)
    new = _with(new, "PrivacyLink", 'https://example.com/"<privacy>"')
    large = next(p for p in compiled.plans if p.name == "LargeBusiness")
    mailbox_plans = list(large.mailbox_plans)
    mailbox_plans[0] = replace(
        mailbox_plans[0],
        settings=tuple(
            Setting(s.feature, timedelta(hours=1, seconds=0.5), "01:00:00.5", Location("x", 3))
            if s.feature == "SyncAccountsPollingInterval"
            else s
            for s in mailbox_plans[0].settings
        ),
    )
    result = diff_revisions(
        [old, large],
        [new, replace(large, mailbox_plans=tuple(mailbox_plans))],
        compiled.remaps,
        compiled.remaps,
        catalog,
    )
    outcome = DiffOutcome("a", "b", result, None, FindingsReport(("a", "b"), result.findings))
    doc = report(outcome)
    values = {c["feature"]: c["new"] for p in doc["plans"] for c in p["changes"]}
    assert values == {
        "MailboxCountQuota": 3000,
        "MailUserCountQuota": "Unlimited",
        "PrivacyLink": 'https://example.com/"<privacy>"',
        "SyncAccountsPollingInterval": 3600.5,
    }
    assert ORGANIZATION in {c["scope"] for p in doc["plans"] for c in p["changes"]}


# --------------------------------------------------------------------------- strictness


@pytest.fixture
def sample(sides: tuple[Path, Path]) -> dict[str, Any]:
    old, new = sides
    repoint(new)
    return report(
        diff_paths(DiffOptions(old=str(old), new=str(new), tenants=str(old.parent / "tenants.csv")))
    )


@pytest.mark.parametrize(
    ("where", "mutate"),
    [
        ("an unknown top-level key", lambda d: d.update(extra=1)),
        ("an unknown summary key", lambda d: d["summary"].update(extra=1)),
        ("a category that does not exist", lambda d: d["summary"]["categories"].update(Cheap=1)),
        (
            "a change kind that does not exist",
            lambda d: d["transitions"][0]["changes"][0].update(kind="moved"),
        ),
        (
            "a per-mailbox category at constant cost",
            lambda d: d["transitions"][0]["changes"][-1].update(
                category="MailboxPlanConfiguration", cost="constant"
            ),
        ),
        ("a repointed row without its old plan", lambda d: d["remap"][0].update(old_plan=None)),
        ("a tenant without a line", lambda d: d["tenants"]["reached"][0].pop("line")),
        ("a finding with a bad rule id", lambda d: d["findings"][0].update(rule="X1")),
        ("a location with a column", lambda d: d["remap"][0]["new_location"].update(column=1)),
        ("a gate that passes with reasons", lambda d: d["gate"].update(failed=False)),
        ("a gate reason of no kind", lambda d: d["gate"]["reasons"].append({"kind": "x"})),
        ("a tenant without due_plan", lambda d: d["tenants"]["reached"][0].pop("due_plan")),
        ("no already_due", lambda d: d["tenants"].pop("already_due")),
    ],
)
def test_the_schema_catches_drift(sample: dict[str, Any], where: str, mutate: Any) -> None:
    broken = copy.deepcopy(sample)
    mutate(broken)
    assert errors(broken), where
