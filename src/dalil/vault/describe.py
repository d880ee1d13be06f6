"""Describe one image: the facts every later analysis starts from. A pure function.

``describe(data, media_type, limits)`` reads the header (dimensions, quantization
tables, EXIF), decodes the image at a reduced scale (JPEG's DCT scaling: a 1/2, 1/4 or
1/8 decode costs a fraction of a full one and changes nothing the perceptual hash or a
256-pixel thumbnail can see), computes the PDQ perceptual hash and a thumbnail with no
metadata at all. Damage is reported as flags with reasons; it never raises.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pdqhash
from PIL import Image, ImageFile

from dalil.vault.exif import field as exif_field
from dalil.vault.exif import read_exif
from dalil.vault.jpeg import ends_cleanly, read_header
from dalil.vault.limits import Limits

DESCRIBER = "describe/1"
# JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the cost; Pillow's draft picks
# the smallest scale that still covers this box. PDQ reads a 64x64 summary of the image:
# on the synthetic collection, hashes from a 1/4-scale decode (about 400 px) differed
# from full-resolution ones by 6-14 of 256 bits, well inside the usual match threshold
# of 31 bits; the thumbnail needs no more either.
DECODE_BOX = 256
THUMBNAIL_SIZE = 256
THUMBNAIL_QUALITY = 80


@dataclass
class Description:
    facts: dict[str, Any]
    thumbnail: bytes | None = None
    flags: list[tuple[str, str]] = field(default_factory=list)


def _header_facts(data: bytes, description: Description) -> None:
    header = read_header(data[: 1 << 20])
    facts = description.facts
    facts["jpeg"] = {
        "markers": header.markers,
        "qtables": {str(k): v for k, v in sorted(header.qtables.items())},
        "qt_precision": {str(k): v for k, v in sorted(header.qt_precision.items())},
        "components": header.components,
        "sampling": header.sampling,
        "progressive": header.progressive,
        "huffman": header.huffman,
        "ends_cleanly": ends_cleanly(data),
        "header_problem": header.problem,
    }
    facts["qt_signature"] = header.qt_signature
    facts["width"], facts["height"] = header.width, header.height
    if header.exif is not None:
        _exif_facts(header.exif, description)


def _exif_facts(payload: bytes, description: Description) -> None:
    try:
        exif = read_exif(payload)
    except ValueError as exc:
        description.flags.append(("exif-malformed", f"EXIF cannot be read: {exc}"))
        return
    facts = description.facts
    facts["exif"] = exif
    facts["make"] = exif_field(exif, "ifd0", "Make")
    facts["model"] = exif_field(exif, "ifd0", "Model")
    facts["serial"] = exif_field(exif, "exif", "BodySerialNumber") or exif_field(
        exif, "exif", "0xA431"
    )
    facts["datetime_original"] = exif_field(exif, "exif", "DateTimeOriginal")
    facts["software"] = exif_field(exif, "ifd0", "Software")
    facts["exif_thumbnail"] = _exif_thumbnail(payload, exif)


def _exif_thumbnail(payload: bytes, exif: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    ifd1 = exif.get("ifd1", {})
    offset, length = ifd1.get("JpegIFOffset"), ifd1.get("JpegIFByteCount")
    if not isinstance(offset, int) or not isinstance(length, int):
        return None
    blob = payload[offset : offset + length]
    header = read_header(blob)
    return {
        "offset": offset,
        "bytes": len(blob),
        "complete": len(blob) == length,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "width": header.width,
        "height": header.height,
        "qt_signature": header.qt_signature,
    }


def _pixels(data: bytes, description: Description, limits: Limits) -> Image.Image | None:
    facts = description.facts
    try:
        image = Image.open(io.BytesIO(data))
    except Exception as exc:  # Pillow raises many kinds on damaged input
        description.flags.append(("image-undecodable", f"cannot be opened: {exc}"))
        return None
    width, height = image.size
    facts["width"], facts["height"] = width, height
    facts["format"] = image.format
    facts["mode"] = image.mode
    if width * height > limits.max_image_pixels:
        megapixels = width * height / 1e6
        description.flags.append(
            (
                "image-too-large",
                f"claims {width}x{height} = {megapixels:.0f} MP, over the safety limit of "
                f"{limits.max_image_pixels / 1e6:.0f} MP; metadata read, pixels not decoded",
            )
        )
        return None
    if image.format == "JPEG":
        image.draft("RGB", (DECODE_BOX, DECODE_BOX))
        facts["decoded_size"] = list(image.size)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
        return image.convert("RGB")
    except OSError as exc:
        code = "image-truncated" if "truncated" in str(exc) else "image-undecodable"
        description.flags.append((code, f"the image data is damaged: {exc}"))
    except Exception as exc:
        description.flags.append(("image-undecodable", f"cannot be decoded: {exc}"))
    return None


def _pdq(image: Image.Image) -> tuple[str, int]:
    bits, quality = pdqhash.compute(np.asarray(image))
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    # A new image from pixels only: no EXIF, no ICC profile, no comment can ride along.
    Image.frombytes("RGB", small.size, small.tobytes()).save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def describe(data: bytes, media_type: str, limits: Limits) -> Description:
    """Facts, a metadata-free thumbnail and flags for one image's bytes."""
    description = Description({"media_type": media_type, "describer": DESCRIBER})
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    if media_type == "image/jpeg":
        _header_facts(data, description)
        if not description.facts["jpeg"]["ends_cleanly"]:
            description.flags.append(
                ("image-truncated", "the file does not end with the JPEG end-of-image marker")
            )
    image = _pixels(data, description, limits)
    if image is not None:
        if media_type != "image/jpeg" and "exif" not in description.facts:
            payload = image.info.get("exif")
            if isinstance(payload, bytes):
                _exif_facts(payload, description)
        description.facts["pdq"], description.facts["pdq_quality"] = _pdq(image)
        description.thumbnail = _thumbnail(image)
    # A flag raised twice (header and decoder agree the file is cut short) is one flag.
    first: dict[str, str] = {}
    for code, reason in description.flags:
        first.setdefault(code, reason)
    description.flags = list(first.items())
    return description
