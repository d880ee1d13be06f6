"""Every request's who, what language and which CSRF token; and the checks of the
route table, made before any view runs.

``guard`` wraps each view with the permission its route declares (``routes``): a request
reaches a view only when the session may use the route; a state-changing request only
with the CSRF token of its session (or, before signing in, of its CSRF cookie). A view
then checks the object itself (``Context.require``) and answers 404 for an object the
person may not see, exactly as for one that does not exist.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from dalil.vault.archive import Archive
from dalil.web import accounts, i18n, sessions
from dalil.web.roles import NOBODY, Access, Permission

SAFE_METHODS = frozenset({"GET", "HEAD"})
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


class Open(StrEnum):
    """Routes that need no permission of a role."""

    PUBLIC = "public"  # anyone: the login page, the language switch
    CODE = "code"  # a session that gave its password, awaiting the TOTP code
    SIGNED_IN = "signed-in"  # any signed-in person: logout


Need = Permission | Open


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    """``secure_cookies=False`` (``dalil serve --insecure-dev-cookies``) drops the
    ``__Host-`` prefix and ``Secure`` so tests and a developer can use plain http on
    loopback; every real deployment keeps the default."""

    secure_cookies: bool = True
    clock: Callable[[], datetime] = utc_now

    def cookie(self, name: str) -> str:
        return f"__Host-dalil-{name}" if self.secure_cookies else f"dalil-{name}"


@dataclass
class Context:
    archive: Archive
    settings: Settings
    request: Request
    language: str
    now: datetime
    session: sessions.Session | None = None
    access: Access = NOBODY
    anonymous_csrf: str = ""
    set_csrf_cookie: bool = False
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        if self.session is not None:
            return self.session.csrf
        return self.anonymous_csrf

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        env = i18n.environment(self.language)
        page = env.get_template(template).render(
            ctx=self, csrf=self.csrf, person=self.access.person, path=self.request.url.path,
            **values,
        )  # fmt: skip
        return HTMLResponse(page, status_code=status)

    def require(self, permission: Permission, collections: set[str]) -> None:
        """404 unless ``permission`` is given in one of the object's ``collections``."""
        if not self.access.allows_any(permission, collections):
            raise HTTPException(404)

    def may(self, permission: Permission, collections: set[str] | None = None) -> bool:
        if collections is None:
            return self.access.allows(permission)
        return self.access.allows_any(permission, collections)


View = Callable[[Context], Awaitable[Response]]


async def _given_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content = request.headers.get("content-type", "")
    if content.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def _load(archive: Archive, settings: Settings, request: Request, now: datetime) -> Context:
    language = i18n.choose(request.cookies.get(settings.cookie("lang")))
    ctx = Context(archive, settings, request, language, now)
    token = request.cookies.get(settings.cookie("session"))
    if token:
        with archive.write() as conn:
            ctx.session = sessions.load(conn, token, now)
            if ctx.session is not None and ctx.session.stage == sessions.FULL:
                ctx.access = accounts.access(conn, ctx.session.person)
    anonymous = request.cookies.get(settings.cookie("csrf"), "")
    ctx.anonymous_csrf = anonymous if 20 <= len(anonymous) <= 64 else secrets.token_urlsafe(32)
    ctx.set_csrf_cookie = ctx.anonymous_csrf != anonymous
    return ctx


def _admitted(ctx: Context, need: Need) -> Response | None:
    """None when the request may go on; else the answer it gets instead."""
    session = ctx.session
    if need is Open.PUBLIC:
        return None
    if need is Open.CODE:
        if session is not None and session.stage == sessions.TOTP:
            return None
        return RedirectResponse("/login", status_code=303)
    if session is None or session.stage != sessions.FULL:
        return RedirectResponse("/login", status_code=303)
    if need is Open.SIGNED_IN or ctx.access.allows(need):
        return None
    raise HTTPException(403)


def guard(archive: Archive, settings: Settings, need: Need, view: View) -> Callable[
    [Request], Awaitable[Response]
]:  # fmt: skip
    async def endpoint(request: Request) -> Response:
        ctx = _load(archive, settings, request, settings.clock())
        request.state.language = ctx.language
        if request.method not in SAFE_METHODS:
            given = await _given_token(request)
            if not given or not hmac.compare_digest(given.encode(), ctx.csrf.encode()):
                raise HTTPException(403, "csrf")
        answer = _admitted(ctx, need) or await view(ctx)
        if ctx.set_csrf_cookie:
            set_cookie(answer, settings, "csrf", ctx.anonymous_csrf)
        return answer

    return endpoint


def set_cookie(response: Response, settings: Settings, name: str, value: str,
               max_age: int | None = None) -> None:  # fmt: skip
    response.set_cookie(
        settings.cookie(name), value, max_age=max_age, path="/", secure=settings.secure_cookies,
        httponly=True, samesite="strict",
    )  # fmt: skip


def client_ip(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"
