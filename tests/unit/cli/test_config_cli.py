"""The project configuration and --select/--ignore through the CLI: every command that reports
findings screens them the same way, and the counts say what was left out."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from _samples import case_inputs
from serviceplan.cli import main

SAMPLES = Path(str(resources.files("serviceplan.serviceplans")))
CASES = Path(__file__).resolve().parents[2] / "cases"
REMAP_NAME = "ServicePlanHostingRemap.csv"


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository: plans/ (the samples, MediumBusiness no longer referenced: SP405), and the
    working directory at its root."""
    shutil.copytree(SAMPLES, tmp_path / "plans", ignore=shutil.ignore_patterns("__*"))
    remap = tmp_path / "plans" / REMAP_NAME
    lines = remap.read_text(encoding="utf-8").splitlines(keepends=True)
    remap.write_text("".join(line for line in lines if "MediumBusiness" not in line))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(folder: Path, text: str, name: str = ".serviceplan.toml") -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_without_configuration_sp405_is_a_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "plans"]) == 0
    assert capsys.readouterr().out.endswith("7 files: 0 errors, 1 warning\n")


def test_severity_strict_and_paths_from_the_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, 'paths = ["plans"]\nseverity = { SP405 = "error" }\n')
    assert main(["validate"]) == 1  # no PATH: the configuration's paths
    out = capsys.readouterr().out
    assert "MediumBusiness.serviceplan: error:" in out and out.endswith("1 error, 0 warnings\n")
    configure(project, 'paths = ["plans"]\nstrict = true\n')
    assert main(["validate"]) == 1
    assert main(["validate", "--no-strict"]) == 0
    assert main(["validate", "--isolated", "plans"]) == 0
    capsys.readouterr()


def test_the_configuration_is_found_from_a_subfolder(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, '[tool.serviceplan]\npaths = ["plans"]\nstrict = true\n', "pyproject.toml")
    (project / "docs").mkdir()
    monkeypatch.chdir(project / "docs")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert f"..{'/'}plans{'/'}MediumBusiness.serviceplan: warning:" in out


def test_ignore_and_select_on_the_command_line_count_what_they_leave_out(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "plans", "--strict", "--ignore", "plan-never-referenced"]) == 0
    assert capsys.readouterr().out == "7 files: 0 errors, 0 warnings (1 suppressed)\n"
    assert main(["validate", "plans", "--strict", "--select", "SP1,SP2", "-f", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["warnings"], summary["suppressed"]) == (0, 1)
    assert summary["text"] == "7 files: 0 errors, 0 warnings (1 suppressed)"


def test_a_bad_selector_or_configuration_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "plans", "--ignore", "plan-never-referencd"]) == 2
    assert "did you mean plan-never-referenced?" in capsys.readouterr().err
    configure(project, 'ignore = ["SP4O5"]\n')
    for argv in (["validate", "plans"], ["compile", "plans"], ["diff", "plans", "plans"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert ".serviceplan.toml: ignore: unknown rule 'SP4O5'" in err
    assert main(["validate", "plans", "--config", "missing.toml"]) == 2
    assert "--config missing.toml: no such file" in capsys.readouterr().err


def test_a_configured_path_that_is_missing_names_the_file_and_the_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, 'paths = ["Plans"]\n')
    assert main(["compile"]) == 2
    assert ".serviceplan.toml: paths: Plans: no such file or folder" in capsys.readouterr().err


def test_an_explicit_config_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, 'severity = { SP405 = "error" }\n', "ci.toml")
    assert main(["validate", "plans", "--config", "ci.toml"]) == 1
    assert main(["validate", "plans", "--config", "ci.toml", "--isolated"]) == 2
    assert "contradict" in capsys.readouterr().err


