"""The images an analysis looks at, read once from the catalogue as compact records.

Everything the header-level checks need was recorded when the vault described each
image (``image_facts``); reading it back here costs no decoding, which is what lets the
triage run at thousands of images a second. Only the fields the checks use are kept,
so memory stays small for a collection of tens of thousands of images.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical, lookup
from dalil.db import schema

# Vault flags after which the pixels of an image cannot be trusted to decode.
PIXEL_FLAGS = frozenset(
    {"image-too-large", "image-truncated", "image-undecodable", "describe-crashed"}
)


@dataclass(frozen=True)
class Place:
    """One path where the image was received."""

    path: str
    mtime: str | None
    seq: int
    collection: str


@dataclass(frozen=True)
class Thumbnail:
    """The JPEG a camera embedded in the EXIF (IFD1), as the vault described it."""

    offset: int
    size: int
    width: int | None
    height: int | None
    complete: bool


@dataclass(frozen=True)
class ImageRecord:
    sha256: str
    facts_sha256: str
    media_type: str
    first_seq: int
    places: tuple[Place, ...]
    width: int | None = None
    height: int | None = None
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    datetime_original: str | None = None
    datetime_modified: str | None = None
    software: str | None = None
    has_exif: bool = False
    exif_size: tuple[int, int] | None = None  # ExifImageWidth/Height as the EXIF claims
    qt_signature: str | None = None
    qtables: tuple[tuple[int, ...], ...] = ()  # natural order, by table id
    layout: str | None = None  # marker sequence before the scan, JFIF and all
    huffman: str | None = None  # hash of the Huffman tables in order
    pdq: str | None = None
    pdq_quality: int | None = None
    thumbnail: Thumbnail | None = None
    store_thumbnail: str | None = None  # the vault's own 256-px derived thumbnail
    header_problem: str | None = None
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def identity(self) -> str | None:
        """The camera the EXIF claims: make, model and body serial."""
        if not (self.make or self.model):
            return None
        parts = [self.make or "?", self.model or "?"]
        if self.serial:
            parts.append(f"#{self.serial}")
        return " ".join(parts)

    @property
    def size(self) -> tuple[int, int] | None:
        if self.width is None or self.height is None:
            return None
        return (self.width, self.height)

    @property
    def pixels_readable(self) -> bool:
        return not (self.flags & PIXEL_FLAGS)

    @property
    def path(self) -> str:
        """The earliest path it was received under."""
        return self.places[0].path


def _thumbnail(value: Any) -> Thumbnail | None:
    if not isinstance(value, dict) or not isinstance(value.get("offset"), int):
        return None
    return Thumbnail(
        value["offset"],
        int(value.get("bytes") or 0),
        value.get("width"),
        value.get("height"),
        bool(value.get("complete")),
    )


def _exif_size(exif: dict[str, Any]) -> tuple[int, int] | None:
    sub = exif.get("exif", {})
    width, height = sub.get("ExifImageWidth"), sub.get("ExifImageHeight")
    if isinstance(width, int) and isinstance(height, int):
        return (width, height)
    return None


def _layout(jpeg: dict[str, Any]) -> tuple[str | None, str | None]:
    markers = jpeg.get("markers") or []
    if not markers:
        return None, None
    layout = " ".join(markers)
    huffman = hashlib.sha256(" ".join(jpeg.get("huffman") or []).encode()).hexdigest()
    return layout, huffman


def record_from_facts(
    sha: str,
    facts_sha: str,
    media_type: str,
    first_seq: int,
    facts: dict[str, Any],
    places: tuple[Place, ...],
    flags: frozenset[str] = frozenset(),
    store_thumbnail: str | None = None,
) -> ImageRecord:
    """A record from the vault's facts JSON (pure; also used by tests)."""
    exif: dict[str, Any] | None = facts["exif"] if isinstance(facts.get("exif"), dict) else None
    jpeg: dict[str, Any] = facts["jpeg"] if isinstance(facts.get("jpeg"), dict) else {}
    tables = jpeg.get("qtables") or {}
    layout, huffman = _layout(jpeg)
    ifd0 = (exif or {}).get("ifd0", {})
    modified = ifd0.get("DateTime") if isinstance(ifd0.get("DateTime"), str) else None
    return ImageRecord(
        sha256=sha,
        facts_sha256=facts_sha,
        media_type=media_type,
        first_seq=first_seq,
        places=places,
        width=facts.get("width"),
        height=facts.get("height"),
        make=facts.get("make"),
        model=facts.get("model"),
        serial=facts.get("serial"),
        datetime_original=facts.get("datetime_original"),
        datetime_modified=modified,
        software=facts.get("software"),
        has_exif=exif is not None,
        exif_size=_exif_size(exif) if exif else None,
        qt_signature=facts.get("qt_signature"),
        qtables=tuple(tuple(tables[k]) for k in sorted(tables, key=int)),
        layout=layout,
        huffman=huffman,
        pdq=facts.get("pdq"),
        pdq_quality=facts.get("pdq_quality"),
        thumbnail=_thumbnail(facts.get("exif_thumbnail")),
        header_problem=jpeg.get("header_problem"),
        store_thumbnail=store_thumbnail,
        flags=flags | ({"describe-crashed"} if facts.get("crashed") else frozenset()),
    )


def load_records(conn: Connection, collection: str | None = None) -> list[ImageRecord]:
    """Every described original image (of one collection, if named), oldest first."""
    o, b, f, obj = schema.originals, schema.batches, schema.image_facts, schema.objects
    query = (
        select(o.c.object_sha256, o.c.path, o.c.mtime, o.c.seq, b.c.collection)
        .select_from(o.join(b, b.c.id == o.c.batch_id))
        .where(o.c.object_sha256.is_not(None))
        .order_by(o.c.seq)
    )
    if collection is not None:
        query = query.where(b.c.collection == lookup.require_collection(conn, collection))
    places: dict[str, list[Place]] = defaultdict(list)
    for place in conn.execute(query):
        places[place.object_sha256].append(
            Place(place.path, place.mtime, place.seq, place.collection)
        )
    flags: dict[str, set[str]] = defaultdict(set)
    for sha, code in conn.execute(select(schema.flags.c.object_sha256, schema.flags.c.code)):
        if sha is not None:
            flags[sha].add(code)
    described = conn.execute(
        select(
            f.c.sha256,
            f.c.facts,
            f.c.facts_sha256,
            f.c.thumbnail_sha256,
            obj.c.media_type,
            obj.c.first_seq,
        )
        .select_from(f.join(obj, obj.c.sha256 == f.c.sha256))
        .where(obj.c.kind == "original")
        .order_by(obj.c.first_seq)
    )
    records = []
    for row in described:
        if row.sha256 not in places:
            continue
        record = record_from_facts(
            row.sha256,
            row.facts_sha256,
            row.media_type,
            row.first_seq,
            canonical.loads(row.facts),
            tuple(places[row.sha256]),
            frozenset(flags.get(row.sha256, ())),
            row.thumbnail_sha256,
        )
        records.append(record)
    return records


def inputs_sha256(records: list[ImageRecord]) -> str:
    """One hash naming exactly what was analysed: each image and the facts it was read as."""
    lines = sorted(f"{r.sha256} {r.facts_sha256}\n" for r in records)
    return hashlib.sha256("".join(lines).encode("ascii")).hexdigest()
