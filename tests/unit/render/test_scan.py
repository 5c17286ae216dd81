"""Render streams the inventory twice (render.scan, then render.run) and holds no tenant:
what each pass must agree on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from _render_runs import TENANTS, inventory, names, run
from serviceplan.errors import InputError
from serviceplan.render import scan
from serviceplan.tenants import inventory as inventory_module
from serviceplan.tenants.seen import Seen


def _counted(monkeypatch: pytest.MonkeyPatch, then: Any = None) -> list[str]:
    """Count the inventory's openings; `then(n)` runs before the n-th (from 0)."""
    opened: list[str] = []
    real = inventory_module.open_inventory

    def opening(source: str, *args: Any, **kwargs: Any) -> Any:
        if then is not None:
            then(len(opened))
        opened.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(inventory_module, "open_inventory", opening)
    return opened


def test_the_inventory_is_read_twice_and_renders_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenants = inventory(tmp_path, *TENANTS)
    opened = _counted(monkeypatch)
    result = run(tenants, tmp_path / "out")
    assert opened == [tenants, tenants]  # a pass for findings and names, one to render
    assert result.summary() == "3 tenants: 3 written, 0 unchanged, 0 failed"


def test_tenants_changed_between_the_passes_stop_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenants = inventory(tmp_path, *TENANTS)

    def change(count: int) -> None:
        if count == 1:  # after the first pass: another tenant appears
            inventory(tmp_path, *TENANTS, "Woodgrove,woodgrove.com,Business,SmallOrg,,,3")

    _counted(monkeypatch, change)
    with pytest.raises(InputError, match="the tenants changed while they were read"):
        run(tenants, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_file_names_whose_records_meet_are_compared_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file name taken for one seen before (as two 64-bit hashes meeting would): a third
    pass reads the names themselves, and finds no collision."""

    class Met(Seen):
        def first(self, key: str, line: int) -> int:
            return 0

    monkeypatch.setattr(scan, "Seen", Met)
    tenants = inventory(tmp_path, *TENANTS)
    opened = _counted(monkeypatch)
    result = run(tenants, tmp_path / "out")
    assert len(opened) == 3
    assert result.summary() == "3 tenants: 3 written, 0 unchanged, 0 failed"
    assert names(tmp_path / "out") == [
        "Alpine_Ski_House.ps1", "Contoso.ps1", "Fabrikam.ps1", "index.json"
    ]  # fmt: skip
