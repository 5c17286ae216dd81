from __future__ import annotations

import json
from pathlib import Path

import pytest

from serviceplan.errors import UsageError
from serviceplan.render.index import index_chunks, read_index, stale_files
from serviceplan.render.output import Folder

TEMPLATE = {"name": "new-organization.ps1", "sha256": "0" * 64}
TOOL = {"name": "serviceplan", "version": "1"}
NAMES = ["b.ps1", "A.ps1", "a.ps1", "c\u00e9.ps1", "B.ps1"]


def write_index(folder: Path, names: list[str]) -> str:
    files = [(name, f"tenant {name}", 2 + at, "1" * 64) for at, name in enumerate(names)]
    inputs = [{"role": "tenants", "file": "t.csv", "sha256": "2" * 64}]
    text = "".join(index_chunks(TEMPLATE, (1, 1), inputs, files, TOOL))
    (folder / "index.json").write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("names", [NAMES, []])
def test_the_previous_index_is_read_line_by_line_into_sorted_names(
    tmp_path: Path, names: list[str]
) -> None:
    write_index(tmp_path, names)
    found = read_index(str(tmp_path), "index.json", "new-organization.ps1")
    assert found is not None
    assert list(found) == sorted((name.casefold(), name) for name in names)


def test_an_index_laid_out_otherwise_is_read_whole(tmp_path: Path) -> None:
    document = json.loads(write_index(tmp_path, [*NAMES, "A.ps1"]))  # one name twice
    (tmp_path / "index.json").write_text(json.dumps(document))  # one line
    found = read_index(str(tmp_path), "index.json", "new-organization.ps1")
    assert found is not None
    assert list(found) == sorted({(name.casefold(), name) for name in NAMES})


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (lambda text: text.replace('"path": "b.ps1"', '"path": 3'), "TypeError"),
        (lambda text: text.replace('"template"', '"templates"'), "KeyError"),
        (lambda text: text[: len(text) // 2], "JSONDecodeError"),
    ],
)
def test_an_index_that_is_not_one_is_a_usage_error(tmp_path: Path, edit, error) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index.json").write_text(edit(write_index(tmp_path, NAMES)))
    with pytest.raises(UsageError, match=f"not a serviceplan render index \\({error}\\)"):
        read_index(str(tmp_path), "index.json", "new-organization.ps1")


def test_another_templates_index_is_a_usage_error(tmp_path: Path) -> None:
    write_index(tmp_path, NAMES)
    with pytest.raises(UsageError, match="holds the files of the template new-organization"):
        read_index(str(tmp_path), "index.json", "tenant.json")


def test_stale_files_are_those_listed_not_produced_and_still_regular_files(
    tmp_path: Path,
) -> None:
    for name in ["A.ps1", "a.ps1", "b.ps1", "B.ps1", "d.ps1"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "c.ps1").mkdir()  # a folder now: not ours to remove
    write_index(tmp_path, ["a.ps1", "A.ps1", "b.ps1", "B.ps1", "c.ps1", "d.ps1", "gone.ps1"])
    previous = read_index(str(tmp_path), "index.json", "new-organization.ps1")
    produced = sorted((name.casefold(), name) for name in ["a.ps1", "B.ps1", "new.ps1"])
    folder = Folder(str(tmp_path))
    try:
        assert list(stale_files(folder, previous, produced)) == ["A.ps1", "b.ps1", "d.ps1"]
        assert list(stale_files(folder, None, produced)) == []
    finally:
        folder.close()
