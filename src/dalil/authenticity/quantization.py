"""libjpeg's standard quantization tables, and how close a table is to them.

Editors and most software encoders (Photoshop's "Save for Web" aside) write the tables of
ITU-T T.81 Annex K scaled by a quality factor, as libjpeg's ``jpeg_set_quality`` does.
Camera firmware ships tables of its own. A photo that claims a camera in its EXIF but
carries libjpeg's tables was, in all likelihood, saved again by software.
"""

from __future__ import annotations

from functools import cache

# ITU-T T.81 Annex K, tables K.1 and K.2, natural (row-major) order.
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
    """A base table scaled as libjpeg's ``jpeg_set_quality`` scales it."""
    quality = min(max(quality, 1), 100)
    factor = 5000 // quality if quality < 50 else 200 - 2 * quality
    top = 255 if baseline else 32767
    return tuple(min(max((value * factor + 50) // 100, 1), top) for value in base)


@cache
def _standard_by_luma() -> dict[tuple[int, ...], int]:
    found: dict[tuple[int, ...], int] = {}
    for quality in range(100, 0, -1):
        found.setdefault(scale_table(STANDARD_LUMA, quality), quality)
    return found


def standard_quality(tables: tuple[tuple[int, ...], ...]) -> int | None:
    """The libjpeg quality whose tables these are, or None if they are not libjpeg's."""
    if not tables:
        return None
    quality = _standard_by_luma().get(tuple(tables[0]))
    if quality is None:
        return None
    if len(tables) > 1 and tuple(tables[1]) != scale_table(STANDARD_CHROMA, quality):
        return None
    return quality


def estimated_quality(luma: tuple[int, ...]) -> int:
    """The libjpeg quality whose luminance table is closest (for describing any table)."""
    return min(
        range(1, 101),
        key=lambda q: (
            sum(abs(a - b) for a, b in zip(scale_table(STANDARD_LUMA, q), luma, strict=True)),
            -q,
        ),
    )
