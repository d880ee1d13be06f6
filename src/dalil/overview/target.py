"""What a typed argument could name, before the archive is asked: pure, no I/O.

`dalil show` takes one argument for five kinds of things. The shape of the text says
which kinds it could be and in which order to try them: a report code starts ``AM-``; a
hex string of 8 or more digits is a SHA-256 prefix or a case id. A case id is the first
16 hex digits of its first photo's hash, so 16 digits are the case first, and a shorter
prefix of it is first that photo, whose view holds its case whole; anything else
is a path received, a ``LIST:RECORD`` reference when it has a colon, or a case id given
by a file (``case-2``). ``resolve`` asks the archive in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dalil.errors import InputError
from dalil.lookup import MIN_PREFIX, SHA256_DIGITS, is_hex

CASE_DIGITS = 16  # catalogue case ids: the first 16 hex digits of the first photo's hash
REPORT_PREFIX = "AM-"


class Kind(StrEnum):
    """What `dalil show` can show."""

    PHOTO = "photo"  # an object, named by its SHA-256 or a prefix of it
    PATH = "path"  # a path received; shown as the photo it holds
    CASE = "case"
    REPORT = "report"
    RECORD = "record"  # LIST:RECORD of a victim list


@dataclass(frozen=True)
class Target:
    """A thing the archive holds: its kind and full id (a photo's SHA-256, a case id, a
    report code, ``LIST:RECORD``); ``given`` is what the person typed."""

    kind: Kind
    id: str
    given: str


def readings(text: str) -> tuple[Kind, ...]:
    """The kinds ``text`` could name, most likely first (see the module's docstring)."""
    typed = text.strip()
    if not typed:
        raise InputError(
            "give what to show: a SHA-256 (8+ hex digits), a path received, a case id, "
            "a report code (AM-...) or LIST:RECORD"
        )
    if typed.upper().startswith(REPORT_PREFIX):
        return (Kind.REPORT,)
    if is_hex(typed.lower()):
        if len(typed) < MIN_PREFIX:
            return (Kind.PATH,)
        if len(typed) == CASE_DIGITS:
            return (Kind.CASE, Kind.PHOTO, Kind.PATH)
        if len(typed) > SHA256_DIGITS:
            return (Kind.PATH,)
        if len(typed) > CASE_DIGITS:
            return (Kind.PHOTO, Kind.PATH)
        return (Kind.PHOTO, Kind.CASE, Kind.PATH)
    if ":" in typed:
        return (Kind.PATH, Kind.RECORD, Kind.CASE)
    return (Kind.PATH, Kind.CASE)


def too_short(text: str) -> str | None:
    """Why a short hex string cannot name a hash, or None when it is not one."""
    typed = text.strip()
    if is_hex(typed.lower()) and len(typed) < MIN_PREFIX:
        return f"a SHA-256 or case id prefix needs at least {MIN_PREFIX} hex digits"
    return None
