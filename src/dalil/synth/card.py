"""Writing the numbers into a photo: on a white card, or straight onto the shape.

The writing is drawn flat on a patch the size it will have in the frame, then warped
into place (rotation, perspective) and blended, so that hard cards cost no more to draw
than easy ones. Everything that makes a card hard to read is a field of ``Capture``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from dalil.synth import glyphs
from dalil.synth.scene import PAPER, CaseLook, View, to_pixels
from dalil.synth.writing import INKS, Capture, Writing

HERSHEY = {
    "hershey_simplex": cv2.FONT_HERSHEY_SIMPLEX,
    "hershey_plain": cv2.FONT_HERSHEY_PLAIN,
    "hershey_duplex": cv2.FONT_HERSHEY_DUPLEX,
    "hershey_complex": cv2.FONT_HERSHEY_COMPLEX,
    "hershey_script_simplex": cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
    "hershey_script_complex": cv2.FONT_HERSHEY_SCRIPT_COMPLEX,
    "hershey_simplex_italic": cv2.FONT_HERSHEY_SIMPLEX | cv2.FONT_ITALIC,
}
ASPECT = {1: 0.36, 2: 0.52, 3: 0.7}  # card height / width, by number of lines
REFERENCE_WIDTH = 1600  # pen widths and blur are given for a frame this wide


def draw_writing(
    canvas: np.ndarray,
    writing: Writing,
    capture: Capture,
    look: CaseLook,
    view: View,
    rng: np.random.Generator,
) -> None:
    """Blend the case's writing, as this photo shows it, into ``canvas`` (RGB uint8)."""
    height, width = canvas.shape[:2]
    pw, ph = card_size(writing, look, view, width)
    pen = max(1, round(writing.stroke * width / REFERENCE_WIDTH * view.zoom))
    ink = ink_mask(writing, pw, ph, pen, rng)
    rgb, alpha = _patch(writing, capture, look, ink, rng)
    centre = to_pixels(view.matrix(width, height), np.array([look.card_centre]))[0]
    corners = _corners(pw, ph, centre, capture, rng, (width, height))
    box = _blend(canvas, rgb, alpha, corners)
    if capture.blur > 0 and box is not None:
        _blur(canvas, box, capture.blur * width / REFERENCE_WIDTH)


def card_size(writing: Writing, look: CaseLook, view: View, width: int) -> tuple[int, int]:
    """Width and height in pixels of the card (or written area) before it is turned."""
    pw = max(32, round(look.card_width * view.zoom * width))
    return pw, max(16, round(pw * ASPECT[min(len(writing.lines), 3)]))


def card_box(
    writing: Writing, capture: Capture, look: CaseLook, view: View, frame: tuple[int, int]
) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) that holds the turned card, clipped to the frame."""
    width, height = frame
    pw, ph = card_size(writing, look, view, width)
    cx, cy = to_pixels(view.matrix(width, height), np.array([look.card_centre]))[0]
    cos, sin = (
        abs(math.cos(math.radians(capture.rotation))),
        abs(math.sin(math.radians(capture.rotation))),
    )
    half_w = 0.52 * (pw * cos + ph * sin) * (1 + capture.perspective)
    half_h = 0.52 * (pw * sin + ph * cos) * (1 + capture.perspective)
    return (
        max(0, int(cx - half_w)),
        max(0, int(cy - half_h)),
        min(width, int(cx + half_w) + 1),
        min(height, int(cy + half_h) + 1),
    )


def ink_mask(writing: Writing, pw: int, ph: int, pen: int, rng: np.random.Generator) -> np.ndarray:
    """The written lines as a uint8 mask of a ``pw``×``ph`` card."""
    mask = np.zeros((ph, pw), dtype=np.uint8)
    lines = writing.lines
    line_height = ph / (len(lines) + 0.35)
    for index, line in enumerate(lines):
        glyph = 0.62 * line_height
        top = (index + 0.3) * line_height + (line_height - glyph) / 2
        if writing.hand in HERSHEY:
            _hershey_line(mask, line, HERSHEY[writing.hand], top, glyph, pen, rng)
        else:
            _stroke_line(mask, line, top, glyph, pen, rng)
    return mask


def _hershey_line(
    mask: np.ndarray, line: str, font: int, top: float, glyph: float, pen: int,
    rng: np.random.Generator,
) -> None:  # fmt: skip
    (_, digit_height), _ = cv2.getTextSize("0", font, 1.0, pen)
    scale = glyph / max(digit_height, 1)
    widths = [cv2.getTextSize(ch, font, scale, pen)[0][0] for ch in line]
    room = mask.shape[1] * 0.88
    if sum(widths) > room:
        shrink = room / sum(widths)
        scale, widths = scale * shrink, [w * shrink for w in widths]
        glyph *= shrink
    x = (mask.shape[1] - sum(widths)) / 2 + rng.uniform(-0.04, 0.04) * mask.shape[1]
    for ch, w in zip(line, widths, strict=True):
        size = scale * rng.uniform(0.92, 1.08)
        dy = rng.uniform(-0.07, 0.07) * glyph
        org = (round(x + rng.uniform(-0.04, 0.04) * glyph), round(top + glyph + dy))
        cv2.putText(mask, ch, org, font, size, 255, pen, cv2.LINE_AA)
        x += w + rng.uniform(-0.03, 0.06) * glyph


def _stroke_line(
    mask: np.ndarray, line: str, top: float, glyph: float, pen: int, rng: np.random.Generator
) -> None:
    gap = 0.12
    total = sum(glyphs.advance(ch) + gap for ch in line) * glyph
    room = mask.shape[1] * 0.88
    if total > room:
        glyph *= room / total
        total = room
    x = (mask.shape[1] - total) / 2 + rng.uniform(-0.04, 0.04) * mask.shape[1]
    for ch in line:
        size = glyph * rng.uniform(0.92, 1.08)
        glyphs.draw_glyph(mask, ch, (x, top + rng.uniform(-0.07, 0.07) * glyph), size, pen, rng)
        x += (glyphs.advance(ch) + gap + rng.uniform(-0.03, 0.05)) * glyph


def _patch(
    writing: Writing, capture: Capture, look: CaseLook, ink: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Colour and opacity of the flat card: paper and ink, or ink alone on the skin."""
    ph, pw = ink.shape
    a = (ink.astype(np.float32) / 255.0)[:, :, None]
    ink_colour = np.array(INKS[writing.ink], dtype=np.float32)
    if writing.surface == "card":
        paper = np.array(PAPER, dtype=np.float32) + rng.uniform(-6, 4)
        colour = paper + capture.contrast * (ink_colour - paper)
        rgb = paper * (1 - a) + colour * a
        alpha = np.full((ph, pw), 255.0, dtype=np.float32)
    else:
        skin = np.array(look.shape_colour, dtype=np.float32)
        rgb = np.broadcast_to(skin + capture.contrast * (ink_colour - skin), (ph, pw, 3)).copy()
        alpha = a[:, :, 0] * 255.0
    if capture.occlusion is not None:
        cover = _occluder(capture.occlusion, pw, ph, rng)
        rgb[cover] = look.sheet_colour
        alpha[cover] = 255.0
    return rgb, alpha


