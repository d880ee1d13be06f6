"""`dalil export court`: a disclosure package that verifies with nothing but Python.

The package is a BagIt bag (``bag``) whose payload is each item's original bytes, its
dossier (``dossier``) and its disclosed custody events with C2SP inclusion proofs against
one signed, witnessed checkpoint; beside them the trust policy, the checkpoints this
recipient was given before with consistency proofs, and ``verify.py``. The export is
itself a custody event (the disclosure register), recorded after the package is whole.

The checkpoint is the latest the policy's quorum of witnesses has cosigned, or, with no
witnesses required, the latest that covers the log (one is signed if none does). Only
events it covers are disclosed, so every proof checks against it.
"""

from __future__ import annotations

import csv
import io
import re
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from dalil import __version__, canonical
from dalil.errors import InputError
from dalil.export import bag, dossier, policy, profile, proofs
from dalil.export.replay import DISCLOSED, EXPORT
from dalil.export.selection import Selection, resolve
from dalil.export.tables import disclosures
from dalil.progress import SILENT, Reporter
from dalil.vault import checkpoints, custody, merkle
from dalil.vault.archive import Archive, operator
from dalil.vault.cosignature import verify_cosignatures
from dalil.vault.records import store_rows
from dalil.vault.replay import VAULT
from dalil.vault.witnesses import known
from dalil.vault.writer import Writer

VERIFIER = Path(__file__).with_name("verifier.py")
FORMAT = "dalil-court-package/1"
CHUNK = 200
EVENTS = "events.jsonl"  # every disclosed event once, its exact logged bytes, one per line
PROOFS = "events.proofs"  # the inclusion proof of each line of events.jsonl, in order


@dataclass(frozen=True)
class CourtRequest:
    selection: Selection
    recipient: str
    purpose: str
    out: Path
    contact: str
    organization: str
    prefix: str = "ITEM"
    reference: str | None = None
    profile: str = "generic"
    fields: dict[str, str] = field(default_factory=dict)
    date: str | None = None  # YYYY-MM-DD; today by default
    quorum: str = "all"
    reveal_source: bool = False
    serialization: str | None = None  # zip | tar
    record: bool = True


@dataclass(frozen=True)
class CourtPackage:
    path: Path
    items: int
    events: int
    package_sha256: str
    checkpoint_size: int
    reference: str
    seq: int | None
    serialized: Path | None


def _check_request(request: CourtRequest) -> None:
    for label, value in (("--recipient", request.recipient), ("--purpose", request.purpose),
                         ("--contact", request.contact),
                         ("--organization", request.organization)):  # fmt: skip
        if not value.strip():
            raise InputError(f"{label} is needed: a disclosure says who sends it, to whom, why")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,30}", request.prefix):
        raise InputError(f"--prefix {request.prefix!r}: letters, digits, '.', '_' and '-' only")
    if request.date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", request.date):
        raise InputError(f"--date {request.date!r}: give the bagging date as YYYY-MM-DD")
    if request.serialization not in (None, "zip", "tar"):
        raise InputError("--serialize is zip or tar")


def _checkpoint(conn: Connection, archive: Archive, rules: policy.Policy) -> Any:
    """The checkpoint the package proves against (see the module's docstring)."""
    stored = checkpoints.all_checkpoints(conn)
    if rules.needed == 0:
        head = custody.log_size(conn)
        covering = [c for c in stored if c.size == head]
        return covering[-1] if covering else checkpoints.sign_head(conn, archive.signer())
    good = [
        c for c in stored if len(verify_cosignatures(c.note, list(rules.witnesses))) >= rules.needed
    ]
    if not good:
        raise InputError(
            f"no checkpoint is cosigned by {rules.needed} of the registered witnesses yet: "
            "send them the latest (`dalil log witness request NAME`) or export with --quorum none"
        )
    return max(good, key=lambda c: (c.size, c.id))


