"""Consent per purpose, and the checks every use of a report must pass.

A family may agree that dalil compares their relative with the bodies (identification)
and refuse that the report be shown in court, or the reverse; they may agree to share
it with one organisation and not another. Each use calls ``require`` first, so a use
that forgot to ask is a bug a test can find, not a silent leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from dalil.identification.errors import ConsentRequired


class Purpose(StrEnum):
    IDENTIFICATION = "identification"
    COURT = "court"
    SHARING = "sharing"


PURPOSE_LABELS = {
    Purpose.IDENTIFICATION: "comparison with the bodies / المقارنة مع الجثامين",
    Purpose.COURT: "use as evidence in court / الاستخدام كدليل أمام المحاكم",
    Purpose.SHARING: "sharing with named partners / المشاركة مع شركاء محددين",
}


@dataclass(frozen=True)
class Consent:
    identification: bool = False
    court: bool = False
    share_with: frozenset[str] = field(default_factory=frozenset)

    def allows(self, purpose: Purpose, partner: str | None = None) -> bool:
        if purpose is Purpose.IDENTIFICATION:
            return self.identification
        if purpose is Purpose.COURT:
            return self.court
        return partner is not None and partner in self.share_with

    def granting(self, purpose: Purpose, granted: bool, partner: str | None = None) -> Consent:
        """This consent with one purpose granted or withdrawn."""
        if purpose is Purpose.IDENTIFICATION:
            return Consent(granted, self.court, self.share_with)
        if purpose is Purpose.COURT:
            return Consent(self.identification, granted, self.share_with)
        if not partner:
            raise ConsentRequired("consent to share names the partner it is given for")
        partners = self.share_with | {partner} if granted else self.share_with - {partner}
        return Consent(self.identification, self.court, frozenset(partners))

    def to_json(self) -> dict[str, object]:
        return {
            "identification": self.identification,
            "court": self.court,
            "share_with": sorted(self.share_with),
        }


def require(consent: Consent, purpose: Purpose, report: str, partner: str | None = None) -> None:
    """Raise ConsentRequired unless the family consented to ``purpose`` for ``report``."""
    if consent.allows(purpose, partner):
        return
    what = PURPOSE_LABELS[purpose] + (f" with {partner}" if partner else "")
    raise ConsentRequired(
        f"report {report} has no consent for {what}; record the family's consent "
        f"(`dalil am consent {report} {purpose.value} --grant`) before this use"
    )
