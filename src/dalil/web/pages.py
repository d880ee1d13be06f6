"""The dashboard, a collection's photos, an item, and its images.

Each view reads through the capabilities' library functions and checks the object:
an item outside the person's collections is a 404, like an unknown hash.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from dalil.authenticity import rates
from dalil.db import schema
from dalil.errors import DalilError
from dalil.vault import checkpoints, queries, witnesses
from dalil.web import items, preview, reveal
from dalil.web.context import Context
from dalil.web.roles import Permission

NO_STORE = {"Cache-Control": "no-store, private"}


def _collections(conn: Connection) -> list[dict[str, Any]]:
    o, b, f = schema.originals, schema.batches, schema.flags
    received: dict[str, int] = dict(
        conn.execute(
            select(b.c.collection, func.count(o.c.seq))
            .select_from(b.outerjoin(o, o.c.batch_id == b.c.id))
            .group_by(b.c.collection)
        ).all()
    )
    flagged: dict[str, int] = dict(
        conn.execute(
            select(b.c.collection, func.count(f.c.seq))
            .select_from(f.join(o, o.c.seq == f.c.original_seq).join(b, b.c.id == o.c.batch_id))
            .group_by(b.c.collection)
        ).all()
    )
    return [{"name": name, "received": int(count), "flags": int(flagged.get(name, 0))}
            for name, count in sorted(received.items())]  # fmt: skip


def _last_verify(conn: Connection) -> str | None:
    e = schema.events
    seq = conn.execute(select(func.max(e.c.seq)).where(e.c.type == "verify.completed")).scalar()
    if seq is None:
        return None
    from dalil.vault import custody

    return custody.get_event(conn, int(seq)).at


async def dashboard(ctx: Context) -> Response:
    with ctx.archive.read() as conn:
        held = _collections(conn)
        visible = [c for c in held if ctx.may(Permission.DASHBOARD, {c["name"]})]
        summary = queries.archive_summary(ctx.archive, conn)
        last = checkpoints.latest(conn)
        cosigned = witnesses.witnessed(conn)
        known = len(witnesses.known(conn))
        verified_at = _last_verify(conn)
    latest_witnessed = next((w for w in reversed(cosigned)), None)
    return ctx.render(
        "dashboard.html", collections=visible, summary=summary, checkpoint=last,
        witnessed=latest_witnessed, witnesses_known=known, verified_at=verified_at,
        may_browse=ctx.may(Permission.ITEM),
    )  # fmt: skip


async def collection(ctx: Context) -> Response:
    name = ctx.request.path_params["name"]
    try:
        page = max(1, int(ctx.request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    with ctx.archive.read() as conn:
        held = {c["name"] for c in _collections(conn)}
        ctx.require(Permission.ITEM, {name} & held)
        total, rows = items.page_of(conn, name, page)
    last_page = max(1, -(-total // items.PAGE))
    if page > last_page:
        raise HTTPException(404)
    first = (page - 1) * items.PAGE + 1 if total else 0
    return ctx.render("collection.html", name=name, total=total, rows=rows, page=page,
                      last_page=last_page, first=first, last=first + len(rows) - 1)  # fmt: skip


def _item_collections(ctx: Context, conn: Connection, permission: Permission) -> str:
    sha256 = str(ctx.request.path_params["sha256"]).lower()
    ctx.require(permission, items.collections_of(conn, sha256))
    return sha256


async def item(ctx: Context) -> Response:
    with ctx.archive.read() as conn:
        sha256 = _item_collections(ctx, conn, Permission.ITEM)
        where = items.collections_of(conn, sha256)
        facts = items.facts(conn, sha256)
        found = items.item_findings(conn, sha256)
        case = items.item_case(conn, sha256)
        history = items.history(conn, sha256) if ctx.may(Permission.CUSTODY, where) else None
        shown = ctx.session is not None and reveal.granted(conn, ctx.session, sha256, ctx.now)
    for finding in found:
        if not finding["error_rate"]:
            finding["error_rate"] = rates.for_check(finding["check"])
    return ctx.render(
        "item.html", sha256=sha256, facts=facts, findings=found, case=case, history=history,
        shown=shown, may_reveal=ctx.may(Permission.REVEAL, where), purposes=reveal.PURPOSES,
        photo=facts["described"] is not None,
    )  # fmt: skip


async def item_preview(ctx: Context) -> Response:
    with ctx.archive.read() as conn:
        sha256 = _item_collections(ctx, conn, Permission.ITEM)
        described = items.facts(conn, sha256)["described"]
    if described is None:
        raise HTTPException(404)
    source = described["thumbnail"] or sha256
    try:
        data = preview.blurred(ctx.archive.store.read(source))
    except (OSError, DalilError) as exc:
        raise HTTPException(404) from exc
    return Response(data, media_type="image/jpeg", headers=NO_STORE)


async def item_reveal(ctx: Context) -> Response:
    form = await ctx.request.form()
    purpose = str(form.get("purpose", ""))
    with ctx.archive.read() as conn:
        sha256 = _item_collections(ctx, conn, Permission.REVEAL)
        if items.facts(conn, sha256)["described"] is None:
            raise HTTPException(404)
    if purpose not in reveal.PURPOSES:
        raise HTTPException(400)
    assert ctx.session is not None
    try:
        reveal.record(ctx.archive, ctx.session, sha256, purpose, ctx.now)
    except Exception as exc:  # fail closed: no event, no grant, no image
        raise HTTPException(503) from exc
    if ctx.request.headers.get("hx-request"):
        return ctx.render("_photo.html", sha256=sha256, shown=True, may_reveal=True,
                          purposes=reveal.PURPOSES, photo=True)  # fmt: skip
    return RedirectResponse(f"/items/{sha256}", status_code=303)


async def item_image(ctx: Context) -> Response:
    with ctx.archive.read() as conn:
        sha256 = _item_collections(ctx, conn, Permission.REVEAL)
        allowed = ctx.session is not None and reveal.granted(conn, ctx.session, sha256, ctx.now)
    if not allowed:
        raise HTTPException(404)
    try:
        data = preview.revealed(ctx.archive.store.read(sha256))
    except (OSError, DalilError) as exc:
        raise HTTPException(404) from exc
    return Response(data, media_type="image/jpeg", headers=NO_STORE)
