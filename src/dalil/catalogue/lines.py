"""Where the writing is, and the lines of it, straightened and cleaned for reading.

Detection finds text regions anywhere in the frame (the card, marks on the sheet, the
writing on a body). The writing of a case is a tight stack of a few lines turned by the
same angle; this module keeps the largest such stack, orders its lines from top to
bottom in the writing's own frame (not the photo's, since a card may be turned by 30°),
joins pieces of one line that detection split, and cuts each line out deskewed. Several
crops of each line are made (as photographed, contrast-stretched, binarised) so that
the recogniser reads it more than once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from dalil.catalogue.engine import Image, Region

STACK_GAP = 2.6  # lines further apart than this many line heights are not one card
SAME_LINE = 0.45  # centres closer than this share of a line height across the text: one line
ANGLE_SPREAD = 14.0  # degrees: lines of one card are turned together
MAX_LINES = 5
VARIANTS = 2  # crops of each line given to the recogniser (see ``line_crops``)


@dataclass(frozen=True)
class TextLine:
    regions: tuple[Region, ...]
    angle: float

    @property
    def height(self) -> float:
        return max(r.size[1] for r in self.regions)


def _frame(angle: float) -> tuple[np.ndarray, np.ndarray]:
    a = math.radians(-angle)
    along = np.array([math.cos(a), math.sin(a)])
    across = np.array([-math.sin(a), math.cos(a)])  # points down the card
    return along, across


def stacks(regions: list[Region]) -> list[list[TextLine]]:
    """Candidate writings, most likely first: stacks of regions turned alike and close
    together, the larger (more lines, then more elongated text) first."""
    found: list[list[Region]] = []
    for seed in sorted(regions, key=lambda r: (-r.score * r.size[0], r.centre)):
        if any(seed in stack for stack in found):
            continue
        found.append(_grow(seed, regions))
    found.sort(key=lambda stack: (-len(stack), -_elongation(stack)))
    return [_lines(stack) for stack in found]


def stack_lines(regions: list[Region]) -> list[TextLine]:
    """The writing's lines, top to bottom: the most likely stack."""
    candidates = stacks(regions)
    return candidates[0] if candidates else []


def _lines(stack: list[Region]) -> list[TextLine]:
    angle = float(np.median([r.angle for r in stack]))
    along, across = _frame(angle)
    height = float(np.median([r.size[1] for r in stack]))
    ordered = sorted(stack, key=lambda r: float(np.dot(r.centre, across)))
    lines: list[list[Region]] = []
    for region in ordered:
        level = float(np.dot(region.centre, across))
        if lines and abs(level - float(np.dot(lines[-1][-1].centre, across))) < SAME_LINE * height:
            lines[-1].append(region)
        else:
            lines.append([region])
    result = [
        TextLine(tuple(sorted(line, key=lambda r: float(np.dot(r.centre, along)))), angle)
        for line in lines
    ]
    return result[:MAX_LINES]


def _elongation(regions: list[Region]) -> float:
    """Lines of digits are long and low; blobs and marks are not."""
    return sum(r.size[0] / max(r.size[1], 1.0) for r in regions)


def _grow(seed: Region, regions: list[Region]) -> list[Region]:
    """Regions reachable from ``seed`` through neighbours turned alike and close by."""
    stack = [seed]
    frontier = [seed]
    while frontier:
        current = frontier.pop()
        for other in regions:
            if other in stack or abs(other.angle - seed.angle) > ANGLE_SPREAD:
                continue
            gap = math.dist(current.centre, other.centre)
            reach = STACK_GAP * max(current.size[1], other.size[1]) + 0.5 * (
                current.size[0] + other.size[0]
            )
            if gap <= reach:
                stack.append(other)
                frontier.append(other)
    return stack


def line_box(line: TextLine) -> tuple[tuple[float, float], tuple[float, float]]:
    """Centre and (length, height) of a line in its own frame, spanning all its pieces."""
    along, across = _frame(line.angle)
    lo_a = min(float(np.dot(r.centre, along)) - r.size[0] / 2 for r in line.regions)
    hi_a = max(float(np.dot(r.centre, along)) + r.size[0] / 2 for r in line.regions)
    level = float(np.mean([np.dot(r.centre, across) for r in line.regions]))
    mid = (lo_a + hi_a) / 2
    centre = mid * along + level * across
    return (float(centre[0]), float(centre[1])), (hi_a - lo_a, line.height)


def cut(image: Image, centre: tuple[float, float], size: tuple[float, float], angle: float,
        pad: float = 0.0) -> Image:  # fmt: skip
    """The rotated rectangle as an upright image, grown by ``pad`` line heights along it."""
    width = max(8, round(size[0] + 2 * pad * size[1]))
    height = max(8, round(size[1]))
    matrix = cv2.getRotationMatrix2D(centre, -angle, 1.0)
    matrix[0, 2] += width / 2 - centre[0]
    matrix[1, 2] += height / 2 - centre[1]
    result = cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(result, dtype=np.uint8)


def line_crops(image: Image, line: TextLine) -> list[Image]:
    """Crops of one line for the recogniser: as photographed, and binarised."""
    centre, size = line_box(line)
    plain = cut(image, centre, size, line.angle, pad=0.15)
    return [plain, binarise_bgr(plain)]


def ink(crop: Image) -> npt.NDArray[np.float32]:
    """Darkness of each pixel (0 = background), from the channel where ink stands out
    most: the darkest channel, so blue or red ink on a skin tone still reads as ink."""
    return np.asarray(255.0 - crop.min(axis=2).astype(np.float32), dtype=np.float32)


def stretch(crop: Image) -> Image:
    """Contrast stretched between the 2nd and 98th percentiles (faint ink made dark)."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).astype(np.float32)
    lo, hi = np.percentile(grey, [2, 98])
    scaled = np.clip((grey - lo) * 255.0 / max(hi - lo, 1.0), 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(scaled, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def binarise(crop: Image) -> np.ndarray:
    """A boolean ink mask: Otsu's threshold on the smoothed ink darkness."""
    dark = ink(crop)
    dark = np.asarray(cv2.GaussianBlur(dark, (0, 0), max(0.6, crop.shape[0] / 80)), np.float32)
    lo, hi = float(dark.min()), float(dark.max())
    if hi - lo < 12:  # nothing stands out: no ink
        return np.zeros(dark.shape, dtype=bool)
    scaled = ((dark - lo) * 255.0 / (hi - lo)).astype(np.uint8)
    _, mask = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    result: np.ndarray = mask > 0
    return result


def binarise_bgr(crop: Image) -> Image:
    mask = binarise(crop)
    grey = np.where(mask, 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def writing_corners(lines: list[TextLine]) -> list[tuple[float, float]]:
    """Corners of the box around all lines, in the writing's own frame: top left, top
    right, bottom right, bottom left as one reads it (the first edge runs along the text),
    grown by a margin; for a reviewer's upright crop of the card."""
    along, across = _frame(lines[0].angle)
    points = np.array([p for line in lines for r in line.regions for p in r.corners()])
    a, c = points @ along, points @ across
    margin = 0.25 * max(line.height for line in lines)
    a0, a1, c0, c1 = a.min() - margin, a.max() + margin, c.min() - margin, c.max() + margin
    corners = [a0 * along + c0 * across, a1 * along + c0 * across,
               a1 * along + c1 * across, a0 * along + c1 * across]  # fmt: skip
    return [(float(x), float(y)) for x, y in corners]
