"""Case folders hold only what they change: `samples` in a case's TOML names the bundled plans
and remap it needs unchanged, and the runner lays the folder over a copy of them.

    samples = "all"                                  # every bundled file, in the case folder
    samples = ["LargeBusiness.serviceplan"]          # just these
    samples = {old = "all", new = ["SmallBusiness.serviceplan"]}   # per subfolder

The samples come from the installed package (what users get), so a case can never test a copy
that has drifted from them.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from serviceplan.files.defaults import bundled_plans


def bundled() -> dict[str, Path]:
    return {path.name: path for path in sorted(Path(bundled_plans()).glob("[!_]*.*"))}


def _names(spec: object, where: str) -> list[Path]:
    by_name = bundled()
    if spec == "all":
        return list(by_name.values())
    assert isinstance(spec, list), f'{where}: samples must be "all" or a list of file names'
    unknown = sorted(set(spec) - set(by_name))
    assert not unknown, f"{where}: no bundled file {unknown}; bundled: {sorted(by_name)}"
    return [by_name[name] for name in spec]


def with_samples(folder: Path, spec: object, work: Path) -> Path:
    """A copy of `folder` under `work` with the samples `spec` names added where the case has
    no file of that name; `folder` itself when the case takes no sample."""
    if spec is None:
        return folder
    copy = work / folder.name
    shutil.copytree(folder, copy)
    targets = spec if isinstance(spec, dict) else {".": spec}
    for subfolder, names in targets.items():
        place = copy / subfolder
        assert place.resolve().is_relative_to(copy.resolve()), f"samples: {subfolder} is outside"
        place.mkdir(parents=True, exist_ok=True)
        for sample in _names(names, f"{folder.name}/{subfolder}"):
            if not (place / sample.name).exists():
                shutil.copyfile(sample, place / sample.name)
    return copy


def copies_of_samples(folder: Path) -> list[str]:
    """Files under `folder` byte-identical to a bundled sample: copies that would drift."""
    contents = {path.read_bytes() for path in bundled().values()}
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name in bundled() and path.read_bytes() in contents
    )


def case_inputs(folder: Path, work: Path) -> Path:
    """A case folder as its runner lays it out (its samples added), for tests that reuse it."""
    toml = next(folder / name for name in ("expect.toml", "case.toml") if (folder / name).exists())
    with toml.open("rb") as handle:
        spec = tomllib.load(handle).get("samples")
    return with_samples(folder, spec, work)
