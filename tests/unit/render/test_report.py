"""Render's report tells the truth (issue 12): a refused update is a finding (SP701), a
template error many tenants hit is one line, and a dry run lists what it would change."""

from __future__ import annotations

import json
from pathlib import Path

from _render_runs import TENANTS, inventory, names, run, user_template
from serviceplan import __version__
from serviceplan.render.report import render_json, render_text
from serviceplan.report import ReportOptions


def test_dry_run_lists_what_would_be_written_changed_and_removed(tmp_path: Path) -> None:
    """It printed counts only (issue 12, item 11): now a plan, as terraform shows one."""
    out = tmp_path / "out"
    run(inventory(tmp_path, *TENANTS), out)
    rows = ["Wingtip,w.com,Business,SmallOrg,,,", TENANTS[1],  # Contoso goes, Alpine stays
            TENANTS[2].replace("en-gb", "fr-fr"), "Adatum,a.com,Business,SmallOrg,,,"]  # fmt: skip
    result = run(inventory(tmp_path, *rows), out, dry_run=True)
    lines = render_text(result, ReportOptions(tool_version=__version__)).splitlines()
    assert lines == [
        "+ Adatum.ps1",
        "- Contoso.ps1",
        "~ Fabrikam.ps1",
        "+ Wingtip.ps1",
        "4 tenants (dry run, nothing written): 3 to write, 1 unchanged, 0 failed, 1 to remove",
    ]  # by file name; Alpine_Ski_House.ps1 is unchanged: only counted
    files = json.loads(render_json(result, ReportOptions(tool_version=__version__)))["files"]
    actions = {entry["path"]: entry["action"] for entry in files}
    assert actions == {"Alpine_Ski_House.ps1": "unchanged", "Fabrikam.ps1": "update",
                       "Wingtip.ps1": "create", "Adatum.ps1": "create",
                       "Contoso.ps1": "remove"}  # fmt: skip
    assert not run(inventory(tmp_path, *rows), out).dry_run  # a real run does what was listed
    assert names(out) == ["Adatum.ps1", "Alpine_Ski_House.ps1", "Fabrikam.ps1", "Wingtip.ps1",
                          "index.json"]  # fmt: skip


def test_an_update_exchange_refuses_is_a_finding_and_gets_no_script(tmp_path: Path) -> None:
    """It used to be a script with a `# WARNING: ... Exchange refuses the update` comment,
    `warnings: 0` and exit 0 (issue 12, item 9)."""
    rows = [*TENANTS, "Litware,l.com,Business,MedOrg,,LargeBusiness,"]
    out = tmp_path / "out"
    tenants = inventory(tmp_path, *rows)
    result = run(tenants, out, template="update-serviceplan.ps1")
    assert result.failed and not result.applied and not out.exists()  # as any error finding
    (finding,) = result.report.findings
    assert (finding.rule, finding.severity.value) == ("SP701", "error")
    assert (finding.location.file, finding.location.line) == (tenants, 5)
    assert finding.message.startswith(
        "tenant 'Litware': Exchange refuses its Update-ServicePlan from LargeBusiness to "
        "MediumBusiness (selected by ServicePlanHostingRemap.csv:8): "
    )
    for reason in (
        "mailbox plan Basic of LargeBusiness is not in MediumBusiness (SP603)",
        "mailbox plan Premium of LargeBusiness is not in MediumBusiness (SP603)",
        "PerMBXPlanRoleAssignmentPolicyEnabled cannot be turned off while the old plan has "
        "several mailbox plans (SP604)",
    ):
        assert reason in finding.message
    assert finding.message.endswith("; no script is written for it")
    assert "Litware" not in [o.tenant for o in result.outcomes]
    report = json.loads(render_json(result, ReportOptions(tool_version=__version__)))
    assert report["summary"]["errors"] == 1 and report["findings"][0]["rule"] == "SP701"
    assert "[SP701 update-refused]" in render_text(result, ReportOptions(tool_version=__version__))
    # the tenant's refusal, not an error in its row
    assert result.summary().endswith(", 1 update refused (no script)")
    # --keep-going writes the others, never the refused one; exit 1 still
    kept = run(tenants, out, template="update-serviceplan.ps1", keep_going=True)
    assert kept.failed and names(out) == ["Fabrikam.ps1", "index.json"]


def test_refused_updates_are_findings_only_for_templates_that_use_update(tmp_path: Path) -> None:
    rows = [*TENANTS, "Litware,l.com,Business,MedOrg,,LargeBusiness,"]
    tenants = inventory(tmp_path, *rows)
    for template in ("new-organization.ps1", "tenant.json"):
        result = run(tenants, tmp_path / template, template=template)
        assert not result.failed and not result.report.findings
    included = user_template(tmp_path, "part.txt", "{{ update.to }}\n")
    main = user_template(tmp_path, "main.txt", "{% include 'part.txt' %}")
    result = run(tenants, tmp_path / "mine", template=main)
    assert [f.rule for f in result.report.findings] == ["SP701"]
    assert Path(included).exists()


