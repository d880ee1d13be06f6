"""The right edge of a Merkle tree: enough to append a leaf and compute the root in O(log n).

A tree of n leaves is, left to right, one perfect subtree per set bit of n, largest first.
Keeping their hashes (the "peaks") lets the custody log sign a checkpoint after every
batch without rereading a single event, and makes the head of the log a small value
stored next to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dalil.errors import LogError
from dalil.vault.merkle import EMPTY_ROOT, HASH_SIZE, node_hash


@dataclass(frozen=True)
class Frontier:
    """Peaks of the perfect subtrees of a tree of ``size`` leaves, largest first."""

    size: int = 0
    peaks: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.peaks) != self.size.bit_count():
            raise LogError(f"a frontier of size {self.size} needs {self.size.bit_count()} peaks")
        if any(len(p) != HASH_SIZE for p in self.peaks):
            raise LogError("a frontier peak is not a SHA-256 hash")

    def append(self, leaf: bytes) -> Frontier:
        """The frontier after one more leaf (a leaf hash, not raw data)."""
        peaks = list(self.peaks)
        digest = leaf
        size = self.size
        # Adding one merges the trailing perfect subtrees of equal size, like a carry.
        while size & 1:
            digest = node_hash(peaks.pop(), digest)
            size >>= 1
        peaks.append(digest)
        return Frontier(self.size + 1, tuple(peaks))

    def extend(self, leaves: Iterable[bytes]) -> Frontier:
        frontier = self
        for leaf in leaves:
            frontier = frontier.append(leaf)
        return frontier

    def root(self) -> bytes:
        if not self.peaks:
            return EMPTY_ROOT
        digest = self.peaks[-1]
        for left in reversed(self.peaks[:-1]):
            digest = node_hash(left, digest)
        return digest

    def to_hex(self) -> list[str]:
        return [p.hex() for p in self.peaks]

    @classmethod
    def from_hex(cls, size: int, peaks: Iterable[str]) -> Frontier:
        try:
            return cls(size, tuple(bytes.fromhex(p) for p in peaks))
        except ValueError as exc:
            raise LogError(f"the stored log head is damaged: {exc}") from exc
