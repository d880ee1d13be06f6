"""Faces of post-mortem photos, embedded once from the write-once store, kept per case.

The catalogue decides which photos show which body; this module embeds the faces of a
case's photos (read from the object store, never modified) into ``pm_faces``, and loads
them back for matching. Re-running for the same photos of a case embeds nothing twice.
Embeddings of the dead are not sealed: they identify nobody without the archive's own
photos, and matching reads all of them for every report.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from dalil.errors import InputError
from dalil.identification.faces.detection import DetectSettings
from dalil.identification.faces.embedding import embed_image, from_bytes, to_bytes
from dalil.identification.faces.models import MODEL_NAME
from dalil.identification.records import FaceSet
from dalil.identification.replay import EMBEDDED, IDENTIFICATION, VERSION
from dalil.identification.tables import pm_faces
from dalil.progress import SILENT, Reporter
from dalil.vault.archive import Archive, operator
from dalil.vault.writer import Writer


def embed_case_photos(
    archive: Archive,
    case_id: str,
    photos: Sequence[str],
    settings: DetectSettings | None = None,
    reporter: Reporter = SILENT,
) -> int:
    """Embed the face of each photo (object SHA-256) of a case; returns faces added."""
    from PIL import Image, UnidentifiedImageError

    with archive.read() as conn:
        done = set(
            conn.execute(
                select(pm_faces.c.object_sha256).where(pm_faces.c.case_id == case_id)
            ).scalars()
        )
    todo = [sha for sha in dict.fromkeys(photos) if sha not in done]
    rows = []
    reporter.start(f"faces of {case_id}", len(todo), "photos")
    for sha in todo:
        try:
            face = embed_image(Image.open(io.BytesIO(archive.store.read(sha))), settings)
        except (UnidentifiedImageError, OSError):
            face = None  # an unreadable photo is flagged by the vault, not here
        if face is not None:
            rows.append((sha, face))
        reporter.advance()
    reporter.finish()
    if not todo:
        return 0
    with archive.write() as conn, Writer(conn, IDENTIFICATION) as writer:
        first = int(conn.execute(select(func.coalesce(func.max(pm_faces.c.id), 0))).scalar_one())
        embeddings = [to_bytes(face.vector) for _, face in rows]
        data = {
            "v": VERSION,
            "case": case_id,
            "photos": todo,
            "faces": [
                {
                    "id": first + 1 + i,
                    "sha256": sha,
                    "embedding_sha256": hashlib.sha256(embedding).hexdigest(),
                    "quality": repr(float(face.quality)),
                    "method": face.method(),
                }
                for i, ((sha, face), embedding) in enumerate(zip(rows, embeddings, strict=True))
            ],
            "model": MODEL_NAME,
            "operator": operator(),
        }
        writer.record(EMBEDDED, data, blobs=embeddings)
    return len(rows)


def load_case_faces(conn: Connection) -> dict[str, FaceSet]:
    """Every case's face embeddings, for the face index."""
    vectors: dict[str, list[bytes]] = defaultdict(list)
    qualities: dict[str, list[float]] = defaultdict(list)
    rows = conn.execute(
        select(pm_faces.c.case_id, pm_faces.c.embedding, pm_faces.c.quality).order_by(pm_faces.c.id)
    )
    for row in rows:
        vectors[row.case_id].append(bytes(row.embedding))
        qualities[row.case_id].append(row.quality)
    return {
        case: FaceSet.of([from_bytes(v) for v in vectors[case]], qualities[case])
        for case in vectors
    }


def face_crops(archive: Archive, case_id: str, purpose: str) -> list[tuple[str, bytes]]:
    """PNG crops of a case's faces for review; each export is logged (who, why). An
    unknown case, or one with no face embedded yet, is refused and nothing is logged."""
    from PIL import Image

    from dalil.identification.faces.crop import crop_face
    from dalil.identification.known_cases import resolve_case

    with archive.read() as conn:
        case_id = resolve_case(conn, case_id)
        rows = conn.execute(
            select(pm_faces.c.object_sha256, pm_faces.c.method)
            .where(pm_faces.c.case_id == case_id)
            .order_by(pm_faces.c.id)
        ).all()
    if not rows:
        raise InputError(
            f"case {case_id} has no face embedded: run `dalil match faces` first "
            "(a case whose photos show no face has no crops to review)"
        )
    crops = [
        (
            row.object_sha256,
            crop_face(
                Image.open(io.BytesIO(archive.store.read(row.object_sha256))),
                json.loads(row.method),
            ),
        )
        for row in rows
    ]
    viewed = {"case": case_id, "photos": [sha for sha, _ in crops], "purpose": purpose,
              "operator": operator()}  # fmt: skip
    with archive.write() as conn, Writer(conn, IDENTIFICATION) as writer:
        writer.record("pm.faces.viewed", viewed)
    return crops