def _earlier(conn: Connection, recipient: str, current: Any) -> list[Any]:
    """Checkpoints this recipient was given before, older than the current one."""
    rows = conn.execute(
        select(disclosures.c.checkpoint_size, disclosures.c.checkpoint_root)
        .where(disclosures.c.recipient == recipient, disclosures.c.kind == "court")
        .distinct()
    ).all()
    found = []
    notes = {(c.size, c.root): c for c in checkpoints.all_checkpoints(conn)}
    for size, root in sorted(rows):
        if (size, root) == (current.size, current.root):
            continue
        if size >= current.size:
            raise InputError(
                f"{recipient} already holds a checkpoint of size {size}, not older than this "
                f"package's ({current.size}): export against a newer checkpoint"
            )
        if (size, root) in notes:
            found.append(notes[(size, root)])
    return found


def export_court(
    archive: Archive, request: CourtRequest, reporter: Reporter = SILENT
) -> CourtPackage:
    """Write the package of ``request``; record the disclosure unless told not to."""
    _check_request(request)
    chosen = profile.load(request.profile)
    with archive.write() as conn:
        items = resolve(conn, request.selection)
        rules = policy.make(archive.verifier, known(conn), request.quorum)
        checkpoint = _checkpoint(conn, archive, rules)
        earlier = _earlier(conn, request.recipient, checkpoint)
        reference = request.reference or _reference(conn, archive, request.recipient)
    info = _bag_info(request, chosen, reference)
    chosen.check({**info, "Payload-Oxum": "0.0"})
    numbered = [(f"{request.prefix}-{i:06d}", sha) for i, sha in enumerate(items, start=1)]
    writer = bag.BagWriter(request.out)
    with archive.read() as conn:
        entries, events = _write_items(archive, conn, writer, numbered, checkpoint, request,
                                       reporter)  # fmt: skip
        tree = merkle.MerkleTree(custody.leaves(conn, checkpoint.size))
        for old in earlier:
            proof = tree.consistency_proof(old.size, checkpoint.size)
            writer.add_tag(f"dalil/earlier/{old.size}.checkpoint.txt", old.note.encode())
            writer.add_tag(f"dalil/earlier/{old.size}.consistency.txt",
                           proofs.hash_lines(proof).encode())  # fmt: skip
    package = _index(archive, request, reference, checkpoint, entries, earlier)
    writer.add_tag("dalil/package.json", canonical.dumps(package))
    writer.add_tag("dalil/checkpoint.txt", checkpoint.note.encode())
    writer.add_tag("dalil/policy.txt", rules.text().encode())
    writer.add_tag("dalil/profile.json", chosen.text)
    writer.add_tag("verify.py", VERIFIER.read_bytes())
    writer.add_tag("README.txt", _readme(request, reference, len(numbered)).encode())
    info = {**info, "Payload-Oxum": writer.payload_oxum()}
    package_sha = writer.finish(info.items())
    bag.sync_tree()
    serialized = _serialize(request.out, request.serialization, info["Bagging-Date"])
    seq = None
    if request.record:
        seq = _record(archive, request, reference, chosen, numbered, checkpoint, package_sha)
    return CourtPackage(request.out, len(numbered), events, package_sha, checkpoint.size,
                        reference, seq, serialized)  # fmt: skip


def _reference(conn: Connection, archive: Archive, recipient: str) -> str:
    count = conn.execute(
        select(disclosures.c.seq).where(disclosures.c.recipient == recipient)
    ).all()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", recipient).strip("-")[:40] or "recipient"
    return f"{archive.config.id[:8]}-{slug}-{len(count) + 1}"


def _bag_info(request: CourtRequest, chosen: profile.Profile, reference: str) -> dict[str, str]:
    date = request.date or datetime.now(UTC).date().isoformat()
    info = {
        "Source-Organization": request.organization,
        "Contact-Name": request.contact,
        "External-Identifier": reference,
        "Bagging-Date": date,
        "Bag-Count": "1 of 1",
        "Internal-Sender-Description": request.purpose,
        "BagIt-Profile-Identifier": chosen.identifier,
        "Disclosure-Recipient": request.recipient,
        "Source-Identifying-Data": "included" if request.reveal_source else "withheld",
        "Bag-Software-Agent": f"dalil {__version__}",
    }
    for label, value in request.fields.items():
        if label in info or label == "Payload-Oxum":
            raise InputError(f"--field {label}: dalil writes this field itself")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", label) or "\n" in value:
            raise InputError(f"--field {label}={value!r}: a label of letters, digits and '-'")
        info[label] = value
    return info


