"""Finding the face in a portrait or a post-mortem photo, whatever its orientation.

Bodies are photographed lying down, so a face may be at any angle. dlib's HOG detector
finds upright faces within about ±20°, so the photo is tried upright first and, only if
no face is found there, at the other ``ANGLES`` (every 30°); the strongest face wins.
Contrast is equalised first: morgue photos are often flat and dark, and HOG needs edges.
Small images are upscaled (HOG's smallest face is 80 px, and crops such as the ORL faces
are barely larger); large ones are searched shrunk (``UPRIGHT_SIDE``, ``DETECT_SIDE``),
and the face is then cut from the full-resolution image for embedding.

Every candidate above the threshold is checked before it is believed (``verification``):
HOG alone, at the permissive threshold that finds degraded faces, also finds "faces" in
floor tiles. A stricter threshold for the turned tries was measured as the alternative:
at -0.3 it left 12 of 104 face-free scenes with a false face and lost 16 of 306 degraded
faces; the check leaves none and the threshold can stay where the faces are.

An input known to be a face crop (a reviewer's crop, a passport photo, a face data set)
may be passed with ``assume_crop``: if no face passes, the strongest detection above
``FLOOR`` still gives the orientation and box, else the whole crop is taken as the face,
upright. Either way ``source`` says so and the quality score drops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

from dalil.identification.faces import models
from dalil.identification.faces.verification import second_opinion

# Upright first; then nearest-upright, so that a clear face ends the search early.
ANGLES = (0, 30, 330, 60, 300, 90, 270, 120, 240, 150, 210, 180)
# HOG scores (0 is dlib's default threshold), chosen with bench/identification.py's
# detection section on one split of degraded volunteer faces and face-free scenes.
THRESHOLD = -0.5  # upright
TURNED_THRESHOLD = -0.5  # any other orientation
FLOOR = -1.2  # weaker detections are not even considered
# A face this strong is accepted without trying further angles.
ACCEPT = 0.5
MIN_SIDE = 200  # upscale so the shorter side has at least this many pixels
MAX_SIDE = 1600  # the frame faces are embedded (and reviewers' crops cut) in
# The detector's frame (longest side, pixels). HOG's smallest face is 80 px: at 640 px
# that is 1/8 of the photo's longest side, at 1024 px 1/13. Eleven turned tries of a
# 1600 px photo cost seconds; at 640 px about a sixth. The upright try is one, and most
# photos are taken upright, so it looks closer. The price, measured with volunteer faces
# pasted into scenes (bench/identification.py): 15 of 50 found, 25 of 50 at full size
# (~5x the time); the faces lost are the small ones (pasted under ~1/9 of its width).
# A caller whose photos show small faces can set ``detect_side`` higher.
DETECT_SIDE = 640
UPRIGHT_SIDE = 1024
# The face inside a tight crop, as fractions of width and height (left, top, right, bottom).
CROP_FACE = (0.1, 0.15, 0.9, 0.9)

Grey = npt.NDArray[np.uint8]
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Detection:
    upright: Grey  # the prepared image, rotated so that the face is upright
    box: Box  # left, top, right, bottom in ``upright``
    angle: int  # degrees the photo was turned (counter-clockwise) to make the face upright
    score: float | None  # detector score; None when the crop itself was taken as the face
    source: str  # detector | weak-detector | crop
    scale: float  # prepared image pixels per original pixel
    confidence: float | None = None  # the second opinion's (see verification); None: not asked


@dataclass(frozen=True)
class DetectSettings:
    angles: tuple[int, ...] = ANGLES
    threshold: float = THRESHOLD
    turned_threshold: float = TURNED_THRESHOLD
    floor: float = FLOOR  # weaker detections are not even considered
    assume_crop: bool = False
    equalize: bool = True
    detect_side: int = DETECT_SIDE  # longest side searched; MAX_SIDE searches the prepared image
    upright_side: int = UPRIGHT_SIDE  # the same for the upright try
    verify: bool = True  # ask the second opinion before believing a detection
    upright_first: bool = True  # a face found upright ends the search


@dataclass(frozen=True)
class Candidate:
    score: float
    angle: int
    box: Box  # in the detector's frame, turned by ``angle``
    factor: float  # the detector's frame: pixels per pixel of the prepared image
    confidence: float | None
    accepted: bool


def prepare(image: Image.Image, equalize: bool = True) -> tuple[Grey, float]:
    """Grey, contrast-equalised, resized into [MIN_SIDE, MAX_SIDE]; and the scale used."""
    grey = ImageOps.exif_transpose(image).convert("L")
    short, long_ = min(grey.size), max(grey.size)
    scale = 1.0
    if short < MIN_SIDE:
        scale = math.ceil(MIN_SIDE / short)
    elif long_ > MAX_SIDE:
        scale = MAX_SIDE / long_
    if scale != 1.0:
        size = (round(grey.width * scale), round(grey.height * scale))
        grey = grey.resize(size, Image.Resampling.BICUBIC)
    pixels = np.asarray(grey, dtype=np.uint8)
    return (equalized(pixels) if equalize else pixels), scale


def equalized(grey: Grey) -> Grey:
    return np.asarray(ImageOps.equalize(Image.fromarray(grey)), dtype=np.uint8)


def shrink(grey: Grey, side: int) -> tuple[Grey, float]:
    """The image with its longest side at most ``side``; and the factor applied."""
    height, width = grey.shape
    factor = min(1.0, side / max(height, width))
    if factor == 1.0:
        return grey, 1.0
    size = (round(width * factor), round(height * factor))
    small = Image.fromarray(grey).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(small, dtype=np.uint8), factor


def rotate(grey: Grey, angle: int, fill: int | None = None) -> Grey:
    """``grey`` turned counter-clockwise, the corners filled with ``fill`` (its median)."""
    if angle % 360 == 0:
        return grey
    fill = int(np.median(grey)) if fill is None else fill
    turned = Image.fromarray(grey).rotate(
        angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=fill
    )
    return np.asarray(turned, dtype=np.uint8)


class Views:
    """The photo as the detector sees it in one orientation (shrunk to that orientation's
    side, maybe equalised) and as the check sees it (the same, not equalised)."""

    def __init__(self, plain: Grey, settings: DetectSettings) -> None:
        self.plain = plain
        self.settings = settings
        self._shrunk: dict[int, tuple[Grey, Grey, float]] = {}
        self._fill: dict[tuple[int, bool], int] = {}  # a median per image, not per turn

    def side(self, angle: int) -> int:
        return self.settings.upright_side if angle % 360 == 0 else self.settings.detect_side

    def _at(self, side: int) -> tuple[Grey, Grey, float]:
        if side not in self._shrunk:
            small, factor = shrink(self.plain, side)
            seen = equalized(small) if self.settings.equalize else small
            self._shrunk[side] = (seen, small, factor)
        return self._shrunk[side]

    def _turn(self, grey: Grey, angle: int, seen: bool) -> Grey:
        key = (self.side(angle), seen)
        if key not in self._fill:
            self._fill[key] = int(np.median(grey))
        return rotate(grey, angle, self._fill[key])

    def turned(self, angle: int) -> tuple[Grey, float]:
        seen, _, factor = self._at(self.side(angle))
        return self._turn(seen, angle, True), factor

    def plain_turned(self, angle: int) -> Grey:
        return self._turn(self._at(self.side(angle))[1], angle, False)


def candidates_at(views: Views, angle: int, settings: DetectSettings) -> list[Candidate]:
    """HOG's detections in one orientation, each checked when it passes the threshold."""
    turned, factor = views.turned(angle)
    rects, scores, _ = models.detector().run(turned, 0, settings.floor)
    threshold = settings.threshold if angle % 360 == 0 else settings.turned_threshold
    found, plain = [], None
    for rect, raw in zip(rects, scores, strict=True):
        score, box = float(raw), (rect.left(), rect.top(), rect.right(), rect.bottom())
        confidence = None
        accepted = score >= threshold
        if accepted and settings.verify:
            plain = views.plain_turned(angle) if plain is None else plain
            opinion = second_opinion(plain, box)
            confidence, accepted = opinion.confidence, opinion.is_face
        found.append(Candidate(score, angle, box, factor, confidence, accepted))
    return found


