"""Which items a package discloses: by collection, case, finding, list, or SHA-256.

Each criterion names things that must exist: an unknown collection, case, finding,
list or hash is an error that names the closest that do exist (``dalil.lookup``), never
an empty package; a hash may be given as a unique prefix of at least 8 hex digits. Items
come back in a stable order (the order the archive received them), each once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select

from dalil import canonical, lookup
from dalil.authenticity.tables import authenticity_findings as findings
from dalil.catalogue import store as catalogue
from dalil.db import schema
from dalil.errors import InputError
from dalil.linkage.tables import victim_lists
from dalil.vault import custody


@dataclass(frozen=True)
class Selection:
    collections: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()  # finding codes or check names
    lists: tuple[str, ...] = ()  # victim lists: their records as imported
    items: tuple[str, ...] = field(default=())  # SHA-256s

    def empty(self) -> bool:
        return not (self.collections or self.cases or self.findings or self.lists or self.items)


def read_items_file(path: Path) -> tuple[str, ...]:
    """SHA-256s one a line (blank lines and ``#`` comments ignored)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the items file {path}: {exc}") from exc
    return tuple(ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip())


def resolve(conn: Connection, selection: Selection) -> list[str]:
    """The SHA-256s of the selected objects, in the order the archive first recorded them."""
    if selection.empty():
        raise InputError(
            "select what to disclose: --collection, --case, --finding, --list or --items FILE"
        )
    chosen: set[str] = set()
    for name in selection.collections:
        chosen |= _collection(conn, name)
    for case_id in selection.cases:
        chosen |= _case(conn, case_id)
    for code in selection.findings:
        chosen |= _finding(conn, code)
    for name in selection.lists:
        chosen.add(_list(conn, name))
    chosen |= {_item(conn, text) for text in selection.items}
    return _in_order(conn, chosen)


def _collection(conn: Connection, name: str) -> set[str]:
    name = lookup.require_collection(conn, name)
    b, o = schema.batches, schema.originals
    found = set(
        conn.execute(
            select(o.c.object_sha256)
            .join(b, b.c.id == o.c.batch_id)
            .where(b.c.collection == name, o.c.object_sha256.is_not(None))
        ).scalars()
    )
    if not found:
        raise InputError(f"collection {name!r} holds no files to disclose")
    return found


def _case(conn: Connection, case_id: str) -> set[str]:
    from dalil.catalogue.cases import resolve_case

    case_id = resolve_case(conn, case_id)
    grouping = catalogue.latest_grouping(conn)
    rows = catalogue.case_rows(conn, grouping["seq"]) if grouping else []
    [row] = [r for r in rows if r["case_id"] == case_id]
    return {sha for sha, _ in canonical.loads(row["photos"])}


def _finding(conn: Connection, code: str) -> set[str]:
    current = select(findings.c.code, findings.c.check).where(findings.c.superseded_seq.is_(None))
    held = [v for row in conn.execute(current.distinct()) for v in row]
    code = lookup.choose("current finding", code, sorted(set(held)), "dalil findings --all")
    return set(
        conn.execute(
            select(findings.c.sha256)
            .where(findings.c.superseded_seq.is_(None))
            .where((findings.c.code == code) | (findings.c.check == code))
        ).scalars()
    )


def _list(conn: Connection, name: str) -> str:
    current = victim_lists.c.removed_seq.is_(None)  # a replaced list's name is its successor's
    names = list(conn.execute(select(victim_lists.c.name).where(current)).scalars())
    name = lookup.choose("list named", name, sorted(names), "dalil lists list")
    seq = conn.execute(
        select(victim_lists.c.seq).where(victim_lists.c.name == name, current)
    ).scalar()
    assert seq is not None  # the name was chosen among those held
    data = custody.get_event(conn, int(seq)).data
    if data.get("v", 1) < 2:
        raise InputError(
            f"list {name!r} was imported by an earlier release that kept its records only in "
            "the catalogue; import it again to disclose it"
        )
    return str(data["records_sha256"])


def _item(conn: Connection, text: str) -> str:
    return lookup.resolve_sha256(conn, text)


def _in_order(conn: Connection, chosen: set[str]) -> list[str]:
    o = schema.objects
    rows = conn.execute(select(o.c.sha256, o.c.first_seq)).all()
    order = {row.sha256: row.first_seq for row in rows if row.sha256 in chosen}
    return sorted(order, key=lambda sha: (order[sha], sha))
