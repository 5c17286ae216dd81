from __future__ import annotations

from serviceplan.model import Location
from serviceplan.render.outcomes import Kept, Outcome, Outcomes
from serviceplan.render.output import CREATE, FAIL, SKIP, UNCHANGED, UPDATE, WRITES

ACTIONS = (CREATE, UNCHANGED, FAIL, UPDATE, SKIP)


def outcomes(count: int) -> list[Outcome]:
    made = []
    for number in range(count):
        action = ACTIONS[number % len(ACTIONS)]
        name = f"{'Tenant' if number % 2 else 'tenant'} {number % 9}"  # names alike but case
        made.append(
            Outcome(
                name, Location("t.csv", number + 2), f"{name}-{number}.ps1", action,
                f"{number:064x}" if action != FAIL else "", f"why {number}" * (action == FAIL),
                number % 3, "kind" if number % 4 else "", ("t:1: w",) * (number % 2),
            )
        )  # fmt: skip
    return made


def test_outcomes_read_back_as_they_went_in_with_their_counts() -> None:
    made = outcomes(41)
    spooled = Outcomes(held=3)
    for outcome in made:
        spooled.append(outcome)
    back = list(spooled)
    assert back == made and spooled == tuple(made) and len(spooled) == 41
    assert all(type(o.action) is type(CREATE) for o in back)  # an Action, not its word
    assert spooled[5] == made[5] and spooled != made[:-1]
    for action in ACTIONS:
        assert spooled.count(action) == sum(1 for o in made if o.action == action)
    assert spooled.count(*WRITES) == spooled.count("create") + spooled.count("update")
    assert list(spooled.paths(*WRITES)) == [o.path for o in made if o.action in WRITES]


def test_the_files_kept_come_sorted_as_the_index_lists_them() -> None:
    made = outcomes(60)
    spooled = Outcomes(held=4)
    for outcome in made:
        spooled.append(outcome)
    kept = [o for o in made if o.action in (*WRITES, UNCHANGED)]
    expected = sorted(kept, key=lambda o: (o.path.casefold(), o.path))
    assert [(k.path, k.tenant, k.line, k.sha256, k.written) for k in spooled.kept()] == [
        (o.path, o.tenant, o.row.line, o.sha256, o.action in WRITES) for o in expected
    ]
    assert all(isinstance(k, Kept) for k in spooled.kept())
    assert list(spooled.kept_names()) == [(o.path.casefold(), o.path) for o in expected]
