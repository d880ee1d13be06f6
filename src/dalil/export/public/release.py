"""`dalil export public`: the approved images, their manifest, and nothing else.

Refused while any image is pending review (each is named), or when an approved image
still matches its camera's sensor noise. Every file is the approved preview itself,
checked again against the SHA-256 the reviewer approved and for any segment that is not
pixels. The release is written beside its destination first; before it takes its name,
every file (the manifest too) is searched for every source-identifying value the archive
holds (``sources``) and a hit refuses it. Only then is the release recorded: a custody
event, which also enters the disclosure register (``dalil export list``).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dalil import __version__, canonical
from dalil.db import schema
from dalil.errors import InputError
from dalil.export.public import encoding, queue, sources
from dalil.export.public.draft import PUBLIC
from dalil.export.public.replay import RELEASED
from dalil.export.public.tables import public_previews
from dalil.progress import SILENT, Reporter
from dalil.vault import checkpoints
from dalil.vault.archive import Archive, operator
from dalil.vault.records import store_rows
from dalil.vault.replay import VAULT
from dalil.vault.writer import Writer

FORMAT = "dalil-public-release/1"
MANIFEST = "manifest.json"
RECIPIENT = "the public"


@dataclass(frozen=True)
class Released:
    path: Path
    files: list[dict[str, Any]]  # as in the manifest
    manifest_sha256: str
    seq: int
    rejected: int
    values_scanned: int


def release(
    archive: Archive, name: str, out: Path, date: str | None = None, reporter: Reporter = SILENT
) -> Released:
    """Write release ``name`` to the new folder ``out`` and record it."""
    with archive.read() as conn:
        state = queue.load(conn, queue.check_name(name))
        values = sources.archive_values(conn)
        values.update(
            {
                sha: "an archive object's SHA-256"
                for sha in conn.execute(select(schema.objects.c.sha256)).scalars()
            }
        )
        salts = conn.execute(
            select(public_previews.c.salt).where(public_previews.c.release == name)
        ).scalars()
        values.update({salt: "a salt of this release" for salt in salts})
    approved = _ready(state)
    out = out.absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} exists and is not an empty folder: give a new folder")
    if out.is_relative_to(archive.root):
        raise InputError(f"{out} is inside the archive: a release is written outside it")
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        raise InputError(f"{partial} is left from an interrupted release: remove it first")
    partial.mkdir(parents=True)
    try:
        files = _write(archive, state, approved, partial, date, reporter)
        hits = sources.scan(partial, values, fixed_wording())
        if hits:
            shown = "; ".join(str(h) for h in hits[:10])
            raise InputError(
                f"the release would reveal the source: {shown}"
                f"{' ...' if len(hits) > 10 else ''}. Nothing was released"
            )
    except BaseException:
        shutil.rmtree(partial)
        raise
    if out.exists():
        out.rmdir()
    partial.rename(out)
    manifest_sha = hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest()
    seq = _record(archive, state, files, approved, manifest_sha)
    rejected = len(state.with_status(queue.REJECTED))
    return Released(out, files, manifest_sha, seq, rejected, len(values))


def _ready(state: queue.Release) -> list[queue.Entry]:
    if state.released_seq is not None:
        raise InputError(f"release {state.name} went out already (event #{state.released_seq})")
    pending = state.with_status(queue.PENDING)
    if pending:
        numbers = ", ".join(str(e.number) for e in pending)
        raise InputError(
            f"release {state.name}: {len(pending)} image(s) not reviewed yet "
            f"({numbers}); nothing goes out unreviewed: see "
            f"`dalil export queue {state.name}`"
        )
    blocked = state.with_status(queue.BLOCKED)
    if blocked:
        numbers = ", ".join(f"{e.number} (PCE {e.pce})" for e in blocked)
        raise InputError(
            f"release {state.name}: image(s) {numbers} still match their "
            f"camera's sensor noise (threshold {queue.THRESHOLD:.0f}): reject them"
        )
    approved = state.with_status(queue.APPROVED)
    if not approved:
        raise InputError(f"release {state.name}: no image was approved; nothing to release")
    return approved


def _write(
    archive: Archive,
    state: queue.Release,
    approved: list[queue.Entry],
    folder: Path,
    date: str | None,
    reporter: Reporter,
) -> list[dict[str, Any]]:
    files = []
    reporter.start("writing the release", len(approved), "images")
    for index, entry in enumerate(approved, start=1):
        data = queue.preview_path(archive, state.name, entry.preview_sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.preview_sha256:
            raise InputError(
                f"the preview of image {entry.number} changed after it was "
                "approved: it is not the file the reviewer saw; nothing released"
            )
        left = encoding.foreign(data)
        if left:
            raise InputError(f"image {entry.number} holds more than pixels: {'; '.join(left)}")
        file = f"R-{index:04d}.jpg"
        (folder / file).write_bytes(data)
        files.append(
            {
                "file": file,
                "sha256": entry.preview_sha256,
                "size": len(data),
                "commitment": entry.commitment,
                "faces_hidden": entry.faces,
                "regions_hidden": len(entry.regions),
                "numbers": entry.card,
                "sensor_noise_pce": entry.pce,
            }
        )
        reporter.advance()
    reporter.finish()
    day = date or datetime.now(UTC).date().isoformat()
    manifest = {
        "format": FORMAT,
        "release": state.name,
        "released": day,
        "files": files,
        "commitment": COMMITMENT,
        "sensor_noise": {"threshold": f"{queue.THRESHOLD:.1f}", "measured": MEASURED},
    }
    (folder / MANIFEST).write_bytes(canonical.dumps(manifest) + b"\n")
    sums = "".join(f"{f['sha256']}  {f['file']}\n" for f in files)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    (folder / "README.txt").write_text(
        README.format(name=state.name, count=len(files)), encoding="utf-8"
    )
    return files


def _record(
    archive: Archive,
    state: queue.Release,
    files: list[dict[str, Any]],
    approved: list[queue.Entry],
    manifest_sha: str,
) -> int:
    listed = [
        {
            "file": f["file"],
            "sha256": f["sha256"],
            "number": e.number,
            "preview_seq": e.preview_seq,
            "commitment": e.commitment,
        }
        for f, e in zip(files, approved, strict=True)
    ]
    listing = "\n".join(f"{f['file']} {f['sha256']} {f['number']}" for f in listed).encode()
    with archive.write() as conn, Writer(conn, PUBLIC, VAULT) as writer:
        items_sha = store_rows(writer, archive.store, listing, "public-release-items")
        checkpoint = checkpoints.sign_head(conn, archive.signer())
        data = {
            "name": state.name,
            "draft_seq": state.seq,
            "recipient": RECIPIENT,
            "purpose": state.purpose,
            "format": FORMAT,
            "items": len(files),
            "items_sha256": items_sha,
            "files": listed,
            "manifest_sha256": manifest_sha,
            "checkpoint": {"size": checkpoint.size, "root": checkpoint.root},
            "operator": operator(),
            "tool": f"dalil {__version__}",
        }
        return writer.record(RELEASED, data).seq


COMMITMENT = (
    "commitment = SHA-256(salt || sha256 of the sealed original), both as raw "
    "bytes, in hex; the custodian keeps each salt and gives it to a court on "
    "request, so the court can check that a file comes from a given original"
)
MEASURED = (
    "PCE of each file, laid back onto its camera's sensor grid, against the "
    "camera's fingerprint (dalil's PRNU check); attribution needs 60 or more"
)
README = """PUBLIC RELEASE {name}

