"""What a person typed, resolved against what the archive holds: ids, prefixes, filters.

A value that names nothing is an error that repeats the value, names the closest values
the archive does hold and where to list the rest; it is never an empty result. This
answers a failure seen from outside: a decision on a case id that did not exist was
accepted, two reviewers "confirmed" it and a task opened for a family's liaison. Library
functions resolve their ids here before they read or write, so the web app and scripts
are refused exactly as the command line is.

- ``choose``, ``choose_fixed``, ``choose_enum``, ``suggest``, ``hex_prefix`` and ``pick`` are pure.
- ``distinct``, ``resolve_sha256`` and ``require_collection`` are the thin database part.

A SHA-256 may be given as a prefix of at least ``MIN_PREFIX`` hex digits when it starts
exactly one of the values held; a prefix shared by several is ``Ambiguous`` and lists
them, so a shortened hash printed by one command is accepted by every other.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import TypeVar

from sqlalchemy import Column, Connection, select

from dalil.db import schema
from dalil.errors import Ambiguous, InputError, NotFound

# 8 hex digits are 2^32 values: among a million objects a given prefix starts another
# object's hash with odds of about 1 in 4,000, and when it does the answer is Ambiguous,
# never a guess. Fewer digits collide too often to be worth accepting.
MIN_PREFIX = 8
SHA256_DIGITS = 64
HEX = frozenset("0123456789abcdef")
SUGGESTED = 5  # closest values named in a message
SHOWN = 8  # values named as examples when none is close
CANDIDATES = 10  # ids listed for an ambiguous prefix
CLOSENESS = 0.6  # difflib's ratio below which a value is not "close"

E = TypeVar("E", bound=Enum)


# -- pure -------------------------------------------------------------------------------


def suggest(value: str, known: Iterable[str], limit: int = SUGGESTED) -> list[str]:
    """The known values closest to ``value``: those equal to it but for case, those it
    starts or is part of, then difflib's close matches; at most ``limit``, best first."""
    values = list(dict.fromkeys(k for k in known if k))
    folded = value.casefold().strip()
    if not folded:
        return []
    by_fold: dict[str, list[str]] = {}
    for k in values:
        by_fold.setdefault(k.casefold(), []).append(k)
    same = by_fold.get(folded, [])
    starts = [k for k in values if k.casefold().startswith(folded)]
    within = [k for k in values if folded in k.casefold()]
    close = difflib.get_close_matches(folded, list(by_fold), n=limit, cutoff=CLOSENESS)
    similar = [k for fold in close for k in by_fold[fold]]
    return list(dict.fromkeys([*same, *starts, *within, *similar]))[:limit]


def _some(values: Sequence[str], limit: int = SHOWN) -> str:
    shown = ", ".join(values[:limit])
    more = len(values) - limit
    return shown + (f" and {more:,} more" if more > 0 else "")


def _count(n: int, kind: str) -> str:
    return f"1 {kind} starts" if n == 1 else f"{n:,} {kind}s start"


def not_found(
    kind: str,
    value: str,
    known: Sequence[str],
    listing: str | None = None,
    where: str = "in this archive",
    suggestions: Sequence[str] | None = None,
    error: type[NotFound] = NotFound,
) -> NotFound:
    """The error (a ``NotFound``, or the subclass ``error``) for a ``kind`` (``"case"``)
    named ``value`` that ``known`` lacks."""
    close = list(suggest(value, known) if suggestions is None else suggestions)
    message = f"no {kind} {value!r} {where}".rstrip()
    if close:
        message += f"; did you mean {' or '.join(close) if len(close) < 3 else _some(close)}?"
    elif known:
        message += f"; it holds {len(known):,}: {_some(known)}"
    else:
        message += "; it holds none yet"
    if listing:
        message += f" (list them with `{listing}`)"
    return error(message, value, tuple(close))


def is_hex(text: str) -> bool:
    return bool(text) and set(text) <= HEX


def hex_prefix(text: str, kind: str = "SHA-256") -> str:
    """``text`` as a lowercase hex prefix of a ``kind`` (a whole one included); refused
    when it is not hex, too long, or shorter than ``MIN_PREFIX`` digits."""
    prefix = text.strip().lower()
    if not is_hex(prefix) or len(prefix) > SHA256_DIGITS:
        raise InputError(
            f"{text!r} is not a {kind} ({SHA256_DIGITS} hex digits) nor a prefix of one"
        )
    if len(prefix) < MIN_PREFIX:
        raise InputError(
            f"{text!r} is too short to name one {kind}: give at least {MIN_PREFIX} hex digits"
        )
    return prefix


