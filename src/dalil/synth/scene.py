"""What each synthetic photo shows: a floor, a sheet, an abstract shape and a card.

Deliberately non-graphic: nothing in a scene depicts a person. The shape stands for the
body only structurally (one per case, seen again in each of the case's photos from a
slightly different view), so that near-duplicate and grouping checks have real work to
do. Scene coordinates are in units of the frame width at zoom 1, origin at the centre;
a ``View`` maps them to pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

FLOORS = ((138, 134, 124), (120, 128, 122), (150, 140, 120), (110, 112, 118), (160, 156, 148))
SHEETS = ((222, 224, 226), (200, 212, 222), (214, 222, 206), (226, 218, 204))
SHAPES = ((118, 128, 148), (122, 126, 96), (150, 136, 112), (104, 112, 120), (136, 118, 124))
SKIN_TONES = ((224, 176, 144), (198, 140, 104), (150, 98, 70), (236, 198, 170), (176, 120, 90))
PAPER = (238, 238, 232)


@dataclass(frozen=True)
class View:
    """Where the camera points: zoom, roll (degrees) and the scene point at frame centre."""

    zoom: float
    angle: float
    focus: tuple[float, float]
    shift: tuple[float, float]  # extra offset, in frame widths

    def matrix(self, width: int, height: int) -> np.ndarray:
        """2×3 affine from scene units to pixels."""
        scale = self.zoom * width
        cos, sin = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        rotation = np.array([[cos, -sin], [sin, cos]]) * scale
        centre = np.array([width / 2 + self.shift[0] * width, height / 2 + self.shift[1] * width])
        offset = centre - rotation @ np.array(self.focus)
        return np.hstack([rotation, offset[:, None]])


@dataclass(frozen=True)
class CaseLook:
    """What stays the same across a case's photos: the shape, the sheet, the card's place."""

    radii: tuple[tuple[float, float, float], ...]  # (order, amplitude, phase) harmonics
    stretch: float
    tilt: float
    shape_colour: tuple[int, int, int]
    sheet_colour: tuple[int, int, int]
    sheet_angle: float
    card_centre: tuple[float, float]
    card_width: float


def case_look(seed: int, skin: bool) -> CaseLook:
    rng = np.random.default_rng([seed, 7])
    radii = tuple(
        (float(k), float(rng.uniform(0.02, 0.22 / k)), float(rng.uniform(0, 2 * math.pi)))
        for k in range(2, 6)
    )
    palette = SKIN_TONES if skin else SHAPES
    side = 1 if rng.random() < 0.5 else -1
    card_centre = (0.0, 0.02) if skin else (side * rng.uniform(0.26, 0.32), rng.uniform(-0.1, 0.14))
    return CaseLook(
        radii=radii,
        stretch=float(rng.uniform(1.5, 2.1)),
        tilt=float(rng.uniform(-0.4, 0.4)),
        shape_colour=palette[int(rng.integers(len(palette)))],
        sheet_colour=SHEETS[int(rng.integers(len(SHEETS)))],
        sheet_angle=float(rng.uniform(-0.08, 0.08)),
        card_centre=(float(card_centre[0]), float(card_centre[1])),
        card_width=float(rng.uniform(0.15, 0.2)),
    )


def choose_view(rng: np.random.Generator, photo_index: int, look: CaseLook) -> View:
    """The first photo frames the whole scene; later ones move closer, often to the card."""
    if photo_index == 1:
        return View(1.0, float(rng.uniform(-2, 2)), (0.0, 0.0), _jitter(rng, 0.02))
    t = float(rng.uniform(0.3, 1.0))
    focus = (look.card_centre[0] * t, look.card_centre[1] * t)
    return View(float(rng.uniform(1.15, 1.6)), float(rng.uniform(-6, 6)), focus, _jitter(rng, 0.03))


def _jitter(rng: np.random.Generator, amount: float) -> tuple[float, float]:
    return float(rng.uniform(-amount, amount)), float(rng.uniform(-amount, amount))


def to_pixels(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Scene points (N×2) to pixel points (N×2, float)."""
    result: np.ndarray = points @ matrix[:, :2].T + matrix[:, 2]
    return result


