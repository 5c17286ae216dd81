"""CI runs the README's Quick start as written, and a skipped test fails it."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def quickstart() -> object:
    spec = importlib.util.spec_from_file_location("quickstart", ROOT / ".ci" / "quickstart.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_marks_the_two_quick_start_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = quickstart().command  # type: ignore[attr-defined]
    assert command(readme, "main") == (
        "python -m pip install . && serviceplan validate serviceplans/"
    )
    assert command(readme, "tests") == (
        'python -m pip install ".[test]" && python -m pytest -q -p no:cacheprovider'
    )
    quick = readme[readme.index("## Quick start") : readme.index("<!-- ci:main -->")]
    assert "python -m venv .venv" in quick  # the commands are meant for a new environment


def test_a_missing_marker_is_an_error_not_an_empty_command() -> None:
    command = quickstart().command  # type: ignore[attr-defined]
    with pytest.raises(SystemExit, match="no <!-- ci:tests --> line"):
        command("# README\n<!-- ci:main -->\n```sh\nx\n```\n", "tests")
    with pytest.raises(SystemExit, match="one command line"):
        command("<!-- ci:main -->\n```sh\na\nb\n```\n", "main")


def test_ci_runs_the_commands_it_reads_from_the_readme() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/quickstart.py main" in script and ".ci/quickstart.py tests" in script
    assert '-m venv "$work/newest"' in script and '-m venv "$work/lowest"' in script
    assert "--system-site-packages" not in script


def test_lowest_pins_every_direct_dependency() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "lowest.py")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    pinned = {line.split("==")[0].lower() for line in run.stdout.split()}
    assert {"lxml", "jinja2", "click", "pytest", "jsonschema", "xmlschema", "deepdiff"} <= pinned


def run_skipping_suite(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_needs_server.py").write_text(
        "import pytest\n\n\ndef test_server():\n    pytest.skip('no PostgreSQL server')\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def test_a_skip_is_a_failure_under_ci(tmp_path: Path) -> None:
    run = run_skipping_suite(tmp_path, "true")
    assert run.returncode == 1, run.stdout
    assert "skipped under CI=true" in run.stdout and "no PostgreSQL server" in run.stdout


def test_a_skip_stays_a_skip_on_a_developer_machine(tmp_path: Path) -> None:
    run = run_skipping_suite(tmp_path, None)
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout
