"""Analysis runs: opened and closed by custody events, like an ingest batch.

The opening event records what is analysed and how (tool version, the full settings'
hash, a hash over the inputs' SHA-256s); the closing event records what the run
concluded in numbers. A run left open by an interruption is closed as interrupted by
the next run, which starts afresh (its measurements are cached, so little is redone).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, func, select

from dalil import canonical
from dalil.authenticity.params import Parameters
from dalil.authenticity.replay import AUTHENTICITY, RUN_FINISHED, RUN_STARTED
from dalil.authenticity.store import tool_version
from dalil.authenticity.tables import authenticity_runs as runs
from dalil.vault.archive import Archive, host, operator
from dalil.vault.writer import Writer


def _close(conn: Connection, run_id: int, summary: dict[str, Any]) -> None:
    with Writer(conn, AUTHENTICITY) as writer:
        writer.record(RUN_FINISHED, {"run": run_id, "summary": summary})


def open_run(
    archive: Archive, scope: str, params: Parameters, inputs_sha256: str, images: int
) -> int:
    parameters = canonical.dumps(params.as_json())
    with archive.write() as conn:
        for row in conn.execute(select(runs.c.id).where(runs.c.status == "open")).all():
            _close(conn, row.id, {"interrupted": True})
        run_id = int(conn.execute(select(func.coalesce(func.max(runs.c.id), 0))).scalar_one()) + 1
        data = {
            "run": run_id,
            "scope": scope,
            "tool": tool_version(),
            "parameters": params.as_json(),
            "parameters_sha256": hashlib.sha256(parameters).hexdigest(),
            "inputs_sha256": inputs_sha256,
            "images": images,
            "host": host(),
            "operator": operator(),
        }
        with Writer(conn, AUTHENTICITY) as writer:
            writer.record(RUN_STARTED, data)
    return run_id


def finish_run(archive: Archive, run_id: int, summary: dict[str, Any]) -> None:
    from dalil.vault import checkpoints

    with archive.write() as conn:
        _close(conn, run_id, summary)
        checkpoints.sign_head(conn, archive.signer())


def list_runs(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(runs).order_by(runs.c.id)).all()
    return [
        {
            "run": r.id,
            "scope": r.scope,
            "tool_version": r.tool_version,
            "parameters_sha256": r.parameters_sha256,
            "inputs_sha256": r.inputs_sha256,
            "images": r.images,
            "status": r.status,
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "summary": canonical.loads(r.summary) if r.summary else None,
        }
        for r in rows
    ]
