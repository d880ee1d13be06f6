"""A family's portrait: read it, find the face, seal the image and the embedding.

Portraits are often scans of printed photos, ID cards or phone pictures of a framed
photo: one face, upright, sometimes small. The face found is embedded once, here, so
that matching never has to open the image again.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from dalil.errors import InputError
from dalil.identification import reports
from dalil.identification.faces.detection import DetectSettings
from dalil.identification.faces.embedding import embed_image, to_bytes
from dalil.vault.archive import Archive

# Portraits larger than this are refused: no photo of a face needs more, and a
# decompression bomb would otherwise exhaust memory.
MAX_PORTRAIT_BYTES = 30 * 1024 * 1024


def add_portrait_bytes(
    archive: Archive, code: str, data: bytes, assume_crop: bool = False
) -> tuple[int, int]:
    """Seal a portrait and its face; returns (portrait id, faces found: 0 or 1)."""
    with archive.read() as conn:
        reports.get_active(conn, code)  # an unknown report is named before any image work
    if len(data) > MAX_PORTRAIT_BYTES:
        raise InputError(f"the portrait is larger than {MAX_PORTRAIT_BYTES // 2**20} MB")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(f"the portrait is not an image dalil can read: {exc}") from exc
    face = embed_image(image, DetectSettings(assume_crop=assume_crop))
    sealed = []
    if face is not None:
        sealed.append(reports.SealedFace(to_bytes(face.vector), face.quality, face.method()))
    return reports.add_portrait(archive, code, data, sealed), len(sealed)
