"""compile_plans: remap given apart from the plans, one file per plan name, and what an
error leaves out (only what depends on it)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from serviceplan.errors import ResolveError
from serviceplan.pipeline import CompileOptions, CompileResult, compile_plans, render_tenants
from serviceplan.render.run import RenderOptions

SAMPLES = resources.files("serviceplan.serviceplans")


def _copy_plan(folder: Path, name: str = "SmallBusiness") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.serviceplan"
    target.write_bytes((SAMPLES / f"{name}.serviceplan").read_bytes())
    return target


def test_remap_in_another_folder_is_checked_against_the_plans_given(tmp_path: Path) -> None:
    _copy_plan(tmp_path / "plans")
    remap = tmp_path / "maps" / "ServicePlanHostingRemap.csv"
    remap.parent.mkdir()
    remap.write_text("Business,SmallOrg,SmallBusiness\n")
    options = CompileOptions(remap=str(remap), program_id="Business", offer_id="SmallOrg")
    result = compile_plans([str(tmp_path / "plans")], options)
    assert result.report.errors == 0, result.report.findings
    assert [plan.name for plan in result.plans] == ["SmallBusiness"]
    assert result.plans[0].selected_by[0].location.file == str(remap)


def test_two_files_for_one_plan_name_are_refused(tmp_path: Path) -> None:
    first = _copy_plan(tmp_path)
    second = _copy_plan(tmp_path / "sub")
    with pytest.raises(ResolveError) as caught:
        compile_plans([str(tmp_path)])
    assert str(first) in caught.value.message and str(second) in caught.value.message


def test_other_plans_do_not_need_to_be_unique(tmp_path: Path) -> None:
    _copy_plan(tmp_path)
    _copy_plan(tmp_path / "sub")
    _copy_plan(tmp_path, "MediumBusiness")
    result = compile_plans([str(tmp_path)], CompileOptions(plan="MediumBusiness"))
    assert [plan.name for plan in result.plans] == ["MediumBusiness"]
    shutil.rmtree(tmp_path / "sub")


# An error blocks only what depends on it (issue 12, item 7)

BUNDLED = (
    "HostingAllFeatures",
    "HostingBusinessMapi",
    "HostingBusinessNonMapi",
    "LargeBusiness",
    "MediumBusiness",
    "SmallBusiness",
)
REMAP = (
    "Business,SmallOrg,SmallBusiness\nBusiness,MedOrg,MediumBusiness\n"
    "Business,LargeOrg,LargeBusiness\nHosting,All,HostingAllFeatures\n"
    "Hosting,Mapi,HostingBusinessMapi\nHosting,NonMapi,HostingBusinessNonMapi\n"
)


def _folder(tmp_path: Path, remap: str = REMAP) -> Path:
    for name in BUNDLED:
        _copy_plan(tmp_path, name)
    (tmp_path / "ServicePlanHostingRemap.csv").write_text(remap, encoding="utf-8")
    return tmp_path


def _left_out(result: CompileResult) -> list[tuple[str, str | None, int, tuple[str, ...]]]:
    return [(e.kind.value, e.name, e.location.line, e.rules) for e in result.left_out]


def test_one_plan_of_seven_with_an_error_leaves_only_it_out(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    broken = (SAMPLES / "SmallBusiness.serviceplan").read_text("utf-8")
    (folder / "Broken.serviceplan").write_text(broken.replace(">true<", ">maybe<", 1), "utf-8")
    result = compile_plans([str(folder)])
    assert [plan.name for plan in result.plans] == list(BUNDLED)
    assert _left_out(result) == [("plan", "Broken", 0, ("SP107",))]
    assert result.left_out[0].reason == "1 error in its file"
    assert result.report.errors == 1


def test_a_remap_error_does_not_block_a_plan_asked_for(tmp_path: Path) -> None:
    folder = _folder(tmp_path, REMAP + "Business,HugeOrg,HugeBusiness\n")  # SP404 on line 7
    result = compile_plans([str(folder)], CompileOptions(plan="LargeBusiness"))
    assert [plan.name for plan in result.plans] == ["LargeBusiness"]
    assert [row.location.line for row in result.plans[0].selected_by] == [3]
    assert [f.rule for f in result.report.findings] == ["SP404"]
    assert result.left_out == ()  # the line names no plan compiled


def test_a_remap_line_with_an_error_is_not_counted_as_selecting(tmp_path: Path) -> None:
    folder = _folder(tmp_path, REMAP + "business,smallorg,MediumBusiness\n")  # SP403 on line 7
    result = compile_plans([str(folder)])
    assert [plan.name for plan in result.plans] == list(BUNDLED)
    medium = next(plan for plan in result.plans if plan.name == "MediumBusiness")
    assert [row.location.line for row in medium.selected_by] == [2]
    assert _left_out(result) == [("remap_line", "MediumBusiness", 7, ("SP403",))]


def test_a_pair_whose_line_has_an_error_is_left_out_not_a_tool_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, REMAP + "Business,HugeOrg,HugeBusiness\n")
    options = CompileOptions(program_id="Business", offer_id="HugeOrg")
    result = compile_plans([str(folder)], options)  # was a ResolveError (exit 2)
    assert result.plans == ()
    assert _left_out(result) == [("selection", "HugeBusiness", 7, ("SP404",))]
    assert "(Business, HugeOrg) is mapped at" in result.left_out[0].reason
    # a clean pair in the same remap still resolves
    options = CompileOptions(program_id="Business", offer_id="MedOrg")
    assert [p.name for p in compile_plans([str(folder)], options).plans] == ["MediumBusiness"]


def test_an_unreadable_remap_leaves_out_the_pair_and_the_selecting_lines(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "ServicePlanHostingRemap.csv").write_bytes(REMAP.encode() + b"\xff\n")
    options = CompileOptions(program_id="Business", offer_id="SmallOrg")
    result = compile_plans([str(folder)], options)  # was "no line of no remap file maps"
    assert result.plans == ()
    assert _left_out(result) == [("remap", None, 0, ("SP004",)), ("selection", None, 0, ("SP004",))]
    whole = compile_plans([str(folder)])
    assert [plan.name for plan in whole.plans] == list(BUNDLED)
    assert all(plan.selected_by == () for plan in whole.plans)
    assert _left_out(whole) == [("remap", None, 0, ("SP004",))]


def test_a_plan_over_the_size_cap_is_left_out(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "Huge.serviceplan").write_text("<Configuration/>" + " " * 65536, "utf-8")
    result = compile_plans([str(folder)], CompileOptions(max_file_size=65536))
    assert [plan.name for plan in result.plans] == list(BUNDLED)
    assert _left_out(result) == [("plan", "Huge", 0, ("SP003",))]


def test_an_unmapped_pair_and_a_plan_not_given_stay_tool_errors(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with pytest.raises(ResolveError, match=r"no line .* maps \(Business, HugeOrg\)"):
        compile_plans([str(folder)], CompileOptions(program_id="Business", offer_id="HugeOrg"))
    # the remap's folder has MediumBusiness (no SP404), but it is not among the paths given
    paths = [str(folder / "ServicePlanHostingRemap.csv"), str(folder / "SmallBusiness.serviceplan")]
    with pytest.raises(ResolveError, match=r"no MediumBusiness\.serviceplan among the plans"):
        compile_plans(paths, CompileOptions(program_id="Business", offer_id="MedOrg"))


def test_render_still_renders_nothing_when_a_plan_has_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "plans")
    broken = (SAMPLES / "MediumBusiness.serviceplan").read_text("utf-8")
    (folder / "MediumBusiness.serviceplan").write_text(broken.replace(">true<", ">maybe<", 1))
    tenants = tmp_path / "t.csv"
    tenants.write_text("name,domain,program_id,offer_id\nContoso,c.com,Business,SmallOrg\n")
    options = RenderOptions(
        tenants=str(tenants), template="tenant.json", out=str(tmp_path / "o"), keep_going=True
    )
    result = render_tenants([str(folder)], options)
    assert result.failed and result.outcomes == () and not (tmp_path / "o").exists()
