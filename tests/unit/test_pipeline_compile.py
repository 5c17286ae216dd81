"""compile_plans: remap given apart from the plans, and one file per plan name."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from serviceplan.errors import ResolveError
from serviceplan.pipeline import CompileOptions, compile_plans

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
