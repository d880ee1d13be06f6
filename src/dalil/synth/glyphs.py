"""A hand-drawn stroke font: Western digits, Eastern Arabic digits (٠–٩), ``/`` and ``-``.

Written here rather than taken from a system font so that the generator needs nothing
outside its package and draws the same pixels on every machine. Each glyph is a list of
pen strokes in a box one unit high (y down, 0 = top, 1 = baseline); drawing jitters every
point, so no two written digits are identical, as in handwriting.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

Stroke = tuple[tuple[float, float], ...]


def _loop(cx: float, cy: float, rx: float, ry: float, points: int = 14) -> Stroke:
    angles = [2 * math.pi * i / points - math.pi / 2 for i in range(points + 1)]
    return tuple((cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles)


GLYPHS: dict[str, tuple[Stroke, ...]] = {
    "0": (_loop(0.28, 0.5, 0.25, 0.49),),
    "1": (((0.08, 0.2), (0.3, 0.0), (0.3, 1.0)),),
    "2": (((0.04, 0.2), (0.2, 0.02), (0.42, 0.03), (0.52, 0.22), (0.44, 0.45), (0.04, 1.0),
           (0.56, 0.98)),),
    "3": (((0.04, 0.1), (0.28, 0.0), (0.5, 0.12), (0.48, 0.34), (0.24, 0.47), (0.5, 0.6),
           (0.54, 0.85), (0.3, 1.0), (0.02, 0.9)),),
    "4": (((0.44, 1.0), (0.44, 0.0), (0.02, 0.68), (0.58, 0.68)),),
    "5": (((0.54, 0.0), (0.1, 0.02), (0.06, 0.44), (0.34, 0.38), (0.54, 0.6), (0.5, 0.88),
           (0.28, 1.0), (0.02, 0.9)),),
    "6": (((0.5, 0.04), (0.26, 0.06), (0.07, 0.4), (0.05, 0.76), (0.25, 1.0), (0.5, 0.9),
           (0.52, 0.65), (0.3, 0.52), (0.07, 0.66)),),
    "7": (((0.02, 0.0), (0.58, 0.0), (0.2, 1.0)),),
    "8": (((0.3, 0.48), (0.08, 0.3), (0.1, 0.08), (0.3, 0.0), (0.5, 0.08), (0.52, 0.3),
           (0.3, 0.48), (0.05, 0.7), (0.1, 0.93), (0.3, 1.0), (0.52, 0.92), (0.55, 0.7),
           (0.3, 0.48)),),
    "9": (((0.52, 0.34), (0.34, 0.5), (0.12, 0.44), (0.06, 0.22), (0.22, 0.02), (0.45, 0.05),
           (0.52, 0.34), (0.48, 0.7), (0.28, 1.0)),),
    "/": (((0.5, 0.0), (0.06, 1.0)),),
    "-": (((0.06, 0.55), (0.46, 0.55)),),
    "٠": (((0.2, 0.5), (0.26, 0.42), (0.32, 0.5), (0.26, 0.58), (0.2, 0.5)),),
    "١": (((0.16, 0.0), (0.24, 0.5), (0.22, 1.0)),),
    "٢": (((0.06, 0.03), (0.12, 0.26), (0.3, 0.3), (0.5, 0.03)), ((0.12, 0.26), (0.28, 1.0))),
    "٣": (((0.02, 0.03), (0.08, 0.26), (0.2, 0.28), (0.3, 0.05), (0.36, 0.26), (0.48, 0.28),
           (0.6, 0.03)), ((0.08, 0.26), (0.24, 1.0))),
    "٤": (((0.52, 0.02), (0.22, 0.05), (0.14, 0.22), (0.4, 0.42), (0.12, 0.55), (0.1, 0.82),
           (0.3, 0.98), (0.55, 0.92)),),
    "٥": (((0.3, 0.3), (0.5, 0.5), (0.52, 0.78), (0.4, 0.98), (0.2, 0.98), (0.08, 0.78),
           (0.1, 0.5), (0.3, 0.3)),),
    "٦": (((0.04, 0.08), (0.2, 0.2), (0.44, 0.15), (0.5, 0.04)), ((0.44, 0.15), (0.36, 1.0))),
    "٧": (((0.02, 0.02), (0.3, 1.0), (0.58, 0.02)),),
    "٨": (((0.02, 1.0), (0.3, 0.02), (0.58, 1.0)),),
    "٩": (((0.46, 0.3), (0.3, 0.42), (0.12, 0.32), (0.12, 0.1), (0.3, 0.02), (0.46, 0.12),
           (0.46, 0.3), (0.42, 0.65), (0.38, 1.0)),),
}  # fmt: skip

JITTER = 0.035  # share of the glyph height each point may wander


def advance(char: str) -> float:
    """Width the pen moves on after ``char``, in glyph heights."""
    strokes = GLYPHS.get(char)
    if strokes is None:
        return 0.45
    return max(x for stroke in strokes for x, _ in stroke) + 0.22


def draw_glyph(
    mask: np.ndarray,
    char: str,
    origin: tuple[float, float],
    height: float,
    pen: int,
    rng: np.random.Generator,
) -> None:
    """Write ``char`` into ``mask`` (uint8) with its top-left corner at ``origin``."""
    for stroke in GLYPHS.get(char, ()):
        points = np.array(stroke) * height
        points += rng.uniform(-JITTER, JITTER, size=points.shape) * height
        points = _smooth(points) + np.array(origin)
        polyline = np.round(points * 16).astype(np.int32)
        cv2.polylines(mask, [polyline], False, 255, pen, cv2.LINE_AA, shift=4)


def _smooth(points: np.ndarray) -> np.ndarray:
    """One round of Chaikin corner cutting: pen strokes curve, they do not kink."""
    if len(points) < 3:
        return points
    a, b = points[:-1], points[1:]
    cut = np.empty((2 * len(a), 2))
    cut[0::2] = 0.75 * a + 0.25 * b
    cut[1::2] = 0.25 * a + 0.75 * b
    return np.vstack([points[:1], cut, points[-1:]])
