"""Finding the face in a portrait or a post-mortem photo, whatever its orientation.

Bodies are photographed lying down, so a face may be at any angle. dlib's HOG detector
finds upright faces within about ±20°, so the image is tried at ``ANGLES`` (every 30°)
and the strongest detection wins. Contrast is equalised first: morgue photos are often
flat and dark, and HOG needs edges. Small images are upscaled: HOG's smallest face is
80 px, and crops such as the ORL faces (92x112) are barely larger.

An input known to be a face crop (a reviewer's crop, a passport photo, a face data set)
may be passed with ``assume_crop``: if no detection passes the threshold, the weakest
detection above ``FLOOR`` still gives the orientation and box, else the whole crop is
taken as the face, upright. Either way ``source`` says so and the quality score drops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

from dalil.identification.faces import models

# Tried nearest-upright first, so that a clear upright face ends the search early.
ANGLES = (0, 30, 330, 60, 300, 90, 270, 120, 240, 150, 210, 180)
# Detector scores: 0 is dlib's default threshold. Measured on degraded ORL crops
# (bench/identification.py), -0.5 finds four in five faces with few wrong orientations.
THRESHOLD = -0.5
FLOOR = -1.2
# A detection this strong is accepted without trying further angles (most portraits).
ACCEPT = 0.5
MIN_SIDE = 200  # upscale so the shorter side has at least this many pixels
MAX_SIDE = 1600  # downscale larger photos: faces in them are far above HOG's 80 px
# The face inside a tight crop, as fractions of width and height (left, top, right, bottom).
CROP_FACE = (0.1, 0.15, 0.9, 0.9)

Grey = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Detection:
    upright: Grey  # the prepared image, rotated so that the face is upright
    box: tuple[int, int, int, int]  # left, top, right, bottom in ``upright``
    angle: int  # degrees the photo was turned (counter-clockwise) to make the face upright
    score: float | None  # detector score; None when the crop itself was taken as the face
    source: str  # detector | weak-detector | crop
    scale: float  # prepared image pixels per original pixel


@dataclass(frozen=True)
class DetectSettings:
    angles: tuple[int, ...] = ANGLES
    threshold: float = THRESHOLD
    floor: float = FLOOR  # weaker detections are not even considered
    assume_crop: bool = False
    equalize: bool = True


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
    if equalize:
        grey = ImageOps.equalize(grey)
    return np.asarray(grey, dtype=np.uint8), scale


def rotate(grey: Grey, angle: int) -> Grey:
    if angle % 360 == 0:
        return grey
    turned = Image.fromarray(grey).rotate(
        angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=int(np.median(grey))
    )
    return np.asarray(turned, dtype=np.uint8)


def _detect_at(grey: Grey, angle: int, floor: float) -> list[tuple[float, int, Grey, Any]]:
    turned = rotate(grey, angle)
    rects, scores, _ = models.detector().run(turned, 0, floor)
    return [(float(s), angle, turned, r) for r, s in zip(rects, scores, strict=True)]


def find_face(image: Image.Image, settings: DetectSettings | None = None) -> Detection | None:
    """The strongest face over all orientations; None if there is none."""
    settings = settings or DetectSettings()
    grey, scale = prepare(image, settings.equalize)
    found: list[tuple[float, int, Grey, Any]] = []
    for angle in settings.angles:
        found.extend(_detect_at(grey, angle, settings.floor))
        if found and max(hit[0] for hit in found) >= ACCEPT:
            break
    if found:
        score, angle, turned, rect = max(found, key=lambda hit: hit[0])
        box = (rect.left(), rect.top(), rect.right(), rect.bottom())
        if score >= settings.threshold:
            return Detection(turned, box, angle, score, "detector", scale)
        if settings.assume_crop:
            return Detection(turned, box, angle, score, "weak-detector", scale)
    if not settings.assume_crop:
        return None
    height, width = grey.shape
    left, top, right, bottom = CROP_FACE
    box = (int(width * left), int(height * top), int(width * right), int(height * bottom))
    return Detection(grey, box, 0, None, "crop", scale)
