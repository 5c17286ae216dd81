"""The names read so far, for duplicate detection, in 12 bytes a tenant rather than a tenant:
a 64-bit hash of the casefolded name in an open-addressing table (two flat arrays), with the
line (or row number) it was first seen on. The hash is Python's own (SipHash, seeded per
process: the table lives in one run). Two names sharing a 64-bit hash would be taken for
one: at a million tenants the chance is about 1 in 36 million."""

from __future__ import annotations

from array import array

_EMPTY = 0
_MASK = (1 << 64) - 1
_START = 1 << 12


class Seen:
    def __init__(self) -> None:
        self._size = 0
        self._hashes = array("Q", bytes(8 * _START))
        self._lines = array("I", bytes(array("I").itemsize * _START))

    def __len__(self) -> int:
        return self._size

    def first(self, key: str, line: int) -> int:
        """The line `key` was first seen on; `line` when this is the first time."""
        digest = (hash(key) & _MASK) or 1  # 0 marks an empty slot
        hashes = self._hashes
        mask = len(hashes) - 1
        found = digest & mask
        while (held := hashes[found]) != _EMPTY:  # _find, inline: once a tenant
            if held == digest:
                return int(self._lines[found])
            found = (found + 1) & mask
        hashes[found] = digest
        self._lines[found] = line
        self._size += 1
        if self._size * 2 > len(self._hashes):
            self._grow()
        return line

    def _find(self, digest: int) -> int:
        mask = len(self._hashes) - 1
        slot = digest & mask
        hashes = self._hashes
        while hashes[slot] != _EMPTY and hashes[slot] != digest:
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        hashes, lines = self._hashes, self._lines
        # repeated, not copied from a zeroed bytes: no second table's worth held while growing
        self._hashes = array("Q", [_EMPTY]) * (2 * len(hashes))
        self._lines = array("I", [0]) * (2 * len(lines))
        for digest, line in zip(hashes, lines, strict=True):
            if digest != _EMPTY:
                slot = self._find(digest)
                self._hashes[slot] = digest
                self._lines[slot] = line
