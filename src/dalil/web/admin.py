"""Accounts for admins: who holds which roles and sessions; ending a person's sessions."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from dalil.people import registry
from dalil.web import accounts, sessions
from dalil.web.context import Context


async def people_page(ctx: Context) -> Response:
    with ctx.archive.read() as conn:
        rows = [
            {"person": p, "grants": sorted(accounts.access(conn, p.id).grants,
                                           key=lambda g: (g.role.value, g.collection)),
             "sessions": sessions.count(conn, p.id)}
            for p in registry.listing(conn)
        ]  # fmt: skip
    return ctx.render("people.html", rows=rows)


async def end_sessions(ctx: Context) -> Response:
    handle = str(ctx.request.path_params["person"])
    with ctx.archive.read() as conn:
        person = accounts.active_person(conn, handle)
    if person is None:
        raise HTTPException(404)
    accounts.end_sessions(ctx.archive, person.id, by=ctx.access.person)
    return RedirectResponse("/admin/people", status_code=303)
