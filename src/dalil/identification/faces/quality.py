"""How much a face can be trusted for matching, from 0 to 1.

Four things lower it, each measured on the aligned chip or the detection: a weak or
absent detection (the face may be mis-oriented or not a face), a small face (few
pixels between the eyes), blur (low variance of the Laplacian), and low contrast. The
score weights photos when several of one body are combined, and is shown to reviewers;
bench/identification.py reports how it relates to the distance between true pairs.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from dalil.identification.faces.detection import Detection

# Faces narrower than this (original pixels) carry little identity for the ResNet.
GOOD_FACE_WIDTH = 80
# Laplacian variance of a sharp 150x150 chip; measured on undegraded ORL chips.
SHARP_LAPLACIAN_VAR = 400.0
GOOD_CONTRAST_STD = 40.0
SOURCE_FACTOR = {"detector": 1.0, "weak-detector": 0.6, "crop": 0.5}


def _laplacian_var(chip: npt.NDArray[np.uint8]) -> float:
    a = chip.astype(np.float32)
    lap = a[1:-1, :-2] + a[1:-1, 2:] + a[:-2, 1:-1] + a[2:, 1:-1] - 4 * a[1:-1, 1:-1]
    return float(lap.var())


def face_quality(detection: Detection, chip: npt.NDArray[np.uint8]) -> float:
    score = detection.score
    confidence = 1.0 if score is None else 1 / (1 + math.exp(-3 * (score + 0.2)))
    width = (detection.box[2] - detection.box[0]) / detection.scale
    size = min(1.0, width / GOOD_FACE_WIDTH)
    sharpness = min(1.0, _laplacian_var(chip) / SHARP_LAPLACIAN_VAR)
    contrast = min(1.0, float(np.std(chip)) / GOOD_CONTRAST_STD)
    parts = (confidence, size, math.sqrt(sharpness), contrast)
    value = SOURCE_FACTOR[detection.source] * math.prod(parts) ** (1 / len(parts))
    return round(value, 4)
