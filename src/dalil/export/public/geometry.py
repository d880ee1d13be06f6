"""Where a released image's pixels come from: one affine map from the stored original.

Every released image is the original turned as its EXIF orientation says, rotated by a
small random angle, scaled by a random non-integer factor and cropped by random margins
(see ``scrubber`` for why). All of it is one 2x3 affine matrix from the stored pixels
(the frame the catalogue's card corners and the custodian's boxes are given in) to the
released pixels (the frame a reviewer sees and draws in), so a box in either frame can
be carried to the other, and the release can be mapped back onto the sensor to measure
what is left of its noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]  # 2x3
Box = tuple[int, int, int, int]  # x, y, width, height

# EXIF orientation → (turn by 90° steps counter-clockwise, mirror left-right first).
ORIENTATIONS = {
    1: (0, False),
    2: (0, True),
    3: (2, False),
    4: (2, True),
    5: (1, True),
    6: (3, False),
    7: (3, True),
    8: (1, False),
}


@dataclass(frozen=True)
class Placement:
    """The random part of the map: a rotation, a scale and four crop margins."""

    angle: float  # degrees, counter-clockwise
    scale: float
    crop: tuple[float, float, float, float]  # left, top, right, bottom: shares of the side
    orientation: int = 1


def _orient(width: int, height: int, orientation: int) -> tuple[Matrix, int, int]:
    turns, mirror = ORIENTATIONS.get(orientation, (0, False))
    m = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    w, h = float(width), float(height)
    if mirror:
        m = np.array([[-1.0, 0.0, w], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]) @ m
    for _ in range(turns):  # one turn counter-clockwise: (x, y) → (y, w − x)
        m = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w], [0.0, 0.0, 1.0]]) @ m
        w, h = h, w
    return m, int(w), int(h)


def affine(width: int, height: int, placement: Placement) -> tuple[Matrix, int, int]:
    """The map from the stored pixels to the released ones, and the released size."""
    oriented, w, h = _orient(width, height, placement.orientation)
    theta = math.radians(placement.angle)
    s = placement.scale
    cos, sin = s * math.cos(theta), s * math.sin(theta)
    cx, cy = w / 2.0, h / 2.0
    # Rotate and scale about the centre, then move so the crop's corner is the origin.
    left, top, right, bottom = placement.crop
    out_w = max(1, round(w * s * (1.0 - left - right)))
    out_h = max(1, round(h * s * (1.0 - top - bottom)))
    tx = w * s * (0.5 - left) - (cos * cx + sin * cy)
    ty = h * s * (0.5 - top) - (-sin * cx + cos * cy)
    turned = np.array([[cos, sin, tx], [-sin, cos, ty], [0.0, 0.0, 1.0]])
    return (turned @ oriented)[:2], out_w, out_h


def inverse(matrix: Matrix) -> Matrix:
    full = np.vstack([matrix, [0.0, 0.0, 1.0]])
    return np.linalg.inv(full)[:2]


def carry(box: Box, matrix: Matrix, width: int, height: int) -> Box | None:
    """The box that covers ``box`` once mapped by ``matrix``, clipped to width×height;
    None when nothing of it is left inside."""
    x, y, w, h = box
    corners = np.array([[x, y, 1.0], [x + w, y, 1.0], [x, y + h, 1.0], [x + w, y + h, 1.0]])
    mapped = corners @ matrix.T
    left = max(0, math.floor(mapped[:, 0].min()))
    top = max(0, math.floor(mapped[:, 1].min()))
    right = min(width, math.ceil(mapped[:, 0].max()))
    bottom = min(height, math.ceil(mapped[:, 1].max()))
    if right <= left or bottom <= top:
        return None
    return (left, top, right - left, bottom - top)


def grown(box: Box, share: float, width: int, height: int) -> Box:
    """``box`` with ``share`` of its size added on every side, clipped to the image."""
    x, y, w, h = box
    dx, dy = round(w * share), round(h * share)
    left, top = max(0, x - dx), max(0, y - dy)
    right, bottom = min(width, x + w + dx), min(height, y + h + dy)
    return (left, top, max(1, right - left), max(1, bottom - top))