def search(views: Views, settings: DetectSettings) -> list[Candidate]:
    """Every candidate seen, orientation by orientation, until a face ends the search."""
    seen: list[Candidate] = []
    for angle in settings.angles:
        found = candidates_at(views, angle, settings)
        seen.extend(found)
        accepted = [c.score for c in found if c.accepted]
        if accepted and (max(accepted) >= ACCEPT or (angle == 0 and settings.upright_first)):
            break
    return seen


def _to_full(box: Box, factor: float, shape: tuple[int, ...]) -> Box:
    height, width = shape[:2]
    left, top, right, bottom = (round(v / factor) for v in box)
    return (max(0, left), max(0, top), min(width, right), min(height, bottom))


def find_face(image: Image.Image, settings: DetectSettings | None = None) -> Detection | None:
    """The strongest face over all orientations; None if there is none."""
    settings = settings or DetectSettings()
    plain, scale = prepare(image, equalize=False)
    seen = search(Views(plain, settings), settings)
    accepted = [c for c in seen if c.accepted]
    if not (accepted or settings.assume_crop):
        return None
    grey = equalized(plain) if settings.equalize else plain  # the frame faces are embedded in
    if accepted or seen:
        best = max(accepted or seen, key=lambda c: c.score)
        upright = rotate(grey, best.angle)
        box = best.box if best.factor == 1.0 else _to_full(best.box, best.factor, upright.shape)
        source = "detector" if accepted else "weak-detector"
        return Detection(upright, box, best.angle, best.score, source, scale, best.confidence)
    height, width = grey.shape
    left, top, right, bottom = CROP_FACE
    box = (int(width * left), int(height * top), int(width * right), int(height * bottom))
    return Detection(grey, box, 0, None, "crop", scale)
