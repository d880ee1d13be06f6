"""What is hidden in a released image: faces, the numbering card, boxes people chose.

A region is a box with the frame it was given in: ``source`` (the stored original's
pixels: the catalogue's card corners, the custodian's boxes) or ``release`` (the
preview's pixels: faces found on it, a reviewer's boxes). Every region is carried into
the release frame and pixelated, then blurred: coarse blocks first, so that no detail
finer than a block survives for a deblurring attack, then a blur so that the blocks do
not draw the eye. Faces are found with dalil's own detector (``identification.faces``),
which tries every orientation (bodies lie at any angle); it returns the strongest face,
so it is asked again after each face is hidden, until it finds none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from dalil.export.public.geometry import Box, Matrix, carry, grown

RGB = npt.NDArray[np.uint8]

SOURCE, RELEASE = "source", "release"
FACE, CARD, CUSTODIAN, REVIEWER = "face", "card", "custodian", "reviewer"
MAX_FACES = 12  # a photo of a crowd; beyond it the reviewer draws boxes
FACE_MARGIN = 0.3  # share of a face box added on each side: hair, ears, jaw
CARD_MARGIN = 0.15  # the writing's corners are tight: the card's edge and stray digits
BLOCKS = 6  # blocks across a region's shorter side: no feature finer than a sixth
MIN_BLOCK = 4


@dataclass(frozen=True)
class Region:
    box: Box
    frame: str  # source | release
    why: str  # face | card | custodian | reviewer

    def as_json(self) -> dict[str, Any]:
        return {"box": list(self.box), "frame": self.frame, "why": self.why}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Region:
        x, y, w, h = (int(v) for v in value["box"])
        return cls((x, y, w, h), str(value["frame"]), str(value["why"]))


def in_release(region: Region, matrix: Matrix, width: int, height: int) -> Box | None:
    """The region as a box of the released image (None if it falls outside it)."""
    same = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    box = carry(region.box, same if region.frame == RELEASE else matrix, width, height)
    if box is not None and region.why == CARD:
        box = grown(box, CARD_MARGIN, width, height)
    return box


def hide(rgb: RGB, box: Box) -> None:
    """Pixelate, then blur, the box (in place)."""
    x, y, w, h = box
    patch = rgb[y : y + h, x : x + w]
    if patch.size == 0:
        return
    block = max(MIN_BLOCK, math.ceil(min(w, h) / BLOCKS))
    small = cv2.resize(
        patch,
        (max(1, math.ceil(w / block)), max(1, math.ceil(h / block))),
        interpolation=cv2.INTER_AREA,
    )
    coarse = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    side = block | 1
    rgb[y : y + h, x : x + w] = cv2.GaussianBlur(coarse, (2 * side + 1, 2 * side + 1), block / 2)


def card_box(corners: list[list[int]]) -> Box:
    xs = [int(p[0]) for p in corners]
    ys = [int(p[1]) for p in corners]
    return (min(xs), min(ys), max(1, max(xs) - min(xs)), max(1, max(ys) - min(ys)))


def find_faces(rgb: RGB) -> list[Box]:
    """Every face the detector finds, as boxes of ``rgb`` (hidden one by one on a copy)."""
    from dalil.identification.faces.detection import find_face

    work = rgb.copy()
    height, width = rgb.shape[:2]
    boxes: list[Box] = []
    for _ in range(MAX_FACES):
        found = find_face(Image.fromarray(work))
        if found is None:
            break
        box = grown(_face_box(found, width, height), FACE_MARGIN, width, height)
        if any(_overlap(box, b) > 0.5 for b in boxes):
            box = grown(box, 0.5, width, height)  # found again: what was hidden was too small
        boxes.append(box)
        hide(work, box)
    return boxes


def _overlap(a: Box, b: Box) -> float:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if right <= left or bottom <= top:
        return 0.0
    return (right - left) * (bottom - top) / min(a[2] * a[3], b[2] * b[3])


def _face_box(found: Any, width: int, height: int) -> Box:
    """The detector's box, drawn in its turned and scaled frame, as a box of the image."""
    left, top, right, bottom = found.box
    corners = [(left, top), (right, top), (left, bottom), (right, bottom)]
    up_h, up_w = found.upright.shape[:2]
    # The frame before turning: the image scaled by ``found.scale``.
    plain_w, plain_h = round(width * found.scale), round(height * found.scale)
    theta = math.radians(found.angle)
    cos, sin = math.cos(theta), math.sin(theta)
    points = []
    for x, y in corners:
        dx, dy = x - up_w / 2.0, y - up_h / 2.0
        # PIL turned the plain image counter-clockwise by the angle: turn back.
        px = cos * dx - sin * dy + plain_w / 2.0
        py = sin * dx + cos * dy + plain_h / 2.0
        points.append((px / found.scale, py / found.scale))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
    x1, y1 = min(width, math.ceil(max(xs))), min(height, math.ceil(max(ys)))
    return (x0, y0, max(1, x1 - x0), max(1, y1 - y0))