def test_a_template_error_every_tenant_hits_is_printed_once(tmp_path: Path) -> None:
    """It was printed once per tenant, 50 lines of the same error (issue 12, item 10)."""
    rows = [f"Tenant {n},t{n}.com,Business,SmallOrg,,,0" for n in range(60)]
    template = user_template(tmp_path, "per.txt", "line 1\n{{ 100 // tenant.mailboxes }}\n")
    result = run(inventory(tmp_path, *rows), tmp_path / "out", template=template)
    lines = render_text(result, ReportOptions(tool_version=__version__)).splitlines()
    assert lines == [
        f"{template}:2: error: ZeroDivisionError: integer division or modulo by zero "
        "(failed 60 tenants: 'Tenant 0', 'Tenant 1', 'Tenant 2' and 57 more)",
        "nothing was written; --keep-going writes the tenants that rendered",
        "60 tenants: nothing written (0 to write), 60 failed",
    ]
    assert (
        len(json.loads(render_json(result, ReportOptions(tool_version=__version__)))["failures"])
        == 60
    )


def test_values_that_differ_by_tenant_still_group_by_kind(tmp_path: Path) -> None:
    rows = ["Contoso,c.com,Business,SmallOrg,,,", "Alpine Ski House,a.com,Business,SmallOrg,,,",
            "Zero,z.com,Business,SmallOrg,,,0"]  # fmt: skip
    template = user_template(tmp_path, "t.ps1", "{{ tenant.mailboxes }}\n-Name {{ tenant.name }}\n")
    result = run(inventory(tmp_path, *rows), tmp_path / "out", template=template)
    lines = render_text(result, ReportOptions(tool_version=__version__)).splitlines()
    assert lines[0] == (
        f"{template}:1: error: tenant.mailboxes (the inventory gives no mailbox count) is "
        "unset: test it first ({% if ... is not none %}) or give a default (| default(...)) "
        "(failed 2 tenants: 'Contoso', 'Alpine Ski House')"
    )
    assert lines[1].endswith(
        f"error: tenant 'Zero': {template}:2: the value 'Zero' must go through ps_quote in a "
        "powershell template (column name)"
    )


def test_a_template_warning_is_a_finding_not_only_a_comment(tmp_path: Path) -> None:
    """new-organization.ps1 wrote `# WARNING: ... more than the plan allows` and reported
    `warnings: 0` (the same silence as item 9): warn() makes it SP702, counted."""
    rows = [*TENANTS, "Crowded,c.com,Business,SmallOrg,,,9999"]
    out = tmp_path / "out"
    tenants = inventory(tmp_path, *rows)
    result = run(tenants, out)
    assert not result.failed and result.applied  # a warning: the files are written
    (finding,) = result.report.findings
    assert (finding.rule, finding.severity.value, finding.location.line) == ("SP702", "warning", 5)
    assert finding.message == (
        "tenant 'Crowded': new-organization.ps1:27: the inventory reports 9999 mailboxes, more "
        "than the MailboxCountQuota of 250 that SmallBusiness allows"
    )
    crowded = (out / "Crowded.ps1").read_text(encoding="utf-8-sig")
    assert (
        "# WARNING: the inventory reports 9999 mailboxes, more than the plan allows.\n" in crowded
    )
    assert result.summary() == "4 tenants: 4 written, 0 unchanged, 0 failed, 1 warning"
    assert (
        json.loads(render_json(result, ReportOptions(tool_version=__version__)))["summary"][
            "warnings"
        ]
        == 1
    )


def test_warn_writes_nothing_in_any_kind_of_template(tmp_path: Path) -> None:
    for name in ("w.json", "w.csv", "w.txt", "w.ps1"):
        template = user_template(tmp_path, name, "1{{ warn('look at ' ~ tenant.name) }}\n")
        out = tmp_path / f"out-{name}"
        result = run(inventory(tmp_path, TENANTS[0]), out, template=template)
        assert (out / f"Contoso.{name[2:]}").read_bytes().endswith(b"1\n")
        (finding,) = result.report.findings
        assert finding.message == f"tenant 'Contoso': {template}:1: look at Contoso"


def test_update_of_a_tenant_whose_plan_does_not_change_is_unset(tmp_path: Path) -> None:
    template = user_template(tmp_path, "u.txt", "{{ update.to }}\n")
    result = run(inventory(tmp_path, TENANTS[0]), tmp_path / "out", template=template)
    (failure,) = result.outcomes
    assert failure.message == (
        f"tenant 'Contoso': {template}:1: update (only a tenant whose inventory `plan` names "
        "another plan than the remap has one) is unset: test it first "
        "({% if ... is not none %}) or give a default (| default(...))"
    )


def test_an_update_from_a_plan_not_compiled_is_a_warning(tmp_path: Path) -> None:
    """Its script said `# NOTE: ... its mailbox plans were not compared` and nothing counted it:
    the gate could not check the update, so it warns (SP702); the script is still written."""
    out = tmp_path / "out"
    rows = ["Retired,r.com,Business,SmallOrg,,OldPlan,"]
    result = run(inventory(tmp_path, *rows), out, template="update-serviceplan.ps1")
    assert not result.failed and names(out) == ["Retired.ps1", "index.json"]
    (finding,) = result.report.findings
    assert (finding.rule, finding.severity.value) == ("SP702", "warning")
    assert finding.message.endswith(
        ": OldPlan is not among the compiled plans: whether Exchange accepts the update to "
        "SmallBusiness was not checked"
    )
    assert "# NOTE: 'OldPlan' is not among" in (out / "Retired.ps1").read_text("utf-8-sig")
