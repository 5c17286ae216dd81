"""Spreadsheet formulas from an inventory in a CSV that `serviceplan render` writes.

The issue asks for cells starting with `=`, `+`, `-` or `@` to be neutralised wherever we
write CSV. serviceplan writes no CSV of its own, but render writes whatever a template makes,
and a `.csv.j2` template makes CSV: a tenant named `=cmd|' /C calc'!A0` then lands in a cell
that Excel runs as a formula (DDE) when the file is opened. Either fix passes this test: the
value refused (the tenant fails, as a raw value fails a PowerShell template) or neutralised
(written as `'=cmd...`, or quoted so that it does not start the cell).
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable
from pathlib import Path

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)", '=HYPERLINK("http://x")']


def test_formula_cells_are_not_written_raw_into_csv(
    tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    inventory = tmp_path / "tenants.csv"
    with inventory.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["name", "domain", "program_id", "offer_id"])
        writer.writerow(["Contoso", "contoso.example", "Business", "SmallOrg"])
        for number, name in enumerate(FORMULAS):
            writer.writerow([name, f"t{number}.example", "Business", "SmallOrg"])
    template = tmp_path / "report.csv.j2"
    template.write_text("name,domain\n{{ tenant.name }},{{ tenant.domain }}\n")
    out = tmp_path / "out"
    run = run_cli(
        "render", "--examples", "--tenants", str(inventory),
        "--template", str(template), "--out", str(out), "--keep-going",
    )  # fmt: skip
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr
    assert (out / "Contoso.csv").is_file(), run.stdout
    for path in out.glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), f"{path.name}: {cell!r}"
