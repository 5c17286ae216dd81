"""files/inputs.py: which files the command line names (discover, scan, yields_input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from serviceplan.errors import UsageError
from serviceplan.files.inputs import (
    REMAP_NAME,
    STDIN,
    discover,
    is_remap_name,
    scan,
    with_remaps_beside,
    yields_input,
)

PLAN = "<HostingServices/>\n"


def touch(path: Path, text: str = PLAN) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def shown(folder: Path, paths: list[str]) -> list[str]:
    return [Path(p).relative_to(folder).as_posix() for p in paths]


def test_a_folder_is_searched_recursively_own_files_first_then_subfolders_by_name(
    tmp_path: Path,
) -> None:
    for name in ("b/z.serviceplan", "a/y.serviceplan", "x.serviceplan", "a/deep/w.serviceplan"):
        touch(tmp_path / name)
    found = discover([str(tmp_path)])
    assert shown(tmp_path, [item.display for item in found]) == [
        "x.serviceplan",
        "a/y.serviceplan",
        "a/deep/w.serviceplan",
        "b/z.serviceplan",
    ]
    assert all(item.path == Path(item.display) and not item.is_remap for item in found)
    assert discover([str(tmp_path)]) == found  # same tree, same order


def test_the_plan_suffix_is_matched_in_any_case_and_other_files_are_ignored(
    tmp_path: Path,
) -> None:
    touch(tmp_path / "Upper.SERVICEPLAN")
    touch(tmp_path / "Mixed.ServicePlan")
    touch(tmp_path / "notes.txt")
    touch(tmp_path / "plan.serviceplan.bak")
    touch(tmp_path / "other.csv", "a,b\n")
    names = [Path(item.display).name for item in discover([str(tmp_path)])]
    assert names == ["Mixed.ServicePlan", "Upper.SERVICEPLAN"]


def test_the_remap_is_found_by_its_name_in_any_case(tmp_path: Path) -> None:
    touch(tmp_path / "servicePlanHostingRemap.CSV", "x\n")
    touch(tmp_path / "A.serviceplan")
    found = discover([str(tmp_path)])
    assert [(Path(i.display).name, i.is_remap) for i in found] == [
        ("A.serviceplan", False),
        ("servicePlanHostingRemap.CSV", True),
    ]


def test_a_file_named_directly_is_a_remap_by_the_one_rule(tmp_path: Path) -> None:
    plan = touch(tmp_path / "one.serviceplan")
    remap = touch(tmp_path / "SERVICEPLANHOSTINGREMAP.csv", "x\n")
    found = discover([str(plan), str(remap)])
    assert [(i.display, i.is_remap) for i in found] == [(str(plan), False), (str(remap), True)]


@pytest.mark.parametrize(
    "name", ["Old-ServicePlanHostingRemap.csv", "ServicePlanHostingRemap.csv.bak", "remap.csv"]
)
def test_only_the_remap_name_is_a_remap(tmp_path: Path, name: str) -> None:
    """What a folder scan skips is no remap when named either: a `.csv` is a usage error
    (it would be read as a remap a scan ignores), and --stdin-name follows the same rule."""
    assert not is_remap_name(name)
    touch(tmp_path / name, "Business,SmallOrg,Nowhere\n")
    touch(tmp_path / "A.serviceplan")
    assert [Path(i.display).name for i in discover([str(tmp_path)])] == ["A.serviceplan"]
    if name.endswith(".csv"):
        with pytest.raises(UsageError, match="not a plan file and not a remap"):
            discover([str(tmp_path / name)])
        with pytest.raises(UsageError, match="--stdin-name"):
            discover(["-"], name)


def test_compile_remap_option_takes_any_name(tmp_path: Path) -> None:
    remap = touch(tmp_path / "custom-remap.csv", "x\n")
    plan = touch(tmp_path / "one.serviceplan")
    found = discover([str(plan)], remap=str(remap))
    assert [(i.display, i.is_remap) for i in found] == [(str(plan), False), (str(remap), True)]


def test_a_plan_given_alone_brings_the_remap_beside_it(tmp_path: Path) -> None:
    """pre-commit passes only the files a commit touches: a renamed plan is still checked
    against the remap of its folder, read from disk."""
    plan = touch(tmp_path / "plans" / "Renamed.serviceplan")
    remap = touch(tmp_path / "plans" / "servicePlanHostingRemap.CSV", "x\n")
    other = touch(tmp_path / "alone" / "Other.serviceplan")
    inputs = with_remaps_beside(discover([str(plan), str(other)]))
    assert [(i.display, i.is_remap) for i in inputs] == [
        (str(plan), False),
        (str(other), False),
        (str(remap), True),
    ]
    # a remap already given is not added twice
    again = with_remaps_beside(discover([str(remap), str(plan)]))
    assert [i.display for i in again] == [str(remap), str(plan)]


def test_links_inside_a_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside / "Linked.serviceplan")
    tree = tmp_path / "tree"
    touch(tree / "Real.serviceplan")
    try:
        (tree / "Link.serviceplan").symlink_to(outside / "Linked.serviceplan")
        (tree / "linked-folder").symlink_to(outside, target_is_directory=True)
    except OSError:
        pytest.skip("this file system cannot make symbolic links")
    assert [Path(i.display).name for i in discover([str(tree)])] == ["Real.serviceplan"]


@pytest.mark.parametrize(
    "folder", [".git", ".venv", "node_modules", "site-packages", "__pycache__", "Node_Modules"]
)
def test_version_control_environments_and_caches_are_not_searched(
    tmp_path: Path, folder: str
) -> None:
    touch(tmp_path / folder / "Hidden.serviceplan")
    touch(tmp_path / "Shown.serviceplan")
    assert [Path(i.display).name for i in discover([str(tmp_path)])] == ["Shown.serviceplan"]


def test_a_skipped_folder_named_on_the_command_line_is_searched(tmp_path: Path) -> None:
    touch(tmp_path / ".venv" / "Named.serviceplan")
    assert [Path(i.display).name for i in discover([str(tmp_path / ".venv")])] == [
        "Named.serviceplan"
    ]


def test_a_folder_that_yields_nothing_is_a_usage_error(tmp_path: Path) -> None:
    touch(tmp_path / "readme.txt")
    touch(tmp_path / ".git" / "Ignored.serviceplan")
    with pytest.raises(UsageError, match=r"no \*\.serviceplan files"):
        discover([str(tmp_path)])
    assert not yields_input(str(tmp_path))


def test_a_missing_path_is_a_usage_error_unless_missing_is_allowed(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    with pytest.raises(UsageError, match="no such file or folder"):
        discover([missing])
    assert scan([missing], missing_ok=True) == ([], [missing])


def test_a_path_named_twice_or_inside_another_yields_each_file_once(tmp_path: Path) -> None:
    plan = touch(tmp_path / "sub" / "One.serviceplan")
    found = discover([str(tmp_path), str(tmp_path / "sub"), str(plan)])
    assert [i.display for i in found] == [str(plan)]


def test_standard_input_is_one_input_named_by_stdin_name(tmp_path: Path) -> None:
    (item,) = discover([STDIN])
    assert (item.display, item.path, item.is_remap, item.data) == ("<stdin>", None, False, None)
    (named,) = discover([STDIN], stdin_name=f"plans/{REMAP_NAME}")
    assert named.display == f"plans/{REMAP_NAME}" and named.is_remap


def test_yields_input_stops_at_the_first_plan_below(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "b" / "Deep.serviceplan")
    assert yields_input(str(tmp_path))
    assert not yields_input(str(tmp_path / "missing"))
