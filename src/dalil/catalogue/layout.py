"""From the lines read on a card to the three numbers: detainee, branch, forensic report.

Cards were written in a few layouts (one number a line, the branch first, detainee and
branch on one line with a slash, or a report number alone for a body that was not a
detainee). The reader does not know the layout; this module tries each one that fits
the lines, scores how plausible each is (a branch is a known branch number, a report
is the last line, numbers have the lengths they have in the collection) and keeps the
best. A field's confidence is the recognition confidence of its characters times the
share of the plausible layouts that give it the same value, so a value every layout
agrees on does not suffer from the layout being unsure.

Pure: no image, no database. The reader and the tests call ``parse_lines``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from dalil.catalogue.digits import SEPARATORS, is_number, script_of, to_western
from dalil.catalogue.vocabulary import Vocabulary

FIELDS = ("detainee", "branch", "report")
LAYOUTS = ("three_lines", "branch_first", "two_lines", "report_only")

# Plausible lengths in digits. Detainee numbers ran per branch into the thousands,
# report numbers across the hospital into the tens of thousands (HRW counted 6,786
# detainees in the photos of one hospital); anything far outside is a misreading.
DETAINEE_DIGITS = range(2, 7)
REPORT_DIGITS = range(3, 8)
BRANCH_DIGITS = range(2, 5)
# Scores are log-odds-like points; a layout that leaves a field out pays for it.
MISSING_FIELD = 2.5
UNKNOWN_BRANCH = 1.0
IMPLAUSIBLE = 4.0
# Even the best layout may be implausible ("55" as a report number: a mark read as digits);
# its fields' confidences are scaled by sigmoid(score + offset), which leaves a complete,
# plausible card at 0.999 and makes a two-digit "report" unusable.
PLAUSIBILITY_OFFSET = 2.0
LAYOUT_PRIOR = {"three_lines": 0.4, "branch_first": 0.0, "two_lines": 0.0, "report_only": 0.0}

BRANCH_NOT_IN_VOCABULARY = "branch-not-in-vocabulary"
MIXED_DIGITS = "mixed-digits"
LAYOUT_AMBIGUOUS = "layout-ambiguous"
EXTRA_LINES = "extra-lines"
INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Line:
    """One line as read: characters (any digits, separators) and each one's confidence."""

    text: str
    confidences: tuple[float, ...] = ()

    def confidence(self, start: int = 0, stop: int | None = None) -> float:
        """Probability that characters [start:stop] are all right (product)."""
        values = self.confidences[start:stop] if self.confidences else ()
        if not values:
            return 1.0 if not self.confidences and self.text else 0.0
        return math.prod(values)


@dataclass(frozen=True)
class FieldRead:
    value: str | None  # Western digits; None when the layout has no such number
    confidence: float  # 0..1

    @property
    def basis_points(self) -> int:
        return round(self.confidence * 10_000)


@dataclass(frozen=True)
class Parsed:
    layout: str | None
    fields: dict[str, FieldRead]
    flags: tuple[str, ...] = ()
    script: str | None = None  # digits written: western, eastern, mixed

    @property
    def category(self) -> str:
        """detainee (detainee and branch numbers), other (a report number alone), unknown."""
        values = {name: read.value for name, read in self.fields.items()}
        if values["detainee"] and values["branch"]:
            return "detainee"
        if self.layout == "report_only" and values["report"]:
            return "other"
        return "unknown"


@dataclass(frozen=True)
class _Candidate:
    layout: str
    score: float
    fields: dict[str, FieldRead] = field(default_factory=dict)


EMPTY = Parsed(None, {name: FieldRead(None, 0.0) for name in FIELDS})