def _chunks(numbered: list[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    for start in range(0, len(numbered), CHUNK):
        yield numbered[start : start + CHUNK]


def _write_items(
    archive: Archive,
    conn: Connection,
    writer: bag.BagWriter,
    numbered: list[tuple[str, str]],
    checkpoint: Any,
    request: CourtRequest,
    reporter: Reporter,
) -> tuple[list[dict[str, Any]], int]:
    """Every item's bytes, dossier and receipt proof; each disclosed event once, with its
    proof; the CSV. Returns the index's entry of each item and the number of events.

    The package's files are few and flat (three per item, no folder per item): creating
    a file costs about as much as copying a photo, so per-item folders of events would
    make the package several times slower to write than a copy of the photos."""
    tree = merkle.MerkleTree(custody.leaves(conn, checkpoint.size))
    gatherer = dossier.Gatherer(conn, [sha for _, sha in numbered], dossier.Options())
    rows: list[dict[str, str]] = []
    entries: list[dict[str, Any]] = []
    events = writer.open_payload(EVENTS)
    proven = writer.open_payload(PROOFS)
    written: set[int] = set()
    reporter.start("writing the package", len(numbered), "items")
    for chunk in _chunks(numbered):
        for item in gatherer.gather(chunk):
            item.events = {s: b for s, b in item.events.items() if s < checkpoint.size}
            metadata = item.metadata
            if not request.reveal_source:
                metadata = dossier.protect_source(metadata)
                item.events = _without_source(item, metadata)
            kept = set(item.events)
            anchor = _anchor(item, metadata, kept, checkpoint.size)
            metadata = _covered(metadata, kept)
            number = item.number
            source = archive.store.path_for(item.sha256)
            writer.copy_payload(item.file_name, source, item.sha256)
            writer.add_payload(f"{number}.json", canonical.dumps(metadata))
            paths = {}
            for seq, body in item.events.items():
                if seq not in written:
                    paths[seq] = tree.inclusion_proof(seq, checkpoint.size)
                    events.write(body + b"\n")
                    proven.write(proofs.proof_record(seq, paths[seq]).encode())
                    written.add(seq)
            path = paths.get(anchor) or tree.inclusion_proof(anchor, checkpoint.size)
            receipt = proofs.tlog_proof(anchor, path, checkpoint.note)
            writer.add_payload(f"{number}.tlog-proof", receipt.encode())
            rows.append(_csv_row(item, metadata))
            entries.append(
                {
                    "number": number,
                    "sha256": item.sha256,
                    "file": f"data/{item.file_name}",
                    "metadata": f"data/{number}.json",
                    "proof": f"data/{number}.tlog-proof",
                    "events": sorted(kept),
                }
            )
            reporter.advance()
    events.close()
    proven.close()
    reporter.finish()
    writer.add_payload("items.csv", _csv(rows, writer))
    return entries, len(written)


def _anchor(item: dossier.Dossier, metadata: dict[str, Any], kept: set[int], size: int) -> int:
    """The event the item's own ``.tlog-proof`` proves: its first disclosed receipt, or the
    event that stored it (an object dalil made). Refuse an item the package cannot prove."""
    for receipt in metadata["receipts"]:
        if receipt["event"] in kept:
            return int(receipt["event"])
    stored = metadata.get("stored", {}).get("event")
    if stored in kept:
        return int(stored)
    if metadata.get("withheld", {}).get("receipts inside an archive file not disclosed"):
        raise InputError(
            f"{item.sha256} was received only inside an archive file (zip, tar) that is not "
            "selected: its receipt names that file; disclose the archive file too (--items)"
        )
    raise InputError(
        f"{item.sha256} was received after checkpoint {size}, the one the witnesses "
        "cosigned: have them cosign a newer one first, or export with --quorum none"
    )


def _without_source(item: dossier.Dossier, metadata: dict[str, Any]) -> dict[int, bytes]:
    """The item's events less those whose bytes name its camera's serial or owner (a
    catalogue session is named after the camera): withheld, and counted."""
    names = dossier.serials(item.metadata.get("exif") or {})
    kept = {}
    for seq, body in item.events.items():
        if any(name.encode() in body for name in names):
            withheld = metadata.setdefault("withheld", {})
            reason = "events naming the camera's serial or owner"
            withheld[reason] = withheld.get(reason, 0) + 1
        else:
            kept[seq] = body
    return kept


def _covered(metadata: dict[str, Any], kept: set[int]) -> dict[str, Any]:
    """The dossier less the facts of events it does not disclose (after the checkpoint,
    or withheld): such a fact in a list goes, a single one loses its event."""

    def gone(value: dict[str, Any]) -> bool:
        event = value.get("event")
        return isinstance(event, int) and event not in kept

    def keep(value: Any) -> Any:
        if isinstance(value, list):
            return [keep(v) for v in value if not (isinstance(v, dict) and gone(v))]
        if isinstance(value, dict):
            if gone(value):
                value = {**value, "event": None}
            return {k: keep(v) for k, v in value.items()}
        return value

    return dict(keep(metadata))


CSV_COLUMNS = (
    "number", "sha256", "sha512", "size", "original paths", "batch", "custodian",
    "received", "stated prior custody", "exif", "authenticity findings", "catalogue case",
    "numbers", "identification",
)  # fmt: skip


def _csv_row(item: dossier.Dossier, meta: dict[str, Any]) -> dict[str, str]:
    exif = meta.get("exif", {})
    cat = meta.get("catalogue", {})
    confirmed = {c["field"]: c["value"] for c in cat.get("confirmations", [])}
    readings = cat.get("readings", [])
    reading = readings[-1]["reading"] if readings else {}
    latest = {name: (reading.get(name) or {}).get("value") for name in ("detainee", "branch",
                                                                          "report")}  # fmt: skip
    numbers = "; ".join(
        f"{name} {confirmed.get(name) or latest.get(name) or '?'}"
        f" ({'confirmed' if name in confirmed else 'read'})"
        for name in ("detainee", "branch", "report")
        if name in confirmed or latest.get(name)
    )
    findings = "; ".join(
        f"{f['code']}: {f['verdict']} ({f['severity']})"
        + (f", error rate {_rate(f['body'])}" if "body" in f else "")
        for f in meta["findings"]
    )
    return {
        "number": item.number,
        "sha256": item.sha256,
        "size": str(item.size),
        "file": f"data/{item.file_name}",
        "original paths": " | ".join(r["path"] for r in meta["receipts"]),
        "batch": " | ".join(str(b["batch"]) for b in meta["batches"]),
        "custodian": " | ".join(sorted({b["custodian"] for b in meta["batches"]})),
        "received": " | ".join(r["received_at"] for r in meta["receipts"]),
        "stated prior custody": " | ".join(
            f"{c['holder']} ({c['held_from'] or '?'}–{c['held_until'] or '?'}, {c['confidence']})"
            for c in meta["claims"]
        ),
        "exif": " ".join(str(exif[k]) for k in ("make", "model", "datetime_original") if k in exif),
        "authenticity findings": findings,
        "catalogue case": (cat.get("case") or {}).get("case", ""),
        "numbers": numbers,
        "identification": " | ".join(m["report"] for m in meta["identification"]),
    }


def _rate(body: dict[str, Any]) -> str:
    try:
        rates = canonical.loads(body["error_rate"])
    except (KeyError, ValueError, TypeError):
        return "?"
    if isinstance(rates, dict):
        shown = [f"{k} {v}" for k, v in sorted(rates.items()) if isinstance(v, str | int)]
        return ", ".join(shown[:3]) or "?"
    return str(rates)


def _csv(rows: list[dict[str, str]], writer: bag.BagWriter) -> bytes:
    sha512 = writer.sha512_by_path()
    out = io.StringIO()
    table = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    table.writeheader()
    for row in rows:
        row = dict(row)
        row["sha512"] = sha512[row.pop("file")]
        table.writerow(row)
    return out.getvalue().encode("utf-8")


def _index(
    archive: Archive,
    request: CourtRequest,
    reference: str,
    checkpoint: Any,
    entries: list[dict[str, Any]],
    earlier: list[Any],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "disclosure": reference,
        "recipient": request.recipient,
        "purpose": request.purpose,
        "log": {"origin": archive.verifier.name, "verifier_key": str(archive.verifier)},
        "checkpoint": {"size": checkpoint.size, "root": checkpoint.root},
        "items": entries,
        "earlier": [
            {
                "size": old.size,
                "checkpoint": f"dalil/earlier/{old.size}.checkpoint.txt",
                "consistency": f"dalil/earlier/{old.size}.consistency.txt",
            }
            for old in earlier
        ],
        "source_identifying_data": "included" if request.reveal_source else "withheld",
    }


def _readme(request: CourtRequest, reference: str, count: int) -> str:
    return f"""DISCLOSURE PACKAGE {reference}

From:    {request.organization} ({request.contact})
To:      {request.recipient}
Purpose: {request.purpose}
Items:   {count}

This folder is a BagIt 1.0 bag. To check it, with Python 3.9 or later and nothing else
(no installation, no network):

    python3 verify.py

verify.py checks that every file is complete and unaltered, that every item's custody
events are in the archive's custody log as signed in dalil/checkpoint.txt (and cosigned
by the witnesses dalil/policy.txt names), that the log was only ever appended to since
any checkpoint this recipient received before, and that each item's metadata says what
its events say. It prints what it checked, what that proves and what it does not, and
exits with status 1 naming any failure.

data/items.csv lists the items. For each item, data/ holds its original bytes exactly as
received (NUMBER.jpg or the like), its metadata (NUMBER.json) and the proof that the log
holds its receipt (NUMBER.tlog-proof, C2SP tlog-proof); data/events.jsonl holds every
disclosed custody event once, as logged, and data/events.proofs the inclusion proof of
each. The format is described in dalil's documentation (docs/court-package.md).
"""


def _serialize(root: Path, kind: str | None, date: str) -> Path | None:
    """The bag as one .zip or .tar, entries sorted and dated the bagging date."""
    if kind is None:
        return None
    moment = datetime.fromisoformat(date).replace(tzinfo=UTC)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    target = root.with_name(root.name + "." + kind)
    if kind == "zip":
        with zipfile.ZipFile(target, "x", zipfile.ZIP_STORED) as archive:
            for path in files:
                entry = zipfile.ZipInfo(f"{root.name}/{path.relative_to(root).as_posix()}",
                                        moment.timetuple()[:6])  # fmt: skip
                entry.external_attr = 0o644 << 16
                with path.open("rb") as source, archive.open(entry, "w") as out:
                    while block := source.read(bag.BLOCK):
                        out.write(block)
        return target
    with tarfile.open(target, "x", format=tarfile.PAX_FORMAT) as archive:
        for path in files:
            info = tarfile.TarInfo(f"{root.name}/{path.relative_to(root).as_posix()}")
            info.size, info.mtime, info.mode = path.stat().st_size, int(moment.timestamp()), 0o644
            with path.open("rb") as source:
                archive.addfile(info, source)
    return target


def _record(
    archive: Archive,
    request: CourtRequest,
    reference: str,
    chosen: profile.Profile,
    numbered: list[tuple[str, str]],
    checkpoint: Any,
    package_sha: str,
) -> int:
    listing = "\n".join(f"{number} {sha}" for number, sha in numbered).encode()
    with archive.write() as conn, Writer(conn, EXPORT, VAULT) as writer:
        items_sha = store_rows(writer, archive.store, listing, "disclosed-items")
        data = {
            "kind": "court",
            "reference": reference,
            "recipient": request.recipient,
            "purpose": request.purpose,
            "profile": chosen.identifier,
            "items": len(numbered),
            "items_sha256": items_sha,
            "checkpoint": {"size": checkpoint.size, "root": checkpoint.root},
            "package_sha256": package_sha,
            "source_identifying_data": request.reveal_source,
            "operator": operator(),
            "tool": f"dalil {__version__}",
        }
        return writer.record(DISCLOSED, data).seq


def register(conn: Connection) -> list[dict[str, Any]]:
    """Every disclosure, oldest first."""
    rows = conn.execute(select(disclosures).order_by(disclosures.c.seq))
    return [dict(row._mapping) for row in rows]
