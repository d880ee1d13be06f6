"""Capture histories: how many people were documented by exactly which lists.

Multiple systems estimation needs only this table: for K lists, the count of people
for each of the 2^K − 1 observed patterns (1 = on that list). The pattern of people on
no list is the unknown the estimators fill in. Reports publish the table in the same
shape (one 0/1 column per list and a count), so ``read_table`` accepts it as printed.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dalil.errors import InputError

# Fewer than two lists identify nothing; beyond eight the 255 patterns are almost all
# empty for any real stratum and the model space is too large to search.
MIN_LISTS = 2
MAX_LISTS = 8


@dataclass(frozen=True)
class CaptureTable:
    """Counts of documented people by capture pattern, for named lists."""

    lists: tuple[str, ...]
    counts: dict[tuple[int, ...], int]

    def __post_init__(self) -> None:
        k = len(self.lists)
        if not MIN_LISTS <= k <= MAX_LISTS:
            raise InputError(f"estimation needs 2 to {MAX_LISTS} lists, got {k}")
        for pattern, count in self.counts.items():
            if len(pattern) != k or any(bit not in (0, 1) for bit in pattern):
                raise InputError(f"capture pattern {pattern} does not fit {k} lists")
            if not any(pattern):
                raise InputError("the count of people on no list is what is estimated")
            if count < 0:
                raise InputError(f"pattern {pattern} has a negative count")

    @property
    def observed(self) -> int:
        return sum(self.counts.values())

    def patterns(self) -> list[tuple[int, ...]]:
        """Every observable pattern, in a fixed order (binary counting, zeros omitted)."""
        return [p for p in itertools.product((0, 1), repeat=len(self.lists)) if any(p)]

    def matrix(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Patterns as a (2^K − 1) × K 0/1 matrix and their counts."""
        patterns = self.patterns()
        x = np.array(patterns, dtype=np.int64)
        n = np.array([self.counts.get(p, 0) for p in patterns], dtype=np.int64)
        return x, n

    def list_totals(self) -> dict[str, int]:
        return {
            name: sum(c for p, c in self.counts.items() if p[j])
            for j, name in enumerate(self.lists)
        }

    def overlap(self) -> int:
        """People on more than one list: the information MSE runs on."""
        return sum(c for p, c in self.counts.items() if sum(p) > 1)


def from_memberships(lists: Sequence[str], people: Iterable[Iterable[str]]) -> CaptureTable:
    """The table for people given as the set of lists each one is on."""
    index = {name: j for j, name in enumerate(lists)}
    counts: Counter[tuple[int, ...]] = Counter()
    for on in people:
        bits = [0] * len(lists)
        for name in on:
            bits[index[name]] = 1
        if any(bits):
            counts[tuple(bits)] += 1
    return CaptureTable(tuple(lists), dict(counts))


def read_table(path: Path) -> CaptureTable:
    """Read a published capture-history table: 0/1 columns per list and a ``count``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    if not rows:
        raise InputError(f"{path} has no rows")
    columns = list(rows[0])
    if "count" not in columns:
        raise InputError(f"{path} needs a `count` column next to one 0/1 column per list")
    lists = tuple(c for c in columns if c != "count")
    counts: Counter[tuple[int, ...]] = Counter()
    for number, row in enumerate(rows, start=2):
        try:
            pattern = tuple(int(row[c]) for c in lists)
            count = int(row["count"])
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{path} line {number}: list columns are 0/1, count a whole number"
            ) from exc
        if any(pattern):
            counts[pattern] += count
    return CaptureTable(lists, dict(counts))
