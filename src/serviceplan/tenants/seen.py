"""The names read so far, for duplicate detection, in 12 bytes a tenant rather than a tenant:
a 64-bit hash of the casefolded name in an open-addressing table (two flat arrays), with the
line (or row number) it was first seen on. The hash is Python's own (SipHash, seeded per
process: the table lives in one run). Two names sharing a 64-bit hash would be taken for
one: at a million tenants the chance is about 1 in 36 million."""

from __future__ import annotations

from array import array

_EMPTY = 0
_START = 1 << 12


class Seen:
    def __init__(self) -> None:
        self._size = 0
        self._hashes = array("q", bytes(8 * _START))  # signed: Python's hash as it is
        self._lines = array("I", bytes(array("I").itemsize * _START))
        self._mask = _START - 1

    def __len__(self) -> int:
        return self._size

    def first(self, key: str, line: int) -> int:
        """The line `key` was first seen on; `line` when this is the first time."""
        digest = hash(key) or 1  # 0 marks an empty slot
        hashes, mask = self._hashes, self._mask
        found = digest & mask
        while (held := hashes[found]) != _EMPTY:  # once a tenant: kept to the bare loop
            if held == digest:
                return int(self._lines[found])
            found = (found + 1) & mask
        hashes[found] = digest
        self._lines[found] = line
        self._size += 1
        if self._size * 2 > mask:
            self._grow()
        return line

    def _grow(self) -> None:
        hashes, lines = self._hashes, self._lines
        # repeated, not copied from a zeroed bytes: no second table's worth held while growing
        into, lines_into = (
            array("q", [_EMPTY]) * (2 * len(hashes)),
            array("I", [0]) * (2 * len(lines)),
        )
        mask = len(into) - 1
        for digest, line in zip(hashes, lines, strict=True):
            if digest != _EMPTY:
                slot = digest & mask
                while into[slot] != _EMPTY:
                    slot = (slot + 1) & mask
                into[slot] = digest
                lines_into[slot] = line
        self._hashes, self._lines, self._mask = into, lines_into, mask
