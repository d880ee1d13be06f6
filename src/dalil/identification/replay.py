"""What identification's events do to its rows: reports, consent, sealed data, faces,
reviewers' decisions, overrides, notification tasks and tombstones.

Nothing a family said enters the log. A report's event carries the SHA-256 of each
ciphertext (its wrapped key, each contact field, each portrait and face) and a
commitment (an HMAC under the report's own key) to the description, the contact and
the consent; reviewers' reasons are committed the same way. So verify replays every
row from its event, compares sealed columns by the hash of their ciphertext, never in
clear, and, where the identification key is in the archive, checks descriptions and
reasons against their commitments (``check_commitments``). A withdrawal deletes the
sealed rows and the description and keeps the report's row as a tombstone; its event
says so, and verify expects exactly that.

Events written before this release (no ``"v": 2``) did not carry the ciphertexts'
hashes or the faces' details; those columns are checked as far as the events allow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical
from dalil.db import schema
from dalil.errors import DalilError
from dalil.identification import sealing
from dalil.identification.errors import ContactKeyError
from dalil.identification.tables import (
    am_contacts,
    am_faces,
    am_keys,
    am_portraits,
    am_reports,
    exclusion_overrides,
    match_decisions,
    notification_tasks,
    pm_faces,
)
from dalil.vault.changes import (
    GIVEN,
    UNRECORDED,
    Change,
    Counted,
    Delete,
    Digest,
    Update,
    insert,
)
from dalil.vault.custody import Event, decode_event
from dalil.vault.rules import Capability, Sink, TableRule

KEY_CREATED = "am.key.created"
ADDED = "am.report.added"
CONSENT = "am.consent.changed"
PORTRAIT = "am.portrait.added"
WITHDRAWN = "am.report.withdrawn"
EMBEDDED = "pm.faces.embedded"
DECIDED = "match.decided"
CONFIRMED = "match.confirmed"
UNCONFIRMED = "match.unconfirmed"
OVERRIDDEN = "match.exclusion.overridden"
TASK_CLOSED = "match.task.closed"
FINGERPRINT_META = "identification.key_fingerprint"
CODE_PREFIX = "AM-"
VERSION = 2


def report_id(code: str) -> int:
    return int(code.removeprefix(CODE_PREFIX))


def share_with_text(partners: list[str]) -> str:
    return json.dumps(sorted(partners), ensure_ascii=False)


def _new(event: Event) -> bool:
    return bool(event.data.get("v", 1) >= VERSION)


def _digest(event: Event, sha256: str | None) -> Any:
    return Digest(sha256) if _new(event) and sha256 is not None else UNRECORDED


def _consent(consent: dict[str, Any]) -> dict[str, Any]:
    return {
        "consent_identification": consent["identification"],
        "consent_court": consent["court"],
        "share_with": share_with_text(consent["share_with"]),
    }


def _key_created(event: Event) -> Iterator[Change]:
    yield insert(schema.meta, {"key": FINGERPRINT_META, "value": event.data["fingerprint"]})


def _added(event: Event) -> Iterator[Change]:
    d = event.data
    rid = report_id(d["report"])
    yield insert(
        am_reports,
        {
            "id": rid,
            "code": d["report"],
            "status": "active",
            "person": GIVEN,  # bound by the commitment: see check_commitments
            **_consent(d["consent"]),
            "source": d["source"],
            "commitment": d["commitment"],
            "received_at": event.at,
            "received_by": d["operator"],
            "received_seq": event.seq,
            "updated_seq": event.seq,
            "withdrawn_at": None,
            "withdrawn_seq": None,
        },
    )
    yield insert(am_keys, {"report_id": rid, "wrapped": _digest(event, d.get("key_sha256"))})
    sealed = d.get("contact_sha256", {})
    rows = [
        {"report_id": rid, "field": name, "sealed": _digest(event, sealed.get(name))}
        for name in d["contact_fields"]
    ]
    yield insert(am_contacts, *rows)


def _consent_changed(event: Event) -> Iterator[Change]:
    d = event.data
    values = {**_consent(d["consent"]), "updated_seq": event.seq}
    yield Update(am_reports, {"id": report_id(d["report"])}, values)


def _portrait(event: Event) -> Iterator[Change]:
    d = event.data
    rid = report_id(d["report"])
    row = {
        "id": d["portrait"],
        "report_id": rid,
        "sealed": _digest(event, d.get("sealed_sha256")),
        "commitment": d["commitment"],
        "added_seq": event.seq,
    }
    yield insert(am_portraits, row)
    if not _new(event):
        yield Counted(am_faces, {"portrait_id": d["portrait"], "report_id": rid}, d["faces"])
        return
    faces = [
        {
            "id": face["id"],
            "portrait_id": d["portrait"],
            "report_id": rid,
            "sealed": Digest(face["sealed_sha256"]),
            "quality": float(face["quality"]),
            "method": canonical.dumps(face["method"]).decode("utf-8"),
        }
        for face in d["faces"]
    ]
    yield insert(am_faces, *faces)


def _withdrawn(event: Event) -> Iterator[Change]:
    d = event.data
    rid = report_id(d["report"])
    for table in (am_faces, am_portraits, am_contacts, am_keys):
        yield Delete(table, {"report_id": rid})
    for table in (match_decisions, exclusion_overrides):
        yield Update(table, {"report_id": rid}, {"reason": None})
    closed = {
        "status": "cancelled",
        "closed_at": event.at,
        "closed_seq": event.seq,
        "outcome": None,
    }
    yield Update(notification_tasks, {"report_id": rid, "status": "open"}, closed)
    tombstone = {
        "status": "withdrawn",
        "person": None,
        "consent_identification": False,
        "consent_court": False,
        "share_with": "[]",
        "source": None,
        "updated_seq": event.seq,
        "withdrawn_at": event.at,
        "withdrawn_seq": event.seq,
    }
    yield Update(am_reports, {"id": rid}, tombstone)


def _embedded(event: Event) -> Iterator[Change]:
    d = event.data
    if not _new(event):
        rows = [
            {"id": UNRECORDED, "case_id": d["case"], "object_sha256": sha, "seq": event.seq,
             "embedding": UNRECORDED, "quality": UNRECORDED, "method": UNRECORDED}
            for sha in d["faces"]
        ]  # fmt: skip
        yield insert(pm_faces, *rows)
        return
    rows = [
        {
            "id": face["id"],
            "case_id": d["case"],
            "object_sha256": face["sha256"],
            "embedding": Digest(face["embedding_sha256"]),
            "quality": float(face["quality"]),
            "method": canonical.dumps(face["method"]).decode("utf-8"),
            "seq": event.seq,
        }
        for face in d["faces"]
    ]
    yield insert(pm_faces, *rows)


def _decided(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "seq": event.seq,
        "report_id": report_id(d["report"]),
        "case_id": d["case"],
        "reviewer": d["reviewer"],
        "decision": d["decision"],
        "reason": GIVEN,  # bound by reason_commitment: see check_commitments
        "decided_at": event.at,
    }
    yield insert(match_decisions, row)


def _overridden(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "seq": event.seq,
        "report_id": report_id(d["report"]),
        "case_id": d["case"],
        "rule": d["rule"],
        "reviewer": d["reviewer"],
        "reason": GIVEN,
        "decided_at": event.at,
    }
    yield insert(exclusion_overrides, row)


def _confirmed(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "id": d["task"],
        "report_id": report_id(d["report"]),
        "case_id": d["case"],
        "status": "open",
        "assigned_role": d["assigned_role"],
        "assigned_to": None,
        "created_at": event.at,
        "created_seq": event.seq,
        "closed_at": None,
        "closed_seq": None,
        "outcome": None,
    }
    yield insert(notification_tasks, row)


def _unconfirmed(event: Event) -> Iterator[Change]:
    d = event.data
    where = {"report_id": report_id(d["report"]), "case_id": d["case"], "status": "open"}
    values = {"status": "cancelled", "closed_at": event.at, "closed_seq": event.seq}
    yield Update(notification_tasks, where, values)


def _task_closed(event: Event) -> Iterator[Change]:
    d = event.data
    values = {"status": "done", "closed_at": event.at, "closed_seq": event.seq,
              "outcome": d["outcome"]}  # fmt: skip
    yield Update(notification_tasks, {"id": d["task"], "status": "open"}, values)


# -- what needs the identification key ------------------------------------------------


def report_content(person: dict[str, Any], contact: dict[str, str], consent: Any) -> bytes:
    """What a report's commitment is over: the description, the contact, the consent."""
    return canonical.dumps({"person": person, "contact": contact, "consent": consent})


