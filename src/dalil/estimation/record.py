"""Estimates made on the archive's latest linkage run, recorded with their inputs.

``estimate_archive`` reads the capture tables of the latest run, estimates, and (unless
told not to) records the estimate: the run and the SHA-256 of its clusters, the capture
tables, the methods and settings, and the whole result. The figure in a report can then
be traced to the clusters it counted, and recomputed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from dalil import __version__, canonical
from dalil.estimation import lcmcr, source, strata
from dalil.estimation.histories import CaptureTable
from dalil.estimation.replay import ESTIMATED, ESTIMATION
from dalil.linkage import store as link_store
from dalil.linkage.tables import link_runs
from dalil.progress import SILENT, Reporter
from dalil.vault import custody
from dalil.vault.archive import Archive, operator
from dalil.vault.writer import Writer


@dataclass(frozen=True)
class Recorded:
    estimation: strata.Estimation
    seq: int | None  # the event that records it; None when not recorded


def tables_sha256(tables: dict[tuple[str, ...], CaptureTable]) -> str:
    """SHA-256 over the capture tables: every stratum's lists and counts by pattern."""
    value = [
        {"stratum": list(key), "lists": list(table.lists),
         "counts": [["".join(map(str, p)), table.counts.get(p, 0)] for p in table.patterns()]}
        for key, table in sorted(tables.items())
    ]  # fmt: skip
    return hashlib.sha256(canonical.dumps(value)).hexdigest()


def estimate_archive(
    archive: Archive,
    by: Sequence[str],
    methods: Sequence[str] = strata.METHODS,
    settings: lcmcr.Settings | None = None,
    criterion: str = "aic",
    shared: bool = True,
    reporter: Reporter = SILENT,
    record: bool = True,
) -> Recorded:
    """Estimate from the latest linkage run, by stratum; record the estimate if asked."""
    settings = settings or lcmcr.Settings()
    tables = source.capture_tables(archive, by)
    with archive.read() as conn:
        run = link_store.latest_run(conn)
        run_seq = int(
            conn.execute(select(link_runs.c.seq).where(link_runs.c.id == run)).scalar_one()
        )
        clusters_sha = str(custody.get_event(conn, run_seq).data["clusters_sha256"])
    keyed = [(dict(zip(by, key, strict=True)), t) for key, t in tables.items()]
    estimation = strata.estimate(
        keyed, methods, settings, criterion, reporter, shared=shared and len(keyed) > 1
    )
    if not record:
        return Recorded(estimation, None)
    result = json.dumps(estimation.to_json(), ensure_ascii=False, sort_keys=True)
    data = {
        "link_run": run,
        "link_run_seq": run_seq,
        "clusters_sha256": clusters_sha,
        "by": list(by),
        "methods": list(methods),
        "settings": _settings(settings, criterion, shared),
        "tables_sha256": tables_sha256(tables),
        "result_sha256": hashlib.sha256(result.encode("utf-8")).hexdigest(),
        "estimates": _summary(estimation),
        "tool": f"dalil {__version__}",
        "operator": operator(),
    }
    with archive.write() as conn, Writer(conn, ESTIMATION) as writer:
        seq = writer.record(ESTIMATED, data, given={"result": result}).seq
    return Recorded(estimation, seq)


def _settings(settings: lcmcr.Settings, criterion: str, shared: bool) -> dict[str, Any]:
    values = {k: repr(v) if isinstance(v, float) else v for k, v in asdict(settings).items()}
    return {**values, "criterion": criterion, "shared_classes": shared}


def _summary(estimation: strata.Estimation) -> list[dict[str, Any]]:
    """Each estimate in a line of the log: stratum, method, estimate and 95% interval."""
    results = [*estimation.strata, *([estimation.total] if estimation.total else [])]
    return [
        {
            "stratum": "total" if r is estimation.total else dict(r.stratum),
            "method": e.method,
            "estimate": f"{e.estimate:.1f}",
            "interval_95": [f"{e.low:.1f}", f"{e.high:.1f}"],
        }
        for r in results
        for e in r.estimates
    ]
