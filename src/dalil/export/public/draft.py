"""`dalil export draft`: a public release's previews, made and queued for review.

Each selected image is made into its preview (``preview``): the file that will go out
if a person approves it. Previews are written inside the archive, never outside it, and
the draft is one custody event listing every preview with its SHA-256, the regions
hidden, the scrubbing and its measured PCE, and the commitment to its original. Objects
that are not images (a zip, a text file, an unreadable photo) are left out and named.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from dalil import __version__, canonical
from dalil.authenticity.finding import decimal
from dalil.authenticity.inputs import ImageRecord, load_records
from dalil.catalogue.tables import catalogue_readings
from dalil.db import schema
from dalil.errors import InputError
from dalil.export.public import queue
from dalil.export.public.attribution import Fingerprints
from dalil.export.public.geometry import Box
from dalil.export.public.preview import Preview, make
from dalil.export.public.redaction import CARD, CUSTODIAN, SOURCE, Region, card_box
from dalil.export.public.replay import DRAFTED, commitment, salt_sha256, with_public_releases
from dalil.export.public.tables import public_releases
from dalil.export.replay import EXPORT
from dalil.export.selection import Selection, resolve
from dalil.progress import SILENT, Reporter
from dalil.vault.archive import Archive, operator
from dalil.vault.writer import Writer

KEEP, MASK = "keep", "mask"
PUBLIC = with_public_releases(EXPORT)


@dataclass(frozen=True)
class DraftRequest:
    name: str
    selection: Selection
    purpose: str
    numbers: str = KEEP  # keep | mask the numbering card
    regions: Mapping[str, tuple[Box, ...]] = field(default_factory=dict)  # by SHA-256


@dataclass(frozen=True)
class Draft:
    name: str
    seq: int
    items: int
    blocked: int
    faces: int
    left_out: list[dict[str, str]]
    folder: Path


def read_regions(path: Path) -> dict[str, tuple[Box, ...]]:
    """Boxes to hide, one per line: ``SHA256 X,Y,W,H`` in the original's pixels."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the regions file {path}: {exc}") from exc
    found: dict[str, list[Box]] = {}
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 2:
            raise InputError(f"{path}:{number}: write SHA256 X,Y,W,H")
        found.setdefault(parts[0].lower(), []).append(parse_box(parts[1], f"{path}:{number}"))
    return {sha: tuple(boxes) for sha, boxes in found.items()}


def parse_box(text: str, where: str = "--blur-region") -> Box:
    parts = text.split(",")
    if len(parts) != 4 or not all(p.strip().isdigit() for p in parts):
        raise InputError(f"{where}: {text!r} is not X,Y,W,H in whole pixels")
    x, y, w, h = (int(p) for p in parts)
    if w == 0 or h == 0:
        raise InputError(f"{where}: {text!r} has no width or height")
    return (x, y, w, h)


def draft_release(archive: Archive, request: DraftRequest, reporter: Reporter = SILENT) -> Draft:
    """Make every preview of the release and record the draft."""
    name = queue.check_name(request.name)
    if request.numbers not in (KEEP, MASK):
        raise InputError("numbers on cards are kept (keep) or masked (mask)")
    if not request.purpose.strip():
        raise InputError("--purpose is needed: a release says what it is for")
    with archive.read() as conn:
        if conn.execute(
            select(public_releases.c.seq).where(public_releases.c.name == name)
        ).first():
            raise InputError(f"a release named {name!r} was drafted already; choose another name")
        chosen = resolve(conn, request.selection)
        records = {r.sha256: r for r in load_records(conn)}
        orientation = _orientations(conn, chosen)
        cards = _cards(conn, chosen) if request.numbers == MASK else {}
    unknown = sorted(set(request.regions) - set(chosen))
    if unknown:
        raise InputError(f"regions are given for {unknown[0]}, which is not selected")
    items, left_out = [], []
    for sha in chosen:
        record = records.get(sha)
        if record is None or record.size is None or not record.pixels_readable:
            left_out.append({"sha256": sha, "reason": "not an image whose pixels decode"})
        else:
            items.append(record)
    if not items:
        raise InputError("the selection holds no image whose pixels decode")
    prints = Fingerprints(archive, list(records.values()))
    folder = queue.previews_folder(archive, name)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    reporter.start("making previews", len(items), "images")
    for number, record in enumerate(items, start=1):
        regions = tuple(
            Region(b, SOURCE, CUSTODIAN) for b in request.regions.get(record.sha256, ())
        )
        card = "kept"
        if request.numbers == MASK:
            found = cards.get(record.sha256, [])
            regions += tuple(Region(b, SOURCE, CARD) for b in found)
            card = "masked" if found else "not-found"
        data = archive.store.path_for(record.sha256).read_bytes()
        preview = make(data, record, regions, prints, orientation=orientation.get(record.sha256, 1))
        write_preview(archive, name, preview)
        made.append(item_json(number, 1, record.sha256, preview, card, secrets.token_hex(32)))
        reporter.advance()
    reporter.finish()
    seq = _record(archive, request, made, left_out)
    blocked = sum(1 for m in made if m["pce"] is not None and float(m["pce"]) >= prints.threshold)
    faces = sum(int(m["faces"]) for m in made)
    return Draft(name, seq, len(made), blocked, faces, left_out, folder)


