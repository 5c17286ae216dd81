"""One inventory from CSV, JSONL, SQLite and PostgreSQL: byte-identical render output and
identical diff reports (issue 15). PostgreSQL is the server .ci/run starts; without it the
PostgreSQL cases skip with the reason (a failure under CI=true)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from _cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tenants.csv"
SOURCES = ["csv", "jsonl", "sqlite", "postgresql"]


@pytest.fixture
def sources(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """The example inventory in each form, by name: a file name or a URL."""
    shutil.copy(EXAMPLE, tmp_path / "tenants.csv")
    run_cli("examples", "plans", cwd=tmp_path, check=True)
    run_cli("tenants", "export", "tenants.csv", "-o", "tenants.jsonl", cwd=tmp_path, check=True)
    # `tenant.line` (which the built-in templates print) is the file's line: a blank first line
    # puts each JSON line on its CSV row's line (a table's rows count as CSV lines already)
    jsonl = tmp_path / "tenants.jsonl"
    jsonl.write_text("\n" + jsonl.read_text())
    found = {"csv": "tenants.csv", "jsonl": "tenants.jsonl", "sqlite": "sqlite:///tenants.db"}
    if "postgresql" in request.node.name:
        found["postgresql"] = request.getfixturevalue("postgres_url")
    for name in ("sqlite", "postgresql"):
        if name in found:
            run_cli("tenants", "import", "tenants.csv", found[name], cwd=tmp_path, check=True)
    return found


def rendered(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "index.json"}


@pytest.mark.parametrize("template", ["new-organization.ps1", "update-serviceplan.ps1"])
@pytest.mark.parametrize("source", SOURCES[1:])
def test_render_is_byte_identical(
    tmp_path: Path, sources: dict[str, str], source: str, template: str
) -> None:
    outputs = {}
    for name in ("csv", source):
        result = run_cli(
            "render", "plans", "--tenants", sources[name], "--template", template,
            "--out", f"out-{name}", cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs[name] = rendered(tmp_path / f"out-{name}")
    assert outputs["csv"] and outputs[source] == outputs["csv"]


def diff_report(folder: Path, source: str) -> dict[str, Any]:
    """The diff's JSON report with the inventory's name (as shown: a URL masked) replaced."""
    result = run_cli("diff", "plans", "new", "--tenants", source, "--format", "json", cwd=folder)
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    shown = report["tenants"]["file"]
    assert "://" not in source or ":***@" in shown or "@" not in source
    return json.loads(result.stdout.replace(json.dumps(shown)[1:-1], "INVENTORY"))


@pytest.mark.parametrize("source", SOURCES[1:])
def test_diff_reports_are_identical(tmp_path: Path, sources: dict[str, str], source: str) -> None:
    shutil.copytree(tmp_path / "plans", tmp_path / "new")
    remap = tmp_path / "new" / "ServicePlanHostingRemap.csv"
    text = remap.read_text().replace("Business,SmallOrg,SmallBusiness", "Business,SmallOrg,Medium")
    remap.write_text(text.replace(",Medium\n", ",MediumBusiness\n"))
    expected = diff_report(tmp_path, sources["csv"])
    assert len(expected["tenants"]["reached"]) == 3, "the repoint must reach the SmallOrg tenants"
    assert diff_report(tmp_path, sources[source]) == expected


def test_a_password_never_reaches_output_or_index(
    tmp_path: Path, sources: dict[str, str], postgres_url: str
) -> None:
    from sqlalchemy.engine import make_url

    password = make_url(postgres_url).password
    assert password
    run_cli("tenants", "import", "tenants.csv", postgres_url, "--replace", cwd=tmp_path, check=True)
    result = run_cli(
        "render", "plans", "--tenants", postgres_url, "--template", "tenant.json", "--out", "o",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    everything = result.stdout + result.stderr
    everything += "".join(p.read_text() for p in (tmp_path / "o").iterdir())
    assert password not in everything
    for output_format in ("sarif", "json"):
        checked = run_cli(
            "tenants", "check", postgres_url, "plans", "--format", output_format, cwd=tmp_path
        )
        assert checked.returncode == 1 and password not in checked.stdout + checked.stderr
    assert ":***@" in checked.stdout  # the JSON report lists the inventory, masked


def test_pgpassword_is_honoured(tmp_path: Path, sources: dict[str, str], postgres_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    bare = postgres_url.replace(f":{url.password}@", "@")
    assert bare != postgres_url
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    env["PGPASSFILE"] = str(tmp_path / "no-pgpass")
    run_cli("tenants", "import", "tenants.csv", postgres_url, "--replace", cwd=tmp_path, check=True)
    refused = run_cli("tenants", "check", bare, "plans", cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "password" in refused.stderr
    env["PGPASSWORD"] = str(url.password)
    allowed = run_cli("tenants", "check", bare, "plans", cwd=tmp_path, env=env)
    assert allowed.returncode == 1, allowed.stderr  # SP510 findings: it read the tenants
