"""A case's numbers from the readings of its photos, and when a reading is "confident".

Each photo of a body is read on its own; a case's suggested value for a field is the
value its photos support most, weighing each reading by its confidence. Whether that
suggestion may be used without review is decided by its *evidence*: how many photos
read that value (each with at least even odds), whether any photo read another value,
the digits' script and whether a branch is in the vocabulary. Each kind of evidence is a bucket of a
calibration table measured on generated collections with known truth (``bench/
catalogue.py --calibrate``, shipped as ``data/calibration.json``): a suggestion's
confidence is the share of suggestions in its bucket that were right, and it is
*confident* when at least two photos read it and that share is at least
``CONFIDENT_PRECISION`` over enough cases. The
rule can be stated to a court in one sentence per bucket, and re-measured on a real
collection from its double-entry confirmations.

Pure: no image, no database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SURE = 0.9  # a reading this confident counts as a sure reading of its value
USABLE = 0.5  # below this a reading is ignored as evidence for or against a value
MAX_COUNT = 3  # evidence counts are capped: three sure photos are as good as more
CONFIDENT_PRECISION = 0.997  # a bucket this precise (target 99.5%, with a margin) is confident
MIN_BUCKET_CASES = 40  # fewer calibration cases than this cannot show that precision
# One photo's reading is never enough, however its bucket measured: two photos of the body
# must read the same value (independent views of one card) for it to skip review.
MIN_AGREEING = 2
CALIBRATION = "data/calibration.json"


@dataclass(frozen=True)
class Vote:
    """One photo's reading of one field."""

    value: str | None
    confidence: float  # 0..1
    script: str | None = None
    confirmed: bool = False  # typed and agreed by two reviewers, not read by the machine


@dataclass(frozen=True)
class Evidence:
    field: str
    script: str  # western | eastern | confirmed | none | absent (nothing written)
    sure: int  # photos that read the suggested value with at least SURE confidence
    usable: int  # photos that read it with at least USABLE confidence
    dissent: int  # photos that read another value with at least USABLE confidence
    known: bool  # for a branch: in the vocabulary (always True for other fields)

    @property
    def bucket(self) -> str:
        """The calibration cell: script, photos agreeing (1, 2, 3 or more), any dissent.

        Coarse on purpose: each cell must hold enough calibration cases to show 99.7%.
        How surely each photo read the value is already in ``usable`` (at least 0.5)."""
        if not self.known:
            return "unknown-branch"
        return f"{self.script}:agree={min(self.usable, MAX_COUNT)}:dissent={min(self.dissent, 1)}"


@dataclass(frozen=True)
class Suggestion:
    value: str | None
    confidence: float
    confident: bool
    evidence: Evidence | None

    @property
    def basis_points(self) -> int:
        return round(self.confidence * 10_000)


NO_SUGGESTION = Suggestion(None, 0.0, False, None)


@dataclass(frozen=True)
class Calibration:
    """Per bucket: suggestions right and suggestions in all, on collections with truth."""

    buckets: Mapping[str, tuple[int, int]]
    source: str = ""

    def confidence(self, evidence: Evidence) -> float:
        if evidence.script == "confirmed":
            return 1.0
        right, total = self.buckets.get(evidence.bucket, (0, 0))
        return (right + 0.5) / (total + 1.0)  # Jeffreys-like: an empty bucket says 0.5

    def confident(self, evidence: Evidence) -> bool:
        if evidence.script == "confirmed":
            return True
        if not evidence.known or evidence.usable < MIN_AGREEING:
            return False
        right, total = self.buckets.get(evidence.bucket, (0, 0))
        return total >= MIN_BUCKET_CASES and right / total >= CONFIDENT_PRECISION

    def as_json(self) -> dict[str, Any]:
        return {"buckets": {k: list(v) for k, v in sorted(self.buckets.items())},
                "source": self.source}  # fmt: skip

    def dumps(self) -> str:
        """The table as the shipped file: one bucket a line, [right, total]."""
        rows = [f'  "{k}": [{v[0]}, {v[1]}]' for k, v in sorted(self.buckets.items())]
        body = ",\n".join(rows)
        return f'{{\n "source": {json.dumps(self.source)},\n "buckets": {{\n{body}\n }}\n}}\n'


@cache
def shipped_calibration() -> Calibration:
    text = resources.files("dalil.catalogue").joinpath(CALIBRATION).read_text(encoding="utf-8")
    data = json.loads(text)
    buckets = {k: (int(v[0]), int(v[1])) for k, v in data["buckets"].items()}
    return Calibration(buckets, str(data.get("source", "")))


def tally(votes: Iterable[Vote]) -> dict[str, float]:
    """Summed confidence of the usable readings, per value."""
    totals: dict[str, float] = {}
    for vote in votes:
        if vote.value is not None and vote.confidence >= USABLE:
            totals[vote.value] = totals.get(vote.value, 0.0) + vote.confidence
    return totals


def suggest(
    field: str,
    votes: list[Vote],
    calibration: Calibration,
    vocabulary: frozenset[str] | None = None,
) -> Suggestion:
    """The case's value for ``field`` and how far it can be trusted."""
    confirmed = [v for v in votes if v.confirmed and v.value is not None]
    if confirmed:
        value = confirmed[0].value
        evidence = Evidence(field, "confirmed", len(confirmed), len(confirmed), 0, True)
        return Suggestion(value, 1.0, True, evidence)
    totals = tally(votes)
    if not totals:
        weak = [v for v in votes if v.value is not None]
        if not weak:
            return NO_SUGGESTION
        best = max(weak, key=lambda v: (v.confidence, v.value or ""))
        evidence = Evidence(field, best.script or "none", 0, 0, 0, _known(field, best.value,
                            vocabulary))  # fmt: skip
        return Suggestion(best.value, min(best.confidence, calibration.confidence(evidence)),
                          False, evidence)  # fmt: skip
    value = max(totals, key=lambda v: (totals[v], v))
    agreeing = [v for v in votes if v.value == value and v.confidence >= USABLE]
    scripts = sorted({v.script or "none" for v in agreeing})
    evidence = Evidence(
        field=field,
        script=scripts[0] if len(scripts) == 1 else "mixed",
        sure=sum(v.confidence >= SURE for v in agreeing),
        usable=len(agreeing),
        dissent=sum(1 for v in votes if v.value not in (None, value) and v.confidence >= USABLE),
        known=_known(field, value, vocabulary),
    )
    return Suggestion(
        value, calibration.confidence(evidence), calibration.confident(evidence), evidence
    )


def suggest_absent(
    field: str, alone: int, sure: int, against: int, calibration: Calibration
) -> Suggestion:
    """Nothing written for ``field``: the case's cards read as a report number alone
    (``alone`` photos, ``sure`` of them surely), ``against`` photos read as a detainee's."""
    evidence = Evidence(field, "absent", sure, alone, against, True)
    return Suggestion(
        None, calibration.confidence(evidence), calibration.confident(evidence), evidence
    )


def _known(field: str, value: str | None, vocabulary: frozenset[str] | None) -> bool:
    return field != "branch" or vocabulary is None or value in vocabulary