{count} image(s), R-0001.jpg onwards. manifest.json lists each with its SHA-256.

Each image was re-encoded from its pixels only: it carries no EXIF, XMP, IPTC, ICC
profile, maker notes or embedded thumbnail. Faces and other chosen regions are
blurred. The sensor noise that could identify the camera was removed; manifest.json
gives, per image, what a sensor-noise (PRNU) test still finds (PCE), far below what
attribution needs. Every image was reviewed by a person before release.

Each image is linked to its sealed original by a salted commitment in manifest.json.
Without the salt, which only the custodian holds, nobody can tell which original it
is; a court given the salt can check the link: SHA-256(salt || original's SHA-256).
"""


def fixed_wording() -> list[str]:
    """dalil's own words in every release: the README's text around its two blanks, the
    manifest's keys and explanations, the files' own names."""
    words = [part for piece in README.split("{name}") for part in piece.split("{count}")]
    words += [FORMAT, COMMITMENT, MEASURED, MANIFEST, "README.txt", "SHA256SUMS"]
    words += ["format", "release", "released", "files", "file", "sha256", "size", "commitment",
              "faces_hidden", "regions_hidden", "numbers", "sensor_noise_pce", "sensor_noise",
              "threshold", "measured", "kept", "masked", "not-found"]  # fmt: skip
    return words
