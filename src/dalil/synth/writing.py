"""How the numbers are written on a body's card (once per case) and how each photo shows
them (once per photo): the ground truth a number reader is scored against.

The standard set is the easy case: a white card, script handwriting, three lines, small
tilt. ``hard`` cards add what defeats OCR on the real collection: other hands and pen
widths, other layouts, steep rotation, perspective, blur, faint ink, a card partly
covered, numbers written on a skin-toned surface instead of a card, and Eastern Arabic
digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dalil.synth.numbers import CaseNumbers, to_eastern

# Hands: OpenCV's Hershey vector fonts (the script ones look handwritten) and
# "strokes", a hand-drawn stroke font of our own that also has Eastern Arabic digits.
EASY_HANDS = ("hershey_script_simplex", "hershey_script_complex")
HARD_HANDS = (
    *EASY_HANDS,
    "hershey_simplex",
    "hershey_plain",
    "hershey_duplex",
    "hershey_complex",
    "hershey_simplex_italic",
    "strokes",
)
EASTERN_HANDS = ("strokes",)

LAYOUTS = ("three_lines", "branch_first", "two_lines")
INKS = {"black": (28, 28, 32), "blue": (30, 44, 120), "red": (120, 30, 30)}

EASY_ROTATION = 8.0  # degrees either way: a card laid down by hand
HARD_ROTATION = 30.0
HARD_SKIN_SHARE = 0.2  # cases whose numbers are written on a skin-toned surface
HARD_EASTERN_SHARE = 0.25  # sessions written in Eastern Arabic digits
NO_CARD_SHARE = 0.04  # later photos of a case that leave the card out of frame


@dataclass(frozen=True)
class Writing:
    """What is written for one case, and with which hand, pen and layout."""

    surface: str  # "card" or "skin"
    digits: str  # "western" or "eastern"
    hand: str
    stroke: float  # pen width in pixels on a 1600-pixel-wide frame
    layout: str
    lines: tuple[str, ...]  # exactly the characters written, line by line
    ink: str


@dataclass(frozen=True)
class Capture:
    """How one photo shows the writing."""

    visible: bool
    rotation: float = 0.0  # degrees, counter-clockwise
    perspective: float = 0.0  # largest corner displacement, as a share of the card size
    blur: float = 0.0  # Gaussian sigma in pixels on a 1600-pixel-wide frame
    contrast: float = 1.0  # ink darkness relative to full (1.0)
    occlusion: tuple[str, float] | None = None  # covered side and share of the card


def layout_lines(numbers: CaseNumbers, layout: str, digits: str) -> tuple[str, ...]:
    """The lines written on the card, in the layout's order and the given digits."""
    report = str(numbers.report)
    if numbers.detainee is None or numbers.branch is None:
        lines: tuple[str, ...] = (report,)
    elif layout == "branch_first":
        lines = (str(numbers.branch), str(numbers.detainee), report)
    elif layout == "two_lines":
        lines = (f"{numbers.detainee}/{numbers.branch}", report)
    else:
        lines = (str(numbers.detainee), str(numbers.branch), report)
    return tuple(to_eastern(line) for line in lines) if digits == "eastern" else lines


def choose_writing(
    rng: np.random.Generator, numbers: CaseNumbers, eastern: bool, hard: bool
) -> Writing:
    """The writing of one case."""
    digits = "eastern" if eastern else "western"
    if hard:
        hand = str(rng.choice(EASTERN_HANDS if eastern else HARD_HANDS))
        layout = str(rng.choice(LAYOUTS))
        surface = "skin" if rng.random() < HARD_SKIN_SHARE else "card"
        stroke = round(float(rng.uniform(1.5, 7.0)), 2)
        ink = str(rng.choice(list(INKS)))
    else:
        hand = str(rng.choice(EASY_HANDS))
        layout, surface, ink = "three_lines", "card", "black"
        stroke = round(float(rng.uniform(3.0, 4.5)), 2)
    if numbers.detainee is None:
        layout = "report_only"
    lines = layout_lines(numbers, layout, digits)
    return Writing(surface, digits, hand, stroke, layout, lines, ink)


def choose_capture(rng: np.random.Generator, photo_index: int, hard: bool) -> Capture:
    """How photo ``photo_index`` (1-based) of a case shows the writing."""
    if photo_index > 1 and rng.random() < NO_CARD_SHARE:
        return Capture(visible=False)
    if not hard:
        return Capture(True, round(float(rng.uniform(-EASY_ROTATION, EASY_ROTATION)), 2))
    rotation = round(float(rng.uniform(-HARD_ROTATION, HARD_ROTATION)), 2)
    perspective = round(float(rng.uniform(0.0, 0.12)), 3) if rng.random() < 0.5 else 0.0
    blur = round(float(rng.uniform(0.8, 3.0)), 2) if rng.random() < 0.35 else 0.0
    contrast = round(float(rng.uniform(0.25, 0.6)), 2) if rng.random() < 0.3 else 1.0
    occlusion = None
    if rng.random() < 0.2:
        side = str(rng.choice(["left", "right", "top", "bottom"]))
        occlusion = (side, round(float(rng.uniform(0.1, 0.3)), 2))
    return Capture(True, rotation, perspective, blur, contrast, occlusion)
