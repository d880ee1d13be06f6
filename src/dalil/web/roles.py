"""Roles as data: what each role may do, granted per collection; everything else denied.

Pure: no database. ``Access`` is what one person holds (their grants); ``allows`` answers
one question (may this person do this, in this collection?) and is the only place a
permission is decided. A role not listed for a permission does not have it: default deny.
Family liaison officers never browse the archive (DESIGN.md, "Do no harm"), so they hold
no permission over items; admins manage accounts, not evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

EVERY_COLLECTION = "*"


class Role(StrEnum):
    ADMIN = "admin"
    CUSTODIAN = "custodian"
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    IDENTIFICATION = "identification"
    LIAISON = "liaison"
    AUDITOR = "auditor"
    VIEWER = "viewer"


class Permission(StrEnum):
    DASHBOARD = "dashboard.view"
    ITEM = "item.view"
    CUSTODY = "custody.view"
    REVEAL = "image.reveal"
    ACCOUNTS = "accounts.manage"


ALL = frozenset(Role)
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.DASHBOARD: ALL,
    Permission.ITEM: frozenset(
        {
            Role.CUSTODIAN,
            Role.ANALYST,
            Role.REVIEWER,
            Role.IDENTIFICATION,
            Role.AUDITOR,
            Role.VIEWER,
        }
    ),
    Permission.CUSTODY: frozenset({Role.CUSTODIAN, Role.ANALYST, Role.AUDITOR}),
    # Least exposure to graphic images: only those whose work needs the full photo.
    Permission.REVEAL: frozenset({Role.CUSTODIAN, Role.ANALYST, Role.IDENTIFICATION}),
    Permission.ACCOUNTS: frozenset({Role.ADMIN}),
}

# Roles whose holders must give a second factor (an account that could expose the
# archive's custody or families' identities is worth stealing a password for).
TWO_FACTOR = frozenset({Role.ADMIN, Role.CUSTODIAN, Role.IDENTIFICATION})


@dataclass(frozen=True)
class Grant:
    role: Role
    collection: str  # a collection's name, or EVERY_COLLECTION


@dataclass(frozen=True)
class Access:
    person: str
    grants: frozenset[Grant]

    def allows(self, permission: Permission, collection: str | None = None) -> bool:
        """Whether a grant gives ``permission`` in ``collection`` (None: in any one)."""
        roles = PERMISSIONS.get(permission, frozenset())
        return any(
            g.role in roles
            and (collection is None or g.collection in (collection, EVERY_COLLECTION))
            for g in self.grants
        )

    def allows_any(self, permission: Permission, collections: Iterable[str]) -> bool:
        return any(self.allows(permission, c) for c in collections)

    def collections(self, permission: Permission, held: Iterable[str]) -> list[str]:
        """The collections among ``held`` in which ``permission`` is given."""
        return [c for c in held if self.allows(permission, c)]

    @property
    def needs_two_factor(self) -> bool:
        return any(g.role in TWO_FACTOR for g in self.grants)


NOBODY = Access("", frozenset())
