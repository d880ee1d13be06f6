"""libjpeg's standard quantization tables (ITU-T T.81 Annex K) and their quality scaling.

Editors and most software encoders write these tables scaled by a quality factor, as
libjpeg's ``jpeg_set_quality`` does; camera firmware ships tables of its own. The synthetic
generator uses them to make camera tables that are never the standard ones, and the
authenticity checks to recognise a photo re-saved by software. Natural (row-major) order.
"""

from __future__ import annotations

# ITU-T T.81 Annex K, tables K.1 (luminance) and K.2 (chrominance).
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
    *([99] * 32),
)  # fmt: skip


def scale_table(base: tuple[int, ...], quality: int, baseline: bool = True) -> tuple[int, ...]:
    """A base table scaled as libjpeg's ``jpeg_set_quality`` scales it (1..100)."""
    quality = min(max(quality, 1), 100)
    factor = 5000 // quality if quality < 50 else 200 - 2 * quality
    top = 255 if baseline else 32767
    return tuple(min(max((value * factor + 50) // 100, 1), top) for value in base)
