"""Comparisons in the Splink style: each one falls into exactly one level, with a weight.

A level's weight is log2(m/u) in bits: m is how often true matches fall into it, u how
often unrelated pairs do. A reviewer reads "branch: same agency, −0.5" and knows why a
candidate ranks where it does. Unknown values fall into the null level, weight 0:
absence of evidence is not evidence against. Two levels are hard exclusions (sex
mismatch, death before arrest): they remove the candidate unless a reviewer overrides
the rule with a reason, because a family's or an observer's error is possible.

The default m values are judgements about how families and reviewers err (stated next
to each); u values should be estimated from the archive's own random pairs with
``weights.estimate_u``, as Splink does, since they depend on the collection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dalil.identification import vocabulary as vocab
from dalil.identification.dates import PartialDate, years_between
from dalil.identification.records import AMQuery, PMCase


class ExclusionRule(StrEnum):
    SEX_MISMATCH = "sex_mismatch"
    DEATH_BEFORE_ARREST = "death_before_arrest"


SEX_MISMATCH = ExclusionRule.SEX_MISMATCH.value
DEATH_BEFORE_ARREST = ExclusionRule.DEATH_BEFORE_ARREST.value
EXCLUSION_RULES = (SEX_MISMATCH, DEATH_BEFORE_ARREST)

# Months from arrest to death. Of the Caesar deaths with known dates most came within
# months of arrest (HRW, "If the Dead Could Speak", 2015).
SHORT_DETENTION_DAYS = 180
LONG_DETENTION_DAYS = 730
AGE_SLACK_YEARS = 5  # estimating age from a post-mortem photo is rarely better than this

# (m, u) per level. m: share of true matches in the level; u: share of unrelated pairs.
DEFAULT_MU: dict[str, dict[str, tuple[float, float]]] = {
    "sex": {
        "same": (0.97, 0.90),  # families rarely err on sex; most of the dead are men
        "different": (0.01, 0.10),
    },
    "detention": {
        "death within 6 months of arrest": (0.60, 0.15),
        "death 6-24 months after arrest": (0.33, 0.25),
        "death over 2 years after arrest": (0.05, 0.15),
        "dates overlap; order unknown": (0.015, 0.05),
        "death before arrest": (0.005, 0.40),
    },
    "last_seen": {
        "last seen alive before death": (0.97, 0.55),
        "seen alive after the death": (0.03, 0.45),
    },
    "branch": {
        "same branch": (0.55, 0.22),  # the card names the last branch; transfers happen
        "same agency": (0.25, 0.40),
        "different agency": (0.20, 0.38),
    },
    "age": {
        "age consistent": (0.90, 0.35),
        f"within {AGE_SLACK_YEARS} years": (0.08, 0.30),
        f"over {AGE_SLACK_YEARS} years apart": (0.02, 0.35),
    },
    "marks": {
        "same mark, same place": (0.30, 0.01),
        "same kind of mark": (0.15, 0.06),
        "no mark in common": (0.55, 0.93),
    },
    "place": {
        "same governorate": (0.60, 0.30),
        "different governorate": (0.40, 0.70),
    },
}
COMPARISONS = (*DEFAULT_MU, "face")


@dataclass(frozen=True)
class Level:
    comparison: str
    label: str
    weight: float  # bits; 0 for the null level
    detail: str = ""  # what was compared, e.g. "AM 215 / PM 227"
    exclusion: str | None = None  # the rule this level triggers, if any

    @property
    def is_null(self) -> bool:
        return self.label == "null"


@dataclass(frozen=True)
class Weights:
    mu: dict[str, dict[str, tuple[float, float]]]

    def __post_init__(self) -> None:
        bits = {(c, lv): math.log2(m / u) for c, ls in self.mu.items() for lv, (m, u) in ls.items()}
        object.__setattr__(self, "_bits", bits)

    def bits(self, comparison: str, label: str) -> float:
        value: float = self._bits[(comparison, label)]  # type: ignore[attr-defined]
        return value

    def level(
        self, comparison: str, label: str, detail: str = "", exclusion: str | None = None
    ) -> Level:
        return Level(comparison, label, self.bits(comparison, label), detail, exclusion)


DEFAULT_WEIGHTS = Weights(DEFAULT_MU)


def null(comparison: str, detail: str = "not known on both sides") -> Level:
    return Level(comparison, "null", 0.0, detail)


def compare_sex(q: AMQuery, c: PMCase, w: Weights) -> Level:
    am, pm = q.person.sex, c.sex
    if am not in ("male", "female") or pm not in ("male", "female"):
        return null("sex")
    detail = f"AM {am} / PM {pm}"
    if am == pm:
        return w.level("sex", "same", detail)
    return w.level("sex", "different", detail, SEX_MISMATCH)


def compare_detention(q: AMQuery, c: PMCase, w: Weights) -> Level:
    arrest, death = q.person.arrest_date, c.death_interval()
    if arrest is None or death is None:
        return null("detention")
    least = (death[0] - arrest.latest).days
    most = (death[1] - arrest.earliest).days
    detail = f"arrest {arrest}, death by {death[1].isoformat()}"
    if most < 0:
        return w.level("detention", "death before arrest", detail, DEATH_BEFORE_ARREST)
    if least < 0 and death[0] != date.min:
        return w.level("detention", "dates overlap; order unknown", detail)
    if most <= SHORT_DETENTION_DAYS:
        return w.level("detention", "death within 6 months of arrest", detail)
    if most <= LONG_DETENTION_DAYS:
        return w.level("detention", "death 6-24 months after arrest", detail)
    return w.level("detention", "death over 2 years after arrest", detail)


def compare_last_seen(q: AMQuery, c: PMCase, w: Weights) -> Level:
    seen, death = q.person.last_seen_date, c.death_interval()
    if seen is None or death is None:
        return null("last_seen")
    detail = f"last seen {seen}, death by {death[1].isoformat()}"
    if seen.earliest > death[1]:
        return w.level("last_seen", "seen alive after the death", detail)
    return w.level("last_seen", "last seen alive before death", detail)


def compare_branch(q: AMQuery, c: PMCase, w: Weights) -> Level:
    am, pm = q.person.arresting_branch, c.branch
    if not am or not pm:
        return null("branch")
    detail = f"AM {am} / PM {pm}"
    if am == pm:
        return w.level("branch", "same branch", detail)
    agency = vocab.BRANCH_AGENCY.get(am)
    if agency is not None and agency == vocab.BRANCH_AGENCY.get(pm):
        return w.level("branch", "same agency", detail)
    return w.level("branch", "different agency", detail)


def am_age_at_death(q: AMQuery, c: PMCase) -> tuple[int, int] | None:
    """The age the missing person would have had at the case's death, least and most."""
    death = c.death_interval()
    person = q.person
    if death is None:
        return None
    at_death = PartialDate.of(death[1])
    if person.birth_date is not None:
        return years_between(person.birth_date, at_death)
    if person.age_years is not None and person.arrest_date is not None:
        extra = years_between(person.arrest_date, at_death)
        return (person.age_years + max(0, extra[0]), person.age_years + 1 + max(0, extra[1]))
    return None


