"""Crashes the property tests found, each kept on its smallest input as a regression test."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from _harness import SAMPLES, check_answer, invoke

SMALL = dict(SAMPLES)["SmallBusiness.serviceplan"]
BAD_INDEX = SMALL.replace(b'MailboxPlanIndex="0"', b'MailboxPlanIndex="x"')


@pytest.mark.parametrize("command", ["compile", "explain"])
def test_a_plan_with_a_bad_mailbox_plan_index(command: str) -> None:
    """compile once resolved a plan with errors, and int(MailboxPlanIndex) raised on "x"."""
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "SmallBusiness.serviceplan").write_bytes(BAD_INDEX)
        argv = {
            "compile": ["compile", scratch],
            "explain": ["explain", "MailboxCountQuota", scratch],
        }[command]
        answer = invoke(command, argv)
    check_answer(answer)
    assert answer.code == 1, answer