def pick(kind: str, prefix: str, candidates: Sequence[str], listing: str | None = None) -> str:
    """The one candidate ``prefix`` starts; else NotFound naming the closest candidates,
    or Ambiguous listing those it starts."""
    matching = list(dict.fromkeys(c for c in candidates if c.startswith(prefix)))
    if len(matching) == 1:
        return matching[0]
    if not matching:
        raise not_found(kind, prefix, list(candidates), listing)
    shown = _some(matching, CANDIDATES)
    many = "several" if len(matching) > CANDIDATES else str(len(matching))
    raise Ambiguous(
        f"{prefix!r} starts {many} {kind}s: {shown}; give more digits",
        prefix,
        tuple(matching[:CANDIDATES]),
    )


def choose(
    kind: str,
    value: str,
    known: Iterable[str],
    listing: str | None = None,
    prefixes: bool = False,
    where: str = "in this archive",
) -> str:
    """``value`` if ``known`` holds it; with ``prefixes``, also the one known value that
    a hex prefix of at least ``MIN_PREFIX`` digits starts. Else NotFound, naming the
    closest known values (or Ambiguous for a shared prefix)."""
    values = list(dict.fromkeys(known))
    if value in values:
        return value
    typed = value.strip()
    if typed in values:
        return typed
    if prefixes and is_hex(typed.lower()):
        prefix = typed.lower()
        starting = [k for k in values if k.startswith(prefix)]
        if starting and len(prefix) < MIN_PREFIX:
            raise InputError(
                f"{value!r} is too short to name one {kind}: give at least {MIN_PREFIX} hex "
                f"digits ({_count(len(starting), kind)} with it: {_some(starting)})"
            )
        if starting:
            return pick(kind, prefix, starting, listing)
    raise not_found(kind, value, values, listing, where)


def choose_fixed(kind: str, value: str, choices: Iterable[str]) -> str:
    """``value`` if it is one of a fixed set of ``choices`` (ignoring case); else
    NotFound naming the closest and every choice (a fixed set is short)."""
    members = list(dict.fromkeys(choices))
    if value in members:
        return value
    folded = {m.casefold(): m for m in members}
    if value.strip().casefold() in folded:
        return folded[value.strip().casefold()]
    close = suggest(value, members)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise NotFound(f"{value!r} is not a {kind}; {hint}use one of: {', '.join(members)}",
                   value, tuple(close))  # fmt: skip


def choose_enum(kind: str, value: str | E, choices: type[E]) -> E:
    """The member of an enumeration named by ``value`` (see ``choose_fixed``)."""
    if isinstance(value, choices):
        return value
    members = {str(m.value): m for m in choices}
    return members[choose_fixed(kind, str(value), members)]


# -- the database -----------------------------------------------------------------------


def distinct(conn: Connection, column: Column[str]) -> list[str]:
    """The values a column holds, each once, sorted (NULL left out)."""
    rows = conn.execute(select(column).where(column.is_not(None)).distinct().order_by(column))
    return [str(v) for v in rows.scalars()]


def resolve_sha256(
    conn: Connection,
    text: str,
    column: Column[str] = schema.objects.c.sha256,
    kind: str = "object",
    listing: str | None = "dalil files",
) -> str:
    """The one SHA-256 in ``column`` that ``text`` (whole, or a prefix of at least
    ``MIN_PREFIX`` hex digits) names; a miss names the hashes nearest to it in order."""
    prefix = hex_prefix(text, f"{kind}'s SHA-256")
    rows = conn.execute(
        select(column).where(column.startswith(prefix)).distinct().order_by(column)
        .limit(CANDIDATES + 1)
    )  # fmt: skip
    found = [str(v) for v in rows.scalars()]
    if found:
        return pick(kind, prefix, found, listing)
    near = _neighbours(conn, column, prefix)
    message = f"no {kind} {prefix!r} in this archive"
    if near:
        message += f"; the nearest held: {', '.join(near)}"
    else:
        message += f"; it holds no {kind}s yet"
    if listing:
        message += f" (list them with `{listing}`)"
    raise NotFound(message, prefix, tuple(near))


def _neighbours(conn: Connection, column: Column[str], prefix: str) -> list[str]:
    """The held hashes just before and after ``prefix`` in order: those sharing the
    longest start with it (a typo in the last digits), found by two index lookups."""
    after = conn.execute(select(column).where(column > prefix).order_by(column).limit(2))
    before = conn.execute(select(column).where(column < prefix).order_by(column.desc()).limit(2))
    near = [str(v) for v in [*before.scalars(), *after.scalars()]]
    return sorted(set(near), key=lambda sha: (-_common(sha, prefix), sha))[:3]


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def require_collection(conn: Connection, name: str) -> str:
    """``name`` if some batch was received into a collection of that name."""
    collections = distinct(conn, schema.batches.c.collection)
    return choose("collection named", name, collections, "dalil batches")


def similar_collections(conn: Connection, name: str) -> list[str]:
    """For a collection about to be created: the held names it is close to (a likely
    misspelling, such as ``ceasar`` for ``caesar``); none when ``name`` is held."""
    collections = distinct(conn, schema.batches.c.collection)
    return [] if name in collections else suggest(name, collections)
