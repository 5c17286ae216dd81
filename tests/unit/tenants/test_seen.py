from __future__ import annotations

from serviceplan.tenants.seen import Seen


def test_the_first_line_of_a_name_is_kept_through_growth() -> None:
    seen = Seen()
    for line in range(1, 20_001):
        assert seen.first(f"tenant {line}", line) == line
    assert len(seen) == 20_000
    assert seen.first("tenant 7", 99_999) == 7
    assert seen.first("tenant 20000", 1) == 20_000
    assert seen.first("someone new", 5) == 5
    assert len(seen) == 20_001


def test_its_memory_is_a_few_bytes_a_name() -> None:
    seen = Seen()
    for line in range(1, 100_001):
        seen.first(str(line), line)
    size = seen._hashes.itemsize * len(seen._hashes) + seen._lines.itemsize * len(seen._lines)
    assert size <= 48 * 100_000  # a dict of the names would be several times this
