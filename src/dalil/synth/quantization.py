"""JPEG quantization tables: the libjpeg standard ones and each synthetic camera's own.

Real cameras ship their own tables, which is why a table signature identifies a camera
model and why an image re-saved by an editor (libjpeg's standard tables scaled by a
quality) stands out. Tables here are lists of 64 values in the order Pillow's
``qtables=`` takes them and ``Image.quantization`` returns them (row-major, natural).
"""

from __future__ import annotations

import numpy as np

from dalil.jpeg_tables import STANDARD_CHROMA, STANDARD_LUMA, scale_table

Tables = tuple[tuple[int, ...], tuple[int, ...]]


def standard_tables(quality: int) -> Tables:
    """The tables any libjpeg-based editor writes at this quality."""
    return scale_table(STANDARD_LUMA, quality), scale_table(STANDARD_CHROMA, quality)


_STANDARD_SIGNATURES = frozenset(standard_tables(q) for q in range(1, 101))


def is_standard(tables: Tables) -> bool:
    """True when the tables are libjpeg's at some quality (what an editor writes)."""
    return tables in _STANDARD_SIGNATURES


def camera_tables(rng: np.random.Generator, quality: int) -> Tables:
    """Tables of a camera's own firmware: libjpeg-like, but never libjpeg's exactly.

    A frequency tilt (fine detail kept more or less than libjpeg would) and a few
    per-coefficient nudges make each camera's signature its own.
    """
    u, v = np.meshgrid(np.arange(8), np.arange(8))
    tilt = 1.0 + rng.uniform(-0.25, 0.35) * (u + v) / 14.0
    tables = []
    for base in (STANDARD_LUMA, STANDARD_CHROMA):
        scaled = np.array(scale_table(base, quality), dtype=np.float64).reshape(8, 8)
        table = np.rint(scaled * tilt).astype(np.int64)
        nudges = rng.integers(0, 64, size=6)
        table.flat[nudges] += 1
        tables.append(tuple(int(x) for x in np.clip(table, 1, 255).flat))
    result: Tables = (tables[0], tables[1])
    while is_standard(result):  # astronomically rare, but a camera must not look edited
        result = (tuple(v + 1 if i == 63 else v for i, v in enumerate(result[0])), result[1])
    return result
