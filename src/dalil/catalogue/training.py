"""Train the Eastern Arabic digit classifier shipped as ``data/eastern_digits.npz``.

Run offline, once, by a developer: ``python -m dalil.catalogue.training``. Nothing here
runs when dalil reads a collection.

The training glyphs are rendered from the fonts on the build machine that have the
Eastern Arabic digits (DejaVu Sans, Sans Condensed and Sans Mono, book and bold: the
fonts a Debian machine has), then distorted as hands and cameras distort writing:
turned, slanted, stretched, bent (elastic), pen made thinner or thicker, shrunk to the
size of writing in a photo, blurred, made faint and noisy, and binarised by the same
code that binarises a photographed line.

Printed fonts draw outlines; people draw strokes, and write some digits in forms no
font has (٤ like a reversed ε, ٥ as a round loop, ٠ as a dash). So the training set
also has pen-stroke models of the common handwritten forms, two to four for each
digit (``HANDWRITTEN``), drawn from general knowledge of how the digits are written,
each rendered with many pens and distortions. They were written independently of dalil's
synthetic collection generator and no glyph is copied from it; but both describe the
same digits, so the benchmark on generated cards measures a hand close to these
models. Real cards need a check against confirmed readings (``dalil catalogue stats``
reports the precision of confident readings against double entry).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from dalil.catalogue.glyphs import CLASSES, cut_glyphs, features
from dalil.catalogue.lines import binarise

FALLBACK_FONTS = tuple(
    f"/usr/share/fonts/truetype/dejavu/{name}.ttf"
    for name in ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSansCondensed",
                 "DejaVuSansCondensed-Bold", "DejaVuSansMono", "DejaVuSansMono-Bold")
)  # fmt: skip
RENDER = 72  # font size of the master glyphs
Stroke = tuple[tuple[float, float], ...]


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> Stroke:
    steps = max(4, int(abs(end - start) / 20))
    return tuple(
        (cx + rx * np.cos(np.radians(a)), cy + ry * np.sin(np.radians(a)))
        for a in np.linspace(start, end, steps)
    )


# Handwritten forms, in a box one unit high (x right, y down), as pen strokes.
HANDWRITTEN: dict[str, tuple[tuple[Stroke, ...], ...]] = {
    "٠": (
        (_arc(0.1, 0.5, 0.06, 0.07, 0, 360),),
        (((0.04, 0.52), (0.18, 0.48)),),
        (((0.1, 0.42), (0.16, 0.5), (0.1, 0.58), (0.04, 0.5), (0.1, 0.42)),),
    ),
    "١": (
        (((0.12, 0.0), (0.1, 1.0)),),
        (((0.2, 0.0), (0.12, 0.5), (0.08, 1.0)),),
        (((0.0, 0.1), (0.14, 0.0), (0.12, 1.0)),),
    ),
    "٢": (
        (((0.48, 0.0), (0.4, 0.22), (0.2, 0.3), (0.06, 0.12), (0.08, 0.0)),
         ((0.1, 0.2), (0.14, 0.6), (0.16, 1.0))),
        (((0.0, 0.0), (0.04, 0.28), (0.24, 0.3), (0.44, 0.06)), ((0.04, 0.28), (0.18, 1.0))),
        (((0.42, 0.02), (0.3, 0.26), (0.1, 0.28), (0.12, 1.0)),),
    ),
    "٣": (
        (((0.0, 0.0), (0.05, 0.25), (0.2, 0.27), (0.27, 0.04), (0.33, 0.25), (0.48, 0.27),
          (0.58, 0.02)), ((0.05, 0.25), (0.16, 1.0))),
        (((0.56, 0.0), (0.46, 0.24), (0.34, 0.06), (0.24, 0.26), (0.1, 0.1), (0.08, 0.0)),
         ((0.1, 0.16), (0.14, 1.0))),
    ),
    "٤": (
        (((0.5, 0.04), (0.22, 0.02), (0.12, 0.2), (0.36, 0.42), (0.12, 0.56), (0.08, 0.82),
          (0.28, 1.0), (0.54, 0.94)),),
        (((0.45, 0.0), (0.15, 0.15), (0.4, 0.45), (0.1, 0.7), (0.45, 0.98)),),
        (((0.5, 0.12), (0.3, 0.0), (0.12, 0.14), (0.3, 0.36), (0.1, 0.5), (0.1, 0.9),
          (0.5, 0.96)),),
    ),
    "٥": (
        (_arc(0.3, 0.6, 0.26, 0.38, -90, 270),),
        (((0.3, 0.2), (0.52, 0.55), (0.46, 0.92), (0.3, 1.0), (0.12, 0.92), (0.06, 0.55),
          (0.3, 0.2)),),
        (_arc(0.26, 0.55, 0.24, 0.45, -60, 300),),
    ),
    "٦": (
        (((0.0, 0.06), (0.22, 0.16), (0.44, 0.1)), ((0.42, 0.1), (0.36, 1.0))),
        (((0.02, 0.0), (0.44, 0.04), (0.38, 1.0)),),
        (((0.0, 0.14), (0.14, 0.2), (0.34, 0.1), (0.44, 0.0)), ((0.38, 0.12), (0.32, 1.0))),
    ),
    "٧": (
        (((0.0, 0.0), (0.28, 1.0), (0.56, 0.0)),),
        (((0.0, 0.02), (0.16, 0.7), (0.28, 1.0), (0.42, 0.7), (0.58, 0.0)),),
        (((0.04, 0.0), (0.2, 1.0), (0.5, 0.04)),),
    ),
    "٨": (
        (((0.0, 1.0), (0.28, 0.0), (0.56, 1.0)),),
        (((0.0, 0.98), (0.16, 0.3), (0.28, 0.0), (0.42, 0.3), (0.58, 1.0)),),
        (((0.04, 1.0), (0.3, 0.0), (0.48, 0.96)),),
    ),
    "٩": (
        ((*_arc(0.26, 0.24, 0.2, 0.22, -10, 350), (0.44, 0.7), (0.4, 1.0)),),
        (((0.46, 0.3), (0.28, 0.44), (0.08, 0.32), (0.1, 0.06), (0.32, 0.0), (0.46, 0.2),
          (0.44, 1.0)),),
    ),
    "/": (
        (((0.46, 0.0), (0.04, 1.0)),),
        (((0.36, 0.0), (0.08, 1.0)),),
        (((0.56, 0.0), (0.0, 1.0)),),
    ),
}  # fmt: skip
SAMPLES_PER_GLYPH = 150  # per font and character
HIDDEN = 96
EPOCHS = 60
SEED = 20261127


def eastern_fonts() -> list[str]:
    """Font files on this machine that have all ten Eastern Arabic digits."""
    try:
        listed = subprocess.run(
            ["fc-list", ":charset=0660 0661 0662 0663 0664 0665 0666 0667 0668 0669", "file"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout  # fmt: skip
        files = sorted({line.split(":")[0].strip() for line in listed.splitlines() if line})
    except (OSError, subprocess.SubprocessError):
        files = []
    return [f for f in files if f.endswith((".ttf", ".otf"))] or [
        f for f in FALLBACK_FONTS if Path(f).exists()
    ]


def master(font_path: str, char: str) -> tuple[npt.NDArray[np.uint8], float]:
    """The glyph large and clean (uint8 mask), and the height of a tall digit in its font."""
    font = ImageFont.truetype(font_path, RENDER)

    def draw(text: str) -> npt.NDArray[np.uint8]:
        image = Image.new("L", (RENDER * 3, RENDER * 3), 0)
        ImageDraw.Draw(image).text((RENDER, RENDER // 2), text, font=font, fill=255)
        return np.array(image)

    tall = np.nonzero(draw("٢") > 127)[0]
    return draw(char), float(tall.max() - tall.min() + 1)


def pen_master(strokes: tuple[Stroke, ...], rng: np.random.Generator) -> npt.NDArray[np.uint8]:
    """A handwritten form drawn with a random pen, at the size of a font master."""
    side = RENDER * 3
    image = np.zeros((side, side), np.uint8)
    pen = int(rng.integers(3, 14))
    for stroke in strokes:
        points = np.array(stroke) * RENDER * 0.75 + np.array([RENDER, RENDER * 0.6])
        points += rng.normal(0, 0.025 * RENDER, points.shape)
        cv2.polylines(image, [np.round(points * 16).astype(np.int32)], False, 255, pen,
                      cv2.LINE_AA, shift=4)  # fmt: skip
    return image


def distort(
    glyph: npt.NDArray[np.uint8], rng: np.random.Generator
) -> tuple[npt.NDArray[np.uint8], float]:
    """A hand-like variant of ``glyph`` and the factor its height changed by."""
    h, w = glyph.shape
    centre = (w / 2, h / 2)
    turn = cv2.getRotationMatrix2D(centre, rng.uniform(-12, 12), 1.0)
    sx = float(np.exp(rng.uniform(np.log(0.6), np.log(1.8))))
    sy = float(np.exp(rng.uniform(np.log(0.85), np.log(1.15))))
    shear = rng.uniform(-0.35, 0.35)
    affine = np.array([[sx, shear, 0.0], [0.0, sy, 0.0]])
    affine[:, 2] = np.array(centre) - affine[:, :2] @ np.array(centre)
    matrix = (np.vstack([turn, [0, 0, 1]]) @ np.vstack([affine, [0, 0, 1]]))[:2]
    out = np.asarray(cv2.warpAffine(glyph, matrix, (w, h)), dtype=np.uint8)
    amount = rng.uniform(0, 16)
    dx = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), 8) * amount
    dy = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), 8) * amount
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    out = np.asarray(cv2.remap(out, gx + dx, gy + dy, cv2.INTER_LINEAR), dtype=np.uint8)
    pen = int(rng.integers(-4, 6))
    if pen > 0:
        out = np.asarray(cv2.dilate(out, np.ones((pen, pen), np.uint8)), dtype=np.uint8)
    elif pen < 0:
        out = np.asarray(cv2.erode(out, np.ones((-pen, -pen), np.uint8)), dtype=np.uint8)
    return out, sy


def photographed(
    glyph: npt.NDArray[np.uint8], digit_height: float, rng: np.random.Generator
) -> tuple[npt.NDArray[np.bool_], float] | None:
    """The glyph as a photographed line shows it, binarised; and the line height then."""
    target = rng.uniform(16, 52)
    scale = target / digit_height
    small = cv2.resize(glyph, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    contrast = rng.uniform(0.25, 1.0)
    paper = rng.uniform(170, 240)
    image = paper - contrast * (paper - 30) * small.astype(np.float32) / 255.0
    sigma = rng.uniform(0, 1.6)
    if sigma > 0.3:
        image = np.asarray(cv2.GaussianBlur(image, (0, 0), sigma), dtype=np.float64)
    image += rng.normal(0, rng.uniform(1, 6), image.shape).astype(np.float32)
    bgr = np.repeat(np.clip(image, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)
    pieces = cut_glyphs(binarise(bgr))
    if not pieces:
        return None
    mask = np.zeros(bgr.shape[:2], dtype=bool)
    for piece in pieces:
        mask[piece.top : piece.bottom, piece.left : piece.right] |= piece.mask
    return mask, target


def make_samples(
    seed: int, per_glyph: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    xs: list[npt.NDArray[np.float32]] = []
    ys: list[int] = []
    sources: list[tuple[int, npt.NDArray[np.uint8] | tuple[Stroke, ...], float]] = []
    for font in eastern_fonts():
        for label, char in enumerate(CLASSES):
            glyph, height = master(font, char)
            sources += [(label, glyph, height)] * per_glyph
    hand = per_glyph * len(eastern_fonts()) // 2  # as many as half the fonts together
    for label, char in enumerate(CLASSES):
        forms = HANDWRITTEN[char]
        sources += [(label, forms[i % len(forms)], RENDER * 0.75) for i in range(hand)]
    for label, source, height in sources:
        glyph = source if isinstance(source, np.ndarray) else pen_master(source, rng)
        bent, stretch = distort(glyph, rng)
        seen = photographed(bent, height * stretch, rng)
        if seen is None or not seen[0].any():
            continue
        xs.append(features(seen[0], seen[1]))
        ys.append(label)
    return np.stack(xs), np.array(ys, dtype=np.int64)


def train(
    x: npt.NDArray[np.float32], y: npt.NDArray[np.int64], seed: int = SEED
) -> dict[str, npt.NDArray[np.float32]]:
    """Softmax network with one ReLU layer, Adam, weight decay; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    k = len(CLASSES)
    params = {
        "w1": (rng.standard_normal((d, HIDDEN)) * np.sqrt(2 / d)).astype(np.float32),
        "b1": np.zeros(HIDDEN, np.float32),
        "w2": (rng.standard_normal((HIDDEN, k)) * np.sqrt(1 / HIDDEN)).astype(np.float32),
        "b2": np.zeros(k, np.float32),
    }
    moments = {name: (np.zeros_like(v), np.zeros_like(v)) for name, v in params.items()}
    onehot = np.eye(k, dtype=np.float32)[y]
    step = 0
    for epoch in range(EPOCHS):
        rate = 2e-3 * (0.5 ** (epoch // 20))
        order = rng.permutation(n)
        for start in range(0, n, 128):
            idx = order[start : start + 128]
            grads = _gradients(params, x[idx], onehot[idx])
            step += 1
            for name, grad in grads.items():
                m, v = moments[name]
                m[:] = 0.9 * m + 0.1 * grad
                v[:] = 0.999 * v + 0.001 * grad * grad
                m_hat = m / (1 - 0.9**step)
                v_hat = v / (1 - 0.999**step)
                params[name] -= (rate * m_hat / (np.sqrt(v_hat) + 1e-8)).astype(np.float32)
    return params


def _gradients(
    p: dict[str, npt.NDArray[np.float32]], x: npt.NDArray[np.float32], t: npt.NDArray[np.float32]
) -> dict[str, npt.NDArray[np.float32]]:
    pre = x @ p["w1"] + p["b1"]
    hidden = np.maximum(pre, 0)
    logits = hidden @ p["w2"] + p["b2"]
    logits -= logits.max(axis=1, keepdims=True)
    prob = np.exp(logits)
    prob /= prob.sum(axis=1, keepdims=True)
    delta = (prob - t) / len(x)
    back = (delta @ p["w2"].T) * (pre > 0)
    decay = 1e-4
    return {
        "w2": hidden.T @ delta + decay * p["w2"],
        "b2": delta.sum(axis=0),
        "w1": x.T @ back + decay * p["w1"],
        "b1": back.sum(axis=0),
    }


def main(out: Path) -> None:
    x, y = make_samples(SEED, SAMPLES_PER_GLYPH)
    held = np.arange(len(y)) % 10 == 0
    params = train(x[~held], y[~held])
    from dalil.catalogue.glyphs import Network

    net = Network(params["w1"], params["b1"], params["w2"], params["b2"])
    accuracy = float((net.probabilities(x[held]).argmax(axis=1) == y[held]).mean())
    print(f"{len(y)} glyphs from {len(eastern_fonts())} fonts; held-out accuracy {accuracy:.4f}")
    np.savez_compressed(
        out,
        w1=params["w1"].astype(np.float16),
        b1=params["b1"].astype(np.float16),
        w2=params["w2"].astype(np.float16),
        b2=params["b2"].astype(np.float16),
    )
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    default = Path(__file__).parent / "data" / "eastern_digits.npz"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
