"""What a file is, from its first bytes, never from its name.

A file named IMG_0001.JPG that is really a ZIP, an HTML page or random bytes is evidence
of something; trusting the extension would hide it. ``HEAD_SIZE`` bytes are enough for
every signature here (tar's sits at offset 257).
"""

from __future__ import annotations

HEAD_SIZE = 512

_SIGNATURES: list[tuple[int, bytes, str]] = [
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"BM", "image/bmp"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"BZh", "application/x-bzip2"),
    (0, b"\xfd7zXZ\x00", "application/x-xz"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"%PDF-", "application/pdf"),
    (257, b"ustar", "application/x-tar"),
]

IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/tiff", "image/bmp", "image/webp", "image/heic"}
)
# Types whose contents dalil opens and receives entry by entry.
CONTAINER_TYPES = frozenset(
    {"application/zip", "application/x-tar", "application/gzip", "application/x-bzip2",
     "application/x-xz"}
)  # fmt: skip

_EXTENSIONS = {
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/png": {".png"},
    "image/gif": {".gif"},
    "image/tiff": {".tif", ".tiff", ".dng", ".nef", ".cr2", ".arw"},
    "image/bmp": {".bmp"},
    "image/webp": {".webp"},
    "image/heic": {".heic", ".heif"},
}


def media_type(head: bytes, size: int) -> str:
    """The media type the content's signature announces."""
    if size == 0:
        return "application/x-empty"
    for offset, magic, kind in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heim", b"heis"):
        return "image/heic"
    if _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The head may cut a multi-byte character in two; retry without its last bytes.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return bool(text) and all(c.isprintable() or c in "\r\n\t\f" for c in text)


def extension_mismatch(name: str, kind: str) -> str | None:
    """A reason if the file's extension claims an image type its content is not."""
    dot = name.rfind(".")
    if dot <= name.rfind("/"):
        return None
    extension = name[dot:].lower()
    claimed = [k for k, exts in _EXTENSIONS.items() if extension in exts]
    if not claimed or kind in claimed:
        return None
    return f"the name ends in {extension} (an image type) but the content is {kind}"