def draw_scene(
    rng: np.random.Generator, height: int, width: int, floor_seed: int, look: CaseLook, view: View
) -> np.ndarray:
    """Floor, sheet and shape, as an RGB uint8 image."""
    matrix = view.matrix(width, height)
    canvas = _floor(rng, height, width, floor_seed)
    _draw_tiles(canvas, matrix, floor_seed)
    sheet = np.array([[-0.46, -0.3], [0.46, -0.3], [0.46, 0.32], [-0.46, 0.32]])
    sheet = sheet @ _rotation(look.sheet_angle).T
    _fill(canvas, to_pixels(matrix, sheet), look.sheet_colour)
    outline = _shape_outline(look)
    _fill(canvas, to_pixels(matrix, outline), look.shape_colour)
    highlight = tuple(min(255, c + 14) for c in look.shape_colour)
    _fill(canvas, to_pixels(matrix, outline * 0.72 + np.array([-0.02, -0.015])), highlight)
    return canvas


def _rotation(angle: float) -> np.ndarray:
    return np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])


def _fill(canvas: np.ndarray, points: np.ndarray, colour: tuple[int, ...]) -> None:
    polygon = np.round(points * 16).astype(np.int32)
    cv2.fillPoly(canvas, [polygon], colour, cv2.LINE_AA, shift=4)


def _shape_outline(look: CaseLook) -> np.ndarray:
    theta = np.linspace(0, 2 * math.pi, 96, endpoint=False)
    radius = np.full_like(theta, 0.14)
    for order, amplitude, phase in look.radii:
        radius *= 1 + amplitude * np.cos(order * theta + phase)
    points = np.stack([radius * np.cos(theta) * look.stretch, radius * np.sin(theta)], axis=1)
    result: np.ndarray = points @ _rotation(look.tilt).T
    return result


def _floor(rng: np.random.Generator, height: int, width: int, seed: int) -> np.ndarray:
    """Session floor colour under uneven light, with a soft mottled texture.

    Both vary slowly, so they are computed on a grid 16 times coarser and enlarged.
    """
    small_h, small_w = max(2, height // 16), max(2, width // 16)
    base = np.array(FLOORS[seed % len(FLOORS)], dtype=np.float32)
    ys = np.linspace(-1, 1, small_h, dtype=np.float32)[:, None]
    xs = np.linspace(-1, 1, small_w, dtype=np.float32)[None, :]
    gx, gy = (np.float32(g) for g in rng.uniform(-0.12, 0.12, size=2))
    light = 0.97 + gx * xs + gy * ys - 0.08 * (xs * xs + ys * ys)
    mottle = rng.normal(0, 6, size=(small_h, small_w, 1)).astype(np.float32)
    small = np.clip(light[:, :, None] * base + mottle, 0, 255).astype(np.uint8)
    result: np.ndarray = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    return result


def _draw_tiles(canvas: np.ndarray, matrix: np.ndarray, seed: int) -> None:
    """Grout lines of a tiled floor, fixed in the scene so they move with the view."""
    size = 0.18 + (seed % 5) * 0.02
    colour = tuple(int(c) - 24 for c in FLOORS[seed % len(FLOORS)])
    width = max(1, round(canvas.shape[1] / 500))
    for k in range(-6, 7):
        for a, b in (((k * size, -2.0), (k * size, 2.0)), ((-2.0, k * size), (2.0, k * size))):
            p = to_pixels(matrix, np.array([a, b]))
            start = (round(p[0, 0] * 16), round(p[0, 1] * 16))
            end = (round(p[1, 0] * 16), round(p[1, 1] * 16))
            cv2.line(canvas, start, end, colour, width, cv2.LINE_AA, shift=4)
