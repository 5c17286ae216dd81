"""`serviceplan features` on a terminal fits its width; into a pipe it keeps whole lines."""

from __future__ import annotations

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