def check_commitments(conn: Connection, root: Path, sink: Sink) -> None:
    """Descriptions and reasons against the commitments their events carry.

    Needs the identification key (``keys/identification.key``); where it is kept
    elsewhere, verify says what it could not check.
    """
    from dalil.identification.keyring import key_path

    active = conn.execute(select(am_reports).where(am_reports.c.status == "active")).all()
    reasons = _reasons(conn)
    if not active and not reasons:
        return
    try:
        master = sealing.load_master_key(key_path(root))
    except ContactKeyError:
        sink.note(
            "the identification key is not in the archive: families' descriptions and "
            "reviewers' reasons were not checked against their commitments"
        )
        return
    keys = {r.report_id: bytes(r.wrapped) for r in conn.execute(select(am_keys))}
    codes = {r.id: r.code for r in active}
    for report in active:
        key = _data_key(master, keys.get(report.id), report.code, report.id, sink)
        if key is not None:
            _check_report(conn, report, key, sink)
    for (table, seq), (rid, reason, commitment) in reasons.items():
        wrapped = keys.get(rid)
        if rid not in codes or wrapped is None:
            continue  # the report's own row names what is wrong with it
        key = _data_key(master, wrapped, codes[rid], rid, None)
        if key is not None and sealing.commit(key, reason.encode("utf-8")) != commitment:
            sink.add("catalogue", f"{table} row (seq={seq}) of event #{seq}",
                     "reason was changed after it was logged: it is not the text the "
                     "event committed to")  # fmt: skip


