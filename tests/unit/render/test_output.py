"""render/output.py: what a killed run left is swept; what a live run holds is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from serviceplan.render.output import (
    DROPPED_SUFFIX,
    STAGING_PREFIX,
    Folder,
    Listing,
    drop_staging,
    make_staging,
    sweep_leftovers,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock")


def test_a_live_staging_folder_is_kept_and_a_dead_ones_swept(tmp_path: Path) -> None:
    live = make_staging(str(tmp_path))
    # a staging folder made by a process that has since died: its lock went with it
    code = (
        "import sys; from serviceplan.render.output import make_staging; "
        "print(make_staging(sys.argv[1]))"
    )
    dead = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(dead) / "Contoso.ps1").write_text("half", encoding="utf-8")
    (tmp_path / ".index.json.abc123.tmp").write_text("{", encoding="utf-8")
    (tmp_path / ".index.2-of-3.json.abc123.tmp").write_text("{", encoding="utf-8")
    (tmp_path / "Contoso.ps1").write_text("kept", encoding="utf-8")
    sweep_leftovers(str(tmp_path), "index.json")
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == sorted([".index.2-of-3.json.abc123.tmp", "Contoso.ps1", Path(live).name])
    assert Path(live).name.startswith(STAGING_PREFIX)
    drop_staging(live)
    assert not Path(live).exists()


def test_a_folder_killed_while_being_dropped_is_swept_at_once(tmp_path: Path) -> None:
    """A run killed while removing its staging tree may have removed the lock but not the
    folder; the next run must not wait an hour (or a minute) to sweep it."""
    half_removed = tmp_path / f"{STAGING_PREFIX}abc123{DROPPED_SUFFIX}"
    half_removed.mkdir()
    (half_removed / "Contoso.ps1").write_text("half", encoding="utf-8")
    sweep_leftovers(str(tmp_path), "index.json")
    assert list(tmp_path.iterdir()) == []


def test_dropping_renames_the_folder_aside_before_removing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = make_staging(str(tmp_path))
    removed: list[str] = []
    monkeypatch.setattr(
        "serviceplan.render.output.shutil.rmtree",
        lambda path, ignore_errors=False: removed.append(Path(path).name),
    )
    drop_staging(staging)
    assert removed == [Path(staging).name + DROPPED_SUFFIX]


def test_a_listing_holds_digests_of_the_casefolded_names_not_the_names(tmp_path: Path) -> None:
    for name in ("Contoso.ps1", "caf\u00e9.ps1", "index.json"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    listing = Listing(str(tmp_path))
    assert list(listing.digests) == sorted(listing.digests) and len(listing.digests) == 4
    for name in ("contoso.ps1", "caf\u00e9.ps1", "index.json", "sub"):
        assert name in listing
    assert "contoso.ps2" not in listing and "Contoso.ps1" not in listing  # casefolded first
    assert "\udcff.ps1" not in listing  # a name os.scandir could not decode


def test_a_folder_reads_a_file_in_blocks(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000  # past one block
    (tmp_path / "big").write_bytes(data)
    folder = Folder(str(tmp_path))
    try:
        blocks = list(folder.blocks("big"))
        assert len(blocks) == 2 and b"".join(blocks) == data == folder.read("big")
    finally:
        folder.close()
