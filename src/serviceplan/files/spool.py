"""Records spooled to disk: `Records` keeps picklable records in the order they were added,
the first few thousand in memory and the rest in an anonymous temporary file, read back as
often as asked; `sort_records` is sorted() for more records than should be held, an external
sort (sorted runs of bounded size spooled, then merged). A million records cost a file, not
memory."""

from __future__ import annotations

import heapq
import pickle
import struct
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, Any, TypeVar, overload

T = TypeVar("T")

HELD = 4096  # records held in memory before they are written out, as one block
RUN = 16_384  # records an external sort holds and sorts at a time
_MERGED = 256  # records of each run the merge holds: 64 runs (a million records), 16,384
_SIZE = struct.Struct("<Q")


class ReadBack(Sequence[T]):
    """A sequence held on disk and read back from the start on each pass: indexing reads it
    through (rare: reports and tests iterate), and it equals a tuple or list of the same
    items."""

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return tuple(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, type(self) | tuple | list):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self):,})"


class Records(ReadBack[T]):
    """Records in the order appended; iterating reads them back from the start, and several
    readers may read at once (each seeks before it reads)."""

    def __init__(self, held: int | None = None) -> None:
        self._held = max(1, HELD if held is None else held)
        self._memory: list[T] = []
        self._file: IO[bytes] | None = None
        self._blocks: list[int] = []  # the file's blocks: the number of records in each
        self._count = 0

    def append(self, record: T) -> None:
        self._memory.append(record)
        self._count += 1
        if len(self._memory) >= self._held:
            self._spill()

    def extend(self, records: Iterable[T]) -> None:
        source = iter(records)
        while chunk := list(islice(source, self._held - len(self._memory))):
            self._memory += chunk
            self._count += len(chunk)
            if len(self._memory) >= self._held:
                self._spill()

    def _spill(self) -> None:
        """The held records, as one pickled block (a string repeated in it is written once)."""
        if self._file is None:
            # closed (and gone) with the records, or by close()
            self._file = tempfile.TemporaryFile(prefix="serviceplan-spool-")  # noqa: SIM115
            weakref.finalize(self, self._file.close)
        data = pickle.dumps(self._memory, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(0, 2)
        self._file.write(_SIZE.pack(len(data)) + data)
        self._blocks.append(len(self._memory))
        self._memory = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        position = 0
        for _ in range(len(self._blocks)):
            assert self._file is not None
            self._file.seek(position)
            (size,) = _SIZE.unpack(self._file.read(_SIZE.size))
            data = self._file.read(size)
            if len(data) != size:
                raise OSError("the spooled records were cut short")
            position += _SIZE.size + size
            block: list[T] = pickle.loads(data)
            yield from block
        yield from self._memory[:]

    def close(self) -> None:
        """Remove the file now (it goes anyway when the records are collected)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._blocks, self._memory, self._count = [], [], 0


def sort_records(
    records: Iterable[T],
    key: Callable[[T], Any] | None = None,
    run: int | None = None,
) -> Iterator[T]:
    """`iter(sorted(records, key=key))`, holding about `run` records: each `run` records are
    sorted and spooled, then the runs are merged (heapq.merge takes equal keys from the earlier
    run first, so the order is sorted()'s, stable, to the last tie)."""
    run = max(1, RUN if run is None else run)
    runs: list[Records[T]] = []
    batch: list[T] = []
    block = max(1, min(_MERGED, run // 16))
    try:
        for record in records:
            batch.append(record)
            if len(batch) >= run:
                batch.sort(key=key)
                spooled: Records[T] = Records(block)
                spooled.extend(batch)
                runs.append(spooled)
                batch = []
        batch.sort(key=key)
        if not runs:
            yield from batch
            return
        yield from heapq.merge(*runs, batch, key=key)  # type: ignore[arg-type] # None: as sorted()
    finally:
        for spooled in runs:
            spooled.close()
