"""Which items a package discloses: by collection, case, finding, list, or SHA-256.

Each criterion names things that must exist: an unknown collection, case, finding,
list or hash is an error that says what does exist, never an empty package. Items come
back in a stable order (the order the archive received them), each once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select

from dalil import canonical
from dalil.authenticity.tables import authenticity_findings as findings
from dalil.catalogue import store as catalogue
from dalil.db import schema
from dalil.errors import InputError
from dalil.linkage.tables import victim_lists
from dalil.vault import custody
from dalil.vault.store import is_sha256

HEX = set("0123456789abcdef")


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


def _known(values: Iterable[str]) -> str:
    shown = sorted(set(values))
    return ", ".join(shown[:12]) + (" ..." if len(shown) > 12 else "") if shown else "none"


def _collection(conn: Connection, name: str) -> set[str]:
    b, o = schema.batches, schema.originals
    found = set(
        conn.execute(
            select(o.c.object_sha256)
            .join(b, b.c.id == o.c.batch_id)
            .where(b.c.collection == name, o.c.object_sha256.is_not(None))
        ).scalars()
    )
    if not found:
        names = conn.execute(select(b.c.collection).distinct()).scalars()
        raise InputError(f"no collection named {name!r}; the archive holds: {_known(names)}")
    return found


def _case(conn: Connection, case_id: str) -> set[str]:
    grouping = catalogue.latest_grouping(conn)
    rows = catalogue.case_rows(conn, grouping["seq"]) if grouping else []
    for row in rows:
        if row["case_id"] == case_id:
            return {sha for sha, _ in canonical.loads(row["photos"])}
    hint = [r["case_id"] for r in rows if r["case_id"].startswith(case_id[:4])]
    raise InputError(
        f"no case {case_id!r} in the latest grouping"
        + (
            f"; did you mean {_known(hint)}?"
            if hint
            else "; list them with `dalil catalogue cases`"
        )
    )


def _finding(conn: Connection, code: str) -> set[str]:
    current = select(findings.c.sha256).where(findings.c.superseded_seq.is_(None))
    found = set(
        conn.execute(
            current.where((findings.c.code == code) | (findings.c.check == code))
        ).scalars()
    )
    if not found:
        codes = conn.execute(
            select(findings.c.code).where(findings.c.superseded_seq.is_(None)).distinct()
        ).scalars()
        raise InputError(f"no current finding {code!r}; findings in force: {_known(codes)}")
    return found


def _list(conn: Connection, name: str) -> str:
    seq = conn.execute(select(victim_lists.c.seq).where(victim_lists.c.name == name)).scalar()
    if seq is None:
        names = conn.execute(select(victim_lists.c.name)).scalars()
        raise InputError(f"no list named {name!r}; imported lists: {_known(names)}")
    data = custody.get_event(conn, int(seq)).data
    if data.get("v", 1) < 2:
        raise InputError(
            f"list {name!r} was imported by an earlier release that kept its records only in "
            "the catalogue; import it again to disclose it"
        )
    return str(data["records_sha256"])


def _item(conn: Connection, text: str) -> str:
    sha = text.strip().lower()
    o = schema.objects
    if is_sha256(sha):
        if conn.execute(select(o.c.sha256).where(o.c.sha256 == sha)).first() is not None:
            return sha
        raise InputError(f"no object {sha} in this archive")
    if sha and set(sha) <= HEX:
        matches = list(conn.execute(select(o.c.sha256).where(o.c.sha256.like(sha + "%")).limit(3)))
        if len(matches) == 1:
            raise InputError(f"{text!r} is a prefix: give the whole SHA-256, {matches[0][0]}")
        if matches:
            raise InputError(f"{text!r} is the prefix of several objects; give the whole SHA-256")
    raise InputError(f"{text!r} is not the SHA-256 of an object in this archive")


def _in_order(conn: Connection, chosen: set[str]) -> list[str]:
    o = schema.objects
    rows = conn.execute(select(o.c.sha256, o.c.first_seq)).all()
    order = {row.sha256: row.first_seq for row in rows if row.sha256 in chosen}
    return sorted(order, key=lambda sha: (order[sha], sha))
