"""Eastern Arabic digits (٠–٩): cut a line into glyphs and classify each one.

RapidOCR ships no Arabic model, so Eastern Arabic digits are read here: the line is
binarised, cut into connected pieces of ink (pieces that overlap along the line are one
glyph: a pen lifted inside a digit), and each glyph is classified by a small neural
network (one hidden layer, numpy) trained offline by ``dalil.catalogue.training`` on
digits rendered from the fonts on the build machine, distorted the way hands distort
them. The weights ship in the package (``data/eastern_digits.npz``).

A glyph is described so that what differs between a font and a pen matters little: it
is thinned to a one-pixel skeleton and redrawn at a fixed width in a fixed box, then
summarised by gradient-direction histograms, a coarse picture, and its size relative to
the line (٠ is a small dot in the middle of the line; ١ and / are bars).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import cv2
import numpy as np
import numpy.typing as npt

from dalil.catalogue.digits import EASTERN

CLASSES = EASTERN + "/"
BOX = 24  # side of the normalised glyph picture
THIN_SIDE = 48  # glyphs are thinned at this size
MIN_INK = 0.0025  # share of the line's area below which a piece is a speck, not a glyph
SPECK_HEIGHT = 0.08  # pieces smaller than this share of the line height are specks
BAND = (0.4, 0.6)  # a glyph of the line reaches into this middle band of its crop

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Glyph:
    mask: npt.NDArray[np.bool_]
    left: int
    right: int
    top: int
    bottom: int


def thin(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Zhang–Suen thinning: the one-pixel skeleton of a boolean mask."""
    img = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = img
            p2, p3, p4 = p[:-2, 1:-1], p[:-2, 2:], p[1:-1, 2:]
            p5, p6, p7 = p[2:, 2:], p[2:, 1:-1], p[2:, :-2]
            p8, p9 = p[1:-1, :-2], p[:-2, :-2]
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            neighbours = sum(n.astype(np.int32) for n in ring[:8])
            crossings = sum(
                ((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.int32) for i in range(8)
            )
            if step == 0:
                side = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                side = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            remove = (
                (p[1:-1, 1:-1] == 1) & (neighbours >= 2) & (neighbours <= 6) & (crossings == 1)
            ) & side
            if remove.any():
                changed = True
                img[1:-1, 1:-1][remove] = 0
        if not changed:
            result: npt.NDArray[np.bool_] = img[1:-1, 1:-1].astype(bool)
            return result


def skeleton_of(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The glyph cut tight, scaled so its longer side is ``THIN_SIDE``, and thinned."""
    ys, xs = np.nonzero(mask)
    tight = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = tight.shape
    scale = THIN_SIDE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    big = cv2.resize(tight.astype(np.uint8) * 255, size, interpolation=cv2.INTER_AREA) > 100
    skeleton = thin(big) if big.any() else big
    return skeleton if skeleton.any() else big


def picture(skeleton: npt.NDArray[np.bool_]) -> Floats:
    """The skeleton redrawn at a fixed pen width, stretched to fill the box (bars stay
    bars), as floats 0..1."""
    points = np.argwhere(skeleton)
    hh, ww = skeleton.shape
    inner = BOX - 6
    fy, fx = inner / max(hh - 1, 1), inner / max(ww - 1, 1)
    if ww < hh * 0.3:
        fx = min(fx, fy)
    if hh < ww * 0.3:
        fy = min(fx, fy)
    oy, ox = (BOX - (hh - 1) * fy) / 2, (BOX - (ww - 1) * fx) / 2
    out = np.zeros((BOX, BOX), dtype=np.uint8)
    yy = np.clip(np.round(oy + points[:, 0] * fy).astype(int), 0, BOX - 1)
    xx = np.clip(np.round(ox + points[:, 1] * fx).astype(int), 0, BOX - 1)
    out[yy, xx] = 255
    out = np.asarray(cv2.dilate(out, np.ones((2, 2), np.uint8)), dtype=np.uint8)
    result: Floats = out.astype(np.float32) / 255.0
    return result


def topology(skeleton: npt.NDArray[np.bool_]) -> Floats:
    """What pen strokes share across hands and fonts: stroke ends in the top, middle and
    bottom third (٣ has three at the top, ٢ two), and closed loops (٥, ٩)."""
    padded = np.pad(skeleton.astype(np.uint8), 1)
    shifted = [np.roll(np.roll(padded, dy, 0), dx, 1)
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]  # fmt: skip
    neighbours = np.sum(shifted, axis=0)[1:-1, 1:-1]
    ends = np.argwhere(skeleton & (neighbours == 1))
    height = skeleton.shape[0]
    thirds = [int(((ends[:, 0] >= height * k / 3) & (ends[:, 0] < height * (k + 1) / 3)).sum())
              for k in range(3)]  # fmt: skip
    filled = cv2.dilate(np.pad(skeleton.astype(np.uint8), 2), np.ones((3, 3), np.uint8))
    count, _ = cv2.connectedComponents(np.asarray(1 - filled, dtype=np.uint8), connectivity=4)
    loops = max(0, count - 2)  # the outside is one component of the background
    values = [min(t, 4) / 4 for t in thirds] + [min(loops, 2) / 2]
    return np.array(values, dtype=np.float32)


def _hog(img: Floats, cells: int, bins: int = 8) -> Floats:
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = np.hypot(gx, gy)
    position = (np.arctan2(gy, gx) % np.pi) / np.pi * bins
    low = np.floor(position).astype(int) % bins
    share = position - np.floor(position)
    high = (low + 1) % bins
    feats = np.zeros((cells, cells, bins), np.float32)
    for k in range(bins):
        weight = magnitude * ((low == k) * (1 - share) + (high == k) * share)
        feats[:, :, k] = cv2.resize(weight, (cells, cells), interpolation=cv2.INTER_AREA)
    flat = feats.ravel()
    result: Floats = flat / (np.linalg.norm(flat) + 1e-6)
    return result


def features(mask: npt.NDArray[np.bool_], line_height: float) -> Floats:
    """What the classifier sees of one glyph (``mask`` tight or not, ink True)."""
    ys, xs = np.nonzero(mask)
    h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    skeleton = skeleton_of(mask)
    img = np.asarray(cv2.GaussianBlur(picture(skeleton), (0, 0), 1.0), dtype=np.float32)
    coarse = cv2.resize(img, (8, 8), interpolation=cv2.INTER_AREA).ravel()
    geometry = np.array([h / line_height, w / line_height, min(w / h, 4.0) / 4.0], np.float32)
    return np.concatenate(
        [
            _hog(img, 4),
            _hog(img, 6) * 0.7,
            coarse / (coarse.max() + 1e-6) * 0.5,
            np.repeat(geometry, 8) * 0.5,
            np.repeat(topology(skeleton), 4) * 0.5,
        ]
    ).astype(np.float32)


@dataclass
class _Piece:
    left: int
    right: int
    top: int
    bottom: int
    labels: list[int]

    def overlaps(self, other: _Piece) -> bool:
        overlap = min(self.right, other.right) - max(self.left, other.left)
        return overlap > 0.5 * min(self.right - self.left, other.right - other.left)

    def join(self, other: _Piece) -> None:
        self.right = max(self.right, other.right)
        self.top = min(self.top, other.top)
        self.bottom = max(self.bottom, other.bottom)
        self.labels += other.labels


def cut_glyphs(mask: npt.NDArray[np.bool_]) -> list[Glyph]:
    """Pieces of ink along a line, left to right; pieces overlapping along it are joined."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        np.asarray(mask, dtype=np.uint8), connectivity=8
    )
    height, width = mask.shape
    pieces: list[_Piece] = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if area < MIN_INK * height * width or h < SPECK_HEIGHT * height:
            continue
        if x == 0 or x + w >= width:
            continue  # cut by the crop's end: the card's edge, a fold of the sheet
        if y > BAND[1] * height or y + h < BAND[0] * height:
            continue  # outside the middle of the crop: the foot or head of the next line
        pieces.append(_Piece(x, x + w, y, y + h, [label]))
    pieces.sort(key=lambda p: p.left)
    merged: list[_Piece] = []
    for piece in pieces:
        if merged and merged[-1].overlaps(piece):
            merged[-1].join(piece)
        else:
            merged.append(piece)
    return [
        Glyph(
            np.isin(labels[p.top : p.bottom, p.left : p.right], p.labels),
            p.left,
            p.right,
            p.top,
            p.bottom,
        )
        for p in merged
    ]


@dataclass(frozen=True)
class Network:
    """One hidden layer: ReLU, then softmax over ``CLASSES``."""

    w1: Floats
    b1: Floats
    w2: Floats
    b2: Floats

    def probabilities(self, x: Floats) -> Floats:
        hidden = np.maximum(x @ self.w1 + self.b1, 0.0)
        logits = hidden @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: Floats = exp / exp.sum(axis=1, keepdims=True)
        return result


WEIGHTS = "data/eastern_digits.npz"


@cache
def network() -> Network:
    with resources.files("dalil.catalogue").joinpath(WEIGHTS).open("rb") as handle:
        data = np.load(handle)
        return Network(*(data[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")))


def read_glyphs(mask: npt.NDArray[np.bool_]) -> tuple[str, tuple[float, ...]]:
    """The characters of a binarised line, with each one's probability."""
    glyphs = cut_glyphs(mask)
    if not glyphs:
        return "", ()
    heights = sorted(g.bottom - g.top for g in glyphs)
    line_height = float(heights[len(heights) * 3 // 4])  # tall digits set the line's height
    batch = np.stack([features(g.mask, line_height) for g in glyphs])
    probs = network().probabilities(batch)
    picks = probs.argmax(axis=1)
    text = "".join(CLASSES[k] for k in picks)
    return text, tuple(float(p[k]) for p, k in zip(probs, picks, strict=True))
