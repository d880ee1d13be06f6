"""The three numbers on every body: detainee, security branch and forensic report.

Detainee numbers run per branch (each branch numbered its own prisoners), report numbers
run across the hospital, both rising with time and skipping numbers now and then. The
branch mix is weighted towards the branches most often named in the Caesar photos.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Branches named on the cards of the real collection, with how often each appears
# here; the last four stand for the "few others" and rarely appear.
BRANCH_WEIGHTS: dict[int, float] = {
    215: 0.34,
    227: 0.16,
    235: 0.14,
    248: 0.10,
    251: 0.12,
    216: 0.04,
    220: 0.04,
    245: 0.03,
    291: 0.03,
}
MAIN_BRANCHES = (215, 227, 235, 248, 251)

WESTERN_DIGITS = "0123456789"
EASTERN_DIGITS = "٠١٢٣٤٥٦٧٨٩"  # U+0660..U+0669, ARABIC-INDIC DIGIT ZERO..NINE
_TO_EASTERN = str.maketrans(WESTERN_DIGITS, EASTERN_DIGITS)


@dataclass(frozen=True)
class CaseNumbers:
    """What is written for one body; ``None`` where nothing is written (not a detainee)."""

    detainee: int | None
    branch: int | None
    report: int


def to_eastern(text: str) -> str:
    """Western digits in ``text`` written as Eastern Arabic digits (٠–٩)."""
    return text.translate(_TO_EASTERN)


class NumberBook:
    """Hands out numbers in time order, as the branches and the hospital did."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._branches = list(BRANCH_WEIGHTS)
        weights = np.array(list(BRANCH_WEIGHTS.values()))
        self._weights = weights / weights.sum()
        self._detainee = {b: int(rng.integers(100, 3000)) for b in self._branches}
        self._report = int(rng.integers(1000, 4000))

    def next_detainee(self) -> CaseNumbers:
        branch = int(self._rng.choice(self._branches, p=self._weights))
        self._detainee[branch] += int(self._rng.integers(1, 13))
        return CaseNumbers(self._detainee[branch], branch, self._next_report())

    def next_other(self) -> CaseNumbers:
        """A body that was not a detainee (a soldier, an attack site): a report number only."""
        return CaseNumbers(None, None, self._next_report())

    def _next_report(self) -> int:
        self._report += int(self._rng.integers(1, 4))
        return self._report
