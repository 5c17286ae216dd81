"""What reaches a terminal (or a pull-request comment) from hostile inputs: control
sequences (an OSC that retitles the terminal; click strips only CSI sequences, and only off a
terminal) must come out escaped, as report/text.py's `printable` does for findings and diff's
text, and diff's Markdown replaces them; render's failures and skip reasons are escaped too
(both once printed raw)."""

from __future__ import annotations

from pathlib import Path

import pytest

from serviceplan.cli import main

RAW = ("\x1b", "\x07", "\u202e")


def _render(tmp_path: Path, inventory: str, template: str) -> None:
    (tmp_path / "tenants.csv").write_text(inventory, encoding="utf-8")
    (tmp_path / "mine.txt.j2").write_text(template, encoding="utf-8")
    main(["render", "--examples", "--tenants", str(tmp_path / "tenants.csv"), "--template",
          str(tmp_path / "mine.txt.j2"), "--out", str(tmp_path / "out")])  # fmt: skip


def test_inventory_findings_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _render(
        tmp_path,
        'name,domain,program_id,offer_id\n"a\x1b]0;t\x07\u202e",d,Business,Nope\n',
        "{{ tenant.name }}\n",
    )
    out = capsys.readouterr().out
    assert "SP505" in out and not any(char in out for char in RAW), out


def test_failure_messages_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _render(
        tmp_path,
        "name,domain,program_id,offer_id,\x1b]0;pwned\x07\nC,d,Business,SmallOrg,x\n",
        "{{ tenant.regoin }}\n",
    )
    out = capsys.readouterr().out
    assert "no attribute 'regoin'" in out
    assert not any(char in out for char in RAW), out


def test_skip_reasons_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _render(
        tmp_path,
        'name,domain,program_id,offer_id\n"a\x1b]0;t\x07b",d,Business,SmallOrg\n',
        "{{ skip(tenant.name) }}\n",
    )
    out = capsys.readouterr().out
    assert "skipped 1 tenant" in out
    assert not any(char in out for char in RAW), out


def test_markdown_makes_c1_and_bidirectional_controls_inert() -> None:
    """Found by the diff property test: a tenant name holding U+0080 reached the comment."""
    from serviceplan.report.diff_markdown import escape

    assert escape("a\x80b\x9bc\u202ed\u2066e\u200ff") == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf"