def test_compile_gates_on_the_screened_findings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rule the project switches off no longer stops its plan from compiling."""
    plan = project / "plans" / "SmallBusiness.serviceplan"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "<OutlookAnywhereEnabled>true<", "<OutlookAnywhereEnabled>false<"
        ),
        encoding="utf-8",
    )
    assert main(["compile", "plans", "--plan", "SmallBusiness"]) == 1
    assert "[SP201 broken-dependency]" in capsys.readouterr().err
    argv = ["compile", "plans", "--plan", "SmallBusiness", "--ignore", "SP201", "-f", "json"]
    assert main(argv) == 0
    assert [p["name"] for p in json.loads(capsys.readouterr().out)["plans"]] == ["SmallBusiness"]


def test_values_that_cannot_be_read_are_never_compiled_whatever_the_selection(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = project / "plans" / "SmallBusiness.serviceplan"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("<MailboxCountQuota>250<", "<MailboxCountQuota>lots<"))
    assert main(["compile", "plans", "--select", "SP4"]) == 1
    assert "[SP107 invalid-value]" in capsys.readouterr().err
    assert main(["compile", "plans", "--ignore", "SP107"]) == 2
    assert "cannot be switched off" in capsys.readouterr().err


def _plan_cases() -> list[str]:
    """The acceptance cases with plans or a remap of their own (not diff's old/ and new/)."""
    return sorted(
        case.name
        for case in CASES.iterdir()
        if (case / "expect.toml").is_file()
        and any(p.suffix in (".serviceplan", ".csv") for p in case.iterdir())
    )


@pytest.mark.parametrize("case", _plan_cases())
def test_no_selection_makes_compile_fail_on_a_case(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With only the remap rules selected, every rule the selection hides is one compile must
    survive: an answer, never a crash."""
    monkeypatch.chdir(case_inputs(CASES / case, tmp_path))
    assert main(["compile", ".", "--isolated", "--select", "SP4", "-f", "json"]) in (0, 1, 2)
    assert "internal error" not in capsys.readouterr().err


def test_diff_reads_fail_on_from_the_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(project / "plans", project / "new")
    plan = project / "new" / "LargeBusiness.serviceplan"
    text = plan.read_text(encoding="utf-8")
    assert "<ProhibitSendReceiveMaiboxQuota>" in text
    plan.write_text(
        text.replace("<ProhibitSendReceiveMaiboxQuota>", "<ProhibitSendReceiveMaiboxQuota>1", 1)
    )
    assert main(["diff", "plans", "new"]) == 0
    configure(project, 'fail-on = ["mailboxplanconfiguration"]\n')
    assert main(["diff", "plans", "new"]) == 1
    assert main(["diff", "plans", "new", "--fail-on", "OrgWideConfiguration"]) == 0  # overrides
    configure(project, 'severity = { plan-edited-in-place = "error" }\n')
    assert main(["diff", "plans", "new"]) == 1  # SP605 raised to an error by the project
    assert "error: " in capsys.readouterr().out
    assert main(["diff", "plans", "new", "--ignore", "SP605"]) == 0


def test_render_screens_inventory_findings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tenants = project / "tenants.csv"
    tenants.write_text(
        "name,domain,program_id,offer_id\n"
        "Contoso,contoso.com,Business,SmallOrg\n"
        "Nowhere,nowhere.com,Business,Nope\n",
        encoding="utf-8",
    )
    argv = ["render", "plans", "--tenants", str(tenants), "--template", "tenant.json"]
    assert main([*argv, "--out", "out"]) == 1  # SP505: nothing written
    assert "[SP505 inventory-unknown-pair]" in capsys.readouterr().out
    assert not (project / "out").exists()
    configure(project, 'severity = { inventory-unknown-pair = "warning" }\n')
    assert main([*argv, "--out", "out"]) == 0
    assert (project / "out" / "Contoso.json").is_file()
    assert "warning: " in capsys.readouterr().out
    assert main([*argv, "--out", "out2", "--ignore", "SP505", "-f", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["rule"] for f in findings] == ["SP405"]  # the plans' own warning stays


def test_diff_findings_honour_the_plan_s_own_suppression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An edit in place the team means (SP605) is marked in the plan itself."""
    monkeypatch.chdir(case_inputs(CASES / "diff-smallorg-repoint", tmp_path))
    argv = ["diff", "old", "new", "-f", "json"]
    assert main(argv) == 0
    assert [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["SP605"]
    plan = Path("new/MediumBusiness.serviceplan")
    declaration, rest = plan.read_text(encoding="utf-8").split("\n", 1)
    plan.write_text(f"{declaration}\n<!-- serviceplan: ignore SP605 -->\n{rest}", encoding="utf-8")
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["findings"] == [] and document["summary"]["suppressed"] == 1
    assert document["summary"]["text"].endswith(". 1 finding suppressed.")
    assert main(argv[:-2]) == 0
    assert capsys.readouterr().out.rstrip().endswith(". 1 finding suppressed.")
