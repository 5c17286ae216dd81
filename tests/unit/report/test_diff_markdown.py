"""`serviceplan diff --format markdown`: a pull-request comment with the summary first, details
collapsed, every value from a file escaped, and always under GitHub's 65,536-character limit."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from serviceplan.catalog import ORGANIZATION, load_catalog
from serviceplan.diff.compare import diff_files, diff_revisions
from serviceplan.diff.gate import FAIL_ON, Gate, GateReason
from serviceplan.diff.impact import DueMove, ImpactReport
from serviceplan.diff.spool import TenantImpact
from serviceplan.model import Finding, FindingsReport, Location, ResolvedPlan, Setting, Severity
from serviceplan.pipeline import DiffOptions, DiffOutcome, bundled_plans, compile_plans, diff_paths
from serviceplan.report import ReportOptions
from serviceplan.report.diff_common import COST_ORDER, summary
from serviceplan.report.diff_markdown import LIMIT, TENANTS_SHOWN, escape, render
from serviceplan.tenants.inventory import Tenant
from serviceplan.values import UNLIMITED, Unlimited, Value

OPTIONS = ReportOptions(tool_version="1.2.3")
CATALOG = load_catalog()
COMPILED = compile_plans([bundled_plans()])
PLANS = {plan.name: plan for plan in COMPILED.plans}
HOSTILE = "a|b<script>alert(1)</script> *x* _y_ [l](http://e) @team `c` \\| #1 ~~s~~ &amp;\nnext"


def md(outcome: DiffOutcome) -> str:
    text = render(outcome, OPTIONS)
    assert len(text) < LIMIT and len(text.encode("utf-8")) < LIMIT
    assert text == render(outcome, OPTIONS)  # deterministic
    return text


def outcome_of(
    old: list[ResolvedPlan],
    new: list[ResolvedPlan],
    impact: ImpactReport | None = None,
    extra: tuple[Finding, ...] = (),
) -> DiffOutcome:
    result = diff_revisions(old, new, COMPILED.remaps, COMPILED.remaps, CATALOG)
    findings = tuple(sorted((*result.findings, *extra), key=Finding.sort_key))
    return DiffOutcome("old", "new", result, impact, FindingsReport(("old", "new"), findings))


def set_org(plan: ResolvedPlan, feature: str, value: Value) -> ResolvedPlan:
    setting = Setting(feature, value, str(value), Location(plan.source, 5))
    return replace(
        plan, organization=tuple(setting if s.feature == feature else s for s in plan.organization)
    )


def details_depth(lines: list[str]) -> list[int]:
    """Per line, how many <details> blocks are open on it."""
    depth, depths = 0, []
    for line in lines:
        depth += line.count("<details>")
        depths.append(depth)
        depth -= line.count("</details>")
        assert depth >= 0
    assert depth == 0
    return depths


@pytest.fixture
def repoint(tmp_path: Path) -> DiffOutcome:
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        shutil.copytree(bundled_plans(), side, ignore=shutil.ignore_patterns("__*"))
    remap = new / "ServicePlanHostingRemap.csv"
    remap.write_text(remap.read_text().replace("SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness"))
    large = new / "LargeBusiness.serviceplan"
    large.write_text(large.read_text().replace('Name="Basic"', 'Name="Light"'))
    tenants = tmp_path / "tenants.csv"
    tenants.write_text(
        "name,domain,program_id,offer_id,mailboxes,mailboxes.Standard\n"
        "Contoso,contoso.example,Business,SmallOrg,200,200\n"
    )
    return diff_paths(DiffOptions(old=str(old), new=str(new), tenants=str(tenants)))


def test_summary_first_then_collapsed_details(repoint: DiffOutcome) -> None:
    text = md(repoint)
    lines = text.splitlines()
    assert lines[0].startswith("### serviceplan diff: ")
    first_details = next(i for i, line in enumerate(lines) if "<details>" in line)
    head = "\n".join(lines[:first_details])
    assert f"**{summary(repoint)}**" in head
    assert "| Update category | Changes | Cost |" in head
    assert "per mailbox" in head and "constant per tenant" in head
    assert "**Blockers** (1):" in head and "SP601 mailbox-plan-renamed" in head
    assert "hint: Keep the old Name" in head
    assert "LargeBusiness.serviceplan:" in head  # file:line of the blocker
    assert "Tenants: 1 reached" in head
    assert "**MailboxPlanConfiguration** (costliest)" in head


def test_every_detail_row_is_collapsed(repoint: DiffOutcome) -> None:
    text = md(repoint)
    lines = text.splitlines()
    depths = details_depth(lines)
    summary_rows = {i for i, line in enumerate(lines) if line.startswith("| ") and depths[i] == 0}
    summary_table = [lines[i] for i in sorted(summary_rows)]
    assert summary_table[0] == "| Update category | Changes | Cost |"  # only that table
    assert len(summary_table) == 2 + len(repoint.diff.categories())  # type: ignore[union-attr]
    for needle in (
        "| Organization | AcceptedDomains |",
        "| Business | SmallOrg | repointed",
        "| Contoso | 2 | SmallBusiness → MediumBusiness |",
        "*mailbox-plan-renamed*",
    ):
        (i,) = [i for i, line in enumerate(lines) if needle in line]
        assert depths[i] == 1, needle
    assert "All findings" not in text  # the summary lists every one of them already
    assert lines.count("<details><summary>How to read this</summary>") == 1
    assert COST_ORDER in text


def test_no_changes_and_no_diff() -> None:
    same = outcome_of(list(PLANS.values()), list(PLANS.values()))
    assert md(same) == "### serviceplan diff: old → new\n\n**No changes.**\n"
    error = Finding(
        "SP101",
        Severity.ERROR,
        "Unknown feature <Foo>.",
        Location("a.serviceplan", 3),
        "Check the spelling.",
    )
    failed = DiffOutcome("old", "new", None, None, FindingsReport(("a",), (error,)))
    text = md(failed)
    assert text.index("**Blockers** (1):") < text.index("**No diff: fix the errors above first.**")
    assert "Unknown feature &lt;Foo&gt;. (a.serviceplan:3)<br>hint: Check the spelling." in text
    assert "How to read this" not in text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", "a&#124;b"),
        ("<script>", "&lt;script&gt;"),
        ("&amp;", "&amp;amp;"),
        ("`c`", "&#96;c&#96;"),
        ("*b*", "&#42;b&#42;"),
        ("_i_", "&#95;i&#95;"),
        ("[l](u)", "&#91;l&#93;(u)"),
        ("a\nb", "a↵b"),
        ("a\r\nb", "a↵b"),
        ("\\|", "&#92;&#124;"),
        ("@team", "@&#8203;team"),
        ("a\x00b", "a\ufffdb"),
        ("Größe 10GB", "Größe 10GB"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_escape_shortens_long_values() -> None:
    assert escape("x" * 500, 10) == "x" * 9 + "…"


def test_hostile_values_cannot_break_a_table_or_inject_html() -> None:
    old = PLANS["LargeBusiness"]
    new = set_org(old, "PrivacyLink", HOSTILE)
    evil_name = "Basic|<b>bold</b>\n# heading"
    mailbox_plans = tuple(
        replace(m, name=evil_name) if m.name == "Basic" else m for m in new.mailbox_plans
    )
    new = replace(new, mailbox_plans=mailbox_plans)
    tenant = Tenant(HOSTILE, "evil.example", "Business", "LargeOrg", Location(HOSTILE, 2))
    base = outcome_of([old], [new])
    assert base.diff is not None
    impact = ImpactReport(
        HOSTILE,
        (TenantImpact(tenant, "LargeBusiness", "LargeBusiness", base.diff.plans[0], 7, False),),
        0,
        (),
    )
    evil = Finding("SP606", Severity.ERROR, HOSTILE, Location(HOSTILE, 2), HOSTILE)
    outcome = replace(
        outcome_of([old], [new], impact, (evil,)), old_label=HOSTILE, new_label=HOSTILE
    )
    text = md(outcome)
    assert set(re.findall(r"</?([A-Za-z][\w-]*)", text)) <= {"details", "summary", "br"}
    for raw in ("a|b", "<script", "*x*", "_y_", "[l]", "@team", "`c`", "~~s~~", "<b>"):
        assert raw not in text, raw
    assert "a&#124;b&lt;script&gt;" in text and "&amp;amp;" in text
    assert not any(line.startswith(("next", "# heading")) for line in text.splitlines())
    for table in re.findall(r"(?m)(^\|.*\|\n(?:\|.*\|\n)+)", text):
        rows = table.splitlines()
        assert {row.count("|") for row in rows} == {rows[0].count("|")}, rows


def _changed(value: Value | None, feature_type: str) -> Value:
    if isinstance(value, bool) or feature_type == "boolean":
        return not value
    if feature_type in ("count", "bytes", "integer"):
        return 1 if value is None or isinstance(value, Unlimited) else value + 1  # type: ignore[operator]
    if feature_type == "timespan":
        return timedelta(seconds=1) + (value if isinstance(value, timedelta) else timedelta())
    return f"{value}|changed<i>"


def _everything_changed(plan: ResolvedPlan) -> ResolvedPlan:
    features = CATALOG.scope(ORGANIZATION)
    return replace(
        plan,
        organization=tuple(
            Setting(
                s.feature,
                _changed(s.value, features[s.feature].type),
                "x",
                Location(plan.source, 9),
            )
            for s in plan.organization
        ),
    )


def test_a_huge_diff_stays_under_the_limit_and_says_what_it_left_out() -> None:
    base = PLANS["SmallBusiness"]
    old = [
        replace(base, name=f"Plan{n:03d}", source=f"plans/Plan{n:03d}.serviceplan")
        for n in range(300)
    ]
    outcome = outcome_of(old, [_everything_changed(plan) for plan in old])
    assert outcome.diff is not None
    total = sum(len(d.changes) for d in outcome.diff.plans)
    assert total == 300 * len(base.organization)
    text = md(outcome)
    assert len(text) > LIMIT - 4_000  # the budget is used, not wasted
    lines = text.splitlines()
    shown = sum(1 for line in lines if line.startswith("| Organization | "))
    assert 0 < shown < total
    notice = next(line for line in lines if "not shown" in line)
    assert notice.startswith(f"**… {total - shown:,} more changes")
    assert "the comment limit is 65,536 characters" in notice
    assert "`serviceplan diff … --format json`" in notice
    assert details_depth(lines)[lines.index(notice)] == 0  # outside every collapsed block
    assert lines[2] == f"**{summary(outcome)}**"
    assert "**Warnings** (300):" in text and "- and 290 more" in text  # bounded summary
    assert "How to read this" in text


def test_a_hundred_thousand_tenants_are_bounded() -> None:
    old = PLANS["LargeBusiness"]
    new = replace(
        old,
        mailbox_plans=(
            replace(
                old.mailbox_plans[0],
                settings=tuple(
                    s._replace(value=3 << 30, text="3GB", location=Location(old.source, 9))
                    if s.feature == "ProhibitSendReceiveMaiboxQuota"
                    else s
                    for s in old.mailbox_plans[0].settings
                ),
            ),
            *old.mailbox_plans[1:],
        ),
    )
    base = outcome_of([old], [new])
    assert base.diff is not None
    move = base.diff.plans[0]
    count = 100_000
    tenants = tuple(
        TenantImpact(
            Tenant(
                f"Tenant{n:06d}",
                "t.example",
                "Business",
                "LargeOrg",
                Location("tenants.csv", n + 2),
            ),
            "LargeBusiness",
            "LargeBusiness",
            move,
            (n * 7919) % count,
            n % 3 == 0,
        )
        for n in range(count)
    )
    impact = ImpactReport("tenants.csv", tenants, 5, ())
    text = md(outcome_of([old], [new], impact))
    rows = [line for line in text.splitlines() if line.startswith("| Tenant")]
    assert len(rows) == TENANTS_SHOWN + 1  # the header and the top tenants
    counts = [int(row.split("|")[5].strip(" ~").replace(",", "")) for row in rows[1:]]
    assert counts == sorted(counts, reverse=True) and counts[0] == count - 1
    assert f"and {count - TENANTS_SHOWN:,} more tenants" in text
    assert f"Tenants: {count:,} reached, 5 not reached" in text


def _blocker_outcome(message: str, hint: str, where: str) -> DiffOutcome:
    findings = tuple(
        Finding(
            "SP606", Severity.ERROR, f"{n} {message}", Location(f"t{n:05d}.csv{where}", n + 1), hint
        )
        for n in range(5_000)
    )
    old = PLANS["MediumBusiness"]
    return outcome_of([old], [set_org(old, "MailboxCountQuota", 250)], None, findings)


def test_thousands_of_blockers_keep_the_summary_bounded() -> None:
    outcome = _blocker_outcome("tenant uses too much " * 20, "lower it", "")
    text = md(outcome)
    head = text[: text.index("<details>")]
    assert head.count("\n- **SP606") == 20
    assert "- and 4,980 more (in the details below, or run `serviceplan diff" in head
    assert f"**{summary(outcome)}**" in head
    assert "<details><summary>All findings (5,001)</summary>" in text  # and SP605
    assert "finding" in text[text.index("**…") :]  # the findings table ran out of room


def test_long_hostile_blockers_keep_the_summary_bounded() -> None:
    outcome = _blocker_outcome(HOSTILE * 200, HOSTILE * 200, "|" * 500)
    text = md(outcome)
    head = text[: text.index("<details>")]
    shown = head.count("\n- **SP606")
    assert 0 < shown <= 20
    assert f"- and {5_000 - shown:,} more" in head
    assert f"**{summary(outcome)}**" in head
    assert len(head.encode("utf-8")) < 25_000  # the details keep most of the room


def test_huge_labels_and_names_stay_bounded() -> None:
    old = PLANS["SmallBusiness"]
    name = "<" * 100_000
    outcome = replace(
        outcome_of([old], [set_org(old, "MailboxCountQuota", UNLIMITED)]),
        old_label="|" * 100_000,
        new_label=name,
    )
    text = md(outcome)
    assert "Unlimited" in text and "250 → Unlimited" in text


def test_moves_due_before_the_change_are_a_line_and_a_block_apart() -> None:
    """Issue 12, item 5: never in the change's summary; a hostile tenant name stays inert."""
    old = PLANS["SmallBusiness"]
    tenant = Tenant(HOSTILE, "t.example", "Business", "MedOrg", Location("tenants.csv", 2))
    due = DueMove(tenant, "SmallBusiness", "MediumBusiness", "LargeBusiness", 310, True)
    impact = ImpactReport("tenants.csv", (), 1, (), (due,))
    outcome = outcome_of([old], [old], impact)
    text = md(outcome)
    lines = text.splitlines()
    assert "**No changes.**" in lines
    assert "Already due before this change (not caused by it): 1 tenant, ~310 mailboxes." in lines
    assert "<script>" not in text and "@team" not in text
    (row,) = [line for line in lines if line.startswith("| a&#124;b")]
    assert row.endswith(
        "| 2 | SmallBusiness → MediumBusiness (after this change: → LargeBusiness) | ~310 |"
    )
    assert details_depth(lines)[lines.index(row)] == 1


