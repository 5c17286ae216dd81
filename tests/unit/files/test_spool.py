from __future__ import annotations

import random

import pytest

from serviceplan.files import spool
from serviceplan.files.spool import Records, sort_records


def test_records_read_back_in_the_order_appended_however_many_are_spilled() -> None:
    made = [(number, f"name {number % 7}", "same file") for number in range(53)]
    records: Records[tuple[int, str, str]] = Records(held=4)
    records.extend(made[:10])
    for record in made[10:]:
        records.append(record)
    assert list(records) == made and len(records) == 53
    assert list(records) == made  # read again from the start
    assert all(a == b for a, b in zip(records, records, strict=True))  # two readers at once
    assert records == tuple(made) and records == made and records != made[:-1]
    records.close()
    assert list(records) == [] and len(records) == 0


def test_records_that_fit_are_never_written() -> None:
    records: Records[str] = Records(held=10)
    records.extend(["b", "a"])
    assert list(records) == ["b", "a"] and records._file is None


@pytest.mark.parametrize("run", [1, 2, 3, 7, 100, 1000])
def test_an_external_sort_in_many_runs_gives_sorted_order_ties_included(run: int) -> None:
    chooser = random.Random(run)
    # few distinct keys: many ties, which must keep their input order as sorted() does
    records = [(chooser.choice("bBaAcC"), number) for number in range(500)]
    key = lambda record: record[0].casefold()  # noqa: E731
    assert list(sort_records(records, key=key, run=run)) == sorted(records, key=key)
    assert list(sort_records(records, run=run)) == sorted(records)
    assert list(sort_records([], run=run)) == []


def test_the_sort_spools_a_run_each_time_it_holds_run_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The input is never held whole: every RUN records are sorted and written out."""
    monkeypatch.setattr(spool, "RUN", 8)
    spooled: list[Records[int]] = []
    original = Records.__init__

    def counted(self: Records[int], held: int | None = None) -> None:
        original(self, held)
        spooled.append(self)

    monkeypatch.setattr(Records, "__init__", counted)
    assert list(sort_records(range(100, 0, -1))) == list(range(1, 101))
    assert len(spooled) == 12  # 96 records in runs of 8, the last 4 merged from memory


def test_a_file_cut_short_is_an_error_not_fewer_records() -> None:
    records: Records[int] = Records(held=4)
    records.extend(range(12))
    assert records._file is not None
    records._file.truncate(records._file.seek(0, 2) - 10)
    with pytest.raises(OSError, match="cut short"):
        list(records)