def parse_lines(lines: Sequence[Line], vocabulary: Vocabulary) -> Parsed:
    """The most plausible (detainee, branch, report) for lines read top to bottom."""
    lines = [Line(_clean(line.text), line.confidences) for line in lines if _clean(line.text)]
    lines = [line for line in lines if _shape_ok(line.text)]
    if not lines:
        return EMPTY
    flags: list[str] = []
    scripts = {script_of(line.text) for line in lines} - {None}
    script = scripts.pop() if len(scripts) == 1 else ("mixed" if scripts else None)
    if script == "mixed":
        flags.append(MIXED_DIGITS)
    western = [Line(to_western(line.text), line.confidences) for line in lines]
    if len(western) > 3:
        flags.append(EXTRA_LINES)
        western = western[-3:]  # stray marks above the card; the report is written last
    candidates = sorted(
        _candidates(western, vocabulary), key=lambda c: (-c.score, LAYOUTS.index(c.layout))
    )
    if not candidates:
        return Parsed(None, EMPTY.fields, tuple(flags), script)
    weights = _softmax([c.score for c in candidates])
    best = candidates[0]
    plausible = 1.0 / (1.0 + math.exp(-(best.score + PLAUSIBILITY_OFFSET)))
    fields = {}
    for name in FIELDS:
        chosen = best.fields[name]
        share = plausible * sum(w for c, w in zip(candidates, weights, strict=True)
                                if c.fields[name].value == chosen.value)  # fmt: skip
        fields[name] = FieldRead(chosen.value, chosen.confidence * share)
    if len(candidates) > 1 and weights[1] > 0.2 and _differ(best, candidates[1]):
        flags.append(LAYOUT_AMBIGUOUS)
    if best.layout != "report_only" and any(fields[n].value is None for n in FIELDS):
        flags.append(INCOMPLETE)
    branch = fields["branch"].value
    if branch is not None and branch not in vocabulary:
        flags.append(BRANCH_NOT_IN_VOCABULARY)
    return Parsed(best.layout, fields, tuple(flags), script)


def _clean(text: str) -> str:
    kept = "".join(ch for ch in text if is_number(ch) or ch in SEPARATORS)
    return "".join("/" if ch in SEPARATORS else ch for ch in kept).strip("/")


def _shape_ok(text: str) -> bool:
    """A number, or two numbers joined by one separator."""
    parts = text.split("/")
    return len(parts) <= 2 and all(is_number(p) for p in parts)


def _differ(a: _Candidate, b: _Candidate) -> bool:
    return any(a.fields[n].value != b.fields[n].value for n in FIELDS)


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _whole(line: Line) -> FieldRead:
    return FieldRead(line.text, line.confidence())


def _split(line: Line) -> tuple[FieldRead, FieldRead]:
    left, right = line.text.split("/")
    cut = len(left)
    return (
        FieldRead(left, line.confidence(0, cut + 1)),  # the separator's confidence counts
        FieldRead(right, line.confidence(cut, None)),
    )


_NONE = FieldRead(None, 0.0)


def _candidates(lines: list[Line], vocabulary: Vocabulary) -> list[_Candidate]:
    """Every layout (complete or with one number missing) that the lines can fit."""
    slashed = ["/" in line.text for line in lines]
    options: list[tuple[str, FieldRead, FieldRead, FieldRead]] = []
    n = len(lines)
    if n == 3 and not any(slashed):
        a, b, c = (_whole(line) for line in lines)
        options += [("three_lines", a, b, c), ("branch_first", b, a, c)]
    if n == 2 and slashed[0] and not slashed[1]:
        d, b = _split(lines[0])
        options.append(("two_lines", d, b, _whole(lines[1])))
    if n == 2 and not any(slashed):  # one line lost: which one is unknown
        a, b = (_whole(line) for line in lines)
        options += [
            ("three_lines", a, b, _NONE),
            ("three_lines", _NONE, a, b),
            ("three_lines", a, _NONE, b),
            ("branch_first", b, a, _NONE),
            ("branch_first", b, _NONE, a),
            ("branch_first", _NONE, a, b),
        ]
    if n == 1 and slashed[0]:
        d, b = _split(lines[0])
        options.append(("two_lines", d, b, _NONE))
    if n == 1 and not slashed[0]:
        options.append(("report_only", _NONE, _NONE, _whole(lines[0])))
    return [
        _Candidate(
            layout, _score(layout, d, b, r, vocabulary), {"detainee": d, "branch": b, "report": r}
        )
        for layout, d, b, r in options
    ]


def _score(
    layout: str, detainee: FieldRead, branch: FieldRead, report: FieldRead, vocabulary: Vocabulary
) -> float:
    score = LAYOUT_PRIOR[layout]
    if layout == "report_only":
        return score + _length_score(report.value, REPORT_DIGITS)
    for read, digits in ((detainee, DETAINEE_DIGITS), (report, REPORT_DIGITS)):
        score += _length_score(read.value, digits) if read.value is not None else -MISSING_FIELD
    if branch.value is None:
        score -= MISSING_FIELD
    elif branch.value in vocabulary:
        score += 3.0
    elif len(branch.value) in BRANCH_DIGITS:
        score -= UNKNOWN_BRANCH
    else:
        score -= IMPLAUSIBLE
    return score


def _length_score(value: str | None, digits: range) -> float:
    if value is None:
        return -MISSING_FIELD
    return 1.0 if len(value) in digits else -IMPLAUSIBLE
