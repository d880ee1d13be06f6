"""JPEG quantization tables: the libjpeg standard ones and each synthetic camera's own.

Real cameras ship their own tables, which is why a table signature identifies a camera
model and why an image re-saved by an editor (libjpeg's standard tables scaled by a
quality) stands out. Tables here are lists of 64 values in the order Pillow's
``qtables=`` takes them and ``Image.quantization`` returns them (row-major, natural).
"""

from __future__ import annotations

import numpy as np

# ITU-T T.81 Annex K, tables K.1 and K.2 (natural order): libjpeg's base tables.
STANDARD_LUMA = (
    16, 11, 10, 16, 24, 40, 51, 61,
    12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77,
    24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip
STANDARD_CHROMA = (
    17, 18, 24, 47, 99, 99, 99, 99,
    18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
)  # fmt: skip

Tables = tuple[tuple[int, ...], tuple[int, ...]]


def scale_table(base: tuple[int, ...], quality: int) -> tuple[int, ...]:
    """Scale a base table the way libjpeg's ``jpeg_set_quality`` does (baseline, 1..255)."""
    quality = min(max(quality, 1), 100)
    factor = 5000 // quality if quality < 50 else 200 - 2 * quality
    return tuple(min(max((value * factor + 50) // 100, 1), 255) for value in base)


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
