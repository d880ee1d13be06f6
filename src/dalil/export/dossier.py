"""What a package says about each item, and the custody events that prove it.

For each selected object: every receipt of its bytes, the batch and the custody stated
before receipt, its description (an EXIF summary), its flags, its authenticity findings
(with the check's version, settings and measured error rate), its catalogue readings,
case and confirmed numbers, and, only where the family consented to use in court, the
identification of its case. Every fact names the event it comes from, and that event
is disclosed with the item.

An event that would name something not disclosed (the archive file an item was found
in, the other photos of a case, a near-duplicate elsewhere in the archive) is withheld,
and counted under ``withheld``, so that a package reveals nothing of what it does not
disclose. Source-identifying facts (the camera's body serial, its owner, GPS) are
withheld unless the custodian decides to include them for this court.
"""

from __future__ import annotations

import mimetypes
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical
from dalil.authenticity.replay import BODY_COLUMNS
from dalil.authenticity.tables import authenticity_findings as findings
from dalil.catalogue import store as catalogue
from dalil.catalogue.tables import catalogue_confirmations, catalogue_readings
from dalil.db import schema
from dalil.identification.tables import am_reports, notification_tasks
from dalil.vault.custody import Event, decode_event

# EXIF facts that identify the camera's owner or place, and so the photographer.
SOURCE_IDENTIFYING = ("serial", "owner", "gps", "artist", "copyright", "lens_serial")
EXIF_SUMMARY = ("make", "model", "datetime_original", "width", "height", "software",
                "orientation", "serial", "owner", "gps")  # fmt: skip
CHUNK = 500


@dataclass
class Dossier:
    number: str
    sha256: str
    size: int
    media_type: str
    kind: str
    metadata: dict[str, Any]
    events: dict[int, bytes] = field(default_factory=dict)  # disclosed events, exact bytes

    @property
    def file_name(self) -> str:
        extension = mimetypes.guess_extension(self.media_type.split(";")[0]) or ".bin"
        return self.number + (".jpg" if extension == ".jpe" else extension)


@dataclass(frozen=True)
class Options:
    reveal_source: bool = False


def _events(conn: Connection, seqs: Iterable[int]) -> dict[int, Event]:
    wanted = sorted(set(seqs))
    found: dict[int, Event] = {}
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        rows = conn.execute(
            select(schema.events.c.seq, schema.events.c.body).where(schema.events.c.seq.in_(part))
        )
        for row in rows:
            found[row.seq] = decode_event(row.seq, row.body.encode("utf-8"))
    return found


