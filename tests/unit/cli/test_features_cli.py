"""`serviceplan features` on a terminal fits its width; into a pipe it keeps whole lines."""

from __future__ import annotations

import json
import sys

import pytest

from serviceplan.cli import main


def test_on_a_terminal_the_table_fits_its_width(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["features"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.startswith("AcceptedDomains\n  Organization (global), boolean, default false")


def test_into_a_pipe_every_feature_is_one_whole_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # ncurses exports it to children: not a terminal
    assert main(["features"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 165 + 2
    assert lines[0].split()[:3] == ["Scope", "Group", "Name"]


@pytest.mark.parametrize("scope", ["org", "ORG", "organization", "Organization"])
def test_scope_org_is_the_organization(scope: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["features", "--scope", scope, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {row["scope"] for row in rows} == {"Organization"}


def test_an_unknown_scope_lists_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["features", "--scope", "orgs"]) == 2
    assert "unknown scope 'orgs'; choose from Organization, MailboxPlan" in capsys.readouterr().err
