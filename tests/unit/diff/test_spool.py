from __future__ import annotations

from dataclasses import replace

from serviceplan.diff.changes import PlanDiff
from serviceplan.diff.spool import Spool, TenantImpact, Totals, ranked, top
from serviceplan.model import Location
from serviceplan.tenants.inventory import Tenant

MOVES = (
    PlanDiff("SmallBusiness", "MediumBusiness", "old/a", "new/b", (), ()),
    PlanDiff("LargeBusiness", "LargeBusiness", "old/c", "new/c", (), ()),
)


def impacts(count: int) -> list[TenantImpact]:
    made = []
    for number in range(count):
        move = MOVES[number % 2]
        tenant = Tenant(
            f"Tenant {number % 7} {number}", f"t{number}.example", "Business", "SmallOrg",
            Location("db:tenants[name='x']", 0 if number % 3 else number + 1, number % 2),
            "en-us", move.old or "", number if number % 4 else None,
            {"Premium": number} if number % 5 == 0 else {}, {"MailboxCountQuota": 2**70},
            {}, number,
        )  # fmt: skip
        due = "MediumBusiness" if number % 6 == 0 else None
        made.append(
            TenantImpact(
                tenant, move.old or "", move.new or "", move, number % 9, number % 8 == 0, due
            )
        )
    return made


def test_spilled_tenants_read_back_as_they_went_in_in_order_with_their_moves() -> None:
    made = impacts(53)
    spool = Spool(held=4)
    for impact in made:
        spool.append(impact)
    back = list(spool)
    assert back == made and len(spool) == 53
    assert spool == tuple(made) and spool[7] == made[7] and spool[-1] == made[-1]
    assert all(b.plan_diff is m.plan_diff for b, m in zip(back, made, strict=True))
    assert list(spool) == back  # read again from the start
    pairs = zip(spool, spool, strict=True)  # two readers of one file at once
    assert all(a == b for a, b in pairs)


def test_totals_are_counted_as_tenants_are_added() -> None:
    made = impacts(40)
    spool = Spool(held=3)
    for impact in made:
        spool.append(impact)
    totals = spool.totals
    assert totals is Totals.of(spool)
    by_hand = Totals.of(tuple(made))
    assert (totals.count, totals.mailboxes, totals.skipped) == (40, by_hand.mailboxes, 20)
    assert totals.skipped_mailboxes == sum(m.mailboxes for m in made if m.skipped)
    assert totals.mailboxes == sum(m.mailboxes for m in made if not m.skipped)
    assert totals.estimated and not Totals.of(()).estimated


def test_only_the_tenants_updated_make_the_mailboxes_an_estimate() -> None:
    """A tenant Update-ServicePlan skips adds no mailboxes to update, so no `~` either."""
    skipped = [replace(impact, estimated=True) for impact in impacts(40) if impact.skipped]
    totals = Totals.of(tuple(skipped))
    assert (totals.mailboxes, totals.estimated) == (0, False)
    updated = [impact for impact in impacts(40) if not impact.skipped]
    assert Totals.of(tuple(updated)).estimated == any(i.estimated for i in updated)


def test_top_is_the_head_of_the_sorted_list() -> None:
    made = impacts(200)
    spool = Spool(held=16)
    for impact in made:
        spool.append(impact)
    for count in (0, 1, 5, 50, 500):
        assert top(spool, count) == sorted(made, key=ranked)[:count]
        kept = top(spool, count, lambda t: -t.mailboxes, keep=lambda t: bool(t.mailboxes))
        assert kept == sorted((t for t in made if t.mailboxes), key=lambda t: -t.mailboxes)[:count]