class Gatherer:
    """Builds dossiers a chunk of items at a time, with the archive-wide facts read once."""

    def __init__(self, conn: Connection, disclosed: Sequence[str], options: Options) -> None:
        self.conn = conn
        self.disclosed = set(disclosed)
        self.options = options
        grouping = catalogue.latest_grouping(conn)
        self.case_of: dict[str, dict[str, Any]] = {}
        if grouping is not None:
            for case in catalogue.case_rows(conn, grouping["seq"]):
                for sha, _ in canonical.loads(case["photos"]):
                    self.case_of[sha] = case
        self.derived = {
            row.sha256: row.derived_from
            for row in conn.execute(
                select(schema.objects.c.sha256, schema.objects.c.derived_from).where(
                    schema.objects.c.derived_from.is_not(None)
                )
            )
        }

    def gather(self, numbered: Sequence[tuple[str, str]]) -> list[Dossier]:
        """Dossiers of these (number, SHA-256) items."""
        shas = [sha for _, sha in numbered]
        o = schema.objects
        objects = {r.sha256: r for r in self.conn.execute(select(o).where(o.c.sha256.in_(shas)))}
        plans = {sha: _Plan() for sha in shas}
        self._receipts(plans)
        self._described(plans)
        self._flags(plans)
        self._findings(plans)
        self._catalogue(plans)
        events = _events(self.conn, (s for p in plans.values() for s in p.seqs))
        self._batches(plans, events)
        dossiers = []
        for number, sha in numbered:
            row, plan = objects[sha], plans[sha]
            dossier = Dossier(number, sha, int(row.size), row.media_type, row.kind, {})
            dossier.metadata = plan.metadata(dossier, events)
            dossier.events = {s: events[s].body for s in sorted(plan.seqs) if s in events}
            dossiers.append(dossier)
        return dossiers

    def _receipts(self, plans: dict[str, _Plan]) -> None:
        o = schema.originals
        rows = self.conn.execute(
            select(o.c.seq, o.c.object_sha256, o.c.container_sha256, o.c.batch_id)
            .where(o.c.object_sha256.in_(list(plans)))
            .order_by(o.c.seq)
        )
        for row in rows:
            plan = plans[row.object_sha256]
            if row.container_sha256 is not None and row.container_sha256 not in self.disclosed:
                plan.withheld["receipts inside an archive file not disclosed"] += 1
                continue
            plan.receipts.append(row.seq)
            plan.batches.add(row.batch_id)
        for sha, plan in plans.items():
            if not plan.receipts:
                first = self.conn.execute(
                    select(schema.objects.c.first_seq).where(schema.objects.c.sha256 == sha)
                ).scalar_one()
                plan.stored = int(first)  # an object dalil made: the event that stored it

    def _described(self, plans: dict[str, _Plan]) -> None:
        f = schema.image_facts
        rows = self.conn.execute(
            select(f.c.sha256, f.c.seq, f.c.facts).where(f.c.sha256.in_(list(plans)))
        )
        for row in rows:
            plans[row.sha256].described = (row.seq, canonical.loads(row.facts))

    def _flags(self, plans: dict[str, _Plan]) -> None:
        g = schema.flags
        rows = self.conn.execute(
            select(g.c.seq, g.c.object_sha256).where(g.c.object_sha256.in_(list(plans)))
        )
        for row in rows:
            plans[row.object_sha256].flags.append(row.seq)

    def _findings(self, plans: dict[str, _Plan]) -> None:
        t = findings
        rows = self.conn.execute(
            select(t)
            .where(t.c.sha256.in_(list(plans)), t.c.superseded_seq.is_(None))
            .order_by(t.c.seq)
        )
        for row in rows:
            plan = plans[row.sha256]
            related = row.subject
            if (
                related
                and related not in self.disclosed
                and self.derived.get(related) != row.sha256
            ):
                plan.withheld["findings about an object not disclosed"] += 1
                continue
            body = {column: getattr(row, column) for column in BODY_COLUMNS}
            plan.findings.append((row.seq, body))

    def _catalogue(self, plans: dict[str, _Plan]) -> None:
        r = catalogue_readings
        for row in self.conn.execute(
            select(r.c.seq, r.c.sha256).where(r.c.sha256.in_(list(plans))).order_by(r.c.seq)
        ):
            plans[row.sha256].readings.append(row.seq)
        c = catalogue_confirmations
        for sha, plan in plans.items():
            case = self.case_of.get(sha)
            if case is None:
                continue
            photos = {s for s, _ in canonical.loads(case["photos"])}
            plan.case = case
            if photos <= self.disclosed:
                plan.case_seq = int(case["seq"])
            else:
                plan.withheld["case events naming photos not disclosed"] += 1
            confirmations = self.conn.execute(
                select(c.c.seq).where(c.c.case_id == case["case_id"]).order_by(c.c.seq)
            ).scalars()
            plan.confirmations.extend(int(s) for s in confirmations)
            self._identification(plan, case["case_id"])

    def _identification(self, plan: _Plan, case_id: str) -> None:
        t, a = notification_tasks, am_reports
        rows = self.conn.execute(
            select(t.c.created_seq, a.c.consent_court, a.c.status)
            .join(a, a.c.id == t.c.report_id)
            .where(t.c.case_id == case_id, t.c.status != "cancelled")
        )
        for row in rows:
            if row.consent_court and row.status == "active":
                plan.matches.append(int(row.created_seq))
            else:
                plan.withheld["identifications without the family's consent to court use"] += 1

    def _batches(self, plans: dict[str, _Plan], events: dict[int, Event]) -> None:
        b, c = schema.batches, schema.custody_claims
        ids = sorted({i for p in plans.values() for i in p.batches})
        if not ids:
            return
        opened = dict(
            self.conn.execute(select(b.c.id, b.c.opened_seq).where(b.c.id.in_(ids))).all()
        )
        claims: dict[int, list[int]] = defaultdict(list)
        for row in self.conn.execute(select(c.c.seq, c.c.batch_id).where(c.c.batch_id.in_(ids))):
            claims[row.batch_id].append(row.seq)
        more = _events(self.conn, [*opened.values(), *(s for v in claims.values() for s in v)])
        events.update(more)
        for plan in plans.values():
            for batch in sorted(plan.batches):
                plan.batch_events.append(int(opened[batch]))
                plan.claims.extend(sorted(claims.get(batch, [])))