def item_json(
    number: int, version: int, original: str, preview: Preview, card: str, salt: str
) -> dict[str, Any]:
    """One preview as its event records it; ``salt`` is handed to the writer beside it."""
    score, before = preview.score, preview.before
    return {
        "number": number,
        "version": version,
        "original_sha256": original,
        "preview_sha256": preview.sha256,
        "regions": [r.as_json() for r in preview.regions],
        "faces": preview.faces,
        "card": card,
        "transform": preview.transform.as_json(),
        "pce": None if score.pce is None else decimal(score.pce, 1),
        "pce_before": None if before.pce is None else decimal(before.pce, 1),
        "pce_note": score.note,
        "commitment": commitment(salt, original),
        "salt_sha256": salt_sha256(salt),
        "salt": salt,  # taken out before the event is written (see ``split_salts``)
    }


def split_salts(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[bytes]]:
    """The items without their salts, and the salts as the writer's blobs."""
    blobs = [str(item["salt"]).encode("ascii") for item in items]
    return [{k: v for k, v in item.items() if k != "salt"} for item in items], blobs


def write_preview(archive: Archive, name: str, preview: Preview) -> Path:
    path = queue.preview_path(archive, name, preview.sha256)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        handle.write(preview.data)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    return path


def _record(
    archive: Archive,
    request: DraftRequest,
    made: list[dict[str, Any]],
    left_out: list[dict[str, str]],
) -> int:
    items, salts = split_salts(made)
    data = {
        "name": request.name,
        "purpose": request.purpose,
        "numbers": request.numbers,
        "items": items,
        "left_out": left_out,
        "operator": operator(),
        "tool": f"dalil {__version__}",
    }
    with archive.write() as conn, Writer(conn, PUBLIC) as writer:
        return writer.record(DRAFTED, data, blobs=salts).seq


def _orientations(conn: Connection, shas: list[str]) -> dict[str, int]:
    f = schema.image_facts
    found = {}
    for sha, facts in conn.execute(select(f.c.sha256, f.c.facts).where(f.c.sha256.in_(shas))):
        exif = canonical.loads(facts).get("exif") or {}
        value = (exif.get("ifd0") or {}).get("Orientation") if isinstance(exif, dict) else None
        found[sha] = value if isinstance(value, int) and 1 <= value <= 8 else 1
    return found


def _cards(conn: Connection, shas: list[str]) -> dict[str, list[Box]]:
    """Where the numbers are on each photo, by every reading that located them."""
    r = catalogue_readings
    found: dict[str, list[Box]] = {}
    rows = conn.execute(
        select(r.c.sha256, r.c.card).where(r.c.sha256.in_(shas), r.c.card.is_not(None))
    )
    for sha, card in rows:
        corners = canonical.loads(card)
        if corners:
            found.setdefault(sha, []).append(card_box(corners))
    return found


__all__ = ["Draft", "DraftRequest", "ImageRecord", "draft_release", "read_regions"]
