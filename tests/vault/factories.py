"""Small, fast stand-ins for vault tests: JPEGs with camera EXIF, and an ingest shortcut."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from dalil.vault.archive import Archive
from dalil.vault.receive import ReceiveRequest, ReceiveResult, receive


def jpeg_bytes(seed: int, size: tuple[int, int] = (320, 240), quality: int = 90,
               exif: Image.Exif | None = None) -> bytes:  # fmt: skip
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (size[1] // 8, size[0] // 8, 3), dtype=np.uint8)
    image = Image.fromarray(base).resize(size, Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif if exif is not None else Image.Exif())
    return out.getvalue()


def camera_exif(make: str = "Nikon", model: str = "D90", serial: str = "3001234") -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0131] = "Ver.1.00"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2012:05:14 10:31:07"
    sub[0xA431] = serial
    return exif


def ingest(archive: Archive, *sources: Path, **options: object) -> ReceiveResult:
    request = ReceiveRequest(
        sources=list(sources),
        collection=str(options.pop("collection", "caesar-test")),
        custodian=str(options.pop("custodian", "Test Custodian")),
        **options,  # type: ignore[arg-type]
    )
    return receive(archive, request)
