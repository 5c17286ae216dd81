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

from serviceplan.model import Location, ResolvedPlan, Setting
from serviceplan.pipeline import CompileOptions, compile_plans
from serviceplan.report import ReportOptions
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
    assert list(document) == ["version", "tool", "catalog", "plans"]
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
    assert any(line.strip().startswith("PrivacyLink") and "(unset)" in line for line in lines)
    assert lines[-1] == "1 plan compiled"
