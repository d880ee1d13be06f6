"""The provenance a report states at its foot: the archive and its log as the report saw them."""

from __future__ import annotations

from dalil import __version__
from dalil.clock import utc_now
from dalil.errors import CheckpointError
from dalil.report_page import Provenance
from dalil.vault import checkpoints, custody
from dalil.vault.archive import Archive
from dalil.vault.cosignature import verify_cosignatures
from dalil.vault.witnesses import known


def provenance(archive: Archive, made_by: str) -> Provenance:
    """The log's size and root now, its latest checkpoint and that checkpoint's valid
    cosignatures (a forged one counts for none: verify names it)."""
    with archive.read() as conn:
        head = custody.read_head(conn)
        latest = checkpoints.latest(conn)
        witnesses = 0
        if latest is not None:
            try:
                witnesses = len(verify_cosignatures(latest.note, known(conn)))
            except CheckpointError:
                witnesses = 0
    return Provenance(
        tool=f"dalil {__version__}",
        made_at=utc_now(),
        made_by=made_by,
        archive=archive.origin,
        log_size=head.size,
        log_root=head.root().hex(),
        checkpoint_size=None if latest is None else latest.size,
        checkpoint_at=None if latest is None else latest.created_at,
        witnesses=witnesses,
    )
