"""Render's template contexts: records and the update context."""

from __future__ import annotations

import pickle

import pytest

from serviceplan.render.context import Record, records, release, update_context


def test_records() -> None:
    record = records({"a": {"b": [{"c": 1}]}, "name": "x"})
    assert record.a.b[0].c == 1 and record["name"] == "x"
    with pytest.raises(AttributeError):
        _ = record.missing
    assert pickle.loads(pickle.dumps(record)).a.b[0].c == 1
    release(record)
    assert record["name"] == "x"
    with pytest.raises(AttributeError):
        _ = record.name


def test_update_context_lists_mailbox_plans_without_a_match() -> None:
    def plan(name: str, *mailbox_plans: tuple[str, int]) -> Record:
        entries = [{"name": mailbox, "index": index} for mailbox, index in mailbox_plans]
        result: Record = records({"name": name, "mailbox_plans": entries})
        return result

    old = plan("LargeBusiness", ("Standard", 0), ("Premium", 1), ("Basic", 2))
    new = plan("MediumBusiness", ("Standard", 0), ("Premium", 2))
    update = update_context("largebusiness", new, {"largebusiness": old})
    assert update["from"] == "LargeBusiness" and update.to == "MediumBusiness" and update.known
    assert [(m.name, m.index) for m in update.missing_mailbox_plans] == [
        ("Premium", 1),
        ("Basic", 2),
    ]
    unknown = update_context("Retired", new, {"largebusiness": old})
    assert not unknown.known and unknown.missing_mailbox_plans == ()
