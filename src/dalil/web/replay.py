"""What the web app's events do: roles granted and revoked, images revealed.

``web.password_set``, ``web.totp_enrolled`` and ``web.sessions_ended`` are quiet: they
record who changed whose sign-in and when (a password change carries only the SHA-256 of
the new hash), while the secrets themselves stay in ``web_credentials``, which is not
replayed (see ``tables``).
"""

from __future__ import annotations

from collections.abc import Iterator

from dalil.vault.changes import Change, Delete, Row, insert
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule
from dalil.web.roles import Role
from dalil.web.tables import (
    web_credentials,
    web_grants,
    web_login_attempts,
    web_reveals,
    web_sessions,
)

GRANTED = "web.granted"
REVOKED = "web.revoked"
REVEALED = "web.revealed"
PASSWORD_SET = "web.password_set"  # noqa: S105 (an event type)
TOTP_ENROLLED = "web.totp_enrolled"
SESSIONS_ENDED = "web.sessions_ended"


def _granted(event: Event) -> Iterator[Change]:
    d = event.data
    key = {"person": d["person"], "role": d["role"], "collection": d["collection"]}
    yield Delete(web_grants, key)  # granting again renews the grant's record
    yield insert(web_grants, {**key, "granted_seq": event.seq, "granted_by": d["by"],
                              "granted_at": event.at})  # fmt: skip


def _revoked(event: Event) -> Iterator[Change]:
    d = event.data
    yield Delete(web_grants, {"person": d["person"], "role": d["role"],
                              "collection": d["collection"]})  # fmt: skip


def _revealed(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "seq": event.seq,
        "person": d["person"],
        "sha256": d["sha256"],
        "purpose": d["purpose"],
        "session": d["session"],
        "seconds": d["seconds"],
        "revealed_at": event.at,
    }
    yield insert(web_reveals, row)


def _check_grant(row: Row) -> list[str]:
    if row["role"] not in {r.value for r in Role}:
        return [f"role {row['role']!r} is not a role of the web app"]
    return []


NOT_CUSTODY = (
    "sign-in secrets (argon2id hashes, encrypted TOTP seeds) must never enter the custody "
    "log, which is append-only and exported to courts; changes are logged by a hash only"
)
EPHEMERAL = "sessions live at most 12 hours and are bearer secrets; they are not evidence"
ATTEMPTS = "login attempts are a rate limiter's counters over minutes, pruned; not custody"

WEB = Capability(
    name="web",
    tables=(
        TableRule(web_grants, check=_check_grant),
        TableRule(web_reveals, origin="seq"),
    ),
    appliers={GRANTED: _granted, REVOKED: _revoked, REVEALED: _revealed},
    quiet=frozenset({PASSWORD_SET, TOTP_ENROLLED, SESSIONS_ENDED}),
    unreplayed={
        web_credentials: NOT_CUSTODY,
        web_sessions: EPHEMERAL,
        web_login_attempts: ATTEMPTS,
    },
)
