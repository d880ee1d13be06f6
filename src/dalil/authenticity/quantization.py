"""libjpeg's standard quantization tables, and how close a table is to them.

Editors and most software encoders (Photoshop's "Save for Web" aside) write the tables of
ITU-T T.81 Annex K scaled by a quality factor, as libjpeg's ``jpeg_set_quality`` does.
Camera firmware ships tables of its own. A photo that claims a camera in its EXIF but
carries libjpeg's tables was, in all likelihood, saved again by software.
"""

from __future__ import annotations

from functools import cache

from dalil.jpeg_tables import STANDARD_CHROMA, STANDARD_LUMA, scale_table


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
