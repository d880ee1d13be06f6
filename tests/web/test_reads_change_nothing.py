"""No GET changes anything: every GET route, as every role, leaves every table and the
custody log as they were. The one exception is named: a session's ``seen_at``, which
restarts its idle time (that is what "idle" means), and nothing else of the session."""

from __future__ import annotations

from sqlalchemy import select

from dalil.db import schema
from dalil.web.roles import Role

from .factories import WebArchive, person_for
from .test_authorization import ANON, TABLE, WHO, url


def _snapshot(web: WebArchive) -> dict[str, list[tuple[object, ...]]]:
    tables = {}
    with web.archive.read() as conn:
        for table in schema.metadata.sorted_tables:
            columns = [c for c in table.columns if not (table.name == "web_sessions"
                                                        and c.name == "seen_at")]  # fmt: skip
            rows = conn.execute(select(*columns)).all()
            tables[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return tables


def test_crawling_every_get_route_as_every_role_changes_nothing(shared_web: WebArchive) -> None:
    clients = {}
    for who in WHO:
        clients[who] = shared_web.client()
        if who != ANON:
            shared_web.sign_in(clients[who], person_for(Role(who)))
    before = _snapshot(shared_web)
    assert before["events"]
    for client in clients.values():
        for template in TABLE:
            for sha256 in (shared_web.shown, shared_web.hidden, "f" * 64):
                client.get(url(template, shared_web, sha256))
        client.get("/collections/other")
        client.get("/collections/caesar?page=2")
        client.get("/no/such/page")
    assert _snapshot(shared_web) == before
