"""One photo's bytes → the numbers written in it, with a confidence for each.

The steps, each a remedy for a way plain OCR fails on these photos:

1. detect text regions on the whole frame (RapidOCR's detector, at 640 pixels);
2. keep the writing: the largest stack of lines turned alike (``lines.stack_lines``),
   dropping marks elsewhere in the frame;
3. straighten each line (cards lie at up to ±30°) and cut it from the full-resolution
   photo, in three versions: as photographed, contrast-stretched (faint ink) and
   binarised;
4. decide the digits' script: RapidOCR's alphabet has no Eastern Arabic digits, so it
   reads them as letters (٢ as Y or r, ٨ as A or Λ, ٠ as a dot); a card read as mostly
   letters is Eastern Arabic;
5. read each line restricted to digits and "/" (Western: RapidOCR's recogniser over
   the three versions, which must agree; Eastern: our glyph classifier);
6. parse the lines into detainee, branch and report with the layouts and the branch
   vocabulary (``layout.parse_lines``).

A pure function of (bytes, models, vocabulary): the same photo gives the same reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from dalil.catalogue import glyphs
from dalil.catalogue.engine import Engine, Image, Recognised, Region
from dalil.catalogue.layout import EMPTY, FIELDS, INCOMPLETE, Line, Parsed, parse_lines
from dalil.catalogue.lines import VARIANTS, TextLine, binarise, line_crops, stacks, writing_corners
from dalil.catalogue.vocabulary import Vocabulary

READER = "dalil-reader/2"  # bump when the same photo could be read differently
WESTERN_CHARS = set("0123456789/ ")
# A card is Eastern Arabic when this share of what the Latin recogniser reads on it is
# not a digit: Western cards score ~0-0.1 (an O for a 0), Eastern ones ~0.3-0.8.
EASTERN_SHARE = 0.22
MAX_LINE_HEIGHT = 0.2  # of the frame's shorter side
MAX_LINE_WIDTH = 0.7  # of the frame's width
MAX_STACKS = 3  # candidate writings tried when the likeliest one reads as nothing

UNDECODABLE = "undecodable"
NO_WRITING = "no-writing-found"
CRASHED = "reader-crashed"  # the photo killed the process reading it, twice (reading.py)


@dataclass(frozen=True)
class PhotoReading:
    script: str | None
    parsed: Parsed
    lines: tuple[tuple[str, float], ...]  # text as read (digits as written), confidence
    card: tuple[tuple[int, int], ...] | None  # corners of the writing, image pixels
    flags: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """Canonical-JSON form (no floats): what the custody event records."""
        value: dict[str, Any] = {
            "script": self.script,
            "layout": self.parsed.layout,
            "lines": [{"text": t, "bp": round(c * 10_000)} for t, c in self.lines],
            "card": None if self.card is None else [list(p) for p in self.card],
            "flags": sorted(set(self.flags) | set(self.parsed.flags)),
        }
        for name in FIELDS:
            read = self.parsed.fields[name]
            value[name] = {"value": read.value, "bp": read.basis_points}
        return value


def empty_reading(flag: str) -> PhotoReading:
    return PhotoReading(None, EMPTY, (), None, (flag,))


class Reader:
    def __init__(self, vocabulary: Vocabulary, engine: Engine | None = None) -> None:
        self.vocabulary = vocabulary
        self.engine = engine or Engine()

    def read_bytes(self, data: bytes) -> PhotoReading:
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if decoded is None:
            return empty_reading(UNDECODABLE)
        return self.read_image(np.asarray(decoded, dtype=np.uint8))

    def read_image(self, bgr: Image) -> PhotoReading:
        first = self._read(bgr, bgr)
        if not _weak(first):
            return first
        # Faint or small writing: detect again on a locally contrast-equalised copy (the
        # lines are still read from the photograph itself), keep the better reading.
        second = self._read(equalise(bgr), bgr)
        return max(first, second, key=_strength)

    def _read(self, seen: Image, bgr: Image) -> PhotoReading:
        """Detect on ``seen``, read from ``bgr`` (the same photo, perhaps enhanced)."""
        regions = [r for r in self.engine.detect(seen) if _plausible(r, bgr.shape[:2])]
        reading = empty_reading(NO_WRITING)
        for lines in stacks(regions)[:MAX_STACKS]:
            reading = self._read_lines(bgr, lines)
            if any(text for text, _ in reading.lines):
                break  # the writing; other stacks are marks elsewhere in the frame
        return reading

    def _read_lines(self, bgr: Image, lines: list[TextLine]) -> PhotoReading:
        crops = [line_crops(bgr, line) for line in lines]
        results = self.engine.recognise([c for variants in crops for c in variants])
        per_line = [results[i * VARIANTS : (i + 1) * VARIANTS] for i in range(len(lines))]
        eastern = _eastern_share([group[0].free_text for group in per_line]) >= EASTERN_SHARE
        if eastern:
            read = [Line(*glyphs.read_glyphs(binarise(variants[0]))) for variants in crops]
        else:
            read = [_agree(group) for group in per_line]
        parsed = parse_lines(read, self.vocabulary)
        corners = tuple((round(x), round(y)) for x, y in writing_corners(lines))
        return PhotoReading(
            "eastern" if eastern else "western",
            parsed,
            tuple((line.text, line.confidence()) for line in read),
            corners,
            (),
        )


def equalise(bgr: Image) -> Image:
    """Contrast equalised locally (CLAHE on lightness): faint ink stands out."""
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    lab[:, :, 0] = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(lab[:, :, 0])
    return np.asarray(cv2.cvtColor(lab, cv2.COLOR_LAB2BGR), dtype=np.uint8)


def _weak(reading: PhotoReading) -> bool:
    fields = reading.parsed.fields
    return INCOMPLETE in reading.parsed.flags or all(f.value is None for f in fields.values())


def _strength(reading: PhotoReading) -> tuple[int, float]:
    fields = reading.parsed.fields.values()
    return (sum(f.value is not None for f in fields), sum(f.confidence for f in fields))


def _plausible(region: Region, shape: tuple[int, ...]) -> bool:
    """A line of numbers is neither as tall as a fifth of the frame nor as wide as most
    of it; such regions are the sheet or the floor read as text."""
    height, width = shape[0], shape[1]
    return region.size[1] <= MAX_LINE_HEIGHT * min(height, width) and (
        region.size[0] <= MAX_LINE_WIDTH * width
    )


def _eastern_share(texts: list[str]) -> float:
    chars = [ch for text in texts for ch in text if not ch.isspace()]
    if not chars:
        return 0.0
    return sum(ch not in WESTERN_CHARS for ch in chars) / len(chars)


def _agree(results: list[Recognised]) -> Line:
    """One line from several readings of it: the text most of them read; each character's
    confidence the best among those that agree, scaled by the share that agree."""
    counts: dict[str, list[Recognised]] = {}
    for rec in results:
        counts.setdefault(rec.text, []).append(rec)
    text, agreeing = max(
        counts.items(), key=lambda kv: (len(kv[1]), sum(math.prod(r.confidences) for r in kv[1]))
    )
    if not text:
        return Line("", ())
    share = len(agreeing) / len(results)
    best = [max(r.confidences[i] for r in agreeing) for i in range(len(text))]
    return Line(text, tuple(c * share ** (1 / len(text)) for c in best))
