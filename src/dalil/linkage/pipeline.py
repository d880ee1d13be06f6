"""Import, link, review and list clusters: the operations the CLI offers, on an archive.

Each function reads what it needs in one transaction, computes outside any
transaction (the model can run for minutes), and writes its result with its custody
event in one write transaction.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dalil.errors import InputError
from dalil.linkage import features, fields, listfile, mapping, model, resolution, store
from dalil.linkage.tables import link_clusters, link_pairs, list_records, victim_lists
from dalil.progress import SILENT, Reporter
from dalil.vault import checkpoints
from dalil.vault.archive import Archive

# Pairs the model is least sure about are shown to reviewers: probability within this
# band around the linking threshold.
REVIEW_BAND = (0.2, 0.98)
# Row errors printed before "and N more": enough to see the pattern of a bad column.
SHOWN_ERRORS = 20


@dataclass(frozen=True)
class Plan:
    """A list file read, its columns mapped and its rows validated: what an import would
    write, shown before anything is written (``--dry-run`` shows only this)."""

    source: listfile.ListFile
    columns: mapping.ColumnMapping
    result: fields.Validated

    @property
    def problems(self) -> list[str]:
        return self.columns.problems

    def error_lines(self, limit: int = SHOWN_ERRORS) -> list[str]:
        """The first ``limit`` row problems, and how many more there are."""
        lines = [str(e) for e in self.result.errors[:limit]]
        if len(self.result.errors) > limit:
            lines.append(f"and {len(self.result.errors) - limit} more")
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.source.name,
            "file_sha256": self.source.sha256,
            "encoding": self.source.encoding,
            "delimiter": self.source.delimiter.value if self.source.delimiter else None,
            "sheet": self.source.sheet,
            "guessed": list(self.source.guessed),
            "columns": [
                {
                    "column": c.label,
                    "position": c.position + 1,
                    "field": c.field,
                    "how": c.how.value,
                    "sample": c.sample,
                }
                for c in self.columns.columns
            ],
            "problems": self.problems,
            "valid_rows": len(self.result.records),
            "errors": [str(e) for e in self.result.errors],
        }


def plan_import(
    path: Path,
    extra_mapping: Mapping[str, str] | None = None,
    ignore: Sequence[str] = (),
    sheet: str | None = None,
    delimiter: listfile.Delimiter | None = None,
    encoding: str | None = None,
) -> Plan:
    """Read, map and validate a list file; writes nothing."""
    source = listfile.read(path, sheet, delimiter, encoding)
    columns = mapping.plan(source.header, source.rows, extra_mapping, ignore)
    if not columns.ok:
        return Plan(source, columns, fields.Validated())
    result = fields.validate(source.rows, source.header, columns.fields(),
                             source.row_numbers())  # fmt: skip
    return Plan(source, columns, result)


def check(plan: Plan, skip_invalid: bool = False) -> None:
    """Refuse a plan with unmapped columns, or with invalid rows unless they are skipped:
    every problem of the file at once, so that one pass of corrections is enough."""
    name = plan.source.name
    if plan.problems:
        listed = "\n  ".join(plan.problems)
        raise InputError(f"{name}: nothing imported:\n  {listed}")
    if plan.result.errors and not skip_invalid:
        shown = "\n  ".join(plan.error_lines())
        raise InputError(
            f"{name}: {len(plan.result.errors)} problems, nothing imported:\n  {shown}\n"
            "correct the file, or import the valid rows with --skip-invalid"
        )
    if not plan.result.records:
        raise InputError(f"{name} has no valid rows to import")


def import_file(
    archive: Archive,
    path: Path,
    name: str,
    extra_mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    sheet: str | None = None,
    ignore: Sequence[str] = (),
) -> tuple[store.Imported, list[fields.RowError]]:
    """Validate and import one list file. Invalid rows refuse the import unless skipped."""
    plan = plan_import(path, extra_mapping, ignore, sheet)
    return write_import(archive, plan, name, skip_invalid)


def write_import(
    archive: Archive, plan: Plan, name: str, skip_invalid: bool = False, replaces: str = ""
) -> tuple[store.Imported, list[fields.RowError]]:
    """Import a planned list; with ``replaces`` (the reason), replace the list ``name``."""
    check(plan, skip_invalid)
    skipped = len({e.row for e in plan.result.errors})
    args = (archive.store, name, plan.source, plan.columns.fields(), plan.result.records, skipped)
    with archive.write() as conn:
        if replaces:
            imported = store.replace_list(conn, *args, replaces, plan.columns.ignored())
        else:
            imported = store.import_list(conn, *args, plan.columns.ignored())
        checkpoints.sign_head(conn, archive.signer())
    return imported, plan.result.errors


def remove(archive: Archive, name: str, reason: str) -> int:
    """Take a list out of the current view (a new event; nothing is deleted)."""
    with archive.write() as conn:
        seq = store.remove_list(conn, name, reason)
        checkpoints.sign_head(conn, archive.signer())
    return seq


def check_name(archive: Archive, name: str, replacing: bool) -> None:
    """Refuse early a replacement of a list that is not current (closest names
    suggested), or an import under the name of a current list."""
    with archive.read() as conn:
        if replacing:
            store.find_list(conn, name)
        else:
            store.check_new(conn, name)


def listing(archive: Archive, everything: bool = False) -> list[store.ListInfo]:
    with archive.read() as conn:
        return store.lists(conn, everything)


def imported_as_json(imported: store.Imported, errors: Sequence[fields.RowError]) -> dict[str, Any]:
    """An import as scripts read it: the list, rows imported and skipped, the file's
    SHA-256, the custody event, and every row problem."""
    return {
        "list": imported.list_name,
        "rows": imported.rows,
        "skipped_rows": imported.skipped,
        "file_sha256": imported.file_sha256,
        "event": imported.seq,
        "errors": [str(e) for e in errors],
    }


@dataclass(frozen=True)
class LinkSummary:
    run_id: int
    records: int
    candidate_pairs: int
    kept_pairs: int
    clusters: int
    decisions_applied: int
    refused_links: int
    conflicts: list[tuple[int, int]]
    blocks: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "records": self.records,
            "candidate_pairs": self.candidate_pairs,
            "kept_pairs": self.kept_pairs,
            "clusters": self.clusters,
            "decisions_applied": self.decisions_applied,
            "links_refused_by_decisions": self.refused_links,
            "conflicting_decisions": [list(c) for c in self.conflicts],
            "blocking": self.blocks,
        }


def link(
    archive: Archive, settings: model.LinkSettings | None = None, reporter: Reporter = SILENT
) -> LinkSummary:
    """Link every imported list (dedupe within, link across) and store the clusters."""
    settings = settings or model.LinkSettings()
    with archive.read() as conn:
        records = store.load_records(conn)
        ids = store.record_ids(conn)
        standing = store.decisions(conn)
    if not records:
        raise InputError("no lists are imported yet; import one with `dalil lists import`")
    reporter.start("comparison keys", len(records), unit="records")
    table = features.frame(records)
    reporter.advance(len(records))
    reporter.start("scoring pairs", None, unit="pairs")
    if settings.backend == "spark":
        # Spark's checkpoints stay inside the archive, and go when the run is done
        scratch = Path(tempfile.mkdtemp(prefix="spark-", dir=archive.store.tmp_dir))
        try:
            prediction = model.predict(table, settings, scratch=scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    else:
        prediction = model.predict(table, settings)
    pairs = prediction.pairs
    reporter.finish()
    must = [
        (ids[(d.list_a, d.record_a)], ids[(d.list_b, d.record_b)])
        for d in standing
        if d.decision == "same"
    ]
    cannot = [
        (ids[(d.list_a, d.record_a)], ids[(d.list_b, d.record_b)])
        for d in standing
        if d.decision == "different"
    ]
    result = resolution.cluster(
        prediction, [r[0] for r in records], settings.threshold, must, cannot
    )
    explanations = model.explain_all(pairs, prediction)
    rows = [
        {
            "record_a": min(int(a), int(b)),
            "record_b": max(int(a), int(b)),
            "match_weight": float(w),
            "match_probability": float(p),
            "explanation": json.dumps(why, ensure_ascii=False),
        }
        for a, b, w, p, why in zip(
            pairs["unique_id_l"],
            pairs["unique_id_r"],
            pairs["match_weight"],
            pairs["match_probability"],
            explanations,
            strict=True,
        )
    ]
    candidate = sum(b.pairs for b in prediction.blocks)
    logged = _settings_record(settings)
    with archive.write() as conn:
        run_id = store.save_run(conn, archive.store, logged, rows, result.cluster_of, candidate)
        checkpoints.sign_head(conn, archive.signer())
    return LinkSummary(
        run_id,
        len(records),
        candidate,
        len(rows),
        len(set(result.cluster_of.values())),
        len(must) + len(cannot),
        result.refused_links,
        result.conflicts,
        [asdict(b) for b in prediction.blocks],
    )


def _settings_record(settings: model.LinkSettings) -> dict[str, Any]:
    return {
        "threshold": str(settings.threshold),
        "keep_above": str(settings.keep_above),
        "max_block": settings.max_block,
        "max_pairs": settings.max_pairs,
        "backend": settings.backend,
        "seed": settings.seed,
        "rules": [r.name for r in settings.rules],
    }


def _refs(conn: Any) -> dict[int, tuple[str, str]]:
    query = select(list_records.c.id, victim_lists.c.name, list_records.c.record_id).join(
        victim_lists, victim_lists.c.id == list_records.c.list_id
    )
    return {row.id: (row.name, row.record_id) for row in conn.execute(query)}


def cluster_listing(archive: Archive) -> list[dict[str, Any]]:
    """Every cluster of the latest run with its members (list and record id)."""
    with archive.read() as conn:
        run = store.latest_run(conn)
        refs = _refs(conn)
        rows = conn.execute(
            select(link_clusters.c.record, link_clusters.c.cluster)
            .where(link_clusters.c.run_id == run)
            .order_by(link_clusters.c.cluster, link_clusters.c.record)
        ).all()
    groups: dict[int, list[dict[str, str]]] = {}
    for row in rows:
        name, record_id = refs[row.record]
        groups.setdefault(row.cluster, []).append({"list": name, "record_id": record_id})
    return [
        {"cluster": i, "lists": sorted({m["list"] for m in members}), "members": members}
        for i, (_, members) in enumerate(sorted(groups.items()), start=1)
    ]


def review_queue(archive: Archive, limit: int = 20) -> list[dict[str, Any]]:
    """Undecided pairs the model is least sure about, most uncertain first."""
    low, high = REVIEW_BAND
    with archive.read() as conn:
        run = store.latest_run(conn)
        refs = _refs(conn)
        decided = {
            frozenset({(d.list_a, d.record_a), (d.list_b, d.record_b)})
            for d in store.decisions(conn)
        }
        rows = conn.execute(
            select(link_pairs).where(
                link_pairs.c.run_id == run,
                link_pairs.c.match_probability >= low,
                link_pairs.c.match_probability <= high,
            )
        ).all()
        fields_of = {
            row.id: json.loads(row.fields)
            for row in conn.execute(select(list_records.c.id, list_records.c.fields))
        }
    queue = []
    for row in sorted(rows, key=lambda r: abs(r.match_probability - 0.5)):
        a, b = refs[row.record_a], refs[row.record_b]
        if frozenset({a, b}) in decided:
            continue
        queue.append(
            {
                "a": f"{a[0]}:{a[1]}",
                "b": f"{b[0]}:{b[1]}",
                "match_probability": f"{row.match_probability:.3f}",
                "match_weight": f"{row.match_weight:+.2f}",
                "explanation": json.loads(row.explanation),
                "record_a": fields_of[row.record_a],
                "record_b": fields_of[row.record_b],
            }
        )
        if len(queue) >= limit:
            break
    return queue
