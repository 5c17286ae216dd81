from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from serviceplan.catalog import load_catalog
from serviceplan.errors import UsageError
from serviceplan.files.inputs import REMAP_NAME, STDIN, Input, discover
from serviceplan.model import Severity
from serviceplan.pipeline import (
    DiffOptions,
    ValidateOptions,
    diff_paths,
    validate_paths,
    validate_plan_bytes,
)

REMAP = "Business,SmallOrg,SmallBusiness\n"


def rel(inputs: list[Input], root: Path) -> list[tuple[str, bool]]:
    return [(Path(i.display).relative_to(root).as_posix(), i.is_remap) for i in inputs]


@pytest.fixture
def plans(tmp_path: Path, small_business: str) -> Path:
    """A folder holding SmallBusiness.serviceplan and a remap pointing at it."""
    (tmp_path / "SmallBusiness.serviceplan").write_text(small_business, encoding="utf-8")
    (tmp_path / REMAP_NAME).write_text(REMAP, encoding="utf-8")
    return tmp_path


# discover


def test_discover_searches_folders_recursively_and_sorted(tmp_path: Path) -> None:
    for name in [
        "b.serviceplan",
        "A.SERVICEPLAN",
        REMAP_NAME,
        "notes.txt",
        "other.csv",
        "sub/z.servicePlan",
        "sub/deeper/servicePlanHostingRemap.CSV",
        "sub/deeper/x.serviceplan.bak",
        "another/y.serviceplan",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    assert rel(discover([str(tmp_path)]), tmp_path) == [
        ("A.SERVICEPLAN", False),
        (REMAP_NAME, True),
        ("b.serviceplan", False),
        ("another/y.serviceplan", False),
        ("sub/z.servicePlan", False),
        ("sub/deeper/servicePlanHostingRemap.CSV", True),
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_discover_does_not_follow_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Secret.serviceplan").write_text("x")
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "Real.serviceplan").write_text("x")
    (folder / "Link.serviceplan").symlink_to(outside / "Secret.serviceplan")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    assert rel(discover([str(folder)]), folder) == [("Real.serviceplan", False)]


def test_discover_explicit_files_and_duplicates(tmp_path: Path) -> None:
    plan = tmp_path / "p.xml"
    plan.write_text("x")
    remap = tmp_path / "servicePlanHostingRemap.CSV"
    remap.write_text("x")
    inputs = discover([str(plan), str(remap), str(plan)])
    assert [(Path(i.display).name, i.is_remap) for i in inputs] == [
        ("p.xml", False),
        ("servicePlanHostingRemap.CSV", True),
    ]
    assert inputs[0].path == plan


def test_discover_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file") as caught:
        discover([str(tmp_path / "nope.serviceplan")])
    assert caught.value.exit_code == 2
    assert "nope.serviceplan" in caught.value.message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_discover_dangling_link_is_a_usage_error(tmp_path: Path) -> None:
    link = tmp_path / "gone.serviceplan"
    link.symlink_to(tmp_path / "missing")
    with pytest.raises(UsageError, match="not a regular file or folder"):
        discover([str(link)])


def test_discover_dash_is_stdin() -> None:
    assert discover([STDIN]) == [Input("<stdin>", None, False)]
    assert discover([STDIN], "tenant.serviceplan") == [Input("tenant.serviceplan", None, False)]
    assert discover([STDIN], "x/ServicePlanHostingRemap.csv") == [
        Input("x/ServicePlanHostingRemap.csv", None, True)
    ]


# validate_paths


def test_validate_a_folder_with_a_plan_and_its_remap(plans: Path) -> None:
    report = validate_paths([str(plans)], ValidateOptions())
    assert [Path(f).name for f in report.files] == [REMAP_NAME, "SmallBusiness.serviceplan"]
    assert report.findings == ()
    assert (report.errors, report.warnings, report.failed) == (0, 0, False)
    assert report.summary() == "2 files: 0 errors, 0 warnings"


def test_validate_counts_errors_and_warnings(plans: Path, small_business: str) -> None:
    (plans / "Extra.serviceplan").write_text(small_business, encoding="utf-8")
    broken = small_business.replace("<AutoReplyEnabled>true<", "<AutoReplyEnabled>maybe<")
    (plans / "SmallBusiness.serviceplan").write_text(broken, encoding="utf-8")
    (plans / REMAP_NAME).write_text(REMAP + "Business,Gone,Nowhere\n", encoding="utf-8")
    report = validate_paths([str(plans)], ValidateOptions())
    got = [(Path(f.location.file).name, f.location.line, f.rule) for f in report.findings]
    line = broken.splitlines().index("    <AutoReplyEnabled>maybe</AutoReplyEnabled>") + 1
    assert got == [
        ("Extra.serviceplan", 0, "SP405"),
        (REMAP_NAME, 2, "SP404"),
        ("SmallBusiness.serviceplan", line, "SP107"),
    ]
    assert (report.errors, report.warnings) == (2, 1)
    assert report.failed
    assert report.summary() == "3 files: 2 errors, 1 warning"


def test_warnings_fail_only_when_strict(plans: Path, small_business: str) -> None:
    (plans / "Extra.serviceplan").write_text(small_business, encoding="utf-8")
    relaxed = validate_paths([str(plans)], ValidateOptions())
    strict = validate_paths([str(plans)], ValidateOptions(strict=True))
    assert [f.severity for f in relaxed.findings] == [Severity.WARNING]
    assert (relaxed.failed, strict.failed) == (False, True)


def test_plan_file_over_the_size_cap(plans: Path) -> None:
    report = validate_paths(
        [str(plans / "SmallBusiness.serviceplan")], ValidateOptions(max_file_size=100)
    )
    assert [(f.rule, Path(f.location.file).name) for f in report.findings] == [
        ("SP003", "SmallBusiness.serviceplan")
    ]


def test_plan_on_stdin(small_business: str) -> None:
    options = ValidateOptions(stdin=small_business.encode(), stdin_name="Tenant.serviceplan")
    report = validate_paths([STDIN], options)
    assert report.files == ("Tenant.serviceplan",)
    assert report.findings == ()


def test_stdin_plan_with_errors_is_reported_under_its_name() -> None:
    options = ValidateOptions(stdin=b"<Configuration>\n<Organization>", stdin_name="in.serviceplan")
    report = validate_paths([STDIN], options)
    assert [(f.rule, f.location.file) for f in report.findings] == [("SP001", "in.serviceplan")]


def test_remap_on_stdin_is_checked_against_the_plans_beside_its_name(plans: Path) -> None:
    """As the file itself would be: --stdin-name puts it in the plans' folder."""
    name = str(plans / "servicePlanHostingRemap.csv")
    options = ValidateOptions(
        stdin=(REMAP + "Business,MedOrg,MediumBusiness\n").encode(), stdin_name=name
    )
    report = validate_paths([STDIN], options)
    assert report.files == (name,)
    assert [(f.rule, f.location.file, f.location.line) for f in report.findings] == [
        ("SP404", name, 2)
    ]


def test_remap_on_stdin_flags_plans_beside_it_that_it_does_not_name(plans: Path) -> None:
    name = str(plans / REMAP_NAME)
    options = ValidateOptions(stdin=b"Business,MedOrg,SmallBusiness\n", stdin_name=name)
    assert validate_paths([STDIN], options).findings == ()
    options = ValidateOptions(stdin=b"# nothing\n", stdin_name=name)
    report = validate_paths([STDIN], options)
    assert [(f.rule, f.location.file) for f in report.findings] == [
        ("SP405", str(plans / "SmallBusiness.serviceplan"))
    ]


def test_remap_on_stdin_named_in_no_folder_is_checked_against_the_plans_given(
    plans: Path,
) -> None:
    options = ValidateOptions(stdin=b"Business,MedOrg,Other\n", stdin_name=f"nowhere/{REMAP_NAME}")
    report = validate_paths([STDIN, str(plans / "SmallBusiness.serviceplan")], options)
    assert [(f.rule, f.location.file) for f in report.findings] == [
        ("SP405", str(plans / "SmallBusiness.serviceplan")),
        ("SP404", f"nowhere/{REMAP_NAME}"),
    ]


def test_plan_on_stdin_lives_beside_the_remap_its_name_puts_it_in(
    plans: Path, small_business: str
) -> None:
    """A plan not yet on disk, read from standard input, satisfies the remap beside it."""
    (plans / REMAP_NAME).write_text(REMAP + "Business,MedOrg,New\n", encoding="utf-8")
    name = str(plans / "New.serviceplan")
    options = ValidateOptions(stdin=small_business.encode(), stdin_name=name)
    report = validate_paths([STDIN, str(plans / REMAP_NAME)], options)
    assert report.findings == ()


def test_remap_in_utf16_and_invalid_utf8(plans: Path) -> None:
    (plans / REMAP_NAME).write_bytes(REMAP.encode("utf-16"))
    assert validate_paths([str(plans)], ValidateOptions()).findings == ()
    (plans / REMAP_NAME).write_bytes(b"Business,SmallOrg,Small\xffBusiness\n")
    report = validate_paths([str(plans)], ValidateOptions())
    # an unreadable remap is reported once, not checked further
    assert [(f.rule, Path(f.location.file).name) for f in report.findings] == [
        ("SP004", REMAP_NAME)
    ]


# validate_plan_bytes


def test_schema_errors_on_a_line_the_rules_explain_are_not_repeated(small_business: str) -> None:
    source = small_business.replace(
        "    <MailTipsEnabled>true</MailTipsEnabled>\n",
        "    <MailTipsEnabled>true</MailTipsEnabled>\n    <Foo>1</Foo>\n",
    ).replace("<MailboxPlans>\n", "<MailboxPlans>\n    <Other/>\n")
    lines = source.splitlines()
    foo = lines.index("    <Foo>1</Foo>") + 1
    other = lines.index("    <Other/>") + 1
    findings = validate_plan_bytes(source.encode(), "s.serviceplan", load_catalog())
    # the XSD also rejects <Foo>, but SP101 explains that line already
    assert sorted((f.rule, f.location.line) for f in findings) == [
        ("SP100", other),
        ("SP101", foo),
    ]


def test_schema_violation_without_a_domain_rule_is_kept(small_business: str) -> None:
    source = small_business.replace('<Configuration Version="1"', '<Configuration Bogus="1"')
    findings = validate_plan_bytes(source.encode(), "s.serviceplan", load_catalog())
    assert [f.rule for f in findings] == ["SP100"]
    assert "Bogus" in findings[0].message


def test_wrong_root_gives_only_schema_findings() -> None:
    findings = validate_plan_bytes(b"<Config>\n</Config>", "s.serviceplan", load_catalog())
    assert [(f.rule, f.location.line) for f in findings] == [("SP100", 1)]


def test_doctype_stops_before_the_schema() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE Configuration>\n<Configuration/>'
    findings = validate_plan_bytes(data, "s.serviceplan", load_catalog())
    assert [(f.rule, f.location.line) for f in findings] == [("SP002", 2)]


# diff


@pytest.mark.parametrize(
    ("old", "new", "kinds"),
    [
        ("SmallBusiness.serviceplan", REMAP_NAME, "OLD is a plan file and NEW a remap"),
        (REMAP_NAME, ".", "OLD is a remap and NEW a folder"),
        (".", "SmallBusiness.serviceplan", "OLD is a folder and NEW a plan file"),
    ],
)
def test_diff_of_two_kinds_of_path_is_a_usage_error(
    plans: Path, old: str, new: str, kinds: str
) -> None:
    with pytest.raises(UsageError, match=kinds) as raised:
        diff_paths(DiffOptions(old=str(plans / old), new=str(plans / new)))
    assert "both plan files, both remaps or both folders" in raised.value.hint


def test_diff_of_two_remaps_compares_them(plans: Path) -> None:
    other = plans / "other" / REMAP_NAME
    other.parent.mkdir()
    other.write_text(REMAP + "Business,BigOrg,SmallBusiness\n", encoding="utf-8")
    (other.parent / "SmallBusiness.serviceplan").write_bytes(
        (plans / "SmallBusiness.serviceplan").read_bytes()
    )
    outcome = diff_paths(DiffOptions(old=str(plans / REMAP_NAME), new=str(other)))
    assert outcome.diff is not None and len(outcome.diff.remap) == 1


# the bundled samples


def test_bundled_samples_validate_clean(samples_folder: Path) -> None:
    report = validate_paths([str(samples_folder)], ValidateOptions(strict=True))
    names = sorted(Path(f).name for f in report.files)
    assert names == [
        "HostingAllFeatures.serviceplan",
        "HostingBusinessMapi.serviceplan",
        "HostingBusinessNonMapi.serviceplan",
        "LargeBusiness.serviceplan",
        "MediumBusiness.serviceplan",
        REMAP_NAME,
        "SmallBusiness.serviceplan",
    ]
    assert report.findings == ()
    assert not report.failed


def test_the_validation_path_imports_no_network_modules() -> None:
    """xml.sax.saxutils pulled in urllib, http.client and ssl: 20 ms of every run."""
    code = (
        "import sys, serviceplan.pipeline, serviceplan.report.compiled; "
        "print(sorted({'urllib.request', 'http', 'ssl', 'email'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