def _data_key(
    master: bytes, wrapped: bytes | None, code: str, rid: int, sink: Sink | None
) -> bytes | None:
    if wrapped is None:
        return None  # a missing key row is named by the replay
    try:
        return sealing.unwrap_data_key(master, wrapped, code)
    except ContactKeyError as exc:
        if sink is not None:
            sink.add("catalogue", f"am_keys row (report_id={rid})", str(exc))
        return None


def _check_report(conn: Connection, report: Any, key: bytes, sink: Sink) -> None:
    contact = {}
    for row in conn.execute(select(am_contacts).where(am_contacts.c.report_id == report.id)):
        try:
            value = sealing.open_field(key, report.code, row.field, bytes(row.sealed))
        except ContactKeyError as exc:
            sink.add("catalogue", f"am_contacts row (report_id={report.id}, "
                     f"field={row.field!r}) of event #{report.received_seq}",
                     str(exc))  # fmt: skip
            return
        contact[row.field] = value.decode("utf-8")
    body = conn.execute(
        select(schema.events.c.body).where(schema.events.c.seq == report.received_seq)
    ).scalar_one_or_none()
    if body is None or report.person is None:
        return  # the replay names the missing event or the emptied description
    try:
        consent = decode_event(report.received_seq, body.encode("utf-8")).data["consent"]
        person = canonical.loads(report.person)
    except (ValueError, KeyError, DalilError) as exc:
        sink.add("catalogue", f"am_reports row (id={report.id}) of event "
                 f"#{report.received_seq}", f"cannot be read: {exc}")  # fmt: skip
        return
    if sealing.commit(key, report_content(person, contact, consent)) != report.commitment:
        sink.add("catalogue", f"am_reports row (id={report.id}) of event "
                 f"#{report.received_seq}",
                 "the description or the family's contact was changed after it was "
                 "logged: it is not what the report's commitment covers")  # fmt: skip


def _reasons(conn: Connection) -> dict[tuple[str, int], tuple[int, str, str]]:
    """Every reason still held, with the commitment its event carries."""
    found: dict[tuple[str, int], tuple[int, str, str]] = {}
    for table in (match_decisions, exclusion_overrides):
        rows = conn.execute(
            select(table.c.seq, table.c.report_id, table.c.reason, schema.events.c.body)
            .join(schema.events, schema.events.c.seq == table.c.seq)
            .where(table.c.reason.is_not(None))
        )
        for row in rows:
            try:
                commitment = json.loads(row.body)["data"]["reason_commitment"]
            except (ValueError, KeyError):
                continue  # the replay names the damaged event
            found[(table.name, row.seq)] = (row.report_id, row.reason, commitment)
    return found


IDENTIFICATION = Capability(
    name="identification",
    tables=(
        TableRule(am_reports),
        TableRule(am_keys),
        TableRule(am_contacts),
        TableRule(am_portraits),
        TableRule(am_faces),
        TableRule(pm_faces, origin="seq", order=("id",)),
        TableRule(match_decisions),
        TableRule(exclusion_overrides),
        TableRule(notification_tasks),
    ),
    appliers={
        KEY_CREATED: _key_created,
        ADDED: _added,
        CONSENT: _consent_changed,
        PORTRAIT: _portrait,
        WITHDRAWN: _withdrawn,
        EMBEDDED: _embedded,
        DECIDED: _decided,
        OVERRIDDEN: _overridden,
        CONFIRMED: _confirmed,
        UNCONFIRMED: _unconfirmed,
        TASK_CLOSED: _task_closed,
    },
    quiet=frozenset({"am.contact.opened", "am.reports.imported", "pm.faces.viewed"}),
    checks=(check_commitments,),
)