def _occluder(
    occlusion: tuple[str, float], pw: int, ph: int, rng: np.random.Generator
) -> np.ndarray:
    """Where a fold of the sheet covers the card: a band from one side, its edge wavy."""
    side, share = occlusion
    ys, xs = np.mgrid[0:ph, 0:pw]
    along = (xs / pw) if side in ("left", "right") else (ys / ph)
    across = (ys / ph) if side in ("left", "right") else (xs / pw)
    edge = share + 0.03 * np.sin(2 * math.pi * (across * rng.uniform(1, 2.5) + rng.uniform(0, 1)))
    covered: np.ndarray = (along < edge) if side in ("left", "top") else (along > 1 - edge)
    return covered


def _corners(
    pw: int, ph: int, centre: np.ndarray, capture: Capture, rng: np.random.Generator,
    frame: tuple[int, int],
) -> np.ndarray:  # fmt: skip
    """Where the card's corners land: rotated about its centre, tilted, kept in frame."""
    flat = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float64) - [pw / 2, ph / 2]
    angle = math.radians(-capture.rotation)  # counter-clockwise on screen, y pointing down
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    corners: np.ndarray = flat @ turn.T + centre
    corners += rng.uniform(-1, 1, size=(4, 2)) * capture.perspective * max(pw, ph)
    low, high = corners.min(axis=0), corners.max(axis=0)
    limit = np.array(frame, dtype=np.float64) - 2
    corners += np.clip(2 - low, 0, None) - np.clip(high - limit, 0, None)
    return corners


def _blend(
    canvas: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, corners: np.ndarray
) -> tuple[int, int, int, int] | None:
    height, width = canvas.shape[:2]
    x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 1, [width, height])
    if x1 <= x0 or y1 <= y0:
        return None
    ph, pw = alpha.shape
    source = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, (corners - [x0, y0]).astype(np.float32))
    size = (int(x1 - x0), int(y1 - y0))
    warped = cv2.warpPerspective(rgb, matrix, size, flags=cv2.INTER_LINEAR)
    weight = cv2.warpPerspective(alpha, matrix, size, flags=cv2.INTER_LINEAR)[:, :, None] / 255.0
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    canvas[y0:y1, x0:x1] = np.clip(region * (1 - weight) + warped * weight, 0, 255).astype(np.uint8)
    return int(x0), int(y0), int(x1), int(y1)


def _blur(canvas: np.ndarray, box: tuple[int, int, int, int], sigma: float) -> None:
    """Defocus on the card and a margin around it, as a close, tilted card goes soft."""
    height, width = canvas.shape[:2]
    pad = math.ceil(3 * sigma)
    x0, y0 = max(box[0] - pad, 0), max(box[1] - pad, 0)
    x1, y1 = min(box[2] + pad, width), min(box[3] + pad, height)
    canvas[y0:y1, x0:x1] = cv2.GaussianBlur(canvas[y0:y1, x0:x1], (0, 0), sigma)
