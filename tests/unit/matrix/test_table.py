"""The matrix stage: columns in remap order, cells as people read them, --different, --plan."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

import serviceplan
from serviceplan.catalog import load_catalog
from serviceplan.errors import ResolveError
from serviceplan.matrix.table import (
    Matrix,
    MatrixOptions,
    MatrixScope,
    Row,
    build_matrix,
    people_text,
)
from serviceplan.values import UNLIMITED

SAMPLES = str(serviceplan.bundled_plans())


def matrix(**options: object) -> Matrix:
    compiled = serviceplan.compile_plans([SAMPLES])
    return build_matrix(compiled, load_catalog(), MatrixOptions(**options))  # type: ignore[arg-type]


def row(m: Matrix, feature: str, *, mailbox: bool = False) -> Row:
    sections = m.mailbox_plans if mailbox else m.organization
    return next(r for s in sections for r in s.rows if r.feature.name == feature)


def test_columns_are_the_remap_order_then_the_rest() -> None:
    m = matrix()
    assert [p.name for p in m.plans] == [
        "SmallBusiness",
        "MediumBusiness",
        "LargeBusiness",
        "HostingAllFeatures",
        "HostingBusinessMapi",
        "HostingBusinessNonMapi",
    ]
    assert [(r.program_id, r.offer_id) for r in m.plans[2].pairs] == [("Business", "LargeOrg")]
    labels = [c.label for c in m.columns]
    assert labels[2:5] == [
        "LargeBusiness / Standard",
        "LargeBusiness / Premium",
        "LargeBusiness / Basic",
    ]
    assert [c.default for c in m.columns[2:5]] == [False, True, False]


def test_the_contoso_comparison() -> None:
    m = matrix(plans=("SmallBusiness", "MediumBusiness", "LargeBusiness"))
    assert [c.text for c in row(m, "MailboxCountQuota").cells] == ["250", "1,000", "5,000"]
    premium = [c.label for c in m.columns].index("LargeBusiness / Premium")
    size = row(m, "ProhibitSendReceiveMaiboxQuota", mailbox=True).cells[premium]
    archive = row(m, "ArchiveQuota", mailbox=True).cells[premium]
    assert (size.text, archive.text) == ("10 GB", "1 GB")
    assert size.written and size.value == 10 << 30


def test_defaults_are_told_from_written_values() -> None:
    cells = row(matrix(), "AcceptedDomains").cells
    assert (cells[0].value, cells[0].written) == (False, False)  # SmallBusiness leaves it
    assert (cells[1].value, cells[1].written) == (True, True)
    assert cells[1].location is not None and cells[1].location.line > 0


def test_different_keeps_only_rows_that_differ() -> None:
    whole, different = matrix(), matrix(different=True)
    assert 0 < different.rows < whole.rows
    kept = [r for s in (*different.organization, *different.mailbox_plans) for r in s.rows]
    assert all(r.differs for r in kept)
    assert "AddressListsEnabled" not in {r.feature.name for r in kept}  # on in every plan
    assert different.hidden == different.features - different.rows


def test_plans_are_shown_in_the_order_named_any_case() -> None:
    m = matrix(plans=("largebusiness", "SmallBusiness"))
    assert [p.name for p in m.plans] == ["LargeBusiness", "SmallBusiness"]
    assert len(row(m, "MailboxCountQuota").cells) == 2


def test_an_unknown_plan_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ResolveError) as caught:
        matrix(plans=("LargeBusines",))
    assert "no plan named LargeBusines: did you mean LargeBusiness?" in str(caught.value)
    assert "plans found:" in caught.value.hint


@pytest.mark.parametrize(
    ("scope", "organization", "mailbox"),
    [("organization", True, False), ("mailbox-plans", False, True), ("all", True, True)],
)
def test_scope(scope: str, organization: bool, mailbox: bool) -> None:
    m = matrix(scope=MatrixScope(scope))
    assert (bool(m.organization), bool(m.mailbox_plans)) == (organization, mailbox)


def test_datacenter_only_defaults_are_hidden_unless_all_features() -> None:
    hidden, every = matrix(), matrix(all_features=True)
    assert every.hidden == 0 and every.rows == every.features == 165
    assert hidden.hidden > 0
    names = {r.feature.name for s in hidden.organization for r in s.rows}
    assert "PrivacyLink" not in names  # datacenter-only, written by no sample


def test_sections_follow_the_catalogue() -> None:
    m = matrix()
    assert [s.title for s in m.organization] == ["Global", "Permissions", "Quotas"]
    assert [s.scope for s in m.mailbox_plans] == ["MailboxPlan"] * len(m.mailbox_plans)


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (10 << 30, "bytes", "10 GB"),
        (2560 << 20, "bytes", "2,560 MB"),
        (1000, "bytes", "1,000 B"),
        (1000, "count", "1,000"),
        (UNLIMITED, "count", "Unlimited"),
        (True, "boolean", "true"),
        (False, "boolean", "false"),
        (None, "string", "(unset)"),
        (timedelta(days=1), "timespan", "1.00:00:00"),
        ("a  b\n c", "string", "a b c"),
    ],
)
def test_people_text(value: object, kind: str, text: str) -> None:
    assert people_text(value, kind) == text  # type: ignore[arg-type]


def test_no_plan_compiled_gives_no_rows() -> None:
    compiled = dataclasses.replace(serviceplan.compile_plans([SAMPLES]), plans=())
    m = build_matrix(compiled, load_catalog(), MatrixOptions())
    assert (m.plans, m.organization, m.mailbox_plans, m.rows) == ((), (), (), 0)
