"""A finding: what one check concluded about one image, in words and in numbers.

Findings are values: a check returns them, the pipeline compares them with the findings
already recorded and writes only what changed. Two findings with the same ``key`` answer
the same question (this image, this check, this code, this other image); if their
bodies differ, the later one supersedes the earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """What a check concluded."""

    CONSISTENT = "consistent"  # the check found nothing wrong
    FLAGGED = "flagged"  # the check found evidence of manipulation or another origin
    INFO = "info"  # a fact worth knowing that is not itself evidence of manipulation
    NOT_APPLICABLE = "not-applicable"  # the check has nothing to test (no EXIF, no group...)
    COULD_NOT_ANALYSE = "could-not-analyse"  # damaged or hostile input: the reason says why


class Severity(StrEnum):
    """How much weight a reader should give a finding, least first."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Check(StrEnum):
    CAMERAS = "cameras"
    SENSORS = "sensors"
    TIMELINE = "timeline"
    REENCODING = "reencoding"
    DUPLICATES = "duplicates"


# Findings and their rows hold the plain strings.
CONSISTENT, FLAGGED, INFO = Verdict.CONSISTENT.value, Verdict.FLAGGED.value, Verdict.INFO.value
NOT_APPLICABLE, COULD_NOT_ANALYSE = Verdict.NOT_APPLICABLE.value, Verdict.COULD_NOT_ANALYSE.value
VERDICTS = tuple(v.value for v in Verdict)
NONE, LOW, MEDIUM, HIGH = (s.value for s in Severity)
SEVERITIES = tuple(s.value for s in Severity)
CHECKS = tuple(c.value for c in Check)


@dataclass(frozen=True)
class Finding:
    sha256: str
    check: str
    code: str
    verdict: str
    severity: str
    message: str
    subject: str = ""
    score: str | None = None
    camera: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.sha256, self.check, self.code, self.subject)

    @property
    def is_detection(self) -> bool:
        return self.verdict == FLAGGED


def could_not_analyse(sha256: str, check: str, reason: str) -> Finding:
    """The one shape every check uses for input it cannot read."""
    return Finding(
        sha256,
        check,
        "could-not-analyse",
        COULD_NOT_ANALYSE,
        LOW,
        f"could not analyse: {reason}",
        detail={"reason": reason},
    )


def decimal(value: float, places: int = 3) -> str:
    """A number for canonical JSON (no floats): fixed places, no negative zero."""
    text = f"{value:.{places}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
