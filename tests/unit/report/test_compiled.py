"""Output of `serviceplan compile`: the JSON document against its schema, and the text tables."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from serviceplan.catalog import MAILBOX_PLAN, ORGANIZATION, load_catalog
from serviceplan.model import Location, ResolvedPlan, Setting
from serviceplan.pipeline import CompileOptions, compile_plans
from serviceplan.report import REPORTERS, ReportOptions
from serviceplan.report.compiled import render_json, render_text

OPTIONS = ReportOptions(tool_version="1.2.3")


def schema() -> dict[str, Any]:
    text = files("serviceplan.schemas").joinpath("compile-report.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema())
    return jsonschema.Draft202012Validator(schema())


def errors(document: Any) -> list[str]:
    return [error.message for error in validator().iter_errors(document)]


@pytest.fixture
def bundled(samples_folder: Path) -> tuple[ResolvedPlan, ...]:
    result = compile_plans([str(samples_folder)])
    assert result.report.errors == 0
    assert len(result.plans) == 6
    return result.plans


def with_setting(plan: ResolvedPlan, setting: Setting) -> ResolvedPlan:
    """The plan with one setting of its first mailbox plan replaced (types plans cannot write
    in hosting mode: timespans, enumerations)."""
    first = plan.mailbox_plans[0]
    settings = tuple(setting if s.feature == setting.feature else s for s in first.settings)
    return replace(plan, mailbox_plans=(replace(first, settings=settings), *plan.mailbox_plans[1:]))


def test_bundled_json_matches_the_schema(bundled: tuple[ResolvedPlan, ...]) -> None:
    document = json.loads(render_json(bundled, OPTIONS))
    assert errors(document) == []
    assert list(document) == ["version", "tool", "catalog", "all_features", "plans", "left_out"]
    assert document["tool"] == {"name": "serviceplan", "version": "1.2.3"}
    assert document["catalog"] == "exchange2013"


def test_every_value_type_matches_the_schema(bundled: tuple[ResolvedPlan, ...]) -> None:
    plan = bundled[0]
    where = Location(plan.source, 99)
    span = timedelta(hours=1, seconds=0.5)
    plan = with_setting(plan, Setting("SyncAccountsPollingInterval", span, "01:00:00.5", where))
    plan = with_setting(plan, Setting("UMEnabled", "Enabled", "Enabled", where))
    document = json.loads(render_json((plan,), OPTIONS))
    assert errors(document) == []
    settings = document["plans"][0]["mailbox_plans"][0]["settings"]
    assert settings["SyncAccountsPollingInterval"] == {
        "value": 3600.5,
        "type": "timespan",
        "text": "01:00:00.5",
        "source": "explicit",
        "line": 99,
    }
    assert settings["UMEnabled"]["value"] == "Enabled"


def test_empty_plan_list_matches_the_schema() -> None:
    assert errors(json.loads(render_json((), OPTIONS))) == []


def test_schema_rejects_what_render_json_never_prints(
    bundled: tuple[ResolvedPlan, ...],
) -> None:
    good = json.loads(render_json(bundled[:1], OPTIONS))
    org = good["plans"][0]["organization"]
    explicit = next(name for name, entry in org.items() if entry["source"] == "explicit")
    default = next(name for name, entry in org.items() if entry["source"] == "default")

    def broken(change: Any) -> list[str]:
        document = copy.deepcopy(good)
        change(document["plans"][0])
        return errors(document)

    assert broken(lambda p: p["organization"][explicit].pop("line"))
    assert broken(lambda p: p["organization"][default].update(line=3))
    assert broken(lambda p: p["organization"][default].update(source="inherited"))
    assert broken(lambda p: p["organization"]["AcceptedDomains"].update(value="Unlimited"))
    assert broken(lambda p: p["organization"]["MailboxCountQuota"].update(value="250"))
    assert broken(lambda p: p["organization"]["MailboxCountQuota"].update(value=True))
    assert broken(
        lambda p: p["mailbox_plans"][0]["settings"]["ProhibitSendReceiveMaiboxQuota"].update(
            value="2GB"
        )
    )
    assert broken(lambda p: p["organization"][explicit].update(extra=1))
    assert broken(lambda p: p.update(extra=1))
    assert broken(lambda p: p["selected_by"].append({"file": "x", "line": 1}))
    # and accepts the value forms it does print
    assert not broken(lambda p: p["organization"]["MailboxCountQuota"].update(value="Unlimited"))


def test_json_is_byte_identical_across_runs(samples_folder: Path) -> None:
    first = render_json(compile_plans([str(samples_folder)]).plans, OPTIONS)
    second = render_json(compile_plans([str(samples_folder)]).plans, OPTIONS)
    assert first == second
    assert first.endswith("}\n")


def test_text_tables_and_provenance(samples_folder: Path) -> None:
    options = CompileOptions(program_id="Business", offer_id="LargeOrg")
    (plan,) = compile_plans([str(samples_folder)], options).plans
    text = render_text((plan,), OPTIONS)
    lines = text.splitlines()
    assert lines[0] == f"LargeBusiness  ({plan.source})"
    assert "  selected by " in lines[1] and "ServicePlanHostingRemap.csv:9" in lines[1]
    assert "  Organization" in lines
    assert text.count("    Feature ") == 4  # Organization + three mailbox plans
    assert "Value" in lines[lines.index("  Organization") + 1]
    assert lines[lines.index("  Organization") + 1].rstrip().endswith("From")
    assert "  Mailbox plan 'Premium' (index 1, default, line 83)" in lines
    premium = next(
        line for line in lines if "ProhibitSendReceiveMaiboxQuota" in line and "10GB" in line
    )
    assert "10GB = 10,737,418,240 bytes" in premium
    assert premium.endswith("LargeBusiness.serviceplan:104")
    accepted = next(line for line in lines if line.strip().startswith("AcceptedDomains"))
    assert accepted.endswith("LargeBusiness.serviceplan:13")
    assert not any(line.strip().startswith("PrivacyLink") for line in lines)  # datacenter-only
    assert lines[-2].startswith("Datacenter-only features left at their default are not shown")
    assert lines[-1] == "1 plan compiled"
    every = render_text((plan,), OPTIONS, all_features=True).splitlines()
    assert any(line.strip().startswith("PrivacyLink") and "(unset)" in line for line in every)
    assert every[-1] == "1 plan compiled"


# datacenter-only defaults (issue 12, item 17) and what an error left out (item 7)


def _datacenter_only(scope: str) -> list[str]:
    return [name for name, f in load_catalog().scope(scope).items() if not f.hosting]


def test_datacenter_only_defaults_are_hidden_unless_all_features(
    bundled: tuple[ResolvedPlan, ...],
) -> None:
    hidden = json.loads(render_json(bundled, OPTIONS))
    assert errors(hidden) == [] and hidden["all_features"] is False
    org = hidden["plans"][0]["organization"]
    assert not set(_datacenter_only(ORGANIZATION)) & set(org)
    assert "PrivacyLink" not in org and "AcceptedDomains" in org  # a hosting default stays
    settings = hidden["plans"][0]["mailbox_plans"][0]["settings"]
    assert not set(_datacenter_only(MAILBOX_PLAN)) & set(settings)
    every = json.loads(render_json(bundled, OPTIONS, all_features=True))
    assert errors(every) == [] and every["all_features"] is True
    assert list(every["plans"][0]["organization"]) == list(load_catalog().scope(ORGANIZATION))


def test_a_datacenter_only_feature_the_plan_writes_still_shows(
    bundled: tuple[ResolvedPlan, ...],
) -> None:
    name = _datacenter_only(MAILBOX_PLAN)[0]
    written = Setting(name, True, "true", Location(bundled[0].source, 77))
    plan = with_setting(bundled[0], written)
    settings = json.loads(render_json((plan,), OPTIONS))["plans"][0]["mailbox_plans"][0]
    assert settings["settings"][name]["line"] == 77
    row = next(line for line in render_text((plan,), OPTIONS).splitlines() if name in line)
    assert row.rstrip().endswith(":77")


def test_shared_defaults_and_settings_made_elsewhere_give_the_same_json(
    bundled: tuple[ResolvedPlan, ...],
) -> None:
    """resolve's shared default settings take a shortcut to JSON; fresh copies of the same
    settings (as another producer would make them) take the general way, to the same bytes."""

    def fresh(settings: tuple[Setting, ...]) -> tuple[Setting, ...]:
        return tuple(Setting(*setting) for setting in settings)

    copies = tuple(
        replace(
            plan,
            organization=fresh(plan.organization),
            mailbox_plans=tuple(replace(m, settings=fresh(m.settings)) for m in plan.mailbox_plans),
        )
        for plan in bundled
    )
    assert copies == bundled
    for every in (False, True):
        shortcut = render_json(bundled, OPTIONS, all_features=every)
        assert render_json(copies, OPTIONS, all_features=every) == shortcut
        assert render_json(bundled, OPTIONS, all_features=every) == shortcut  # none changed


def test_left_out_in_json_and_text(tmp_path: Path, small_business: str) -> None:
    (tmp_path / "Good.serviceplan").write_text(small_business, encoding="utf-8")
    (tmp_path / "Bad.serviceplan").write_text(small_business.replace(">true<", ">maybe<", 1))
    (tmp_path / "ServicePlanHostingRemap.csv").write_text(
        "Business,Good,Good\nBusiness,Bad,Bad\nbusiness,good,Good\n", encoding="utf-8"
    )
    result = compile_plans([str(tmp_path)])
    document = json.loads(render_json(result.plans, OPTIONS, left_out=result.left_out))
    assert errors(document) == []
    assert [plan["name"] for plan in document["plans"]] == ["Good"]
    assert document["left_out"] == [
        {
            "kind": "plan",
            "name": "Bad",
            "file": str(tmp_path / "Bad.serviceplan"),
            "line": None,
            "reason": "1 error in its file",
            "rules": ["SP107"],
        },
        {
            "kind": "remap_line",
            "name": "Good",
            "file": str(tmp_path / "ServicePlanHostingRemap.csv"),
            "line": 3,
            "reason": "maps (business, good) to Good but has an error, so it is not counted "
            "as selecting the plan",
            "rules": ["SP403"],
        },
    ]
    lines = render_text(result.plans, OPTIONS, left_out=result.left_out).splitlines()
    remap = tmp_path / "ServicePlanHostingRemap.csv"
    assert lines[1:3] == [
        f"  selected by {remap}:1 (Business, Good)",
        f"  not counted: {remap}:3, a line with an error",
    ]
    start = lines.index("Left out (the findings on standard error say why):")
    assert lines[start + 1 : start + 3] == [
        f"  plan Bad  ({tmp_path / 'Bad.serviceplan'}): 1 error in its file [SP107]",
        f"  remap line {remap}:3: maps (business, good) to Good but has an error, so it is not "
        "counted as selecting the plan [SP403]",
    ]
    assert lines[-1] == "1 plan compiled, 1 plan left out"


def test_text_escapes_what_came_from_files(tmp_path: Path, small_business: str) -> None:
    """A remap field or a value cannot drive the terminal (names are escaped as elsewhere)."""
    plan = small_business.replace('Name="Standard"', 'Name="Std\u202e"')
    (tmp_path / "SmallBusiness.serviceplan").write_text(plan, encoding="utf-8")
    (tmp_path / "ServicePlanHostingRemap.csv").write_text(
        "Business,Small\x1b[2JOrg,SmallBusiness\n", encoding="utf-8"
    )
    result = compile_plans([str(tmp_path)])
    text = render_text(result.plans, OPTIONS, left_out=result.left_out)
    assert "\x1b" not in text and "\u202e" not in text
    assert "Small\\x1b[2JOrg" in text and "Std\\u202e" in text


def test_text_is_streamed_a_plan_at_a_time(samples_folder: Path) -> None:
    """`compile` text is written as it is produced (issue 14): one piece per plan and one
    for the summary, the same bytes as the whole report."""
    result = compile_plans([str(samples_folder)])
    options = replace(OPTIONS, all_features=True)
    pieces = list(REPORTERS.chunks(("compile", "text"), result, options))
    assert len(pieces) == len(result.plans) + 1
    assert b"".join(pieces).decode("utf-8") == REPORTERS["compile", "text"](result, options)
    assert pieces[-1].endswith(b"plans compiled\n")
