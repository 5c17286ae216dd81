"""`serviceplan tenants import|export|check` and `--tenants URL`, as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tenants.csv"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "tenants.csv")
    return tmp_path


def test_done_means_import_then_render_from_sqlite(folder: Path) -> None:
    imported = run_cli("tenants", "import", "tenants.csv", "sqlite:///t.db", cwd=folder)
    assert imported.returncode == 0, imported.stderr
    assert "11 tenants written" in imported.stdout
    rendered = run_cli(
        "render", "--examples", "--tenants", "sqlite:///t.db",
        "--template", "new-organization.ps1", "--out", "build/", cwd=folder,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    assert len(list((folder / "build").glob("*.ps1"))) == 11
    assert "t.db:tenants[name='Woodgrove Bank']" in rendered.stdout  # SP702 names the row


def test_done_means_exactly_as_written_in_a_clone(tmp_path: Path) -> None:
    """The issue's command, without PATH, from the repository's root: the repository's own
    configuration (`[tool.serviceplan] paths`) points at the shipped plans, not at the
    hostile fixtures under tests/."""
    db, out = tmp_path / "t.db", tmp_path / "build"
    imported = run_cli("tenants", "import", "examples/tenants.csv", f"sqlite:///{db}", cwd=ROOT)
    assert imported.returncode == 0, imported.stderr
    rendered = run_cli(
        "render", "--tenants", f"sqlite:///{db}",
        "--template", "new-organization.ps1", "--out", str(out), cwd=ROOT,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    assert len(list(out.glob("*.ps1"))) == 11


def test_import_with_a_finding_writes_nothing(folder: Path) -> None:
    (folder / "bad.csv").write_text(
        "name,domain,program_id,offer_id,mailboxes\nA,a.com,Business,SmallOrg,many\n"
    )
    result = run_cli("tenants", "import", "bad.csv", "sqlite:///t.db", cwd=folder)
    assert result.returncode == 1
    assert "bad.csv:2" in result.stdout and "SP504" in result.stdout
    assert not (folder / "t.db").exists()


def test_export_round_trips(folder: Path) -> None:
    run_cli("tenants", "import", "tenants.csv", "sqlite:///t.db", cwd=folder, check=True)
    result = run_cli("tenants", "export", "sqlite:///t.db", "-o", "out/back.csv", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert (folder / "out" / "back.csv").read_text() == EXAMPLE.read_text()


@pytest.mark.parametrize("output_format", ["text", "json", "junit", "sarif", "github"])
def test_check_finds_tenants_over_their_plan_today(folder: Path, output_format: str) -> None:
    run_cli("tenants", "import", "tenants.csv", "sqlite:///t.db", cwd=folder, check=True)
    result = run_cli(
        "tenants", "check", "sqlite:///t.db", "--examples", "--format", output_format, cwd=folder
    )
    assert result.returncode == 1, result.stderr
    assert "SP510" in result.stdout and "Tailspin Toys" in result.stdout
    if output_format == "json":
        found = {(f["rule"], f["file"]) for f in json.loads(result.stdout)["findings"]}
        assert found == {
            ("SP510", "t.db:tenants[name='Tailspin Toys']"),
            ("SP510", "t.db:tenants[name='Woodgrove Bank']"),
        }


def test_check_is_clean_within_limits(folder: Path) -> None:
    lines = EXAMPLE.read_text().splitlines()
    kept = [line for line in lines if not line.startswith(("Tailspin", "Woodgrove"))]
    (folder / "ok.csv").write_text("\n".join(kept) + "\n")
    result = run_cli("tenants", "check", "ok.csv", "--examples", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    # the summary counts the tenants checked, not only the files
    tenants = len(kept) - 1  # the header row
    assert result.stdout.splitlines()[-1] == f"{tenants} tenants, 8 files: 0 errors, 0 warnings"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--tenants", "sqlite:///none.db"], "no database file"),
        (["--tenants", "sqlite:///t.db", "--tenants-table", "other"], "no table other"),
        (["--tenants", "sqlite:///t.db", "--tenants-query", "SELECT x FROM y"], "no such table"),
        (["--tenants", "mysql+nodriver://u:pw1234@h/db"], "no driver"),
        (["--tenants", "postgresql://u:pw1234@127.0.0.1:1/db"], "connecting failed"),
    ],
)
def test_errors_are_one_line_with_the_password_masked(
    folder: Path, args: list[str], says: str
) -> None:
    run_cli("tenants", "import", "tenants.csv", "sqlite:///t.db", cwd=folder, check=True)
    result = run_cli(
        "render", "--examples", *args, "--template", "new-organization.ps1", "--out", "b",
        cwd=folder,
    )  # fmt: skip
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr
    assert "pw1234" not in result.stderr + result.stdout
    assert result.stderr.count("error:") == 1 and "hint:" in result.stderr
    assert not (folder / "b").exists()


def test_a_file_source_never_imports_sqlalchemy(folder: Path) -> None:
    code = (
        "import sys\nfrom serviceplan.cli import main\n"
        "main(['tenants', 'check', 'tenants.csv', '--examples', '--format', 'json'])\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout + result.stderr


def test_a_warning_does_not_stop_an_import(folder: Path) -> None:
    text = "#TYPE System.Management.Automation.PSCustomObject\n" + EXAMPLE.read_text()
    (folder / "typed.csv").write_text(text)
    result = run_cli("tenants", "import", "typed.csv", "sqlite:///t.db", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SP508" in result.stdout and "11 tenants written" in result.stdout
