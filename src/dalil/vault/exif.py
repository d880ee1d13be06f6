"""EXIF metadata as plain JSON values, every tag kept, named where the standard names it.

The metadata of a photo is evidence (which camera, when, which software touched it), so
nothing is dropped: unknown tags keep their numbers, binary values their bytes (hex, or a
hash and length when large), rationals their exact numerator and denominator.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from PIL import ExifTags, Image

from dalil.canonical import MAX_SAFE_INTEGER

# Binary values longer than this (maker notes, embedded previews) are kept as hash + size.
MAX_INLINE_BYTES = 256

_IFDS = {
    "exif": (ExifTags.IFD.Exif, ExifTags.TAGS),
    "gps": (ExifTags.IFD.GPSInfo, ExifTags.GPSTAGS),
    "interop": (ExifTags.IFD.Interop, ExifTags.TAGS),
    "ifd1": (ExifTags.IFD.IFD1, ExifTags.TAGS),
}
_POINTERS = {int(ExifTags.IFD.Exif), int(ExifTags.IFD.GPSInfo), int(ExifTags.IFD.Interop)}


def plain(value: Any) -> Any:
    """A JSON value (no floats) for an EXIF value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if hasattr(value, "numerator") and hasattr(value, "denominator"):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value.rstrip("\x00")
    if isinstance(value, bytes):
        return _plain_bytes(value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return repr(value)


def _plain_bytes(value: bytes) -> Any:
    stripped = value.rstrip(b"\x00")
    if stripped.isascii() and all(32 <= b < 127 or b in (9, 10, 13) for b in stripped):
        return stripped.decode("ascii")
    if len(value) > MAX_INLINE_BYTES:
        return {"bytes": len(value), "sha256": hashlib.sha256(value).hexdigest()}
    return {"hex": value.hex()}


def _named(tags: dict[int, Any], names: dict[int, str]) -> dict[str, Any]:
    return {names.get(tag, f"0x{tag:04X}"): plain(v) for tag, v in sorted(tags.items())}


def check_structure(payload: bytes) -> None:
    """Raise ValueError if the TIFF structure under the EXIF is broken.

    Pillow skips what it cannot read without a word; a broken structure is itself a
    finding (a hand-edited or damaged file), so it is checked here first.
    """
    order = payload[:4]
    if order not in (b"II*\x00", b"MM\x00*"):
        raise ValueError(f"the EXIF does not start with a TIFF header (it starts {order!r})")
    endian: Literal["little", "big"] = "little" if order.startswith(b"II") else "big"
    offset = int.from_bytes(payload[4:8], endian)
    if offset < 8 or offset + 2 > len(payload):
        raise ValueError(f"the first EXIF directory is at byte {offset}, outside the EXIF")
    count = int.from_bytes(payload[offset : offset + 2], endian)
    if offset + 2 + 12 * count > len(payload):
        raise ValueError(f"the first EXIF directory lists {count} entries it does not hold")


def read_exif(payload: bytes) -> dict[str, dict[str, Any]]:
    """EXIF IFDs by name (ifd0, exif, gps, interop, ifd1). Raises ValueError if damaged."""
    payload = payload.removeprefix(b"Exif\x00\x00")
    check_structure(payload)
    exif = Image.Exif()
    try:
        exif.load(payload)
        ifd0 = {tag: v for tag, v in exif.items() if tag not in _POINTERS}
        result = {"ifd0": _named(ifd0, ExifTags.TAGS)}
        for name, (ifd, names) in _IFDS.items():
            tags = exif.get_ifd(ifd)
            if tags:
                result[name] = _named(dict(tags), names)
    except Exception as exc:  # Pillow raises many kinds on hostile EXIF; all mean "damaged"
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    return result


def field(exif: dict[str, dict[str, Any]], ifd: str, name: str) -> str | None:
    value = exif.get(ifd, {}).get(name)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)