def test_the_gate_is_in_the_summary_and_escaped() -> None:
    old = PLANS["MediumBusiness"]
    outcome = outcome_of([old], [set_org(old, "MailboxCountQuota", 250)])
    assert "Gate" not in md(outcome)  # a run that passes says nothing about the gate
    reason = GateReason(FAIL_ON, f"--fail-on X tripped: 1 change (move {HOSTILE} -> B)", 1, "X")
    text = md(replace(outcome, gate=Gate((reason,))))
    head = text[: text.index("<details>")]
    assert "**Gate failed** (exit 1):\n\n- --fail-on X tripped: 1 change (move a&#124;b&lt;" in head
    assert "↵next → B)" in head and "<script>" not in text


def test_a_plan_file_move_names_its_plans_escaped() -> None:
    """The summary line names the two plans of a plan-file move: a file name is hostile."""
    moved = diff_files(
        PLANS["SmallBusiness"], replace(PLANS["MediumBusiness"], name=HOSTILE), CATALOG
    )
    outcome = DiffOutcome("old", "new", moved, None, FindingsReport(("a", "b"), ()))
    text = md(outcome)
    head = text[: text.index("<details>")]
    assert head.startswith(
        "### serviceplan diff: old → new\n\n**1 plan move (SmallBusiness → a&#124;b&lt;"
    )
    assert "<script>" not in text and "@team" not in text
    assert "<details><summary>Moving a tenant SmallBusiness → a&#124;b&lt;" in text
