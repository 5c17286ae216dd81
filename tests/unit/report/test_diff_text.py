"""The text form of `serviceplan diff`: what comes from the inputs cannot break a line or
reach the terminal as a control sequence (tenant names, remap fields)."""

from __future__ import annotations

import shutil
from pathlib import Path

from serviceplan.pipeline import DiffOptions, bundled_plans, diff_paths
from serviceplan.report import ReportOptions
from serviceplan.report.diff_text import render


def test_hostile_tenant_names_are_escaped(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        shutil.copytree(bundled_plans(), side, ignore=shutil.ignore_patterns("__*"))
    remap = new / "ServicePlanHostingRemap.csv"
    remap.write_text(remap.read_text().replace("SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness"))
    tenants = tmp_path / "tenants.csv"
    tenants.write_text(
        'name,domain,program_id,offer_id\n"x\x1b]0;title\x07",a.example,Business,SmallOrg\n'
        '"new\nline",b.example,Business,SmallOrg\n"\u202eevil",c.example,Business,SmallOrg\n',
        encoding="utf-8",
    )
    outcome = diff_paths(DiffOptions(old=str(old), new=str(new), tenants=str(tenants)))
    out = render(outcome, ReportOptions(tool_version="1"))
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    lines = out.splitlines()
    for shown in ("x\\x1b]0;title\\x07", "new\\nline", "\\u202eevil"):
        assert any(
            line.startswith(f"  ~ {shown}: SmallBusiness -> MediumBusiness") for line in lines
        ), (shown, out)
    assert "line: SmallBusiness" not in out.replace("new\\nline", "")  # no line of its own


def test_moves_due_before_the_change_are_listed_apart(tmp_path: Path) -> None:
    """Issue 12, item 5: `diff old/ old/` said "No changes." and "~310 mailboxes to update"."""
    tenants = tmp_path / "tenants.csv"
    tenants.write_text(
        "name,domain,program_id,offer_id,plan,mailboxes\n"
        '"Contoso\x1b[31m",contoso.example,Business,MedOrg,SmallBusiness,310\n',
        encoding="utf-8",
    )
    plans = bundled_plans()
    outcome = diff_paths(DiffOptions(old=plans, new=plans, tenants=str(tenants)))
    lines = render(outcome, ReportOptions(tool_version="1")).splitlines()
    assert lines[-1] == "No changes."
    assert (
        "Tenants (" + str(tenants) + "): 0 reached (0 skipped by Update-ServicePlan), "
        "1 not reached, 0 mailboxes to update"
    ) in lines
    due = lines.index("Already due before this change (not caused by it): 1 tenant, ~310 mailboxes")
    assert lines[due + 1] == "  Contoso\\x1b[31m: SmallBusiness -> MediumBusiness  [~310 mailboxes]"
    assert not any(line.startswith("Gate") for line in lines)
