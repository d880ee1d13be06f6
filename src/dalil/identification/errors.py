"""The errors of identification, a branch of ``dalil.errors.DalilError``.

DalilError
 ├── InputError
 │    ├── ReportInvalid        an AM report that fails validation (names each field)
 │    ├── ReportNotFound       no AM report with that code (a NotFound, with suggestions)
 │    └── ReviewRefused        a review decision the policy does not allow
 └── IdentificationError
      ├── ConsentRequired      the family has not consented to this use
      ├── ReportWithdrawn      consent was withdrawn; only a tombstone remains
      └── ContactKeyError      the key that opens family contacts is missing or wrong
"""

from __future__ import annotations

from dalil.errors import DalilError, InputError, NotFound


class IdentificationError(DalilError):
    """Identification refuses to do what was asked."""


class ConsentRequired(IdentificationError):
    """The family has not given consent for this purpose."""


class ReportWithdrawn(IdentificationError):
    """The report's consent was withdrawn and its personal data removed."""


class ContactKeyError(IdentificationError):
    """The identification key file is missing, unreadable or not this archive's."""


class ReportInvalid(InputError):
    """An AM report failed validation; ``problems`` lists every field that is wrong."""

    def __init__(self, problems: list[str], fields: list[str] | None = None) -> None:
        self.problems = problems
        self.fields = fields or []  # the keys of the fields at fault, to ask again
        super().__init__("the report cannot be saved:\n  - " + "\n  - ".join(problems))


class ReportNotFound(NotFound):
    """No AM report has this code."""


class ReviewRefused(InputError):
    """A review decision that the two-person policy does not allow."""
