"""The one thing a typed argument names in the archive, or a refusal with suggestions.

The kinds ``target.readings`` allows are tried in order, each through the lookup its own
commands use (``lookup.resolve_sha256``, the catalogue's and identification's case ids,
report codes, list records), so `dalil show` accepts exactly what those commands accept.
A prefix shared by several things is ``Ambiguous`` at once; a text that names nothing
is a ``NotFound`` naming the closest held values of every kind tried. Resolving reads
only: it never writes an event.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from sqlalchemy import Connection, select

from dalil import lookup
from dalil.db import schema
from dalil.errors import Ambiguous, InputError, NotFound
from dalil.identification import reports
from dalil.identification.known_cases import known_cases, resolve_case
from dalil.identification.tables import am_reports
from dalil.linkage import store as link_store
from dalil.overview.target import Kind, Target, readings, too_short

EARLIER = "was in an earlier grouping"  # the catalogue's word for a regrouped case
LISTINGS = "`dalil files`, `dalil catalogue cases`, `dalil am list`, `dalil lists list`"


def resolve(conn: Connection, text: str) -> Target:
    """The photo, case, report or list record ``text`` names (see ``target``)."""
    kinds = readings(text)
    misses: list[NotFound] = []
    reasons: list[str] = []  # why a thing of that name is not there to show (removed, ...)
    for kind in kinds:
        try:
            return Target(_KIND_OF[kind], _RESOLVERS[kind](conn, text), text)
        except Ambiguous:
            raise
        except NotFound as exc:
            misses.append(exc)
        except InputError as exc:
            if kind is not Kind.RECORD:
                raise
            reasons.append(str(exc))
    raise _refusal(conn, text, kinds, misses, reasons)


def _photo(conn: Connection, text: str) -> str:
    return lookup.resolve_sha256(conn, text)


def _path(conn: Connection, text: str) -> str:
    o = schema.originals
    typed = text.strip()
    rows = conn.execute(
        select(o.c.object_sha256).where(o.c.path == typed).distinct().order_by(o.c.object_sha256)
    )
    found = [str(v) for v in rows.scalars() if v is not None]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise Ambiguous(
            f"the path {typed!r} was received with different contents in several batches: "
            f"{', '.join(found)}; give the SHA-256 of the one to show",
            typed,
            tuple(found),
        )
    held = conn.execute(select(o.c.seq).where(o.c.path == typed).limit(1)).first()
    if held is not None:
        raise InputError(
            f"the path {typed!r} was received but holds no file (a folder, a link or an "
            "entry that could not be read); `dalil flags` says why"
        )
    raise NotFound(f"no path {typed!r} was received", typed)


def _case(conn: Connection, text: str) -> str:
    return resolve_case(conn, text)


def _report(conn: Connection, text: str) -> str:
    return reports.get_report(conn, text).code


def _record(conn: Connection, text: str) -> str:
    name, record = link_store.find_record(conn, text.strip())
    return f"{name}:{record}"


_RESOLVERS: dict[Kind, Callable[[Connection, str], str]] = {
    Kind.PHOTO: _photo,
    Kind.PATH: _path,
    Kind.CASE: _case,
    Kind.REPORT: _report,
    Kind.RECORD: _record,
}
_KIND_OF = {kind: Kind.PHOTO if kind is Kind.PATH else kind for kind in Kind}


def _refusal(
    conn: Connection,
    text: str,
    kinds: tuple[Kind, ...],
    misses: list[NotFound],
    reasons: list[str],
) -> NotFound:
    """One NotFound for a text no kind resolved: the suggestions of each lookup tried,
    then the held values closest to it among paths, case ids, reports and records."""
    typed = text.strip()
    close = [s for miss in misses for s in miss.suggestions]
    close += lookup.suggest(typed, _held(conn, kinds))
    if Kind.PATH in kinds:
        close += _by_file_name(conn, typed)
    close = list(dict.fromkeys(close))[: lookup.SUGGESTED]
    tried = " or ".join(_NAMES[k] for k in kinds)
    message = f"nothing in this archive is named {typed!r} (tried it as {tried})"
    reasons += [str(m) for m in misses if EARLIER in str(m)]
    for reason in reasons:
        message += f"; {reason}"
    short = too_short(typed)
    if short:
        message += f"; {short}"
    if close:
        message += f"; did you mean {' or '.join(close)}?"
    message += f" (list what it holds with {LISTINGS})"
    return NotFound(message, typed, tuple(close))


_NAMES = {
    Kind.PHOTO: "a SHA-256",
    Kind.PATH: "a path received",
    Kind.CASE: "a case id",
    Kind.REPORT: "a report code",
    Kind.RECORD: "LIST:RECORD",
}


def _by_file_name(conn: Connection, typed: str) -> list[str]:
    """Held paths whose file name is close to the typed one's: a person often types the
    name without the folders above it, or with one digit too few."""
    by_name: dict[str, list[str]] = {}
    for path in lookup.distinct(conn, schema.originals.c.path):
        by_name.setdefault(PurePosixPath(path.replace("!/", "/")).name, []).append(path)
    close = lookup.suggest(PurePosixPath(typed.replace("!/", "/")).name, list(by_name))
    return [path for name in close for path in by_name[name]]


def _held(conn: Connection, kinds: tuple[Kind, ...]) -> list[str]:
    """Values a suggestion may name, of the kinds tried."""
    held: list[str] = []
    if Kind.PATH in kinds:
        held += lookup.distinct(conn, schema.originals.c.path)
    if Kind.CASE in kinds:
        held += known_cases(conn)
    if Kind.REPORT in kinds:
        held += lookup.distinct(conn, am_reports.c.code)
    if Kind.RECORD in kinds:
        held += [f"{name}:{record}" for name, record in link_store.record_ids(conn)]
    return held
