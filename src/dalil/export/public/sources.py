"""Everything in the archive that could lead to the source, and the scan of a release for it.

The values: every camera serial, owner, artist, copyright holder and unique id in any
image's EXIF; every GPS position (as decimal degrees to 3-6 places, and as the EXIF's own
rationals); every path received (whole), every folder and file name on it, and every
file name without its extension that holds a digit (a camera's counter: DSC_0042); each
source drive's label, its paths and its folder's name (not the folders of the
custodian's machine above it); every object's SHA-256 and the
release's salts (either would link a released file to its sealed original without a
court's say).

A value is searched for case-insensitively in every file of a release. Short values are
only searched where a chance match is impossible to confuse with a leak: in a JPEG's
compressed data any 4 bytes turn up by chance once in ~4 GB of random bytes per value,
so with tens of thousands of values a 500 KB image would "contain" one now and then;
6 bytes (2^48) never do in practice. Metadata cannot hide there anyway (``encoding``
refuses any segment but pixels), so images are searched for values of 6 characters and
more, text files for 4 and more. Inside a text file a 64-digit hex token (a SHA-256 the
release computed, random to anyone) is not searched for short values, nor is dalil's own
fixed wording (the same in every release, so it cannot carry anything of the source).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical
from dalil.db import schema

MIN_TEXT = 4
MIN_BINARY = 6
TEXT_SUFFIXES = (".json", ".txt", ".csv", ".md")
IDENTIFYING_KEYS = ("serial", "owner", "artist", "copyright", "author", "uniqueid")
HEX_TOKEN = re.compile(rb"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


@dataclass(frozen=True)
class Hit:
    file: str
    value: str
    what: str

    def __str__(self) -> str:
        return f"{self.file} contains {self.value!r} ({self.what})"


def archive_values(conn: Connection) -> dict[str, str]:
    """Every source-identifying value of the archive (lowercase) → what it is."""
    found: dict[str, str] = {}

    def add(value: Any, what: str) -> None:
        text = str(value).strip().lower()
        if len(text) >= MIN_TEXT and text not in found:
            found[text] = what

    f = schema.image_facts
    for serial, facts in conn.execute(select(f.c.serial, f.c.facts)):
        if serial:
            add(serial, "a camera serial")
        exif = canonical.loads(facts).get("exif")
        if isinstance(exif, dict):
            for value, what in _exif_values(exif):
                add(value, what)
    for (path,) in conn.execute(select(schema.originals.c.path)):
        for value, what in _path_values(path):
            add(value, what)
    for (sources,) in conn.execute(select(schema.batches.c.sources)):
        for source in canonical.loads(sources):
            add(source.get("label", ""), "a source drive's label")
            add(source.get("absolute", ""), "a source drive's path")
            add(source.get("given", ""), "a source drive's path")
            for place in ("absolute", "given"):  # the drive's folder; not the custodian's
                add(PurePosixPath(str(source.get(place, ""))).name, "a source folder")
    return found


def _exif_values(exif: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for ifd, tags in exif.items():
        if not isinstance(tags, dict):
            continue
        if ifd == "gps":
            yield from _gps_values(tags)
            continue
        for key, value in tags.items():
            if isinstance(value, str) and any(k in key.lower() for k in IDENTIFYING_KEYS):
                yield value, f"EXIF {key}"


def _gps_values(tags: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in tags.items():
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, str) and len(part) > 1:
                yield part, f"EXIF {key}"
                if "/" in part and not part.endswith("/1"):
                    yield _decimal(_fraction(part), 2), f"EXIF {key}"
    for axis, ref, negative in (
        ("GPSLatitude", "GPSLatitudeRef", "S"),
        ("GPSLongitude", "GPSLongitudeRef", "W"),
    ):
        parts = tags.get(axis)
        if not isinstance(parts, list) or len(parts) != 3:
            continue
        try:
            degrees = sum(_fraction(p) / 60**i for i, p in enumerate(parts))
        except (ValueError, ZeroDivisionError, TypeError):
            continue
        sign = "-" if tags.get(ref) == negative else ""
        for places in range(3, 7):
            yield sign + _decimal(degrees, places), "a GPS position"
            yield _decimal(degrees, places), "a GPS position"


def _fraction(text: Any) -> Fraction:
    return Fraction(str(text))


def _decimal(value: Fraction, places: int) -> str:
    return f"{float(value):.{places}f}"


def _path_values(path: str) -> Iterator[tuple[str, str]]:
    if not path:
        return
    pure = PurePosixPath(path.replace("\\", "/"))
    yield path, "a source path"
    *folders, name = pure.parts
    for folder in folders:
        yield folder, "a source folder"
    yield name, "a source file name"
    if any(c.isdigit() for c in pure.stem):
        yield pure.stem, "a source file name"  # a camera's counter (DSC_0042), not "notes"


def scan(folder: Path, values: dict[str, str], fixed: Iterable[str] = ()) -> list[Hit]:
    """Every value found in any file under ``folder`` (names of files included).

    ``fixed`` is dalil's own wording, the same in every release (the README's sentences,
    the manifest's keys): a folder named "faces" is not leaked by the word "faces" in
    them, so inside text files they are not searched."""
    boilerplate = sorted({f.lower().encode("utf-8") for f in fixed if f}, key=len, reverse=True)
    by_length: dict[int, list[str]] = {}
    for value in values:
        by_length.setdefault(len(value.encode("utf-8")), []).append(value)
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        text = path.suffix.lower() in TEXT_SUFFIXES
        data = path.read_bytes().lower()
        for content, shortest in (
            (name.lower().encode("utf-8"), MIN_TEXT),
            (data, MIN_TEXT if text else MIN_BINARY),
        ):
            if text:
                for words in boilerplate:
                    content = content.replace(words, b"\x00" * len(words))
            for value in _found(content, values, shortest, text):
                hits.append(Hit(name, value, values[value]))
    return hits


def _found(content: bytes, values: dict[str, str], shortest: int, text: bool) -> Iterator[str]:
    masked = HEX_TOKEN.sub(lambda m: b"#" * 64, content) if text else content
    grams = {masked[i : i + shortest] for i in range(len(masked) - shortest + 1)}
    whole = set(HEX_TOKEN.findall(content)) if text else set()
    for value in values:
        encoded = value.encode("utf-8")
        if len(encoded) < shortest:
            continue
        if encoded in whole or (encoded[:shortest] in grams and encoded in masked):
            yield value
