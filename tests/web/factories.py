"""An archive for the web app's tests: two synthetic collections, one person per role.

Photos come from ``dalil.synth`` (10 small photos, generated once per test session),
received as two collections (drives A and B as ``caesar``, drive C as ``other``) and
analysed for authenticity, so items have findings. Every role is granted in ``caesar``
only, so what is only in ``other`` no one but an all-collections grant may see.
Persons needing a second factor are enrolled; their TOTP secrets are kept for the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select
from starlette.testclient import TestClient

from dalil.authenticity.pipeline import analyze
from dalil.clock import format_utc
from dalil.db import schema
from dalil.people import registry
from dalil.vault.archive import Archive
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive
from dalil.web import accounts, totp
from dalil.web.app import create_app
from dalil.web.context import Settings
from dalil.web.roles import TWO_FACTOR, Role

PASSWORD = "correct horse battery staple"
COLLECTION = "caesar"
HIDDEN = "other"
ROLES = tuple(Role)
START = datetime(2026, 12, 3, 9, 0, 0, tzinfo=UTC)


class Clock:
    """The app's clock, moved by the tests (idle and absolute expiry, TOTP windows)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class WebArchive:
    archive: Archive
    clock: Clock
    secrets: dict[str, str] = field(default_factory=dict)  # person → TOTP secret
    shown: str = ""  # a photo in caesar
    hidden: str = ""  # a photo in other only

    def client(self) -> TestClient:
        app = create_app(self.archive, Settings(secure_cookies=False, clock=self.clock))
        return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)

    def code(self, person: str, offset_s: float = 0) -> str:
        return totp.code_at(self.secrets[person], self.clock.now + timedelta(seconds=offset_s))

    def sign_in(self, client: TestClient, person: str) -> None:
        assert login(client, person).status_code == 303
        if person in self.secrets:
            answer = post(client, "/login/code", {"code": self.code(person)})
            assert answer.status_code == 303, answer.text
            self.clock.advance(seconds=30)  # the next sign-in needs the next code


def person_for(role: Role) -> str:
    return f"p-{role.value}"


def token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path).text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def post(
    client: TestClient, path: str, data: dict[str, str], csrf_from: str | None = None
) -> httpx.Response:
    form = {"csrf": token(client, csrf_from or _page_for(path)), **data}
    answer: httpx.Response = client.post(path, data=form)
    return answer


def _page_for(path: str) -> str:
    if path.startswith("/login"):
        return path
    if path.startswith("/items/") and path.endswith("/reveal"):
        return path.removesuffix("/reveal")
    return "/"


def login(client: TestClient, person: str, password: str = PASSWORD) -> httpx.Response:
    return post(client, "/login", {"person": person, "password": password})


def build(archive: Archive, drives: Path, keys: Path, clock: Clock) -> WebArchive:
    folders = drives / "drives"
    caesar = [folders / "drive-A", folders / "drive-B"]
    receive(archive, ReceiveRequest(caesar, COLLECTION, "Test NGO", "synthetic drives", []))
    receive(archive, ReceiveRequest([folders / "drive-C"], HIDDEN, "Test NGO", "elsewhere", []))
    describe_pending(archive, workers=1)
    analyze(archive, workers=1)
    made = WebArchive(archive, clock)
    at = format_utc(clock.now)
    for role in ROLES:
        person = person_for(role)
        registry.add_with_key(archive, person, f"Person {role.value}", keys / f"{person}.key")
        accounts.grant(archive, person, role.value, COLLECTION)
        accounts.set_password(archive, person, PASSWORD, at)
        if role in TWO_FACTOR:
            uri = accounts.enrol_totp(archive, person, at)
            made.secrets[person] = parse_qs(urlsplit(uri).query)["secret"][0]
    made.shown, made.hidden = _photos(archive)
    return made


def _photos(archive: Archive) -> tuple[str, str]:
    o, b, f = schema.originals, schema.batches, schema.image_facts
    with archive.read() as conn:
        rows = conn.execute(
            select(b.c.collection, o.c.object_sha256)
            .select_from(o.join(b, b.c.id == o.c.batch_id).join(f, f.c.sha256 == o.c.object_sha256))
            .order_by(o.c.seq)
        ).all()
    seen = {r.object_sha256 for r in rows if r.collection == COLLECTION}
    hidden = next(r.object_sha256 for r in rows if r.object_sha256 not in seen)
    return sorted(seen)[0], hidden