@dataclass
class _Plan:
    """Which events an item's dossier discloses, before they are read."""

    receipts: list[int] = field(default_factory=list)
    stored: int | None = None
    batches: set[int] = field(default_factory=set)
    batch_events: list[int] = field(default_factory=list)
    claims: list[int] = field(default_factory=list)
    described: tuple[int, dict[str, Any]] | None = None
    flags: list[int] = field(default_factory=list)
    findings: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    readings: list[int] = field(default_factory=list)
    case: dict[str, Any] | None = None
    case_seq: int | None = None
    confirmations: list[int] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)
    withheld: Counter[str] = field(default_factory=Counter)

    @property
    def seqs(self) -> set[int]:
        found = {*self.receipts, *self.flags, *self.readings, *self.confirmations, *self.matches}
        found |= {*self.batch_events, *self.claims}
        found |= {seq for seq, _ in self.findings}
        found |= {s for s in (self.stored, self.case_seq) if s is not None}
        if self.described is not None:
            found.add(self.described[0])
        return found

    def metadata(self, dossier: Dossier, events: dict[int, Event]) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "number": dossier.number,
            "sha256": dossier.sha256,
            "size": dossier.size,
            "media_type": dossier.media_type,
            "kind": dossier.kind,
            "receipts": [_receipt(events[s]) for s in self.receipts],
            "batches": [_batch(events[s]) for s in self.batch_events],
            "claims": [_claim(events[s]) for s in self.claims],
            "flags": [_flag(events[s]) for s in self.flags],
            "findings": [_finding(events[s], body) for s, body in self.findings],
            "catalogue": self._catalogue(events),
            "identification": [_match(events[s]) for s in self.matches],
        }
        if self.withheld:
            meta["withheld"] = dict(sorted(self.withheld.items()))
        if self.stored is not None:
            meta["stored"] = {"event": self.stored, **_pick(events[self.stored].data,
                              ("sha256", "size", "holds"))}  # fmt: skip
        if self.described is not None:
            meta["described"], meta["exif"] = _described(
                events[self.described[0]], self.described[1]
            )
        return meta

    def _catalogue(self, events: dict[int, Event]) -> dict[str, Any]:
        part: dict[str, Any] = {"readings": [_reading(events[s]) for s in self.readings]}
        if self.case is not None:
            part["case"] = {"case": self.case["case_id"], "category": self.case["category"],
                            "event": self.case_seq}  # fmt: skip
            part["confirmations"] = [_confirmation(events[s]) for s in self.confirmations]
        return part


def _pick(data: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: data[key] for key in keys}


def _receipt(event: Event) -> dict[str, Any]:
    d = event.data
    return {"event": event.seq, "path": d["path"], "batch": d["batch"], "received_at": event.at,
            "size": d["size"], "sha256": d["sha256"]}  # fmt: skip


def _batch(event: Event) -> dict[str, Any]:
    d = event.data
    return {"event": event.seq, "batch": d["batch"], "collection": d["collection"],
            "custodian": d["custodian"], "opened_at": event.at}  # fmt: skip


def _claim(event: Event) -> dict[str, Any]:
    keys = ("batch", "holder", "held_from", "held_until", "transfer", "attested_by",
            "confidence", "note", "recorded_by")  # fmt: skip
    return {"event": event.seq, **_pick(event.data, keys)}


def _flag(event: Event) -> dict[str, Any]:
    return {"event": event.seq, **_pick(event.data, ("code", "severity", "reason"))}


def _finding(event: Event, body: dict[str, Any]) -> dict[str, Any]:
    keys = ("check", "code", "subject", "verdict", "severity", "score")
    return {"event": event.seq, **_pick(event.data, keys), "body": body}


def _reading(event: Event) -> dict[str, Any]:
    return {"event": event.seq, **_pick(event.data, ("reader", "reading"))}


def _confirmation(event: Event) -> dict[str, Any]:
    return {"event": event.seq, **_pick(event.data, ("field", "value", "reviewers"))}


def _match(event: Event) -> dict[str, Any]:
    return {"event": event.seq, **_pick(event.data, ("report", "case", "confirmed_by"))}


def _described(event: Event, facts: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the description event binds (the facts, by their hash), and an EXIF summary."""
    exif = facts.get("exif") or {}
    found = {
        **facts,
        "gps": exif.get("gps"),
        "owner": (exif.get("exif") or {}).get("CameraOwnerName")
        or (exif.get("ifd0") or {}).get("Artist"),
    }
    summary = {key: found[key] for key in EXIF_SUMMARY if found.get(key) is not None}
    bound = {"event": event.seq, "facts_sha256": event.data["facts_sha256"], "facts": facts}
    return bound, summary


def protect_source(metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata without what identifies the camera's owner: its serial, owner, GPS.

    The full facts go (their hash can no longer be checked, and the package says so),
    the EXIF summary loses those fields, and findings whose wording names the serial
    keep what their event proves and lose their body.
    """
    out = dict(metadata)
    names = serials(metadata.get("exif") or {})
    if "described" in out:
        out["described"] = {k: v for k, v in out["described"].items() if k != "facts"}
    if "exif" in out:
        out["exif"] = {k: v for k, v in out["exif"].items() if k not in SOURCE_IDENTIFYING}
    kept = []
    for finding in out["findings"]:
        text = canonical.dumps(finding["body"]).decode("utf-8")
        if any(name in text for name in names):
            finding = {k: v for k, v in finding.items() if k != "body"}
        kept.append(finding)
    out["findings"] = kept
    return out


def serials(exif: dict[str, Any]) -> list[str]:
    """The source-identifying values of an item's EXIF (serial, owner...), as text."""
    return [str(exif[k]) for k in SOURCE_IDENTIFYING if exif.get(k) and len(str(exif[k])) > 2]