def compare_age(q: AMQuery, c: PMCase, w: Weights) -> Level:
    am = am_age_at_death(q, c)
    if am is None or c.age_min is None or c.age_max is None:
        return null("age")
    gap = max(am[0] - c.age_max, c.age_min - am[1], 0)
    detail = f"AM {am[0]}-{am[1]} / PM {c.age_min}-{c.age_max}"
    if gap == 0:
        return w.level("age", "age consistent", detail)
    if gap <= AGE_SLACK_YEARS:
        return w.level("age", f"within {AGE_SLACK_YEARS} years", detail)
    return w.level("age", f"over {AGE_SLACK_YEARS} years apart", detail)


def compare_marks(q: AMQuery, c: PMCase, w: Weights) -> Level:
    am, pm = q.person.marks, c.marks
    if not am or not pm:
        return null("marks", "no marks recorded on one side")
    exact = {(m.kind, m.region) for m in am if m.region} & {(m.kind, m.region) for m in pm}
    if exact:
        kind, region = sorted(exact)[0]
        return w.level("marks", "same mark, same place", f"{kind} on {region}")
    kinds = {m.kind for m in am} & {m.kind for m in pm}
    if kinds:
        return w.level("marks", "same kind of mark", ", ".join(sorted(kinds)))
    return w.level("marks", "no mark in common", f"AM {len(am)} / PM {len(pm)} marks")


def compare_place(q: AMQuery, c: PMCase, w: Weights) -> Level:
    am, pm = q.person.arrest_governorate, c.place
    if not am or not pm:
        return null("place")
    detail = f"AM {am} / PM {pm}"
    label = "same governorate" if am == pm else "different governorate"
    return w.level("place", label, detail)


ATTRIBUTE_COMPARISONS = (
    compare_sex,
    compare_detention,
    compare_last_seen,
    compare_branch,
    compare_age,
    compare_marks,
    compare_place,
)
